"""The steps of a pipeline: each wraps the dataset before it and transforms its stream.

Every step's ``_elements()`` is a small generator over the previous step's
elements; that loop *is* the algorithm (see ``BatchDataset._stacked_batches``
or ``shuffle.shuffle_stream``).

>>> import stage4_training as tf
>>> ds = tf.data.Dataset.range(8).shuffle(8, seed=1).batch(3)
>>> len(ds), sorted(int(x) for b in ds for x in b)
(3, [0, 1, 2, 3, 4, 5, 6, 7])

One speed trick: ``shuffle``, ``repeat``, ``take``, ``skip`` and ``shard`` only
choose which input elements come out and in what order, never looking at
them (``SelectionDataset``). Over a table of rows (``from_tensor_slices``,
``range``) the same algorithm can run on row *numbers*; ``batch`` then fetches
a whole batch of rows with one NumPy indexing call instead of stacking
``batch_size`` separate elements. Both ways give the same elements.
"""

import itertools
import math
import numbers

import numpy as np

from stage1_tensors.dispatch import wrap
from stage1_tensors.errors import InvalidArgumentError
from stage1_tensors.tensor import Tensor

from . import structure
from .dataset import (AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Dataset,
                      _check_callable, _check_count)
from .shuffle import dataset_seed, random_draws, shuffle_stream
from .tensor_spec import TensorSpec, as_shape

__all__ = ["MapDataset", "FilterDataset", "FlatMapDataset", "SelectionDataset",
           "ShuffleDataset", "RepeatDataset", "TakeDataset", "SkipDataset", "ShardDataset",
           "BatchDataset", "PaddedBatchDataset", "UnbatchDataset", "CacheDataset"]

# ``batch`` over a table of rows gathers each batch with one NumPy indexing call.
# Measured (MNIST, 60000 x 28 x 28 uint8 + labels, shuffle(10000).batch(128),
# one core): ~30 us per batch gathered, ~420 us stacking 128 elements one by
# one, about 14x. Set False to run the plain element-wise algorithm everywhere.
GATHER_ROWS = True


def _call(fn, element):
    """Calls a user function on an element as tf.data does: a tuple is unpacked
    into arguments; anything else (a tensor, a dict, a namedtuple) is one argument."""
    return fn(*element) if type(element) is tuple else fn(element)


class MapDataset(Dataset):
    """``dataset.map(map_func)``: ``map_func`` applied to each element, in order.

    >>> import stage4_training as tf
    >>> ds = tf.data.Dataset.from_tensor_slices({"x": [1, 2]}).map(lambda d: d["x"] * 2)
    >>> [int(x) for x in ds]
    [2, 4]
    """

    def __init__(self, input_dataset, map_func, num_parallel_calls=None):
        _check_callable(map_func, "map", "map_func",
                        "taking an element (a tuple element unpacked into arguments)")
        if num_parallel_calls is not None and num_parallel_calls != AUTOTUNE:
            _check_count(num_parallel_calls, "map", "num_parallel_calls", 1)
        self._input, self._fn = input_dataset, map_func

    def _elements(self):
        fn = self._fn
        for element in self._input._elements():
            yield _mapped(_call(fn, element))

    def _cardinality(self):
        return self._input._cardinality()

    def _spec(self):
        # TensorFlow traces map_func to learn its output; here it runs on the
        # first two elements. A dimension stays known when the input's shapes
        # are fully known and both outputs agree on it; otherwise it is None.
        outputs = list(itertools.islice(self._elements(), 2))
        if not outputs:
            return _probe_spec(self._input.element_spec, self._fn)
        specs = structure.spec_of(outputs[0])
        fixed = all(s.shape is not None and None not in s.shape
                    for s in structure.flatten(self._input.element_spec))
        if len(outputs) == 2 and fixed:
            other = structure.flatten(structure.spec_of(outputs[1]))
            return structure.pack_sequence_as(specs, [
                a.most_specific_compatible(b) for a, b in zip(structure.flatten(specs), other)])
        return structure.map_structure(
            lambda s: TensorSpec([None] * len(s.shape), s.dtype), specs)


def _mapped(result):
    """A map function's result as an element (a returned list reads as a tuple, as in TF)."""
    if isinstance(result, list):
        result = tuple(result)
    if type(result) is Tensor:
        return result
    return structure.normalize(result, "Dataset.map")


