"""Elementwise unary ops: sign changes, powers, exponentials, trigonometry, casts.

Ops that only make sense on real numbers (``sqrt``, ``exp``, ``sin`` ...) accept
float dtypes only, as in TensorFlow: ``tf.sqrt(4)`` is an error that says to cast
first, because an integer square root would silently change the dtype. The
analytic ones take complex numbers too (``tf.exp(1j * x)``); those that need an
order (``floor``, ``round``, ``clip_by_value``) do not.

>>> import stage1_tensors as tf
>>> tf.negative([1, -2]), tf.abs([-1.5, 2.0])
(tf.Tensor([-1  2], shape=(2,), dtype=int32), tf.Tensor([1.5 2. ], shape=(2,), dtype=float32))
>>> tf.sqrt([4.0, 9.0])
tf.Tensor([2. 3.], shape=(2,), dtype=float32)
"""

import numpy as np

from ..dispatch import execute
from ..dtypes import ALL_NUMPY, BOOL, FLOAT_OR_COMPLEX, FLOATING, NUMBER, NUMERIC, as_dtype
from ..errors import InvalidArgumentError
from ..registry import define_op
from .error_scope import error_scope
from ..tensor import Tensor
from .complex_ops import complex_abs, holds_complex

__all__ = [
    "negative", "abs", "logical_not", "sign", "square", "sqrt", "rsqrt",
    "exp", "log", "log1p", "expm1", "sin", "cos", "tan", "tanh", "sigmoid",
    "reciprocal", "floor", "ceil", "round", "erf", "cast", "saturate_cast",
    "clip_by_value", "clip_by_norm", "is_nan", "is_inf", "is_finite",
]


def _unary(name, api_name, dtypes=NUMERIC):
    return define_op(name, api_name, inputs=("x",), dtypes=dtypes)


def _quietly(fn):
    """A kernel that lets IEEE rules speak (log(0) = -inf, sqrt(-1) = nan)
    instead of NumPy's RuntimeWarnings, as TensorFlow does."""
    def kernel(xp, x):
        with np.errstate(all="ignore"):
            return fn(xp, x)
    kernel.__name__ = getattr(fn, "__name__", "kernel")
    return kernel


# --- ops on every number type ------------------------------------------------
# (abs of a complex number is ComplexAbs, in complex_ops: it returns the real dtype)
Neg = _unary("Neg", "negative", NUMBER)
Abs = _unary("Abs", "abs")
Sign = _unary("Sign", "sign", NUMBER)        # z / |z| for a complex z (0 at 0)
Square = _unary("Square", "square", NUMBER)
Round = _unary("Round", "round")
LogicalNot = _unary("LogicalNot", "logical_not", BOOL)

Neg.kernel(lambda xp, x: xp.negative(x))
Abs.kernel(lambda xp, x: xp.abs(x))
Sign.kernel(lambda xp, x: _complex_sign(xp, x) if x.dtype.kind == "c" else xp.sign(x))
Square.kernel(_quietly(lambda xp, x: xp.multiply(x, x)))
# NumPy's round is TensorFlow's: halves go to the even neighbour (banker's
# rounding), so 0.5 -> 0 and 1.5 -> 2. Integers are already round.
Round.kernel(lambda xp, x: xp.round(x) if x.dtype in FLOATING else x)
LogicalNot.kernel(lambda xp, x: xp.logical_not(x))

def _complex_sign(xp, x):
    # z / |z|, and 0 at 0 (written out: NumPy before 2.0 took the real part's sign).
    size = xp.abs(x)
    with np.errstate(all="ignore"):
        return xp.where(size == 0, xp.zeros_like(x), x / size)


