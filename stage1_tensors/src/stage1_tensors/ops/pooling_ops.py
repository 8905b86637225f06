"""2-D max and average pooling, and the ops their gradients are made of.

Every kernel works in NHWC; NCHW inputs are transposed in and out. A pooling
kernel needs no copy of its windows: ``as_strided`` presents the padded input as
a 6-D view of all of them, ``(batch, out_h, out_w, k_h, k_w, channels)``, and
pooling is one ``max`` or ``sum`` over the two window axes. Max pooling pads
with the lowest value, so a padded cell never wins; average pooling divides by
the number of real (unpadded) cells in each window, as TensorFlow does.

The backward ops (``MaxPoolGrad``, ``MaxPoolGradGrad``, ``AvgPoolGrad``) send
values back through the same windows, one tap (window cell) at a time.

>>> import stage1_tensors as tf
>>> image = tf.reshape(tf.constant([1.0, 2.0, 3.0, 4.0]), [1, 2, 2, 1])
>>> tf.nn.max_pool2d(image, ksize=2, strides=2, padding="SAME").numpy().ravel()
array([4.], dtype=float32)
>>> tf.nn.avg_pool2d(image, ksize=2, strides=2, padding="SAME").numpy().ravel()
array([2.5], dtype=float32)
"""

from ..dispatch import execute
from ..dtypes import FLOATING, NUMERIC
from ..errors import InvalidArgumentError
from ..registry import define_op
from .error_scope import error_scope
from .windows import (check_rank4, crop_spatial, data_format_attr, from_nhwc,
                      from_nhwc_shape, hw_attr, nhwc_shape, pad_spatial, padding_attr,
                      shape4_attr, spatial_shape, tap_slices, to_nhwc, window_geometry)

__all__ = [
    "max_pool2d", "max_pool", "avg_pool2d", "avg_pool",
    "max_pool_grad", "max_pool_grad_grad", "avg_pool_grad",
]


# --- the ops and their checks ------------------------------------------------------
def _check_pool(op_name):
    def check(values, attrs):
        check_rank4(op_name, values[:1], ("input",))
        x = values[0]
        window_geometry(op_name, spatial_shape(x.shape, attrs["data_format"]), attrs["ksize"],
                  attrs["strides"], (1, 1), attrs["padding"],
                  "input %s, ksize %s" % (tuple(x.shape), list(attrs["ksize"])))
    return check


def _check_pool_grad(op_name):
    def check(values, attrs):
        x, y, grad = values
        _check_pool(op_name)((x,), attrs)
        out_hw, _ = window_geometry(op_name, spatial_shape(x.shape, attrs["data_format"]), attrs["ksize"],
                              attrs["strides"], (1, 1), attrs["padding"], "")
        n, _, _, c = nhwc_shape(x.shape, attrs["data_format"])
        want_y = from_nhwc_shape((n,) + out_hw + (c,), attrs["data_format"])
        want_grad = tuple(x.shape) if op_name == "max_pool_grad_grad" else want_y
        if tuple(y.shape) != want_y or tuple(grad.shape) != want_grad:
            raise InvalidArgumentError(
                "%s: expected orig_output of shape %s and grad of shape %s for "
                "orig_input %s, got %s and %s" % (op_name, want_y, want_grad,
                                                  tuple(x.shape), tuple(y.shape),
                                                  tuple(grad.shape)), op=op_name)
    return check


def _check_avg_pool_grad(values, attrs):
    (grad,) = values
    fmt = attrs["data_format"]
    shape = attrs["orig_input_shape"]
    out_hw, _ = window_geometry("avg_pool_grad", spatial_shape(shape, fmt), attrs["ksize"],
                          attrs["strides"], (1, 1), attrs["padding"], "")
    n, _, _, c = nhwc_shape(shape, fmt)
    want = from_nhwc_shape((n,) + out_hw + (c,), fmt)
    if tuple(grad.shape) != want:
        raise InvalidArgumentError(
            "avg_pool_grad: grad has shape %s but pooling an input of shape %s gives %s"
            % (tuple(grad.shape), shape, want), op="avg_pool_grad")


