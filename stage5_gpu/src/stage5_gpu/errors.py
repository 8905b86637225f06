"""The errors stage 5 adds: graphs' and the distributed replicas'.

>>> import stage5_gpu as tf
>>> issubclass(tf.errors.OperatorNotAllowedInGraphError, TypeError)
True
>>> issubclass(tf.errors.DeadlineExceededError, tf.errors.OpError)
True
"""

from stage1_tensors.errors import *  # noqa: F401,F403  (every error of the lower stages)
from stage1_tensors.errors import OpError
from stage1_tensors.errors import __all__ as _lower

__all__ = list(_lower) + ["OperatorNotAllowedInGraphError", "DeadlineExceededError",
                          "UnavailableError"]


class OperatorNotAllowedInGraphError(TypeError):
    """A Python operation (``bool``, ``len``, iteration, ``.numpy()``) that needs a
    tensor's value was used on a symbolic tensor while a function was traced.

    >>> import stage5_gpu as tf
    >>> str(tf.errors.OperatorNotAllowedInGraphError("no"))
    'no'
    """


class DeadlineExceededError(OpError):
    """An operation did not finish in time. Under ``MultiWorkerMirroredStrategy``:
    some rank did not reach a collective (an all-reduce, a broadcast, a barrier)
    within ``timeout_seconds``; the message names the ranks that did not arrive.

    >>> import stage5_gpu as tf
    >>> tf.errors.DeadlineExceededError("rank 1 has not arrived", op="all-reduce").op
    'all-reduce'
    """


class UnavailableError(OpError):
    """Something the operation needs is gone. Under ``MultiWorkerMirroredStrategy``:
    a rank ended (was killed, or exited) while the others waited for it in a
    collective; the message names it.

    >>> import stage5_gpu as tf
    >>> isinstance(tf.errors.UnavailableError("rank 1 ended"), tf.errors.OpError)
    True
    """