# --- ops on floats (and complex numbers: these are analytic functions) ---------
Sqrt = _unary("Sqrt", "sqrt", FLOAT_OR_COMPLEX)
Rsqrt = _unary("Rsqrt", "rsqrt", FLOAT_OR_COMPLEX)
Exp = _unary("Exp", "exp", FLOAT_OR_COMPLEX)
Log = _unary("Log", "log", FLOAT_OR_COMPLEX)
Log1p = _unary("Log1p", "log1p", FLOAT_OR_COMPLEX)
Expm1 = _unary("Expm1", "expm1", FLOAT_OR_COMPLEX)
Sin = _unary("Sin", "sin", FLOAT_OR_COMPLEX)
Cos = _unary("Cos", "cos", FLOAT_OR_COMPLEX)
Tan = _unary("Tan", "tan", FLOAT_OR_COMPLEX)
Tanh = _unary("Tanh", "tanh", FLOAT_OR_COMPLEX)
Sigmoid = _unary("Sigmoid", "sigmoid", FLOAT_OR_COMPLEX)
Reciprocal = _unary("Reciprocal", "reciprocal", FLOAT_OR_COMPLEX)
# --- ops on floats only --------------------------------------------------------
Floor = _unary("Floor", "floor", FLOATING)
Ceil = _unary("Ceil", "ceil", FLOATING)
Erf = _unary("Erf", "erf", FLOATING)

Sqrt.kernel(_quietly(lambda xp, x: xp.sqrt(x)))
Rsqrt.kernel(_quietly(lambda xp, x: xp.reciprocal(xp.sqrt(x))))
Exp.kernel(_quietly(lambda xp, x: xp.exp(x)))
Log.kernel(_quietly(lambda xp, x: xp.log(x)))
Log1p.kernel(_quietly(lambda xp, x: xp.log1p(x)))
Expm1.kernel(_quietly(lambda xp, x: xp.expm1(x)))
Sin.kernel(_quietly(lambda xp, x: xp.sin(x)))
Cos.kernel(_quietly(lambda xp, x: xp.cos(x)))
Tan.kernel(_quietly(lambda xp, x: xp.tan(x)))
Tanh.kernel(lambda xp, x: xp.tanh(x))
Reciprocal.kernel(_quietly(lambda xp, x: xp.reciprocal(x)))
Floor.kernel(lambda xp, x: xp.floor(x))
Ceil.kernel(lambda xp, x: xp.ceil(x))


@Sigmoid.kernel
def _sigmoid(xp, x):
    if x.dtype.kind == "c":         # no order to split on: the formula as it is
        with np.errstate(all="ignore"):
            return 1 / (1 + xp.exp(-x))
    # 1 / (1 + exp(-x)) overflows for very negative x. With e = exp(-|x|),
    # which never overflows, sigmoid is 1/(1+e) for x >= 0 and e/(1+e) below.
    e = xp.exp(-xp.abs(x))
    one = x.dtype.type(1)
    return xp.where(x >= 0, one, e) / (one + e)


@Erf.kernel
def _erf(xp, x):
    # NumPy has no erf; SciPy's (CuPy's on a GPU) is the same ufunc.
    if xp.__name__ == "numpy":
        from scipy.special import erf
    else:
        from cupyx.scipy.special import erf
    return erf(x).astype(x.dtype, copy=False)


# --- backward ops: tanh's and sigmoid's gradients in one kernel each -----------------
# TensorFlow has these (``TanhGrad``, ``SigmoidGrad``) because a gradient is
# run on every training step: ``dy * (1 - y*y)`` as public ops is three
# dispatches and three full-size temporaries, as one op it is one dispatch and
# one buffer. Both take the forward op's *output* ``y``, which is all the
# derivative needs. Their own gradients are registered in stage 2.
def _check_same_shape(op_name):
    def check(values, attrs):
        y, dy = values
        if y.shape != dy.shape:
            raise InvalidArgumentError(
                "%s: y and dy must have the same shape, got y %s and dy %s"
                % (op_name, tuple(y.shape), tuple(dy.shape)), op=op_name)
    return check


TanhGrad = define_op("TanhGrad", "tanh_grad", inputs=("y", "dy"), dtypes=FLOAT_OR_COMPLEX,
                     check=_check_same_shape("tanh_grad"))
SigmoidGrad = define_op("SigmoidGrad", "sigmoid_grad", inputs=("y", "dy"),
                        dtypes=FLOAT_OR_COMPLEX, check=_check_same_shape("sigmoid_grad"))


