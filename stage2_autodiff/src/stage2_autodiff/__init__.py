"""Stage 2: automatic differentiation on top of stage 1's eager tensors.

Everything of ``stage1_tensors`` is here too, plus ``Variable``, ``GradientTape``
and the gradient of every op:

>>> import stage2_autodiff as tf
>>> w = tf.Variable(3.0)
>>> with tf.GradientTape() as tape:
...     loss = w * w
>>> print(tape.gradient(loss, w))
tf.Tensor(6.0, shape=(), dtype=float32)

Reading order: ``variables`` (mutable state), ``module`` (containers of
variables) and ``name_scopes``, ``recording`` (how a tape sees the
dispatcher's ops), ``backprop`` (reverse accumulation), ``gradient_tape`` (the
user's API), ``registry`` and ``gradients/`` (one gradient per op),
``custom_gradient``, ``function_gradients``, ``gradient_checker``.
"""

from stage1_tensors import *  # noqa: F401,F403
from stage1_tensors import (backends, dispatch, dtypes, errors, math, nn,  # noqa: F401
                            random)
from . import registry  # noqa: F401
from .registry import (NotDifferentiable, RegisterGradient, no_gradient,  # noqa: F401
                       register_gradient)
from .variables import Variable, variable_creator_scope  # noqa: F401
from .name_scopes import name_scope  # noqa: F401
from .module import Module  # noqa: F401
from .gradient_tape import GradientTape, UnconnectedGradients  # noqa: F401
from .custom_gradient import custom_gradient, stop_gradient  # noqa: F401
from .function_gradients import (gradients_function,  # noqa: F401
                                 implicit_gradients, implicit_value_and_gradients,
                                 value_and_gradients_function)
from . import contrib, nest, test  # noqa: F401  (tfe = tf.contrib.eager; tf.test)
from . import gradients  # noqa: F401  (registers every op's gradient)

__version__ = "0.1.0"
