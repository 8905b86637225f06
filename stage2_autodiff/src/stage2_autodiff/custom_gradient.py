"""``stop_gradient`` and ``custom_gradient``: overriding what backprop does.

``stop_gradient(x)`` is the identity going forward and a wall going backward.
``custom_gradient`` lets a function define its own gradient; the classic use is
a numerically stable gradient for an unstable formula (seed 003):

>>> import stage2_autodiff as tf
>>> @tf.custom_gradient
... def log1pexp(x):
...     e = tf.exp(x)
...     def grad(dy):
...         return dy * (1 - 1 / (1 + e))
...     return tf.math.log(1 + e), grad
>>> tf.contrib.eager.gradients_function(log1pexp)(100.0)
[tf.Tensor(1.0, shape=(), dtype=float32)]

How it works: the forward function runs with every tape paused, so none of its
inner ops is recorded; then one ``CustomGradient`` record links the inputs (and
any trainable variables the function read) to the outputs, with ``grad_fn`` as
its gradient function.
"""

import functools
import inspect

from stage1_tensors.convert import convert_to_tensor
from stage1_tensors.dispatch import execute, wrap
from stage1_tensors.dtypes import ALL_NUMPY
from stage1_tensors.errors import InvalidArgumentError
from stage1_tensors.registry import define_op
from stage1_tensors.tensor import Tensor

from . import nest
from .recording import active_tapes, paused_tapes, record_operation
from .registry import no_gradient

__all__ = ["stop_gradient", "custom_gradient"]

StopGradient = define_op("StopGradient", "stop_gradient", inputs=("input",),
                         dtypes=ALL_NUMPY)
StopGradient.kernel(lambda xp, x: x)
no_gradient("StopGradient")


def stop_gradient(input, name=None):  # noqa: A002  (TensorFlow's name)
    """``input`` unchanged, but no gradient flows back through it.

    >>> import stage2_autodiff as tf
    >>> x = tf.constant(3.0)
    >>> with tf.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = x * tf.stop_gradient(x)     # treated as x * 3
    >>> print(tape.gradient(y, x))
    tf.Tensor(3.0, shape=(), dtype=float32)
    """
    return execute(StopGradient, (input,))


def custom_gradient(f=None):
    """Decorator: ``f(*args)`` returns ``(y, grad_fn)`` and ``grad_fn`` is y's gradient.

    ``grad_fn(*dys)`` gets one gradient per output of ``f`` and returns one
    gradient (or None) per argument. If ``f`` reads trainable variables,
    ``grad_fn`` must take ``variables=None`` and return
    ``(argument_grads, variable_grads)``.

    >>> import stage2_autodiff as tf
    >>> @tf.custom_gradient
    ... def clip_gradient_by_norm(x, norm):
    ...     y = tf.identity(x)
    ...     def grad_fn(dresult):
    ...         return [tf.clip_by_norm(dresult, norm), None]
    ...     return y, grad_fn
    >>> x = tf.constant([3.0, 4.0])
    >>> with tf.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = clip_gradient_by_norm(x, 1.0) * 10.0
    >>> print(tape.gradient(y, x))
    tf.Tensor([0.70710677 0.70710677], shape=(2,), dtype=float32)
    """
    if f is None:                       # used as @custom_gradient()
        return custom_gradient
    if not callable(f):
        raise TypeError("custom_gradient: decorates a function returning (result, grad_fn), "
                        "got %s" % _describe(f))

    @functools.wraps(f)
    def decorated(*args, **kwargs):
        if not active_tapes():          # nothing records: just run the forward pass
            return _forward(f, f(*args, **kwargs))[0]
        args = [_as_tensor(a) for a in args]
        with paused_tapes() as reads:
            result, grad_fn = _forward(f, f(*args, **kwargs))
        variables = list(reads.values())
        if variables and not _takes_variables(grad_fn):
            raise TypeError(
                "custom_gradient: %s reads the trainable variable(s) %s, so its "
                "gradient function must accept a keyword argument `variables` and "
                "return (input_gradients, variable_gradients)"
                % (getattr(f, "__name__", "f"), ", ".join(v.name for v in variables)))
        flat = [_output(r, f) for r in nest.flatten(result)]
        # Fresh output tensors: an output that *is* an input must not be confused with it.
        outputs = tuple(wrap(r._value) for r in flat)
        positions = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        inputs = tuple(args[i] for i in positions) + tuple(variables)
        backward = _backward(f, grad_fn, args, positions, variables)
        record_operation("CustomGradient", inputs, {}, outputs, grad_fn=backward)
        return nest.pack_sequence_as(result, list(outputs))
    return decorated


