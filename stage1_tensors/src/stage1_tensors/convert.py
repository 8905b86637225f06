"""Turning Python values into tensors, with TensorFlow's dtype rules.

* Python floats become float32, Python ints int32 (int64 if they do not fit),
  bools bool, complex numbers complex128; lists and tuples follow the same
  rule for their elements.
* NumPy arrays keep their dtype.
* In an op, a Python number (or a NumPy scalar) *adopts the dtype of the other
  operand*, as long as that loses nothing: ``int32 tensor + 1`` is int32,
  ``float32 tensor * 2`` is float32, ``complex64 tensor * 2.0`` is complex64, but
  ``int32 tensor + 1.5`` and ``float32 tensor + 1j`` are errors.
* Two tensors of different dtypes are an error: there is no silent promotion.

>>> import stage1_tensors as tf
>>> tf.constant(1.5).dtype, tf.constant(7).dtype, tf.constant([True]).dtype
(tf.float32, tf.int32, tf.bool)
>>> (tf.constant([1, 2]) + 1).dtype
tf.int32
"""

import numpy as np

from . import dtypes as _dtypes
from .backends import _BY_TYPE, _get_ident, _scoped, NUMPY, backend_of, default_backend
from .errors import InvalidArgumentError
from .tensor import Tensor

__all__ = ["constant", "convert_to_tensor", "op_inputs", "to_array", "set_placer"]

_INT32 = np.iinfo(np.int32)


def _python_to_array(value, dtype, where):
    """A NumPy array for a Python number, list or NumPy scalar.

    ``dtype`` (a NumPy dtype or None) is the dtype the value must take; None
    means "use the default rule".
    """
    try:
        array = np.asarray(value)
    except (ValueError, TypeError) as error:
        raise InvalidArgumentError(
            "%s: cannot convert %s to a tensor: %s (nested lists must be "
            "rectangular and hold numbers)" % (where, _describe(value), error)) from None
    kind = array.dtype.kind
    if kind not in "biufc":
        raise InvalidArgumentError(
            "%s: cannot convert %s to a tensor; supported element types are %s"
            % (where, _describe(value), ", ".join(d.name for d in _dtypes.ALL)))
    if dtype is None:
        if isinstance(value, np.generic):
            dtype = array.dtype                     # NumPy scalars keep theirs
        elif kind == "f":
            dtype = np.dtype(np.float32)
        elif kind in "iu":
            fits = array.size == 0 or (_INT32.min <= array.min() and array.max() <= _INT32.max)
            dtype = np.dtype(np.int32 if fits else np.int64)
        else:
            dtype = array.dtype
    elif dtype in _dtypes.ALL_NUMPY and not _lossless(array, dtype):
        # (an unsupported target dtype, e.g. a string array's, is reported below)
        raise InvalidArgumentError(
            "%s: cannot convert %s to %s without losing information; "
            "convert explicitly with tf.cast or give a value of that kind"
            % (where, _describe(value), dtype))
    if dtype not in _dtypes.ALL_NUMPY:
        raise InvalidArgumentError(
            "%s: unsupported dtype %s for %s; supported are %s"
            % (where, dtype, _describe(value), ", ".join(d.name for d in _dtypes.ALL)))
    return array.astype(dtype, copy=False)


def _lossless(array, dtype):
    kind, target = array.dtype.kind, dtype.kind
    if kind == "b" or target == "b":
        return kind == target
    if kind == "c" or target == "c":    # a number fits a complex dtype; a complex only one
        return target == "c"
    if target == "f":
        return True
    if kind == "f":       # a float into an integer dtype: TensorFlow refuses
        return False
    if array.size == 0:
        return True
    info = np.iinfo(dtype)
    return info.min <= array.min() and array.max() <= info.max


def _describe(value):
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return "%s (%s)" % (text, type(value).__name__)


def to_array(value, dtype=None, where="convert_to_tensor"):
    """The array behind ``value``: a Tensor's own array, an array as is, or a
    converted Python value (which takes ``dtype`` when one is given)."""
    if isinstance(value, Tensor):
        return value._value
    if backend_of(value) is not None and not isinstance(value, np.generic):
        return value
    return _python_to_array(value, dtype, where)


def _anchor(items):
    """The first tensor's or array's value among ``items``, or None."""
    for x in items:
        if isinstance(x, Tensor):
            return x._value
        if backend_of(x) is not None and not isinstance(x, np.generic):
            return x
    return None


