"""Layers that change an image's size without weights: ``UpSampling2D``,
``ZeroPadding2D`` and ``Cropping2D``, all on ``(batch, height, width, channels)``.

* ``UpSampling2D(size=2)`` repeats every row and column twice (``"nearest"``)
  or interpolates between neighbours (``"bilinear"``, as ``tf.image.resize``
  does with half-pixel centres: one small matrix per axis, applied with
  ``einsum``).
* ``ZeroPadding2D`` adds rows and columns of zeros around the image (``tf.pad``).
* ``Cropping2D`` cuts rows and columns off the edges (a slice).

>>> import stage3_layers as tf
>>> x = tf.ones([1, 4, 4, 3])
>>> [tuple(layer(x).shape) for layer in (tf.keras.layers.UpSampling2D(),
...                                      tf.keras.layers.ZeroPadding2D(1),
...                                      tf.keras.layers.Cropping2D(((1, 0), (0, 2))))]
[(1, 8, 8, 3), (1, 6, 6, 3), (1, 3, 2, 3)]
"""

import numbers

import numpy as np

import stage2_autodiff as tf

from ..base_layer import InputSpec, Layer
from .convolutional import _IMAGES, _channels_last, _pair

__all__ = ["UpSampling2D", "ZeroPadding2D", "Cropping2D"]


def _edges(value, layer, what):
    """``((top, bottom), (left, right))`` from an int, a pair, or a pair of pairs."""
    def count(v):
        return isinstance(v, numbers.Integral) and not isinstance(v, bool) and v >= 0

    if count(value):
        return ((int(value),) * 2,) * 2
    if isinstance(value, (list, tuple)) and len(value) == 2:
        if all(count(v) for v in value):
            return tuple((int(v), int(v)) for v in value)
        if all(isinstance(v, (list, tuple)) and len(v) == 2 and all(count(e) for e in v)
               for v in value):
            return tuple((int(v[0]), int(v[1])) for v in value)
    raise ValueError(
        "%s: %s must be an int (the same on every side), a pair (height, width) or a "
        "pair of pairs ((top, bottom), (left, right)) of non-negative ints; got %r"
        % (layer, what, value))


class UpSampling2D(Layer):
    """Repeats rows ``size[0]`` times and columns ``size[1]`` times (``"nearest"``),
    or interpolates linearly between pixels (``interpolation="bilinear"``).

    >>> import stage3_layers as tf
    >>> x = tf.reshape(tf.constant([1.0, 2.0]), [1, 1, 2, 1])
    >>> tf.keras.layers.UpSampling2D((1, 2))(x)[0, :, :, 0]
    tf.Tensor([[1. 1. 2. 2.]], shape=(1, 4), dtype=float32)
    >>> tf.keras.layers.UpSampling2D((1, 2), interpolation="bilinear")(x)[0, :, :, 0]
    tf.Tensor([[1.   1.25 1.75 2.  ]], shape=(1, 4), dtype=float32)
    """

    _input_hint = _IMAGES
    _interpolations = ("nearest", "bilinear")

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        self.size = _pair(size, "UpSampling2D", "size")
        self.data_format = _channels_last(data_format, "UpSampling2D")
        if interpolation not in self._interpolations:
            raise ValueError("UpSampling2D: interpolation must be one of %s, got %r"
                             % (", ".join(repr(i) for i in self._interpolations),
                                interpolation))
        self.interpolation = interpolation
        self.input_spec = InputSpec(ndim=4)

    def call(self, inputs):
        if self.interpolation == "bilinear":
            rows = _bilinear_matrix(inputs.shape[1], self.size[0], inputs.dtype.name)
            cols = _bilinear_matrix(inputs.shape[2], self.size[1], inputs.dtype.name)
            return tf.einsum("pw,bowc->bopc", cols, tf.einsum("oh,bhwc->bowc", rows, inputs))
        # Nearest: give each pixel two axes of size 1, broadcast them to the
        # size, and fold them into height and width.
        batch, h, w, c = inputs.shape
        sh, sw = self.size
        grid = tf.broadcast_to(tf.reshape(inputs, (batch, h, 1, w, 1, c)),
                               (batch, h, sh, w, sw, c))
        return tf.reshape(grid, (batch, h * sh, w * sw, c))

    def get_config(self):
        return {**super().get_config(), "size": list(self.size),
                "data_format": self.data_format, "interpolation": self.interpolation}


def _bilinear_matrix(size, scale, dtype):
    """The ``(size * scale, size)`` matrix of bilinear weights along one axis.

    Output pixel ``o`` sits at input coordinate ``(o + 0.5) / scale - 0.5``
    (half-pixel centres, as ``tf.image.resize``); it takes ``1 - t`` of the pixel
    below that coordinate and ``t`` of the one above, clamped at the edges.
    """
    where = (np.arange(size * scale) + 0.5) / scale - 0.5
    below = np.floor(where)
    t = where - below
    lower = np.clip(below, 0, size - 1).astype(int)
    upper = np.clip(below + 1, 0, size - 1).astype(int)
    matrix = np.zeros((size * scale, size))
    rows = np.arange(size * scale)
    np.add.at(matrix, (rows, lower), 1 - t)
    np.add.at(matrix, (rows, upper), t)
    return tf.constant(matrix.astype(dtype))


class ZeroPadding2D(Layer):
    """Adds rows and columns of zeros: ``padding`` is an int, ``(rows, cols)`` on
    both sides, or ``((top, bottom), (left, right))``.

    >>> import stage3_layers as tf
    >>> tf.keras.layers.ZeroPadding2D(((1, 0), (0, 1)))(tf.ones([1, 1, 1, 1]))[0, :, :, 0]
    tf.Tensor([[0. 0.]
               [1. 0.]], shape=(2, 2), dtype=float32)
    """

    _input_hint = _IMAGES

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.padding = _edges(padding, "ZeroPadding2D", "padding")
        self.data_format = _channels_last(data_format, "ZeroPadding2D")
        self.input_spec = InputSpec(ndim=4)

    def call(self, inputs):
        return tf.pad(inputs, [[0, 0], list(self.padding[0]), list(self.padding[1]), [0, 0]])

    def get_config(self):
        return {**super().get_config(), "padding": [list(p) for p in self.padding],
                "data_format": self.data_format}


class Cropping2D(Layer):
    """Cuts rows and columns off the edges: ``cropping`` is an int, ``(rows, cols)``
    on both sides, or ``((top, bottom), (left, right))``.

    >>> import stage3_layers as tf
    >>> x = tf.reshape(tf.range(9.0), [1, 3, 3, 1])
    >>> tf.keras.layers.Cropping2D(1)(x)[0, :, :, 0]
    tf.Tensor([[4.]], shape=(1, 1), dtype=float32)
    """

    _input_hint = _IMAGES

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.cropping = _edges(cropping, "Cropping2D", "cropping")
        self.data_format = _channels_last(data_format, "Cropping2D")
        self.input_spec = InputSpec(ndim=4)

    def call(self, inputs):
        (top, bottom), (left, right) = self.cropping
        h, w = inputs.shape[1], inputs.shape[2]
        if top + bottom >= h or left + right >= w:
            raise ValueError(
                "layer %r (Cropping2D): cropping %s removes every row or column of an "
                "input of shape %s (height %d, width %d); crop fewer than that"
                % (self.name, self.cropping, tuple(inputs.shape), h, w))
        return inputs[:, top:h - bottom, left:w - right]

    def get_config(self):
        return {**super().get_config(), "cropping": [list(c) for c in self.cropping],
                "data_format": self.data_format}
