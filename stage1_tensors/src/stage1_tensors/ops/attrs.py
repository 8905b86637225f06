"""Python-side arguments made into attrs: shapes, ints, flags, dtypes, axes.

An op's attrs are plain hashable Python values (the tape records them, graph
tracing keys on them), so each public function turns what the user passed
(a list, a NumPy integer, a scalar tensor ...) into one of those first. A value
that cannot be one fails here, naming the op and the argument, before any kernel
runs.

>>> from stage1_tensors.ops.attrs import shape_attr, int_attr
>>> shape_attr([2, 3], "reshape")
(2, 3)
>>> int_attr(True, "axis", "gather")
Traceback (most recent call last):
...
stage1_tensors.errors.InvalidArgumentError: gather: axis must be an int, got True
"""

import builtins
import operator

import numpy as np

from ..dtypes import ALL as ALL_DTYPES
from ..dtypes import as_dtype
from ..errors import InvalidArgumentError
from ..tensor import Tensor, TensorShape

__all__ = []      # helpers for the op modules, not part of ``tf.*``


def shape_attr(shape, op_name, table=False):
    """A shape argument (list, tuple, TensorShape or 1-D tensor) as a tuple of ints.

    ``table=True`` also takes a 2-D table of ints (``pad``'s ``[[1, 1], [2, 2]]``),
    flattened row by row; a plain shape must be flat.
    """
    if type(shape) is tuple or type(shape) is list or type(shape) is TensorShape:
        for d in shape:             # the common case, plain ints: no array round trip
            if type(d) is not int:
                break
        else:
            return tuple(shape)
    try:
        if hasattr(shape, "numpy"):
            shape = shape.numpy()
        array = np.asarray(shape)
        if array.dtype.kind not in "iu" and array.size:
            raise ValueError
        if array.ndim > (2 if table else 1):    # [[2], [3]] is no shape: refuse it
            raise ValueError
        return tuple(int(d) for d in array.reshape(-1).tolist())
    except TypeError as error:
        if _holds_a_tensor(shape):
            # A tensor that refuses to give its value: one that a graph computes
            # when it runs (tf.shape(x) inside tf.function); its error says why.
            # A later stage may know what to do with it (see set_shape_tensor_handler).
            found = None if table or _shape_tensor_handler is None \
                else _shape_tensor_handler(shape, op_name)
            if found is not None:
                return found
            raise InvalidArgumentError(
                "%s: the shape %r is a tensor whose value is not known yet. Inside "
                "tf.function a shape may come from the graph as a 1-D int32/int64 tensor "
                "or a list of ints and integer scalar tensors; otherwise use an op that "
                "needs no shape (tf.zeros_like(x), tf.ones_like(x), broadcasting) or -1 "
                "for the unknown size in tf.reshape. (%s)" % (op_name, shape, error),
                op=op_name) from None
        raise _not_a_shape(shape, op_name) from None
    except ValueError:
        raise _not_a_shape(shape, op_name) from None


# The extension point for shapes that are tensors without a readable value.
_shape_tensor_handler = None


def set_shape_tensor_handler(handler):
    """Sets ``handler(shape, op_name)``, which ``shape_attr`` calls with a shape it
    cannot read (a tensor, or a list holding tensors, whose ``numpy()`` refuses).
    What it returns becomes the attr (a later stage's marker); None means "no",
    and ``shape_attr`` raises. Stage 5 sets one: while tracing, a shape that the
    graph computes (``tf.shape(x)``) becomes an input of the op instead.

    >>> from stage1_tensors.ops import attrs
    >>> attrs.shape_attr([2, 3], "reshape")     # a readable shape never reaches it
    (2, 3)
    """
    global _shape_tensor_handler
    _shape_tensor_handler = handler


def _not_a_shape(shape, op_name):
    return InvalidArgumentError(
        "%s: a shape must be a flat list of ints (one per dimension), got %r"
        % (op_name, shape), op=op_name)


def _holds_a_tensor(shape):
    """Whether ``shape`` is a tensor, or a list or tuple with a tensor in it."""
    if isinstance(shape, Tensor):
        return True
    return isinstance(shape, (list, tuple)) and any(isinstance(d, Tensor) for d in shape)


def int_attr(value, what, op_name):
    """An int argument (a Python int, NumPy integer or integer scalar tensor)."""
    try:
        if isinstance(value, Tensor):
            value = value.numpy()
        if isinstance(value, (builtins.bool, np.bool_)):
            raise TypeError
        return operator.index(value)
    except TypeError:
        raise InvalidArgumentError(
            "%s: %s must be an int, got %r" % (op_name, what, value), op=op_name) from None


def float_attr(value, what, op_name):
    """A number argument (``alpha``, ``epsilon`` ...) as a Python float."""
    if hasattr(value, "numpy"):
        value = value.numpy()
    try:
        return float(value)
    except (TypeError, ValueError):
        raise InvalidArgumentError(
            "%s: %s must be a number, got %r" % (op_name, what, value), op=op_name) from None


def bool_attr(value, what, op_name):
    """A flag argument (``keepdims``, ``transpose_a`` ...): anything with one truth value.

    ``True``/``False`` return at once; a tensor or array must hold one element.
    """
    if value is True or value is False:
        return value
    try:
        return builtins.bool(value)
    except (TypeError, ValueError):
        raise InvalidArgumentError(
            "%s: %s must be a bool, got %s" % (op_name, what, _describe(value)),
            op=op_name) from None


def tensor_list(values, op_name, what="values"):
    """A list-of-tensors argument (``concat``, ``stack``, ``add_n``) as a list or tuple.

    Sets and dicts have no order to join in, strings are not tensors: all refused.
    """
    if type(values) is list or type(values) is tuple:
        return values
    if isinstance(values, (dict, set, frozenset, str, bytes)) or not hasattr(values, "__iter__"):
        raise InvalidArgumentError(
            "%s: %s must be a list of tensors, got %s" % (op_name, what, _describe(values)),
            op=op_name)
    return list(values)


def dtype_attr(value, what, op_name):
    """A dtype argument (a DType, name, NumPy dtype or Python type) as a ``DType``."""
    try:
        return as_dtype(value)
    except TypeError:
        raise InvalidArgumentError(
            "%s: %s must be a dtype, got %s; valid dtypes are %s"
            % (op_name, what, _describe(value), ", ".join(d.name for d in ALL_DTYPES)),
            op=op_name) from None


def _describe(value):
    if isinstance(value, Tensor):
        return "a tensor of shape %s" % (tuple(value.shape),)
    if isinstance(value, np.ndarray):
        return "an array of shape %s" % (value.shape,)
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def ints_attr(values, what, op_name):
    """An int or a list of ints as a tuple of ints."""
    if isinstance(values, Tensor):
        values = values.numpy()
    if isinstance(values, np.ndarray):
        values = values.tolist()
    if isinstance(values, (list, tuple)):
        return tuple(int_attr(v, what, op_name) for v in values)
    return (int_attr(values, what, op_name),)


def check_axis(axis, rank, shape, op_name, extra=0):
    """Returns ``axis`` made non-negative; ``extra`` widens the range (expand_dims: 1)."""
    low, high = -rank - extra, rank + extra - 1
    if not low <= axis <= high:
        raise InvalidArgumentError(
            "%s: axis %d is out of range for a tensor of rank %d (shape %s); "
            "valid axes are %d..%d" % (op_name, axis, rank, tuple(shape), low, high),
            op=op_name)
    return axis % (rank + extra) if rank + extra else 0