def _convert_group(items, where, fallback_backend=None):
    """Arrays for inputs that share one dtype.

    Python values adopt the dtype and the device of the first tensor or array
    among them; if there is none, the first value's own conversion sets the
    dtype for the rest (as in TensorFlow: ``tf.add([1.5], 2)`` is float32) and
    they go to ``fallback_backend`` (default: the default device).
    """
    anchor = _anchor(items)
    if anchor is None:
        dtype = _python_to_array(items[0], None, where).dtype
        backend = fallback_backend or default_backend()
    else:
        dtype, backend = anchor.dtype, backend_of(anchor)
    values = [to_array(x, dtype, where) for x in items]
    if backend is not NUMPY:    # converted Python values join the anchor's device
        values = [backend.xp.asarray(v) if v is not x and not isinstance(x, Tensor)
                  else v for x, v in zip(items, values)]
    return values


# The placement policy of a later stage (stage 5's devices), or None. Stage 1
# alone runs an op where its inputs are and refuses inputs on different devices.
_placer = None


def set_placer(placer):
    """Installs ``placer(op, backend, arrays) -> (backend, arrays)``, the policy
    that decides where an op runs; returns the previous one (None: stage 1's).

    It is called when an op's inputs are on different devices (instead of
    refusing them), and for every op and every new constant (``op`` None) of a
    thread inside a ``backends.default_backend_scope``. ``backend`` and
    ``arrays`` are what stage 1 would use; the placer returns them, or copies.

    >>> from stage1_tensors import convert
    >>> previous = convert.set_placer(None)      # stage 1's own policy for now
    >>> convert.set_placer(previous) is None     # and back to the one before
    True
    """
    global _placer
    previous, _placer = _placer, placer
    return previous


def _scope_placer():
    """The placer, if this thread is inside a default-backend scope."""
    if _placer is not None and _get_ident() in _scoped:
        return _placer
    return None


def op_inputs(op, inputs):
    """Converts an op's inputs to arrays; returns ``(backend, arrays)``.

    Checks the op's dtype contract and that all inputs live on one device.
    """
    if _scoped and _scope_placer() is not None:
        backend, values = _op_inputs_checked(op, inputs)
        return _placer(op, backend, values)
    # Fast paths for the common calls, one or two tensors of one dtype on one
    # device, or a tensor and a Python number (``1.0 - y``, ``x * 2``): this is
    # the per-op price of eager execution, so it stays short. Anything unusual
    # falls through to the careful path, which also writes the error messages.
    if op.fixed_same_dtype:
        try:
            if len(inputs) == 2:
                x, y = inputs
                tx, ty = type(x), type(y)
                if tx is Tensor and ty is Tensor:
                    xv = x._value
                    yv = y._value
                elif tx is float or tx is int:
                    yv = y._value
                    xv = _number_like(x, yv)
                elif ty is float or ty is int:
                    xv = x._value
                    yv = _number_like(y, xv)
                else:
                    xv = x._value
                    yv = y._value
                dtype = xv.dtype
                if yv.dtype is dtype and type(xv) is type(yv) and dtype in op.dtypes:
                    return _BY_TYPE[type(xv)], (xv, yv)
            elif len(inputs) == 1:
                xv = inputs[0]._value
                if xv.dtype in op.dtypes:
                    return _BY_TYPE[type(xv)], (xv,)
        except (AttributeError, KeyError):
            pass
    return _op_inputs_checked(op, inputs)


def _number_like(number, like):
    """A Python number as a 0-d array of ``like``'s dtype, when that is plainly
    lossless on NumPy; otherwise None, which sends the call down the careful path."""
    dtype = like.dtype
    if type(like) is not np.ndarray:
        return None
    if dtype.kind in "fc" or (dtype in _INT32_OR_64 and type(number) is int
                             and _INT32.min <= number <= _INT32.max):
        return np.array(number, dtype)
    return None


_INT32_OR_64 = frozenset([np.dtype(np.int32), np.dtype(np.int64)])


