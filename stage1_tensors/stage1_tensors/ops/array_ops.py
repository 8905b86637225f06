"""Shape ops: reshape, transpose, concatenation, gathering, padding, ...

None of these ops computes anything new from the numbers: they move, copy or
pick elements. Each op's ``check`` explains a bad shape, axis or index in the
op's own terms before NumPy gets a chance to fail.

>>> import stage1_tensors as tf
>>> tf.reshape(tf.range(6), [2, -1])
tf.Tensor([[0 1 2]
           [3 4 5]], shape=(2, 3), dtype=int32)
>>> tf.concat([tf.zeros([1, 2]), tf.ones([1, 2])], axis=0).shape
TensorShape([2, 2])
"""

import builtins
import math
import operator

import numpy as np

from ..backends import backend_of
from ..dispatch import execute
from ..dtypes import ALL as ALL_DTYPES
from ..dtypes import BOOL, INTEGER, as_dtype
from ..errors import InvalidArgumentError
from ..registry import define_op
from ..tensor import Tensor, TensorShape
from .error_scope import error_scope
from .indexing_ops import scatter_add

__all__ = [
    "reshape", "transpose", "expand_dims", "squeeze", "concat", "stack", "unstack",
    "split", "tile", "broadcast_to", "gather", "gather_nd", "scatter_nd",
    "unsorted_segment_sum", "one_hot", "identity", "pad", "shape", "size", "rank",
    "where", "reverse", "slice", "boolean_mask",
]

_INDEX_DTYPES = (np.dtype(np.int32), np.dtype(np.int64))


# --- turning Python-side arguments into attrs -----------------------------------
def shape_attr(shape, op_name):
    """A shape argument (list, tuple, TensorShape or 1-D tensor) as a tuple of ints."""
    if type(shape) is tuple or type(shape) is list or type(shape) is TensorShape:
        for d in shape:             # the common case, plain ints: no array round trip
            if type(d) is not int:
                break
        else:
            return tuple(shape)
    try:
        if hasattr(shape, "numpy"):
            shape = shape.numpy()
        array = np.asarray(shape)
        if array.dtype.kind not in "iu" and array.size:
            raise TypeError
        return tuple(int(d) for d in array.reshape(-1).tolist())
    except (TypeError, ValueError):
        raise InvalidArgumentError(
            "%s: a shape must be a list of ints, got %r" % (op_name, shape),
            op=op_name) from None


def int_attr(value, what, op_name):
    """An int argument (a Python int, NumPy integer or integer scalar tensor)."""
    try:
        if isinstance(value, Tensor):
            value = value.numpy()
        if isinstance(value, (builtins.bool, np.bool_)):
            raise TypeError
        return operator.index(value)
    except TypeError:
        raise InvalidArgumentError(
            "%s: %s must be an int, got %r" % (op_name, what, value), op=op_name) from None


def bool_attr(value, what, op_name):
    """A flag argument (``keepdims``, ``transpose_a`` ...): anything with one truth value.

    ``True``/``False`` return at once; a tensor or array must hold one element.
    """
    if value is True or value is False:
        return value
    try:
        return builtins.bool(value)
    except (TypeError, ValueError):
        raise InvalidArgumentError(
            "%s: %s must be a bool, got %s" % (op_name, what, _describe(value)),
            op=op_name) from None


def tensor_list(values, op_name, what="values"):
    """A list-of-tensors argument (``concat``, ``stack``, ``add_n``) as a list or tuple.

    Sets and dicts have no order to join in, strings are not tensors: all refused.
    """
    if type(values) is list or type(values) is tuple:
        return values
    if isinstance(values, (dict, set, frozenset, str, bytes)) or not hasattr(values, "__iter__"):
        raise InvalidArgumentError(
            "%s: %s must be a list of tensors, got %s" % (op_name, what, _describe(values)),
            op=op_name)
    return list(values)


def dtype_attr(value, what, op_name):
    """A dtype argument (a DType, name, NumPy dtype or Python type) as a ``DType``."""
    try:
        return as_dtype(value)
    except TypeError:
        raise InvalidArgumentError(
            "%s: %s must be a dtype, got %s; valid dtypes are %s"
            % (op_name, what, _describe(value), ", ".join(d.name for d in ALL_DTYPES)),
            op=op_name) from None


