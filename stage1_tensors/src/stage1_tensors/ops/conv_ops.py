"""2-D convolution (``conv2d``) and the two ops its gradient is made of.

Every kernel works in NHWC (batch, height, width, channels); NCHW inputs are
transposed in and out. No kernel loops over pixels: each loops over the *taps*
of the filter only (k_h * k_w steps, e.g. 9) and does one matrix product per
tap or one for all of them. Two strategies (explained above the kernels):
*im2col* copies every window into a row of one matrix; *shifted rows* reads the
padded batch as a (pixels, channels) matrix and each tap as a view of it
shifted down, with no copy at all.

``Conv2DBackpropInput`` and ``Conv2DBackpropFilter`` are conv2d's gradients
with respect to its input and its filter, as TensorFlow has them. The window
geometry they share with pooling is in ``windows``.

>>> import stage1_tensors as tf
>>> image = tf.reshape(tf.constant([1.0, 2.0, 3.0, 4.0]), [1, 2, 2, 1])
>>> tf.nn.conv2d(image, tf.ones([2, 2, 1, 1]), strides=1, padding="VALID").numpy().ravel()
array([10.], dtype=float32)
"""

from ..dispatch import execute
from ..dtypes import FLOATING
from ..errors import InvalidArgumentError
from ..registry import define_op
from .error_scope import error_scope
from .windows import (check_rank4, crop_spatial, data_format_attr, from_nhwc,
                      from_nhwc_shape, hw_attr, nhwc_shape, pad_spatial, padding_attr,
                      shape4_attr, spatial_shape, tap_slices, to_nhwc, window_geometry)

__all__ = ["conv2d", "conv2d_backprop_input", "conv2d_backprop_filter", "conv2d_transpose"]


# --- the ops and their checks ------------------------------------------------------
def _check_conv(op_name, x_shape, f_shape, attrs, described):
    if 0 in tuple(f_shape):
        raise InvalidArgumentError(
            "%s: the filter must not have zero elements (every dimension of height, "
            "width, in_channels, out_channels non-zero), got filter shape %s"
            % (op_name, tuple(f_shape)), op=op_name)
    fmt = attrs["data_format"]
    channels = nhwc_shape(x_shape, fmt)[3]
    if channels != f_shape[2]:
        raise InvalidArgumentError(
            "%s: the input's channels (%d, input shape %s, %s) must equal the filter's "
            "in_channels (axis 2 of filter shape %s, which is HWIO: height, width, "
            "in_channels, out_channels)" % (op_name, channels, tuple(x_shape), fmt,
                                            tuple(f_shape)), op=op_name)
    return window_geometry(op_name, spatial_shape(x_shape, fmt), f_shape[:2], attrs["strides"],
                     attrs["dilations"], attrs["padding"], described)


def _check_conv2d(values, attrs):
    x, f = values
    check_rank4("conv2d", values, ("input", "filters"))
    _check_conv("conv2d", x.shape, f.shape, attrs,
                "input %s, filters %s" % (tuple(x.shape), tuple(f.shape)))


def _check_backprop(op_name, x_shape, f_shape, dy, attrs):
    if dy.ndim != 4:
        check_rank4(op_name, (dy,), ("out_backprop",))
    out_hw, _ = _check_conv(op_name, x_shape, f_shape, attrs,
                            "input %s, filters %s" % (x_shape, f_shape))
    fmt = attrs["data_format"]
    want = (x_shape[0],) + out_hw + (f_shape[3],)
    if nhwc_shape(dy.shape, fmt) != want:
        raise InvalidArgumentError(
            "%s: out_backprop has shape %s but conv2d of input %s with filters %s "
            "gives %s" % (op_name, tuple(dy.shape), x_shape, f_shape,
                          from_nhwc_shape(want, fmt)), op=op_name)


def _check_backprop_input(values, attrs):
    f, dy = values
    check_rank4("conv2d_backprop_input", (f,), ("filters",))
    _check_backprop("conv2d_backprop_input", attrs["input_sizes"], tuple(f.shape), dy, attrs)


def _check_backprop_filter(values, attrs):
    x, dy = values
    check_rank4("conv2d_backprop_filter", (x,), ("input",))
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
        cols[:, :, :, i, j, :] = x[tap_slices(i, j, strides, dilations, out_hw)]
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
    x = to_nhwc(xp, x, data_format)
    out_hw, pads = window_geometry("conv2d", x.shape[1:3], f.shape[:2], strides, dilations,
                             padding, "")
    x = pad_spatial(xp, x, pads)
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
    return from_nhwc(xp, out, data_format)


@Conv2DBackpropInput.kernel
def _conv2d_backprop_input(xp, f, dy, input_sizes, strides, padding, data_format,
                           dilations):
    n, h, w, c = nhwc_shape(input_sizes, data_format)
    dy = to_nhwc(xp, dy, data_format)
    out_hw, pads = window_geometry("conv2d_backprop_input", (h, w), f.shape[:2], strides,
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
            dx[tap_slices(i, j, strides, dilations, out_hw)] += dcols[:, :, :, i, j, :]
    return from_nhwc(xp, crop_spatial(dx, pads, (h, w)), data_format)


@Conv2DBackpropFilter.kernel
def _conv2d_backprop_filter(xp, x, dy, filter_sizes, strides, padding, data_format,
                            dilations):
    x = to_nhwc(xp, x, data_format)
    dy = to_nhwc(xp, dy, data_format)
    out_hw, pads = window_geometry("conv2d_backprop_filter", x.shape[1:3], filter_sizes[:2],
                             strides, dilations, padding, "")
    x = pad_spatial(xp, x, pads)
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


# --- Python-side arguments -------------------------------------------------------
def _conv_attrs(op_name, strides, padding, data_format, dilations):
    data_format = data_format_attr(data_format, op_name)
    return {"strides": hw_attr(strides, op_name, "strides", data_format),
            "padding": padding_attr(padding, op_name, data_format),
            "data_format": data_format,
            "dilations": hw_attr(1 if dilations is None else dilations, op_name,
                               "dilations", data_format)}


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
    attrs["input_sizes"] = shape4_attr(input_sizes, "conv2d_backprop_input", "input_sizes")
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
    attrs["filter_sizes"] = shape4_attr(filter_sizes, "conv2d_backprop_filter", "filter_sizes")
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
    output_shape = shape4_attr(output_shape, "conv2d_transpose", "output_shape")
    with error_scope("conv2d_transpose"):
        return conv2d_backprop_input(output_shape, filters, input, strides, padding,
                                     data_format, dilations)
