"""Stage 2: automatic differentiation on top of stage 1's eager tensors.

>>> import stage2_autodiff as tf
>>> tf.add(1.0, 2.0)
tf.Tensor(3.0, shape=(), dtype=float32)
"""

from stage1_tensors import *  # noqa: F401,F403
from stage1_tensors import (backends, dispatch, dtypes, errors, math, nn,  # noqa: F401
                            random)
from . import registry  # noqa: F401
from .registry import (NotDifferentiable, RegisterGradient, no_gradient,  # noqa: F401
                       register_gradient)
from . import gradients  # noqa: F401  (registers every op's gradient)

__version__ = "0.1.0"
