"""Creating tensors: zeros, ones, fill, eye, range, linspace.

Most of these ops have no tensor inputs at all: their shape and dtype are
attributes. They still run through the dispatcher like every other op (so the
tape and graph tracing see them), and they create their result on the
*default backend* (NumPy here; stage 5's ``device`` scopes change it).

>>> import stage1_tensors as tf
>>> tf.zeros([2, 3]).shape, tf.ones([2], dtype=tf.int32)
(TensorShape([2, 3]), tf.Tensor([1 1], shape=(2,), dtype=int32))
>>> tf.range(0.0, 1.0, 0.25)
tf.Tensor([0.   0.25 0.5  0.75], shape=(4,), dtype=float32)
"""

import builtins
import math as _math

import numpy as np

from ..dispatch import execute
from ..dtypes import FLOATING, as_dtype
from ..errors import InvalidArgumentError
from ..registry import define_op
from ..tensor import Tensor
from .attrs import int_attr, shape_attr
from .unary_ops import cast

__all__ = ["zeros", "ones", "zeros_like", "ones_like", "fill", "eye", "range",
           "linspace"]


def _dtype_name(dtype, op_name):
    try:
        return as_dtype(dtype).name
    except TypeError as error:
        raise InvalidArgumentError("%s: %s" % (op_name, error), op=op_name) from None


def _shape(shape, op_name):
    dims = shape_attr(shape, op_name)
    # (not a tuple: a shape that a graph computes, checked when it runs)
    if type(dims) is tuple and any(d < 0 for d in dims):
        raise InvalidArgumentError(
            "%s: shape %s has a negative dimension; every size must be >= 0"
            % (op_name, list(dims)), op=op_name)
    return dims


# --- zeros, ones, fill ------------------------------------------------------------
Zeros = define_op("Zeros", "zeros", inputs=())
Ones = define_op("Ones", "ones", inputs=())

Zeros.kernel(lambda xp, shape, dtype: xp.zeros(shape, dtype=dtype))
Ones.kernel(lambda xp, shape, dtype: xp.ones(shape, dtype=dtype))


def zeros(shape, dtype="float32", name=None):
    """A tensor of ``shape`` filled with zeros (float32 unless ``dtype`` says otherwise).

    >>> import stage1_tensors as tf
    >>> tf.zeros([2, 2], dtype=tf.int32)
    tf.Tensor([[0 0]
               [0 0]], shape=(2, 2), dtype=int32)
    """
    return execute(Zeros, (), {"shape": _shape(shape, "zeros"),
                               "dtype": _dtype_name(dtype, "zeros")})


def ones(shape, dtype="float32", name=None):
    """A tensor of ``shape`` filled with ones (float32 unless ``dtype`` says otherwise).

    >>> import stage1_tensors as tf
    >>> tf.ones([3])
    tf.Tensor([1. 1. 1.], shape=(3,), dtype=float32)
    """
    return execute(Ones, (), {"shape": _shape(shape, "ones"),
                              "dtype": _dtype_name(dtype, "ones")})


ZerosLike = define_op("ZerosLike", "zeros_like", inputs=("input",))
OnesLike = define_op("OnesLike", "ones_like", inputs=("input",))

ZerosLike.kernel(lambda xp, x, dtype: xp.zeros(x.shape, dtype=dtype or x.dtype))
OnesLike.kernel(lambda xp, x, dtype: xp.ones(x.shape, dtype=dtype or x.dtype))


def zeros_like(input, dtype=None, name=None):  # noqa: A002  (TensorFlow's name)
    """Zeros with the shape (and, unless ``dtype`` is given, the dtype) of ``input``.

    >>> import stage1_tensors as tf
    >>> tf.zeros_like([[1, 2, 3]])
    tf.Tensor([[0 0 0]], shape=(1, 3), dtype=int32)
    """
    dtype = None if dtype is None else _dtype_name(dtype, "zeros_like")
    return execute(ZerosLike, (input,), {"dtype": dtype})


def ones_like(input, dtype=None, name=None):  # noqa: A002
    """Ones with the shape (and, unless ``dtype`` is given, the dtype) of ``input``.

    >>> import stage1_tensors as tf
    >>> tf.ones_like([1.0, 2.0], dtype=tf.float64)
    tf.Tensor([1. 1.], shape=(2,), dtype=float64)
    """
    dtype = None if dtype is None else _dtype_name(dtype, "ones_like")
    return execute(OnesLike, (input,), {"dtype": dtype})


def _check_fill(values, attrs):
    if values[0].ndim != 0:
        raise InvalidArgumentError(
            "fill: value must be a scalar, got shape %s" % (tuple(values[0].shape),),
            op="fill")


Fill = define_op("Fill", "fill", inputs=("value",), check=_check_fill)


