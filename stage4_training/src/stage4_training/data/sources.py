"""Where elements come from: slices of tensors, whole tensors, ranges, Python
generators, and other datasets side by side (zip) or one after another
(concatenate).

>>> import stage4_training as tf
>>> ds = tf.data.Dataset.from_tensor_slices(([[1, 2], [3, 4], [5, 6]], [0, 1, 0]))
>>> ds.element_spec[0], len(ds)
(TensorSpec(shape=(2,), dtype=tf.int32, name=None), 3)
"""

import numpy as np

from stage1_tensors import dtypes as _dtypes
from stage1_tensors.convert import convert_to_tensor
from stage1_tensors.dispatch import wrap
from stage1_tensors.errors import InvalidArgumentError
from stage1_tensors.tensor import Tensor

from . import structure
from .dataset import INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Dataset, _check_callable
from .tensor_spec import TensorSpec, as_shape, shapes_compatible

__all__ = ["TensorSliceDataset", "TensorDataset", "RangeDataset", "GeneratorDataset",
           "ZipDataset", "ConcatenateDataset"]


class TensorSliceDataset(Dataset):
    """The rows of some tensors: ``Dataset.from_tensor_slices(tensors)``.

    It is a table of rows, so steps that only pick rows (shuffle, repeat,
    take, skip) can work on row numbers and ``batch`` can gather many rows
    with one NumPy indexing call (``_rows``).

    >>> import stage4_training as tf
    >>> [int(x) for x in tf.data.Dataset.from_tensor_slices([4, 5, 6])]
    [4, 5, 6]
    """

    def __init__(self, tensors):
        where = "Dataset.from_tensor_slices"
        self._structure = structure.normalize(tensors, where)
        leaves = structure.flatten(self._structure)
        for leaf in leaves:
            if leaf.ndim == 0:
                raise InvalidArgumentError(
                    "%s: every component needs at least one dimension to slice, but one "
                    "is a scalar (shape ()); use Dataset.from_tensors for a single element"
                    % where)
        shapes = [tuple(leaf.shape) for leaf in leaves]
        if len({s[0] for s in shapes}) > 1:
            raise InvalidArgumentError(
                "%s: all components must have the same size in their first dimension "
                "(the one that is sliced), but the shapes are %s"
                % (where, ", ".join(str(s) for s in shapes)))
        self._arrays = [leaf._value for leaf in leaves]
        self._num_rows = shapes[0][0]
        self._row_source = self

    def _row(self, i):
        return structure.pack_sequence_as(self._structure,
                                          [wrap(a[i, ...]) for a in self._arrays])

    def _rows(self, indices):
        return structure.pack_sequence_as(self._structure,
                                          [wrap(a[indices]) for a in self._arrays])

    def _indices(self):
        return iter(range(self._num_rows))

    def _elements(self):
        for i in range(self._num_rows):
            yield self._row(i)

    def _cardinality(self):
        return self._num_rows

    def _spec(self):
        return structure.map_structure(
            lambda t: TensorSpec(t.shape[1:], t.dtype), self._structure)


class TensorDataset(Dataset):
    """One element: ``Dataset.from_tensors(tensors)``.

    >>> import stage4_training as tf
    >>> len(tf.data.Dataset.from_tensors(([1, 2, 3], 4)))
    1
    """

    def __init__(self, tensors):
        self._element = structure.normalize(tensors, "Dataset.from_tensors")

    def _elements(self):
        yield self._element

    def _cardinality(self):
        return 1

    def _spec(self):
        return structure.spec_of(self._element)


class RangeDataset(Dataset):
    """``Dataset.range(start, stop, step)``: scalars of ``output_type`` (int64).

    A range is a table of rows too (row i is ``start + i * step``).

    >>> import stage4_training as tf
    >>> [int(x) for x in tf.data.Dataset.range(5, 0, -2)]
    [5, 3, 1]
    """

    def __init__(self, args, output_type=_dtypes.int64):
        if not 1 <= len(args) <= 3:
            raise TypeError("Dataset.range takes range(stop) or range(start, stop[, step]), "
                            "got %d arguments" % len(args))
        values = [int(a) for a in args]
        if len(values) == 1:
            values = [0] + values
        start, stop, step = values + [1] * (3 - len(values))
        if step == 0:
            raise InvalidArgumentError("Dataset.range: step must be a non-zero integer")
        self._range = range(start, stop, step)
        self._dtype = _dtypes.as_dtype(output_type).as_numpy_dtype
        self._row_source = self

    def _row(self, i):
        return wrap(np.array(self._range[i], self._dtype))

    def _rows(self, indices):
        r = self._range
        return wrap((r.start + np.asarray(indices, np.int64) * r.step).astype(self._dtype))

    def _indices(self):
        return iter(range(len(self._range)))

    def _elements(self):
        dtype = self._dtype
        for value in self._range:
            yield wrap(np.array(value, dtype))

    def _cardinality(self):
        return len(self._range)

    def _spec(self):
        return TensorSpec((), self._dtype)


