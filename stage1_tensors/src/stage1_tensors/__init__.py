"""Stage 1: eager tensors on NumPy.

Every op runs the moment it is called and returns a concrete ``Tensor``:

>>> import stage1_tensors as tf
>>> tf.executing_eagerly()
True
>>> x = [[2.]]
>>> print(tf.matmul(x, x))
tf.Tensor([[4.]], shape=(1, 1), dtype=float32)

The pieces, in reading order: ``dtypes`` (element types), ``tensor`` (the
Tensor class), ``convert`` (Python values to tensors), ``registry`` (ops and
kernels), ``dispatch`` (the one way in for every op), ``operators`` (``a + b``),
and ``ops/`` (the op library, one family per module).
"""

from . import backends, dispatch, dtypes, errors, registry  # noqa: F401
from .convert import constant, convert_to_tensor
from .dtypes import (DType, as_dtype, bool, complex64, complex128, double,  # noqa: A004
                     float16, float32, float64, half, int8, int16, int32, int64, uint8)
from .eager import enable_eager_execution, executing_eagerly
from .tensor import Tensor, TensorShape
from . import operators  # noqa: F401  (attaches +, -, [], ... to Tensor)
from .ops.binary_ops import *  # noqa: F401,F403
from .ops.unary_ops import *  # noqa: F401,F403
from .ops.linalg_ops import *  # noqa: F401,F403
from .ops.reduction_ops import *  # noqa: F401,F403
from .ops.array_ops import *  # noqa: F401,F403
from .ops.gather_ops import *  # noqa: F401,F403
from .ops.scatter_ops import *  # noqa: F401,F403
from .ops.creation_ops import *  # noqa: F401,F403
from .ops.complex_ops import complex  # noqa: F401,A004  (real, imag, conj, angle: tf.math.*)
from .ops.matrix_ops import norm  # noqa: F401  (also tf.linalg.norm)
from . import compat, image, linalg, math, nn, random  # noqa: F401

__version__ = "0.1.0"
from .aliases import *  # noqa: F401,F403,E402  (TF-1 names: random_normal, ...)
