"""Indexing: ``tensor[key]`` with NumPy's rules, as one op (``StridedSlice``).

The key may hold ints, slices, ``None`` (new axis), ``...``, integer scalar
tensors, and integer or boolean arrays/tensors (advanced indexing). Tensors in
the key are turned into plain values first, so the key is an attribute of the op
and the sliced tensor its only input. Index arrays travel inside the key as
``IndexArray``\\ s, which are hashable like every other attribute.

>>> import stage1_tensors as tf
>>> x = tf.constant([[1, 2, 3], [4, 5, 6]])
>>> x[1], x[:, ::2], x[..., None].shape
(tf.Tensor([4 5 6], shape=(3,), dtype=int32), tf.Tensor([[1 3]
           [4 6]], shape=(2, 2), dtype=int32), TensorShape([2, 3, 1]))

``StridedSliceGrad`` is the reverse move, used by the gradient of indexing:
it scatters a slice back into a tensor of zeros of the original shape.
"""

from collections import namedtuple

import numpy as np

from ..backends import backend_of
from ..dispatch import execute
from ..errors import InvalidArgumentError
from ..registry import define_op
from ..tensor import Tensor
from .attrs import shape_attr

__all__ = ["getitem", "strided_slice_grad"]


class IndexArray:
    """An integer or boolean index array inside a key, hashable by content.

    >>> import numpy as np
    >>> from stage1_tensors.ops.indexing_ops import IndexArray
    >>> IndexArray(np.array([0, 2])) == IndexArray(np.array([0, 2]))
    True
    """

    __slots__ = ("array", "_hash")

    def __init__(self, array):
        self.array = array
        self._hash = hash((array.dtype.str, array.shape, array.tobytes()))

    def __hash__(self):
        return self._hash

    def __eq__(self, other):
        return (isinstance(other, IndexArray) and self._hash == other._hash
                and self.array.dtype == other.array.dtype
                and self.array.shape == other.array.shape
                and bool((self.array == other.array).all()))

    def __repr__(self):
        return "IndexArray(%s)" % np.array2string(self.array, separator=", ")


# Slices are not hashable before Python 3.12, so a key keeps them as SliceSpecs.
SliceSpec = namedtuple("SliceSpec", "start stop step")


def _array_key(xp, key):
    """The key as NumPy/CuPy expects it: real slices, arrays on ``xp``."""
    return tuple(slice(*k) if type(k) is SliceSpec else
                 (k.array if xp is np else xp.asarray(k.array)) if type(k) is IndexArray
                 else k for k in key)


def scatter_add(xp, target, index, values):
    """``target[index] += values``, where repeated indices all add up (in place)."""
    scatter_at(xp, "add", target, index, values)


def scatter_at(xp, how, target, index, values):
    """``target[index] = how(target[index], values)`` in place, one value at a time,
    so repeated indices all count (``how``: "add", "subtract", "minimum", "maximum")."""
    at = getattr(getattr(xp, how), "at", None)
    if at is not None:
        at(target, index, values)
    else:                        # CuPy before version 13 has no ufunc.at
        import cupyx
        scatter = {"add": cupyx.scatter_add, "minimum": cupyx.scatter_min,
                   "maximum": cupyx.scatter_max}
        if how == "subtract":
            cupyx.scatter_add(target, index, -values)
        else:
            scatter[how](target, index, values)


# --- checking a key against a shape ------------------------------------------
def _check_key(values, attrs):
    """Explains out-of-range ints and over-long keys before NumPy can."""
    _check_key_against(values[0].shape, attrs["key"])


def _check_key_against(shape, key):
    consumed = sum(1 if not isinstance(k, IndexArray) or k.array.dtype.kind != "b"
                   else k.array.ndim
                   for k in key if k is not None and k is not Ellipsis)
    if consumed > len(shape):
        raise InvalidArgumentError(
            "strided_slice: too many indices: the key %s indexes %d axes but the "
            "tensor has shape %s (rank %d)" % (_show_key(key), consumed,
                                               tuple(shape), len(shape)),
            op="strided_slice")
    # Walk the axes the key consumes: from the front up to ``...``, then from the back.
    items = [k for k in key if k is not None]
    if Ellipsis in items:
        split = items.index(Ellipsis)
        front, back = items[:split], items[split + 1:]
    else:
        front, back = items, []
    _check_items(shape, front, 0)
    _check_items(shape, back, len(shape) - _width(back))


def _width(items):
    return sum(k.array.ndim if isinstance(k, IndexArray) and k.array.dtype.kind == "b"
               else 1 for k in items)


def _check_items(shape, items, axis):
    for k in items:
        if isinstance(k, IndexArray) and k.array.dtype.kind == "b":
            want = tuple(shape[axis:axis + k.array.ndim])
            if k.array.shape != want:
                raise InvalidArgumentError(
                    "strided_slice: a boolean mask of shape %s does not match "
                    "the dimensions %s it indexes (axes %d.. of shape %s)"
                    % (k.array.shape, want, axis, tuple(shape)), op="strided_slice")
            axis += k.array.ndim
            continue
        size = shape[axis]
        if isinstance(k, int):
            bad = not -size <= k < size
            shown = k
        elif isinstance(k, IndexArray) and k.array.size:
            low, high = int(k.array.min()), int(k.array.max())
            bad = low < -size or high >= size
            shown = low if low < -size else high
        else:
            bad = False
        if bad:
            raise InvalidArgumentError(
                "strided_slice: index %d is out of range for axis %d of size %d "
                "(shape %s); valid indices are %d..%d"
                % (shown, axis, size, tuple(shape), -size, size - 1), op="strided_slice")
        axis += 1


