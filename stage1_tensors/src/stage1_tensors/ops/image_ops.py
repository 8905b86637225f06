"""Images: resizing, flips, rotations, dtype conversion and standardization.

An image is a ``[height, width, channels]`` tensor, a batch of them
``[batch, height, width, channels]`` (NHWC, as the convolutions take them).
Every function here is *composed* from ops that already exist (``gather``,
``reverse``, ``transpose``, ``cast``, arithmetic, reductions), so each has a
gradient in stage 2 without a rule of its own. These names live in
``tf.image`` (``stage1_tensors/image.py``).

``resize`` follows TensorFlow 2: pixel centres sit at ``i + 0.5``, so output
pixel ``i`` samples the input at ``(i + 0.5) * in_size / out_size - 0.5``
(bilinear, with the two neighbours clamped to the image) or takes the input
pixel ``floor((i + 0.5) * in_size / out_size)`` (nearest).

>>> import stage1_tensors as tf
>>> image = tf.reshape(tf.range(4.0), [2, 2, 1])
>>> tf.reshape(tf.image.resize(image, [4, 4]), [4, 4])
tf.Tensor([[0.   0.25 0.75 1.  ]
           [0.5  0.75 1.25 1.5 ]
           [1.5  1.75 2.25 2.5 ]
           [2.   2.25 2.75 3.  ]], shape=(4, 4), dtype=float32)
"""

import builtins

import numpy as np

from ..errors import InvalidArgumentError, UnimplementedError
from .array_ops import reverse, transpose
from .attrs import bool_attr, dtype_attr, int_attr
from .error_scope import error_scope
from .gather_ops import gather

__all__ = ["ResizeMethod", "resize", "flip_left_right", "flip_up_down", "rot90",
           "convert_image_dtype", "per_image_standardization"]


class ResizeMethod:
    """The names of ``resize``'s methods (``tf.image.ResizeMethod.BILINEAR`` ...).

    >>> import stage1_tensors as tf
    >>> tf.image.ResizeMethod.NEAREST_NEIGHBOR
    'nearest'
    """

    BILINEAR = "bilinear"
    NEAREST_NEIGHBOR = "nearest"


def _image(images, op_name, batches=True):
    """``images`` as a tensor of rank 3 or 4 (any rank >= 3 with ``batches="any"``),
    else TensorFlow's ValueError."""
    from ..convert import convert_to_tensor
    x = convert_to_tensor(images)
    if x.ndim < 3 or (x.ndim > 4 and batches != "any"):
        raise ValueError(
            "%s: 'image' must have %s dimensions ([height, width, channels]%s), got shape %s"
            % (op_name, "at least 3" if batches == "any" else "3 or 4",
               " and any batch axes before them" if batches == "any"
               else " or [batch, height, width, channels]", tuple(x.shape)))
    return x


# --- resize ----------------------------------------------------------------------------
def _size(size):
    from .attrs import shape_attr
    new = shape_attr(size, "resize")
    if len(new) != 2:
        raise ValueError("resize: 'size' must be a 1-D tensor of 2 elements: new_height, "
                         "new_width; got %r" % (size,))
    if min(new) <= 0:
        raise InvalidArgumentError("resize: the new height and width must be positive, "
                                   "got %s" % (list(new),), op="resize")
    return new


def _bilinear_taps(n_in, n_out):
    """For each output pixel along one axis: its two input neighbours and the weight
    of the second (TensorFlow's half-pixel-centre sampling, in float32)."""
    scale = np.float32(n_in) / np.float32(n_out)
    where = (np.arange(n_out, dtype=np.float32) + np.float32(0.5)) * scale - np.float32(0.5)
    below = np.floor(where)
    lower = np.maximum(below, 0).astype(np.int32)
    upper = np.minimum(np.ceil(where), n_in - 1).astype(np.int32)
    return lower, upper, (where - below).astype(np.float32)


def _nearest_taps(n_in, n_out):
    scale = np.float32(n_in) / np.float32(n_out)
    where = np.floor((np.arange(n_out, dtype=np.float32) + np.float32(0.5)) * scale)
    return np.minimum(where, n_in - 1).astype(np.int32)