def _probe_spec(input_spec, fn):
    """The output spec of ``fn`` on zeros shaped like ``input_spec`` (for an empty input)."""
    def zeros(spec):
        shape = () if spec.shape is None else [0 if d is None else d for d in spec.shape]
        return wrap(np.zeros(shape, spec.dtype.as_numpy_dtype))
    try:
        probe = _mapped(_call(fn, structure.map_structure(zeros, input_spec)))
    except Exception as error:
        raise ValueError("Dataset.map: the input has no elements, and map_func failed on a "
                         "zero-filled stand-in (%s), so the element_spec is unknown" % error) from None
    return structure.map_structure(lambda s: TensorSpec(
        [None] * len(s.shape), s.dtype), structure.spec_of(probe))


class FilterDataset(Dataset):
    """``dataset.filter(predicate)``: the elements for which ``predicate`` is True.

    >>> import stage4_training as tf
    >>> [int(x) for x in tf.data.Dataset.range(5).filter(lambda x: x > 2)]
    [3, 4]
    """

    def __init__(self, input_dataset, predicate):
        _check_callable(predicate, "filter", "predicate",
                        "taking an element and returning a scalar bool")
        self._input, self._predicate = input_dataset, predicate

    def _elements(self):
        predicate = self._predicate
        for element in self._input._elements():
            if _truth(_call(predicate, element)):
                yield element

    def _cardinality(self):
        return UNKNOWN_CARDINALITY

    def _spec(self):
        return self._input.element_spec


def _truth(value):
    if isinstance(value, Tensor):
        if value.ndim == 0 and value.dtype.is_bool:
            return bool(value._value)
    elif isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise TypeError("Dataset.filter: predicate must return a scalar boolean (a Python bool "
                    "or a tf.bool tensor of shape ()), got %s" % structure.describe(value))


class FlatMapDataset(Dataset):
    """``dataset.flat_map(map_func)``: each element mapped to a dataset, their
    elements one after another.

    >>> import stage4_training as tf
    >>> ds = tf.data.Dataset.range(2).flat_map(lambda x: tf.data.Dataset.from_tensors(x).repeat(2))
    >>> [int(x) for x in ds]
    [0, 0, 1, 1]
    """

    def __init__(self, input_dataset, map_func):
        _check_callable(map_func, "flat_map", "map_func", "returning a Dataset")
        self._input, self._fn = input_dataset, map_func

    def _datasets(self):
        for element in self._input._elements():
            dataset = _call(self._fn, element)
            if not isinstance(dataset, Dataset):
                raise TypeError("Dataset.flat_map: map_func must return a Dataset, got %s"
                                % structure.describe(dataset))
            yield dataset

    def _elements(self):
        for dataset in self._datasets():
            yield from dataset._elements()

    def _spec(self):
        for dataset in self._datasets():
            return dataset.element_spec
        raise ValueError("Dataset.flat_map: the input has no elements, so the element_spec "
                         "is unknown")


# --- steps that only choose elements --------------------------------------------------

class SelectionDataset(Dataset):
    """A step that picks and orders its input's elements without looking at them.

    Subclasses write ``_select(upstream)``: the step's algorithm over
    ``upstream()``, a fresh stream of the input. It runs on elements, or, over
    a table of rows, on row numbers, with the same code.

    >>> import stage4_training as tf
    >>> isinstance(tf.data.Dataset.range(3).take(2), SelectionDataset)
    True
    """

    def __init__(self, input_dataset):
        self._input = input_dataset
        self._row_source = input_dataset._row_source

    def _select(self, upstream):
        raise NotImplementedError

    def _elements(self):
        return self._select(self._input._elements)

    def _indices(self):
        return self._select(self._input._indices)

    def _spec(self):
        return self._input.element_spec


class ShuffleDataset(SelectionDataset):
    """``dataset.shuffle(buffer_size, seed, reshuffle_each_iteration)`` (see ``shuffle.py``).

    >>> import stage4_training as tf
    >>> ds = tf.data.Dataset.range(6).shuffle(6, seed=3, reshuffle_each_iteration=False)
    >>> [int(x) for x in ds] == [int(x) for x in ds]
    True
    """

    def __init__(self, input_dataset, buffer_size, seed=None, reshuffle_each_iteration=True):
        super().__init__(input_dataset)
        self._buffer_size = _check_count(buffer_size, "shuffle", "buffer_size", 1)
        if seed is not None:
            seed = _check_count(seed, "shuffle", "seed", -2 ** 63)
        self._seed = dataset_seed(seed)
        self._reshuffle = bool(reshuffle_each_iteration)
        self._epochs = itertools.count()

    def _select(self, upstream):
        epoch = next(self._epochs) if self._reshuffle else 0
        draws = random_draws(self._seed + [epoch])
        return shuffle_stream(upstream(), self._buffer_size, draws)

    def _cardinality(self):
        return self._input._cardinality()


