"""Gradients of the creation ops (``stage1_tensors/ops/creation_ops.py``).

Only ``fill`` has an input worth differentiating: every output element is a copy
of ``value``, so ``value``'s gradient is the sum of the output gradient. The
others make tensors from attributes (a shape, a dtype) or only copy an input's
*shape* (``zeros_like``), so no gradient flows through them.

>>> import stage2_autodiff as tf
>>> v = tf.constant(2.0)
>>> with tf.GradientTape() as tape:
...     tape.watch(v)
...     y = tf.reduce_sum(tf.fill([2, 3], v))
>>> tape.gradient(y, v)
tf.Tensor(6.0, shape=(), dtype=float32)
"""

import stage1_tensors as tf

from ..registry import RegisterGradient, no_gradient

__all__ = []


@RegisterGradient("Fill")
def _fill_grad(op, grad):
    return tf.reduce_sum(grad)


for _name in ("Zeros", "Ones", "ZerosLike", "OnesLike", "Eye", "Range", "LinSpace"):
    no_gradient(_name)
