"""Reductions: sum, mean, max, ... over some axes (or all of them).

Every reduction takes ``axis`` (an int, a list of ints, negative counts from
the end, ``None`` means all axes) and ``keepdims``.

>>> import stage1_tensors as tf
>>> x = tf.constant([[1, 2], [3, 4]])
>>> tf.reduce_sum(x), tf.reduce_sum(x, axis=0), tf.reduce_sum(x, 1, keepdims=True).shape
(tf.Tensor(10, shape=(), dtype=int32), tf.Tensor([4 6], shape=(2,), dtype=int32), TensorShape([2, 1]))
"""

import numpy as np

from ..dispatch import execute
from ..dtypes import BOOL, FLOATING, INTEGER, NUMBER, NUMERIC, as_dtype
from ..errors import InvalidArgumentError
from ..registry import define_op
from .attrs import bool_attr, tensor_list
from .error_scope import error_scope

__all__ = [
    "reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reduce_prod",
    "reduce_logsumexp", "reduce_any", "reduce_all", "reduce_variance",
    "reduce_std", "argmax", "argmin", "cumsum", "cumprod", "add_n",
]


def _check_axis(op_name):
    """A ``check`` hook that validates a reduction's ``axis`` against the rank."""
    def check(values, attrs):
        check_axes(op_name, values[0], attrs["axis"])
    return check


def check_axes(op_name, x, axis):
    """Raises a teaching error unless every axis in ``axis`` (None or a tuple)
    names a distinct dimension of ``x``."""
    rank = x.ndim
    seen = set()
    for a in (() if axis is None else axis):
        if not -rank <= a < rank:
            raise InvalidArgumentError(
                "%s: axis %d is out of range for a tensor of rank %d (shape %s); %s"
                % (op_name, a, rank, tuple(x.shape),
                   "valid axes are %d..%d" % (-rank, rank - 1) if rank else
                   "a scalar has no axes, use axis=None"), op=op_name)
        if a % rank in seen:
            raise InvalidArgumentError(
                "%s: axis %s names dimension %d twice (shape %s)"
                % (op_name, list(axis), a % rank, tuple(x.shape)), op=op_name)
        seen.add(a % rank)


def normalize_axis(axis, op_name):
    """``axis`` as None or a tuple of ints (tensors and lists accepted)."""
    if axis is None:
        return None
    if type(axis) is int:               # the common cases, answered at once
        return (axis,)
    if type(axis) is tuple:
        for a in axis:
            if type(a) is not int:
                break
        else:
            return axis
    try:
        if hasattr(axis, "numpy"):
            axis = axis.numpy()
        if hasattr(axis, "tolist"):
            axis = axis.tolist()
        if isinstance(axis, (list, tuple)):
            axis = tuple(axis)
        else:
            axis = (axis,)
        if not all(isinstance(a, (int, np.integer)) and not isinstance(a, bool)
                   for a in axis):
            raise TypeError
        return tuple(int(a) for a in axis)
    except (TypeError, ValueError):
        raise InvalidArgumentError(
            "%s: axis must be an int, a list of ints or None, got %r"
            % (op_name, axis), op=op_name) from None


def _reduced_count(x, axis):
    """How many elements each output element of a reduction summarises."""
    if axis is None:
        return x.size
    n = 1
    for a in axis:
        n *= x.shape[a]
    return n


def reduction_op(name, api_name, dtypes=NUMERIC):
    """Declares a reduction op with the shared axis check."""
    return define_op(name, api_name, inputs=("input",), dtypes=dtypes,
                     check=_check_axis(api_name))


Sum = reduction_op("Sum", "reduce_sum", NUMBER)       # (complex too)


@Sum.kernel
def _sum(xp, x, axis, keepdims):
    # The method, not xp.sum: the function's Python-level dispatch costs more
    # than the sum itself on small arrays (about 2.5 us against 1.1 us).
    return x.sum(axis=axis, dtype=x.dtype, keepdims=keepdims)


def reduce_sum(input_tensor, axis=None, keepdims=False, name=None):
    """Sum of elements over ``axis`` (all axes when None).

    >>> import stage1_tensors as tf
    >>> tf.reduce_sum([[1.0, 2.0], [3.0, 4.0]], axis=-1)
    tf.Tensor([3. 7.], shape=(2,), dtype=float32)
    """
    return execute(Sum, (input_tensor,), _reduce_attrs(axis, keepdims, "reduce_sum"))


def _reduce_attrs(axis, keepdims, op_name):
    if keepdims is not False and keepdims is not True:
        keepdims = bool_attr(keepdims, "keepdims", op_name)
    return {"axis": normalize_axis(axis, op_name), "keepdims": keepdims}


