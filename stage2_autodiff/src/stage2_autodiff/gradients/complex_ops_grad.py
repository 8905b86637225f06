"""Gradients of the complex-number ops (``stage1_tensors/ops/complex_ops.py``).

TensorFlow's convention, which every rule here (and the ``conj`` in the
elementwise and matmul rules) follows: for a complex ``z = x + iy`` the gradient
of a real loss ``L`` is ``dL/dx + i dL/dy`` -- the direction of steepest ascent
in the complex plane, so ``z - lr * grad`` descends. For ``L = |z|**2`` that is
``2z``. The chain rule through a holomorphic ``w = f(z)`` then reads
``grad_z = grad_w * conj(f'(z))``: that is why the gradient rules conjugate.

>>> import stage2_autodiff as tf
>>> z = tf.constant([3 + 4j])
>>> with tf.GradientTape() as tape:
...     tape.watch(z)
...     loss = tf.reduce_sum(tf.square(tf.abs(z)))
>>> tape.gradient(loss, z)
tf.Tensor([6.+8.j], shape=(1,), dtype=complex128)
"""

import stage1_tensors as tf

from ..registry import RegisterGradient
from ._broadcast import shape_of, unbroadcast

__all__ = []


def _as_complex(real_grad):
    """``real_grad + 0j``: a real gradient carried into the complex input."""
    return tf.complex(real_grad, tf.zeros_like(real_grad))


@RegisterGradient("Complex")
def _complex_grad(op, grad):
    # z = x + iy: the real part of the gradient belongs to x, the imaginary to y.
    real, imag = op.inputs
    return (unbroadcast(tf.math.real(grad), shape_of(real)),
            unbroadcast(tf.math.imag(grad), shape_of(imag)))


@RegisterGradient("Real")
def _real_grad(op, grad):
    # real(z) = x moves with x only: the gradient is grad + 0i.
    return _as_complex(grad)


@RegisterGradient("Imag")
def _imag_grad(op, grad):
    # imag(z) = y moves with y only: the gradient is 0 + grad i.
    return tf.complex(tf.zeros_like(grad), grad)


@RegisterGradient("Conj")
def _conj_grad(op, grad):
    return tf.math.conj(grad)


@RegisterGradient("ComplexAbs")
def _complex_abs_grad(op, grad):
    # |z| = sqrt(x**2 + y**2): d/dx = x/|z|, d/dy = y/|z|, so the gradient is
    # grad * z / |z| (0 at z = 0, where |z| has a kink, as TensorFlow answers).
    return tf.math.divide_no_nan(_as_complex(grad) * op.inputs[0],
                                 _as_complex(op.outputs[0]))


@RegisterGradient("Angle")
def _angle_grad(op, grad):
    # angle = atan2(y, x): d/dx = -y/|z|**2, d/dy = x/|z|**2, which together
    # are -grad / (y + ix) (TensorFlow's form of it).
    z = op.inputs[0]
    return -_as_complex(grad) / tf.complex(tf.math.imag(z), tf.math.real(z))
