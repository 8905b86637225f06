"""Complex numbers: building them from parts, taking them apart, conjugate, angle, abs.

A ``complex64`` element is two float32 numbers (real and imaginary part), a
``complex128`` two float64. ``tf.complex(real, imag)`` builds one, ``tf.math.real``
and ``tf.math.imag`` take it apart, and ``tf.abs`` and ``tf.math.angle`` give its
polar form -- all four answer in the *real* dtype of the parts. As everywhere,
nothing is promoted: ``float32 + complex64`` is an error; make the float complex
first with ``tf.complex(x, 0.0)`` or ``tf.cast(x, tf.complex64)``.

>>> import stage1_tensors as tf
>>> z = tf.complex([3.0, 0.0], [4.0, -1.0])
>>> z
tf.Tensor([3.+4.j 0.-1.j], shape=(2,), dtype=complex64)
>>> tf.abs(z), tf.math.real(z * 1j)
(tf.Tensor([5. 1.], shape=(2,), dtype=float32), tf.Tensor([-4.  1.], shape=(2,), dtype=float32))
"""

import numpy as np

from ..dispatch import execute
from ..dtypes import COMPLEX, FLOATING
from ..errors import InvalidArgumentError
from ..registry import define_op
from ..tensor import Tensor
from .error_scope import error_scope

__all__ = ["complex", "real", "imag", "conj", "angle"]

# float32 parts make a complex64, float64 parts a complex128 (TensorFlow has no
# complex32, so float16 parts are refused).
_COMPLEX_OF = {np.dtype(np.float32): np.dtype(np.complex64),
               np.dtype(np.float64): np.dtype(np.complex128)}

Complex = define_op("Complex", "complex", inputs=("real", "imag"),
                    dtypes=frozenset(_COMPLEX_OF))
Real = define_op("Real", "real", inputs=("input",), dtypes=COMPLEX)
Imag = define_op("Imag", "imag", inputs=("input",), dtypes=COMPLEX)
Conj = define_op("Conj", "conj", inputs=("input",), dtypes=COMPLEX)
Angle = define_op("Angle", "angle", inputs=("input",), dtypes=COMPLEX)
ComplexAbs = define_op("ComplexAbs", "abs", inputs=("x",), dtypes=COMPLEX)


@Complex.kernel
def _complex(xp, real, imag):
    # Written part by part, not as real + imag * 1j: inf * 1j would be nan + inf j.
    out = xp.empty(np.broadcast_shapes(real.shape, imag.shape), _COMPLEX_OF[real.dtype])
    out.real = real
    out.imag = imag
    return out


@Real.kernel
def _real(xp, x):
    return xp.real(x)


@Imag.kernel
def _imag(xp, x):
    return xp.imag(x)


@Conj.kernel
def _conj(xp, x):
    return xp.conj(x)


@Angle.kernel
def _angle(xp, x):
    return xp.angle(x)          # atan2(imag, real), in (-pi, pi]


@ComplexAbs.kernel
def _complex_abs(xp, x):
    return xp.abs(x)            # hypot(real, imag), without overflow in the squares


def holds_complex(x):
    """Whether ``x`` (a tensor, an array or a Python value) holds complex numbers.

    ``tf.abs`` asks this to pick its op (``Abs`` or ``ComplexAbs``), as
    TensorFlow's does.

    >>> from stage1_tensors.ops.complex_ops import holds_complex
    >>> holds_complex([1.0, 2j]), holds_complex([1.0, 2.0])
    (True, False)
    """
    if isinstance(x, Tensor):
        return x._value.dtype.kind == "c"
    try:
        return bool(np.iscomplexobj(x))
    except (TypeError, ValueError):        # not a number at all: the op says so
        return False


def _numeric(x, op_name):
    """``x`` as a tensor that holds numbers (TensorFlow's TypeError otherwise)."""
    from ..convert import convert_to_tensor
    with error_scope(op_name):
        x = convert_to_tensor(x)
    if x.dtype.is_bool:
        raise TypeError("%s: input must be a numeric tensor, got dtype bool with shape %s; "
                        "cast it first (tf.cast(x, tf.float32))" % (op_name, tuple(x.shape)))
    return x


