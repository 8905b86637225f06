"""Writing into a copy of a tensor at indices: the ``tensor_scatter_nd_*`` family.

``scatter_nd`` starts from zeros; these start from ``tensor``. Each row of
``indices`` addresses the first ``indices.shape[-1]`` axes of ``tensor`` (one
element, or a whole slice), and the matching slice of ``updates`` replaces,
adds to, subtracts from, or takes the minimum or maximum with what is there.
Repeated indices all count (for ``update`` the last one wins). The input is
never changed: tensors are immutable, so the result is a new tensor.

>>> import stage1_tensors as tf
>>> tf.tensor_scatter_nd_update([1, 2, 3, 4], [[1], [3]], [9, 9])
tf.Tensor([1 9 3 9], shape=(4,), dtype=int32)
>>> tf.tensor_scatter_nd_add([[1, 1], [1, 1]], [[0]], [[5, 6]])
tf.Tensor([[6 7]
           [1 1]], shape=(2, 2), dtype=int32)
"""

import builtins

from ..dispatch import execute
from ..dtypes import ALL_NUMPY, NUMERIC
from ..registry import define_op
from .gather_ops import _INDEX_DTYPES, check_scatter
from .indexing_ops import scatter_at

__all__ = ["tensor_scatter_nd_update", "tensor_scatter_nd_add", "tensor_scatter_nd_sub",
           "tensor_scatter_nd_min", "tensor_scatter_nd_max"]


def _check(op_name):
    def check(values, attrs):
        tensor, indices, updates = values
        check_scatter(op_name, indices, updates, tuple(tensor.shape))
    return check


def _scatter_op(name, api_name, dtypes=NUMERIC):
    return define_op(name, api_name, inputs=("tensor", "indices", "updates"),
                     dtypes=dtypes, input_dtypes={"indices": _INDEX_DTYPES},
                     check=_check(api_name))


def _copy_and_index(xp, tensor, indices):
    """A copy of ``tensor`` to write into, and the index that ``indices`` make.

    With ``indices.shape[-1] == 0`` every row addresses the whole tensor: a
    leading axis of length 1 and an index of zeros say so in the same terms.
    """
    out = tensor.copy()
    depth = indices.shape[-1]
    if depth == 0:
        return out, out[None], (xp.zeros(indices.shape[:-1], dtype=indices.dtype),)
    return out, out, tuple(indices[..., k] for k in builtins.range(depth))


TensorScatterUpdate = _scatter_op("TensorScatterUpdate", "tensor_scatter_nd_update",
                                  dtypes=ALL_NUMPY)
TensorScatterAdd = _scatter_op("TensorScatterAdd", "tensor_scatter_nd_add")
TensorScatterSub = _scatter_op("TensorScatterSub", "tensor_scatter_nd_sub")
TensorScatterMin = _scatter_op("TensorScatterMin", "tensor_scatter_nd_min")
TensorScatterMax = _scatter_op("TensorScatterMax", "tensor_scatter_nd_max")


@TensorScatterUpdate.kernel
def _update(xp, tensor, indices, updates):
    out, target, index = _copy_and_index(xp, tensor, indices)
    target[index] = updates
    return out


def _combine(how):
    def kernel(xp, tensor, indices, updates):
        out, target, index = _copy_and_index(xp, tensor, indices)
        scatter_at(xp, how, target, index, updates)
        return out
    return kernel


TensorScatterAdd.kernel(_combine("add"))
TensorScatterSub.kernel(_combine("subtract"))
TensorScatterMin.kernel(_combine("minimum"))
TensorScatterMax.kernel(_combine("maximum"))


def tensor_scatter_nd_update(tensor, indices, updates, name=None):
    """A copy of ``tensor`` with the slices at ``indices`` replaced by ``updates``.

    >>> import stage1_tensors as tf
    >>> tf.tensor_scatter_nd_update([[0, 0], [0, 0]], [[1, 0]], [7])
    tf.Tensor([[0 0]
               [7 0]], shape=(2, 2), dtype=int32)
    """
    return execute(TensorScatterUpdate, (tensor, indices, updates))


def tensor_scatter_nd_add(tensor, indices, updates, name=None):
    """A copy of ``tensor`` with ``updates`` added at ``indices`` (repeats add up).

    >>> import stage1_tensors as tf
    >>> tf.tensor_scatter_nd_add([1.0, 1.0, 1.0], [[0], [2], [0]], [1.0, 2.0, 3.0])
    tf.Tensor([5. 1. 3.], shape=(3,), dtype=float32)
    """
    return execute(TensorScatterAdd, (tensor, indices, updates))


def tensor_scatter_nd_sub(tensor, indices, updates, name=None):
    """A copy of ``tensor`` with ``updates`` subtracted at ``indices``.

    >>> import stage1_tensors as tf
    >>> tf.tensor_scatter_nd_sub([5, 5, 5], [[1]], [2])
    tf.Tensor([5 3 5], shape=(3,), dtype=int32)
    """
    return execute(TensorScatterSub, (tensor, indices, updates))


def tensor_scatter_nd_min(tensor, indices, updates, name=None):
    """A copy of ``tensor`` holding the smaller of it and ``updates`` at ``indices``.

    >>> import stage1_tensors as tf
    >>> tf.tensor_scatter_nd_min([3, 3, 3], [[0], [2]], [1, 5])
    tf.Tensor([1 3 3], shape=(3,), dtype=int32)
    """
    return execute(TensorScatterMin, (tensor, indices, updates))


def tensor_scatter_nd_max(tensor, indices, updates, name=None):
    """A copy of ``tensor`` holding the larger of it and ``updates`` at ``indices``.

    >>> import stage1_tensors as tf
    >>> tf.tensor_scatter_nd_max([3, 3, 3], [[0], [2]], [1, 5])
    tf.Tensor([3 3 5], shape=(3,), dtype=int32)
    """
    return execute(TensorScatterMax, (tensor, indices, updates))
