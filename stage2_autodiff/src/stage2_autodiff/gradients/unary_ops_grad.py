"""Gradients of the elementwise unary ops (``stage1_tensors/ops/unary_ops.py``).

Each rule is the chain rule for one function: the output gradient ``grad``
times the function's derivative. Where the derivative is easiest to say in terms
of the result ``y`` (``exp' = exp``, ``tanh' = 1 - tanh**2``) the rule uses the
recorded output, which is as differentiable as the input. Only public ops are
used, so every rule can be differentiated again.

For complex inputs the derivative is conjugated, ``grad * conj(f'(z))``
(TensorFlow's convention, explained in ``complex_ops_grad``); ``conj`` of a
real tensor is the tensor itself, so real gradients pay nothing for it.

>>> import stage2_autodiff as tf
>>> x = tf.constant([0.0, 1.0])
>>> with tf.GradientTape() as tape:
...     tape.watch(x)
...     y = tf.exp(x)
>>> tape.gradient(y, x)
tf.Tensor([1.       2.718282], shape=(2,), dtype=float32)
"""

import math

import stage1_tensors as tf
from stage1_tensors.math import conj
from stage1_tensors.ops.unary_ops import sigmoid_grad, tanh_grad

from ..registry import RegisterGradient, no_gradient
from ._broadcast import shape_of, unbroadcast

__all__ = []


@RegisterGradient("Neg")
def _neg_grad(op, grad):
    return -grad


@RegisterGradient("Abs")
def _abs_grad(op, grad):
    # sign(0) is 0, so abs'(0) = 0, as in TensorFlow.
    return grad * tf.sign(op.inputs[0])


@RegisterGradient("Sign")
def _sign_grad(op, grad):
    # Flat everywhere (and undefined at 0): TensorFlow answers zeros, not None.
    return tf.zeros_like(op.inputs[0])


@RegisterGradient("Square")
def _square_grad(op, grad):
    return grad * (2.0 * conj(op.inputs[0]))


@RegisterGradient("Sqrt")
def _sqrt_grad(op, grad):
    # d sqrt(x) = 1 / (2 sqrt(x)) = 0.5 / y
    return grad * 0.5 / conj(op.outputs[0])


@RegisterGradient("Rsqrt")
def _rsqrt_grad(op, grad):
    # d x**-0.5 = -0.5 x**-1.5 = -0.5 y**3
    y = conj(op.outputs[0])
    return grad * (-0.5 * y * y * y)


@RegisterGradient("Exp")
def _exp_grad(op, grad):
    return grad * conj(op.outputs[0])


@RegisterGradient("Log")
def _log_grad(op, grad):
    return grad / conj(op.inputs[0])


@RegisterGradient("Log1p")
def _log1p_grad(op, grad):
    return grad / (1.0 + conj(op.inputs[0]))


@RegisterGradient("Expm1")
def _expm1_grad(op, grad):
    return grad * tf.exp(conj(op.inputs[0]))


@RegisterGradient("Sin")
def _sin_grad(op, grad):
    return grad * tf.cos(conj(op.inputs[0]))


@RegisterGradient("Cos")
def _cos_grad(op, grad):
    return -grad * tf.sin(conj(op.inputs[0]))


@RegisterGradient("Tan")
def _tan_grad(op, grad):
    # d tan(x) = 1 / cos(x)**2
    return grad * tf.square(tf.math.reciprocal(tf.cos(conj(op.inputs[0]))))


@RegisterGradient("Tanh")
def _tanh_grad(op, grad):
    # grad * (1 - y*y), fused into one op (TensorFlow's TanhGrad): one
    # dispatch and one new buffer instead of three of each.
    return tanh_grad(conj(op.outputs[0]), grad)


@RegisterGradient("TanhGrad")
def _tanh_grad_grad(op, grad):
    # tanh_grad(y, dy) = dy * (1 - y*y) is linear in dy, and its slope in y is
    # -2 * dy * y. With tanh's own gradient this gives the second derivative.
    y, dy = conj(op.inputs[0]), conj(op.inputs[1])
    gy = None if 0 in op.skip_input_indices else grad * -2.0 * dy * y
    return gy, tanh_grad(y, grad)


@RegisterGradient("Sigmoid")
def _sigmoid_grad(op, grad):
    # grad * y * (1 - y), fused into one op (TensorFlow's SigmoidGrad).
    return sigmoid_grad(conj(op.outputs[0]), grad)


@RegisterGradient("SigmoidGrad")
def _sigmoid_grad_grad(op, grad):
    # sigmoid_grad(y, dy) = dy * (y - y*y): linear in dy, slope dy * (1 - 2y) in y.
    y, dy = conj(op.inputs[0]), conj(op.inputs[1])
    if 0 in op.skip_input_indices:
        gy = None
    else:
        g_dy = grad * dy
        gy = g_dy - 2.0 * g_dy * y
    return gy, sigmoid_grad(y, grad)


@RegisterGradient("Reciprocal")
def _reciprocal_grad(op, grad):
    # d (1/x) = -1/x**2 = -y**2
    y = conj(op.outputs[0])
    return -grad * (y * y)


_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


@RegisterGradient("Erf")
def _erf_grad(op, grad):
    x = op.inputs[0]
    return grad * (_TWO_OVER_SQRT_PI * tf.exp(-tf.square(x)))


@RegisterGradient("Cast")
def _cast_grad(op, grad):
    # Only casts between float and complex dtypes carry a gradient (cast back to
    # the source dtype: complex -> float keeps the real part, so its gradient is
    # grad + 0i); integer and bool values are not differentiable, so they get None.
    source, target = op.inputs[0].dtype, op.outputs[0].dtype
    if (source.is_floating or source.is_complex) and (target.is_floating or target.is_complex):
        return tf.cast(grad, source)
    return None


@RegisterGradient("ClipByValue")
def _clip_by_value_grad(op, grad):
    # Inside [min, max] (bounds included) the gradient passes to t; below the
    # bound it goes to clip_value_min, above to clip_value_max.
    t, low, high = op.inputs
    below = tf.less(t, low)
    above = tf.greater(t, high)
    zeros = tf.zeros_like(grad)
    g_t = tf.where(tf.logical_or(below, above), zeros, grad)
    g_low = tf.where(below, grad, zeros)
    g_high = tf.where(above, grad, zeros)
    return g_t, unbroadcast(g_low, shape_of(low)), unbroadcast(g_high, shape_of(high))


# Piecewise constant: their derivative is 0 almost everywhere and undefined at
# the jumps; TensorFlow gives None for them, and so do we. The rest answer
# yes/no questions (bool results).
for _name in ("Floor", "Ceil", "Round", "LogicalNot", "IsNan", "IsInf", "IsFinite"):
    no_gradient(_name)