@TanhGrad.kernel
def _tanh_grad(xp, y, dy):
    t = xp.multiply(y, y)
    if not t.ndim:                  # a 0-d result may be a NumPy scalar: no out=
        return dy * (1 - t)
    xp.subtract(1, t, out=t)        # reuse the one new buffer for every step
    return xp.multiply(dy, t, out=t)


@SigmoidGrad.kernel
def _sigmoid_grad(xp, y, dy):
    t = xp.subtract(1, y)
    if not t.ndim:
        return dy * y * t
    xp.multiply(t, y, out=t)
    return xp.multiply(dy, t, out=t)


def tanh_grad(y, dy, name=None):
    """The gradient of ``y = tanh(x)``: ``dy * (1 - y*y)``, from tanh's output ``y``.

    ``tanh``'s registered gradient calls this (TensorFlow's ``TanhGrad`` op).

    >>> import stage1_tensors as tf
    >>> from stage1_tensors.ops.unary_ops import tanh_grad
    >>> tanh_grad(tf.tanh([0.0, 100.0]), [2.0, 2.0])
    tf.Tensor([2. 0.], shape=(2,), dtype=float32)
    """
    return execute(TanhGrad, (y, dy))


def sigmoid_grad(y, dy, name=None):
    """The gradient of ``y = sigmoid(x)``: ``dy * y * (1 - y)``, from sigmoid's output ``y``.

    ``sigmoid``'s registered gradient calls this (TensorFlow's ``SigmoidGrad`` op).

    >>> import stage1_tensors as tf
    >>> from stage1_tensors.ops.unary_ops import sigmoid_grad
    >>> sigmoid_grad(tf.sigmoid([0.0, 100.0]), [4.0, 4.0])
    tf.Tensor([1. 0.], shape=(2,), dtype=float32)
    """
    return execute(SigmoidGrad, (y, dy))


# --- questions about float values (bool results) --------------------------------
IsNan = _unary("IsNan", "is_nan", FLOATING)
IsInf = _unary("IsInf", "is_inf", FLOATING)
IsFinite = _unary("IsFinite", "is_finite", FLOATING)
IsNan.kernel(lambda xp, x: xp.isnan(x))
IsInf.kernel(lambda xp, x: xp.isinf(x))
IsFinite.kernel(lambda xp, x: xp.isfinite(x))


def is_nan(x, name=None):
    """Whether each element is NaN (floats only).

    >>> import stage1_tensors as tf
    >>> tf.math.is_nan([1.0, float("nan")])
    tf.Tensor([False  True], shape=(2,), dtype=bool)
    """
    return execute(IsNan, (x,))


def is_inf(x, name=None):
    """Whether each element is +inf or -inf (floats only).

    >>> import stage1_tensors as tf
    >>> tf.math.is_inf([1.0, float("-inf")])
    tf.Tensor([False  True], shape=(2,), dtype=bool)
    """
    return execute(IsInf, (x,))


def is_finite(x, name=None):
    """Whether each element is neither NaN nor infinite (floats only).

    >>> import stage1_tensors as tf
    >>> tf.math.is_finite([1.0, float("inf"), float("nan")])
    tf.Tensor([ True False False], shape=(3,), dtype=bool)
    """
    return execute(IsFinite, (x,))


# --- casts ---------------------------------------------------------------------------
Cast = define_op("Cast", "cast", inputs=("x",), dtypes=ALL_NUMPY)


@Cast.kernel
def _cast(xp, x, dtype):
    # A complex number cast to a real dtype keeps its real part (as in TensorFlow).
    if x.dtype.kind == "c" and np.dtype(dtype).kind != "c":
        x = x.real
    # Floats become integers by truncation toward zero (as in C and TensorFlow);
    # NaN and out-of-range values have no defined integer, so no warning either.
    with np.errstate(all="ignore"):
        return x.astype(dtype)


def _dtype_name(dtype, op_name):
    try:
        return as_dtype(dtype).name
    except TypeError as error:
        raise InvalidArgumentError("%s: %s" % (op_name, error), op=op_name) from None