class GeneratorDataset(Dataset):
    """Elements from a Python generator: ``Dataset.from_generator(...)``.

    Each yielded value is checked against the declared structure, dtypes and
    shapes; the count is unknown until the generator ends.

    >>> import stage4_training as tf
    >>> ds = tf.data.Dataset.from_generator(lambda: iter([[1, 2], [3]]), output_types=tf.int32,
    ...                                     output_shapes=[None])
    >>> [x.numpy().tolist() for x in ds], ds.element_spec
    ([[1, 2], [3]], TensorSpec(shape=(None,), dtype=tf.int32, name=None))
    """

    def __init__(self, generator, output_types, output_shapes, args, output_signature):
        _check_callable(generator, "from_generator", "generator",
                        "(called with no arguments, or with args) that returns an iterable")
        self._generator = generator
        self._args = tuple(structure.to_tensor(a, "Dataset.from_generator").numpy()
                           for a in (args or ()))
        self._signature = _signature(output_types, output_shapes, output_signature)

    def _elements(self):
        signature = self._signature
        for value in self._generator(*self._args):
            yield _conform(value, signature)

    def _spec(self):
        return self._signature


def _signature(output_types, output_shapes, output_signature):
    where = "Dataset.from_generator"
    if output_signature is not None:
        if output_types is not None or output_shapes is not None:
            raise TypeError("%s: give either output_signature or output_types (with "
                            "output_shapes), not both" % where)
        for spec in structure.flatten(output_signature):
            if not isinstance(spec, TensorSpec):
                raise TypeError("%s: output_signature must be a structure of "
                                "tf.data.TensorSpec, got %s" % (where, structure.describe(spec)))
        return structure.map_structure(lambda s: s, _tuples(output_signature))
    if output_types is None:
        raise TypeError("%s: the output_types argument can not be None if "
                        "output_signature is not given; say what the generator yields, e.g. "
                        "output_signature=tf.data.TensorSpec(shape=(), dtype=tf.int64)" % where)
    output_types = _tuples(output_types)
    if output_shapes is None:
        return structure.map_structure(lambda dtype: TensorSpec(None, dtype), output_types)
    output_shapes = _tuples(output_shapes, shapes=True)
    types, shapes = structure.flatten(output_types), _flatten_shapes(output_shapes)
    if len(types) != len(shapes):
        raise TypeError("%s: output_shapes %r does not match the structure of output_types %r"
                        % (where, output_shapes, output_types))
    return structure.pack_sequence_as(
        output_types, [TensorSpec(s, t) for t, s in zip(types, shapes)])


def _tuples(value, shapes=False):
    """Lists in a declared structure read as tuples (a shape's list stays a shape)."""
    if isinstance(value, dict):
        return {k: _tuples(v, shapes) for k, v in value.items()}
    if isinstance(value, (tuple, list)) and not (shapes and _is_shape(value)):
        return tuple(_tuples(v, shapes) for v in value)
    return value


def _is_shape(value):
    return all(d is None or isinstance(d, (int, np.integer)) for d in value)


def _flatten_shapes(shapes):
    if isinstance(shapes, dict):
        return [s for k in sorted(shapes) for s in _flatten_shapes(shapes[k])]
    if isinstance(shapes, tuple) and not _is_shape(shapes):
        return [s for item in shapes for s in _flatten_shapes(item)]
    return [shapes]


def _conform(value, signature):
    """A generator's value as an element shaped like ``signature``."""
    where = "Dataset.from_generator"
    if isinstance(signature, TensorSpec):
        return _conform_leaf(value, signature)
    if isinstance(signature, dict):
        if not isinstance(value, dict) or sorted(value) != sorted(signature):
            raise TypeError("%s: `generator` yielded an element that did not match the "
                            "expected structure %r: %s" % (where, signature,
                                                           structure.describe(value)))
        return {k: _conform(value[k], signature[k]) for k in sorted(signature)}
    if not isinstance(value, (tuple, list)) or len(value) != len(signature):
        raise TypeError("%s: `generator` yielded an element that did not match the expected "
                        "structure %r: %s" % (where, signature, structure.describe(value)))
    return tuple(_conform(v, s) for v, s in zip(value, signature))


