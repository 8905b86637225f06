"""Iterators over a dataset: one pass, element by element.

``iter(dataset)`` asks the dataset for a fresh generator chain and wraps it.
Python's ``next(it)`` and the TF-1 style ``it.next()`` (as in the seeds) both
work; at the end they raise ``StopIteration``, ``get_next()`` raises
``tf.errors.OutOfRangeError`` as TensorFlow's does.

>>> import stage4_training as tf
>>> it = iter(tf.data.Dataset.from_tensor_slices(([1, 2], [3, 4])))
>>> x, y = it.next()
>>> int(x), int(y)
(1, 3)
"""

from stage1_tensors.errors import OutOfRangeError

from . import structure

__all__ = ["Iterator", "NumpyIterator"]

_EXHAUSTED = iter(())


class Iterator:
    """One pass over a dataset. Make one with ``iter(dataset)``.

    >>> import stage4_training as tf
    >>> it = iter(tf.data.Dataset.range(2))
    >>> [int(x) for x in it]
    [0, 1]
    >>> next(it, "done")
    'done'
    """

    __slots__ = ("_elements", "_dataset")

    def __init__(self, dataset):
        self._dataset = dataset
        self._elements = dataset._elements()

    def __iter__(self):
        return self

    def __next__(self):
        try:
            return next(self._elements)
        except StopIteration:
            # Let go of the generator chain at once: a prefetch thread in it stops now.
            self._elements = _EXHAUSTED
            raise

    def next(self):
        """The next element (``StopIteration`` at the end), as in the seeds' ``iter(ds).next()``.

        >>> import stage4_training as tf
        >>> int(iter(tf.data.Dataset.range(3, 5)).next())
        3
        """
        return self.__next__()

    def get_next(self):
        """The next element; ``tf.errors.OutOfRangeError`` at the end of the data.

        >>> import stage4_training as tf
        >>> it = iter(tf.data.Dataset.range(1))
        >>> int(it.get_next())
        0
        >>> it.get_next()
        Traceback (most recent call last):
        ...
        stage1_tensors.errors.OutOfRangeError: End of sequence
        """
        try:
            return self.__next__()
        except StopIteration:
            raise OutOfRangeError("End of sequence") from None

    @property
    def element_spec(self):
        """The structure of ``TensorSpec``s of the elements (the dataset's).

        >>> import stage4_training as tf
        >>> iter(tf.data.Dataset.range(3)).element_spec
        TensorSpec(shape=(), dtype=tf.int64, name=None)
        """
        return self._dataset.element_spec


class NumpyIterator:
    """One pass over a dataset, as NumPy values; from ``dataset.as_numpy_iterator()``.

    >>> import stage4_training as tf
    >>> it = tf.data.Dataset.range(2).as_numpy_iterator()
    >>> it.next(), next(it)
    (np.int64(0), np.int64(1))
    """

    __slots__ = ("_iterator",)

    def __init__(self, dataset):
        self._iterator = Iterator(dataset)

    def __iter__(self):
        return self

    def __next__(self):
        return structure.map_structure(lambda t: t.numpy(), next(self._iterator))

    def next(self):
        """The next element as NumPy values.

        >>> import stage4_training as tf
        >>> tf.data.Dataset.from_tensors([1, 2]).as_numpy_iterator().next()
        array([1, 2], dtype=int32)
        """
        return self.__next__()