# --- the public functions ------------------------------------------------------------
def complex(real, imag, name=None):  # noqa: A001  (TensorFlow's name)
    """The complex numbers ``real + imag * 1j``, elementwise, with broadcasting.

    Both parts must have one dtype, float32 (giving complex64) or float64
    (giving complex128); other dtypes are a ``TypeError``, as in TensorFlow.

    >>> import stage1_tensors as tf
    >>> tf.complex([1.0, 2.0], 3.0)
    tf.Tensor([1.+3.j 2.+3.j], shape=(2,), dtype=complex64)
    >>> tf.complex(tf.constant(1.0, tf.float64), tf.constant(-1.0, tf.float64)).dtype
    tf.complex128
    >>> tf.complex(1, 2)
    Traceback (most recent call last):
    ...
    TypeError: complex: real has dtype int32, which this op does not accept; valid dtypes are float32, float64
    """
    try:
        return execute(Complex, (real, imag))
    except InvalidArgumentError as error:
        if "dtype" not in str(error):       # (a shape that does not broadcast, say)
            raise
        raise TypeError(str(error)) from None


def real(input, name=None):  # noqa: A002  (TensorFlow's argument name)
    """The real part of each element, in the parts' dtype (complex64 -> float32).

    A real tensor is its own real part and is returned as it is.

    >>> import stage1_tensors as tf
    >>> tf.math.real(tf.constant([1 + 2j, -3j]))
    tf.Tensor([ 1. -0.], shape=(2,), dtype=float64)
    """
    x = _numeric(input, "real")
    return execute(Real, (x,)) if x.dtype.is_complex else x


def imag(input, name=None):  # noqa: A002
    """The imaginary part of each element, in the parts' dtype; zeros for a real tensor.

    >>> import stage1_tensors as tf
    >>> tf.math.imag(tf.constant([1 + 2j, -3j], tf.complex64))
    tf.Tensor([ 2. -3.], shape=(2,), dtype=float32)
    >>> tf.math.imag([1.5, 2.0])
    tf.Tensor([0. 0.], shape=(2,), dtype=float32)
    """
    from .creation_ops import zeros_like
    x = _numeric(input, "imag")
    return execute(Imag, (x,)) if x.dtype.is_complex else zeros_like(x)


def conj(x, name=None):
    """The complex conjugate ``real - imag * 1j``; a real tensor is returned as it is.

    >>> import stage1_tensors as tf
    >>> tf.math.conj(tf.constant([1 + 2j, 3 - 1j]))
    tf.Tensor([1.-2.j 3.+1.j], shape=(2,), dtype=complex128)
    """
    if isinstance(x, Tensor) and x._value.dtype.kind in "fiu":
        return x                        # the common case in gradients: no op at all
    x = _numeric(x, "conj")
    return execute(Conj, (x,)) if x.dtype.is_complex else x


def angle(input, name=None):  # noqa: A002
    """The argument (phase) of each element, ``atan2(imag, real)``, in ``(-pi, pi]``.

    For a real float tensor it is ``pi`` where the value is negative, else 0.

    >>> import stage1_tensors as tf
    >>> tf.math.angle(tf.constant([1j, -1 + 0j], tf.complex64))
    tf.Tensor([1.5707964 3.1415927], shape=(2,), dtype=float32)
    >>> tf.math.angle([-2.0, 3.0])
    tf.Tensor([3.1415927 0.       ], shape=(2,), dtype=float32)
    """
    from .binary_ops import less
    from .creation_ops import fill, zeros_like
    from .gather_ops import where
    x = _numeric(input, "angle")
    if x.dtype.is_complex:
        return execute(Angle, (x,))
    if x.dtype._np not in FLOATING:
        raise InvalidArgumentError(
            "angle: input must be a float or complex tensor, got %s with shape %s; cast it "
            "first (tf.cast(x, tf.float32))" % (x.dtype.name, tuple(x.shape)), op="angle")
    with error_scope("angle"):
        zeros = zeros_like(x)
        return where(less(x, zeros), fill(tuple(x.shape), x.dtype.as_numpy_dtype(np.pi)),
                     zeros)


def complex_abs(x):
    """``|x|`` of a complex tensor, in its parts' dtype (``tf.abs`` calls this).

    >>> import stage1_tensors as tf
    >>> from stage1_tensors.ops.complex_ops import complex_abs
    >>> complex_abs(tf.constant([3 + 4j]))
    tf.Tensor([5.], shape=(1,), dtype=float64)
    """
    return execute(ComplexAbs, (x,))
