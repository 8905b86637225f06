"""Activation functions: relu, relu6, leaky_relu, elu, selu, gelu, softplus, softsign.

Each is a *primitive* op with its own kernel: ``relu`` because it runs in every
layer and must be cheap, the others because a naive formula of public ops would
overflow (``softplus``) or take several dispatches. ``sigmoid`` and ``tanh`` are
elementwise math (``unary_ops``) and only re-exported under ``tf.nn``.

``relu_grad`` is relu's gradient fused into one multiplication (TensorFlow's
``ReluGrad``); relu's registered gradient calls it.

>>> import stage1_tensors as tf
>>> tf.nn.relu([-1.0, 0.0, 2.0])
tf.Tensor([0. 0. 2.], shape=(3,), dtype=float32)
>>> tf.nn.leaky_relu([-1.0, 2.0], alpha=0.5)
tf.Tensor([-0.5  2. ], shape=(2,), dtype=float32)
"""

import math

import numpy as np

from ..dispatch import execute
from ..dtypes import FLOATING, NUMERIC
from ..errors import InvalidArgumentError
from ..registry import define_op
from .attrs import bool_attr, float_attr

__all__ = [
    "relu", "relu6", "leaky_relu", "elu", "selu", "gelu", "softplus", "softsign",
    "relu_grad",
]

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


Relu = define_op("Relu", "relu", inputs=("features",), dtypes=NUMERIC)
Relu6 = define_op("Relu6", "relu6", inputs=("features",), dtypes=NUMERIC)
LeakyRelu = define_op("LeakyRelu", "leaky_relu", inputs=("features",), dtypes=FLOATING)
Elu = define_op("Elu", "elu", inputs=("features",), dtypes=FLOATING)
Selu = define_op("Selu", "selu", inputs=("features",), dtypes=FLOATING)
Gelu = define_op("Gelu", "gelu", inputs=("features",), dtypes=FLOATING)
Softplus = define_op("Softplus", "softplus", inputs=("features",), dtypes=FLOATING)
Softsign = define_op("Softsign", "softsign", inputs=("features",), dtypes=FLOATING)


@Relu.kernel
def _relu(xp, x):
    # ``maximum`` with a Python 0 keeps x's dtype and propagates nan, like TF.
    return xp.maximum(x, 0)


_ZEROS = {d: np.zeros((), d) for d in NUMERIC}


@Relu.kernel(device="CPU")
def _relu_cpu(xp, x):
    # relu's per-call cost is benchmarked. Against a ready-made 0-d zero of the
    # same dtype NumPy skips converting the Python 0: a third of the kernel's
    # time on tiny inputs. (CuPy cannot take a NumPy zero, so GPUs use the above.)
    return np.maximum(x, _ZEROS[x.dtype])


@Relu6.kernel
def _relu6(xp, x):
    return xp.minimum(xp.maximum(x, 0), 6)


@LeakyRelu.kernel
def _leaky_relu(xp, x, alpha):
    return xp.where(x > 0, x, x * x.dtype.type(alpha))


@Elu.kernel
def _elu(xp, x):
    # expm1 of the clipped value: exact near 0 and no overflow warnings for big x.
    return xp.where(x > 0, x, xp.expm1(xp.minimum(x, 0)))


@Selu.kernel
def _selu(xp, x):
    negative = x.dtype.type(_SELU_ALPHA) * xp.expm1(xp.minimum(x, 0))
    return x.dtype.type(_SELU_SCALE) * xp.where(x > 0, x, negative)


def _erf(xp):
    # NumPy itself has no erf; SciPy has it for NumPy arrays, cupyx for CuPy.
    if xp.__name__ == "numpy":
        from scipy.special import erf
    else:
        from cupyx.scipy.special import erf
    return erf


@Gelu.kernel
def _gelu(xp, x, approximate):
    t = x.dtype.type
    if approximate:
        inner = t(math.sqrt(2.0 / math.pi)) * (x + t(0.044715) * x * x * x)
        return t(0.5) * x * (t(1) + xp.tanh(inner))
    cdf = t(0.5) * (t(1) + _erf(xp)(x * t(1 / math.sqrt(2.0))))
    return (x * cdf).astype(x.dtype, copy=False)


@Softplus.kernel
def _softplus(xp, x):
    # log(1 + e^x) = max(x, 0) + log(1 + e^-|x|): the exponent is never positive.
    return xp.maximum(x, 0) + xp.log1p(xp.exp(-xp.abs(x)))


