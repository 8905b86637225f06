"""Shape ops: reshape, transpose, concatenation, splitting, padding, ...

None of these ops computes anything new from the numbers: they move or copy
elements. Each op's ``check`` explains a bad shape or axis in the op's own terms
before NumPy gets a chance to fail. Ops that pick elements by index or by mask
(``gather``, ``scatter_nd``, ``where`` ...) live in ``gather_ops``.

>>> import stage1_tensors as tf
>>> tf.reshape(tf.range(6), [2, -1])
tf.Tensor([[0 1 2]
           [3 4 5]], shape=(2, 3), dtype=int32)
>>> tf.concat([tf.zeros([1, 2]), tf.ones([1, 2])], axis=0).shape
TensorShape([2, 2])
"""

import builtins
import math

import numpy as np

from ..dispatch import execute
from ..errors import InvalidArgumentError
from ..registry import define_op
from ..tensor import Tensor
from .attrs import (bool_attr, check_axis, dtype_attr, int_attr, ints_attr, shape_attr,
                    tensor_list)

__all__ = [
    "reshape", "transpose", "expand_dims", "squeeze", "concat", "stack", "unstack",
    "split", "tile", "broadcast_to", "identity", "pad", "shape", "size", "rank",
    "reverse", "slice",
]


# --- reshape, transpose, expand_dims, squeeze ------------------------------------
def _check_reshape(values, attrs):
    x, shape = values[0], attrs["shape"]
    unknown = [i for i, d in enumerate(shape) if d == -1]
    known = 1
    for d in shape:
        if d != -1:
            known *= d
    bad = len(unknown) > 1 or any(d < -1 for d in shape)
    if not bad:
        bad = (x.size != known) if not unknown else (known == 0 or x.size % known)
    if bad:
        raise InvalidArgumentError(
            "reshape: cannot reshape a tensor with %d elements (shape %s) to shape %s; "
            "the sizes must multiply to %d, with at most one -1 to infer"
            % (x.size, tuple(x.shape), list(shape), x.size), op="reshape")


Reshape = define_op("Reshape", "reshape", inputs=("tensor",), check=_check_reshape)


@Reshape.kernel
def _reshape(xp, x, shape):
    return xp.reshape(x, shape)


def reshape(tensor, shape, name=None):
    """The same elements in a new shape; one dimension may be -1 (inferred).

    >>> import stage1_tensors as tf
    >>> tf.reshape([1, 2, 3, 4], [2, 2]).shape
    TensorShape([2, 2])
    """
    return execute(Reshape, (tensor,), {"shape": shape_attr(shape, "reshape")})


def _check_transpose(values, attrs):
    x, perm = values[0], attrs["perm"]
    if perm is not None and sorted(perm) != list(builtins.range(x.ndim)):
        raise InvalidArgumentError(
            "transpose: perm %s is not a permutation of the axes of a tensor of rank "
            "%d (shape %s); it must list each of 0..%d once"
            % (list(perm), x.ndim, tuple(x.shape), x.ndim - 1), op="transpose")


Transpose = define_op("Transpose", "transpose", inputs=("x",), check=_check_transpose)


@Transpose.kernel
def _transpose(xp, x, perm):
    return xp.transpose(x, perm)


def transpose(a, perm=None, conjugate=False, name=None):
    """Permutes the axes: output axis ``i`` is input axis ``perm[i]`` (default: reversed).

    >>> import stage1_tensors as tf
    >>> tf.transpose([[1, 2, 3]])
    tf.Tensor([[1]
               [2]
               [3]], shape=(3, 1), dtype=int32)
    >>> tf.transpose(tf.zeros([2, 3, 4]), perm=[0, 2, 1]).shape
    TensorShape([2, 4, 3])
    """
    perm = None if perm is None else ints_attr(perm, "perm", "transpose")
    out = execute(Transpose, (a,), {"perm": perm})
    if conjugate is not False and bool_attr(conjugate, "conjugate", "transpose"):
        from .complex_ops import conj     # (a real tensor is its own conjugate)
        out = conj(out)
    return out


def _check_expand_dims(values, attrs):
    x = values[0]
    check_axis(attrs["axis"], x.ndim, x.shape, "expand_dims", extra=1)