def _describe(value):
    text = repr(value)
    return "%s (%s)" % (text if len(text) <= 60 else text[:57] + "...", type(value).__name__)


def _name(f):
    return getattr(f, "__name__", "the custom_gradient function")


def _forward(f, out):
    """``f``'s answer, checked: a pair ``(result, grad_fn)`` with a callable ``grad_fn``."""
    if isinstance(out, (tuple, list)) and len(out) == 2 and callable(out[1]):
        return out
    raise TypeError("custom_gradient: %s must return a pair (result, grad_fn) with a "
                    "callable grad_fn, got %s" % (_name(f), _describe(out)))


def _output(value, f):
    try:
        return convert_to_tensor(value)
    except InvalidArgumentError as error:
        raise InvalidArgumentError("custom_gradient: %s returned a result that is no "
                                   "tensor: %s" % (_name(f), str(error).split(": ", 1)[-1])
                                   ) from None


def _checked_grad(grad, like, what, f):
    """A gradient returned by ``grad_fn``: None, or a tensor of ``like``'s shape and dtype."""
    if grad is None or like._value.dtype.kind not in "fc":
        return grad                     # integer inputs get no gradient anyway
    if not isinstance(grad, Tensor):
        try:
            grad = convert_to_tensor(grad, dtype=like.dtype)
        except (InvalidArgumentError, TypeError) as error:
            raise InvalidArgumentError(
                "custom_gradient: the gradient function of %s returned %s for %s: %s"
                % (_name(f), _describe(grad), what, str(error).split(": ", 1)[-1])) from None
    if grad._value.shape != like._value.shape or grad._value.dtype != like._value.dtype:
        raise InvalidArgumentError(
            "custom_gradient: the gradient function of %s returned a gradient of shape %s "
            "and dtype %s for %s, which has shape %s and dtype %s; they must match"
            % (_name(f), tuple(grad._value.shape), grad._value.dtype, what,
               tuple(like._value.shape), like._value.dtype))
    return grad


def _as_tensor(value):
    if isinstance(value, Tensor):
        return value
    try:
        return convert_to_tensor(value)
    except (TypeError, ValueError):
        return value                    # not a tensor-like argument: passed as is


def _takes_variables(fn):
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return True
    return "variables" in params or any(
        p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())


def _backward(f, grad_fn, args, positions, variables):
    name = _name(f)
    num_args = len(args)

    def backward(op, *dys):
        if variables:
            result = grad_fn(*dys, variables=variables)
            try:
                arg_grads, var_grads = result
            except (TypeError, ValueError):
                raise ValueError(
                    "custom_gradient: the gradient function of %s must return "
                    "(input_gradients, variable_gradients) because it reads variables"
                    % name) from None
            var_grads = list(var_grads)
        else:
            arg_grads, var_grads = grad_fn(*dys), []
        arg_grads = _as_list(arg_grads)
        if len(arg_grads) != num_args or len(var_grads) != len(variables):
            raise ValueError(
                "custom_gradient: the gradient function of %s returned %d input "
                "gradient(s) and %d variable gradient(s); expected %d (one per "
                "argument, None allowed) and %d" % (name, len(arg_grads), len(var_grads),
                                                    num_args, len(variables)))
        return ([_checked_grad(arg_grads[i], args[i], "argument %d" % i, f) for i in positions]
                + [_checked_grad(g, v, "variable %s" % v.name, f)
                   for g, v in zip(var_grads, variables)])
    return backward


def _as_list(grads):
    if grads is None or isinstance(grads, Tensor):
        return [grads]
    return list(grads)