def cast(x, dtype, name=None):
    """``x`` converted to ``dtype``. Floats go to integers by truncation toward zero.

    >>> import stage1_tensors as tf
    >>> tf.cast([1.8, -1.8], tf.int32)
    tf.Tensor([ 1 -1], shape=(2,), dtype=int32)
    >>> tf.cast([0.0, 2.5], tf.bool)
    tf.Tensor([False  True], shape=(2,), dtype=bool)
    >>> tf.cast(tf.constant([1.5 + 2j]), tf.float32)     # the imaginary part is dropped
    tf.Tensor([1.5], shape=(1,), dtype=float32)
    """
    return execute(Cast, (x,), {"dtype": _dtype_name(dtype, "cast")})


def saturate_cast(value, dtype, name=None):
    """Like ``cast``, but values beyond the target's range are clamped to it first.

    >>> import stage1_tensors as tf
    >>> tf.saturate_cast([-300.0, 7.9, 300.0], tf.uint8)
    tf.Tensor([  0   7 255], shape=(3,), dtype=uint8)
    """
    from ..convert import convert_to_tensor
    with error_scope("saturate_cast"):
        value = convert_to_tensor(value)
        target = as_dtype(_dtype_name(dtype, "saturate_cast"))
        if value.dtype.is_complex and not target.is_complex:
            value = cast(value, value.dtype.real_dtype)     # only the real part survives
        source = value.dtype
        if not (source.is_bool or target.is_bool or source.is_complex):
            # (into a complex dtype, the value is clamped to its parts' range)
            target_range = target.real_dtype
            # The bounds must be exact in the source dtype, or the clamp could round
            # them just past the target's range (float32(2**31 - 1) is 2**31).
            low = _inside(max(_py(source.min), _py(target_range.min)), source._np, up=True)
            high = _inside(min(_py(source.max), _py(target_range.max)), source._np, up=False)
            value = clip_by_value(value, low, high)
        return cast(value, target)


def _py(number):
    return float(number) if isinstance(number, (float, np.floating)) else int(number)


def _inside(bound, dtype, up):
    """``bound`` as a value of ``dtype``, stepped inward until it is within range."""
    if dtype.kind != "f":
        return int(bound)
    exact = dtype.type(bound)
    # Python compares ints and floats exactly, so float(exact) vs bound is safe.
    while float(exact) < bound if up else float(exact) > bound:
        exact = np.nextafter(exact, dtype.type(np.inf if up else -np.inf))
    return exact


# --- clipping ------------------------------------------------------------------------
def _check_clip(values, attrs):
    t, low, high = values
    try:
        out = np.broadcast_shapes(t.shape, low.shape, high.shape)
    except ValueError:
        out = None
    if out != tuple(t.shape):
        raise InvalidArgumentError(
            "clip_by_value: clip_value_min %s and clip_value_max %s must be scalars or "
            "broadcast to t's shape %s without changing it"
            % (tuple(low.shape), tuple(high.shape), tuple(t.shape)), op="clip_by_value")


ClipByValue = define_op("ClipByValue", "clip_by_value",
                        inputs=("t", "clip_value_min", "clip_value_max"),
                        dtypes=NUMERIC, check=_check_clip)


@ClipByValue.kernel
def _clip_by_value(xp, t, low, high):
    return xp.minimum(xp.maximum(t, low), high)


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """``t`` with values below ``clip_value_min`` / above ``clip_value_max`` set to them.

    >>> import stage1_tensors as tf
    >>> tf.clip_by_value([-2.0, 0.5, 3.0], -1.0, 1.0)
    tf.Tensor([-1.   0.5  1. ], shape=(3,), dtype=float32)
    """
    return execute(ClipByValue, (t, clip_value_min, clip_value_max))


