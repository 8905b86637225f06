"""Errors of composite ops name the op the user called.

Some public functions are built from other ops: ``moments`` from ``reduce_mean``
and ``square``, ``dropout`` from ``random.uniform`` and ``multiply``. A bad
argument then fails inside an inner op, whose name means nothing to the caller.
Inside ``with error_scope("moments"):`` such an op error comes out with the
public name first and the step that failed second (TensorFlow's composite ops
open a ``name_scope`` with their own name for the same reason):

>>> import stage1_tensors as tf
>>> try:
...     tf.nn.moments(tf.ones([2, 3]), axes=[5])
... except tf.errors.InvalidArgumentError as e:
...     print(e)
moments: reduce_mean: axis 5 is out of range for a tensor of rank 2 (shape (2, 3)); valid axes are -2..1

The scope costs nothing on the success path beyond entering a ``with`` block.
"""

from ..errors import InvalidArgumentError, OpError

__all__ = ["error_scope"]


class error_scope:  # noqa: N801  (used like a function: with error_scope("moments"))
    """``with error_scope(name):`` prefixes op errors raised inside with ``name``.

    >>> from stage1_tensors.ops.error_scope import error_scope
    >>> import stage1_tensors as tf
    >>> try:
    ...     with error_scope("my_op"):
    ...         tf.add([1.0], "a")
    ... except tf.errors.InvalidArgumentError as e:
    ...     print(e.op, str(e).split(":")[:2])
    my_op ['my_op', ' add']
    """

    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if kind is None or not issubclass(kind, OpError):
            return False
        text = str(error)
        if text.startswith(self.name + ":"):
            return False              # already names the public op
        if text.startswith("convert_to_tensor: "):
            text = text[len("convert_to_tensor: "):]   # converting is no step of the op
        message = "%s: %s" % (self.name, text)
        try:
            renamed = kind(message, op=self.name)
        except TypeError:             # an OpError subclass with another signature
            renamed = InvalidArgumentError(message, op=self.name)
        raise renamed from None