MaxPool = define_op("MaxPool", "max_pool2d", inputs=("input",), dtypes=NUMERIC,
                    check=_check_pool("max_pool2d"))
AvgPool = define_op("AvgPool", "avg_pool2d", inputs=("value",), dtypes=FLOATING,
                    check=_check_pool("avg_pool2d"))
MaxPoolGrad = define_op("MaxPoolGrad", "max_pool_grad",
                        inputs=("orig_input", "orig_output", "grad"), dtypes=NUMERIC,
                        check=_check_pool_grad("max_pool_grad"))
MaxPoolGradGrad = define_op("MaxPoolGradGrad", "max_pool_grad_grad",
                            inputs=("orig_input", "orig_output", "grad"), dtypes=NUMERIC,
                            check=_check_pool_grad("max_pool_grad_grad"))
AvgPoolGrad = define_op("AvgPoolGrad", "avg_pool_grad", inputs=("grad",), dtypes=FLOATING,
                        check=_check_avg_pool_grad)

_NO_DILATION = (1, 1)


# --- the pooling kernels ---------------------------------------------------------
def _windows(xp, x, k_hw, strides, dilations, out_hw):
    """All windows of an NHWC array as a view ``(N, out_h, out_w, k_h, k_w, C)``."""
    n, _, _, c = x.shape
    sn, sh, sw, sc = x.strides
    shape = (n, out_hw[0], out_hw[1], k_hw[0], k_hw[1], c)
    step = (sn, sh * strides[0], sw * strides[1], sh * dilations[0], sw * dilations[1], sc)
    return xp.lib.stride_tricks.as_strided(x, shape=shape, strides=step)


def _lowest(xp, dtype):
    return -xp.inf if dtype.kind == "f" else xp.iinfo(dtype).min


@MaxPool.kernel
def _max_pool(xp, x, ksize, strides, padding, data_format):
    x = to_nhwc(xp, x, data_format)
    out_hw, pads = window_geometry("max_pool2d", x.shape[1:3], ksize, strides, _NO_DILATION,
                             padding, "")
    # Padding with -inf means a padded cell never wins the max.
    windows = _windows(xp, pad_spatial(xp, x, pads, _lowest(xp, x.dtype)), ksize, strides,
                       _NO_DILATION, out_hw)
    return from_nhwc(xp, windows.max(axis=(3, 4)), data_format)


def _argmax_taps(xp, x, ksize, strides, padding):
    """For every window, the tap ``i * k_w + j`` that holds its (first) maximum."""
    out_hw, pads = window_geometry("max_pool_grad", x.shape[1:3], ksize, strides, _NO_DILATION,
                             padding, "")
    windows = _windows(xp, pad_spatial(xp, x, pads, _lowest(xp, x.dtype)), ksize, strides,
                       _NO_DILATION, out_hw)
    n, oh, ow, kh, kw, c = windows.shape
    return xp.argmax(windows.reshape(n, oh, ow, kh * kw, c), axis=3), out_hw, pads


@MaxPoolGrad.kernel
def _max_pool_grad(xp, x, y, grad, ksize, strides, padding, data_format):
    x = to_nhwc(xp, x, data_format)
    grad = to_nhwc(xp, grad, data_format)
    taps, out_hw, pads = _argmax_taps(xp, x, ksize, strides, padding)
    dx = xp.zeros((x.shape[0], x.shape[1] + sum(pads[0]), x.shape[2] + sum(pads[1]),
                   x.shape[3]), dtype=grad.dtype)
    zero = xp.zeros((), dtype=grad.dtype)
    for i in range(ksize[0]):
        for j in range(ksize[1]):
            routed = xp.where(taps == i * ksize[1] + j, grad, zero)
            dx[tap_slices(i, j, strides, _NO_DILATION, out_hw)] += routed
    return from_nhwc(xp, crop_spatial(dx, pads, x.shape[1:3]), data_format)


