"""Matrix multiplication (``matmul``, batched) and its relatives.

>>> import stage1_tensors as tf
>>> tf.matmul([[1, 2], [3, 4]], [[5, 6], [7, 8]])
tf.Tensor([[19 22]
           [43 50]], shape=(2, 2), dtype=int32)
"""

from ..dispatch import execute
from ..dtypes import NUMERIC
from ..errors import InvalidArgumentError
from ..registry import define_op

__all__ = ["matmul"]


def _check_matmul(values, attrs):
    a, b = values
    if a.ndim < 2 or b.ndim < 2:
        raise InvalidArgumentError(
            "matmul: both inputs must have rank >= 2, got a %s and b %s; "
            "use tf.expand_dims or tf.tensordot for vectors"
            % (tuple(a.shape), tuple(b.shape)), op="matmul")
    inner_a = a.shape[-2] if attrs.get("transpose_a") else a.shape[-1]
    inner_b = b.shape[-1] if attrs.get("transpose_b") else b.shape[-2]
    if inner_a != inner_b:
        flags = "".join(", %s=True" % k for k in ("transpose_a", "transpose_b")
                        if attrs.get(k))
        raise InvalidArgumentError(
            "matmul: inner dimensions must match, got a %s and b %s%s"
            % (tuple(a.shape), tuple(b.shape), flags), op="matmul")


MatMul = define_op("MatMul", "matmul", inputs=("a", "b"), dtypes=NUMERIC,
                   check=_check_matmul)


@MatMul.kernel
def _matmul(xp, a, b, transpose_a=False, transpose_b=False):
    if transpose_a:
        a = xp.swapaxes(a, -1, -2)
    if transpose_b:
        b = xp.swapaxes(b, -1, -2)
    return xp.matmul(a, b)


_NO_TRANSPOSE = {}


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False,
           adjoint_b=False, name=None):
    """Matrix product of the last two axes; leading (batch) axes broadcast.

    ``transpose_a``/``transpose_b`` transpose the last two axes first
    (``adjoint_*`` means the same for real numbers).

    >>> import stage1_tensors as tf
    >>> x = [[2.]]
    >>> tf.matmul(x, x)
    tf.Tensor([[4.]], shape=(1, 1), dtype=float32)
    >>> tf.matmul(tf.ones([5, 2, 3]), tf.ones([5, 4, 3]), transpose_b=True).shape
    TensorShape([5, 2, 4])
    """
    transpose_a = bool(transpose_a or adjoint_a)
    transpose_b = bool(transpose_b or adjoint_b)
    if not (transpose_a or transpose_b):
        return execute(MatMul, (a, b), _NO_TRANSPOSE)
    return execute(MatMul, (a, b), {"transpose_a": transpose_a,
                                    "transpose_b": transpose_b})
