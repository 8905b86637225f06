"""``tfe`` as stage 4 has it: stage 2's names plus ``metrics`` (``tfe.metrics.Mean``)
and ``Checkpoint`` (seed 003's ``tfe.Checkpoint(x=x)``, the same class as
``tf.train.Checkpoint``).

>>> import stage4_training as tf
>>> tfe = tf.contrib.eager
>>> tfe.Checkpoint is tf.train.Checkpoint
True
"""

from stage2_autodiff.contrib.eager import *  # noqa: F401,F403
from stage2_autodiff.contrib.eager import (custom_gradient, enable_eager_execution,  # noqa: F401
                                           executing_eagerly, gradients_function,
                                           implicit_gradients, implicit_value_and_gradients,
                                           value_and_gradients_function, GradientTape,
                                           Variable)

from ..keras import metrics  # noqa: F401,E402
from ..train.checkpoint import Checkpoint  # noqa: F401,E402