@MaxPoolGradGrad.kernel
def _max_pool_grad_grad(xp, x, y, grad, ksize, strides, padding, data_format):
    # The gradient of MaxPoolGrad with respect to its ``grad``: pick, for every
    # window, the value of ``grad`` (input-shaped) at the window's maximum.
    x = to_nhwc(xp, x, data_format)
    grad = to_nhwc(xp, grad, data_format)
    taps, out_hw, pads = _argmax_taps(xp, x, ksize, strides, padding)
    windows = _windows(xp, pad_spatial(xp, grad, pads), ksize, strides, _NO_DILATION, out_hw)
    n, oh, ow, kh, kw, c = windows.shape
    picked = xp.take_along_axis(windows.reshape(n, oh, ow, kh * kw, c), taps[:, :, :, None],
                                axis=3)
    return from_nhwc(xp, picked[:, :, :, 0], data_format)


def _valid_counts(xp, hw, ksize, strides, padding, dtype):
    """How many real (unpadded) cells each window covers, shape ``(1, OH, OW, 1)``."""
    out_hw, pads = window_geometry("avg_pool2d", hw, ksize, strides, _NO_DILATION, padding, "")
    ones = pad_spatial(xp, xp.ones((1,) + tuple(hw) + (1,), dtype=dtype), pads)
    windows = _windows(xp, ones, ksize, strides, _NO_DILATION, out_hw)
    return windows.sum(axis=(3, 4)), out_hw, pads


@AvgPool.kernel
def _avg_pool(xp, x, ksize, strides, padding, data_format):
    x = to_nhwc(xp, x, data_format)
    counts, out_hw, pads = _valid_counts(xp, x.shape[1:3], ksize, strides, padding, x.dtype)
    windows = _windows(xp, pad_spatial(xp, x, pads), ksize, strides, _NO_DILATION, out_hw)
    return from_nhwc(xp, windows.sum(axis=(3, 4)) / counts, data_format)


@AvgPoolGrad.kernel
def _avg_pool_grad(xp, grad, orig_input_shape, ksize, strides, padding, data_format):
    n, h, w, c = nhwc_shape(orig_input_shape, data_format)
    grad = to_nhwc(xp, grad, data_format)
    counts, out_hw, pads = _valid_counts(xp, (h, w), ksize, strides, padding, grad.dtype)
    share = grad / counts
    dx = xp.zeros((n, h + sum(pads[0]), w + sum(pads[1]), c), dtype=grad.dtype)
    for i in range(ksize[0]):
        for j in range(ksize[1]):
            dx[tap_slices(i, j, strides, _NO_DILATION, out_hw)] += share
    return from_nhwc(xp, crop_spatial(dx, pads, (h, w)), data_format)


# --- Python-side arguments -------------------------------------------------------
def _pool_attrs(op_name, ksize, strides, padding, data_format):
    data_format = data_format_attr(data_format, op_name)
    return {"ksize": hw_attr(ksize, op_name, "ksize", data_format),
            "strides": hw_attr(strides, op_name, "strides", data_format),
            "padding": padding_attr(padding, op_name, data_format, explicit_ok=False),
            "data_format": data_format}


# --- public functions -------------------------------------------------------------
def max_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):  # noqa: A002
    """The maximum of each ``ksize`` window; padded cells never win (SAME).

    >>> import stage1_tensors as tf
    >>> x = tf.reshape(tf.range(16.0), [1, 4, 4, 1])
    >>> tf.nn.max_pool2d(x, ksize=2, strides=2, padding="VALID")[0, :, :, 0]
    tf.Tensor([[ 5.  7.]
               [13. 15.]], shape=(2, 2), dtype=float32)
    """
    attrs = _pool_attrs("max_pool2d", ksize, strides, padding, data_format)
    return execute(MaxPool, (input,), attrs)


def avg_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):  # noqa: A002
    """The mean of each ``ksize`` window, over its real (unpadded) cells only.

    >>> import stage1_tensors as tf
    >>> x = tf.reshape(tf.range(9.0), [1, 3, 3, 1])
    >>> tf.nn.avg_pool2d(x, ksize=2, strides=2, padding="SAME")[0, :, :, 0]
    tf.Tensor([[2.  3.5]
               [6.5 8. ]], shape=(2, 2), dtype=float32)
    """
    attrs = _pool_attrs("avg_pool2d", ksize, strides, padding, data_format)
    return execute(AvgPool, (input,), attrs)


