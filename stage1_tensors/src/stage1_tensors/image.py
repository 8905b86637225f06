"""The ``tf.image`` namespace: resizing, flips, rotations, dtype conversion.

Each function is composed from existing ops (``ops/image_ops.py``), so stage 2
differentiates it with no rule of its own.

>>> import stage1_tensors as tf
>>> tf.image.flip_left_right(tf.reshape(tf.range(3), [1, 3, 1]))[0, :, 0]
tf.Tensor([2 1 0], shape=(3,), dtype=int32)
"""

from .ops.image_ops import *  # noqa: F401,F403
from .ops.image_ops import __all__  # noqa: F401