def _show_key(key):
    return "[%s]" % ", ".join("..." if k is Ellipsis else
                              "%s:%s:%s" % (k.start, k.stop, k.step) if isinstance(k, SliceSpec)
                              else repr(k) for k in key)


StridedSlice = define_op("StridedSlice", "strided_slice", inputs=("input",),
                         check=_check_key)


@StridedSlice.kernel
def _strided_slice(xp, x, key):
    return x[_array_key(xp, key)]


# --- normalising what users write inside [] ------------------------------------
def _normalize_item(item):
    if item is None or item is Ellipsis or type(item) in (SliceSpec, IndexArray):
        return item
    if isinstance(item, (bool, np.bool_)):
        raise InvalidArgumentError(
            "strided_slice: cannot index with a Python bool (%r); use a boolean "
            "tensor of the indexed shape as a mask" % (item,), op="strided_slice")
    if isinstance(item, (int, np.integer)):
        return int(item)
    if isinstance(item, slice):
        if item.step is not None and _slice_bound(item.step) == 0:
            raise InvalidArgumentError(
                "strided_slice: slice step cannot be zero", op="strided_slice")
        return SliceSpec(*(_slice_bound(b) for b in (item.start, item.stop, item.step)))
    if isinstance(item, Tensor):
        item = item.numpy()
    elif isinstance(item, (list, tuple)) or backend_of(item) is not None:
        backend = backend_of(item)
        item = np.asarray(backend.to_numpy(item) if backend else item)
    else:
        raise InvalidArgumentError(
            "strided_slice: cannot index with %r (%s); valid indices are ints, "
            "slices, None, ..., and integer or boolean tensors"
            % (item, type(item).__name__), op="strided_slice")
    item = np.asarray(item)
    if item.ndim == 0 and item.dtype.kind in "iu":
        return int(item)
    if item.size == 0 and item.dtype.kind == "f":    # ``x[[]]``: an empty int list
        item = item.astype(np.int64)
    if item.dtype.kind not in "iub" or (item.ndim == 0 and item.dtype.kind == "b"):
        raise InvalidArgumentError(
            "strided_slice: index arrays must be integer or bool (with at least "
            "one dimension), got %s of shape %s" % (item.dtype, item.shape),
            op="strided_slice")
    return IndexArray(item)


def _slice_bound(bound):
    if bound is None or isinstance(bound, (int, np.integer)) and not isinstance(bound, bool):
        return None if bound is None else int(bound)
    try:
        return bound.__index__()
    except (AttributeError, TypeError, ValueError):
        raise InvalidArgumentError(
            "strided_slice: slice bounds must be integers, got %r" % (bound,),
            op="strided_slice") from None


def normalize_key(key):
    """A ``[]`` key as a hashable tuple of ints, SliceSpecs, None, ... and IndexArrays.

    >>> from stage1_tensors.ops.indexing_ops import normalize_key
    >>> normalize_key((1, slice(None, None, 2)))
    (1, SliceSpec(start=None, stop=None, step=2))
    """
    if not isinstance(key, tuple):
        key = (key,)
    key = tuple(_normalize_item(k) for k in key)
    if sum(k is Ellipsis for k in key) > 1:
        raise InvalidArgumentError(
            "strided_slice: an index can only have a single ellipsis ('...')",
            op="strided_slice")
    return key


def getitem(tensor, key):
    """``tensor[key]``: NumPy-style indexing through the dispatcher.

    >>> import stage1_tensors as tf
    >>> tf.constant([10, 20, 30])[tf.constant(1)]
    tf.Tensor(20, shape=(), dtype=int32)
    >>> x = tf.constant([[1, 2], [3, 4]])
    >>> x[x > 2]
    tf.Tensor([3 4], shape=(2,), dtype=int32)
    """
    return execute(StridedSlice, (tensor,), {"key": normalize_key(key)})


# --- the way back: scatter a slice into zeros -----------------------------------
def _check_grad(values, attrs):
    _check_key_against(attrs["shape"], attrs["key"])


StridedSliceGrad = define_op("StridedSliceGrad", "strided_slice_grad",
                             inputs=("dy",), check=_check_grad)


@StridedSliceGrad.kernel
def _strided_slice_grad(xp, dy, shape, key):
    out = xp.zeros(shape, dtype=dy.dtype)
    if any(isinstance(k, IndexArray) for k in key):
        scatter_add(xp, out, _array_key(xp, key), dy)   # indices may repeat: add them
    else:
        out[_array_key(xp, key)] = dy
    return out


def strided_slice_grad(dy, shape, key):
    """Zeros of ``shape`` with ``dy`` added at ``[key]`` (the gradient of ``x[key]``).

    >>> import stage1_tensors as tf
    >>> from stage1_tensors.ops.indexing_ops import strided_slice_grad
    >>> strided_slice_grad(tf.constant([1.0, 2.0]), (4,), slice(1, 3))
    tf.Tensor([0. 1. 2. 0.], shape=(4,), dtype=float32)
    """
    return execute(StridedSliceGrad, (dy,), {"shape": shape_attr(shape, "strided_slice_grad"),
                                             "key": key if _is_normalized(key)
                                             else normalize_key(key)})


def _is_normalized(key):
    return isinstance(key, tuple) and all(
        k is None or k is Ellipsis or isinstance(k, (int, SliceSpec, IndexArray)) for k in key)
