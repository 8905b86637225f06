"""Gradients of ``tensor_scatter_nd_*`` (``stage1_tensors/ops/scatter_ops.py``).

The output is ``tensor`` with the slices at ``indices`` changed, so the output
gradient splits in two: at the indices it belongs to ``updates`` (read it with
``gather_nd``), elsewhere to ``tensor``. ``add`` passes all of it to ``tensor``
too (and ``sub`` its negative to ``updates``); ``update`` zeroes ``tensor``'s
share where it was overwritten; ``min``/``max`` route each element's gradient to
whichever of the two won, split evenly on a tie, as TensorFlow does.

>>> import stage2_autodiff as tf
>>> x, u = tf.constant([1.0, 2.0, 3.0]), tf.constant([9.0])
>>> with tf.GradientTape() as tape:
...     tape.watch([x, u])
...     y = tf.tensor_scatter_nd_update(x, [[1]], u)
>>> tape.gradient(y, [x, u])
[tf.Tensor([1. 0. 1.], shape=(3,), dtype=float32), tf.Tensor([1.], shape=(1,), dtype=float32)]
"""

import stage1_tensors as tf

from ..registry import RegisterGradient
from ._broadcast import shape_of

__all__ = []


@RegisterGradient("TensorScatterUpdate")
def _tensor_scatter_update_grad(op, grad):
    _, indices, updates = op.inputs
    tensor_grad = tf.tensor_scatter_nd_update(grad, indices, tf.zeros_like(updates))
    return tensor_grad, None, tf.gather_nd(grad, indices)


@RegisterGradient("TensorScatterAdd")
def _tensor_scatter_add_grad(op, grad):
    return grad, None, tf.gather_nd(grad, op.inputs[1])


@RegisterGradient("TensorScatterSub")
def _tensor_scatter_sub_grad(op, grad):
    return grad, None, -tf.gather_nd(grad, op.inputs[1])


def _min_or_max_grad(op, grad):
    # 1 where an input equals the result (it won); a tie shares the gradient.
    tensor, indices, updates = op.inputs
    output = op.outputs[0]
    tensor_won = tf.cast(tf.equal(tensor, output), grad.dtype)
    update_won = tf.cast(tf.equal(updates, tf.gather_nd(output, indices)), grad.dtype)
    winners = tensor_won + tf.scatter_nd(indices, update_won, shape_of(tensor))
    return (grad * tensor_won / winners, None,
            tf.gather_nd(grad / winners, indices) * update_won)


RegisterGradient("TensorScatterMin")(_min_or_max_grad)
RegisterGradient("TensorScatterMax")(_min_or_max_grad)
