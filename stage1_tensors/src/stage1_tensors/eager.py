"""Eager mode switches kept for the seeds' sake: ops run when they are called,
except while a function is being traced into a graph (stage 5 redirects ops).

>>> import stage1_tensors as tf
>>> tf.enable_eager_execution()
>>> tf.executing_eagerly()
True
"""

__all__ = ["executing_eagerly", "enable_eager_execution"]


def executing_eagerly():
    """True when ops run the moment they are called: always, except inside a
    ``redirect`` (stage 5's ``function`` tracing a graph) outside ``init_scope``.

    >>> import stage1_tensors as tf
    >>> tf.executing_eagerly()
    True
    """
    from .dispatch import active_redirects
    return not active_redirects()


def enable_eager_execution(config=None, device_policy=None, execution_mode=None):
    """Accepted for TF-1 code (``tf.enable_eager_execution()``); does nothing.

    >>> import stage1_tensors as tf
    >>> tf.enable_eager_execution() is None
    True
    """
    return None