def max_pool(input, ksize, strides, padding, data_format="NHWC", name=None):  # noqa: A002
    """``max_pool2d`` for 4-D inputs (TF-1 name).

    >>> import stage1_tensors as tf
    >>> tf.nn.max_pool(tf.ones([1, 2, 2, 1]), [1, 2, 2, 1], [1, 2, 2, 1], "VALID").shape
    TensorShape([1, 1, 1, 1])
    """
    with error_scope("max_pool"):
        return max_pool2d(input, ksize, strides, padding, data_format)


def avg_pool(input, ksize, strides, padding, data_format="NHWC", name=None):  # noqa: A002
    """``avg_pool2d`` for 4-D inputs (TF-1 name).

    >>> import stage1_tensors as tf
    >>> tf.nn.avg_pool(tf.ones([1, 2, 2, 1]), [1, 2, 2, 1], [1, 2, 2, 1], "VALID").shape
    TensorShape([1, 1, 1, 1])
    """
    with error_scope("avg_pool"):
        return avg_pool2d(input, ksize, strides, padding, data_format)


def max_pool_grad(orig_input, orig_output, grad, ksize, strides, padding,
                  data_format="NHWC", name=None):
    """The gradient of ``max_pool2d``: each window's ``grad`` goes to its (first) maximum.

    >>> import stage1_tensors as tf
    >>> x = tf.reshape(tf.constant([1.0, 4.0, 3.0, 2.0]), [1, 2, 2, 1])
    >>> y = tf.nn.max_pool2d(x, 2, 2, "VALID")
    >>> tf.nn.max_pool_grad(x, y, tf.ones([1, 1, 1, 1]), 2, 2, "VALID")[0, :, :, 0]
    tf.Tensor([[0. 1.]
               [0. 0.]], shape=(2, 2), dtype=float32)
    """
    attrs = _pool_attrs("max_pool_grad", ksize, strides, padding, data_format)
    return execute(MaxPoolGrad, (orig_input, orig_output, grad), attrs)


def max_pool_grad_grad(orig_input, orig_output, grad, ksize, strides, padding,
                       data_format="NHWC", name=None):
    """The gradient of ``max_pool_grad`` with respect to its ``grad``: an input-shaped
    ``grad`` read at each window's maximum (output-shaped result).

    >>> import stage1_tensors as tf
    >>> x = tf.reshape(tf.constant([1.0, 4.0, 3.0, 2.0]), [1, 2, 2, 1])
    >>> y = tf.nn.max_pool2d(x, 2, 2, "VALID")
    >>> g = tf.reshape(tf.constant([10.0, 20.0, 30.0, 40.0]), [1, 2, 2, 1])
    >>> tf.nn.max_pool_grad_grad(x, y, g, 2, 2, "VALID").numpy().ravel()
    array([20.], dtype=float32)
    """
    attrs = _pool_attrs("max_pool_grad_grad", ksize, strides, padding, data_format)
    return execute(MaxPoolGradGrad, (orig_input, orig_output, grad), attrs)


def avg_pool_grad(orig_input_shape, grad, ksize, strides, padding, data_format="NHWC",
                  name=None):
    """The gradient of ``avg_pool2d``: each window's ``grad`` shared by its real cells.

    >>> import stage1_tensors as tf
    >>> tf.nn.avg_pool_grad([1, 2, 2, 1], tf.ones([1, 1, 1, 1]), 2, 2, "VALID")[0, :, :, 0]
    tf.Tensor([[0.25 0.25]
               [0.25 0.25]], shape=(2, 2), dtype=float32)
    """
    attrs = _pool_attrs("avg_pool_grad", ksize, strides, padding, data_format)
    attrs["orig_input_shape"] = shape4_attr(orig_input_shape, "avg_pool_grad", "orig_input_shape")
    return execute(AvgPoolGrad, (grad,), attrs)
