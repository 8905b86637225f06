"""Elementwise binary ops: arithmetic, comparisons and logic, with broadcasting.

Each op is declared once (name, inputs, allowed dtypes), its kernel follows it,
and the public function is a one-line call into the dispatcher. Kernels take the
array module ``xp`` first so they run on NumPy and CuPy alike.

>>> import stage1_tensors as tf
>>> tf.add([[1, 2], [3, 4]], 1)
tf.Tensor([[2 3]
           [4 5]], shape=(2, 2), dtype=int32)
>>> tf.floordiv(-7, 2), tf.math.floormod(-7, 2)
(tf.Tensor(-4, shape=(), dtype=int32), tf.Tensor(1, shape=(), dtype=int32))

Arithmetic takes complex numbers too; what needs an order (``<``, ``maximum``,
``floordiv``) does not, as in TensorFlow:

>>> tf.constant([1 + 1j]) * 1j
tf.Tensor([-1.+1.j], shape=(1,), dtype=complex128)
"""

import numpy as np

from ..dispatch import execute
from ..dtypes import ALL_NUMPY, BOOL, FLOAT_OR_COMPLEX, INTEGER, NUMBER, NUMERIC
from ..errors import InvalidArgumentError
from ..registry import define_op

__all__ = [
    "add", "subtract", "multiply", "divide", "truediv", "floordiv", "mod",
    "floormod", "pow", "maximum", "minimum", "squared_difference",
    "equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
    "logical_and", "logical_or", "logical_xor",
]


def _binary(name, api_name, dtypes=NUMERIC):
    return define_op(name, api_name, inputs=("x", "y"), dtypes=dtypes)


# --- arithmetic -----------------------------------------------------------
AddV2 = _binary("AddV2", "add", NUMBER)
Sub = _binary("Sub", "subtract", NUMBER)
Mul = _binary("Mul", "multiply", NUMBER)
TrueDiv = _binary("TrueDiv", "divide", NUMBER)
FloorDiv = _binary("FloorDiv", "floordiv")
FloorMod = _binary("FloorMod", "floormod")
Pow = _binary("Pow", "pow", NUMBER)
Maximum = _binary("Maximum", "maximum")
Minimum = _binary("Minimum", "minimum")
SquaredDifference = _binary("SquaredDifference", "squared_difference", NUMBER)
DivNoNan = _binary("DivNoNan", "divide_no_nan", FLOAT_OR_COMPLEX)


@AddV2.kernel
def _add(xp, x, y):
    return xp.add(x, y)


@Sub.kernel
def _subtract(xp, x, y):
    return xp.subtract(x, y)


@Mul.kernel
def _multiply(xp, x, y):
    return xp.multiply(x, y)


# Integer true division returns floats, as in TensorFlow: small integer types
# become float32, int32 and int64 become float64 (so no precision is lost).
_TRUEDIV_RESULT = {"int8": "float32", "uint8": "float32", "int16": "float32",
                   "int32": "float64", "int64": "float64"}


@TrueDiv.kernel
def _truediv(xp, x, y):
    if x.dtype in INTEGER:
        result = _TRUEDIV_RESULT[x.dtype.name]
        x, y = x.astype(result), y.astype(result)
    with np.errstate(divide="ignore", invalid="ignore"):   # x/0 is inf, 0/0 nan
        return xp.true_divide(x, y)


def _refuse_integer_zero(xp, op_name, y):
    if y.dtype in INTEGER and bool((y == 0).any()):
        raise InvalidArgumentError(
            "%s: integer division by zero (the divisor has zeros); "
            "cast to a float dtype for inf/nan results" % op_name, op=op_name)


@FloorDiv.kernel
def _floordiv(xp, x, y):
    _refuse_integer_zero(xp, "floordiv", y)
    with np.errstate(divide="ignore", invalid="ignore"):
        return xp.floor_divide(x, y)


@FloorMod.kernel
def _floormod(xp, x, y):
    # The result takes the divisor's sign (Python's and TensorFlow's rule).
    _refuse_integer_zero(xp, "floormod", y)
    with np.errstate(divide="ignore", invalid="ignore"):
        return xp.mod(x, y)


@Pow.kernel
def _pow(xp, x, y):
    if x.dtype in INTEGER and bool((y < 0).any()):
        raise InvalidArgumentError(
            "pow: integers to negative integer powers are not allowed; "
            "cast the base to a float dtype", op="pow")
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return xp.power(x, y)