class RepeatDataset(SelectionDataset):
    """``dataset.repeat(count)``: ``count`` passes over the input (None or -1: endless).

    >>> import stage4_training as tf
    >>> len(tf.data.Dataset.range(3).repeat(2))
    6
    """

    def __init__(self, input_dataset, count=None):
        super().__init__(input_dataset)
        self._count = -1 if count is None else _check_count(count, "repeat", "count", -1)

    def _select(self, upstream):
        epoch = 0
        while self._count < 0 or epoch < self._count:
            empty = True
            for item in upstream():
                empty = False
                yield item
            if empty:          # repeating nothing forever is still nothing
                return
            epoch += 1

    def _cardinality(self):
        n = self._input._cardinality()
        if self._count < 0:
            return 0 if n == 0 else INFINITE_CARDINALITY
        if self._count == 0:
            return 0
        if n < 0:
            return n
        return n * self._count


class TakeDataset(SelectionDataset):
    """``dataset.take(count)``: the first ``count`` elements (-1: all).

    >>> import stage4_training as tf
    >>> len(tf.data.Dataset.range(10).repeat().take(4))
    4
    """

    def __init__(self, input_dataset, count):
        super().__init__(input_dataset)
        self._count = _check_count(count, "take", "count", -1)

    def _select(self, upstream):
        if self._count < 0:
            return upstream()
        return itertools.islice(upstream(), self._count)

    def _cardinality(self):
        n = self._input._cardinality()
        if n == UNKNOWN_CARDINALITY:
            return n
        if n == INFINITE_CARDINALITY:
            return self._count
        return n if self._count < 0 else min(n, self._count)


class SkipDataset(SelectionDataset):
    """``dataset.skip(count)``: all but the first ``count`` elements (-1: none left).

    >>> import stage4_training as tf
    >>> len(tf.data.Dataset.range(10).skip(4))
    6
    """

    def __init__(self, input_dataset, count):
        super().__init__(input_dataset)
        self._count = _check_count(count, "skip", "count", -1)

    def _select(self, upstream):
        if self._count < 0:
            return iter(())
        return itertools.islice(upstream(), self._count, None)

    def _cardinality(self):
        n = self._input._cardinality()
        if n < 0:
            return n
        return 0 if self._count < 0 else max(0, n - self._count)


class ShardDataset(SelectionDataset):
    """``dataset.shard(num_shards, index)``: elements ``index``, ``index + num_shards``, ...

    >>> import stage4_training as tf
    >>> len(tf.data.Dataset.range(10).shard(4, 3))
    2
    """

    def __init__(self, input_dataset, num_shards, index):
        super().__init__(input_dataset)
        self._num_shards = _check_count(num_shards, "shard", "num_shards", 1)
        self._index = _check_count(index, "shard", "index", 0)
        if self._index >= self._num_shards:
            raise InvalidArgumentError("Dataset.shard: index must be in [0, num_shards), got "
                                       "index=%d with num_shards=%d" % (index, num_shards))

    def _select(self, upstream):
        return itertools.islice(upstream(), self._index, None, self._num_shards)

    def _cardinality(self):
        n = self._input._cardinality()
        if n < 0:
            return n
        return n // self._num_shards + (n % self._num_shards > self._index)


# --- batching -----------------------------------------------------------------------------

def _batched_cardinality(n, batch_size, drop_remainder):
    if n < 0:
        return n
    return n // batch_size if drop_remainder else math.ceil(n / batch_size)


def _batched_spec(spec, batch_size, drop_remainder):
    first = batch_size if drop_remainder else None
    return structure.map_structure(lambda s: TensorSpec(
        None if s.shape is None else (first,) + tuple(s.shape), s.dtype), spec)