@Fill.kernel
def _fill(xp, value, dims):
    out = xp.empty(dims, dtype=value.dtype)
    out[...] = value
    return out


def fill(dims, value, name=None):
    """A tensor of shape ``dims`` whose every element is ``value`` (a scalar).

    The dtype is ``value``'s: a Python float gives float32, an int int32.

    >>> import stage1_tensors as tf
    >>> tf.fill([2, 3], 9)
    tf.Tensor([[9 9 9]
               [9 9 9]], shape=(2, 3), dtype=int32)
    """
    return execute(Fill, (value,), {"dims": _shape(dims, "fill")})


# --- eye -------------------------------------------------------------------------
Eye = define_op("Eye", "eye", inputs=())


@Eye.kernel
def _eye(xp, num_rows, num_columns, batch_shape, dtype):
    matrix = xp.eye(num_rows, num_columns, dtype=dtype)
    if not batch_shape:
        return matrix
    return xp.broadcast_to(matrix, batch_shape + matrix.shape).copy()


def eye(num_rows, num_columns=None, batch_shape=None, dtype="float32", name=None):
    """An identity matrix (or a batch of them), ones on the main diagonal.

    >>> import stage1_tensors as tf
    >>> tf.eye(2)
    tf.Tensor([[1. 0.]
               [0. 1.]], shape=(2, 2), dtype=float32)
    >>> tf.eye(2, 3, batch_shape=[4]).shape
    TensorShape([4, 2, 3])
    """
    rows = int_attr(num_rows, "num_rows", "eye")
    columns = rows if num_columns is None else int_attr(num_columns, "num_columns", "eye")
    if rows < 0 or columns < 0:
        raise InvalidArgumentError(
            "eye: num_rows and num_columns must be >= 0, got %d and %d" % (rows, columns),
            op="eye")
    batch = () if batch_shape is None else _shape(batch_shape, "eye")
    return execute(Eye, (), {"num_rows": rows, "num_columns": columns,
                             "batch_shape": batch, "dtype": _dtype_name(dtype, "eye")})


# --- range -----------------------------------------------------------------------
# TensorFlow's rule for range's dtype: the "widest" of its arguments' dtypes.
# The widest argument decides the dtype (NumPy scalars bring their own).
_RANGE_ORDER = {"uint8": 0, "int8": 0, "int16": 0, "int32": 1, "int64": 2,
                "float16": 3, "float32": 4, "float64": 5}


def _range_arg(value, what):
    """A Python number for one of range's arguments, and the dtype it implies."""
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise InvalidArgumentError("range: %s must be a scalar, got shape %s"
                                       % (what, tuple(value.shape)), op="range")
        return value.numpy().item(), value.dtype.name
    if isinstance(value, (builtins.bool, np.bool_)) or not isinstance(
            value, (int, float, np.integer, np.floating)):
        raise InvalidArgumentError("range: %s must be a number, got %r" % (what, value),
                                   op="range")
    if isinstance(value, (np.integer, np.floating)):
        return value.item(), value.dtype.name
    if isinstance(value, float):
        return value, "float32"
    return value, "int32" if -2**31 <= value < 2**31 else "int64"


def _check_range(values, attrs):
    start, limit, delta = attrs["bounds"]
    if delta == 0:
        raise InvalidArgumentError("range: delta must not be 0", op="range")
    if (delta > 0 and start > limit) or (delta < 0 and start < limit):
        raise InvalidArgumentError(
            "range: start %s can never reach limit %s with delta %s; need start <= "
            "limit when delta > 0 and start >= limit when delta < 0"
            % (start, limit, delta), op="range")


Range = define_op("Range", "range", inputs=(), check=_check_range)


@Range.kernel
def _range(xp, bounds, dtype):
    start, limit, delta = bounds
    count = _math.ceil((limit - start) / delta)
    if np.dtype(dtype).kind in "iu":
        return xp.arange(start, limit, delta, dtype=dtype)
    return (xp.arange(count, dtype=dtype) * xp.asarray(delta, dtype=dtype)
            + xp.asarray(start, dtype=dtype))