@Maximum.kernel
def _maximum(xp, x, y):
    return xp.maximum(x, y)


@Minimum.kernel
def _minimum(xp, x, y):
    return xp.minimum(x, y)


@SquaredDifference.kernel
def _squared_difference(xp, x, y):
    # For complex numbers TensorFlow computes |x - y|**2 = d * conj(d).
    d = xp.subtract(x, y)
    return xp.multiply(d, xp.conj(d) if d.dtype.kind == "c" else d)


@DivNoNan.kernel
def _divide_no_nan(xp, x, y):
    # x / y, but 0 wherever y is 0 (even for x = 0 or inf): the divisor is
    # replaced by 1 there first, so no nan or inf is ever computed.
    zero = y == 0
    safe = xp.where(zero, xp.ones_like(y), y)
    return xp.where(zero, xp.zeros_like(x * safe), xp.true_divide(x, safe))


# --- comparisons and logic (results are bool) -------------------------------
Equal = _binary("Equal", "equal", ALL_NUMPY)
NotEqual = _binary("NotEqual", "not_equal", ALL_NUMPY)
Less = _binary("Less", "less")
LessEqual = _binary("LessEqual", "less_equal")
Greater = _binary("Greater", "greater")
GreaterEqual = _binary("GreaterEqual", "greater_equal")
LogicalAnd = _binary("LogicalAnd", "logical_and", BOOL)
LogicalOr = _binary("LogicalOr", "logical_or", BOOL)
LogicalXor = _binary("LogicalXor", "logical_xor", BOOL)

Equal.kernel(lambda xp, x, y: xp.equal(x, y))
NotEqual.kernel(lambda xp, x, y: xp.not_equal(x, y))
Less.kernel(lambda xp, x, y: xp.less(x, y))
LessEqual.kernel(lambda xp, x, y: xp.less_equal(x, y))
Greater.kernel(lambda xp, x, y: xp.greater(x, y))
GreaterEqual.kernel(lambda xp, x, y: xp.greater_equal(x, y))
LogicalAnd.kernel(lambda xp, x, y: xp.logical_and(x, y))
LogicalOr.kernel(lambda xp, x, y: xp.logical_or(x, y))
LogicalXor.kernel(lambda xp, x, y: xp.logical_xor(x, y))


# --- the public functions -------------------------------------------------------
def add(x, y, name=None):
    """``x + y`` elementwise, with broadcasting.

    >>> import stage1_tensors as tf
    >>> tf.add([1, 2, 3], [4, 5, 6])
    tf.Tensor([5 7 9], shape=(3,), dtype=int32)
    """
    return execute(AddV2, (x, y))


def subtract(x, y, name=None):
    """``x - y`` elementwise, with broadcasting.

    >>> import stage1_tensors as tf
    >>> tf.subtract([5.0, 3.0], 1.0)
    tf.Tensor([4. 2.], shape=(2,), dtype=float32)
    """
    return execute(Sub, (x, y))


def multiply(x, y, name=None):
    """``x * y`` elementwise, with broadcasting.

    >>> import stage1_tensors as tf
    >>> tf.multiply([[1], [2]], [10, 20])
    tf.Tensor([[10 20]
               [20 40]], shape=(2, 2), dtype=int32)
    """
    return execute(Mul, (x, y))


def divide(x, y, name=None):
    """``x / y`` elementwise. Integer inputs give floats (int32 -> float64).

    >>> import stage1_tensors as tf
    >>> tf.divide(7, 2)
    tf.Tensor(3.5, shape=(), dtype=float64)
    """
    return execute(TrueDiv, (x, y))


truediv = divide


def divide_no_nan(x, y, name=None):
    """``x / y``, but 0 where ``y`` is 0 (floating dtypes; as ``tf.math.divide_no_nan``).

    Only in ``tf.math``, as in TensorFlow 2.

    >>> import stage1_tensors as tf
    >>> tf.math.divide_no_nan([3.0, 1.0, 0.0], [2.0, 0.0, 0.0])
    tf.Tensor([1.5 0.  0. ], shape=(3,), dtype=float32)
    """
    return execute(DivNoNan, (x, y))


def floordiv(x, y, name=None):
    """``x // y``: division rounded toward minus infinity.

    Integer division by zero raises ``InvalidArgumentError``.

    >>> import stage1_tensors as tf
    >>> tf.floordiv([7, -7], 2)
    tf.Tensor([ 3 -4], shape=(2,), dtype=int32)
    """
    return execute(FloorDiv, (x, y))