class BatchDataset(Dataset):
    """``dataset.batch(batch_size, drop_remainder)``: elements stacked ``batch_size`` at a time.

    >>> import stage4_training as tf
    >>> ds = tf.data.Dataset.from_tensor_slices(([1, 2, 3], [4, 5, 6])).batch(2)
    >>> [x.numpy().tolist() for x, y in ds]
    [[1, 2], [3]]
    """

    def __init__(self, input_dataset, batch_size, drop_remainder=False):
        self._input = input_dataset
        self._batch_size = _check_count(batch_size, "batch", "batch_size", 1)
        self._drop_remainder = bool(drop_remainder)

    def _elements(self):
        if GATHER_ROWS and self._input._row_source is not None:
            return self._gathered_batches()
        return self._stacked_batches()

    def _stacked_batches(self):
        """The algorithm: collect ``batch_size`` elements, stack each component."""
        batch = []
        for element in self._input._elements():
            batch.append(element)
            if len(batch) == self._batch_size:
                yield structure.stack(batch)
                batch = []
        if batch and not self._drop_remainder:
            yield structure.stack(batch)

    def _gathered_batches(self):
        """The same batches from a table of rows: ``batch_size`` row numbers at a
        time, fetched by one NumPy indexing call per component."""
        rows, table = self._input._indices(), self._input._row_source
        while True:
            indices = np.fromiter(itertools.islice(rows, self._batch_size), np.intp)
            if len(indices) == 0 or (len(indices) < self._batch_size and self._drop_remainder):
                return
            yield table._rows(indices)

    def _cardinality(self):
        return _batched_cardinality(self._input._cardinality(), self._batch_size,
                                    self._drop_remainder)

    def _spec(self):
        return _batched_spec(self._input.element_spec, self._batch_size, self._drop_remainder)


class PaddedBatchDataset(Dataset):
    """``dataset.padded_batch(...)``: like ``batch``, components padded to a common shape.

    >>> import stage4_training as tf
    >>> ds = tf.data.Dataset.from_generator(lambda: iter([[1], [2, 2]]), output_signature=
    ...                                     tf.data.TensorSpec([None], tf.int32))
    >>> next(iter(ds.padded_batch(2, padded_shapes=[3], padding_values=-1))).numpy().tolist()
    [[1, -1, -1], [2, 2, -1]]
    """

    def __init__(self, input_dataset, batch_size, padded_shapes=None, padding_values=None,
                 drop_remainder=False):
        self._input = input_dataset
        self._batch_size = _check_count(batch_size, "padded_batch", "batch_size", 1)
        self._drop_remainder = bool(drop_remainder)
        spec = input_dataset.element_spec
        # Per component: the shape to pad to (None dimensions: the batch's longest) ...
        if padded_shapes is None:
            self._shapes = [None] * len(structure.flatten(spec))
        else:
            self._shapes = _along(spec, padded_shapes, "padded_shapes", as_shape)
        # ... and the value to pad with (one scalar for all, or one per component).
        if padding_values is None or np.ndim(padding_values) == 0 and \
                not isinstance(padding_values, (tuple, dict)):
            value = 0 if padding_values is None else padding_values
            self._pads = [_scalar(value)] * len(self._shapes)
        else:
            self._pads = _along(spec, padding_values, "padding_values", _scalar)

    def _elements(self):
        batch = []
        for element in self._input._elements():
            batch.append(element)
            if len(batch) == self._batch_size:
                yield self._pad_and_stack(batch)
                batch = []
        if batch and not self._drop_remainder:
            yield self._pad_and_stack(batch)

    def _pad_and_stack(self, batch):
        rows = [structure.flatten(element) for element in batch]
        components = [wrap(_pad_stack([t._value for t in column], self._shapes[i],
                                      self._pads[i], i))
                      for i, column in enumerate(zip(*rows))]
        return structure.pack_sequence_as(batch[0], components)

    def _cardinality(self):
        return _batched_cardinality(self._input._cardinality(), self._batch_size,
                                    self._drop_remainder)

    def _spec(self):
        spec = self._input.element_spec
        padded = [TensorSpec(None if s.shape is None else
                             (shape if shape is not None else [None] * len(s.shape)), s.dtype)
                  for s, shape in zip(structure.flatten(spec), self._shapes)]
        return _batched_spec(structure.pack_sequence_as(spec, padded), self._batch_size,
                             self._drop_remainder)


