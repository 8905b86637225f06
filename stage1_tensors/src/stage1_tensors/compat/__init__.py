"""``tf.compat``: where TensorFlow 2 keeps TF-1 names; the seeds call ``tf.compat.v1``.

>>> import stage1_tensors as tf
>>> tf.compat.v1.enable_eager_execution()
>>> tf.compat.v1.executing_eagerly()
True
"""

from . import v1  # noqa: F401

__all__ = ["v1"]