def floormod(x, y, name=None):
    """``x % y``: the remainder takes the sign of ``y``, so ``x == (x // y) * y + x % y``.

    >>> import stage1_tensors as tf
    >>> tf.math.floormod([7, -7], 3)
    tf.Tensor([1 2], shape=(2,), dtype=int32)
    """
    return execute(FloorMod, (x, y))


mod = floormod


def pow(x, y, name=None):  # noqa: A001  (TensorFlow's name)
    """``x ** y`` elementwise.

    >>> import stage1_tensors as tf
    >>> tf.pow([2.0, 3.0], 2.0)
    tf.Tensor([4. 9.], shape=(2,), dtype=float32)
    """
    return execute(Pow, (x, y))


def maximum(x, y, name=None):
    """The larger of ``x`` and ``y``, elementwise.

    >>> import stage1_tensors as tf
    >>> tf.maximum([1.0, 5.0], 3.0)
    tf.Tensor([3. 5.], shape=(2,), dtype=float32)
    """
    return execute(Maximum, (x, y))


def minimum(x, y, name=None):
    """The smaller of ``x`` and ``y``, elementwise.

    >>> import stage1_tensors as tf
    >>> tf.minimum([1.0, 5.0], 3.0)
    tf.Tensor([1. 3.], shape=(2,), dtype=float32)
    """
    return execute(Minimum, (x, y))


def squared_difference(x, y, name=None):
    """``(x - y) ** 2`` elementwise.

    >>> import stage1_tensors as tf
    >>> tf.math.squared_difference([1.0, 4.0], 2.0)
    tf.Tensor([1. 4.], shape=(2,), dtype=float32)
    """
    return execute(SquaredDifference, (x, y))


def equal(x, y, name=None):
    """``x == y`` elementwise (bool).

    >>> import stage1_tensors as tf
    >>> tf.equal([1, 2], 2)
    tf.Tensor([False  True], shape=(2,), dtype=bool)
    """
    return execute(Equal, (x, y))


def not_equal(x, y, name=None):
    """``x != y`` elementwise (bool).

    >>> import stage1_tensors as tf
    >>> tf.not_equal([1, 2], 2)
    tf.Tensor([ True False], shape=(2,), dtype=bool)
    """
    return execute(NotEqual, (x, y))


def less(x, y, name=None):
    """``x < y`` elementwise (bool).

    >>> import stage1_tensors as tf
    >>> tf.less([1, 2], 2)
    tf.Tensor([ True False], shape=(2,), dtype=bool)
    """
    return execute(Less, (x, y))


def less_equal(x, y, name=None):
    """``x <= y`` elementwise (bool).

    >>> import stage1_tensors as tf
    >>> tf.less_equal([1, 3], 2)
    tf.Tensor([ True False], shape=(2,), dtype=bool)
    """
    return execute(LessEqual, (x, y))


def greater(x, y, name=None):
    """``x > y`` elementwise (bool).

    >>> import stage1_tensors as tf
    >>> tf.greater([1, 3], 2)
    tf.Tensor([False  True], shape=(2,), dtype=bool)
    """
    return execute(Greater, (x, y))


def greater_equal(x, y, name=None):
    """``x >= y`` elementwise (bool).

    >>> import stage1_tensors as tf
    >>> tf.greater_equal([1, 2], 2)
    tf.Tensor([False  True], shape=(2,), dtype=bool)
    """
    return execute(GreaterEqual, (x, y))


def logical_and(x, y, name=None):
    """``x and y`` elementwise on bool tensors.

    >>> import stage1_tensors as tf
    >>> tf.logical_and([True, True], [True, False])
    tf.Tensor([ True False], shape=(2,), dtype=bool)
    """
    return execute(LogicalAnd, (x, y))


def logical_or(x, y, name=None):
    """``x or y`` elementwise on bool tensors.

    >>> import stage1_tensors as tf
    >>> tf.logical_or([False, False], [True, False])
    tf.Tensor([ True False], shape=(2,), dtype=bool)
    """
    return execute(LogicalOr, (x, y))


def logical_xor(x, y, name=None):
    """``x != y`` elementwise on bool tensors.

    >>> import stage1_tensors as tf
    >>> tf.math.logical_xor([True, True], [True, False])
    tf.Tensor([False  True], shape=(2,), dtype=bool)
    """
    return execute(LogicalXor, (x, y))
