"""Autograd-style gradient functions: ``gradients_function(f)`` is ``f'``.

Instead of a tape in your code, wrap a function: the result computes the
derivatives of ``f`` with respect to its arguments (seed 003's
"Additional functions to compute gradients").

>>> import stage2_autodiff as tf
>>> tfe = tf.contrib.eager
>>> def square(x):
...     return tf.multiply(x, x)
>>> grad = tfe.gradients_function(square)
>>> grad(3.0)
[tf.Tensor(6.0, shape=(), dtype=float32)]
>>> gradgrad = tfe.gradients_function(lambda x: grad(x)[0])
>>> gradgrad(3.0)
[tf.Tensor(2.0, shape=(), dtype=float32)]
>>> tfe.gradients_function(lambda x: gradgrad(x)[0])(3.0)
[None]
"""

import functools
import inspect

from stage1_tensors.convert import convert_to_tensor
from stage1_tensors.errors import InvalidArgumentError
from stage1_tensors.ops.error_scope import error_scope
from stage1_tensors.tensor import Tensor

from .gradient_tape import GradientTape

__all__ = ["gradients_function", "value_and_gradients_function",
           "implicit_gradients", "implicit_value_and_gradients"]


def _param_indices(f, params, num_args):
    if params is None:
        return list(range(num_args))
    names = None
    indices = []
    for p in params:
        if isinstance(p, int):
            indices.append(p)
            continue
        if names is None:
            names = list(inspect.signature(f).parameters)
        if p not in names:
            raise ValueError("params: %s has no parameter %r; its parameters are %s"
                             % (getattr(f, "__name__", "f"), p, names))
        indices.append(names.index(p))
    for i in indices:
        if not 0 <= i < num_args:
            raise ValueError("params: parameter index %d is out of range for a call "
                             "with %d argument(s)" % (i, num_args))
    return indices


def value_and_gradients_function(f, params=None):
    """Returns ``g(*args, dy=None)`` computing ``(f(*args), [df/darg, ...])``.

    ``params`` (indices or names) selects the arguments to differentiate; all by
    default. ``dy`` is the output gradient (ones by default).

    >>> import stage2_autodiff as tf
    >>> vg = tf.value_and_gradients_function(lambda x, y: x * y, params=[1])
    >>> vg(2.0, 5.0)
    (tf.Tensor(10.0, shape=(), dtype=float32), [tf.Tensor(2.0, shape=(), dtype=float32)])
    """
    return _value_and_gradients(f, params, "value_and_gradients_function")


def _value_and_gradients(f, params, api_name):
    _check_function(f, params, api_name)

    @functools.wraps(f)
    def decorated(*args, dy=None, **kwargs):
        args = [a if isinstance(a, Tensor) else _argument(a, i, api_name)
                for i, a in enumerate(args)]
        sources = [args[i] for i in _param_indices(f, params, len(args))]
        with GradientTape() as tape:
            tape.watch(sources)
            value = f(*args, **kwargs)
        if value is None:
            raise ValueError("%s: cannot differentiate %s: it returned None (did it forget "
                             "to return its result?)" % (api_name, getattr(f, "__name__", "f")))
        if not isinstance(value, Tensor) and not isinstance(value, (list, tuple)):
            raise TypeError("%s: %s must return a Tensor (computed from its arguments), "
                            "got %r" % (api_name, getattr(f, "__name__", "f"), value))
        with error_scope(api_name):
            return value, tape.gradient(value, sources, output_gradients=dy)
    return decorated


def _check_function(f, params, api_name):
    if not callable(f):
        raise TypeError("%s: f must be a function, got %r" % (api_name, f))
    if params is not None and (isinstance(params, (str, bytes))
                               or not hasattr(params, "__iter__")):
        raise TypeError("%s: params must be a list of argument indices or names, got %r"
                        % (api_name, params))


def _argument(value, index, api_name):
    try:
        return convert_to_tensor(value)
    except InvalidArgumentError as error:
        raise InvalidArgumentError("%s: argument %d: %s" % (
            api_name, index, str(error).split(": ", 1)[-1])) from None


def gradients_function(f, params=None):
    """Returns ``g(*args, dy=None)`` computing the list ``[df/darg, ...]``.

    >>> import stage2_autodiff as tf
    >>> def f(x):
    ...     return x if x > 0.0 else -x     # Python control flow is fine
    >>> tf.gradients_function(f)(-3.0)
    [tf.Tensor(-1.0, shape=(), dtype=float32)]
    """
    value_and_grads = _value_and_gradients(f, params, "gradients_function")

    @functools.wraps(f)
    def decorated(*args, **kwargs):
        return value_and_grads(*args, **kwargs)[1]
    return decorated


def implicit_value_and_gradients(f):
    """Returns ``g(*args)`` computing ``(f(*args), [(grad, variable), ...])``
    for every trainable variable that ``f`` read.

    >>> import stage2_autodiff as tf
    >>> w = tf.Variable(2.0, name="w")
    >>> value, grads_and_vars = tf.implicit_value_and_gradients(lambda x: w * x)(3.0)
    >>> [(g.numpy(), v.name) for g, v in grads_and_vars]
    [(np.float32(3.0), 'w:0')]
    """
    @functools.wraps(f)
    def decorated(*args, **kwargs):
        with GradientTape() as tape:
            value = f(*args, **kwargs)
        variables = list(tape.watched_variables())
        if not variables:
            raise ValueError("implicit gradients: %s read no trainable variables, so there "
                             "is nothing to differentiate with respect to"
                             % getattr(f, "__name__", "f"))
        grads = tape.gradient(value, variables)
        return value, list(zip(grads, variables))
    return decorated


def implicit_gradients(f):
    """Returns ``g(*args)`` computing ``[(grad, variable), ...]`` (see
    ``implicit_value_and_gradients``).

    >>> import stage2_autodiff as tf
    >>> w = tf.Variable(2.0)
    >>> tf.implicit_gradients(lambda: w * w)()[0][0]
    tf.Tensor(4.0, shape=(), dtype=float32)
    """
    value_and_grads = implicit_value_and_gradients(f)

    @functools.wraps(f)
    def decorated(*args, **kwargs):
        return value_and_grads(*args, **kwargs)[1]
    return decorated