def _conform_leaf(value, spec):
    where = "Dataset.from_generator"
    want = spec.dtype.as_numpy_dtype
    if isinstance(value, Tensor):
        value = np.asarray(value)
    if isinstance(value, np.ndarray) or isinstance(value, np.generic):
        array = np.asarray(value)
        kind, want_kind = array.dtype.kind, np.dtype(want).kind
        if array.dtype != want and not (kind == want_kind or (kind in "iu" and want_kind in "iuf")):
            raise TypeError("%s: `generator` yielded an element of type %s where an element of "
                            "type %s was expected" % (where, array.dtype, spec.dtype.name))
        tensor = wrap(array.astype(want, copy=True))
    else:
        try:
            tensor = convert_to_tensor(value, dtype=spec.dtype)
        except (InvalidArgumentError, TypeError, ValueError) as error:
            raise TypeError("%s: `generator` yielded %s, which is not a valid %s value: %s"
                            % (where, structure.describe(value), spec.dtype.name, error)) from None
    if not shapes_compatible(spec.shape, tensor.shape):
        raise InvalidArgumentError(
            "%s: `generator` yielded an element of shape %s where an element of shape %s "
            "was expected" % (where, tuple(tensor.shape), spec.shape))
    return tensor


class ZipDataset(Dataset):
    """Several datasets side by side: ``Dataset.zip(datasets)``; ends with the shortest.

    >>> import stage4_training as tf
    >>> ds = tf.data.Dataset.zip({"a": tf.data.Dataset.range(2), "b": tf.data.Dataset.range(5)})
    >>> [{k: int(v) for k, v in e.items()} for e in ds]
    [{'a': 0, 'b': 0}, {'a': 1, 'b': 1}]
    """

    def __init__(self, datasets):
        if isinstance(datasets, list):
            datasets = tuple(datasets)
        leaves = structure.flatten(datasets)
        if not leaves or not all(isinstance(d, Dataset) for d in leaves):
            raise TypeError("Dataset.zip: the argument must be datasets, or a (nested) tuple "
                            "or dict of datasets, got %s" % structure.describe(datasets))
        self._datasets = datasets
        self._inputs = leaves

    def _elements(self):
        iterators = [d._elements() for d in self._inputs]
        while True:
            elements = []
            for it in iterators:
                for element in it:
                    elements.append(element)
                    break
                else:
                    return
            yield structure.pack_sequence_as(self._datasets, elements)

    def _cardinality(self):
        result = INFINITE_CARDINALITY
        for d in self._inputs:
            n = d._cardinality()
            if n == UNKNOWN_CARDINALITY:
                return UNKNOWN_CARDINALITY
            if n != INFINITE_CARDINALITY and (result == INFINITE_CARDINALITY or n < result):
                result = n
        return result

    def _spec(self):
        return structure.pack_sequence_as(self._datasets, [d.element_spec for d in self._inputs])


class ConcatenateDataset(Dataset):
    """One dataset's elements, then another's: ``a.concatenate(b)``.

    >>> import stage4_training as tf
    >>> a = tf.data.Dataset.from_tensor_slices([[1, 2]])
    >>> b = tf.data.Dataset.from_tensor_slices([[3, 4, 5]])
    >>> a.concatenate(b).element_spec
    TensorSpec(shape=(None,), dtype=tf.int32, name=None)
    """

    def __init__(self, first, second):
        if not isinstance(second, Dataset):
            raise TypeError("Dataset.concatenate: expected a Dataset, got %s"
                            % structure.describe(second))
        a, b = first.element_spec, second.element_spec
        specs_a, specs_b = structure.flatten(a), structure.flatten(b)
        if not structure.same_structure(a, b) or \
                any(x.dtype != y.dtype for x, y in zip(specs_a, specs_b)):
            raise TypeError("Dataset.concatenate: the two datasets must have elements of the "
                            "same structure and dtypes, but they are %s and %s" % (a, b))
        self._first, self._second = first, second
        self._combined = structure.pack_sequence_as(
            a, [x.most_specific_compatible(y) for x, y in zip(specs_a, specs_b)])

    def _elements(self):
        yield from self._first._elements()
        yield from self._second._elements()

    def _cardinality(self):
        n1, n2 = self._first._cardinality(), self._second._cardinality()
        if INFINITE_CARDINALITY in (n1, n2):
            return INFINITE_CARDINALITY
        if UNKNOWN_CARDINALITY in (n1, n2):
            return UNKNOWN_CARDINALITY
        return n1 + n2

    def _spec(self):
        return self._combined
