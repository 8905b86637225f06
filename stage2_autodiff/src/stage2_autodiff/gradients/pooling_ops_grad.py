"""Gradients of max and average pooling (``stage1_tensors/ops/pooling_ops.py``).

The backward passes are stage-1 ops themselves (``max_pool_grad``,
``avg_pool_grad``, ...), so each rule is one call, and the backward ops have
rules of their own here: gradients of gradients work, and a GPU runs them with
the same kernels. ``max_pool``'s gradient goes to each window's (first) maximum;
``avg_pool``'s is shared by each window's real cells.

>>> import stage2_autodiff as tf
>>> x = tf.reshape(tf.constant([1.0, 4.0, 3.0, 2.0]), [1, 2, 2, 1])
>>> with tf.GradientTape() as tape:
...     tape.watch(x)
...     y = tf.nn.max_pool2d(x, ksize=2, strides=2, padding="VALID")
>>> tape.gradient(y, x)[0, :, :, 0]
tf.Tensor([[0. 1.]
           [0. 0.]], shape=(2, 2), dtype=float32)
"""

import stage1_tensors as tf

from ..registry import RegisterGradient
from ._broadcast import shape_of

__all__ = []


def _pool_args(op):
    return dict(ksize=list(op.get_attr("ksize")), strides=list(op.get_attr("strides")),
                padding=op.get_attr("padding"), data_format=op.get_attr("data_format"))


@RegisterGradient("MaxPool")
def _max_pool_grad(op, grad):
    return tf.nn.max_pool_grad(op.inputs[0], op.outputs[0], grad, **_pool_args(op))


@RegisterGradient("MaxPoolGrad")
def _max_pool_grad_grad(op, grad):
    # Which cell won each window is piecewise constant in the pooled input: the
    # gradient reaches only ``grad``, read back at the winners.
    x, y, _ = op.inputs
    return None, None, tf.nn.max_pool_grad_grad(x, y, grad, **_pool_args(op))


@RegisterGradient("MaxPoolGradGrad")
def _max_pool_grad_grad_grad(op, grad):
    x, y, _ = op.inputs
    return None, None, tf.nn.max_pool_grad(x, y, grad, **_pool_args(op))


@RegisterGradient("AvgPool")
def _avg_pool_grad(op, grad):
    return tf.nn.avg_pool_grad(shape_of(op.inputs[0]), grad, **_pool_args(op))


@RegisterGradient("AvgPoolGrad")
def _avg_pool_grad_grad(op, grad):
    return tf.nn.avg_pool2d(grad, **_pool_args(op))
