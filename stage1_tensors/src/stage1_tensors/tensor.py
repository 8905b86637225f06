"""``Tensor``: an immutable n-dimensional array with a dtype and a device.

A Tensor holds one concrete array (NumPy here; CuPy on a GPU) in ``_value``.
Nothing ever writes into that array: ops make new arrays, so a Tensor can share
its array with NumPy views and with other tensors safely. Its arithmetic
operators are attached in ``operators.py`` and all run through the dispatcher.

>>> import stage1_tensors as tf
>>> x = tf.constant([[2.0]])
>>> x
tf.Tensor([[2.]], shape=(1, 1), dtype=float32)
>>> x.shape, x.dtype, x.ndim
(TensorShape([1, 1]), tf.float32, 2)
>>> "hello, {}".format(tf.matmul(x, x))
'hello, [[4.]]'
"""

import numpy as np

from . import dtypes as _dtypes
from .backends import backend_of

__all__ = ["Tensor", "TensorShape"]


class TensorShape(tuple):
    """A tensor's shape: a tuple of ints that also speaks TensorFlow.

    >>> import stage1_tensors as tf
    >>> s = tf.zeros([2, 3]).shape
    >>> s, s.as_list(), s[-1], s.rank, s.num_elements(), s == [2, 3]
    (TensorShape([2, 3]), [2, 3], 3, 2, 6, True)

    A traced tensor's static shape may hold ``None``, a size known only when
    the graph runs (stage 5):

    >>> unknown = tf.TensorShape([None, 3])
    >>> unknown.num_elements() is None, unknown.is_fully_defined()
    (True, False)
    """

    __slots__ = ()

    def as_list(self):
        return list(self)

    @property
    def rank(self):
        return len(self)

    @property
    def ndims(self):
        return len(self)

    def num_elements(self):
        """The number of elements, or None if some dimension is unknown."""
        if not self.is_fully_defined():
            return None
        n = 1
        for d in self:
            n *= d
        return n

    def is_fully_defined(self):
        """Whether every dimension is known (no None)."""
        return None not in self

    def __getitem__(self, key):
        item = tuple.__getitem__(self, key)
        return TensorShape(item) if isinstance(key, slice) else item

    def __eq__(self, other):
        try:
            return tuple(self) == tuple(other)
        except TypeError:
            return NotImplemented

    def __ne__(self, other):
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    __hash__ = tuple.__hash__

    def __repr__(self):
        return "TensorShape(%s)" % list(self)

    def __str__(self):
        return tuple.__repr__(tuple(self))


