"""2-D convolution and pooling, plus the ops their gradients are made of.

Every kernel works in NHWC (batch, height, width, channels); NCHW inputs are
transposed in and out. The trick that makes them fast without a loop over pixels
is *im2col*: ``as_strided`` presents the input as a 6-D view of all windows,
``(batch, out_h, out_w, k_h, k_w, channels)``, without copying it; convolution
is then one ``tensordot`` with the filter and pooling one ``max``/``sum``.

The backward ops (``Conv2DBackpropInput``, ``Conv2DBackpropFilter``,
``MaxPoolGrad``, ``AvgPoolGrad``) scatter values back through the same windows.
They loop over the *taps* of the window (k_h * k_w steps, e.g. 9), never over pixels.

>>> import stage1_tensors as tf
>>> image = tf.reshape(tf.constant([1.0, 2.0, 3.0, 4.0]), [1, 2, 2, 1])
>>> tf.nn.conv2d(image, tf.ones([2, 2, 1, 1]), strides=1, padding="VALID").numpy().ravel()
array([10.], dtype=float32)
>>> tf.nn.max_pool2d(image, ksize=2, strides=2, padding="SAME").numpy().ravel()
array([4.], dtype=float32)
"""

import numbers

from ..dispatch import execute
from ..dtypes import FLOATING, NUMERIC
from ..errors import InvalidArgumentError
from ..registry import define_op
from .error_scope import error_scope

__all__ = [
    "conv2d", "conv2d_backprop_input", "conv2d_backprop_filter", "conv2d_transpose",
    "max_pool2d", "max_pool", "avg_pool2d", "avg_pool",
    "max_pool_grad", "max_pool_grad_grad", "avg_pool_grad",
]


