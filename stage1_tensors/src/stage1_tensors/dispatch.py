"""The dispatcher: the one way in for every op (TensorFlow calls it ``execute``).

``execute(op, inputs, attrs)`` is the spine of the course. For every op call it

1. converts the inputs to arrays and checks their dtypes and devices (``convert``),
2. runs the op's ``check`` if it has one,
3. picks the kernel for the inputs' device type and runs it,
4. wraps the result in ``Tensor``\\ s,
5. tells every *observer* what ran.

Two extension points let later stages hook in without editing this file:

* **observers** (``add_observer``) are called after each op with
  ``(op, inputs, attrs, outputs)``; stage 2's ``GradientTape`` records this way.
* **redirects** (``redirect``) replace steps 1-5 entirely: a graph being traced
  (stage 5) records a node instead of running a kernel. Redirects belong to the
  thread that set them, so a trace in one thread never captures the ops that
  another thread (a ``Dataset`` prefetching, say) runs meanwhile.

>>> import stage1_tensors as tf
>>> from stage1_tensors import dispatch, registry
>>> seen = []
>>> watcher = lambda op, inputs, attrs, outputs: seen.append(op.name)
>>> dispatch.add_observer(watcher)
>>> _ = tf.constant(1.0) + 2.0
>>> dispatch.remove_observer(watcher)
>>> seen
['AddV2']
"""

import contextlib
import threading

from .convert import op_inputs
from .errors import (InternalError, InvalidArgumentError, OpError,
                     ResourceExhaustedError, UnimplementedError)
from .tensor import Tensor

__all__ = ["execute", "add_observer", "remove_observer", "redirect",
           "observing", "wrap", "run_eagerly", "init_scope", "active_redirects",
           "notify_observers", "kernel_error"]

_EMPTY_ATTRS = {}
_observers = []     # called after every op that ran eagerly
# thread id -> that thread's redirect handlers, innermost last. Empty (falsy)
# unless some thread is redirecting, so the eager path pays one test for it.
_redirects = {}
_get_ident = threading.get_ident
_new_tensor = Tensor.__new__


def wrap(value):
    """Wraps an array in a Tensor without copying or converting it.

    >>> import numpy as np
    >>> from stage1_tensors import dispatch
    >>> dispatch.wrap(np.float32(2.0))
    tf.Tensor(2.0, shape=(), dtype=float32)
    """
    t = _new_tensor(Tensor)
    t._value = value
    return t


def execute(op, inputs, attrs=_EMPTY_ATTRS):
    """Runs ``op`` on ``inputs`` (a tuple) with ``attrs`` (a dict) and returns Tensor(s).

    >>> import stage1_tensors as tf
    >>> from stage1_tensors import dispatch, registry
    >>> dispatch.execute(registry.get_op("AddV2"), (tf.constant(1), 2))
    tf.Tensor(3, shape=(), dtype=int32)
    """
    if _redirects:                      # some thread redirects: is it this one?
        handlers = _redirects.get(_get_ident())
        if handlers:
            return handlers[-1](op, inputs, attrs)
    backend, values = op_inputs(op, inputs)
    if op.check is not None:
        op.check(values, attrs)
    try:
        kernel = op.kernels[backend.device_type]
    except KeyError:
        raise UnimplementedError(
            "%s: no kernel for device %s; it has kernels for %s"
            % (op.api_name, backend.device_type, sorted(op.kernels)),
            op=op.api_name) from None
    try:
        if attrs:
            out = kernel(backend.xp, *values, **attrs)
        else:
            out = kernel(backend.xp, *values)
    except OpError:
        raise
    except Exception as error:  # a NumPy error: explain it in the op's terms
        raise _kernel_failed(op, values, attrs, error) from None
    if op.num_outputs is None:
        result = _new_tensor(Tensor)
        result._value = out
    else:
        result = [wrap(v) for v in out]
    if _observers:
        _notify(op, inputs, values, attrs, result)
    return result


def notify_observers(op, inputs, values, attrs, result):
    """Tells every observer that ``op`` ran on ``inputs`` (converted to ``values``)
    and gave ``result``, as ``execute`` does after running a kernel. A redirect
    handler that records ops (stage 5) calls it so that tapes opened inside a
    traced function record the traced ops.

    >>> import stage1_tensors as tf
    >>> from stage1_tensors import dispatch, registry
    >>> seen = []
    >>> with dispatch.observing(lambda op, i, a, o: seen.append(op.name)):
    ...     dispatch.notify_observers(registry.get_op("Neg"), (tf.constant(1.0),),
    ...                               None, {}, tf.constant(-1.0))
    >>> seen
    ['Neg']
    """
    if _observers:
        _notify(op, inputs, values, attrs, result)


def kernel_error(op, values, attrs, error):
    """The teaching error for ``error``, raised by ``op``'s kernel on ``values``
    (what ``execute`` raises; a graph runner raises the same).

    >>> import numpy as np
    >>> from stage1_tensors import dispatch, registry
    >>> e = dispatch.kernel_error(registry.get_op("AddV2"), (np.zeros(2), np.zeros(3)), {},
    ...                           ValueError("operands could not be broadcast"))
    >>> type(e).__name__, str(e).split(":")[0]
    ('InvalidArgumentError', 'add')
    """
    return _kernel_failed(op, values, attrs, error)


