"""Errors that name what the user called.

A loss, a metric or a checkpoint is built from many ops; when one of them
fails, its own name (``reshape``, ``cast``) means little to the caller.
``restate`` gives the same error again, of the same class, with the public
name (and what it was given) in front, like stage 1's ``error_scope`` does for
op errors, but for Python's ``TypeError`` and ``ValueError`` too.

>>> from stage4_training._errors import restate
>>> error = restate(TypeError("expected a number"), "Mean.update_state")
>>> type(error).__name__, str(error)
('TypeError', 'Mean.update_state: expected a number')
"""

from stage1_tensors.errors import InvalidArgumentError, OpError

__all__ = ["restate", "TEACHABLE"]

# The errors a bad argument may raise; anything else is a bug and passes unchanged.
TEACHABLE = (OpError, TypeError, ValueError)


def restate(error, prefix):
    """``error``'s class with the message ``"<prefix>: <message>"`` (or ``error``
    itself when its message already starts with ``prefix``)."""
    text = str(error)
    if text.startswith(prefix.split(" ", 1)[0]):
        return error
    message = "%s: %s" % (prefix, text)
    if isinstance(error, OpError):
        try:
            return type(error)(message, op=error.op)
        except TypeError:             # an OpError subclass with another signature
            return InvalidArgumentError(message, op=error.op)
    try:
        return type(error)(message)
    except TypeError:                 # an exception class with another signature
        return (TypeError if isinstance(error, TypeError) else ValueError)(message)


def as_int(value, who, at_least=None, at_most=None):
    """``value`` as a Python int, or a ``TypeError``/``ValueError`` that names ``who``
    (``"AUC: num_thresholds"``) and the valid range.

    >>> from stage4_training._errors import as_int
    >>> as_int(3.0, "AUC: num_thresholds", at_least=2)
    3
    >>> as_int("x", "TopKCategoricalAccuracy: k", at_least=1)
    Traceback (most recent call last):
    ...
    TypeError: TopKCategoricalAccuracy: k must be an integer, got 'x' (str)
    """
    if isinstance(value, bool) or not hasattr(value, "__index__") and not (
            isinstance(value, float) and value.is_integer()):
        raise TypeError("%s must be an integer, got %r (%s)" % (who, value, type(value).__name__))
    number = int(value)
    if (at_least is not None and number < at_least) or (at_most is not None and number > at_most):
        bounds = ("between %d and %d" % (at_least, at_most) if at_most is not None
                  else "at least %d" % at_least)
        raise ValueError("%s must be %s, got %d" % (who, bounds, number))
    return number
