"""Picking and placing elements by index or by mask.

``gather`` and ``gather_nd`` read elements at integer indices, ``scatter_nd``
and ``unsorted_segment_sum`` write (add) them at indices, ``one_hot`` turns
indices into a mask, and ``where``/``boolean_mask`` go from a mask to values or
to indices. Indices are int32 or int64 and must be in range, as on TensorFlow's
CPU: each check names the first bad index and the axis it addresses.

>>> import stage1_tensors as tf
>>> tf.gather([10, 20, 30], [2, 0])
tf.Tensor([30 10], shape=(2,), dtype=int32)
>>> tf.scatter_nd([[0], [2]], [1, 1], [3])
tf.Tensor([1 0 1], shape=(3,), dtype=int32)
"""

import builtins

import numpy as np

from ..backends import backend_of
from ..dispatch import execute
from ..dtypes import BOOL, NUMERIC
from ..errors import InvalidArgumentError
from ..registry import define_op
from ..tensor import Tensor
from .array_ops import reshape
from .attrs import bool_attr, check_axis, dtype_attr, int_attr, shape_attr
from .error_scope import error_scope
from .indexing_ops import scatter_add

__all__ = [
    "gather", "gather_nd", "scatter_nd", "unsorted_segment_sum", "one_hot", "where",
    "boolean_mask",
]

_INDEX_DTYPES = (np.dtype(np.int32), np.dtype(np.int64))


def _host(array):
    """A NumPy copy of a (possibly CuPy) array, for error messages."""
    return backend_of(array).to_numpy(array)


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
    axis = check_axis(attrs["axis"], params.ndim, params.shape, "gather")
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


def check_scatter(op_name, indices, updates, shape):
    """Raises a teaching error unless ``updates`` fit ``indices`` into ``shape``:
    each row of ``indices`` addresses the first ``indices.shape[-1]`` axes, so
    ``updates`` must have shape ``indices.shape[:-1] + shape[indices.shape[-1]:]``
    and every index must be in range. ``scatter_nd`` and the
    ``tensor_scatter_nd_*`` ops share it."""
    if indices.ndim == 0 or indices.shape[-1] > len(shape) or any(d < 0 for d in shape):
        raise InvalidArgumentError(
            "%s: the last dimension of indices (shape %s) must be at most the "
            "rank of the output shape %s" % (op_name, tuple(indices.shape), list(shape)),
            op=op_name)
    want = indices.shape[:-1] + tuple(shape[indices.shape[-1]:])
    if updates.shape != want:
        raise InvalidArgumentError(
            "%s: updates must have shape %s (indices.shape[:-1] + "
            "shape[indices.shape[-1]:]) for indices %s and shape %s, got %s"
            % (op_name, want, tuple(indices.shape), list(shape), tuple(updates.shape)),
            op=op_name)
    for k in builtins.range(indices.shape[-1]):
        _check_indices(op_name, indices[..., k], shape[k],
                       "column %d of indices addresses axis %d of shape %s"
                       % (k, k, list(shape)))


def _check_scatter_nd(values, attrs):
    check_scatter("scatter_nd", values[0], values[1], attrs["shape"])


ScatterNd = define_op("ScatterNd", "scatter_nd", inputs=("indices", "updates"),
                      input_dtypes={"indices": _INDEX_DTYPES}, check=_check_scatter_nd)


@ScatterNd.kernel
def _scatter_nd(xp, indices, updates, shape):
    out = xp.zeros(shape, dtype=updates.dtype)
    depth = indices.shape[-1]
    index = tuple(indices[..., k] for k in builtins.range(depth))
    if depth == 0:
        # (each update adds to the whole output; summed in the updates' dtype, as
        # NumPy would give int64 for int32 updates)
        return out + updates.sum(axis=tuple(builtins.range(indices.ndim - 1)),
                                 dtype=updates.dtype)
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
    n, = attrs["segments"]
    if data.shape[:ids.ndim] != ids.shape:
        raise InvalidArgumentError(
            "unsorted_segment_sum: segment_ids shape %s must be a prefix of data "
            "shape %s" % (tuple(ids.shape), tuple(data.shape)), op="unsorted_segment_sum")
    _check_indices("unsorted_segment_sum", ids, n, "num_segments=%d" % n)


UnsortedSegmentSum = define_op(
    "UnsortedSegmentSum", "unsorted_segment_sum", inputs=("data", "segment_ids"),
    input_dtypes={"segment_ids": _INDEX_DTYPES}, check=_check_segments)


@UnsortedSegmentSum.kernel
def _unsorted_segment_sum(xp, data, ids, segments):
    out = xp.zeros(tuple(segments) + data.shape[ids.ndim:], dtype=data.dtype)
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
    # The attr is the shape (num_segments,) of the segments axis: as a shape, it
    # may be one a graph computes (stage 5: tf.shape(x)[0] inside tf.function).
    if isinstance(num_segments, Tensor):
        segments = shape_attr([num_segments], "unsorted_segment_sum")
    else:
        segments = (int_attr(num_segments, "num_segments", "unsorted_segment_sum"),)
    return execute(UnsortedSegmentSum, (data, segment_ids), {"segments": segments})



def _check_sorted_segments(values, attrs):
    data, ids = values
    if ids.ndim != 1 or data.ndim == 0 or data.shape[0] != ids.shape[0]:
        raise InvalidArgumentError(
            "segment_sum: segment_ids must be a vector as long as data's first dimension, "
            "got segment_ids %s and data %s" % (tuple(ids.shape), tuple(data.shape)),
            op="segment_sum")
    if ids.size and bool((ids[0] < 0) | (ids[1:] < ids[:-1]).any()):
        host = _host(ids)
        raise InvalidArgumentError(
            "segment_sum: segment_ids must be sorted and >= 0, got %s; use "
            "tf.math.unsorted_segment_sum for ids in any order"
            % np.array2string(host, threshold=12), op="segment_sum")


