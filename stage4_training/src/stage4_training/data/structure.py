"""The structure of a dataset's elements: nested tuples and dicts of tensors.

An element is a tensor, or a tuple (namedtuples included) or dict of elements.
As in ``tf.data``, a *list* is not structure: ``[1, 2, 3]`` is one tensor, the
way ``tf.constant`` reads it. Dict entries are visited in sorted key order.

>>> import stage4_training as tf
>>> from stage4_training.data import structure
>>> element = structure.normalize({"y": 1, "x": ([1.5, 2.5], 7)}, "example")
>>> element["x"][0]
tf.Tensor([1.5 2.5], shape=(2,), dtype=float32)
>>> structure.spec_of(element)["y"]
TensorSpec(shape=(), dtype=tf.int32, name=None)
"""

import numpy as np

from stage1_tensors.convert import convert_to_tensor
from stage1_tensors.dispatch import wrap
from stage1_tensors.errors import InvalidArgumentError
from stage1_tensors.tensor import Tensor
from stage2_autodiff.nest import flatten, pack_sequence_as

from .tensor_spec import TensorSpec

__all__ = ["normalize", "to_tensor", "flatten", "pack_sequence_as", "spec_of",
           "map_structure", "same_structure", "stack", "describe"]


def to_tensor(value, where):
    """One leaf of an element as a Tensor that nothing else can change.

    Tensors are kept (they are immutable); a NumPy array is copied, as
    TensorFlow copies it into a tensor; Python values follow ``tf.constant``'s
    rules (floats float32, ints int32).

    >>> from stage4_training.data.structure import to_tensor
    >>> to_tensor([1, 2], "example").dtype
    tf.int32
    """
    if type(value) is Tensor:
        return value
    if isinstance(value, Tensor):           # a Variable: a snapshot of its value now
        return wrap(np.array(value))
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biuf":
            raise TypeError("%s: elements must be numeric or bool tensors; got a NumPy "
                            "array of dtype %s" % (where, value.dtype))
        return convert_to_tensor(np.array(value))
    if value is None:
        raise TypeError("%s: None is not a valid element component; give a tensor, an "
                        "array, a number, or a tuple or dict of them" % where)
    try:
        return convert_to_tensor(value)
    except (InvalidArgumentError, TypeError, ValueError) as error:
        raise TypeError("%s: cannot turn %s into a tensor (element components are "
                        "tensors, arrays, numbers or (nested) lists of numbers, held in "
                        "tuples or dicts): %s" % (where, describe(value), error)) from None


def normalize(value, where):
    """``value`` as an element: its tuples and dicts kept, every other leaf a Tensor.

    >>> from stage4_training.data import structure
    >>> structure.normalize((1, [2, 3]), "example")[1]
    tf.Tensor([2 3], shape=(2,), dtype=int32)
    """
    if isinstance(value, dict):
        return {key: normalize(value[key], where) for key in sorted(value)}
    if isinstance(value, tuple):
        items = [normalize(item, where) for item in value]
        if hasattr(value, "_fields"):        # a namedtuple keeps its type
            return type(value)(*items)
        return tuple(items)
    return to_tensor(value, where)


def spec_of(element):
    """The ``TensorSpec`` structure of an element.

    >>> import stage4_training as tf
    >>> from stage4_training.data import structure
    >>> structure.spec_of((tf.constant(1), tf.zeros([2])))
    (TensorSpec(shape=(), dtype=tf.int32, name=None), TensorSpec(shape=(2,), dtype=tf.float32, name=None))
    """
    return map_structure(lambda t: TensorSpec(t.shape, t.dtype), element)


def map_structure(fn, structure):
    """``fn`` applied to each leaf of ``structure``, the structure kept.

    >>> from stage4_training.data import structure
    >>> structure.map_structure(lambda x: x * 10, {"a": (1, 2)})
    {'a': (10, 20)}
    """
    return pack_sequence_as(structure, [fn(leaf) for leaf in flatten(structure)])


def same_structure(a, b):
    """True when ``a`` and ``b`` nest the same way (same tuple lengths, same dict keys).

    >>> from stage4_training.data import structure
    >>> structure.same_structure((1, {"a": 2}), (3, {"a": 4})), structure.same_structure((1,), (1, 2))
    (True, False)
    """
    if isinstance(a, dict) or isinstance(b, dict):
        return (isinstance(a, dict) and isinstance(b, dict) and sorted(a) == sorted(b)
                and all(same_structure(a[k], b[k]) for k in a))
    if isinstance(a, (tuple, list)) or isinstance(b, (tuple, list)):
        return (isinstance(a, (tuple, list)) and isinstance(b, (tuple, list))
                and len(a) == len(b) and all(same_structure(x, y) for x, y in zip(a, b)))
    return True


def stack(elements, where="Dataset.batch"):
    """Elements of one structure stacked into one element, component by component.

    Every component must have the same shape in every element, as in
    TensorFlow (``padded_batch`` pads those that differ).

    >>> import stage4_training as tf
    >>> from stage4_training.data import structure
    >>> structure.stack([(tf.constant(1), tf.constant([1., 2.])),
    ...                  (tf.constant(2), tf.constant([3., 4.]))])[1]
    tf.Tensor([[1. 2.]
               [3. 4.]], shape=(2, 2), dtype=float32)
    """
    rows = [flatten(element) for element in elements]
    components = []
    for index, column in enumerate(zip(*rows)):
        values = [t._value for t in column]
        first = values[0].shape
        for position, value in enumerate(values):
            if value.shape != first:
                raise InvalidArgumentError(
                    "%s: cannot batch tensors with different shapes in component %d: "
                    "the first element had shape %s and element %d had shape %s; "
                    "use padded_batch to pad them to a common shape, or map them to "
                    "one shape first" % (where, index, tuple(first), position, tuple(value.shape)))
        components.append(wrap(np.stack(values)))
    return pack_sequence_as(elements[0], components)


def describe(value):
    """A short text naming ``value`` for an error message.

    >>> from stage4_training.data.structure import describe
    >>> describe([1, 2])
    '[1, 2] (list)'
    """
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return "%s (%s)" % (text, type(value).__name__)