def _lerp_along(x, axis, n_out):
    """Bilinear resampling of ``x`` along one ``axis`` to ``n_out`` entries."""
    lower, upper, weight = _bilinear_taps(x.shape[axis], n_out)
    a, b = gather(x, lower, axis=axis), gather(x, upper, axis=axis)
    weight = weight.reshape((n_out,) + (1,) * (x.ndim - 1 - axis))
    return a + (b - a) * weight


def resize(images, size, method=ResizeMethod.BILINEAR, preserve_aspect_ratio=False,
           antialias=False, name=None):
    """``images`` resized to ``size = [new_height, new_width]``.

    ``method``: ``'bilinear'`` (the result is float32, whatever the input dtype, as
    in TensorFlow) or ``'nearest'`` (the input's dtype). ``preserve_aspect_ratio``
    scales both sides by one factor so that the image fits inside ``size``.

    >>> import stage1_tensors as tf
    >>> tf.image.resize(tf.ones([2, 3, 3, 1]), [6, 4]).shape
    TensorShape([2, 6, 4, 1])
    >>> tf.image.resize([[[1], [2]]], [1, 4], method="nearest")[0, :, 0]
    tf.Tensor([1 1 2 2], shape=(4,), dtype=int32)
    """
    from .unary_ops import cast
    new_h, new_w = _size(size)
    if not isinstance(method, str) or method not in ("bilinear", "nearest"):
        raise ValueError("resize: method %r is not implemented here; use 'bilinear' or "
                         "'nearest' (tf.image.ResizeMethod.BILINEAR / NEAREST_NEIGHBOR)"
                         % (method,))
    if bool_attr(antialias, "antialias", "resize"):
        raise UnimplementedError("resize: antialias=True is not implemented here",
                                 op="resize")
    with error_scope("resize"):
        x = _image(images, "resize")
        h_axis, w_axis = x.ndim - 3, x.ndim - 2
        h, w = x.shape[h_axis], x.shape[w_axis]
        if h == 0 or w == 0:
            raise InvalidArgumentError("resize: the input image is empty (shape %s)"
                                       % (tuple(x.shape),), op="resize")
        if bool_attr(preserve_aspect_ratio, "preserve_aspect_ratio", "resize"):
            factor = builtins.min(np.float32(new_h) / np.float32(h),
                                  np.float32(new_w) / np.float32(w))
            new_h = builtins.max(int(np.round(factor * np.float32(h))), 1)
            new_w = builtins.max(int(np.round(factor * np.float32(w))), 1)
        if method == "nearest":
            x = gather(x, _nearest_taps(h, new_h), axis=h_axis)
            return gather(x, _nearest_taps(w, new_w), axis=w_axis)
        if x.dtype.name != "float32":
            x = cast(x, "float32")
        return _lerp_along(_lerp_along(x, h_axis, new_h), w_axis, new_w)


# --- flips and rotations ------------------------------------------------------------
def flip_left_right(image):
    """Mirrors each image horizontally (reverses the width axis).

    >>> import stage1_tensors as tf
    >>> tf.image.flip_left_right([[[1], [2], [3]]])[0, :, 0]
    tf.Tensor([3 2 1], shape=(3,), dtype=int32)
    """
    with error_scope("flip_left_right"):
        x = _image(image, "flip_left_right")
        return reverse(x, [x.ndim - 2])


def flip_up_down(image):
    """Mirrors each image vertically (reverses the height axis).

    >>> import stage1_tensors as tf
    >>> tf.image.flip_up_down([[[1]], [[2]], [[3]]])[:, 0, 0]
    tf.Tensor([3 2 1], shape=(3,), dtype=int32)
    """
    with error_scope("flip_up_down"):
        x = _image(image, "flip_up_down")
        return reverse(x, [x.ndim - 3])


