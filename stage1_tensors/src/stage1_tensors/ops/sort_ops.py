"""Ordering: ``top_k``, the ``k`` largest entries along the last axis and where they are.

``tf.math.top_k`` (also ``tf.nn.top_k``) returns a pair ``(values, indices)``
that can also be read by name. Equal values keep their order: the one with the
lower index comes first, as in TensorFlow.

>>> import stage1_tensors as tf
>>> result = tf.math.top_k([1, 9, 3, 9], k=2)
>>> result.values, result.indices
(tf.Tensor([9 9], shape=(2,), dtype=int32), tf.Tensor([1 3], shape=(2,), dtype=int32))
"""

from collections import namedtuple

import numpy as np

from ..dispatch import execute
from ..dtypes import NUMERIC
from ..errors import InvalidArgumentError
from ..registry import define_op
from .attrs import bool_attr, int_attr

__all__ = ["top_k"]

TopKV2Result = namedtuple("TopKV2", "values indices")


def _check_top_k(values, attrs):
    x, k = values[0], attrs["k"]
    if x.ndim == 0 or not 0 <= k <= x.shape[-1]:
        raise InvalidArgumentError(
            "top_k: the input must have rank >= 1 and at least k entries along its last "
            "axis (0 <= k <= %s), got shape %s and k=%d"
            % (x.shape[-1] if x.ndim else "n", tuple(x.shape), k), op="top_k")


TopKV2 = define_op("TopKV2", "top_k", inputs=("input",), dtypes=NUMERIC,
                   check=_check_top_k, num_outputs=2)


@TopKV2.kernel
def _top_k(xp, x, k, sorted):  # noqa: A002  (TensorFlow's name)
    n = x.shape[-1]
    # A stable ascending sort of the reversed row, read backwards, is a
    # descending sort in which equal values keep their original order.
    order = xp.argsort(xp.flip(x, -1), axis=-1, kind="stable")[..., ::-1][..., :k]
    indices = (n - 1 - order).astype(np.int32)
    return xp.take_along_axis(x, indices, axis=-1), indices


def top_k(input, k=1, sorted=True, name=None):  # noqa: A002
    """The ``k`` largest entries of each row (the last axis), largest first, and their
    int32 indices: ``(values, indices)``. ``sorted=False`` may give them in any
    order (here: sorted anyway). No bools: they have no order here, as in TensorFlow.

    >>> import stage1_tensors as tf
    >>> values, indices = tf.math.top_k([[0.1, 0.7, 0.2], [0.5, 0.3, 0.9]], k=2)
    >>> indices
    tf.Tensor([[1 2]
               [2 0]], shape=(2, 2), dtype=int32)
    """
    out = execute(TopKV2, (input,), {"k": int_attr(k, "k", "top_k"),
                                     "sorted": bool_attr(sorted, "sorted", "top_k")})
    return TopKV2Result(*out)