def _float_tensor(x, op_name):
    from ..convert import convert_to_tensor
    x = convert_to_tensor(x)
    if not x.dtype.is_floating:
        raise InvalidArgumentError(
            "%s: input must be a float tensor, got %s with shape %s; cast it first "
            "(tf.cast(x, tf.float32))" % (op_name, x.dtype.name, tuple(x.shape)),
            op=op_name)
    return x


# --- mean ---------------------------------------------------------------------------
Mean = reduction_op("Mean", "reduce_mean", NUMBER)


@Mean.kernel
def _mean(xp, x, axis, keepdims):
    n = _reduced_count(x, axis)
    if x.dtype in INTEGER:
        total = xp.sum(x, axis=axis, keepdims=keepdims, dtype=x.dtype)
        if n == 0:
            if total.size == 0:
                return total
            raise InvalidArgumentError(
                "reduce_mean: the mean of no integers is undefined (input shape %s, "
                "axis %s); cast to a float dtype to get nan" % (tuple(x.shape), axis),
                op="reduce_mean")
        # TensorFlow divides integer sums in C, which truncates toward zero.
        n = x.dtype.type(n)
        return xp.where(total < 0, -((-total) // n), total // n).astype(x.dtype)
    with np.errstate(all="ignore"):
        if n == 0:     # 0 / 0 is nan, without NumPy's "mean of empty slice" warning
            return xp.sum(x, axis=axis, keepdims=keepdims, dtype=x.dtype) / x.dtype.type(0)
        if x.dtype == np.float32 or x.dtype == np.float64:
            # np.mean's own arithmetic (the same sum, then one correctly rounded
            # division) without its Python wrapper: 2 µs instead of 7 on a small
            # tensor, where a training step's loss is averaged.
            return x.sum(axis=axis, keepdims=keepdims) / x.dtype.type(n)
        return xp.mean(x, axis=axis, keepdims=keepdims)


def reduce_mean(input_tensor, axis=None, keepdims=False, name=None):
    """Mean of elements over ``axis``. Integer tensors give an integer mean (truncated).

    >>> import stage1_tensors as tf
    >>> tf.reduce_mean([[1.0, 2.0], [3.0, 4.0]], axis=0)
    tf.Tensor([2. 3.], shape=(2,), dtype=float32)
    >>> tf.reduce_mean([1, 2])
    tf.Tensor(1, shape=(), dtype=int32)
    """
    return execute(Mean, (input_tensor,), _reduce_attrs(axis, keepdims, "reduce_mean"))


# --- max, min, prod -------------------------------------------------------------------
def _check_not_empty(op_name):
    check_axis = _check_axis(op_name)

    def check(values, attrs):
        check_axis(values, attrs)
        x = values[0]
        if _reduced_count(x, attrs["axis"]) == 0 and x.size == 0 and \
                _output_size(x, attrs["axis"]) > 0:
            raise InvalidArgumentError(
                "%s: cannot reduce an empty tensor (shape %s) over axis %s: "
                "there is no first value to compare with"
                % (op_name, tuple(x.shape), attrs["axis"]), op=op_name)
    return check


def _output_size(x, axis):
    if axis is None:
        return 1
    n = 1
    reduced = {a % x.ndim for a in axis}
    for i, d in enumerate(x.shape):
        if i not in reduced:
            n *= d
    return n


Max = define_op("Max", "reduce_max", inputs=("input",), dtypes=NUMERIC,
                check=_check_not_empty("reduce_max"))
Min = define_op("Min", "reduce_min", inputs=("input",), dtypes=NUMERIC,
                check=_check_not_empty("reduce_min"))
Prod = reduction_op("Prod", "reduce_prod")

Max.kernel(lambda xp, x, axis, keepdims: xp.max(x, axis=axis, keepdims=keepdims))
Min.kernel(lambda xp, x, axis, keepdims: xp.min(x, axis=axis, keepdims=keepdims))


@Prod.kernel
def _prod(xp, x, axis, keepdims):
    with np.errstate(all="ignore"):     # overflow wraps (ints) or gives inf (floats)
        return xp.prod(x, axis=axis, keepdims=keepdims, dtype=x.dtype)


def reduce_max(input_tensor, axis=None, keepdims=False, name=None):
    """Largest element over ``axis``. An empty reduction is an error (it has no answer).

    >>> import stage1_tensors as tf
    >>> tf.reduce_max([[1, 5], [7, 2]], axis=1)
    tf.Tensor([5 7], shape=(2,), dtype=int32)
    """
    return execute(Max, (input_tensor,), _reduce_attrs(axis, keepdims, "reduce_max"))


def reduce_min(input_tensor, axis=None, keepdims=False, name=None):
    """Smallest element over ``axis``. An empty reduction is an error.

    >>> import stage1_tensors as tf
    >>> tf.reduce_min([[1, 5], [7, 2]], axis=0)
    tf.Tensor([1 2], shape=(2,), dtype=int32)
    """
    return execute(Min, (input_tensor,), _reduce_attrs(axis, keepdims, "reduce_min"))


def reduce_prod(input_tensor, axis=None, keepdims=False, name=None):
    """Product of elements over ``axis`` (1 for an empty reduction).

    >>> import stage1_tensors as tf
    >>> tf.reduce_prod([[1.0, 2.0], [3.0, 4.0]], axis=-1)
    tf.Tensor([ 2. 12.], shape=(2,), dtype=float32)
    """
    return execute(Prod, (input_tensor,), _reduce_attrs(axis, keepdims, "reduce_prod"))


# --- logsumexp --------------------------------------------------------------------------
LogSumExp = reduction_op("ReduceLogSumExp", "reduce_logsumexp", FLOATING)


@LogSumExp.kernel
def _logsumexp(xp, x, axis, keepdims):
    with np.errstate(all="ignore"):
        if _reduced_count(x, axis) == 0:           # log(0) = -inf
            return xp.log(xp.sum(x, axis=axis, keepdims=keepdims, dtype=x.dtype))
        # Subtracting the max keeps exp() from overflowing; an infinite max
        # (all -inf, or an inf input) is left out so inf - inf makes no nan.
        top = xp.max(x, axis=axis, keepdims=True)
        top = xp.where(xp.isfinite(top), top, x.dtype.type(0))
        out = xp.log(xp.sum(xp.exp(x - top), axis=axis, keepdims=True)) + top
    if not keepdims:
        out = out.reshape(xp.sum(top, axis=axis).shape)
    return out


def reduce_logsumexp(input_tensor, axis=None, keepdims=False, name=None):
    """``log(reduce_sum(exp(x)))`` over ``axis``, computed without overflow (floats only).

    >>> import stage1_tensors as tf
    >>> tf.reduce_logsumexp([1000.0, 1000.0])
    tf.Tensor(1000.6932, shape=(), dtype=float32)
    """
    return execute(LogSumExp, (input_tensor,),
                   _reduce_attrs(axis, keepdims, "reduce_logsumexp"))


# --- count_nonzero: a composite of public ops ----------------------------------------
def count_nonzero(input, axis=None, keepdims=None, dtype="int64", name=None):  # noqa: A002
    """How many elements over ``axis`` are not zero (not False for bools), as
    ``dtype`` (int64 by default). Built from ``not_equal``, ``cast`` and
    ``reduce_sum``, so it has no gradient, as in TensorFlow. Only in ``tf.math``.

    >>> import stage1_tensors as tf
    >>> tf.math.count_nonzero([[0.0, 1.5], [2.0, 3.0]], axis=1)
    tf.Tensor([1 2], shape=(2,), dtype=int64)
    """
    from .unary_ops import cast
    from .binary_ops import not_equal
    from ..convert import convert_to_tensor
    with error_scope("count_nonzero"):
        x = convert_to_tensor(input)
        nonzero = not_equal(x, convert_to_tensor(False if x.dtype.is_bool else 0, x.dtype))
        return reduce_sum(cast(nonzero, dtype), axis=axis,
                          keepdims=False if keepdims is None else keepdims)


# --- any, all ---------------------------------------------------------------------------
Any = reduction_op("Any", "reduce_any", BOOL)
All = reduction_op("All", "reduce_all", BOOL)
Any.kernel(lambda xp, x, axis, keepdims: xp.any(x, axis=axis, keepdims=keepdims))
All.kernel(lambda xp, x, axis, keepdims: xp.all(x, axis=axis, keepdims=keepdims))


def reduce_any(input_tensor, axis=None, keepdims=False, name=None):
    """Whether any element over ``axis`` is True (bool tensors only).

    >>> import stage1_tensors as tf
    >>> tf.reduce_any([[True, False], [False, False]], axis=1)
    tf.Tensor([ True False], shape=(2,), dtype=bool)
    """
    return execute(Any, (input_tensor,), _reduce_attrs(axis, keepdims, "reduce_any"))


def reduce_all(input_tensor, axis=None, keepdims=False, name=None):
    """Whether every element over ``axis`` is True (bool tensors only).

    >>> import stage1_tensors as tf
    >>> tf.reduce_all([[True, False], [True, True]], axis=1)
    tf.Tensor([False  True], shape=(2,), dtype=bool)
    """
    return execute(All, (input_tensor,), _reduce_attrs(axis, keepdims, "reduce_all"))


# --- variance and standard deviation (composed, so they differentiate for free) --------
def reduce_variance(input_tensor, axis=None, keepdims=False, name=None):
    """Variance over ``axis``: the mean squared distance from the mean (floats only).

    >>> import stage1_tensors as tf
    >>> tf.math.reduce_variance([[1.0, 2.0], [3.0, 4.0]])
    tf.Tensor(1.25, shape=(), dtype=float32)
    """
    from .binary_ops import squared_difference
    with error_scope("reduce_variance"):
        x = _float_tensor(input_tensor, "reduce_variance")
        axis = normalize_axis(axis, "reduce_variance")
        check_axes("reduce_variance", x._value, axis)
        mean = reduce_mean(x, axis, keepdims=True)
        return reduce_mean(squared_difference(x, mean), axis, keepdims)


def reduce_std(input_tensor, axis=None, keepdims=False, name=None):
    """Standard deviation over ``axis``: ``sqrt(reduce_variance(...))`` (floats only).

    >>> import stage1_tensors as tf
    >>> tf.math.reduce_std([[1.0, 2.0], [3.0, 4.0]], axis=1)
    tf.Tensor([0.5 0.5], shape=(2,), dtype=float32)
    """
    from .unary_ops import sqrt
    with error_scope("reduce_std"):
        x = _float_tensor(input_tensor, "reduce_std")
        axis = normalize_axis(axis, "reduce_std")
        check_axes("reduce_std", x._value, axis)
        return sqrt(reduce_variance(x, axis, keepdims))


# --- argmax, argmin ------------------------------------------------------------------------
def _check_arg(op_name):
    def check(values, attrs):
        x, axis = values[0], attrs["axis"]
        check_axes(op_name, x, (axis,))
        if x.shape[axis] == 0:
            raise InvalidArgumentError(
                "%s: axis %d of the input (shape %s) is empty, so there is no "
                "index to return" % (op_name, axis, tuple(x.shape)), op=op_name)
    return check


ArgMax = define_op("ArgMax", "argmax", inputs=("input",), dtypes=NUMERIC | BOOL,
                   check=_check_arg("argmax"))
ArgMin = define_op("ArgMin", "argmin", inputs=("input",), dtypes=NUMERIC | BOOL,
                   check=_check_arg("argmin"))
ArgMax.kernel(lambda xp, x, axis, output_type:
              xp.argmax(x, axis=axis).astype(output_type))
ArgMin.kernel(lambda xp, x, axis, output_type:
              xp.argmin(x, axis=axis).astype(output_type))


def _arg_attrs(axis, output_type, op_name):
    if axis is None:
        axis = 0
    axes = normalize_axis(axis, op_name)
    if len(axes) != 1:
        raise InvalidArgumentError(
            "%s: axis must be a single int, got %r" % (op_name, axis), op=op_name)
    try:
        output_type = as_dtype(output_type).name
    except TypeError:
        output_type = None
    if output_type not in ("int32", "int64"):
        raise InvalidArgumentError(
            "%s: output_type must be tf.int32 or tf.int64" % op_name, op=op_name)
    return {"axis": axes[0], "output_type": output_type}


def argmax(input, axis=None, output_type="int64", name=None):  # noqa: A002
    """Index of the largest value along ``axis`` (0 when None); first one on ties.

    >>> import stage1_tensors as tf
    >>> tf.argmax([[1, 9, 3], [8, 2, 8]], axis=1)
    tf.Tensor([1 0], shape=(2,), dtype=int64)
    """
    return execute(ArgMax, (input,), _arg_attrs(axis, output_type, "argmax"))


def argmin(input, axis=None, output_type="int64", name=None):  # noqa: A002
    """Index of the smallest value along ``axis`` (0 when None); first one on ties.

    >>> import stage1_tensors as tf
    >>> tf.argmin([[1, 9, 3], [8, 2, 8]])
    tf.Tensor([0 1 0], shape=(3,), dtype=int64)
    """
    return execute(ArgMin, (input,), _arg_attrs(axis, output_type, "argmin"))


# --- running sums and products ---------------------------------------------------------------
def _check_scan(op_name):
    def check(values, attrs):
        check_axes(op_name, values[0], (attrs["axis"],))
    return check


def _scan(fn, identity):
    def kernel(xp, x, axis, exclusive, reverse):
        if reverse:
            x = xp.flip(x, axis)
        with np.errstate(all="ignore"):
            out = fn(xp, x, axis)
        if exclusive and x.shape[axis]:
            # Shift by one along the axis: element i gets the scan of 0..i-1.
            head = [slice(None)] * x.ndim
            head[axis] = slice(0, 1)
            body = [slice(None)] * x.ndim
            body[axis] = slice(0, -1)
            first = xp.full_like(out[tuple(head)], identity)
            out = xp.concatenate([first, out[tuple(body)]], axis=axis)
        return xp.flip(out, axis) if reverse else out
    return kernel


Cumsum = define_op("Cumsum", "cumsum", inputs=("x",), dtypes=NUMERIC,
                   check=_check_scan("cumsum"))
Cumprod = define_op("Cumprod", "cumprod", inputs=("x",), dtypes=NUMERIC,
                    check=_check_scan("cumprod"))
# dtype=x.dtype: NumPy would widen int32 running sums to int64.
Cumsum.kernel(_scan(lambda xp, x, axis: xp.cumsum(x, axis=axis, dtype=x.dtype), 0))
Cumprod.kernel(_scan(lambda xp, x, axis: xp.cumprod(x, axis=axis, dtype=x.dtype), 1))


def _scan_attrs(axis, exclusive, reverse, op_name):
    axes = normalize_axis(axis, op_name)
    if axes is None or len(axes) != 1:
        raise InvalidArgumentError(
            "%s: axis must be a single int, got %r" % (op_name, axis), op=op_name)
    return {"axis": axes[0], "exclusive": bool_attr(exclusive, "exclusive", op_name),
            "reverse": bool_attr(reverse, "reverse", op_name)}


def cumsum(x, axis=0, exclusive=False, reverse=False, name=None):
    """Running sum along ``axis``; ``exclusive`` leaves out the current element,
    ``reverse`` runs from the end.

    >>> import stage1_tensors as tf
    >>> tf.cumsum([1, 2, 3]), tf.cumsum([1, 2, 3], exclusive=True, reverse=True)
    (tf.Tensor([1 3 6], shape=(3,), dtype=int32), tf.Tensor([5 3 0], shape=(3,), dtype=int32))
    """
    return execute(Cumsum, (x,), _scan_attrs(axis, exclusive, reverse, "cumsum"))


def cumprod(x, axis=0, exclusive=False, reverse=False, name=None):
    """Running product along ``axis`` (``exclusive``/``reverse`` as in ``cumsum``).

    >>> import stage1_tensors as tf
    >>> tf.math.cumprod([1.0, 2.0, 3.0]), tf.math.cumprod([1, 2, 3], exclusive=True)
    (tf.Tensor([1. 2. 6.], shape=(3,), dtype=float32), tf.Tensor([1 1 2], shape=(3,), dtype=int32))
    """
    return execute(Cumprod, (x,), _scan_attrs(axis, exclusive, reverse, "cumprod"))


# --- the sum of a list of tensors -------------------------------------------------------------
def _check_add_n(values, attrs):
    shapes = [tuple(v.shape) for v in values]
    if any(s != shapes[0] for s in shapes):
        raise InvalidArgumentError(
            "add_n: all inputs must have the same shape (add_n does not broadcast), "
            "got %s" % ", ".join(str(s) for s in shapes), op="add_n")


AddN = define_op("AddN", "add_n", inputs=("inputs",), dtypes=NUMBER,
                 variadic=True, check=_check_add_n)


@AddN.kernel
def _add_n(xp, *xs):
    total = xp.add(xs[0], xs[1]) if len(xs) > 1 else xs[0].copy()
    for x in xs[2:]:
        if total.ndim:
            xp.add(total, x, out=total)     # one result buffer for the whole sum
        else:                               # (a 0-d sum may be a NumPy scalar)
            total = xp.add(total, x)
    return total


def add_n(inputs, name=None):
    """The elementwise sum of a list of tensors of one shape and dtype.

    >>> import stage1_tensors as tf
    >>> tf.add_n([[1, 2], [3, 4], [5, 6]])
    tf.Tensor([ 9 12], shape=(2,), dtype=int32)
    """
    from ..tensor import Tensor
    if isinstance(inputs, Tensor):
        raise InvalidArgumentError(
            "add_n: inputs must be a list of tensors, got one tensor of shape %s; "
            "use tf.reduce_sum(x, axis=0) to sum along an axis" % (tuple(inputs.shape),),
            op="add_n")
    return execute(AddN, (tensor_list(inputs, "add_n"),))
