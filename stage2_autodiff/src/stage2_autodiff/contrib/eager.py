"""``tfe``: the TF-1 names of the eager API used by the seeds (``tfe = tf.contrib.eager``).

>>> import stage2_autodiff as tf
>>> tfe = tf.contrib.eager
>>> tfe.gradients_function(lambda x: x * x)(3.0)
[tf.Tensor(6.0, shape=(), dtype=float32)]
"""

from stage1_tensors.eager import enable_eager_execution, executing_eagerly  # noqa: F401

from ..custom_gradient import custom_gradient  # noqa: F401
from ..function_gradients import (gradients_function,  # noqa: F401
                                  implicit_gradients, implicit_value_and_gradients,
                                  value_and_gradients_function)
from ..gradient_tape import GradientTape  # noqa: F401
from ..variables import Variable  # noqa: F401
