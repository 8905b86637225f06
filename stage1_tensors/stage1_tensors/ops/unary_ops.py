"""Elementwise unary ops: sign changes, powers, exponentials, trigonometry.

>>> import stage1_tensors as tf
>>> tf.negative([1, -2]), tf.abs([-1.5, 2.0])
(tf.Tensor([-1  2], shape=(2,), dtype=int32), tf.Tensor([1.5 2. ], shape=(2,), dtype=float32))
"""

from ..dispatch import execute
from ..dtypes import BOOL, NUMERIC
from ..registry import define_op

__all__ = ["negative", "abs", "logical_not"]


def _unary(name, api_name, dtypes=NUMERIC):
    return define_op(name, api_name, inputs=("x",), dtypes=dtypes)


Neg = _unary("Neg", "negative")
Abs = _unary("Abs", "abs")
LogicalNot = _unary("LogicalNot", "logical_not", BOOL)

Neg.kernel(lambda xp, x: xp.negative(x))
Abs.kernel(lambda xp, x: xp.abs(x))
LogicalNot.kernel(lambda xp, x: xp.logical_not(x))


def negative(x, name=None):
    """``-x`` elementwise.

    >>> import stage1_tensors as tf
    >>> tf.negative([1.0, -2.0])
    tf.Tensor([-1.  2.], shape=(2,), dtype=float32)
    """
    return execute(Neg, (x,))


def abs(x, name=None):  # noqa: A001  (TensorFlow's name)
    """``|x|`` elementwise.

    >>> import stage1_tensors as tf
    >>> tf.abs([-3, 4])
    tf.Tensor([3 4], shape=(2,), dtype=int32)
    """
    return execute(Abs, (x,))


def logical_not(x, name=None):
    """``not x`` elementwise on a bool tensor.

    >>> import stage1_tensors as tf
    >>> tf.logical_not([True, False])
    tf.Tensor([False  True], shape=(2,), dtype=bool)
    """
    return execute(LogicalNot, (x,))