def _op_inputs_checked(op, inputs):
    items = inputs[0] if op.variadic else inputs
    if op.all_same_dtype:
        try:
            values = [x._value for x in items]
        except AttributeError:
            values = _convert_mixed(op, items)
        except TypeError:
            values = _convert_mixed(op, items)   # not a list: reported there
        if not values:
            if op.variadic:
                raise InvalidArgumentError(
                    "%s: expected a non-empty list of tensors" % op.api_name,
                    op=op.api_name)
            return default_backend(), values
        first = values[0]
        dtype = first.dtype
        for v in values:
            if v.dtype != dtype:
                raise _dtype_mismatch(op, values)
        backend, values = _check_devices(op, values)
        if dtype not in op.dtypes:
            raise _dtype_not_allowed(op, op.inputs[0], dtype, op.dtypes)
        return backend, values
    return _convert_per_input(op, items)


def _convert_mixed(op, items):
    if isinstance(items, (Tensor, np.ndarray)) or not hasattr(items, "__iter__"):
        raise InvalidArgumentError(
            "%s: expected a list of tensors, got %s" % (op.api_name, _describe(items)),
            op=op.api_name)
    return _convert_group(items, op.api_name)


def _convert_per_input(op, items):
    if len(items) != len(op.inputs):
        raise InvalidArgumentError(
            "%s: expected %d inputs (%s), got %d"
            % (op.api_name, len(op.inputs), ", ".join(op.inputs), len(items)),
            op=op.api_name)
    try:
        values = [x._value for x in items]     # all Tensors: nothing to convert
    except AttributeError:
        values = _convert_each(op, items)
    shared_values = [v for v, spec in zip(values, op.specs) if spec is None]
    if any(v.dtype != shared_values[0].dtype for v in shared_values):
        raise _dtype_mismatch(op, shared_values,
                              [n for n, spec in zip(op.inputs, op.specs) if spec is None])
    for name, v, spec in zip(op.inputs, values, op.specs):
        allowed = op.dtypes if spec is None else spec
        if v.dtype not in allowed:
            raise _dtype_not_allowed(op, name, v.dtype, allowed)
    if not values:
        return default_backend(), values
    return _check_devices(op, values)


def _convert_each(op, items):
    """Arrays for an op whose inputs have their own dtypes (``where``'s bool
    condition, ``gather``'s integer indices): the ``T`` inputs convert as a
    group, the others alone, and Python values join the tensors' device."""
    anchor = _anchor(items)
    backend = backend_of(anchor) if anchor is not None else default_backend()
    shared_items = [x for x, spec in zip(items, op.specs) if spec is None]
    shared = iter(_convert_group(shared_items, op.api_name, backend)
                  if shared_items else ())
    values = []
    for x, spec in zip(items, op.specs):
        if spec is None:
            values.append(next(shared))
            continue
        v = to_array(x, None, op.api_name)
        if backend is not NUMPY and v is not x and not isinstance(x, Tensor):
            v = backend.xp.asarray(v)
        values.append(v)
    return values


def _dtype_mismatch(op, values, names=None):
    names = names or (["%s[%d]" % (op.inputs[0], i) for i in range(len(values))]
                      if op.variadic else op.inputs)
    got = ", ".join("%s: %s %s" % (n, v.dtype, tuple(v.shape))
                    for n, v in zip(names, values))
    return InvalidArgumentError(
        "%s: all inputs must have the same dtype (no automatic promotion), got %s; "
        "convert one with tf.cast" % (op.api_name, got), op=op.api_name)


def _dtype_not_allowed(op, name, dtype, allowed):
    valid = ", ".join(d.name for d in _dtypes.ALL if d._np in allowed)
    return InvalidArgumentError(
        "%s: %s has dtype %s, which this op does not accept; valid dtypes are %s"
        % (op.api_name, name, dtype, valid), op=op.api_name)


def _check_devices(op, values):
    """``(backend, values)`` for inputs on one device; inputs on different
    devices go to the placer (stage 5 copies them), or are refused."""
    # NumPy arrays all live on the one CPU: only other arrays need a closer look.
    for v in values:
        if _BY_TYPE.get(type(v)) is not NUMPY:
            break
    else:
        return NUMPY, values
    devices = {backend_of(v).device_name(v) if backend_of(v) else type(v).__name__
               for v in values}
    if len(devices) > 1:
        if _placer is not None:
            return _placer(op, backend_of(values[0]), values)
        raise InvalidArgumentError(
            "%s: inputs are on different devices (%s); copy them to one device "
            "first" % (op.api_name, ", ".join(sorted(devices))), op=op.api_name)
    return backend_of(values[0]), values


