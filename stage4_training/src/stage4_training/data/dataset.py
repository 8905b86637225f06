"""``Dataset``: an input pipeline as a recipe of streams.

A Dataset holds no data of its own beyond what its source was given: it is a
*recipe*. ``from_tensor_slices(x)`` says "the rows of x"; ``.shuffle(100)``
says "those, through a 100-element shuffle buffer"; ``.batch(32)`` says "those,
32 at a time". Iterating it (``for batch in ds``, ``iter(ds)``) builds a fresh
chain of Python generators, one per step, that pull elements through on
demand, so each pass is a new epoch and nothing is held beyond the buffers.

>>> import stage4_training as tf
>>> ds = tf.data.Dataset.range(10).filter(lambda x: x % 2 == 0).map(lambda x: x * 10)
>>> [int(x) for x in ds]
[0, 20, 40, 60, 80]
>>> list(ds.batch(2).as_numpy_iterator())[-1]
array([80])

Each subclass is one step of the recipe and implements three things:
``_elements()`` (a fresh generator of elements), ``_cardinality()`` (the
number of elements, or ``INFINITE``/``UNKNOWN``) and ``_spec()`` (the
structure of ``TensorSpec``s its elements have).
"""

import numbers

import numpy as np

from stage1_tensors import dtypes as _dtypes
from stage1_tensors.convert import constant
from stage1_tensors.tensor import Tensor

from . import structure
from .iterator import Iterator, NumpyIterator

