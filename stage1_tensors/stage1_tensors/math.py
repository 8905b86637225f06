"""The ``tf.math`` namespace: every math op under one roof.

>>> import stage1_tensors as tf
>>> tf.math.add(1, 2)
tf.Tensor(3, shape=(), dtype=int32)
"""

from .ops.binary_ops import *  # noqa: F401,F403
from .ops.binary_ops import __all__ as _binary
from .ops.linalg_ops import matmul  # noqa: F401
from .ops.unary_ops import *  # noqa: F401,F403
from .ops.unary_ops import __all__ as _unary

__all__ = sorted(set(_binary) | set(_unary) | {"matmul"})