def rot90(image, k=1, name=None):
    """Rotates each image by ``k`` quarter turns counter-clockwise (as ``np.rot90``).

    >>> import stage1_tensors as tf
    >>> image = tf.reshape([1, 2, 3, 4], [2, 2, 1])
    >>> tf.reshape(tf.image.rot90(image), [2, 2])
    tf.Tensor([[2 4]
               [1 3]], shape=(2, 2), dtype=int32)
    """
    turns = int_attr(k, "k", "rot90") % 4
    with error_scope("rot90"):
        x = _image(image, "rot90")
        h, w = x.ndim - 3, x.ndim - 2
        swap = list(builtins.range(x.ndim))
        swap[h], swap[w] = w, h
        if turns == 1:
            return transpose(reverse(x, [w]), swap)
        if turns == 2:
            return reverse(x, [h, w])
        if turns == 3:
            return reverse(transpose(x, swap), [w])
        return x


# --- dtypes ----------------------------------------------------------------------------------
def convert_image_dtype(image, dtype, saturate=False, name=None):
    """``image`` in another dtype, rescaled: floats hold [0, 1], integers [0, MAX].

    Integer to float divides by the integer dtype's maximum; float to integer
    multiplies by (maximum + 0.5) and casts; integer to integer shifts the bits;
    float to float only casts. ``saturate`` clips instead of wrapping on a cast.

    >>> import stage1_tensors as tf
    >>> tf.image.convert_image_dtype(tf.constant([0, 255], tf.uint8), tf.float32)
    tf.Tensor([0. 1.], shape=(2,), dtype=float32)
    >>> tf.image.convert_image_dtype([0.0, 0.5, 1.0], tf.uint8)
    tf.Tensor([  0 127 255], shape=(3,), dtype=uint8)
    """
    from ..convert import convert_to_tensor
    from .binary_ops import floordiv, multiply
    from .unary_ops import cast, saturate_cast
    target = dtype_attr(dtype, "dtype", "convert_image_dtype")
    saturate = bool_attr(saturate, "saturate", "convert_image_dtype")
    with error_scope("convert_image_dtype"):
        x = convert_to_tensor(image)
        for d, what in ((x.dtype, "image"), (target, "dtype")):
            if not (d.is_floating or d.is_integer):
                raise InvalidArgumentError(
                    "convert_image_dtype: %s must be an integer or floating dtype, got %s"
                    % ("the image" if what == "image" else "the target dtype", d.name),
                    op="convert_image_dtype")
        to = saturate_cast if saturate else cast
        if x.dtype == target:
            return x
        if x.dtype.is_floating and target.is_floating:
            return cast(x, target)
        if x.dtype.is_integer and target.is_integer:
            scale_in, scale_out = int(x.dtype.max), int(target.max)
            if scale_in > scale_out:      # scale down first, then cast
                return to(floordiv(x, convert_to_tensor((scale_in + 1) // (scale_out + 1),
                                                        x.dtype)), target)
            return multiply(to(x, target), convert_to_tensor(
                (scale_out + 1) // (scale_in + 1), target))
        if x.dtype.is_integer:            # to float: cast, then scale into [0, 1]
            return multiply(cast(x, target), convert_to_tensor(1.0 / float(x.dtype.max),
                                                               target))
        # to integer: scale to [0, MAX + 0.5), then cast (truncating)
        return to(multiply(x, convert_to_tensor(float(target.max) + 0.5, x.dtype)), target)


def per_image_standardization(image):
    """Each image (the last three axes) shifted to mean 0 and scaled to variance 1:
    ``(x - mean) / max(stddev, 1 / sqrt(N))``, N its number of elements. The result
    is float32, as in TensorFlow 2.

    >>> import stage1_tensors as tf
    >>> image = tf.reshape(tf.range(1, 13), [2, 2, 3])
    >>> tf.image.per_image_standardization(image)[0, 0]
    tf.Tensor([-1.593255  -1.3035723 -1.0138896], shape=(3,), dtype=float32)
    """
    from .binary_ops import maximum
    from .reduction_ops import reduce_mean, reduce_std
    from .unary_ops import cast
    with error_scope("per_image_standardization"):
        x = _image(image, "per_image_standardization", batches="any")
        if x.dtype.name != "float32":
            x = cast(x, "float32")
        axes = [-1, -2, -3]
        n = int(np.prod(x.shape[-3:]))
        floor = np.float32(1.0 / np.sqrt(builtins.max(n, 1)))
        stddev = maximum(reduce_std(x, axes, keepdims=True), floor)
        return (x - reduce_mean(x, axes, keepdims=True)) / stddev
