"""The ``tf.nn`` namespace: activations, losses, convolution and pooling.

``sigmoid`` and ``tanh`` live with the other elementwise math ops and are
re-exported here, as TensorFlow does.

>>> import stage1_tensors as tf
>>> tf.nn.relu([-1.0, 1.0]), tf.nn.sigmoid(0.0)
(tf.Tensor([0. 1.], shape=(2,), dtype=float32), tf.Tensor(0.5, shape=(), dtype=float32))
"""

from .ops.activation_ops import *  # noqa: F401,F403
from .ops.activation_ops import __all__ as _activations
from .ops.conv_ops import *  # noqa: F401,F403
from .ops.conv_ops import __all__ as _conv
from .ops.nn_ops import *  # noqa: F401,F403
from .ops.nn_ops import __all__ as _nn
from .ops.pooling_ops import *  # noqa: F401,F403
from .ops.pooling_ops import __all__ as _pooling
from .ops.sort_ops import top_k  # noqa: F401
from .ops.unary_ops import sigmoid, tanh  # noqa: F401

__all__ = sorted(set(_activations) | set(_conv) | set(_nn) | set(_pooling)
                 | {"sigmoid", "tanh", "top_k"})