ExpandDims = define_op("ExpandDims", "expand_dims", inputs=("input",),
                       check=_check_expand_dims)


@ExpandDims.kernel
def _expand_dims(xp, x, axis):
    return xp.expand_dims(x, axis)


def expand_dims(input, axis, name=None):  # noqa: A002  (TensorFlow's name)
    """Inserts a dimension of size 1 at ``axis`` (negative counts from the end).

    >>> import stage1_tensors as tf
    >>> tf.expand_dims([1, 2], 0).shape, tf.expand_dims([1, 2], -1).shape
    (TensorShape([1, 2]), TensorShape([2, 1]))
    """
    return execute(ExpandDims, (input,), {"axis": int_attr(axis, "axis", "expand_dims")})


def _check_squeeze(values, attrs):
    x, axes = values[0], attrs["axis"]
    for a in axes or ():
        a = check_axis(a, x.ndim, x.shape, "squeeze")
        if x.shape[a] != 1:
            raise InvalidArgumentError(
                "squeeze: cannot squeeze axis %d of a tensor of shape %s: its size is "
                "%d, not 1" % (a, tuple(x.shape), x.shape[a]), op="squeeze")


Squeeze = define_op("Squeeze", "squeeze", inputs=("input",), check=_check_squeeze)


@Squeeze.kernel
def _squeeze(xp, x, axis):
    return xp.squeeze(x, axis=axis)


def squeeze(input, axis=None, name=None):  # noqa: A002
    """Removes dimensions of size 1 (all of them, or those listed in ``axis``).

    >>> import stage1_tensors as tf
    >>> tf.squeeze(tf.zeros([1, 2, 1, 3])).shape
    TensorShape([2, 3])
    >>> tf.squeeze(tf.zeros([1, 2, 1, 3]), axis=[-2]).shape
    TensorShape([1, 2, 3])
    """
    axis = None if axis is None else ints_attr(axis, "axis", "squeeze")
    return execute(Squeeze, (input,), {"axis": axis})


# --- joining and splitting ---------------------------------------------------------
def _check_concat(values, attrs):
    first = values[0]
    if first.ndim == 0:
        raise InvalidArgumentError(
            "concat: cannot concatenate scalars (shape ()); use tf.stack to make a "
            "vector of them", op="concat")
    axis = check_axis(attrs["axis"], first.ndim, first.shape, "concat")
    for i, v in enumerate(values):
        if v.ndim != first.ndim or any(a != b for k, (a, b) in
                                       enumerate(zip(v.shape, first.shape)) if k != axis):
            raise InvalidArgumentError(
                "concat: values[0] has shape %s but values[%d] has shape %s; all "
                "inputs must have the same rank and the same sizes except along "
                "axis %d" % (tuple(first.shape), i, tuple(v.shape), attrs["axis"]),
                op="concat")


ConcatV2 = define_op("ConcatV2", "concat", inputs=("values",), variadic=True,
                     check=_check_concat)


@ConcatV2.kernel
def _concat(xp, *values, axis):
    return xp.concatenate(values, axis=axis)


def concat(values, axis, name="concat"):
    """Joins tensors along an existing axis.

    >>> import stage1_tensors as tf
    >>> tf.concat([[[1, 2]], [[3, 4]]], axis=0)
    tf.Tensor([[1 2]
               [3 4]], shape=(2, 2), dtype=int32)
    >>> tf.concat([[[1, 2]], [[3, 4]]], axis=-1)
    tf.Tensor([[1 2 3 4]], shape=(1, 4), dtype=int32)
    """
    if isinstance(values, Tensor):
        values = [values]         # TensorFlow accepts one tensor: it is its own concat
    return execute(ConcatV2, (tensor_list(values, "concat"),),
                   {"axis": int_attr(axis, "axis", "concat")})


def _check_stack(values, attrs):
    first = values[0]
    check_axis(attrs["axis"], first.ndim, first.shape, "stack", extra=1)
    for i, v in enumerate(values):
        if v.shape != first.shape:
            raise InvalidArgumentError(
                "stack: all values must have the same shape, but values[0] has shape "
                "%s and values[%d] has shape %s" % (tuple(first.shape), i,
                                                     tuple(v.shape)), op="stack")


