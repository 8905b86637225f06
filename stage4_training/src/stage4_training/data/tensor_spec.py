"""``TensorSpec``: what a tensor looks like (shape and dtype), without its values.

A dataset describes its elements with specs (``Dataset.element_spec``); a
dimension that may vary from element to element (the last, short batch) is
``None``, and a shape of unknown rank is ``None`` as a whole.

>>> import stage4_training as tf
>>> spec = tf.data.TensorSpec([None, 3], tf.float32)
>>> spec
TensorSpec(shape=(None, 3), dtype=tf.float32, name=None)
>>> spec.is_compatible_with(tf.zeros([5, 3])), spec.is_compatible_with(tf.zeros([5, 4]))
(True, False)
"""

from stage1_tensors import dtypes as _dtypes
from stage1_tensors.tensor import Tensor, TensorShape

__all__ = ["TensorSpec", "as_shape"]


def as_shape(shape):
    """A ``TensorShape`` (dimensions may be ``None``) or ``None`` for unknown rank.

    Accepts a list, tuple, ``TensorShape`` or ``None``; ``-1`` means unknown, as in TF.

    >>> from stage4_training.data.tensor_spec import as_shape
    >>> as_shape([2, -1]), as_shape(None)
    (TensorShape([2, None]), None)
    """
    if shape is None:
        return None
    if isinstance(shape, int):
        shape = [shape]
    try:
        dims = [None if d is None or int(d) == -1 else int(d) for d in shape]
    except (TypeError, ValueError):
        raise TypeError("a shape is a list of ints (or None for an unknown dimension), "
                        "got %r" % (shape,)) from None
    if any(d is not None and d < 0 for d in dims):
        raise ValueError("a shape's dimensions must be >= 0 (or None / -1 for "
                         "unknown), got %r" % (shape,))
    return TensorShape(dims)


class TensorSpec:
    """The shape and dtype a tensor must have: ``TensorSpec(shape, dtype=tf.float32, name=None)``.

    >>> import stage4_training as tf
    >>> tf.data.TensorSpec.from_tensor(tf.constant([1, 2]))
    TensorSpec(shape=(2,), dtype=tf.int32, name=None)
    >>> tf.data.TensorSpec(None, tf.int64).shape is None   # unknown rank
    True
    """

    __slots__ = ("shape", "dtype", "name")

    def __init__(self, shape, dtype=_dtypes.float32, name=None):
        self.shape = as_shape(shape)
        self.dtype = _dtypes.as_dtype(dtype)
        self.name = name

    @classmethod
    def from_tensor(cls, tensor, name=None):
        """The spec of a tensor (or anything ``tf.convert_to_tensor`` accepts).

        >>> import stage4_training as tf
        >>> tf.data.TensorSpec.from_tensor(tf.zeros([2, 3])).shape
        TensorShape([2, 3])
        """
        if not isinstance(tensor, Tensor):
            from stage1_tensors.convert import convert_to_tensor
            tensor = convert_to_tensor(tensor)
        return cls(tensor.shape, tensor.dtype, name)

    def is_compatible_with(self, other):
        """True when ``other`` (a tensor or a spec) could be described by this spec:
        same dtype, same rank, and equal dimensions wherever both are known.

        >>> import stage4_training as tf
        >>> tf.data.TensorSpec([None], tf.int32).is_compatible_with(tf.constant([1, 2, 3]))
        True
        """
        if isinstance(other, Tensor):
            other = TensorSpec(other.shape, other.dtype)
        if not isinstance(other, TensorSpec) or other.dtype != self.dtype:
            return False
        return shapes_compatible(self.shape, other.shape)

    def most_specific_compatible(self, other):
        """The spec that describes both: dimensions that differ become ``None``.

        >>> import stage4_training as tf
        >>> a, b = tf.data.TensorSpec([2, 3], tf.int32), tf.data.TensorSpec([4, 3], tf.int32)
        >>> a.most_specific_compatible(b)
        TensorSpec(shape=(None, 3), dtype=tf.int32, name=None)
        """
        if self.shape is None or other.shape is None or len(self.shape) != len(other.shape):
            shape = None
        else:
            shape = [a if a == b else None for a, b in zip(self.shape, other.shape)]
        return TensorSpec(shape, self.dtype, self.name)

    def __eq__(self, other):
        return (isinstance(other, TensorSpec) and self.dtype == other.dtype
                and self.shape == other.shape and self.name == other.name)

    def __hash__(self):
        return hash((self.shape, self.dtype, self.name))

    def __repr__(self):
        shape = "<unknown>" if self.shape is None else str(self.shape)
        return "TensorSpec(shape=%s, dtype=tf.%s, name=%r)" % (shape, self.dtype.name, self.name)


def shapes_compatible(a, b):
    """True when shapes ``a`` and ``b`` (``None`` = unknown rank) agree wherever both are known.

    >>> from stage4_training.data.tensor_spec import shapes_compatible
    >>> shapes_compatible((None, 3), (5, 3)), shapes_compatible((2,), (2, 1))
    (True, False)
    """
    if a is None or b is None:
        return True
    if len(a) != len(b):
        return False
    return all(x is None or y is None or x == y for x, y in zip(a, b))
