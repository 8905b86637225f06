"""Sliding windows over NHWC images: what convolution and pooling share.

``conv_ops`` and ``pooling_ops`` both slide a ``k_h x k_w`` window over the
height and width of a batch of images. This module holds what they agree on:
how many outputs a window op makes and how much padding SAME needs
(``window_geometry``), where one *tap* (one cell of the window) lands in the
padded input for every output at once (``tap_slices``), NCHW <-> NHWC, and the
Python-side window arguments (``strides``, ``padding``, ``data_format`` ...)
turned into attrs.

>>> from stage1_tensors.ops.windows import window_geometry
>>> window_geometry("conv2d", (5, 5), (3, 3), (2, 2), (1, 1), "SAME", "")
((3, 3), ((1, 1), (1, 1)))
>>> window_geometry("conv2d", (4, 4), (3, 3), (2, 2), (1, 1), "SAME", "")  # odd: bottom/right
((2, 2), ((0, 1), (0, 1)))
"""

import numbers

from ..errors import InvalidArgumentError
from .attrs import shape_attr

__all__ = []      # helpers for conv_ops and pooling_ops, not part of ``tf.nn``


# --- geometry: output sizes, padding, taps ---------------------------------------
def window_geometry(op_name, in_hw, k_hw, strides, dilations, padding, shapes):
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


def pad_spatial(xp, x, pads, value=0):
    if pads == ((0, 0), (0, 0)):
        return x
    return xp.pad(x, ((0, 0),) + pads + ((0, 0),), constant_values=value)


def tap_slices(i, j, strides, dilations, out_hw):
    """Where tap ``(i, j)`` of every window lands in the padded input."""
    return (slice(None),
            slice(i * dilations[0], i * dilations[0] + strides[0] * (out_hw[0] - 1) + 1,
                  strides[0]),
            slice(j * dilations[1], j * dilations[1] + strides[1] * (out_hw[1] - 1) + 1,
                  strides[1]),
            slice(None))


def crop_spatial(x, pads, hw):
    return x[:, pads[0][0]:pads[0][0] + hw[0], pads[1][0]:pads[1][0] + hw[1], :]


# --- layout: every kernel works in NHWC ------------------------------------------
def to_nhwc(xp, x, data_format):
    return xp.transpose(x, (0, 2, 3, 1)) if data_format == "NCHW" else x


def from_nhwc(xp, x, data_format):
    if data_format == "NCHW":
        return xp.ascontiguousarray(xp.transpose(x, (0, 3, 1, 2)))
    return x


def nhwc_shape(shape, data_format):
    shape = tuple(shape)
    return (shape[0], shape[2], shape[3], shape[1]) if data_format == "NCHW" else shape


def spatial_shape(shape, data_format):
    return nhwc_shape(shape, data_format)[1:3]


def from_nhwc_shape(shape, data_format):
    return (shape[0], shape[3], shape[1], shape[2]) if data_format == "NCHW" else shape


# --- checks and Python-side arguments --------------------------------------------
def check_rank4(op_name, values, names):
    for name, v in zip(names, values):
        if v.ndim != 4:
            raise InvalidArgumentError(
                "%s: %s must have rank 4 (%s), got shape %s"
                % (op_name, name, "NHWC or NCHW" if name != "filters" else
                   "height, width, in_channels, out_channels", tuple(v.shape)),
                op=op_name)


def data_format_attr(data_format, op_name):
    if not isinstance(data_format, str) or data_format not in ("NHWC", "NCHW"):
        raise InvalidArgumentError(
            "%s: data_format must be \"NHWC\" (channels last) or \"NCHW\" (channels "
            "first), got %r" % (op_name, data_format), op=op_name)
    return data_format


def hw_attr(value, op_name, what, data_format):
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


def padding_attr(padding, op_name, data_format, explicit_ok=True):
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


def shape4_attr(sizes, op_name, what):
    try:
        sizes = shape_attr(sizes, op_name)
    except InvalidArgumentError:
        sizes = ()
    if not isinstance(sizes, tuple):    # sizes a graph computes (a later stage's)
        return sizes
    if len(sizes) != 4 or min(sizes) < 0:
        raise InvalidArgumentError(
            "%s: %s must be 4 non-negative ints, got %r" % (op_name, what, sizes),
            op=op_name)
    return sizes