def _describe(value):
    if isinstance(value, Tensor):
        return "a tensor of shape %s" % (tuple(value.shape),)
    if isinstance(value, np.ndarray):
        return "an array of shape %s" % (value.shape,)
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def ints_attr(values, what, op_name):
    """An int or a list of ints as a tuple of ints."""
    if isinstance(values, Tensor):
        values = values.numpy()
    if isinstance(values, np.ndarray):
        values = values.tolist()
    if isinstance(values, (list, tuple)):
        return tuple(int_attr(v, what, op_name) for v in values)
    return (int_attr(values, what, op_name),)


def _check_axis(axis, rank, shape, op_name, extra=0):
    """Returns ``axis`` made non-negative; ``extra`` widens the range (expand_dims: 1)."""
    low, high = -rank - extra, rank + extra - 1
    if not low <= axis <= high:
        raise InvalidArgumentError(
            "%s: axis %d is out of range for a tensor of rank %d (shape %s); "
            "valid axes are %d..%d" % (op_name, axis, rank, tuple(shape), low, high),
            op=op_name)
    return axis % (rank + extra) if rank + extra else 0


def _host(array):
    """A NumPy copy of a (possibly CuPy) array, for error messages."""
    return backend_of(array).to_numpy(array)


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
    return execute(Transpose, (a,), {"perm": perm})


def _check_expand_dims(values, attrs):
    x = values[0]
    _check_axis(attrs["axis"], x.ndim, x.shape, "expand_dims", extra=1)


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
        a = _check_axis(a, x.ndim, x.shape, "squeeze")
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
    axis = _check_axis(attrs["axis"], first.ndim, first.shape, "concat")
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
    _check_axis(attrs["axis"], first.ndim, first.shape, "stack", extra=1)
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
    axis = _check_axis(attrs["axis"], x.ndim, x.shape, "unstack")
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
    axis = _check_axis(attrs["axis"], x.ndim, x.shape, "split")
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


# --- gathering and scattering -------------------------------------------------------
def _check_indices(op_name, indices, size, where):
    """Raises, naming the first bad index, unless every index is in [0, size)."""
    if indices.size and bool(((indices < 0) | (indices >= size)).any()):
        host = _host(indices)
        position = tuple(int(i) for i in np.argwhere((host < 0) | (host >= size))[0])
        raise InvalidArgumentError(
            "%s: indices%s = %d is not in [0, %d) (%s)"
            % (op_name, list(position), host[position], size, where), op=op_name)


def _check_gather(values, attrs):
    params, indices = values
    batch_dims = attrs["batch_dims"]
    if not 0 <= batch_dims <= indices.ndim:
        raise InvalidArgumentError(
            "gather: batch_dims=%d must be in 0..%d, the rank of indices (shape %s)"
            % (batch_dims, indices.ndim, tuple(indices.shape)), op="gather")
    if params.ndim == 0:
        raise InvalidArgumentError("gather: params must have rank >= 1, got a scalar",
                                   op="gather")
    axis = _check_axis(attrs["axis"], params.ndim, params.shape, "gather")
    if axis < batch_dims or params.shape[:batch_dims] != indices.shape[:batch_dims]:
        raise InvalidArgumentError(
            "gather: with batch_dims=%d, axis (%d) must be >= batch_dims and params %s "
            "and indices %s must share their first %d dimensions"
            % (batch_dims, attrs["axis"], tuple(params.shape), tuple(indices.shape),
               batch_dims), op="gather")
    _check_indices("gather", indices, params.shape[axis],
                   "axis %d of params with shape %s" % (axis, tuple(params.shape)))


GatherV2 = define_op("GatherV2", "gather", inputs=("params", "indices"),
                     input_dtypes={"indices": _INDEX_DTYPES}, check=_check_gather)


@GatherV2.kernel
def _gather(xp, params, indices, axis, batch_dims):
    axis = axis % params.ndim
    if batch_dims == 0:
        return xp.take(params, indices, axis=axis)
    # One plain gather per batch entry, on the flattened batch dimensions.
    batch = params.shape[:batch_dims]
    p = params.reshape((-1,) + params.shape[batch_dims:])
    i = indices.reshape((-1,) + indices.shape[batch_dims:])
    parts = [xp.take(p[b], i[b], axis=axis - batch_dims) for b in builtins.range(p.shape[0])]
    inner = (params.shape[batch_dims:axis] + indices.shape[batch_dims:]
             + params.shape[axis + 1:])
    if not parts:
        return xp.zeros(batch + inner, dtype=params.dtype)
    return xp.stack(parts).reshape(batch + inner)