class Tensor:
    """An immutable array that ops consume and produce. Make one with ``tf.constant``.

    >>> import stage1_tensors as tf
    >>> a = tf.constant([[1, 2], [3, 4]])
    >>> print(a * (a + 1))
    tf.Tensor([[ 2  6]
               [12 20]], shape=(2, 2), dtype=int32)
    >>> a.numpy()
    array([[1, 2],
           [3, 4]], dtype=int32)
    """

    __slots__ = ("_value", "__weakref__")

    # NumPy defers ``ndarray + tensor`` to ``Tensor.__radd__`` because of this,
    # while ``np.multiply(ndarray, tensor)`` still converts through __array__.
    __array_priority__ = 100

    def __init__(self, value):
        if backend_of(value) is None:
            raise TypeError(
                "Tensor(value) wraps an array; use tf.constant(%r) to make a "
                "tensor from a Python value" % (value,))
        _dtypes.from_numpy(value.dtype)
        self._value = value

    # --- what it is -----------------------------------------------------
    @property
    def shape(self):
        """The size of each axis, as a ``TensorShape``.

        >>> import stage1_tensors as tf
        >>> tf.zeros([2, 3]).shape
        TensorShape([2, 3])
        """
        return TensorShape(self._value.shape)

    def get_shape(self):
        """Same as ``.shape`` (TF-1 name).

        >>> import stage1_tensors as tf
        >>> tf.constant([1, 2]).get_shape().as_list()
        [2]
        """
        return self.shape

    @property
    def dtype(self):
        """The element type, a ``DType``.

        >>> import stage1_tensors as tf
        >>> tf.constant([1.5]).dtype
        tf.float32
        """
        return _dtypes._FROM_NUMPY[self._value.dtype]

    @property
    def ndim(self):
        """The number of axes (the rank).

        >>> import stage1_tensors as tf
        >>> tf.zeros([2, 3, 4]).ndim
        3
        """
        return self._value.ndim

    @property
    def device(self):
        """Full name of the device holding the value, as TensorFlow writes it.

        >>> import stage1_tensors as tf
        >>> tf.constant(1.0).device
        '/job:localhost/replica:0/task:0/device:CPU:0'
        """
        value = self._value
        return backend_of(value).device_name(value)

    @property
    def backing_device(self):
        return self.device

    def numpy(self):
        """A NumPy copy of the value (a NumPy scalar for 0-d tensors).

        >>> import stage1_tensors as tf
        >>> tf.constant(3.0).numpy()
        np.float32(3.0)
        """
        value = backend_of(self._value).to_numpy(self._value)
        return value[()] if value.ndim == 0 else value.copy()

    def __array__(self, dtype=None, copy=None):
        value = backend_of(self._value).to_numpy(self._value)
        value = np.asarray(value)
        if dtype is not None and value.dtype != dtype:
            return value.astype(dtype)
        return value.copy() if copy else value

    # --- printing ---------------------------------------------------------
    def __repr__(self):
        # The prefix makes NumPy indent continuation rows under the first
        # one, the way TensorFlow's (and the seeds') printouts look.
        value = np.asarray(self)
        text = (str(value[()]) if value.ndim == 0 else
                np.array2string(value, separator=" ", prefix="tf.Tensor("))
        return "tf.Tensor(%s, shape=%s, dtype=%s)" % (
            text, tuple.__repr__(tuple(self._value.shape)), self.dtype.name)

    __str__ = __repr__

    def __format__(self, spec):
        return format(self.numpy(), spec) if spec else str(self.numpy())

    # --- Python protocols on values -------------------------------------
    def _scalar(self, what):
        if self._value.size != 1:
            raise ValueError(
                "%s() of a tensor needs exactly one element, but this one has "
                "shape %s; reduce it first (tf.reduce_any, tf.reduce_all, "
                "tf.reduce_sum) or index one element" % (what, tuple(self._value.shape)))
        return self.numpy().reshape(()).item() if self._value.ndim else self.numpy().item()

    def __bool__(self):
        return bool(self._scalar("bool"))

    def __int__(self):
        return int(self._scalar("int"))

    def __float__(self):
        return float(self._scalar("float"))

    def __complex__(self):
        return complex(self._scalar("complex"))

    def __index__(self):
        if not self.dtype.is_integer:
            raise TypeError(
                "only integer scalar tensors can be used as an index, "
                "this one is %s" % self.dtype.name)
        return int(self._scalar("index"))

    def __setitem__(self, key, value):
        raise TypeError(
            "'Tensor' object does not support item assignment: tensors are immutable. "
            "Build a new tensor (tf.tensor_scatter_nd_update, tf.where, tf.concat) or "
            "keep the value in a tf.Variable and assign to it")

    def __len__(self):
        if self._value.ndim == 0:
            raise TypeError("len() of a 0-d tensor (a scalar) is undefined")
        return self._value.shape[0]

    def __iter__(self):
        if self._value.ndim == 0:
            raise TypeError("iteration over a 0-d tensor (a scalar) is undefined")
        for i in range(self._value.shape[0]):
            yield self[i]

    # Elementwise ``==`` makes tensors unhashable, as in TensorFlow 2.
    __hash__ = None

    def ref(self):
        """A hashable reference to this tensor (use as a dict key or set member).

        >>> import stage1_tensors as tf
        >>> t = tf.constant(1.0)
        >>> {t.ref(): "one"}[t.ref()]
        'one'
        >>> t.ref().deref() is t
        True
        """
        return _TensorRef(self)


class _TensorRef:
    __slots__ = ("_tensor",)

    def __init__(self, tensor):
        self._tensor = tensor

    def deref(self):
        return self._tensor

    def __hash__(self):
        return id(self._tensor)

    def __eq__(self, other):
        return isinstance(other, _TensorRef) and other._tensor is self._tensor
