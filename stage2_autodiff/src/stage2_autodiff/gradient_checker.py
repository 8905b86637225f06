"""Checking gradients: the tape's Jacobian against finite differences.

``compute_gradient(f, x)`` returns two Jacobians for each argument: the
*theoretical* one, computed by backpropagation, and the *numerical* one,
computed by central differences ``(f(x + d) - f(x - d)) / 2d``, one element at
a time. If a gradient rule is right they agree up to rounding. Each Jacobian is
a 2-D array with one row per element of ``f(x)`` and one column per element of
the argument (TensorFlow's ``tf.test.compute_gradient``).

>>> import stage2_autodiff as tf
>>> theoretical, numerical = tf.test.compute_gradient(lambda x: x * x, [1.0])
>>> theoretical
(array([[2.]], dtype=float32),)
>>> bool(abs(numerical[0] - 2.0).max() < 1e-3)
True
"""

import numpy as np

from stage1_tensors.convert import convert_to_tensor

from .gradient_tape import GradientTape

__all__ = ["compute_gradient", "max_error"]


def _as_tensors(x):
    if isinstance(x, (list, tuple)):
        return [convert_to_tensor(v) for v in x]
    return [convert_to_tensor(x)]


def compute_gradient(f, x, delta=None):
    """``(theoretical, numerical)`` Jacobians of ``f`` at ``x`` (a list of arguments).

    ``delta`` is the finite-difference step (default 1e-3, suited to float32;
    use float64 arguments for tight comparisons).

    >>> import stage2_autodiff as tf
    >>> t, n = tf.test.compute_gradient(lambda a, b: a * b, [tf.constant([1.0, 2.0], tf.float64),
    ...                                                       tf.constant(3.0, tf.float64)])
    >>> t[0], t[1]
    (array([[3., 0.],
           [0., 3.]]), array([[1.],
           [2.]]))
    >>> tf.test.max_error(t, n) < 1e-8
    True
    """
    delta = 1e-3 if delta is None else float(delta)
    xs = _as_tensors(x)
    return (tuple(_theoretical(f, xs)), tuple(_numerical(f, xs, delta)))


def _theoretical(f, xs):
    with GradientTape(persistent=True) as tape:
        tape.watch(xs)
        y = convert_to_tensor(f(*xs))
    y_size = y._value.size
    jacobians = tape.jacobian(y, xs)
    out = []
    for x, jac in zip(xs, jacobians):
        shape = (y_size, x._value.size)
        dtype = x._value.dtype
        out.append(np.zeros(shape, dtype) if jac is None
                   else np.asarray(jac).reshape(shape).astype(dtype, copy=False))
    return out


def _numerical(f, xs, delta):
    arrays = [np.array(x) for x in xs]
    out = []
    for i, base in enumerate(arrays):
        columns = []
        flat = base.reshape(-1)
        for j in range(flat.size):
            values = []
            for step in (delta, -delta):
                moved = flat.copy()
                moved[j] += step
                args = [convert_to_tensor(a) for a in arrays]
                args[i] = convert_to_tensor(moved.reshape(base.shape))
                values.append(np.array(f(*args), dtype=np.float64).reshape(-1))
            columns.append((values[0] - values[1]) / (2 * delta))
        y_size = columns[0].size if columns else np.asarray(f(*xs)).size
        jac = (np.stack(columns, axis=1) if columns
               else np.zeros((y_size, 0)))
        out.append(jac.astype(base.dtype, copy=False) if base.dtype.kind == "f" else jac)
    return out


def max_error(grad1, grad2):
    """The largest absolute difference between two lists of Jacobians.

    >>> import numpy as np
    >>> import stage2_autodiff as tf
    >>> float(tf.test.max_error([np.ones(2)], [np.zeros(2)]))
    1.0
    """
    error = 0.0
    for a, b in zip(grad1, grad2):
        a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
        if a.size:
            error = max(error, float(np.max(np.abs(a - b))))
    return error