def clip_by_norm(t, clip_norm, axes=None, name=None):
    """``t`` rescaled so its L2 norm over ``axes`` (all when None) is at most ``clip_norm``.

    Built from public ops (so stage 2 differentiates it for free):
    ``t * clip_norm / maximum(l2norm(t), clip_norm)``.

    >>> import stage1_tensors as tf
    >>> tf.clip_by_norm([3.0, 4.0], 1.0)
    tf.Tensor([0.6 0.8], shape=(2,), dtype=float32)
    >>> tf.clip_by_norm([0.3, 0.4], 1.0)
    tf.Tensor([0.3 0.4], shape=(2,), dtype=float32)
    """
    from ..convert import convert_to_tensor
    from .binary_ops import equal, maximum, multiply, divide, add, greater
    from .reduction_ops import reduce_sum
    with error_scope("clip_by_norm"):
        t = convert_to_tensor(t)
        if not t.dtype.is_floating:
            raise InvalidArgumentError(
                "clip_by_norm: t must be a float tensor, got %s %s; cast it with tf.cast"
                % (t.dtype.name, tuple(t.shape)), op="clip_by_norm")
        # A Python number stays one, so it adopts t's dtype and device in each op.
        if isinstance(clip_norm, Tensor):
            if clip_norm.dtype != t.dtype:
                raise InvalidArgumentError(
                    "clip_by_norm: clip_norm has dtype %s but t has %s; they must match"
                    % (clip_norm.dtype.name, t.dtype.name), op="clip_by_norm")
        l2sum = reduce_sum(multiply(t, t), axes, keepdims=True)
        # sqrt has an infinite slope at 0: take it of 1 where the sum is 0 and
        # multiply by 0 there, so the value and its gradient stay finite.
        nonzero = cast(greater(l2sum, 0), t.dtype)
        l2norm = multiply(sqrt(add(l2sum, cast(equal(l2sum, 0), t.dtype))), nonzero)
        return divide(multiply(t, clip_norm), maximum(l2norm, clip_norm))


# --- the public functions --------------------------------------------------------------
def negative(x, name=None):
    """``-x`` elementwise.

    >>> import stage1_tensors as tf
    >>> tf.negative([1.0, -2.0])
    tf.Tensor([-1.  2.], shape=(2,), dtype=float32)
    """
    return execute(Neg, (x,))


def abs(x, name=None):  # noqa: A001  (TensorFlow's name)
    """``|x|`` elementwise. Of a complex tensor it is the modulus, in the real dtype.

    >>> import stage1_tensors as tf
    >>> tf.abs([-3, 4])
    tf.Tensor([3 4], shape=(2,), dtype=int32)
    >>> tf.abs(tf.constant([3 + 4j], tf.complex64))
    tf.Tensor([5.], shape=(1,), dtype=float32)
    """
    if holds_complex(x):
        return complex_abs(x)
    return execute(Abs, (x,))


def logical_not(x, name=None):
    """``not x`` elementwise on a bool tensor.

    >>> import stage1_tensors as tf
    >>> tf.logical_not([True, False])
    tf.Tensor([False  True], shape=(2,), dtype=bool)
    """
    return execute(LogicalNot, (x,))


def sign(x, name=None):
    """-1, 0 or 1 by the sign of ``x``, elementwise, in ``x``'s dtype.

    >>> import stage1_tensors as tf
    >>> tf.sign([-2.5, 0.0, 3.0])
    tf.Tensor([-1.  0.  1.], shape=(3,), dtype=float32)
    """
    return execute(Sign, (x,))


def square(x, name=None):
    """``x * x`` elementwise.

    >>> import stage1_tensors as tf
    >>> tf.square([2, -3])
    tf.Tensor([4 9], shape=(2,), dtype=int32)
    """
    return execute(Square, (x,))


def sqrt(x, name=None):
    """Square root, elementwise (floats or complex; ``sqrt(-1.0)`` is nan, of -1+0j ``1j``).

    >>> import stage1_tensors as tf
    >>> tf.sqrt([4.0, 2.25])
    tf.Tensor([2.  1.5], shape=(2,), dtype=float32)
    """
    return execute(Sqrt, (x,))


def rsqrt(x, name=None):
    """``1 / sqrt(x)``, elementwise (floats or complex).

    >>> import stage1_tensors as tf
    >>> tf.math.rsqrt([4.0, 0.25])
    tf.Tensor([0.5 2. ], shape=(2,), dtype=float32)
    """
    return execute(Rsqrt, (x,))


def exp(x, name=None):
    """``e ** x``, elementwise (floats or complex).

    >>> import stage1_tensors as tf
    >>> tf.exp([0.0, 1.0])
    tf.Tensor([1.       2.718282], shape=(2,), dtype=float32)
    """
    return execute(Exp, (x,))