def _notify(op, inputs, values, attrs, result):
    # Observers get Tensors for every input, so a Python scalar that was
    # converted shows up as the constant Tensor the kernel actually saw.
    tensors = inputs[0] if op.variadic else inputs
    for x in tensors:
        if not isinstance(x, Tensor):
            tensors = tuple(x if isinstance(x, Tensor) else wrap(v)
                            for x, v in zip(tensors, values))
            break
    else:
        if type(tensors) is not tuple:
            tensors = tuple(tensors)
    for observer in tuple(_observers):
        observer(op, tensors, attrs, result)


def _kernel_failed(op, values, attrs, error):
    shapes = ", ".join(str(tuple(v.shape)) for v in values)
    kinds = ", ".join(str(v.dtype) for v in values)
    reason = str(error) or type(error).__name__
    if "broadcast" in reason:
        reason = ("shapes %s cannot be broadcast together: compared from the "
                  "last dimension, each pair of sizes must be equal or one of them 1"
                  % shapes.replace("), (", ") and ("))
    else:
        reason = "%s (inputs: shapes %s, dtypes %s%s)" % (
            reason, shapes, kinds,
            (", attrs " + ", ".join("%s=%r" % kv for kv in attrs.items()))
            if attrs else "")
    message = "%s: %s" % (op.api_name, reason)
    if isinstance(error, MemoryError):
        return ResourceExhaustedError(message + "; the result does not fit in memory",
                                      op=op.api_name)
    if isinstance(error, _BAD_INPUT):
        return InvalidArgumentError(message, op=op.api_name)
    # Anything else (AttributeError, NameError, ...) is a bug in a kernel, not
    # the caller's fault: say so rather than blame the input.
    return InternalError(message + "; this is a bug in the op's kernel",
                         op=op.api_name)


# What NumPy raises for inputs it cannot compute with (AxisError is a ValueError).
_BAD_INPUT = (ValueError, TypeError, IndexError, ArithmeticError)


def add_observer(observer):
    """Calls ``observer(op, inputs, attrs, outputs)`` after every eager op.

    Observers must not raise; they see inputs as Tensors and outputs as a Tensor
    (or a list of them for multi-output ops).

    >>> from stage1_tensors import dispatch
    >>> dispatch.add_observer(print); dispatch.remove_observer(print)
    """
    _observers.append(observer)


def remove_observer(observer):
    """Stops calling ``observer`` (see ``add_observer``).

    >>> from stage1_tensors import dispatch
    >>> dispatch.add_observer(print); dispatch.remove_observer(print)
    """
    _observers.remove(observer)


@contextlib.contextmanager
def observing(observer):
    """``with observing(fn):`` calls ``fn`` after every op in the block.

    >>> import stage1_tensors as tf
    >>> from stage1_tensors import dispatch
    >>> names = []
    >>> with dispatch.observing(lambda op, i, a, o: names.append(op.api_name)):
    ...     _ = tf.matmul([[2.0]], [[2.0]])
    >>> names
    ['matmul']
    """
    add_observer(observer)
    try:
        yield observer
    finally:
        remove_observer(observer)


@contextlib.contextmanager
def redirect(handler):
    """Inside the block, ``execute`` calls ``handler(op, inputs, attrs)`` instead.

    The handler decides what an op call means: stage 5 records graph nodes.
    Redirects nest; the innermost wins. They apply to the thread that set them
    only. A handler may call ``run_eagerly`` to execute the op normally.

    >>> import stage1_tensors as tf
    >>> from stage1_tensors import dispatch
    >>> with dispatch.redirect(lambda op, inputs, attrs: op.name):
    ...     tf.add(1.0, 2.0)
    'AddV2'
    """
    ident = _get_ident()
    handlers = _redirects.setdefault(ident, [])
    handlers.append(handler)
    try:
        yield handler
    finally:
        handlers.pop()
        if not handlers and _redirects.get(ident) is handlers:
            del _redirects[ident]


def active_redirects():
    """This thread's redirect handlers, outermost first (a copy).

    >>> from stage1_tensors import dispatch
    >>> dispatch.active_redirects()
    []
    """
    return list(_redirects.get(_get_ident(), ()))


@contextlib.contextmanager
def init_scope():
    """Inside the block, ops run eagerly even while this thread is redirected.

    TensorFlow's ``tf.init_scope``: code that makes state (a layer building its
    weights, an optimizer making its slots) runs once, for real, even when it
    is first reached while a function is being traced.

    >>> import stage1_tensors as tf
    >>> from stage1_tensors import dispatch
    >>> with dispatch.redirect(lambda op, inputs, attrs: "recorded"):
    ...     with dispatch.init_scope():
    ...         tf.add(1.0, 2.0)
    tf.Tensor(3.0, shape=(), dtype=float32)
    """
    ident = _get_ident()
    saved = _redirects.pop(ident, None)
    try:
        yield
    finally:
        if saved:
            _redirects[ident] = saved


def run_eagerly(op, inputs, attrs=_EMPTY_ATTRS):
    """Executes ``op`` eagerly even inside a ``redirect`` block.

    >>> import stage1_tensors as tf
    >>> from stage1_tensors import dispatch, registry
    >>> with dispatch.redirect(lambda op, i, a: (op.name, dispatch.run_eagerly(op, i, a))):
    ...     tf.add(1.0, 2.0)
    ('AddV2', tf.Tensor(3.0, shape=(), dtype=float32))
    """
    with init_scope():
        return execute(op, inputs, attrs)
