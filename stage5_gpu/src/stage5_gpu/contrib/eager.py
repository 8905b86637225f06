"""``tfe`` as stage 5 has it: stage 4's names plus ``num_gpus``.

>>> import stage5_gpu as tf
>>> tfe = tf.contrib.eager
>>> tfe.num_gpus() == len(tf.config.list_logical_devices("GPU"))
True
"""

from stage4_training.contrib.eager import *  # noqa: F401,F403
from stage4_training.contrib.eager import (Checkpoint, GradientTape, Variable,  # noqa: F401
                                           custom_gradient, enable_eager_execution,
                                           executing_eagerly, gradients_function,
                                           implicit_gradients, implicit_value_and_gradients,
                                           metrics, value_and_gradients_function)

from ..devices import num_gpus  # noqa: F401,E402