def gather(params, indices, validate_indices=None, axis=None, batch_dims=0, name=None):
    """Picks slices of ``params`` along ``axis`` at ``indices`` (int32 or int64).

    Out-of-range indices are an error, as on TensorFlow's CPU.

    >>> import stage1_tensors as tf
    >>> tf.gather([10, 20, 30], [2, 0])
    tf.Tensor([30 10], shape=(2,), dtype=int32)
    >>> tf.gather([[1, 2], [3, 4]], [1, 1, 0], axis=1)
    tf.Tensor([[2 2 1]
               [4 4 3]], shape=(2, 3), dtype=int32)
    """
    batch_dims = int_attr(batch_dims, "batch_dims", "gather")
    axis = batch_dims if axis is None else int_attr(axis, "axis", "gather")
    if batch_dims < 0:
        rank = np.ndim(indices) if not isinstance(indices, Tensor) else indices.ndim
        batch_dims += rank
    return execute(GatherV2, (params, indices), {"axis": axis, "batch_dims": batch_dims})


def _check_gather_nd(values, attrs):
    params, indices = values
    if indices.ndim == 0 or indices.shape[-1] > params.ndim:
        raise InvalidArgumentError(
            "gather_nd: the last dimension of indices (shape %s) must be at most the "
            "rank of params (shape %s): each row of indices addresses params"
            % (tuple(indices.shape), tuple(params.shape)), op="gather_nd")
    for k in builtins.range(indices.shape[-1]):
        _check_indices("gather_nd", indices[..., k], params.shape[k],
                       "column %d of indices addresses axis %d of params with shape %s"
                       % (k, k, tuple(params.shape)))


GatherNd = define_op("GatherNd", "gather_nd", inputs=("params", "indices"),
                     input_dtypes={"indices": _INDEX_DTYPES}, check=_check_gather_nd)


@GatherNd.kernel
def _gather_nd(xp, params, indices):
    depth = indices.shape[-1]
    if depth == 0:
        return xp.broadcast_to(params, indices.shape[:-1] + params.shape)
    return params[tuple(indices[..., k] for k in builtins.range(depth))]


def gather_nd(params, indices, batch_dims=0, name=None):
    """Gathers slices of ``params``: each row of ``indices`` is one multi-index.

    >>> import stage1_tensors as tf
    >>> tf.gather_nd([[1, 2], [3, 4]], [[1, 0], [0, 1]])
    tf.Tensor([3 2], shape=(2,), dtype=int32)
    >>> tf.gather_nd([[1, 2], [3, 4]], [[1]])
    tf.Tensor([[3 4]], shape=(1, 2), dtype=int32)
    """
    if int_attr(batch_dims, "batch_dims", "gather_nd") != 0:
        raise InvalidArgumentError(
            "gather_nd: only batch_dims=0 is supported here; fold batch dimensions "
            "into the index rows instead", op="gather_nd")
    return execute(GatherNd, (params, indices))


def _check_scatter_nd(values, attrs):
    indices, updates = values
    shape = attrs["shape"]
    if indices.ndim == 0 or indices.shape[-1] > len(shape) or any(d < 0 for d in shape):
        raise InvalidArgumentError(
            "scatter_nd: the last dimension of indices (shape %s) must be at most the "
            "rank of the output shape %s" % (tuple(indices.shape), list(shape)),
            op="scatter_nd")
    want = indices.shape[:-1] + tuple(shape[indices.shape[-1]:])
    if updates.shape != want:
        raise InvalidArgumentError(
            "scatter_nd: updates must have shape %s (indices.shape[:-1] + "
            "shape[indices.shape[-1]:]) for indices %s and shape %s, got %s"
            % (want, tuple(indices.shape), list(shape), tuple(updates.shape)),
            op="scatter_nd")
    for k in builtins.range(indices.shape[-1]):
        _check_indices("scatter_nd", indices[..., k], shape[k],
                       "column %d of indices addresses axis %d of shape %s"
                       % (k, k, list(shape)))


ScatterNd = define_op("ScatterNd", "scatter_nd", inputs=("indices", "updates"),
                      input_dtypes={"indices": _INDEX_DTYPES}, check=_check_scatter_nd)


