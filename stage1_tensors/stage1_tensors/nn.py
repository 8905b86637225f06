"""The ``tf.nn`` namespace: activations, losses, convolution and pooling.

>>> import stage1_tensors as tf
>>> sorted(tf.nn.__all__)[:0]
[]
"""

from .ops.conv_ops import *  # noqa: F401,F403
from .ops.nn_ops import *  # noqa: F401,F403