Pack = define_op("Pack", "stack", inputs=("values",), variadic=True, check=_check_stack)


@Pack.kernel
def _stack(xp, *values, axis):
    return xp.stack(values, axis=axis)


def stack(values, axis=0, name="stack"):
    """Stacks tensors of one shape along a new axis.

    >>> import stage1_tensors as tf
    >>> tf.stack([[1, 2], [3, 4]], axis=1)
    tf.Tensor([[1 3]
               [2 4]], shape=(2, 2), dtype=int32)
    """
    if not isinstance(values, (Tensor, np.ndarray)):     # (a tensor stacks its rows)
        values = tensor_list(values, "stack")
    return execute(Pack, (values,), {"axis": int_attr(axis, "axis", "stack")})


def _check_unstack(values, attrs):
    x, num = values[0], attrs["num"]
    if x.ndim == 0:
        raise InvalidArgumentError(
            "unstack: cannot unstack a scalar (shape ()); it has no axis to split",
            op="unstack")
    axis = check_axis(attrs["axis"], x.ndim, x.shape, "unstack")
    if num is not None and num != x.shape[axis]:
        raise InvalidArgumentError(
            "unstack: num=%d but axis %d of shape %s has size %d"
            % (num, attrs["axis"], tuple(x.shape), x.shape[axis]), op="unstack")


Unpack = define_op("Unpack", "unstack", inputs=("value",), check=_check_unstack,
                   num_outputs="list")


@Unpack.kernel
def _unstack(xp, x, num, axis):
    return list(xp.moveaxis(x, axis, 0))


def unstack(value, num=None, axis=0, name="unstack"):
    """Splits a tensor along ``axis`` into a list of tensors of one rank less.

    >>> import stage1_tensors as tf
    >>> a, b = tf.unstack([[1, 2], [3, 4]], axis=1)
    >>> a, b
    (tf.Tensor([1 3], shape=(2,), dtype=int32), tf.Tensor([2 4], shape=(2,), dtype=int32))
    """
    num = None if num is None else int_attr(num, "num", "unstack")
    return execute(Unpack, (value,), {"num": num, "axis": int_attr(axis, "axis", "unstack")})


def _check_split(values, attrs):
    x = values[0]
    if x.ndim == 0:
        raise InvalidArgumentError("split: cannot split a scalar (shape ())", op="split")
    axis = check_axis(attrs["axis"], x.ndim, x.shape, "split")
    size = x.shape[axis]
    if "num_split" in attrs:
        n = attrs["num_split"]
        if n <= 0 or size % n:
            raise InvalidArgumentError(
                "split: cannot split axis %d of size %d (shape %s) into %d equal parts"
                % (attrs["axis"], size, tuple(x.shape), n), op="split")
        return
    sizes = attrs["size_splits"]
    unknown = [s for s in sizes if s == -1]
    known = builtins.sum(s for s in sizes if s != -1)
    if (len(unknown) > 1 or any(s < -1 for s in sizes)
            or (known != size if not unknown else known > size)):
        raise InvalidArgumentError(
            "split: size_splits %s must add up to %d, the size of axis %d (shape %s), "
            "with at most one -1 to infer" % (list(sizes), size, attrs["axis"],
                                              tuple(x.shape)), op="split")


