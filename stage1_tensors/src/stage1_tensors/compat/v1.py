"""``tf.compat.v1``: the TF-1 switches the seeds use. Everything here is eager anyway.

>>> import stage1_tensors as tf
>>> tf.compat.v1.enable_eager_execution() is None
True
"""

from ..eager import enable_eager_execution, executing_eagerly  # noqa: F401

__all__ = ["enable_eager_execution", "executing_eagerly"]
