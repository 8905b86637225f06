"""Gradients of indexing (``stage1_tensors/ops/indexing_ops.py``).

``x[key]`` picks elements; its gradient puts the output gradient back at the
same places in a tensor of zeros (``StridedSliceGrad``, where repeated indices
add up). That scatter is linear, and its own gradient is the same ``x[key]``
again, so indexing can be differentiated any number of times.

>>> import stage2_autodiff as tf
>>> x = tf.constant([1.0, 2.0, 3.0])
>>> with tf.GradientTape() as tape:
...     tape.watch(x)
...     y = tf.reduce_sum(x[::2] * 10.0)
>>> tape.gradient(y, x)
tf.Tensor([10.  0. 10.], shape=(3,), dtype=float32)
"""

from stage1_tensors.ops.indexing_ops import getitem, strided_slice_grad

from ..registry import RegisterGradient
from ._broadcast import shape_of

__all__ = []


@RegisterGradient("StridedSlice")
def _strided_slice_grad(op, grad):
    return strided_slice_grad(grad, shape_of(op.inputs[0]), op.attrs["key"])


@RegisterGradient("StridedSliceGrad")
def _strided_slice_grad_grad(op, grad):
    return getitem(grad, op.attrs["key"])