def _along(spec, value, argument, convert):
    """``value`` (a structure like ``spec``, a shape or scalar at each leaf) as a flat list."""
    if isinstance(spec, TensorSpec):
        return [convert(value)]
    if isinstance(spec, dict) and isinstance(value, dict) and sorted(spec) == sorted(value):
        return [x for k in sorted(spec) for x in _along(spec[k], value[k], argument, convert)]
    if isinstance(spec, tuple) and isinstance(value, (tuple, list)) and len(spec) == len(value):
        return [x for s, v in zip(spec, value) for x in _along(s, v, argument, convert)]
    raise ValueError("Dataset.padded_batch: %s %r does not match the structure of the "
                     "elements, %s" % (argument, value, spec))


def _scalar(value):
    if np.ndim(value) != 0:
        raise ValueError("Dataset.padded_batch: each padding value must be a scalar, got %r"
                         % (value,))
    return np.asarray(value).reshape(())


def _pad_stack(values, target, pad, component):
    rank = values[0].ndim
    if any(v.ndim != rank for v in values):
        raise InvalidArgumentError(
            "Dataset.padded_batch: component %d has elements of different ranks (%s)"
            % (component, sorted({v.ndim for v in values})))
    if target is not None and len(target) != rank:
        raise ValueError("Dataset.padded_batch: padded shape %s for component %d does not "
                         "have the rank of its elements (%d)" % (target, component, rank))
    longest = [max(v.shape[axis] for v in values) for axis in range(rank)]
    shape = longest if target is None else [n if d is None else d
                                            for d, n in zip(target, longest)]
    for v in values:
        if any(have > want for have, want in zip(v.shape, shape)):
            raise InvalidArgumentError(
                "Dataset.padded_batch: attempted to pad to a smaller size than the input "
                "element: component %d has shape %s, padded shape is %s"
                % (component, tuple(v.shape), tuple(shape)))
    out = np.full([len(values)] + list(shape), pad, dtype=values[0].dtype)
    for i, v in enumerate(values):
        out[(i,) + tuple(slice(0, n) for n in v.shape)] = v
    return out


class UnbatchDataset(Dataset):
    """``dataset.unbatch()``: the rows of each element as separate elements.

    >>> import stage4_training as tf
    >>> ds = tf.data.Dataset.from_tensors(([1, 2], [[3], [4]])).unbatch()
    >>> [(int(a), b.numpy().tolist()) for a, b in ds]
    [(1, [3]), (2, [4])]
    """

    def __init__(self, input_dataset):
        self._input = input_dataset

    def _elements(self):
        for element in self._input._elements():
            leaves = structure.flatten(element)
            sizes = {t.shape[0] if t.ndim else None for t in leaves}
            if None in sizes or len(sizes) != 1:
                raise InvalidArgumentError(
                    "Dataset.unbatch: every component needs the same first dimension, but "
                    "the shapes are %s" % ", ".join(str(tuple(t.shape)) for t in leaves))
            values = [t._value for t in leaves]
            for i in range(sizes.pop()):
                yield structure.pack_sequence_as(element, [wrap(v[i, ...]) for v in values])

    def _cardinality(self):
        n = self._input._cardinality()
        if n < 0:
            return n
        firsts = {s.shape[0] if s.shape else None
                  for s in structure.flatten(self._input.element_spec)}
        if len(firsts) != 1 or None in firsts:
            return UNKNOWN_CARDINALITY
        return n * firsts.pop()

    def _spec(self):
        return structure.map_structure(lambda s: TensorSpec(
            None if s.shape is None else s.shape[1:], s.dtype), self._input.element_spec)


class CacheDataset(Dataset):
    """``dataset.cache()``: the first complete pass is kept in memory and replayed.

    A pass abandoned half way keeps nothing; the next pass fills the cache again.

    >>> import stage4_training as tf
    >>> ds = tf.data.Dataset.range(3).shuffle(3, seed=1).cache()
    >>> [int(x) for x in ds] == [int(x) for x in ds]    # the shuffled order is kept
    True
    """

    def __init__(self, input_dataset, filename=""):
        if filename:
            raise NotImplementedError(
                "Dataset.cache(filename=%r): caching to files is not implemented in this "
                "course; use cache() to cache in memory" % (filename,))
        self._input = input_dataset
        self._cached = None

    def _elements(self):
        if self._cached is not None:
            return iter(self._cached)
        return self._filling()

    def _filling(self):
        elements = []
        for element in self._input._elements():
            elements.append(element)
            yield element
        self._cached = elements

    def _cardinality(self):
        return self._input._cardinality()

    def _spec(self):
        return self._input.element_spec
