"""Reductions: sum, mean, max, ... over some axes (or all of them).

Every reduction takes ``axis`` (an int, a list of ints, negative counts from
the end, ``None`` means all axes) and ``keepdims``.

>>> import stage1_tensors as tf
>>> x = tf.constant([[1, 2], [3, 4]])
>>> tf.reduce_sum(x), tf.reduce_sum(x, axis=0), tf.reduce_sum(x, 1, keepdims=True).shape
(tf.Tensor(10, shape=(), dtype=int32), tf.Tensor([4 6], shape=(2,), dtype=int32), TensorShape([2, 1]))
"""

from ..dispatch import execute
from ..dtypes import NUMERIC
from ..errors import InvalidArgumentError
from ..registry import define_op

__all__ = ["reduce_sum"]


def _check_axis(op_name):
    """A ``check`` hook that validates a reduction's ``axis`` against the rank."""
    def check(values, attrs):
        axis, rank = attrs["axis"], values[0].ndim
        for a in (() if axis is None else axis):
            if not -rank <= a < max(rank, 1):
                raise InvalidArgumentError(
                    "%s: axis %d is out of range for a tensor of rank %d (shape %s); "
                    "valid axes are %d..%d" % (op_name, a, rank, tuple(values[0].shape),
                                               -rank, rank - 1), op=op_name)
    return check


def normalize_axis(axis, op_name):
    """``axis`` as None or a tuple of ints (tensors and lists accepted)."""
    if axis is None:
        return None
    try:
        if hasattr(axis, "numpy"):
            axis = axis.numpy()
        if hasattr(axis, "tolist"):
            axis = axis.tolist()
        return (int(axis),) if isinstance(axis, int) else tuple(int(a) for a in axis)
    except (TypeError, ValueError):
        raise InvalidArgumentError(
            "%s: axis must be an int, a list of ints or None, got %r"
            % (op_name, axis), op=op_name) from None


def reduction_op(name, api_name, dtypes=NUMERIC):
    """Declares a reduction op with the shared axis check."""
    return define_op(name, api_name, inputs=("input",), dtypes=dtypes,
                     check=_check_axis(api_name))


Sum = reduction_op("Sum", "reduce_sum")


@Sum.kernel
def _sum(xp, x, axis, keepdims):
    return xp.sum(x, axis=axis, keepdims=keepdims, dtype=x.dtype)


def reduce_sum(input_tensor, axis=None, keepdims=False, name=None):
    """Sum of elements over ``axis`` (all axes when None).

    >>> import stage1_tensors as tf
    >>> tf.reduce_sum([[1.0, 2.0], [3.0, 4.0]], axis=-1)
    tf.Tensor([3. 7.], shape=(2,), dtype=float32)
    """
    return execute(Sum, (input_tensor,),
                   {"axis": normalize_axis(axis, "reduce_sum"), "keepdims": bool(keepdims)})
