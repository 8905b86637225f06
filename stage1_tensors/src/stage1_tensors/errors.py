"""Exceptions raised by ops, named as TensorFlow names them.

Every op error is an ``OpError`` that knows the op's name. The one you meet most,
``InvalidArgumentError``, is also a ``ValueError`` so plain Python code can catch it:

>>> import stage1_tensors as tf
>>> try:
...     tf.matmul([[1.0, 2.0]], [[1.0, 2.0]])
... except tf.errors.InvalidArgumentError as e:
...     print(e)
matmul: inner dimensions must match, got a (1, 2) and b (1, 2)
"""

__all__ = [
    "OpError", "InvalidArgumentError", "NotFoundError", "UnimplementedError",
    "FailedPreconditionError", "OutOfRangeError", "ResourceExhaustedError",
    "InternalError", "UnknownError",
]


class OpError(Exception):
    """Base class of op errors; ``op`` is the name of the op that failed.

    >>> import stage1_tensors as tf
    >>> tf.errors.OpError("add: bad", op="add").op
    'add'
    """

    def __init__(self, message, op=None):
        super().__init__(message)
        self.message = message
        self.op = op


class InvalidArgumentError(OpError, ValueError):
    """An op got an input it cannot accept: wrong shape, dtype or value.

    >>> import stage1_tensors as tf
    >>> issubclass(tf.errors.InvalidArgumentError, ValueError)
    True
    """


class NotFoundError(OpError, LookupError):
    """Something named (a file, an op, a kernel) does not exist.

    >>> import stage1_tensors as tf
    >>> issubclass(tf.errors.NotFoundError, LookupError)
    True
    """


class UnimplementedError(OpError, NotImplementedError):
    """The op exists but has no kernel for this device or dtype.

    >>> import stage1_tensors as tf
    >>> issubclass(tf.errors.UnimplementedError, NotImplementedError)
    True
    """


class FailedPreconditionError(OpError):
    """The system is not in a state to run the op (e.g. an uninitialised value).

    >>> import stage1_tensors as tf
    >>> isinstance(tf.errors.FailedPreconditionError("x"), tf.errors.OpError)
    True
    """


class OutOfRangeError(OpError, IndexError):
    """An iteration ran past the end, or an index is out of range.

    >>> import stage1_tensors as tf
    >>> issubclass(tf.errors.OutOfRangeError, IndexError)
    True
    """


class ResourceExhaustedError(OpError, MemoryError):
    """Out of memory (on the host or a device).

    >>> import stage1_tensors as tf
    >>> issubclass(tf.errors.ResourceExhaustedError, MemoryError)
    True
    """


class InternalError(OpError):
    """A kernel failed in a way the op's contract did not foresee (a bug in us).

    >>> import stage1_tensors as tf
    >>> isinstance(tf.errors.InternalError("x"), tf.errors.OpError)
    True
    """


class UnknownError(OpError):
    """An error with no better class.

    >>> import stage1_tensors as tf
    >>> isinstance(tf.errors.UnknownError("x"), tf.errors.OpError)
    True
    """
