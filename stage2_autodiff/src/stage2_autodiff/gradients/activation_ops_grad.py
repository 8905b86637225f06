"""Gradients of the activations (``stage1_tensors/ops/activation_ops.py``).

Every rule is written with public ops, so it can be differentiated again. Rules
that are cheaper in terms of the op's *output* use it, as TensorFlow does:
``relu`` looks at ``y > 0``, ``elu`` and ``selu`` reuse ``y``. At the kink,
``relu'(0) = 0``.

>>> import stage2_autodiff as tf
>>> x = tf.constant([-1.0, 0.0, 2.0])
>>> with tf.GradientTape() as tape:
...     tape.watch(x)
...     y = tf.nn.relu(x)
>>> tape.gradient(y, x)
tf.Tensor([0. 0. 1.], shape=(3,), dtype=float32)
"""

import math

import stage1_tensors as tf

from ..registry import RegisterGradient

__all__ = []


def _pass_where(condition, grad, otherwise=None):
    """``grad`` where ``condition`` holds, ``otherwise`` (default 0) elsewhere."""
    return tf.where(condition, grad, tf.zeros_like(grad) if otherwise is None else otherwise)


@RegisterGradient("Relu")
def _relu_grad(op, grad):
    return tf.nn.relu_grad(grad, op.outputs[0])


@RegisterGradient("ReluGrad")
def _relu_grad_grad(op, grad):
    # relu_grad(g, y) = g * (y > 0) is linear in g, and the mask is piecewise
    # constant in y: y gets no gradient (relu's second derivative is 0).
    return tf.nn.relu_grad(grad, op.inputs[1]), None


@RegisterGradient("Relu6")
def _relu6_grad(op, grad):
    x = op.inputs[0]
    return _pass_where(tf.logical_and(tf.greater(x, 0), tf.less(x, 6)), grad)


@RegisterGradient("LeakyRelu")
def _leaky_relu_grad(op, grad):
    x = op.inputs[0]
    return _pass_where(tf.greater(x, 0), grad, grad * op.get_attr("alpha"))


@RegisterGradient("Elu")
def _elu_grad(op, grad):
    # For x <= 0, d/dx (e^x - 1) = e^x = y + 1.
    y = op.outputs[0]
    return _pass_where(tf.greater(y, 0), grad, grad * (y + 1.0))


@RegisterGradient("Selu")
def _selu_grad(op, grad):
    # For x <= 0, y = scale * alpha * (e^x - 1), so dy/dx = y + scale * alpha.
    scale, alpha = 1.0507009873554804934193349852946, 1.6732632423543772848170429916717
    y = op.outputs[0]
    return _pass_where(tf.greater(y, 0), grad * scale, grad * (y + scale * alpha))


@RegisterGradient("Gelu")
def _gelu_grad(op, grad):
    x = op.inputs[0]
    if op.get_attr("approximate"):
        # y = x/2 (1 + tanh(u)), u = c (x + 0.044715 x^3)
        c = math.sqrt(2.0 / math.pi)
        t = tf.tanh(c * (x + 0.044715 * x * x * x))
        du = c * (1.0 + 3.0 * 0.044715 * x * x)
        return grad * (0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * du)
    # y = x * cdf(x): dy/dx = cdf(x) + x * pdf(x) for the standard normal.
    cdf = 0.5 * (1.0 + tf.math.erf(x * (1.0 / math.sqrt(2.0))))
    pdf = tf.exp(-0.5 * x * x) * (1.0 / math.sqrt(2.0 * math.pi))
    return grad * (cdf + x * pdf)


@RegisterGradient("Softplus")
def _softplus_grad(op, grad):
    return grad * tf.sigmoid(op.inputs[0])


@RegisterGradient("Softsign")
def _softsign_grad(op, grad):
    denominator = 1.0 + tf.abs(op.inputs[0])
    return grad / (denominator * denominator)
