"""The TF-1 global step: one int64 variable that counts training steps.

TF-1 code passes it to ``optimizer.apply_gradients(..., global_step=step)`` (which
adds one to it) and to ``contrib.summary.record_summaries_every_n_global_steps``.
There is one per program here (TF-1 kept one per graph), created on first use.

>>> import stage4_training as tf
>>> step = tf.train.get_or_create_global_step()
>>> step is tf.train.get_or_create_global_step(), step.dtype.name
(True, 'int64')
"""

from stage2_autodiff import Variable

__all__ = ["get_or_create_global_step", "get_global_step", "create_global_step"]

_global_step = None


def get_global_step():
    """The global step variable, or ``None`` before anything created it.

    >>> import stage4_training as tf
    >>> tf.train.get_or_create_global_step() is tf.train.get_global_step()
    True
    """
    return _global_step


def create_global_step():
    """Creates the global step (a non-trainable int64 ``Variable`` at 0).

    Raises ``ValueError`` if it exists already, as TF does; most code wants
    ``get_or_create_global_step``.

    >>> import stage4_training as tf
    >>> _ = tf.train.get_or_create_global_step()
    >>> tf.train.create_global_step()
    Traceback (most recent call last):
    ...
    ValueError: create_global_step: the global step exists already; use tf.train.get_or_create_global_step() to get it
    """
    global _global_step
    if _global_step is not None:
        raise ValueError("create_global_step: the global step exists already; "
                         "use tf.train.get_or_create_global_step() to get it")
    _global_step = Variable(0, dtype="int64", trainable=False, name="global_step")
    return _global_step


def get_or_create_global_step():
    """The global step, created (at 0) on the first call.

    >>> import stage4_training as tf
    >>> step = tf.train.get_or_create_global_step()
    >>> before = int(step)
    >>> _ = step.assign_add(1)
    >>> int(tf.train.get_or_create_global_step()) - before
    1
    """
    return _global_step if _global_step is not None else create_global_step()
