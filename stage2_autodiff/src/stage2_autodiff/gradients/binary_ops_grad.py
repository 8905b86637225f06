"""Gradients of the elementwise binary ops (``stage1_tensors/ops/binary_ops.py``).

Each rule gives the gradient of both inputs from the output gradient ``grad``,
then ``unbroadcast`` sums it back to each input's own shape (an input that was
broadcast was used several times, so its gradients add up). Only public ops are
used, so every rule can be differentiated again. For complex inputs the
partial derivatives are conjugated (``grad * conj(y)`` for ``x * y``), as in
TensorFlow; see ``complex_ops_grad`` for why.

>>> import stage2_autodiff as tf
>>> x, y = tf.constant([1.0, 2.0]), tf.constant(3.0)
>>> with tf.GradientTape() as tape:
...     tape.watch([x, y])
...     z = x * y
>>> tape.gradient(z, [x, y])
[tf.Tensor([3. 3.], shape=(2,), dtype=float32), tf.Tensor(3.0, shape=(), dtype=float32)]
"""

import stage1_tensors as tf
from stage1_tensors.math import conj

from ..registry import RegisterGradient, no_gradient
from ._broadcast import shape_of, unbroadcast

__all__ = []


def _both(op, gx, gy):
    """Input gradients summed back to the shapes of ``x`` and ``y``."""
    x, y = op.inputs
    return unbroadcast(gx, shape_of(x)), unbroadcast(gy, shape_of(y))


def _wanted(op):
    """Whether x and y need a gradient (``skip_input_indices``: a constant input,
    such as a data batch, needs none, so its product is not computed)."""
    skip = op.skip_input_indices
    return 0 not in skip, 1 not in skip


@RegisterGradient("AddV2")
def _add_grad(op, grad):
    return _both(op, grad, grad)     # unbroadcast returns grad itself when nothing was broadcast


@RegisterGradient("Sub")
def _sub_grad(op, grad):
    want_x, want_y = _wanted(op)
    x, y = op.inputs
    return (unbroadcast(grad, shape_of(x)) if want_x else None,
            unbroadcast(-grad, shape_of(y)) if want_y else None)


@RegisterGradient("Mul")
def _mul_grad(op, grad):
    want_x, want_y = _wanted(op)
    x, y = op.inputs
    return (unbroadcast(grad * conj(y), shape_of(x)) if want_x else None,
            unbroadcast(grad * conj(x), shape_of(y)) if want_y else None)


@RegisterGradient("TrueDiv")
def _truediv_grad(op, grad):
    # d(x/y)/dx = 1/y, d(x/y)/dy = -x/y**2
    want_x, want_y = _wanted(op)
    x, y = op.inputs
    cx, cy = conj(x), conj(y)
    return (unbroadcast(grad / cy, shape_of(x)) if want_x else None,
            unbroadcast(-grad * cx / (cy * cy), shape_of(y)) if want_y else None)


@RegisterGradient("Pow")
def _pow_grad(op, grad):
    # d(x**y)/dx = y * x**(y-1); d(x**y)/dy = x**y * log(x), taken as 0 where
    # x <= 0 (TensorFlow's choice: log is undefined there; for complex x only
    # at x = 0).
    x, y = conj(op.inputs[0]), conj(op.inputs[1])
    z = conj(op.outputs[0])
    gx = grad * y * tf.pow(x, y - 1)
    positive = tf.not_equal(x, 0) if x.dtype.is_complex else tf.greater(x, 0)
    safe_x = tf.where(positive, x, tf.ones_like(x))
    log_x = tf.where(positive, tf.math.log(safe_x), tf.zeros_like(x))
    return _both(op, gx, grad * z * log_x)


def _select(op, grad, x_wins):
    """Routes ``grad`` to ``x`` where ``x_wins``, else to ``y``."""
    zeros = tf.zeros_like(grad)
    return _both(op, tf.where(x_wins, grad, zeros), tf.where(x_wins, zeros, grad))


@RegisterGradient("Maximum")
def _maximum_grad(op, grad):
    # At a tie the gradient goes to x (the first argument), as in TensorFlow.
    x, y = op.inputs
    return _select(op, grad, tf.greater_equal(x, y))


@RegisterGradient("Minimum")
def _minimum_grad(op, grad):
    x, y = op.inputs
    return _select(op, grad, tf.less_equal(x, y))


@RegisterGradient("SquaredDifference")
def _squared_difference_grad(op, grad):
    # |x - y|**2 for complex numbers: its gradient is 2 (x - y) by the convention.
    x, y = op.inputs
    gx = grad * 2.0 * (x - y)
    return _both(op, gx, -gx)


@RegisterGradient("FloorMod")
def _floormod_grad(op, grad):
    # x mod y = x - floor(x / y) * y, and floor() is flat almost everywhere.
    x, y = op.inputs
    return _both(op, grad, -grad * tf.floordiv(x, y))


@RegisterGradient("DivNoNan")
def _divide_no_nan_grad(op, grad):
    # TensorFlow's rule: the gradients of x / y, each divided "no nan", so
    # both are 0 where y is 0 (where the output was set to 0).
    want_x, want_y = _wanted(op)
    x, y = conj(op.inputs[0]), conj(op.inputs[1])
    return (unbroadcast(tf.math.divide_no_nan(grad, y), shape_of(x)) if want_x else None,
            unbroadcast(grad * tf.math.divide_no_nan(tf.math.divide_no_nan(-x, y), y),
                        shape_of(y)) if want_y else None)


# Piecewise constant (FloorDiv) or bool-valued: no gradient flows through these.
for _name in ("FloorDiv", "Equal", "NotEqual", "Less", "LessEqual", "Greater",
              "GreaterEqual", "LogicalAnd", "LogicalOr", "LogicalXor"):
    no_gradient(_name)
