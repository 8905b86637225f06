"""The ``tf.math`` namespace: every math op under one roof.

The same functions are also top-level names (``tf.add`` is ``tf.math.add``);
a few exist only here, as in TensorFlow (``tf.math.reduce_variance``).

>>> import stage1_tensors as tf
>>> tf.math.add(1, 2)
tf.Tensor(3, shape=(), dtype=int32)
>>> tf.math.sigmoid(0.0), tf.math.reduce_std([1.0, 3.0])
(tf.Tensor(0.5, shape=(), dtype=float32), tf.Tensor(1.0, shape=(), dtype=float32))
"""

from .ops.binary_ops import *  # noqa: F401,F403
from .ops.binary_ops import __all__ as _binary
from .ops.complex_ops import angle, conj, imag, real  # noqa: F401
from .ops.complex_ops import __all__ as _complex
from .ops.linalg_ops import *  # noqa: F401,F403
from .ops.linalg_ops import __all__ as _linalg
from .ops.reduction_ops import *  # noqa: F401,F403
from .ops.reduction_ops import __all__ as _reduction
from .ops.unary_ops import *  # noqa: F401,F403
from .ops.unary_ops import __all__ as _unary
from .ops.gather_ops import where  # noqa: F401  (API.md lists it with the math ops)
# Only in tf.math, as in TensorFlow 2 (not top-level names):
from .ops.binary_ops import divide_no_nan  # noqa: F401
from .ops.reduction_ops import count_nonzero  # noqa: F401
from .ops.gather_ops import bincount, segment_sum, unsorted_segment_sum  # noqa: F401
from .ops.sort_ops import top_k  # noqa: F401  (also tf.nn.top_k)

# Casts are not math in TensorFlow's namespace: tf.cast lives at the top only,
# and so does tf.complex (TensorFlow 2 has no tf.math.complex).
_NOT_MATH = {"cast", "saturate_cast", "complex"}

__all__ = sorted((set(_binary) | set(_unary) | set(_linalg) | set(_reduction) | set(_complex)
                  | {"where", "divide_no_nan", "count_nonzero", "bincount", "segment_sum",
                     "unsorted_segment_sum", "top_k"}) - _NOT_MATH)
