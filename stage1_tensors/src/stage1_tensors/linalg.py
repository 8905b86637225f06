"""The ``tf.linalg`` namespace: matrices and their algebra.

The products (``matmul``, ``einsum``, ``tensordot``) and ``eye`` are the
top-level ops under a second name, as in TensorFlow; the rest (inverses,
solvers, decompositions, diagonals, norms) lives in ``ops/matrix_ops.py``.

>>> import stage1_tensors as tf
>>> tf.linalg.matmul is tf.matmul
True
>>> tf.linalg.trace(tf.linalg.inv([[2.0, 0.0], [0.0, 4.0]]))
tf.Tensor(0.75, shape=(), dtype=float32)
"""

from .ops.creation_ops import eye  # noqa: F401
from .ops.linalg_ops import einsum, matmul, tensordot  # noqa: F401
from .ops.matrix_ops import *  # noqa: F401,F403
from .ops.matrix_ops import __all__ as _matrix

__all__ = sorted(set(_matrix) | {"eye", "einsum", "matmul", "tensordot"})
