"""The gradient of ``top_k`` (``stage1_tensors/ops/sort_ops.py``).

Each value ``top_k`` returns is a copy of one input entry, so its gradient goes
back to that entry: a one-hot row per picked index, weighted by the gradient
and summed over the ``k`` picks. The indices are integers: no gradient.

>>> import stage2_autodiff as tf
>>> x = tf.constant([1.0, 5.0, 3.0])
>>> with tf.GradientTape() as tape:
...     tape.watch(x)
...     values, indices = tf.math.top_k(x, k=2)
>>> tape.gradient(values, x)
tf.Tensor([0. 1. 1.], shape=(3,), dtype=float32)
"""

import stage1_tensors as tf

from ..registry import RegisterGradient

__all__ = []


@RegisterGradient("TopKV2")
def _top_k_grad(op, grad, _):
    n = op.inputs[0]._value.shape[-1]
    picked = tf.one_hot(op.outputs[1], n, dtype=grad.dtype)     # [..., k, n]
    return tf.reduce_sum(picked * tf.expand_dims(grad, -1), axis=-2)