@ScatterNd.kernel
def _scatter_nd(xp, indices, updates, shape):
    out = xp.zeros(shape, dtype=updates.dtype)
    depth = indices.shape[-1]
    index = tuple(indices[..., k] for k in builtins.range(depth))
    if depth == 0:
        return out + updates.sum(axis=tuple(builtins.range(indices.ndim - 1)))
    scatter_add(xp, out, index, updates)
    return out


def scatter_nd(indices, updates, shape, name=None):
    """Zeros of ``shape`` with ``updates`` added at ``indices`` (repeats add up).

    The reverse of ``gather_nd``.

    >>> import stage1_tensors as tf
    >>> tf.scatter_nd([[1], [3], [1]], [1.0, 2.0, 3.0], [5])
    tf.Tensor([0. 4. 0. 2. 0.], shape=(5,), dtype=float32)
    """
    return execute(ScatterNd, (indices, updates), {"shape": shape_attr(shape, "scatter_nd")})


def _check_segments(values, attrs):
    data, ids = values
    n = attrs["num_segments"]
    if data.shape[:ids.ndim] != ids.shape:
        raise InvalidArgumentError(
            "unsorted_segment_sum: segment_ids shape %s must be a prefix of data "
            "shape %s" % (tuple(ids.shape), tuple(data.shape)), op="unsorted_segment_sum")
    _check_indices("unsorted_segment_sum", ids, n, "num_segments=%d" % n)


UnsortedSegmentSum = define_op(
    "UnsortedSegmentSum", "unsorted_segment_sum", inputs=("data", "segment_ids"),
    input_dtypes={"segment_ids": _INDEX_DTYPES}, check=_check_segments)


@UnsortedSegmentSum.kernel
def _unsorted_segment_sum(xp, data, ids, num_segments):
    out = xp.zeros((num_segments,) + data.shape[ids.ndim:], dtype=data.dtype)
    scatter_add(xp, out, ids, data)
    return out


def unsorted_segment_sum(data, segment_ids, num_segments, name=None):
    """Sums the slices of ``data`` that share a segment id (``tf.math`` in TensorFlow).

    ``segment_ids`` must be in [0, num_segments); this is how ``gather``'s
    gradient adds up the rows it picked.

    >>> import stage1_tensors as tf
    >>> tf.unsorted_segment_sum([1, 2, 3, 4], [0, 2, 0, 1], num_segments=3)
    tf.Tensor([4 4 2], shape=(3,), dtype=int32)
    """
    return execute(UnsortedSegmentSum, (data, segment_ids),
                   {"num_segments": int_attr(num_segments, "num_segments",
                                             "unsorted_segment_sum")})


# --- one_hot, identity ----------------------------------------------------------
def _check_one_hot(values, attrs):
    indices = values[0]
    _check_axis(attrs["axis"], indices.ndim, indices.shape, "one_hot", extra=1)
    if attrs["depth"] < 0:
        raise InvalidArgumentError("one_hot: depth must be >= 0, got %d" % attrs["depth"],
                                   op="one_hot")


OneHot = define_op("OneHot", "one_hot", inputs=("indices",),
                   input_dtypes={"indices": (np.dtype(np.uint8),) + _INDEX_DTYPES},
                   check=_check_one_hot)


@OneHot.kernel
def _one_hot(xp, indices, depth, on_value, off_value, axis, dtype):
    hot = indices[..., None] == xp.arange(depth, dtype=indices.dtype)
    on = xp.asarray(on_value, dtype=dtype)
    off = xp.asarray(off_value, dtype=dtype)
    out = xp.where(hot, on, off)
    return xp.moveaxis(out, -1, axis) if axis not in (-1, indices.ndim) else out


