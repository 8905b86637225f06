"""Data types: the names a tensor's elements can have.

A ``DType`` wraps a NumPy dtype and gives it TensorFlow's name and helpers.
Compare dtypes with ``==`` against another DType, a NumPy dtype or a string:

>>> import stage1_tensors as tf
>>> tf.constant([1.0]).dtype == tf.float32
True
>>> tf.as_dtype("int64")
tf.int64
"""

import numpy as np

__all__ = [
    "DType", "as_dtype",
    "float16", "float32", "float64", "int8", "int16", "int32", "int64",
    "uint8", "bool",
    "half", "double",
]


class DType:
    """An element type, such as ``float32``.

    >>> import stage1_tensors as tf
    >>> tf.float32.is_floating, tf.float32.is_integer, tf.float32.size
    (True, False, 4)
    """

    __slots__ = ("name", "as_numpy_dtype", "_np")

    def __init__(self, name, numpy_dtype):
        self.name = name
        self._np = np.dtype(numpy_dtype)
        self.as_numpy_dtype = self._np.type

    @property
    def is_floating(self):
        return self._np.kind == "f"

    @property
    def is_integer(self):
        return self._np.kind in "iu"

    @property
    def is_unsigned(self):
        return self._np.kind == "u"

    @property
    def is_bool(self):
        return self._np.kind == "b"

    @property
    def size(self):
        """Bytes per element."""
        return self._np.itemsize

    @property
    def base_dtype(self):
        return self

    @property
    def min(self):
        return np.finfo(self._np).min if self.is_floating else (
            False if self.is_bool else np.iinfo(self._np).min)

    @property
    def max(self):
        return np.finfo(self._np).max if self.is_floating else (
            True if self.is_bool else np.iinfo(self._np).max)

    def __eq__(self, other):
        if other is self:
            return True
        try:
            return self._np == as_dtype(other)._np
        except TypeError:
            return False

    def __hash__(self):
        return hash(self._np)

    def __repr__(self):
        return "tf." + self.name

    def __str__(self):
        return "<dtype: '%s'>" % self.name

    def __reduce__(self):
        return as_dtype, (self.name,)


float16 = DType("float16", np.float16)
float32 = DType("float32", np.float32)
float64 = DType("float64", np.float64)
int8 = DType("int8", np.int8)
int16 = DType("int16", np.int16)
int32 = DType("int32", np.int32)
int64 = DType("int64", np.int64)
uint8 = DType("uint8", np.uint8)
bool = DType("bool", np.bool_)  # noqa: A001  (TensorFlow's name, on purpose)
half = float16
double = float64

ALL = (float16, float32, float64, int8, int16, int32, int64, uint8, bool)
# Lookup used on the hot path: NumPy dtype -> DType.
_FROM_NUMPY = {d._np: d for d in ALL}
_FROM_NAME = {d.name: d for d in ALL}
_FROM_NAME.update(half=float16, double=float64, float=float32, int=int32)

FLOATING = frozenset(d._np for d in (float16, float32, float64))
INTEGER = frozenset(d._np for d in (int8, int16, int32, int64, uint8))
NUMERIC = FLOATING | INTEGER
BOOL = frozenset([bool._np])
ALL_NUMPY = NUMERIC | BOOL


def as_dtype(value):
    """Converts a DType, NumPy dtype, Python type or name into a ``DType``.

    >>> import stage1_tensors as tf
    >>> tf.as_dtype("float32") is tf.float32
    True
    """
    if isinstance(value, DType):
        return value
    if isinstance(value, str):
        found = _FROM_NAME.get(value)
        if found is not None:
            return found
    elif value is float:
        return float32
    elif value is int:
        return int32
    elif value is not None:             # (NumPy would read None as float64)
        try:
            found = _FROM_NUMPY.get(np.dtype(value))
        except (TypeError, ValueError):     # NumPy says ValueError for a Tensor
            found = None
        if found is not None:
            return found
    raise TypeError(
        "as_dtype: cannot interpret %r as a dtype; valid dtypes are %s"
        % (value, ", ".join(d.name for d in ALL)))


def from_numpy(np_dtype):
    """The DType of a NumPy dtype (raises TypeError for unsupported ones)."""
    found = _FROM_NUMPY.get(np_dtype)
    if found is None:
        raise TypeError(
            "unsupported element type %s; supported are %s"
            % (np_dtype, ", ".join(d.name for d in ALL)))
    return found
