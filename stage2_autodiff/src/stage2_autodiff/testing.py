"""``check_gradients``: the gradient checker our own tests (and students) use.

It runs ``f`` in float64, computes the tape's Jacobian of every output with
respect to every floating-point argument, and compares it with central finite
differences. With ``order=2`` it also checks the gradients *of the gradients*
(of a random weighting of the outputs), which catches gradient rules that are
right but not themselves differentiable.

>>> import stage2_autodiff as tf
>>> from stage2_autodiff.testing import check_gradients
>>> check_gradients(lambda x, y: x * y + y, [[1.0, 2.0], [3.0, 4.0]], order=2)
"""

import numpy as np

from stage1_tensors.convert import convert_to_tensor
from stage1_tensors.tensor import Tensor

from . import nest
from .gradient_checker import compute_gradient
from .gradient_tape import GradientTape

__all__ = ["check_gradients"]


def _float64(arg):
    if isinstance(arg, Tensor):
        arg = arg.numpy()
    array = np.asarray(arg)
    return array.astype(np.float64) if array.dtype.kind == "f" or array.dtype.kind in "iu" \
        and not isinstance(arg, np.ndarray) else array


def check_gradients(f, args, order=1, rtol=1e-5, atol=1e-6, delta=1e-6):
    """Asserts that the tape's gradients of ``f(*args)`` match finite differences.

    ``args``: the arguments; Python floats, lists and float arrays become
    float64 tensors and are checked; integer NumPy arrays (indices, say) are
    passed as they are. ``f`` may return a tensor or a list/tuple of tensors.
    Raises ``AssertionError`` saying which output and argument disagree.

    >>> import stage2_autodiff as tf
    >>> from stage2_autodiff.testing import check_gradients
    >>> check_gradients(lambda x: x * x, [2.0])
    >>> def leaky(x):                   # a copy via NumPy hides x from the tape
    ...     return tf.constant(x.numpy()) * x
    >>> check_gradients(leaky, [2.0])
    Traceback (most recent call last):
    ...
    AssertionError: output 0, argument 0: tape and finite-difference Jacobians differ by up to 2 (rtol=1e-05, atol=1e-06)
    tape:
    [[2.]]
    numerical:
    [[4.]]
    """
    values = [_float64(a) for a in args]
    checked = [i for i, v in enumerate(values) if v.dtype.kind == "f"]
    _check_first_order(f, values, checked, rtol, atol, delta)
    if order >= 2:
        _check_first_order(_gradient_of(f, values, checked), values, checked,
                           rtol, atol, delta, what="gradient of ")


def _check_first_order(f, values, checked, rtol, atol, delta, what=""):
    def one_output(k):
        def fk(*diff_args):
            full = [convert_to_tensor(v) for v in values]
            for i, a in zip(checked, diff_args):
                full[i] = a
            return nest.flatten(f(*full))[k]
        return fk

    outputs = nest.flatten(f(*[convert_to_tensor(v) for v in values]))
    for k in range(len(outputs)):
        theoretical, numerical = compute_gradient(
            one_output(k), [values[i] for i in checked], delta=delta)
        for i, t, n in zip(checked, theoretical, numerical):
            if not np.allclose(t, n, rtol=rtol, atol=atol):
                raise AssertionError(
                    "%soutput %d, argument %d: tape and finite-difference Jacobians "
                    "differ by up to %.3g (rtol=%g, atol=%g)\ntape:\n%s\nnumerical:\n%s"
                    % (what, k, i, float(np.max(np.abs(t - n))), rtol, atol,
                       np.array2string(t, precision=6), np.array2string(n, precision=6)))


def _gradient_of(f, values, checked):
    """``g(*args)``: the gradients of a fixed random weighting of f's outputs."""
    rng = np.random.default_rng(0)
    outputs = nest.flatten(f(*[convert_to_tensor(v) for v in values]))
    weights = [rng.uniform(0.5, 1.5, size=np.shape(o)) for o in outputs]

    def g(*full):
        sources = [full[i] for i in checked]
        with GradientTape() as tape:
            tape.watch(sources)
            outs = nest.flatten(f(*full))
        # The weights enter as output gradients: d/dx of sum(w * f(x)).
        grads = tape.gradient(outs, sources, output_gradients=[
            convert_to_tensor(w.astype(o.dtype.name)) for o, w in zip(outs, weights)])
        return [convert_to_tensor(np.zeros_like(np.asarray(s))) if gr is None else gr
                for s, gr in zip(sources, grads)]
    return g