def _new_constant(array):
    """A constant's freshly converted array, on the device where this thread
    creates new values (the default backend; a placer decides inside a scope)."""
    placer = _scope_placer() if _scoped else None
    if placer is not None:
        return placer(None, default_backend(), [array])[1][0]
    backend = default_backend()
    return array if backend is NUMPY else backend.xp.asarray(array)


def _dtype_arg(dtype, where):
    """The NumPy dtype for a ``dtype=`` argument (None stays None)."""
    if dtype is None:
        return None
    try:
        return _dtypes.as_dtype(dtype)._np
    except TypeError as error:
        raise TypeError("%s: %s" % (where, str(error).split(": ", 1)[-1])) from None


def convert_to_tensor(value, dtype=None, name=None, dtype_hint=None):
    """Returns ``value`` as a Tensor: Tensors pass through, others are converted.

    With ``dtype``, a Tensor or array must already have it, and a Python value
    must convert to it without loss. ``dtype_hint`` is only a preference.

    >>> import stage1_tensors as tf
    >>> tf.convert_to_tensor([[1, 2], [3, 4]])
    tf.Tensor([[1 2]
               [3 4]], shape=(2, 2), dtype=int32)
    >>> tf.convert_to_tensor(2, dtype=tf.float64)
    tf.Tensor(2.0, shape=(), dtype=float64)
    """
    want = _dtype_arg(dtype, "convert_to_tensor")
    array = to_array(value, want, "convert_to_tensor")
    if want is not None and array.dtype != want:
        raise InvalidArgumentError(
            "convert_to_tensor: requested dtype %s for a value of dtype %s; "
            "use tf.cast to change a tensor's dtype" % (want, array.dtype))
    if want is None and dtype_hint is not None and not isinstance(value, Tensor) \
            and (backend_of(value) is None or isinstance(value, np.generic)):
        hinted = _dtype_arg(dtype_hint, "convert_to_tensor")
        if _lossless(np.asarray(value), hinted):
            array = array.astype(hinted)
    if isinstance(value, Tensor):
        return value
    if array.dtype not in _dtypes.ALL_NUMPY:
        raise InvalidArgumentError(
            "convert_to_tensor: unsupported dtype %s; supported are %s"
            % (array.dtype, ", ".join(d.name for d in _dtypes.ALL)))
    return Tensor(_new_constant(array) if _BY_TYPE.get(type(array)) is NUMPY else array)


def constant(value, dtype=None, shape=None, name=None):
    """Creates a constant tensor from a Python value, array or tensor.

    Unlike ``convert_to_tensor``, ``dtype`` casts arrays and tensors. ``shape``
    reshapes, or broadcasts a scalar.

    >>> import stage1_tensors as tf
    >>> tf.constant([[1, 2], [3, 4]])
    tf.Tensor([[1 2]
               [3 4]], shape=(2, 2), dtype=int32)
    >>> tf.constant(0.5, shape=(2,))
    tf.Tensor([0.5 0.5], shape=(2,), dtype=float32)
    """
    want = _dtype_arg(dtype, "constant")
    array = to_array(value, want, "constant")
    if isinstance(value, Tensor) or backend_of(array) is not None and array is value:
        array = array.astype(want) if want is not None else array.copy()
    if array.dtype not in _dtypes.ALL_NUMPY:
        raise InvalidArgumentError(
            "constant: unsupported dtype %s; supported are %s"
            % (array.dtype, ", ".join(d.name for d in _dtypes.ALL)))
    if shape is not None:
        try:
            shape = tuple(int(s) for s in shape)
        except (TypeError, ValueError):
            raise InvalidArgumentError("constant: shape must be a list of ints, got %s"
                                       % _describe(shape)) from None
        xp = backend_of(array).xp
        if array.size == 1:
            array = xp.broadcast_to(array.reshape(()), shape).copy()
        elif int(np.prod(shape)) == array.size:
            array = array.reshape(shape)
        else:
            raise InvalidArgumentError(
                "constant: cannot give a value with %d elements the shape %s"
                % (array.size, shape))
    if not isinstance(value, Tensor) and _BY_TYPE.get(type(array)) is NUMPY:
        array = _new_constant(array)
    return Tensor(array)
