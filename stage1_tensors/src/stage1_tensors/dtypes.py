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
    "uint8", "bool", "complex64", "complex128",
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
    def is_complex(self):
        """Whether the elements are complex numbers (``complex64``, ``complex128``).

        >>> import stage1_tensors as tf
        >>> tf.complex64.is_complex, tf.complex64.is_floating, tf.float32.is_complex
        (True, False, False)
        """
        return self._np.kind == "c"

    @property
    def real_dtype(self):
        """The dtype of the real and imaginary parts (``complex64`` -> ``float32``);
        a real dtype is its own.

        >>> import stage1_tensors as tf
        >>> tf.complex64.real_dtype, tf.complex128.real_dtype, tf.int32.real_dtype
        (tf.float32, tf.float64, tf.int32)
        """
        return _REAL_OF.get(self.name, self) if self.is_complex else self

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
        self._refuse_complex("minimum")
        return np.finfo(self._np).min if self.is_floating else (
            False if self.is_bool else np.iinfo(self._np).min)

    @property
    def max(self):
        self._refuse_complex("maximum")
        return np.finfo(self._np).max if self.is_floating else (
            True if self.is_bool else np.iinfo(self._np).max)

    def _refuse_complex(self, what):
        # Complex numbers have no order, so no smallest or largest one (TensorFlow's TypeError).
        if self.is_complex:
            raise TypeError("Cannot find %s value of %s: complex numbers are not "
                            "ordered; use %s.real_dtype.%s for the parts"
                            % (what, self.name, self.name, what[:3]))

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
complex64 = DType("complex64", np.complex64)      # two float32: real and imaginary part
complex128 = DType("complex128", np.complex128)   # two float64
bool = DType("bool", np.bool_)  # noqa: A001  (TensorFlow's name, on purpose)
half = float16
double = float64

ALL = (float16, float32, float64, int8, int16, int32, int64, uint8, bool,
       complex64, complex128)
# Lookup used on the hot path: NumPy dtype -> DType.
_FROM_NUMPY = {d._np: d for d in ALL}
_FROM_NAME = {d.name: d for d in ALL}
_FROM_NAME.update(half=float16, double=float64, float=float32, int=int32)

FLOATING = frozenset(d._np for d in (float16, float32, float64))
INTEGER = frozenset(d._np for d in (int8, int16, int32, int64, uint8))
NUMERIC = FLOATING | INTEGER          # the real numbers (TensorFlow's "realnumbertypes")
COMPLEX = frozenset(d._np for d in (complex64, complex128))
NUMBER = NUMERIC | COMPLEX            # every number type ("numbertypes")
FLOAT_OR_COMPLEX = FLOATING | COMPLEX
BOOL = frozenset([bool._np])
ALL_NUMPY = NUMBER | BOOL
_REAL_OF = {"complex64": float32, "complex128": float64}


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
    elif value is complex:
        return complex128
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
