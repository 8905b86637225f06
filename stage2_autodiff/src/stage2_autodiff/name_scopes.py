"""``tf.name_scope``: a prefix for the names of what is made inside it.

Only variables have names worth keeping in eager execution, so that is what a
scope names: ``with tf.name_scope("block"):`` makes ``tf.Variable(0., name="w")``
``block/w:0``. Each thread has its own stack of scopes.
"""

import threading

__all__ = ["name_scope", "current_name_scope"]

_scopes = threading.local()     # each thread its own stack of scope prefixes


def current_name_scope():
    """The prefix names get here, e.g. ``"outer/inner/"`` (``""`` outside any scope).

    >>> import stage2_autodiff as tf
    >>> with tf.name_scope("outer"):
    ...     with tf.name_scope("inner"):
    ...         tf.Variable(1.0, name="v").name
    'outer/inner/v:0'
    """
    stack = getattr(_scopes, "stack", None)
    return stack[-1] if stack else ""


class name_scope:  # noqa: N801  (TensorFlow's name)
    """``with tf.name_scope("block") as scope:``: variables made inside are named
    ``block/...``; ``scope`` is the full prefix (``"block/"``). Scopes nest; a name
    ending in ``/`` is a full prefix of its own (re-entering a scope exactly).

    >>> import stage2_autodiff as tf
    >>> with tf.name_scope("block") as scope:
    ...     scope, tf.Variable(0.0).name
    ('block/', 'block/Variable:0')
    """

    def __init__(self, name):
        if not isinstance(name, str):
            raise TypeError("name_scope: the name must be a string, got %r of type %s"
                            % (name, type(name).__name__))
        self._name = name
        self._entered = []

    @property
    def name(self):
        return self._name

    def __enter__(self):
        if self._name.endswith("/") or not self._name:
            scope = self._name                  # "" or a full prefix: exactly that
        else:
            scope = current_name_scope() + self._name + "/"
        stack = getattr(_scopes, "stack", None)
        if stack is None:
            stack = _scopes.stack = []
        stack.append(scope)
        self._entered.append(scope)
        return scope

    def __exit__(self, *exc):
        _scopes.stack.pop()
        self._entered.pop()
        return False