def log(x, name=None):
    """Natural logarithm, elementwise (floats or complex; ``log(0)`` is ``-inf``).

    >>> import stage1_tensors as tf
    >>> tf.log([1.0, 0.0])
    tf.Tensor([  0. -inf], shape=(2,), dtype=float32)
    """
    return execute(Log, (x,))


def log1p(x, name=None):
    """``log(1 + x)``, accurate for tiny ``x`` (floats or complex).

    >>> import stage1_tensors as tf
    >>> tf.math.log1p(tf.constant([1e-10], tf.float64))
    tf.Tensor([1.e-10], shape=(1,), dtype=float64)
    """
    return execute(Log1p, (x,))


def expm1(x, name=None):
    """``exp(x) - 1``, accurate for tiny ``x`` (floats or complex).

    >>> import stage1_tensors as tf
    >>> tf.math.expm1(tf.constant([1e-10], tf.float64))
    tf.Tensor([1.e-10], shape=(1,), dtype=float64)
    """
    return execute(Expm1, (x,))


def sin(x, name=None):
    """Sine, elementwise (radians; floats or complex).

    >>> import stage1_tensors as tf
    >>> tf.sin([0.0])
    tf.Tensor([0.], shape=(1,), dtype=float32)
    """
    return execute(Sin, (x,))


def cos(x, name=None):
    """Cosine, elementwise (radians; floats or complex).

    >>> import stage1_tensors as tf
    >>> tf.cos([0.0])
    tf.Tensor([1.], shape=(1,), dtype=float32)
    """
    return execute(Cos, (x,))


def tan(x, name=None):
    """Tangent, elementwise (radians; floats or complex).

    >>> import stage1_tensors as tf
    >>> tf.math.tan([0.0])
    tf.Tensor([0.], shape=(1,), dtype=float32)
    """
    return execute(Tan, (x,))


def tanh(x, name=None):
    """Hyperbolic tangent, elementwise (floats or complex).

    >>> import stage1_tensors as tf
    >>> tf.tanh([0.0, 100.0])
    tf.Tensor([0. 1.], shape=(2,), dtype=float32)
    """
    return execute(Tanh, (x,))


def sigmoid(x, name=None):
    """``1 / (1 + exp(-x))``, elementwise, without overflow for large ``|x|``.

    >>> import stage1_tensors as tf
    >>> tf.sigmoid([0.0, -1000.0, 1000.0])
    tf.Tensor([0.5 0.  1. ], shape=(3,), dtype=float32)
    """
    return execute(Sigmoid, (x,))


def reciprocal(x, name=None):
    """``1 / x``, elementwise (floats or complex; ``1 / 0`` is ``inf``).

    >>> import stage1_tensors as tf
    >>> tf.math.reciprocal([2.0, 0.0])
    tf.Tensor([0.5 inf], shape=(2,), dtype=float32)
    """
    return execute(Reciprocal, (x,))


def floor(x, name=None):
    """The largest integer value ``<= x``, elementwise, as a float.

    >>> import stage1_tensors as tf
    >>> tf.floor([1.5, -1.5])
    tf.Tensor([ 1. -2.], shape=(2,), dtype=float32)
    """
    return execute(Floor, (x,))


def ceil(x, name=None):
    """The smallest integer value ``>= x``, elementwise, as a float.

    >>> import stage1_tensors as tf
    >>> tf.math.ceil([1.5, -1.5])
    tf.Tensor([ 2. -1.], shape=(2,), dtype=float32)
    """
    return execute(Ceil, (x,))


def round(x, name=None):  # noqa: A001  (TensorFlow's name)
    """Rounds to the nearest integer; halves go to the even one (banker's rounding).

    >>> import stage1_tensors as tf
    >>> tf.round([0.5, 1.5, 2.5, -0.5, 2.7])
    tf.Tensor([ 0.  2.  2. -0.  3.], shape=(5,), dtype=float32)
    """
    return execute(Round, (x,))


def erf(x, name=None):
    """The Gauss error function, elementwise (floats only).

    >>> import stage1_tensors as tf
    >>> tf.math.erf([0.0, 10.0])
    tf.Tensor([0. 1.], shape=(2,), dtype=float32)
    """
    return execute(Erf, (x,))