def range(start, limit=None, delta=1, dtype=None, name="range"):  # noqa: A001
    """The numbers ``start, start + delta, ...`` up to (not including) ``limit``.

    With one argument it counts from 0. Without ``dtype``, all-int arguments give
    int32 and any float gives float32, as in TensorFlow.

    >>> import stage1_tensors as tf
    >>> tf.range(5)
    tf.Tensor([0 1 2 3 4], shape=(5,), dtype=int32)
    >>> tf.range(10, 0, -3)
    tf.Tensor([10  7  4  1], shape=(4,), dtype=int32)
    """
    if limit is None:
        start, limit = 0, start
    if any(isinstance(v, Tensor) and not _readable(v) for v in (start, limit, delta)):
        return _range_from_the_graph(start, limit, delta, dtype)
    args = [_range_arg(v, w) for v, w in ((start, "start"), (limit, "limit"),
                                          (delta, "delta"))]
    if dtype is None:
        dtype = builtins.max((kind for _, kind in args), key=_RANGE_ORDER.get)
    dtype = _dtype_name(dtype, "range")
    (start, _), (limit, _), (delta, _) = args
    if np.dtype(dtype).kind in "iu":
        if any(isinstance(v, float) and v != int(v) for v, _ in args):
            raise InvalidArgumentError(
                "range: dtype %s needs whole-number arguments, got start=%s, limit=%s, "
                "delta=%s" % (dtype, start, limit, delta), op="range")
        start, limit, delta = int(start), int(limit), int(delta)
    else:
        start, limit, delta = float(start), float(limit), float(delta)
    return execute(Range, (), {"bounds": (start, limit, delta), "dtype": dtype})


def _readable(tensor):
    """False for a tensor whose value is not known yet: one that a graph computes
    when it runs (``tf.shape(x)[0]`` inside ``tf.function``)."""
    try:
        tensor.numpy()
    except TypeError:
        return False
    return True


def _range_from_the_graph(start, limit, delta, dtype):
    """``range`` with integer bounds that a graph computes: the bounds go in as a
    shape (``shape_attr``, which a later stage lets a graph compute), so the
    count of numbers is known only when the graph runs, as in TensorFlow."""
    kinds = [v.dtype.name if isinstance(v, Tensor) else _range_arg(v, w)[1]
             for v, w in ((start, "start"), (limit, "limit"), (delta, "delta"))]
    if dtype is None:
        dtype = builtins.max(kinds, key=_RANGE_ORDER.get)
    dtype = _dtype_name(dtype, "range")
    if not all(np.dtype(k).kind in "iu" for k in kinds):
        raise InvalidArgumentError(
            "range: bounds computed by a graph must be integers (the count of numbers "
            "comes from them); got start, limit, delta of dtypes %s" % ", ".join(kinds),
            op="range")
    bounds = shape_attr([start, limit, delta], "range")
    if np.dtype(dtype).kind in "iu":
        return execute(Range, (), {"bounds": bounds, "dtype": dtype})
    # Whole numbers as floats: count in integers, then cast.
    return cast(execute(Range, (), {"bounds": bounds, "dtype": "int32"}), dtype)


# --- linspace --------------------------------------------------------------------
def _check_linspace(values, attrs):
    start, stop = values
    if start.shape != stop.shape:
        raise InvalidArgumentError(
            "linspace: start %s and stop %s must have the same shape"
            % (tuple(start.shape), tuple(stop.shape)), op="linspace")
    if attrs["num"] < 0:
        raise InvalidArgumentError("linspace: num must be >= 0, got %d" % attrs["num"],
                                   op="linspace")
    rank = start.ndim + 1
    if not -rank <= attrs["axis"] < rank:
        raise InvalidArgumentError(
            "linspace: axis %d is out of range for a result of rank %d; valid axes "
            "are %d..%d" % (attrs["axis"], rank, -rank, rank - 1), op="linspace")


LinSpace = define_op("LinSpace", "linspace", inputs=("start", "stop"),
                     dtypes=FLOATING, check=_check_linspace)


@LinSpace.kernel
def _linspace(xp, start, stop, num, axis):
    # start + i * step, with the last value exactly ``stop`` (TensorFlow does the same).
    steps = xp.arange(num, dtype=start.dtype).reshape((num,) + (1,) * start.ndim)
    step = (stop - start) / max(num - 1, 1)
    out = start + steps * step
    if num > 1:
        out[-1] = stop
    return xp.moveaxis(out, 0, axis)


def linspace(start, stop, num, name=None, axis=0):
    """``num`` evenly spaced values from ``start`` to ``stop``, both included.

    ``start`` and ``stop`` may be tensors of one shape; the new axis goes at ``axis``.
    Python numbers give float32.

    >>> import stage1_tensors as tf
    >>> tf.linspace(0.0, 1.0, 5)
    tf.Tensor([0.   0.25 0.5  0.75 1.  ], shape=(5,), dtype=float32)
    """
    if not isinstance(start, Tensor) and not isinstance(stop, Tensor) and \
            np.ndim(start) == 0 and np.ndim(stop) == 0 and \
            not isinstance(start, np.generic) and not isinstance(stop, np.generic):
        try:
            start, stop = float(start), float(stop)   # linspace(0, 10, 5) means floats
        except (TypeError, ValueError):
            raise InvalidArgumentError(
                "linspace: start and stop must be numbers or tensors, got %r and %r"
                % (start, stop), op="linspace") from None
    return execute(LinSpace, (start, stop), {"num": int_attr(num, "num", "linspace"),
                                             "axis": int_attr(axis, "axis", "linspace")})