SegmentSum = define_op("SegmentSum", "segment_sum", inputs=("data", "segment_ids"),
                       input_dtypes={"segment_ids": _INDEX_DTYPES},
                       check=_check_sorted_segments)


@SegmentSum.kernel
def _segment_sum(xp, data, ids):
    num_segments = int(ids[-1]) + 1 if ids.size else 0
    return _unsorted_segment_sum(xp, data, ids, (num_segments,))


def segment_sum(data, segment_ids, name=None):
    """Sums the rows of ``data`` that share a segment id; the ids are sorted, and the
    result has ``segment_ids[-1] + 1`` rows (ids that never occur give zeros).
    Only in ``tf.math``, as in TensorFlow.

    >>> import stage1_tensors as tf
    >>> tf.math.segment_sum([[1, 2], [3, 4], [5, 6]], [0, 0, 2])
    tf.Tensor([[4 6]
               [0 0]
               [5 6]], shape=(3, 2), dtype=int32)
    """
    return execute(SegmentSum, (data, segment_ids))


# --- bincount ------------------------------------------------------------------------
def _check_bincount(values, attrs):
    arr, weights = values
    if attrs["weighted"] and weights.shape != arr.shape:
        raise InvalidArgumentError(
            "bincount: weights must have the shape of arr, got weights %s and arr %s"
            % (tuple(weights.shape), tuple(arr.shape)), op="bincount")
    if arr.size and bool((arr < 0).any()):
        raise InvalidArgumentError("bincount: arr must be non-negative, got %s"
                                   % np.array2string(_host(arr), threshold=12),
                                   op="bincount")
    if attrs["axis"] == -1 and arr.ndim != 2:
        raise InvalidArgumentError(
            "bincount: axis=-1 counts each row of a 2-D arr, got shape %s"
            % (tuple(arr.shape),), op="bincount")


# Unweighted, ``weights`` is an empty tensor that only carries the result's dtype.
Bincount = define_op("Bincount", "bincount", inputs=("arr", "weights"), dtypes=NUMERIC,
                     input_dtypes={"arr": _INDEX_DTYPES}, check=_check_bincount)


@Bincount.kernel
def _bincount(xp, arr, weights, weighted, minlength, maxlength, binary_output, axis):
    size = int(arr.max()) + 1 if arr.size else 0
    size = builtins.max(size, minlength or 0)
    if maxlength is not None:
        size = builtins.min(size, maxlength)
    rows = arr if axis == -1 else arr.reshape(1, -1)     # axis=-1: arr is 2-D
    out = xp.zeros((rows.shape[0], size), dtype=weights.dtype)
    w = weights.reshape(rows.shape) if weighted else xp.ones(rows.shape, weights.dtype)
    keep = rows < size                    # values past maxlength are dropped
    row_ids = xp.broadcast_to(xp.arange(rows.shape[0])[:, None], rows.shape)
    scatter_add(xp, out, (row_ids[keep], rows[keep]), w[keep])
    if binary_output:
        out = (out != 0).astype(weights.dtype)
    return out if axis == -1 else out[0]


def bincount(arr, weights=None, minlength=None, maxlength=None, dtype="int32", name=None,
             axis=None, binary_output=False):
    """How often each value 0, 1, ... occurs in the non-negative ints ``arr`` (or the
    sum of ``weights`` there, whose dtype the result then has). The result has
    ``max(arr) + 1`` entries, at least ``minlength`` and at most ``maxlength``.
    ``axis=-1`` counts each row of a matrix. Only in ``tf.math``; it has no
    gradient, as in TensorFlow.

    >>> import stage1_tensors as tf
    >>> tf.math.bincount([1, 1, 3, 0])
    tf.Tensor([1 2 0 1], shape=(4,), dtype=int32)
    >>> tf.math.bincount([1, 1, 3], weights=[0.5, 0.25, 1.0], minlength=5)
    tf.Tensor([0.   0.75 0.   1.   0.  ], shape=(5,), dtype=float32)
    """
    lengths = [None if n is None else int_attr(n, what, "bincount")
               for n, what in ((minlength, "minlength"), (maxlength, "maxlength"))]
    if any(n is not None and n < 0 for n in lengths):
        raise InvalidArgumentError("bincount: minlength and maxlength must be >= 0, "
                                   "got %s and %s" % tuple(lengths), op="bincount")
    axis = 0 if axis is None else int_attr(axis, "axis", "bincount")
    if axis not in (0, -1):
        raise InvalidArgumentError("bincount: axis must be None, 0 or -1, got %d" % axis,
                                   op="bincount")
    weighted = weights is not None
    if not weighted:
        weights = np.zeros(0, dtype_attr(dtype, "dtype", "bincount")._np)
    return execute(Bincount, (arr, weights), {
        "weighted": weighted, "minlength": lengths[0], "maxlength": lengths[1],
        "axis": axis, "binary_output": bool_attr(binary_output, "binary_output", "bincount")})


# --- one_hot ------------------------------------------------------------------
def _check_one_hot(values, attrs):
    indices = values[0]
    check_axis(attrs["axis"], indices.ndim, indices.shape, "one_hot", extra=1)
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
            np.isfinite(value) and value == int(value)) or (
            value.dtype.kind == "c" and np.dtype(dtype).kind != "c"):
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



# --- where --------------------------------------------------------------------
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
        axis = check_axis(axis, tensor.ndim, tensor.shape, "boolean_mask") \
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