__all__ = ["Dataset", "AUTOTUNE", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY"]

AUTOTUNE = -1
INFINITE_CARDINALITY = -1
UNKNOWN_CARDINALITY = -2


class Dataset:
    """A stream of elements (tensors, or tuples/dicts of them) built as a recipe.

    Make one with a source (``from_tensor_slices``, ``from_tensors``, ``range``,
    ``from_generator``, ``zip``) and chain transformations; every method returns
    a new Dataset and leaves this one as it is.

    >>> import stage4_training as tf
    >>> ds = tf.data.Dataset.from_tensor_slices(([1, 2, 3], [10, 20, 30]))
    >>> for x, y in ds.take(2):
    ...     print(int(x), int(y))
    1 10
    2 20
    """

    # A chain of steps that only pick and reorder rows (shuffle, repeat, take,
    # skip, shard) over a table of rows (from_tensor_slices, range) can run on
    # row numbers instead of elements; ``_row_source`` is that table, or None.
    _row_source = None
    _element_spec = None

    # --- what a subclass implements ------------------------------------------
    def _elements(self):
        raise NotImplementedError

    def _cardinality(self):
        return UNKNOWN_CARDINALITY

    def _spec(self):
        raise NotImplementedError

    # --- iterating --------------------------------------------------------------
    def __iter__(self):
        """A fresh iterator: a new pass over the data (a new epoch).

        >>> import stage4_training as tf
        >>> it = iter(tf.data.Dataset.range(3))
        >>> int(it.next()), int(next(it))
        (0, 1)
        """
        return Iterator(self)

    def __bool__(self):
        return True    # a dataset is never "empty" to Python's ``if`` (``len`` may be unknown)

    def as_numpy_iterator(self):
        """An iterator over the elements as NumPy values (structure kept).

        >>> import stage4_training as tf
        >>> list(tf.data.Dataset.from_tensor_slices({"a": [1, 2]}).as_numpy_iterator())
        [{'a': np.int32(1)}, {'a': np.int32(2)}]
        """
        return NumpyIterator(self)

    @property
    def element_spec(self):
        """The structure of ``TensorSpec``s that describes every element.

        >>> import stage4_training as tf
        >>> tf.data.Dataset.from_tensor_slices(([[1.0, 2.0]], [0])).batch(8).element_spec
        (TensorSpec(shape=(None, 2), dtype=tf.float32, name=None), TensorSpec(shape=(None,), dtype=tf.int32, name=None))
        """
        if self._element_spec is None:
            self._element_spec = self._spec()
        return self._element_spec

    def cardinality(self):
        """The number of elements as an int64 tensor; ``INFINITE_CARDINALITY`` (-1)
        or ``UNKNOWN_CARDINALITY`` (-2) when it is not a plain number.

        >>> import stage4_training as tf
        >>> int(tf.data.Dataset.range(10).batch(3).cardinality())
        4
        >>> int(tf.data.Dataset.range(10).repeat().cardinality()) == tf.data.INFINITE_CARDINALITY
        True
        """
        return constant(self._cardinality(), dtype=_dtypes.int64)

    def __len__(self):
        """The number of elements; a ``TypeError`` when it is infinite or unknown.

        >>> import stage4_training as tf
        >>> len(tf.data.Dataset.range(10).batch(4))
        3
        >>> len(tf.data.Dataset.range(10).filter(lambda x: x > 4))
        Traceback (most recent call last):
        ...
        TypeError: The dataset length is unknown.
        """
        n = self._cardinality()
        if n == INFINITE_CARDINALITY:
            raise TypeError("The dataset is infinite.")
        if n == UNKNOWN_CARDINALITY:
            raise TypeError("The dataset length is unknown.")
        return n

    def __repr__(self):
        return "<%s element_spec=%s>" % (type(self).__name__, self.element_spec)

    # --- sources ------------------------------------------------------------------
    @staticmethod
    def from_tensor_slices(tensors, name=None):
        """One element per row of ``tensors`` (sliced along the first axis).

        ``tensors`` may be a tensor, array or list, or a tuple or dict of them
        (nested too); every component must have the same number of rows.

        >>> import stage4_training as tf
        >>> ds = tf.data.Dataset.from_tensor_slices({"x": [[1, 2], [3, 4]], "y": [0, 1]})
        >>> next(iter(ds))["x"]
        tf.Tensor([1 2], shape=(2,), dtype=int32)
        """
        from .sources import TensorSliceDataset
        return TensorSliceDataset(tensors)

    @staticmethod
    def from_tensors(tensors, name=None):
        """A dataset of exactly one element, ``tensors`` itself.

        >>> import stage4_training as tf
        >>> [x.shape for x in tf.data.Dataset.from_tensors([[1, 2], [3, 4]])]
        [TensorShape([2, 2])]
        """
        from .sources import TensorDataset
        return TensorDataset(tensors)

    @staticmethod
    def range(*args, output_type=_dtypes.int64, name=None):
        """``range(stop)``, ``range(start, stop[, step])`` as int64 scalars, like Python's.

        >>> import stage4_training as tf
        >>> [int(x) for x in tf.data.Dataset.range(2, 9, 3)]
        [2, 5, 8]
        >>> next(iter(tf.data.Dataset.range(1))).dtype
        tf.int64
        """
        from .sources import RangeDataset
        return RangeDataset(args, output_type)

    @staticmethod
    def zip(*datasets, name=None):
        """Elements of several datasets side by side, until the shortest ends.

        ``zip(a, b)`` or ``zip((a, b))`` give tuples; ``zip({"a": a, "b": b})`` dicts.

        >>> import stage4_training as tf
        >>> a, b = tf.data.Dataset.range(3), tf.data.Dataset.range(10, 20)
        >>> [(int(x), int(y)) for x, y in tf.data.Dataset.zip(a, b)]
        [(0, 10), (1, 11), (2, 12)]
        """
        from .sources import ZipDataset
        if len(datasets) == 1 and not isinstance(datasets[0], Dataset):
            datasets = datasets[0]
        return ZipDataset(datasets)

    @staticmethod
    def from_generator(generator, output_types=None, output_shapes=None, args=None,
                       output_signature=None, name=None):
        """Elements from a Python generator: ``generator`` is a callable (called
        anew for each pass) returning an iterable.

        Say what it yields with ``output_signature`` (a structure of
        ``TensorSpec``), or the older ``output_types`` (+ ``output_shapes``).

        >>> import stage4_training as tf
        >>> def squares():
        ...     for i in range(4):
        ...         yield i, i * i
        >>> ds = tf.data.Dataset.from_generator(squares, output_signature=(
        ...     tf.data.TensorSpec((), tf.int64), tf.data.TensorSpec((), tf.int64)))
        >>> [int(y) for x, y in ds]
        [0, 1, 4, 9]
        """
        from .sources import GeneratorDataset
        return GeneratorDataset(generator, output_types, output_shapes, args, output_signature)

    # --- transformations ------------------------------------------------------------
    def map(self, map_func, num_parallel_calls=None, deterministic=None, name=None):
        """``map_func`` applied to every element (a tuple element is unpacked
        into arguments; a dict is passed as one argument).

        Elements are mapped one at a time, in order; ``num_parallel_calls`` is
        accepted (None, ``AUTOTUNE`` or a positive int) and changes nothing here.

        >>> import stage4_training as tf
        >>> ds = tf.data.Dataset.from_tensor_slices(([1, 2], [3, 4])).map(lambda x, y: x + y)
        >>> [int(s) for s in ds]
        [4, 6]
        """
        from .transformations import MapDataset
        return MapDataset(self, map_func, num_parallel_calls)

    def filter(self, predicate, name=None):
        """Only the elements for which ``predicate`` gives a scalar boolean True.

        >>> import stage4_training as tf
        >>> [int(x) for x in tf.data.Dataset.range(6).filter(lambda x: x % 3 == 0)]
        [0, 3]
        """
        from .transformations import FilterDataset
        return FilterDataset(self, predicate)

    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=True, name=None):
        """Elements in random order through a buffer of ``buffer_size`` elements.

        The buffer is filled first; then a random element of it is handed out
        and replaced by the next input element. Only a buffer at least as large
        as the data set gives a uniform permutation. Each pass gets a new order
        unless ``reshuffle_each_iteration=False``; ``tf.random.set_seed`` and/or
        ``seed`` make the orders reproducible.

        >>> import stage4_training as tf
        >>> ds = tf.data.Dataset.range(5).shuffle(5, seed=42)
        >>> sorted(int(x) for x in ds)
        [0, 1, 2, 3, 4]
        """
        from .transformations import ShuffleDataset
        return ShuffleDataset(self, buffer_size, seed, reshuffle_each_iteration)

    def batch(self, batch_size, drop_remainder=False, num_parallel_calls=None,
              deterministic=None, name=None):
        """Consecutive elements stacked into batches of ``batch_size`` (a new first
        axis); the last batch is smaller unless ``drop_remainder=True``.

        >>> import stage4_training as tf
        >>> [b.numpy().tolist() for b in tf.data.Dataset.range(5).batch(2)]
        [[0, 1], [2, 3], [4]]
        >>> [b.numpy().tolist() for b in tf.data.Dataset.range(5).batch(2, drop_remainder=True)]
        [[0, 1], [2, 3]]
        """
        from .transformations import BatchDataset
        return BatchDataset(self, batch_size, drop_remainder)

    def padded_batch(self, batch_size, padded_shapes=None, padding_values=None,
                     drop_remainder=False, name=None):
        """Like ``batch``, but components of different shapes are padded first:
        to ``padded_shapes`` (``None`` or ``-1`` dimensions: the batch's longest),
        with ``padding_values`` (default 0).

        >>> import stage4_training as tf
        >>> ds = tf.data.Dataset.range(1, 4).map(lambda n: tf.fill([n], n))
        >>> print(next(iter(ds.padded_batch(3))).numpy())
        [[1 0 0]
         [2 2 0]
         [3 3 3]]
        """
        from .transformations import PaddedBatchDataset
        return PaddedBatchDataset(self, batch_size, padded_shapes, padding_values,
                                  drop_remainder)

    def unbatch(self, name=None):
        """The rows of each element as elements of their own (undoes ``batch``).

        >>> import stage4_training as tf
        >>> [int(x) for x in tf.data.Dataset.range(5).batch(2).unbatch()]
        [0, 1, 2, 3, 4]
        """
        from .transformations import UnbatchDataset
        return UnbatchDataset(self)

    def repeat(self, count=None, name=None):
        """The data ``count`` times over (``None`` or -1: forever), each a fresh pass.

        >>> import stage4_training as tf
        >>> [int(x) for x in tf.data.Dataset.range(2).repeat(3)]
        [0, 1, 0, 1, 0, 1]
        """
        from .transformations import RepeatDataset
        return RepeatDataset(self, count)

    def take(self, count, name=None):
        """At most the first ``count`` elements (-1: all).

        >>> import stage4_training as tf
        >>> [int(x) for x in tf.data.Dataset.range(10).take(3)]
        [0, 1, 2]
        """
        from .transformations import TakeDataset
        return TakeDataset(self, count)

    def skip(self, count, name=None):
        """All but the first ``count`` elements (-1: skip everything).

        >>> import stage4_training as tf
        >>> [int(x) for x in tf.data.Dataset.range(5).skip(3)]
        [3, 4]
        """
        from .transformations import SkipDataset
        return SkipDataset(self, count)

    def shard(self, num_shards, index, name=None):
        """Every ``num_shards``-th element, starting at ``index`` (one worker's share).

        >>> import stage4_training as tf
        >>> [int(x) for x in tf.data.Dataset.range(7).shard(3, 1)]
        [1, 4]
        """
        from .transformations import ShardDataset
        return ShardDataset(self, num_shards, index)

    def enumerate(self, start=0, name=None):
        """``(index, element)`` pairs, the index an int64 counting from ``start``.

        >>> import stage4_training as tf
        >>> [(int(i), int(x)) for i, x in tf.data.Dataset.range(5, 7).enumerate()]
        [(0, 5), (1, 6)]
        """
        from .sources import RangeDataset, ZipDataset
        return ZipDataset((RangeDataset((start, np.iinfo(np.int64).max), _dtypes.int64), self))

    def concatenate(self, dataset, name=None):
        """This dataset's elements, then ``dataset``'s (same structure and dtypes).

        >>> import stage4_training as tf
        >>> a, b = tf.data.Dataset.range(2), tf.data.Dataset.range(5, 7)
        >>> [int(x) for x in a.concatenate(b)]
        [0, 1, 5, 6]
        """
        from .sources import ConcatenateDataset
        return ConcatenateDataset(self, dataset)

    def cache(self, filename="", name=None):
        """Elements kept in memory by the first full pass; later passes read them
        from there instead of running the steps before ``cache`` again.

        >>> import stage4_training as tf
        >>> calls = []
        >>> ds = tf.data.Dataset.range(3).map(lambda x: calls.append(1) or x).cache()
        >>> _ = list(ds); _ = list(ds)
        >>> len(calls)   # the map ran on the first pass only
        3
        """
        from .transformations import CacheDataset
        return CacheDataset(self, filename)

    def prefetch(self, buffer_size, name=None):
        """Elements made ahead by a background thread, up to ``buffer_size`` of them
        (``AUTOTUNE``: a small default), while the consumer works on the last one.

        >>> import stage4_training as tf
        >>> [int(x) for x in tf.data.Dataset.range(4).prefetch(2)]
        [0, 1, 2, 3]
        """
        from .prefetch import PrefetchDataset
        return PrefetchDataset(self, buffer_size)

    def flat_map(self, map_func, name=None):
        """``map_func`` maps each element to a dataset; their elements, one after another.

        >>> import stage4_training as tf
        >>> ds = tf.data.Dataset.range(1, 3).flat_map(lambda n: tf.data.Dataset.range(n))
        >>> [int(x) for x in ds]
        [0, 0, 1]
        """
        from .transformations import FlatMapDataset
        return FlatMapDataset(self, map_func)

    def apply(self, transformation_func):
        """``transformation_func(self)``: a reusable piece of pipeline, chained.

        >>> import stage4_training as tf
        >>> def evens(ds):
        ...     return ds.filter(lambda x: x % 2 == 0)
        >>> [int(x) for x in tf.data.Dataset.range(5).apply(evens)]
        [0, 2, 4]
        """
        result = transformation_func(self)
        if not isinstance(result, Dataset):
            raise TypeError("Dataset.apply: transformation_func must return a Dataset, "
                            "got %s" % structure.describe(result))
        return result

    def reduce(self, initial_state, reduce_func, name=None):
        """The elements folded into one value: ``state = reduce_func(state, element)``.

        >>> import stage4_training as tf
        >>> int(tf.data.Dataset.range(5).reduce(tf.constant(0, tf.int64), lambda s, x: s + x))
        10
        """
        _check_callable(reduce_func, "reduce", "reduce_func", "(state, element) -> new state")
        state = structure.normalize(initial_state, "Dataset.reduce")
        for element in self:
            state = structure.normalize(reduce_func(state, element), "Dataset.reduce")
        return state


# --- argument checks shared by the steps ---------------------------------------------

def _check_callable(fn, method, argument, expects):
    if not callable(fn):
        raise TypeError("Dataset.%s: %s must be a callable %s, got %s"
                        % (method, argument, expects, structure.describe(fn)))


def _check_count(value, method, argument, minimum):
    """An int argument as a Python int (a scalar tensor is fine), at least ``minimum``."""
    if isinstance(value, Tensor):
        if value.ndim != 0 or not value.dtype.is_integer:
            raise TypeError("Dataset.%s: %s must be an integer scalar, got %r"
                            % (method, argument, value))
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError("Dataset.%s: %s must be an integer, got %s"
                        % (method, argument, structure.describe(value)))
    value = int(value)
    if value < minimum:
        valid = "a positive integer" if minimum == 1 else "an integer >= %d" % minimum
        raise ValueError("Dataset.%s: %s must be %s, got %d" % (method, argument, valid, value))
    return value