@Softsign.kernel
def _softsign(xp, x):
    return x / (x.dtype.type(1) + xp.abs(x))


def relu(features, name=None):
    """Rectified linear unit: ``max(features, 0)``.

    >>> import stage1_tensors as tf
    >>> tf.nn.relu([-2.0, 0.5, 3.0])
    tf.Tensor([0.  0.5 3. ], shape=(3,), dtype=float32)
    """
    return execute(Relu, (features,))


def relu6(features, name=None):
    """``min(max(features, 0), 6)``.

    >>> import stage1_tensors as tf
    >>> tf.nn.relu6([-1.0, 3.0, 9.0])
    tf.Tensor([0. 3. 6.], shape=(3,), dtype=float32)
    """
    return execute(Relu6, (features,))


def leaky_relu(features, alpha=0.2, name=None):
    """``features`` where positive, ``alpha * features`` elsewhere.

    >>> import stage1_tensors as tf
    >>> tf.nn.leaky_relu([-10.0, 5.0])
    tf.Tensor([-2.  5.], shape=(2,), dtype=float32)
    """
    return execute(LeakyRelu, (features,), {"alpha": float_attr(alpha, "alpha", "leaky_relu")})


def elu(features, name=None):
    """Exponential linear unit: ``features`` where positive, ``exp(features) - 1`` elsewhere.

    >>> import stage1_tensors as tf
    >>> tf.nn.elu([-100.0, 0.0, 2.0])
    tf.Tensor([-1.  0.  2.], shape=(3,), dtype=float32)
    """
    return execute(Elu, (features,))


def selu(features, name=None):
    """Scaled ELU: ``scale * elu`` with ``alpha`` and ``scale`` chosen to self-normalise.

    >>> import stage1_tensors as tf
    >>> tf.nn.selu([0.0, 1.0])
    tf.Tensor([0.       1.050701], shape=(2,), dtype=float32)
    """
    return execute(Selu, (features,))


def gelu(features, approximate=False, name=None):
    """Gaussian error linear unit: ``x * P(X <= x)`` for a standard normal X.

    ``approximate=True`` uses the tanh approximation instead of ``erf``.

    >>> import stage1_tensors as tf
    >>> tf.nn.gelu([-10.0, 0.0, 10.0])
    tf.Tensor([-0.  0. 10.], shape=(3,), dtype=float32)
    """
    return execute(Gelu, (features,),
                   {"approximate": bool_attr(approximate, "approximate", "gelu")})


def softplus(features, name=None):
    """``log(exp(features) + 1)``, computed without overflow.

    >>> import stage1_tensors as tf
    >>> tf.nn.softplus([0.0, 1000.0])
    tf.Tensor([6.931472e-01 1.000000e+03], shape=(2,), dtype=float32)
    """
    return execute(Softplus, (features,))


def softsign(features, name=None):
    """``features / (abs(features) + 1)``.

    >>> import stage1_tensors as tf
    >>> tf.nn.softsign([-3.0, 1.0])
    tf.Tensor([-0.75  0.5 ], shape=(2,), dtype=float32)
    """
    return execute(Softsign, (features,))


# --- relu's gradient, fused into one kernel ---------------------------------------
def _check_relu_grad(values, attrs):
    gradients, features = values
    if gradients.shape != features.shape:
        raise InvalidArgumentError(
            "relu_grad: gradients and features must have the same shape, got "
            "gradients %s and features %s" % (tuple(gradients.shape), tuple(features.shape)),
            op="relu_grad")


ReluGrad = define_op("ReluGrad", "relu_grad", inputs=("gradients", "features"),
                     dtypes=NUMERIC, check=_check_relu_grad)


@ReluGrad.kernel
def _relu_grad(xp, gradients, features):
    # A multiplication by the 0/1 mask, as TensorFlow's kernel does: on random
    # signs it is ~10x faster than where(), whose branches the CPU mispredicts.
    return gradients * (features > 0)


def relu_grad(gradients, features, name=None):
    """The gradient of ``relu``: ``gradients`` where ``features > 0``, else 0.

    ``features`` may be relu's input or its output (they are positive at the
    same places). ``relu``'s registered gradient calls this.

    >>> import stage1_tensors as tf
    >>> tf.nn.relu_grad([5.0, 5.0, 5.0], [-1.0, 0.0, 2.0])
    tf.Tensor([0. 0. 5.], shape=(3,), dtype=float32)
    """
    return execute(ReluGrad, (gradients, features))
