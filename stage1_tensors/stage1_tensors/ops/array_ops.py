"""Shape ops: reshape, transpose, concatenation, gathering, padding, ...

>>> import stage1_tensors as tf
>>> tf.reshape(tf.range(6), [2, -1])
tf.Tensor([[0 1 2]
           [3 4 5]], shape=(2, 3), dtype=int32)
"""

import numpy as np

from ..dispatch import execute
from ..errors import InvalidArgumentError
from ..registry import define_op

__all__ = ["reshape"]


def shape_attr(shape, op_name):
    """A shape argument (list, tuple, TensorShape or 1-D tensor) as a tuple of ints."""
    try:
        if hasattr(shape, "numpy"):
            shape = shape.numpy()
        return tuple(int(d) for d in np.asarray(shape).reshape(-1).tolist())
    except (TypeError, ValueError):
        raise InvalidArgumentError(
            "%s: a shape must be a list of ints, got %r" % (op_name, shape),
            op=op_name) from None


def _check_reshape(values, attrs):
    x, shape = values[0], attrs["shape"]
    unknown = [i for i, d in enumerate(shape) if d == -1]
    known = 1
    for d in shape:
        if d != -1:
            known *= d
    bad = len(unknown) > 1 or any(d < -1 for d in shape)
    if not bad:
        bad = (x.size != known) if not unknown else (known == 0 or x.size % known)
    if bad:
        raise InvalidArgumentError(
            "reshape: cannot reshape a tensor with %d elements (shape %s) to shape %s; "
            "the sizes must multiply to %d, with at most one -1 to infer"
            % (x.size, tuple(x.shape), list(shape), x.size), op="reshape")


Reshape = define_op("Reshape", "reshape", inputs=("tensor",), check=_check_reshape)


@Reshape.kernel
def _reshape(xp, x, shape):
    return xp.reshape(x, shape)


def reshape(tensor, shape, name=None):
    """The same elements in a new shape; one dimension may be -1 (inferred).

    >>> import stage1_tensors as tf
    >>> tf.reshape([1, 2, 3, 4], [2, 2]).shape
    TensorShape([2, 2])
    """
    return execute(Reshape, (tensor,), {"shape": shape_attr(shape, "reshape")})