def _scalar_attr(value, dtype, what):
    if isinstance(value, Tensor):
        value = value.numpy()
    value = np.asarray(value)
    if value.ndim:
        raise InvalidArgumentError("one_hot: %s must be a scalar, got shape %s"
                                   % (what, value.shape), op="one_hot")
    if np.dtype(dtype).kind in "iub" and value.dtype.kind == "f" and not (
            np.isfinite(value) and value == int(value)):
        raise InvalidArgumentError("one_hot: %s=%s does not fit dtype %s"
                                   % (what, value, np.dtype(dtype)), op="one_hot")
    return value.astype(dtype).item()


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None,
            name=None):
    """A one-hot encoding: ``on_value`` where the new axis equals the index.

    Indices outside [0, depth) give a row of ``off_value``\\ s, as in TensorFlow.
    The dtype is ``dtype``, else that of ``on_value``/``off_value``, else float32.

    >>> import stage1_tensors as tf
    >>> tf.one_hot([0, 2, 5], depth=3)
    tf.Tensor([[1. 0. 0.]
               [0. 0. 1.]
               [0. 0. 0.]], shape=(3, 3), dtype=float32)
    """
    if dtype is None:
        from ..convert import convert_to_tensor
        given = on_value if on_value is not None else off_value
        with error_scope("one_hot"):
            dtype = "float32" if given is None else convert_to_tensor(given).dtype
    dtype = dtype_attr(dtype, "dtype", "one_hot")._np
    on = _scalar_attr(1 if on_value is None else on_value, dtype, "on_value")
    off = _scalar_attr(0 if off_value is None else off_value, dtype, "off_value")
    return execute(OneHot, (indices,), {
        "depth": int_attr(depth, "depth", "one_hot"), "on_value": on, "off_value": off,
        "axis": -1 if axis is None else int_attr(axis, "axis", "one_hot"),
        "dtype": dtype.name})


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
    flat = shape_attr(paddings, "pad")
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


# --- where, reverse, slice, boolean_mask --------------------------------------------
Where = define_op("Where", "where", inputs=("condition",))


@Where.kernel
def _where(xp, condition):
    return xp.argwhere(condition).astype(np.int64)


SelectV2 = define_op("SelectV2", "where", inputs=("condition", "t", "e"),
                     input_dtypes={"condition": BOOL})


@SelectV2.kernel
def _select(xp, condition, t, e):
    return xp.where(condition, t, e)


def where(condition, x=None, y=None, name=None):
    """With ``x`` and ``y``: ``x`` where ``condition`` is True, else ``y`` (broadcasting).

    With only ``condition``: the coordinates of its True (non-zero) elements, as an
    int64 tensor of shape ``[count, rank]``.

    >>> import stage1_tensors as tf
    >>> tf.where([True, False, True], [1, 2, 3], [-1, -2, -3])
    tf.Tensor([ 1 -2  3], shape=(3,), dtype=int32)
    >>> tf.where([[True, False], [False, True]])
    tf.Tensor([[0 0]
               [1 1]], shape=(2, 2), dtype=int64)
    """
    if x is None and y is None:
        return execute(Where, (condition,))
    if x is None or y is None:
        raise InvalidArgumentError(
            "where: give both x and y (to select) or neither (to find coordinates), "
            "not just one of them", op="where")
    return execute(SelectV2, (condition, x, y))


def _check_reverse(values, attrs):
    x, axes = values[0], attrs["axis"]
    normal = [_check_axis(a, x.ndim, x.shape, "reverse") for a in axes]
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


def boolean_mask(tensor, mask, axis=None, name="boolean_mask"):
    """The elements (or slices) of ``tensor`` where the boolean ``mask`` is True.

    ``mask``'s shape must match ``tensor.shape[axis:axis + mask.ndim]``. Built from
    ``reshape``, ``where`` and ``gather``, so it needs no gradient of its own.

    >>> import stage1_tensors as tf
    >>> tf.boolean_mask([[1, 2], [3, 4], [5, 6]], [True, False, True])
    tf.Tensor([[1 2]
               [5 6]], shape=(2, 2), dtype=int32)
    """
    from ..convert import convert_to_tensor
    with error_scope("boolean_mask"):
        tensor, mask = convert_to_tensor(tensor), convert_to_tensor(mask)
        if mask.dtype != "bool":
            raise InvalidArgumentError("boolean_mask: mask must be bool, got %s"
                                       % mask.dtype.name, op="boolean_mask")
        axis = 0 if axis is None else int_attr(axis, "axis", "boolean_mask")
        axis = _check_axis(axis, tensor.ndim, tensor.shape, "boolean_mask") \
            if tensor.ndim else axis
        k = mask.ndim
        dims = tuple(tensor.shape)
        if k == 0 or tuple(dims[axis:axis + k]) != tuple(mask.shape):
            raise InvalidArgumentError(
                "boolean_mask: mask shape %s must match tensor shape %s at axes %d..%d"
                % (tuple(mask.shape), dims, axis, axis + k - 1), op="boolean_mask")
        flat = reshape(tensor, dims[:axis] + (-1,) + dims[axis + k:])
        picked = reshape(where(reshape(mask, [-1])), [-1])
        return gather(flat, picked, axis=axis)
