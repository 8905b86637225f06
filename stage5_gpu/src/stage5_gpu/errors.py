"""The errors that only graphs have.

>>> import stage5_gpu as tf
>>> issubclass(tf.errors.OperatorNotAllowedInGraphError, TypeError)
True
"""

from stage1_tensors.errors import *  # noqa: F401,F403  (every error of the lower stages)
from stage1_tensors.errors import __all__ as _lower

__all__ = list(_lower) + ["OperatorNotAllowedInGraphError"]


class OperatorNotAllowedInGraphError(TypeError):
    """A Python operation (``bool``, ``len``, iteration, ``.numpy()``) that needs a
    tensor's value was used on a symbolic tensor while a function was traced.

    >>> import stage5_gpu as tf
    >>> str(tf.errors.OperatorNotAllowedInGraphError("no"))
    'no'
    """