def _split_sizes(size, attrs):
    if "num_split" in attrs:
        n = attrs["num_split"]
        return [size // n] * n
    sizes = list(attrs["size_splits"])
    if -1 in sizes:
        sizes[sizes.index(-1)] = size - builtins.sum(s for s in sizes if s != -1)
    return sizes


Split = define_op("Split", "split", inputs=("value",), check=_check_split,
                  num_outputs="list")
SplitV = define_op("SplitV", "split", inputs=("value",), check=_check_split,
                   num_outputs="list")


def _split(xp, x, axis, **sizes):
    axis = axis % x.ndim
    offsets = np.cumsum(_split_sizes(x.shape[axis], sizes))[:-1].tolist()
    return xp.split(x, offsets, axis=axis)


Split.kernel(_split)
SplitV.kernel(_split)


def split(value, num_or_size_splits, axis=0, num=None, name="split"):
    """Splits ``value`` along ``axis`` into equal parts (an int) or parts of given sizes.

    >>> import stage1_tensors as tf
    >>> x = tf.reshape(tf.range(6), [1, 6])
    >>> [t.shape for t in tf.split(x, 3, axis=1)]
    [TensorShape([1, 2]), TensorShape([1, 2]), TensorShape([1, 2])]
    >>> [t.shape for t in tf.split(x, [1, -1], axis=1)]
    [TensorShape([1, 1]), TensorShape([1, 5])]
    """
    axis = int_attr(axis, "axis", "split")
    if isinstance(num_or_size_splits, (int, np.integer)) or (
            isinstance(num_or_size_splits, Tensor) and num_or_size_splits.ndim == 0):
        n = int_attr(num_or_size_splits, "num_or_size_splits", "split")
        return execute(Split, (value,), {"num_split": n, "axis": axis})
    sizes = ints_attr(num_or_size_splits, "num_or_size_splits", "split")
    return execute(SplitV, (value,), {"size_splits": sizes, "axis": axis})


def _check_tile(values, attrs):
    x, multiples = values[0], attrs["multiples"]
    if len(multiples) != x.ndim or any(m < 0 for m in multiples):
        raise InvalidArgumentError(
            "tile: multiples %s must hold one non-negative int per axis of the input "
            "(shape %s, rank %d)" % (list(multiples), tuple(x.shape), x.ndim), op="tile")


Tile = define_op("Tile", "tile", inputs=("input",), check=_check_tile)


@Tile.kernel
def _tile(xp, x, multiples):
    return xp.tile(x, multiples) if multiples else x


def tile(input, multiples, name=None):  # noqa: A002
    """Repeats the input ``multiples[i]`` times along axis ``i``.

    >>> import stage1_tensors as tf
    >>> tf.tile([[1, 2]], [2, 2])
    tf.Tensor([[1 2 1 2]
               [1 2 1 2]], shape=(2, 4), dtype=int32)
    """
    return execute(Tile, (input,), {"multiples": shape_attr(multiples, "tile")})


def _check_broadcast_to(values, attrs):
    x, shape = values[0], attrs["shape"]
    ok = x.ndim <= len(shape) and all(
        a == b or a == 1 for a, b in zip(x.shape[::-1], shape[::-1]))
    if not ok or any(d < 0 for d in shape):
        raise InvalidArgumentError(
            "broadcast_to: cannot broadcast a tensor of shape %s to shape %s: compared "
            "from the last dimension, each input size must equal the target size or be 1"
            % (tuple(x.shape), tuple(shape)), op="broadcast_to")


BroadcastTo = define_op("BroadcastTo", "broadcast_to", inputs=("input",),
                        check=_check_broadcast_to)


@BroadcastTo.kernel
def _broadcast_to(xp, x, shape):
    return xp.broadcast_to(x, shape)     # a read-only view: no copy


@BroadcastTo.kernel(device="CPU")
def _broadcast_to_cpu(xp, x, shape):
    # NumPy's broadcast_to spends ~2.7 us in Python setting up the view. A small
    # result is cheaper to write out (~0.6 us); a large one stays a view.
    if math.prod(shape) > 1024:
        return np.broadcast_to(x, shape)
    out = np.empty(shape, x.dtype)
    np.copyto(out, x)
    return out


def broadcast_to(input, shape, name=None):  # noqa: A002
    """Broadcasts the input to ``shape`` with NumPy's broadcasting rules.

    >>> import stage1_tensors as tf
    >>> tf.broadcast_to([1, 2], [2, 2])
    tf.Tensor([[1 2]
               [1 2]], shape=(2, 2), dtype=int32)
    """
    return execute(BroadcastTo, (input,), {"shape": shape_attr(shape, "broadcast_to")})


# --- identity ---------------------------------------------------------------
Identity = define_op("Identity", "identity", inputs=("input",))


@Identity.kernel
def _identity(xp, x):
    return x      # tensors are immutable, so sharing the array is safe


def identity(input, name=None):  # noqa: A002
    """The input itself, as a new tensor (a separate node for the tape).

    >>> import stage1_tensors as tf
    >>> tf.identity([1.0, 2.0])
    tf.Tensor([1. 2.], shape=(2,), dtype=float32)
    """
    return execute(Identity, (input,))


# --- padding ------------------------------------------------------------------
def _check_pad(values, attrs):
    x, paddings = values[0], attrs["paddings"]
    mode = attrs.get("mode", "CONSTANT")
    if len(paddings) != x.ndim or any(a < 0 or b < 0 for a, b in paddings):
        raise InvalidArgumentError(
            "pad: paddings %s must hold one non-negative [before, after] pair per axis "
            "of the input (shape %s, so shape [%d, 2])"
            % ([list(p) for p in paddings], tuple(x.shape), x.ndim), op="pad")
    if mode != "CONSTANT":
        limit = 0 if mode == "REFLECT" else 1     # REFLECT skips the edge element
        for axis, ((a, b), size) in enumerate(zip(paddings, x.shape)):
            if builtins.max(a, b) > size - 1 + limit:
                raise InvalidArgumentError(
                    "pad: in %s mode the paddings of axis %d must be at most %d (the "
                    "axis has size %d, shape %s), got %s"
                    % (mode, axis, size - 1 + limit, size, tuple(x.shape), [a, b]),
                    op="pad")
    if "constant_values" in attrs and x.dtype.kind in "iub":
        value = attrs["constant_values"]
        if isinstance(value, float) and value != int(value):
            raise InvalidArgumentError(
                "pad: constant_values=%r does not fit the tensor's dtype %s"
                % (value, x.dtype), op="pad")


PadV2 = define_op("PadV2", "pad", inputs=("input",), check=_check_pad)
MirrorPad = define_op("MirrorPad", "pad", inputs=("input",), check=_check_pad)


@PadV2.kernel
def _pad(xp, x, paddings, constant_values):
    if not paddings:
        return x
    return xp.pad(x, paddings, mode="constant", constant_values=constant_values)


@MirrorPad.kernel
def _mirror_pad(xp, x, paddings, mode):
    if not paddings:
        return x
    return xp.pad(x, paddings, mode=mode.lower())


_PAD_MODES = ("CONSTANT", "REFLECT", "SYMMETRIC")


def pad(tensor, paddings, mode="CONSTANT", constant_values=0, name=None):
    """Pads ``paddings[i] = [before, after]`` elements around axis ``i``.

    ``mode`` is CONSTANT (fill with ``constant_values``), REFLECT (mirror without
    the edge) or SYMMETRIC (mirror with the edge).

    >>> import stage1_tensors as tf
    >>> tf.pad([[1, 2]], [[0, 1], [1, 0]])
    tf.Tensor([[0 1 2]
               [0 0 0]], shape=(2, 3), dtype=int32)
    >>> tf.pad([1, 2, 3], [[2, 2]], mode="REFLECT")
    tf.Tensor([3 2 1 2 3 2 1], shape=(7,), dtype=int32)
    """
    mode_name = str(mode).upper()
    if mode_name not in _PAD_MODES:
        raise InvalidArgumentError(
            "pad: mode must be one of %s, got %r" % (", ".join(_PAD_MODES), mode), op="pad")
    flat = shape_attr(paddings, "pad", table=True)
    if len(flat) % 2:
        raise InvalidArgumentError(
            "pad: paddings must have shape [rank, 2], got %r" % (paddings,), op="pad")
    pairs = tuple(zip(flat[::2], flat[1::2]))
    if mode_name != "CONSTANT":
        return execute(MirrorPad, (tensor,), {"paddings": pairs, "mode": mode_name})
    if isinstance(constant_values, Tensor):
        constant_values = constant_values.numpy()
    try:
        constant_values = np.asarray(constant_values).item()
    except ValueError:
        raise InvalidArgumentError("pad: constant_values must be a scalar, got %r"
                                   % (constant_values,), op="pad") from None
    return execute(PadV2, (tensor,), {"paddings": pairs,
                                      "constant_values": constant_values})


# --- shape, size, rank ------------------------------------------------------------
_SHAPE_DTYPES = {"int32": "int32", "int64": "int64"}


def _out_type(out_type, op_name):
    name = dtype_attr(out_type, "out_type", op_name).name
    if name not in _SHAPE_DTYPES:
        raise InvalidArgumentError("%s: out_type must be int32 or int64, got %s"
                                   % (op_name, name), op=op_name)
    return name


Shape = define_op("Shape", "shape", inputs=("input",))
Size = define_op("Size", "size", inputs=("input",))
Rank = define_op("Rank", "rank", inputs=("input",))

Shape.kernel(lambda xp, x, out_type: xp.asarray(x.shape, dtype=out_type))
Size.kernel(lambda xp, x, out_type: xp.asarray(x.size, dtype=out_type))
Rank.kernel(lambda xp, x: xp.asarray(x.ndim, dtype="int32"))


def shape(input, out_type="int32", name=None):  # noqa: A002
    """The shape of a tensor, as a 1-D int32 tensor (``.shape`` gives a tuple).

    >>> import stage1_tensors as tf
    >>> tf.shape(tf.zeros([2, 3]))
    tf.Tensor([2 3], shape=(2,), dtype=int32)
    """
    return execute(Shape, (input,), {"out_type": _out_type(out_type, "shape")})


def size(input, out_type="int32", name=None):  # noqa: A002
    """The number of elements, as a scalar int32 tensor.

    >>> import stage1_tensors as tf
    >>> tf.size(tf.zeros([2, 3]))
    tf.Tensor(6, shape=(), dtype=int32)
    """
    return execute(Size, (input,), {"out_type": _out_type(out_type, "size")})


def rank(input, name=None):  # noqa: A002
    """The number of dimensions, as a scalar int32 tensor.

    >>> import stage1_tensors as tf
    >>> tf.rank(tf.zeros([2, 3]))
    tf.Tensor(2, shape=(), dtype=int32)
    """
    return execute(Rank, (input,))


# --- reverse, slice ---------------------------------------------------------------
def _check_reverse(values, attrs):
    x, axes = values[0], attrs["axis"]
    normal = [check_axis(a, x.ndim, x.shape, "reverse") for a in axes]
    if len(set(normal)) != len(normal):
        raise InvalidArgumentError("reverse: axis %s names an axis twice" % list(axes),
                                   op="reverse")


ReverseV2 = define_op("ReverseV2", "reverse", inputs=("tensor",), check=_check_reverse)


@ReverseV2.kernel
def _reverse(xp, x, axis):
    return xp.flip(x, axis) if axis else x


def reverse(tensor, axis, name=None):
    """Reverses the order of elements along each axis in ``axis``.

    >>> import stage1_tensors as tf
    >>> tf.reverse([[1, 2, 3]], axis=[-1])
    tf.Tensor([[3 2 1]], shape=(1, 3), dtype=int32)
    """
    return execute(ReverseV2, (tensor,), {"axis": ints_attr(axis, "axis", "reverse")})


def _check_slice(values, attrs):
    x, begin, sizes = values[0], attrs["begin"], attrs["size"]
    if len(begin) != x.ndim or len(sizes) != x.ndim:
        raise InvalidArgumentError(
            "slice: begin %s and size %s must each have one entry per axis of the "
            "input (shape %s)" % (list(begin), list(sizes), tuple(x.shape)), op="slice")
    for axis, (b, s, d) in enumerate(zip(begin, sizes, x.shape)):
        if b < 0 or s < -1 or (s != -1 and b + s > d) or b > d:
            raise InvalidArgumentError(
                "slice: begin %d with size %d does not fit axis %d of size %d (shape "
                "%s); need 0 <= begin and begin + size <= %d (size -1 means the rest)"
                % (b, s, axis, d, tuple(x.shape), d), op="slice")


Slice = define_op("Slice", "slice", inputs=("input",), check=_check_slice)


@Slice.kernel
def _slice(xp, x, begin, size):
    return x[tuple(builtins.slice(b, None if s == -1 else b + s)
                   for b, s in zip(begin, size))]


def slice(input_, begin, size, name=None):  # noqa: A001  (TensorFlow's name)
    """The block of ``size[i]`` elements from ``begin[i]`` on each axis (-1: to the end).

    >>> import stage1_tensors as tf
    >>> tf.slice([[1, 2, 3], [4, 5, 6]], begin=[0, 1], size=[2, -1])
    tf.Tensor([[2 3]
               [5 6]], shape=(2, 2), dtype=int32)
    """
    return execute(Slice, (input_,), {"begin": shape_attr(begin, "slice"),
                                      "size": shape_attr(size, "slice")})

