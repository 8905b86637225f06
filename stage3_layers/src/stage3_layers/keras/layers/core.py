"""Core layers: ``Dense``, ``Flatten``, ``Reshape``, ``Activation``, ``Dropout``.

>>> import stage3_layers as tf
>>> layer = tf.keras.layers.Dense(2, kernel_initializer="ones", bias_initializer="ones")
>>> layer(tf.constant([[1.0, 2.0, 3.0]]))
tf.Tensor([[7. 7.]], shape=(1, 2), dtype=float32)
"""

import numpy as np

import stage2_autodiff as tf

from .. import activations, constraints, functional, initializers, regularizers
from ..base_layer import InputSpec, Layer

__all__ = ["Dense", "Flatten", "Reshape", "Activation", "Dropout", "InputLayer",
           "Input"]


def _positive_int(value, layer, what):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError("%s: %s must be a positive integer, got %r" % (layer, what, value))
    return int(value)


class Dense(Layer):
    """``activation(inputs @ kernel + bias)``: a fully connected layer.

    The kernel has shape ``(input_dim, units)``. Inputs of rank > 2 are
    multiplied along their last axis (``(batch, t, d) -> (batch, t, units)``).

    >>> import stage3_layers as tf
    >>> tf.keras.layers.Dense(10)(tf.zeros([1, 1, 784]))
    tf.Tensor([[[0. 0. 0. 0. 0. 0. 0. 0. 0. 0.]]], shape=(1, 1, 10), dtype=float32)
    """

    _input_hint = ("Dense takes a batch of vectors, shape (batch, ..., features); "
                   "add a batch axis with tf.expand_dims(x, 0)")

    def __init__(self, units, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.units = _positive_int(units, "Dense", "units")
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=2)

    def build(self, input_shape):
        last = input_shape[-1] if len(input_shape) else None
        if not last:
            raise ValueError(
                "Dense %r: the last axis of the input must have a known, non-zero "
                "size, got input shape %s" % (self.name, tuple(input_shape)))
        self.kernel = self.add_weight("kernel", shape=[last, self.units],
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.bias = (self.add_weight("bias", shape=[self.units],
                                     initializer=self.bias_initializer,
                                     regularizer=self.bias_regularizer,
                                     constraint=self.bias_constraint)
                     if self.use_bias else None)
        self.input_spec = InputSpec(min_ndim=2, axes={-1: last})
        self.built = True

    def call(self, inputs):
        if inputs._value.dtype.kind != "f":
            # Integer or bool features (pixel values, one-hot rows) are cast,
            # as Keras's Dense does; a matmul would refuse the mixed dtypes.
            inputs = tf.cast(inputs, self.dtype)
        rank = inputs.ndim
        if rank == 2:
            outputs = tf.matmul(inputs, self.kernel)
        else:
            # Fold the leading axes into one so a single matmul does the work.
            shape = tuple(inputs.shape)
            flat = tf.reshape(inputs, (-1, shape[-1]))
            outputs = tf.reshape(tf.matmul(flat, self.kernel), shape[:-1] + (self.units,))
        if self.use_bias:
            outputs = tf.nn.bias_add(outputs, self.bias)
        return self.activation(outputs)

    def get_config(self):
        return {**super().get_config(), "units": self.units,
                "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint)}


class Flatten(Layer):
    """Flattens every axis but the batch: ``(batch, 28, 28) -> (batch, 784)``.

    >>> import stage3_layers as tf
    >>> tf.keras.layers.Flatten()(tf.zeros([2, 28, 28])).shape
    TensorShape([2, 784])
    """

    _input_hint = ("Flatten keeps axis 0 (the batch) and flattens the others, so "
                   "its input needs at least one axis")

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        if data_format not in (None, "channels_last", "channels_first"):
            raise ValueError("Flatten: data_format must be 'channels_last' or "
                             "'channels_first', got %r" % (data_format,))
        self.data_format = data_format or "channels_last"
        self.input_spec = InputSpec(min_ndim=1)

    def call(self, inputs):
        shape = tuple(inputs.shape)
        if self.data_format == "channels_first" and len(shape) > 2:
            inputs = tf.transpose(inputs, [0] + list(range(2, len(shape))) + [1])
        rest = shape[1:]
        width = int(np.prod(rest)) if None not in rest else -1
        # -1 rows where that is unambiguous: right for any batch size, a graph's
        # unknown one included. Beside a width of 0, or one a graph computes
        # (-1), the rows must be given: the batch size, from the graph if need be.
        if width > 0:
            rows = -1
        else:
            rows = shape[0] if shape[0] is not None else tf.shape(inputs)[0]
        return tf.reshape(inputs, (rows, width))

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


class Reshape(Layer):
    """Reshapes every example to ``target_shape`` (one entry may be -1).

    >>> import stage3_layers as tf
    >>> tf.keras.layers.Reshape((2, -1))(tf.zeros([3, 6])).shape
    TensorShape([3, 2, 3])
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        if isinstance(target_shape, tf.TensorShape):
            target_shape = list(target_shape)
        if not isinstance(target_shape, (list, tuple)) or not all(
                isinstance(d, (int, np.integer)) and not isinstance(d, (bool, np.bool_))
                for d in target_shape):
            raise TypeError("Reshape: target_shape must be a tuple of ints, the shape of "
                            "each example without the batch axis, such as (3, 4) or "
                            "(-1, 4); got %r" % (target_shape,))
        target_shape = tuple(int(d) for d in target_shape)
        if sum(d == -1 for d in target_shape) > 1 or any(d < -1 or d == 0 for d in target_shape):
            raise ValueError("Reshape: target_shape may contain positive sizes and at "
                             "most one -1, got %s" % (target_shape,))
        self.target_shape = target_shape

    def call(self, inputs):
        shape = tuple(inputs.shape)
        target = self.target_shape
        size = None                     # an example's size, where it is known
        if None not in shape[1:]:
            size = int(np.prod(shape[1:]))
            known = int(np.prod([d for d in target if d != -1]))
            if -1 in target:
                ok = known > 0 and size % known == 0
                target = tuple(size // known if d == -1 else d for d in target) if ok \
                    else target
            else:
                ok = known == size
            if not ok:
                raise ValueError(
                    "Reshape %r: cannot reshape each example of shape %s (%d values) to "
                    "target_shape %s" % (self.name, shape[1:], size, self.target_shape))
        # The batch size; -1 where it is not known (a graph's unknown dimension)
        # and nothing else is inferred, else the size the graph computes.
        if shape[0] is not None:
            rows = shape[0]
        elif -1 in target or size == 0:
            rows = tf.shape(inputs)[0]
        else:
            rows = -1
        return tf.reshape(inputs, (rows,) + target)

    def get_config(self):
        return {**super().get_config(), "target_shape": list(self.target_shape)}


class Activation(Layer):
    """Applies an activation function (by name or function) to its input.

    >>> import stage3_layers as tf
    >>> tf.keras.layers.Activation("relu")(tf.constant([-1.0, 1.0]))
    tf.Tensor([0. 1.], shape=(2,), dtype=float32)
    """

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def call(self, inputs):
        return self.activation(inputs)

    def get_config(self):
        return {**super().get_config(),
                "activation": activations.serialize(self.activation)}


class Dropout(Layer):
    """In training, zeroes each value with probability ``rate`` and scales the
    rest by ``1 / (1 - rate)``; at inference (the default) it passes inputs through.

    >>> import stage3_layers as tf
    >>> layer = tf.keras.layers.Dropout(0.5, seed=1)
    >>> layer(tf.ones([4]))
    tf.Tensor([1. 1. 1. 1.], shape=(4,), dtype=float32)
    >>> sorted(set(layer(tf.ones([100]), training=True).numpy().tolist()))
    [0.0, 2.0]
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(rate, (int, float)) or not 0 <= rate < 1:
            raise ValueError("Dropout: rate must be a number in [0, 1), got %r" % (rate,))
        self.rate = float(rate)
        self.noise_shape = tuple(noise_shape) if noise_shape is not None else None
        self.seed = seed

    def call(self, inputs, training=None):
        if not training or self.rate == 0:
            return tf.identity(inputs)
        noise_shape = None
        if self.noise_shape is not None:
            # None entries take the input's size, as in Keras.
            noise_shape = [d if d is not None else s
                           for d, s in zip(self.noise_shape, inputs.shape)]
        return tf.nn.dropout(inputs, rate=self.rate, noise_shape=noise_shape,
                             seed=self.seed)

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed,
                "noise_shape": (list(self.noise_shape)
                                if self.noise_shape is not None else None)}


class InputLayer(Layer):
    """The entry of a model, declaring the shape of one example: its ``output``
    is the ``KerasTensor`` that ``keras.Input`` returns.

    >>> import stage3_layers as tf
    >>> model = tf.keras.Sequential([tf.keras.Input(shape=(3,)), tf.keras.layers.Dense(2)])
    >>> model.built
    True
    """

    def __init__(self, input_shape=None, batch_size=None, dtype=None, name=None, **kwargs):
        shape = kwargs.pop("shape", None)
        if input_shape is None:
            input_shape = shape
        if input_shape is None and "batch_input_shape" not in kwargs:
            raise ValueError("InputLayer needs shape=, e.g. Input(shape=(784,))")
        super().__init__(input_shape=input_shape, batch_size=batch_size, dtype=dtype,
                         name=name, **kwargs)
        self._check_shape(self._batch_input_shape)
        self.built = True
        self.output = functional.input_tensor(self, self._batch_input_shape, self.dtype,
                                              self.name)

    @staticmethod
    def _check_shape(shape):
        for size in shape:
            if size is not None and (not isinstance(size, (int, np.integer)) or size < 0):
                raise ValueError("Input: a shape is a tuple of sizes >= 0 or None (unknown), "
                                 "such as (28, 28) or (None, 8); got %r" % (tuple(shape),))

    def get_config(self):
        return {"batch_input_shape": list(self._batch_input_shape), "dtype": self.dtype,
                "name": self.name}


def Input(shape=None, batch_size=None, name=None, dtype=None, batch_shape=None):
    """A symbolic input of ``shape`` (one example's, without the batch): call layers
    on it and build ``keras.Model(inputs, outputs)``, or start a ``Sequential`` with it.

    >>> import stage3_layers as tf
    >>> tf.keras.Input(shape=(28, 28)).shape
    TensorShape([None, 28, 28])
    """
    if batch_shape is not None:
        return InputLayer(batch_input_shape=batch_shape, name=name, dtype=dtype).output
    return InputLayer(input_shape=shape, batch_size=batch_size, name=name, dtype=dtype).output
