"""Indexing: ``tensor[key]`` with NumPy's rules, as one op (``StridedSlice``).

The key may hold ints, slices, ``None`` (new axis), ``...``, integer scalar
tensors, and integer or boolean arrays/tensors (advanced indexing). Tensors in
the key are turned into plain values first, so the key is an attribute of the op
and the sliced tensor its only input.

>>> import stage1_tensors as tf
>>> x = tf.constant([[1, 2, 3], [4, 5, 6]])
>>> x[1], x[:, ::2], x[..., None].shape
(tf.Tensor([4 5 6], shape=(3,), dtype=int32), tf.Tensor([[1 3]
           [4 6]], shape=(2, 2), dtype=int32), TensorShape([2, 3, 1]))
"""

import numpy as np

from ..backends import backend_of
from ..dispatch import execute
from ..errors import InvalidArgumentError
from ..registry import define_op
from ..tensor import Tensor

__all__ = ["getitem"]

StridedSlice = define_op("StridedSlice", "strided_slice", inputs=("input",))


@StridedSlice.kernel
def _strided_slice(xp, x, key):
    if any(isinstance(k, np.ndarray) for k in key) and xp is not np:
        key = tuple(xp.asarray(k) if isinstance(k, np.ndarray) else k for k in key)
    return x[key]


def _normalize_item(item):
    if item is None or item is Ellipsis or isinstance(item, (int, np.integer)):
        return item
    if isinstance(item, slice):
        return slice(*(_slice_bound(b) for b in (item.start, item.stop, item.step)))
    if isinstance(item, Tensor):
        item = item.numpy()
    elif isinstance(item, (list, tuple)) or backend_of(item) is not None:
        item = np.asarray(item)
    else:
        raise InvalidArgumentError(
            "strided_slice: cannot index with %r (%s); valid indices are ints, "
            "slices, None, ..., and integer or boolean tensors"
            % (item, type(item).__name__), op="strided_slice")
    if item.ndim == 0 and item.dtype.kind in "iu":
        return int(item)
    if item.dtype.kind not in "iub" or (item.size == 0 and item.dtype.kind == "f"):
        raise InvalidArgumentError(
            "strided_slice: index arrays must be integer or bool, got %s" % item.dtype,
            op="strided_slice")
    return item


def _slice_bound(bound):
    if bound is None or isinstance(bound, (int, np.integer)):
        return bound
    try:
        return bound.__index__()
    except (AttributeError, TypeError):
        raise InvalidArgumentError(
            "strided_slice: slice bounds must be integers, got %r" % (bound,),
            op="strided_slice") from None


def getitem(tensor, key):
    """``tensor[key]``: NumPy-style indexing through the dispatcher.

    >>> import stage1_tensors as tf
    >>> tf.constant([10, 20, 30])[tf.constant(1)]
    tf.Tensor(20, shape=(), dtype=int32)
    """
    if not isinstance(key, tuple):
        key = (key,)
    key = tuple(_normalize_item(k) for k in key)
    return execute(StridedSlice, (tensor,), {"key": key})
