"""Eager mode switches kept for the seeds' sake: here everything is eager.

>>> import stage1_tensors as tf
>>> tf.enable_eager_execution()
>>> tf.executing_eagerly()
True
"""

__all__ = ["executing_eagerly", "enable_eager_execution"]


def executing_eagerly():
    """True: every op runs the moment it is called.

    >>> import stage1_tensors as tf
    >>> tf.executing_eagerly()
    True
    """
    return True


def enable_eager_execution(config=None, device_policy=None, execution_mode=None):
    """Accepted for TF-1 code (``tf.enable_eager_execution()``); does nothing.

    >>> import stage1_tensors as tf
    >>> tf.enable_eager_execution() is None
    True
    """
    return None