# --- geometry: output sizes and padding --------------------------------------
def _geometry(op_name, in_hw, k_hw, strides, dilations, padding, shapes):
    """``(out_h, out_w), ((top, bottom), (left, right))`` for one 2-D window op.

    SAME gives ``ceil(size / stride)`` outputs and splits the padding it needs so
    that the odd row/column goes at the bottom/right, as TensorFlow does.
    """
    out, pads = [], []
    for dim, size, k, s, d in zip(("height", "width"), in_hw, k_hw, strides, dilations):
        span = (k - 1) * d + 1          # the window's extent with dilation
        if padding == "SAME":
            n = -(-size // s)
            total = max((n - 1) * s + span - size, 0)
            lo, hi = total // 2, total - total // 2
        else:
            lo, hi = (0, 0) if padding == "VALID" else padding[len(pads)]
            n = (size + lo + hi - span) // s + 1
            if size + lo + hi < span:
                raise InvalidArgumentError(
                    "%s: the window (%d%s) is larger than the %s of the "
                    "%sinput (%d) with padding %s; use padding=\"SAME\" or a smaller "
                    "window (%s)" % (op_name, k, "" if d == 1 else " with dilation %d" % d,
                                     dim,
                                     "padded " if padding != "VALID" else "", size,
                                     padding if isinstance(padding, str) else (lo, hi),
                                     shapes), op=op_name)
        out.append(n)
        pads.append((lo, hi))
    return tuple(out), tuple(pads)


def _windows(xp, x, k_hw, strides, dilations, out_hw):
    """All windows of an NHWC array as a view ``(N, out_h, out_w, k_h, k_w, C)``."""
    n, _, _, c = x.shape
    sn, sh, sw, sc = x.strides
    shape = (n, out_hw[0], out_hw[1], k_hw[0], k_hw[1], c)
    step = (sn, sh * strides[0], sw * strides[1], sh * dilations[0], sw * dilations[1], sc)
    return xp.lib.stride_tricks.as_strided(x, shape=shape, strides=step)


def _pad(xp, x, pads, value=0):
    if pads == ((0, 0), (0, 0)):
        return x
    return xp.pad(x, ((0, 0),) + pads + ((0, 0),), constant_values=value)


def _tap_slices(i, j, strides, dilations, out_hw):
    """Where tap ``(i, j)`` of every window lands in the padded input."""
    return (slice(None),
            slice(i * dilations[0], i * dilations[0] + strides[0] * (out_hw[0] - 1) + 1,
                  strides[0]),
            slice(j * dilations[1], j * dilations[1] + strides[1] * (out_hw[1] - 1) + 1,
                  strides[1]),
            slice(None))


def _crop(x, pads, hw):
    return x[:, pads[0][0]:pads[0][0] + hw[0], pads[1][0]:pads[1][0] + hw[1], :]


def _nhwc(xp, x, data_format):
    return xp.transpose(x, (0, 2, 3, 1)) if data_format == "NCHW" else x


def _from_nhwc(xp, x, data_format):
    if data_format == "NCHW":
        return xp.ascontiguousarray(xp.transpose(x, (0, 3, 1, 2)))
    return x


def _nhwc_shape(shape, data_format):
    shape = tuple(shape)
    return (shape[0], shape[2], shape[3], shape[1]) if data_format == "NCHW" else shape


def _hw(shape, data_format):
    return _nhwc_shape(shape, data_format)[1:3]


# --- the ops -----------------------------------------------------------------
def _check_rank4(op_name, values, names):
    for name, v in zip(names, values):
        if v.ndim != 4:
            raise InvalidArgumentError(
                "%s: %s must have rank 4 (%s), got shape %s"
                % (op_name, name, "NHWC or NCHW" if name != "filters" else
                   "height, width, in_channels, out_channels", tuple(v.shape)),
                op=op_name)


def _check_conv(op_name, x_shape, f_shape, attrs, described):
    if 0 in tuple(f_shape):
        raise InvalidArgumentError(
            "%s: the filter must not have zero elements (every dimension of height, "
            "width, in_channels, out_channels non-zero), got filter shape %s"
            % (op_name, tuple(f_shape)), op=op_name)
    fmt = attrs["data_format"]
    channels = _nhwc_shape(x_shape, fmt)[3]
    if channels != f_shape[2]:
        raise InvalidArgumentError(
            "%s: the input's channels (%d, input shape %s, %s) must equal the filter's "
            "in_channels (axis 2 of filter shape %s, which is HWIO: height, width, "
            "in_channels, out_channels)" % (op_name, channels, tuple(x_shape), fmt,
                                            tuple(f_shape)), op=op_name)
    return _geometry(op_name, _hw(x_shape, fmt), f_shape[:2], attrs["strides"],
                     attrs["dilations"], attrs["padding"], described)


def _check_conv2d(values, attrs):
    x, f = values
    _check_rank4("conv2d", values, ("input", "filters"))
    _check_conv("conv2d", x.shape, f.shape, attrs,
                "input %s, filters %s" % (tuple(x.shape), tuple(f.shape)))


def _check_backprop(op_name, x_shape, f_shape, dy, attrs):
    if dy.ndim != 4:
        _check_rank4(op_name, (dy,), ("out_backprop",))
    out_hw, _ = _check_conv(op_name, x_shape, f_shape, attrs,
                            "input %s, filters %s" % (x_shape, f_shape))
    fmt = attrs["data_format"]
    want = (x_shape[0],) + out_hw + (f_shape[3],)
    if _nhwc_shape(dy.shape, fmt) != want:
        raise InvalidArgumentError(
            "%s: out_backprop has shape %s but conv2d of input %s with filters %s "
            "gives %s" % (op_name, tuple(dy.shape), x_shape, f_shape,
                          _from_nhwc_shape(want, fmt)), op=op_name)


def _from_nhwc_shape(shape, data_format):
    return (shape[0], shape[3], shape[1], shape[2]) if data_format == "NCHW" else shape


def _check_backprop_input(values, attrs):
    f, dy = values
    _check_rank4("conv2d_backprop_input", (f,), ("filters",))
    _check_backprop("conv2d_backprop_input", attrs["input_sizes"], tuple(f.shape), dy, attrs)


def _check_backprop_filter(values, attrs):
    x, dy = values
    _check_rank4("conv2d_backprop_filter", (x,), ("input",))
    _check_backprop("conv2d_backprop_filter", tuple(x.shape), attrs["filter_sizes"], dy,
                    attrs)


Conv2D = define_op("Conv2D", "conv2d", inputs=("input", "filter"), dtypes=FLOATING,
                   check=_check_conv2d)
Conv2DBackpropInput = define_op(
    "Conv2DBackpropInput", "conv2d_backprop_input", inputs=("filter", "out_backprop"),
    dtypes=FLOATING, check=_check_backprop_input)
Conv2DBackpropFilter = define_op(
    "Conv2DBackpropFilter", "conv2d_backprop_filter", inputs=("input", "out_backprop"),
    dtypes=FLOATING, check=_check_backprop_filter)


# --- the convolution kernels ----------------------------------------------------
# Two ways to turn a convolution into matrix products, both with a Python loop
# over the k_h * k_w taps of the kernel only:
#
# * im2col: copy every window into one row of a (pixels, k_h * k_w * C) matrix,
#   then one big matmul with the kernel as a (k_h * k_w * C, F) matrix. Works for
#   any stride; the copy costs k_h * k_w times the input's size.
# * shifted rows: see the (padded) batch as one long (N * H * W, C) matrix of
#   pixels. Tap (i, j) of every window is then the same matrix shifted down by
#   i * W + j rows, a view. A stride-1 convolution is the sum over taps of
#   ``shifted @ kernel[i, j]``: no copy at all, and the same trick gives both
#   gradients. Rows near the right and bottom edges "wrap" into the next image
#   row; those outputs are computed and dropped (about (H*W)/(OH*OW) - 1 extra
#   work). With few input channels each product is thin (an outer product for
#   C = 1) and im2col wins; on one core, 32 images of 28x28, the two break even
#   at about 16 channels (forward + both gradients). Strides > 1 use im2col too.
_MIN_CHANNELS_FOR_SHIFTED_ROWS = 16


def _by_shifted_rows(channels, strides):
    return strides == (1, 1) and channels >= _MIN_CHANNELS_FOR_SHIFTED_ROWS


def _taps(k_hw):
    return [(i, j) for i in range(k_hw[0]) for j in range(k_hw[1])]


def _im2col(xp, x, k_hw, strides, dilations, out_hw):
    """The windows of padded NHWC ``x`` as a contiguous (N*OH*OW, KH*KW*C) matrix."""
    n, c = x.shape[0], x.shape[3]
    cols = xp.empty((n,) + tuple(out_hw) + tuple(k_hw) + (c,), dtype=x.dtype)
    for i, j in _taps(k_hw):
        cols[:, :, :, i, j, :] = x[_tap_slices(i, j, strides, dilations, out_hw)]
    return cols.reshape(-1, k_hw[0] * k_hw[1] * c)


def _shifted_rows(xp, x, k_hw, dilations):
    """Padded NHWC ``x`` as a (N*H*W, C) matrix, each tap's row offset, and how
    many rows every tap can read (enough for all the valid outputs)."""
    rows = xp.ascontiguousarray(x).reshape(-1, x.shape[3])
    offsets = _row_offsets(k_hw, dilations, x.shape[2])
    return rows, offsets, max(rows.shape[0] - offsets[-1], 0)


def _row_offsets(k_hw, dilations, width):
    """How far down the rows of pixels each tap reads, for images ``width`` wide."""
    return [i * dilations[0] * width + j * dilations[1] for i, j in _taps(k_hw)]


def _on_input_grid(xp, dy, padded_shape):
    """``dy`` placed at its outputs' top-left pixels of a zero (N*H*W, F) grid."""
    n, h, w, _ = padded_shape
    oh, ow = dy.shape[1:3]
    grid = xp.zeros((n, h, w, dy.shape[3]), dtype=dy.dtype)
    grid[:, :oh, :ow, :] = dy
    return grid.reshape(-1, dy.shape[3])


@Conv2D.kernel
def _conv2d(xp, x, f, strides, padding, data_format, dilations):
    x = _nhwc(xp, x, data_format)
    out_hw, pads = _geometry("conv2d", x.shape[1:3], f.shape[:2], strides, dilations,
                             padding, "")
    x = _pad(xp, x, pads)
    n, h, w, c = x.shape
    kh, kw, _, filters = f.shape
    if _by_shifted_rows(c, strides):
        rows, offsets, m = _shifted_rows(xp, x, (kh, kw), dilations)
        out = xp.zeros((n * h * w, filters), dtype=x.dtype)
        acc, product = out[:m], xp.empty((m, filters), dtype=x.dtype)
        for (i, j), s in zip(_taps((kh, kw)), offsets):
            xp.matmul(rows[s:s + m], f[i, j], out=product)
            acc += product
        out = out.reshape(n, h, w, filters)[:, :out_hw[0], :out_hw[1], :]
    else:
        cols = _im2col(xp, x, (kh, kw), strides, dilations, out_hw)
        out = xp.matmul(cols, f.reshape(-1, filters)).reshape((n,) + out_hw + (filters,))
    return _from_nhwc(xp, out, data_format)


@Conv2DBackpropInput.kernel
def _conv2d_backprop_input(xp, f, dy, input_sizes, strides, padding, data_format,
                           dilations):
    n, h, w, c = _nhwc_shape(input_sizes, data_format)
    dy = _nhwc(xp, dy, data_format)
    out_hw, pads = _geometry("conv2d_backprop_input", (h, w), f.shape[:2], strides,
                             dilations, padding, "")
    padded = (n, h + sum(pads[0]), w + sum(pads[1]), c)
    kh, kw = f.shape[:2]
    if _by_shifted_rows(c, strides):
        # Each output pixel's gradient flows back to every pixel its window read.
        offsets = _row_offsets((kh, kw), dilations, padded[2])
        grid = _on_input_grid(xp, dy, padded)
        m = max(grid.shape[0] - offsets[-1], 0)
        dx = xp.zeros((grid.shape[0], c), dtype=f.dtype)
        product = xp.empty((m, c), dtype=f.dtype)
        for (i, j), s in zip(_taps((kh, kw)), offsets):
            xp.matmul(grid[:m], f[i, j].T, out=product)
            dx[s:s + m] += product
        dx = dx.reshape(padded)
    else:
        # col2im: each output pixel's gradient spread over its window, then
        # added back tap by tap.
        dcols = xp.matmul(dy.reshape(-1, dy.shape[3]), f.reshape(-1, f.shape[3]).T)
        dcols = dcols.reshape(dy.shape[:3] + (kh, kw, c))
        dx = xp.zeros(padded, dtype=f.dtype)
        for i, j in _taps((kh, kw)):
            dx[_tap_slices(i, j, strides, dilations, out_hw)] += dcols[:, :, :, i, j, :]
    return _from_nhwc(xp, _crop(dx, pads, (h, w)), data_format)


@Conv2DBackpropFilter.kernel
def _conv2d_backprop_filter(xp, x, dy, filter_sizes, strides, padding, data_format,
                            dilations):
    x = _nhwc(xp, x, data_format)
    dy = _nhwc(xp, dy, data_format)
    out_hw, pads = _geometry("conv2d_backprop_filter", x.shape[1:3], filter_sizes[:2],
                             strides, dilations, padding, "")
    x = _pad(xp, x, pads)
    k_hw, c, filters = tuple(filter_sizes[:2]), x.shape[3], dy.shape[3]
    if _by_shifted_rows(c, strides):
        # Tap (i, j) of the kernel met pixel p + offset wherever output p was made.
        rows, offsets, m = _shifted_rows(xp, x, k_hw, dilations)
        grid = _on_input_grid(xp, dy, x.shape)[:m]
        df = xp.empty(k_hw + (c, filters), dtype=x.dtype)
        for (i, j), s in zip(_taps(k_hw), offsets):
            xp.matmul(rows[s:s + m].T, grid, out=df[i, j])
        return df
    cols = _im2col(xp, x, k_hw, strides, dilations, out_hw)
    return xp.matmul(cols.T, dy.reshape(-1, filters)).reshape(k_hw + (c, filters))


# --- pooling -------------------------------------------------------------------
def _check_pool(op_name):
    def check(values, attrs):
        _check_rank4(op_name, values[:1], ("input",))
        x = values[0]
        _geometry(op_name, _hw(x.shape, attrs["data_format"]), attrs["ksize"],
                  attrs["strides"], (1, 1), attrs["padding"],
                  "input %s, ksize %s" % (tuple(x.shape), list(attrs["ksize"])))
    return check


def _check_pool_grad(op_name):
    def check(values, attrs):
        x, y, grad = values
        _check_pool(op_name)((x,), attrs)
        out_hw, _ = _geometry(op_name, _hw(x.shape, attrs["data_format"]), attrs["ksize"],
                              attrs["strides"], (1, 1), attrs["padding"], "")
        n, _, _, c = _nhwc_shape(x.shape, attrs["data_format"])
        want_y = _from_nhwc_shape((n,) + out_hw + (c,), attrs["data_format"])
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
    out_hw, _ = _geometry("avg_pool_grad", _hw(shape, fmt), attrs["ksize"],
                          attrs["strides"], (1, 1), attrs["padding"], "")
    n, _, _, c = _nhwc_shape(shape, fmt)
    want = _from_nhwc_shape((n,) + out_hw + (c,), fmt)
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


def _lowest(xp, dtype):
    return -xp.inf if dtype.kind == "f" else xp.iinfo(dtype).min


@MaxPool.kernel
def _max_pool(xp, x, ksize, strides, padding, data_format):
    x = _nhwc(xp, x, data_format)
    out_hw, pads = _geometry("max_pool2d", x.shape[1:3], ksize, strides, _NO_DILATION,
                             padding, "")
    # Padding with -inf means a padded cell never wins the max.
    windows = _windows(xp, _pad(xp, x, pads, _lowest(xp, x.dtype)), ksize, strides,
                       _NO_DILATION, out_hw)
    return _from_nhwc(xp, windows.max(axis=(3, 4)), data_format)


def _argmax_taps(xp, x, ksize, strides, padding):
    """For every window, the tap ``i * k_w + j`` that holds its (first) maximum."""
    out_hw, pads = _geometry("max_pool_grad", x.shape[1:3], ksize, strides, _NO_DILATION,
                             padding, "")
    windows = _windows(xp, _pad(xp, x, pads, _lowest(xp, x.dtype)), ksize, strides,
                       _NO_DILATION, out_hw)
    n, oh, ow, kh, kw, c = windows.shape
    return xp.argmax(windows.reshape(n, oh, ow, kh * kw, c), axis=3), out_hw, pads


@MaxPoolGrad.kernel
def _max_pool_grad(xp, x, y, grad, ksize, strides, padding, data_format):
    x = _nhwc(xp, x, data_format)
    grad = _nhwc(xp, grad, data_format)
    taps, out_hw, pads = _argmax_taps(xp, x, ksize, strides, padding)
    dx = xp.zeros((x.shape[0], x.shape[1] + sum(pads[0]), x.shape[2] + sum(pads[1]),
                   x.shape[3]), dtype=grad.dtype)
    zero = xp.zeros((), dtype=grad.dtype)
    for i in range(ksize[0]):
        for j in range(ksize[1]):
            routed = xp.where(taps == i * ksize[1] + j, grad, zero)
            dx[_tap_slices(i, j, strides, _NO_DILATION, out_hw)] += routed
    return _from_nhwc(xp, _crop(dx, pads, x.shape[1:3]), data_format)


@MaxPoolGradGrad.kernel
def _max_pool_grad_grad(xp, x, y, grad, ksize, strides, padding, data_format):
    # The gradient of MaxPoolGrad with respect to its ``grad``: pick, for every
    # window, the value of ``grad`` (input-shaped) at the window's maximum.
    x = _nhwc(xp, x, data_format)
    grad = _nhwc(xp, grad, data_format)
    taps, out_hw, pads = _argmax_taps(xp, x, ksize, strides, padding)
    windows = _windows(xp, _pad(xp, grad, pads), ksize, strides, _NO_DILATION, out_hw)
    n, oh, ow, kh, kw, c = windows.shape
    picked = xp.take_along_axis(windows.reshape(n, oh, ow, kh * kw, c), taps[:, :, :, None],
                                axis=3)
    return _from_nhwc(xp, picked[:, :, :, 0], data_format)


def _valid_counts(xp, hw, ksize, strides, padding, dtype):
    """How many real (unpadded) cells each window covers, shape ``(1, OH, OW, 1)``."""
    out_hw, pads = _geometry("avg_pool2d", hw, ksize, strides, _NO_DILATION, padding, "")
    ones = _pad(xp, xp.ones((1,) + tuple(hw) + (1,), dtype=dtype), pads)
    windows = _windows(xp, ones, ksize, strides, _NO_DILATION, out_hw)
    return windows.sum(axis=(3, 4)), out_hw, pads


@AvgPool.kernel
def _avg_pool(xp, x, ksize, strides, padding, data_format):
    x = _nhwc(xp, x, data_format)
    counts, out_hw, pads = _valid_counts(xp, x.shape[1:3], ksize, strides, padding, x.dtype)
    windows = _windows(xp, _pad(xp, x, pads), ksize, strides, _NO_DILATION, out_hw)
    return _from_nhwc(xp, windows.sum(axis=(3, 4)) / counts, data_format)


@AvgPoolGrad.kernel
def _avg_pool_grad(xp, grad, orig_input_shape, ksize, strides, padding, data_format):
    n, h, w, c = _nhwc_shape(orig_input_shape, data_format)
    grad = _nhwc(xp, grad, data_format)
    counts, out_hw, pads = _valid_counts(xp, (h, w), ksize, strides, padding, grad.dtype)
    share = grad / counts
    dx = xp.zeros((n, h + sum(pads[0]), w + sum(pads[1]), c), dtype=grad.dtype)
    for i in range(ksize[0]):
        for j in range(ksize[1]):
            dx[_tap_slices(i, j, strides, _NO_DILATION, out_hw)] += share
    return _from_nhwc(xp, _crop(dx, pads, (h, w)), data_format)


# --- Python-side arguments -------------------------------------------------------
def _data_format(data_format, op_name):
    if not isinstance(data_format, str) or data_format not in ("NHWC", "NCHW"):
        raise InvalidArgumentError(
            "%s: data_format must be \"NHWC\" (channels last) or \"NCHW\" (channels "
            "first), got %r" % (op_name, data_format), op=op_name)
    return data_format


def _pair(value, op_name, what, data_format):
    """An int or a list of 1, 2 or 4 ints as ``(height, width)``."""
    if hasattr(value, "numpy"):
        value = value.numpy().tolist()
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        values = [int(value)]
    elif isinstance(value, (list, tuple)) and all(
            isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in value):
        values = [int(v) for v in value]
    else:
        values = None
    if values is None or len(values) not in (1, 2, 4):
        raise InvalidArgumentError(
            "%s: %s must be an int or a list of 1, 2 or 4 ints, got %r"
            % (op_name, what, value), op=op_name)
    if len(values) == 4:
        outer = (values[0], values[1]) if data_format == "NCHW" else (values[0], values[3])
        if outer != (1, 1):
            raise InvalidArgumentError(
                "%s: %s %r must be 1 in the batch and channel dimensions (%s); only "
                "height and width can move" % (op_name, what, value, data_format),
                op=op_name)
        values = values[2:] if data_format == "NCHW" else values[1:3]
    pair = (values[0], values[-1])
    if min(pair) < 1:
        raise InvalidArgumentError(
            "%s: %s must be positive, got %r" % (op_name, what, value), op=op_name)
    return pair


def _padding(padding, op_name, data_format, explicit_ok=True):
    if isinstance(padding, str):
        if padding in ("SAME", "VALID"):
            return padding
    elif explicit_ok and isinstance(padding, (list, tuple)):
        try:
            pairs = [tuple(int(p) for p in pair) for pair in padding]
        except (TypeError, ValueError):
            pairs = None
        if pairs is not None and len(pairs) == 4 and all(len(p) == 2 for p in pairs):
            outer = (pairs[0], pairs[1]) if data_format == "NCHW" else (pairs[0], pairs[3])
            spatial = pairs[2:] if data_format == "NCHW" else pairs[1:3]
            if outer == ((0, 0), (0, 0)) and min(min(p) for p in spatial) >= 0:
                return tuple(spatial)
    raise InvalidArgumentError(
        "%s: padding must be \"SAME\" (output size = ceil(input / stride)) or \"VALID\" "
        "(no padding)%s, got %r" % (
            op_name, "" if not explicit_ok else
            ", or explicit non-negative [[0, 0], [top, bottom], [left, right], [0, 0]]",
            padding), op=op_name)


def _conv_attrs(op_name, strides, padding, data_format, dilations):
    data_format = _data_format(data_format, op_name)
    return {"strides": _pair(strides, op_name, "strides", data_format),
            "padding": _padding(padding, op_name, data_format),
            "data_format": data_format,
            "dilations": _pair(1 if dilations is None else dilations, op_name,
                               "dilations", data_format)}


def _pool_attrs(op_name, ksize, strides, padding, data_format):
    data_format = _data_format(data_format, op_name)
    return {"ksize": _pair(ksize, op_name, "ksize", data_format),
            "strides": _pair(strides, op_name, "strides", data_format),
            "padding": _padding(padding, op_name, data_format, explicit_ok=False),
            "data_format": data_format}


def _sizes(sizes, op_name, what):
    if hasattr(sizes, "numpy"):
        sizes = sizes.numpy().tolist()
    try:
        sizes = tuple(int(s) for s in sizes)
    except (TypeError, ValueError):
        sizes = ()
    if len(sizes) != 4 or min(sizes) < 0:
        raise InvalidArgumentError(
            "%s: %s must be 4 non-negative ints, got %r" % (op_name, what, sizes),
            op=op_name)
    return sizes


# --- public functions -------------------------------------------------------------
def conv2d(input, filters, strides, padding, data_format="NHWC", dilations=None,  # noqa: A002
           name=None):
    """2-D convolution (cross-correlation, as in every deep-learning library).

    ``input`` is NHWC (or NCHW), ``filters`` HWIO: ``(height, width, in_channels,
    out_channels)``. ``strides``/``dilations``: an int or a list of 1, 2 or 4 ints.
    ``padding``: ``"SAME"``, ``"VALID"`` or explicit ``[[0, 0], [t, b], [l, r], [0, 0]]``.

    >>> import stage1_tensors as tf
    >>> x = tf.reshape(tf.range(16.0), [1, 4, 4, 1])
    >>> tf.nn.conv2d(x, tf.ones([3, 3, 1, 1]), strides=1, padding="VALID")[0, :, :, 0]
    tf.Tensor([[45. 54.]
               [81. 90.]], shape=(2, 2), dtype=float32)
    >>> tf.nn.conv2d(x, tf.ones([3, 3, 1, 2]), strides=2, padding="SAME").shape
    TensorShape([1, 2, 2, 2])
    """
    attrs = _conv_attrs("conv2d", strides, padding, data_format, dilations)
    return execute(Conv2D, (input, filters), attrs)


def conv2d_backprop_input(input_sizes, filters, out_backprop, strides, padding,
                          data_format="NHWC", dilations=None, name=None):
    """The gradient of ``conv2d`` with respect to its input (an input-shaped tensor).

    >>> import stage1_tensors as tf
    >>> dy = tf.ones([1, 2, 2, 1])
    >>> tf.nn.conv2d_backprop_input([1, 3, 3, 1], tf.ones([2, 2, 1, 1]), dy, 1, "VALID")[0, :, :, 0]
    tf.Tensor([[1. 2. 1.]
               [2. 4. 2.]
               [1. 2. 1.]], shape=(3, 3), dtype=float32)
    """
    attrs = _conv_attrs("conv2d_backprop_input", strides, padding, data_format, dilations)
    attrs["input_sizes"] = _sizes(input_sizes, "conv2d_backprop_input", "input_sizes")
    return execute(Conv2DBackpropInput, (filters, out_backprop), attrs)


def conv2d_backprop_filter(input, filter_sizes, out_backprop, strides, padding,  # noqa: A002
                           data_format="NHWC", dilations=None, name=None):
    """The gradient of ``conv2d`` with respect to its filters (a filter-shaped tensor).

    >>> import stage1_tensors as tf
    >>> x = tf.ones([1, 3, 3, 1])
    >>> tf.nn.conv2d_backprop_filter(x, [2, 2, 1, 1], tf.ones([1, 2, 2, 1]), 1, "VALID")[:, :, 0, 0]
    tf.Tensor([[4. 4.]
               [4. 4.]], shape=(2, 2), dtype=float32)
    """
    attrs = _conv_attrs("conv2d_backprop_filter", strides, padding, data_format, dilations)
    attrs["filter_sizes"] = _sizes(filter_sizes, "conv2d_backprop_filter", "filter_sizes")
    return execute(Conv2DBackpropFilter, (input, out_backprop), attrs)


def conv2d_transpose(input, filters, output_shape, strides, padding="SAME",  # noqa: A002
                     data_format="NHWC", dilations=None, name=None):
    """Transposed ("de-") convolution: ``conv2d_backprop_input`` under its layer name.

    ``filters`` is ``(height, width, output_channels, in_channels)``.

    >>> import stage1_tensors as tf
    >>> tf.nn.conv2d_transpose(tf.ones([1, 2, 2, 3]), tf.ones([3, 3, 5, 3]),
    ...                        [1, 4, 4, 5], strides=2).shape
    TensorShape([1, 4, 4, 5])
    """
    output_shape = _sizes(output_shape, "conv2d_transpose", "output_shape")
    with error_scope("conv2d_transpose"):
        return conv2d_backprop_input(output_shape, filters, input, strides, padding,
                                     data_format, dilations)


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
    attrs["orig_input_shape"] = _sizes(orig_input_shape, "avg_pool_grad", "orig_input_shape")
    return execute(AvgPoolGrad, (grad,), attrs)
