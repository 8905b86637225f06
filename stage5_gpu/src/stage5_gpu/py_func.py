"""Python inside a graph: ``py_function``, ``numpy_function`` and ``print``.

A traced graph runs kernels, not Python. These three put a piece of Python back
into it: a node whose kernel calls the Python function each time the graph
runs (seed 003 §"Use eager execution in a graph environment"). They are
stateful ops, so passes keep them, in order.

>>> import stage5_gpu as tf
>>> def my_py_func(x):
...     x = tf.matmul(x, x)  # You can use tf ops
...     print(x)  # but it's eager!
...     return x
>>> @tf.function
... def f(x):
...     return tf.py_function(my_py_func, [x], tf.float32)
>>> f(tf.constant([[2.0]]))
tf.Tensor([[4.]], shape=(1, 1), dtype=float32)
tf.Tensor([[4.]], shape=(1, 1), dtype=float32)
>>> f(tf.constant([[3.0]]))
tf.Tensor([[9.]], shape=(1, 1), dtype=float32)
tf.Tensor([[9.]], shape=(1, 1), dtype=float32)
"""

import itertools
import sys
import weakref

import numpy as np

from stage1_tensors import dispatch, dtypes as _dtypes
from stage1_tensors.convert import convert_to_tensor
from stage1_tensors.dispatch import wrap
from stage1_tensors.ops.creation_ops import zeros_like
from stage1_tensors.registry import define_op
from stage1_tensors.tensor import Tensor
from stage2_autodiff import nest
from stage2_autodiff.gradient_tape import GradientTape
from stage2_autodiff.recording import active_tapes
from stage2_autodiff.registry import no_gradient, register_gradient

from .tracing import current_tracer, keep_forward_results

__all__ = ["py_function", "numpy_function", "print_"]

_counter = itertools.count(1)

# The tapes that runs of py_functions recorded, by the token each run returns
# (see _python_op); an entry goes when its token array does.
_tapes = {}
# py_functions whose gradient a graph holds (a tape inside the function).
_differentiated = set()


def _outputs(result, Tout, who):
    """``result`` of the Python function as arrays of the ``Tout`` dtypes."""
    single = not isinstance(Tout, (list, tuple))
    touts = [Tout] if single else list(Tout)
    values = [result] if single else list(nest.flatten(result)) if result is not None else []
    if len(values) != len(touts):
        raise ValueError("%s: the function returned %d value(s), but Tout lists %d"
                         % (who, len(values), len(touts)))
    arrays = []
    for value, dtype in zip(values, touts):
        dtype = _dtypes.as_dtype(dtype)
        array = np.asarray(value) if not isinstance(value, Tensor) else \
            np.asarray(value.numpy())
        if array.dtype != dtype.as_numpy_dtype:
            try:
                array = array.astype(dtype.as_numpy_dtype)
            except (TypeError, ValueError):
                raise TypeError("%s: cannot give the result %r the dtype %s"
                                % (who, value, dtype.name)) from None
        arrays.append(array)
    return arrays, single


def _python_op(func, inp, Tout, who, as_tensors, returns_token=False):
    """The op that calls ``func`` eagerly each time the graph runs (a new op per
    traced call site, as TF's EagerPyFunc is one per call).

    With ``returns_token`` (a ``py_function``) the op has one more output, an
    int64 token naming the run. When a gradient may be asked (a tape is
    recording, or the graph holds this op's gradient) the run records ``func``
    on a tape of its own, kept under that token: the gradient op takes the
    token and asks that tape, so ``func`` is not run again for the gradient.
    TensorFlow keeps one tape per op; a token per run also gives the right
    gradient when the graph ran twice before the gradient is asked."""
    names = ["input%d" % i for i in range(len(inp))]
    single = not isinstance(Tout, (list, tuple))
    op = define_op("%s_%d" % ("EagerPyFunc" if as_tensors else "PyFunc", next(_counter)),
                   who, inputs=names, dtypes=_dtypes.ALL_NUMPY,
                   input_dtypes={n: _dtypes.ALL_NUMPY for n in names},
                   num_outputs=(1 if single else len(Tout)) + returns_token, stateful=True)

    # While tracing, the kernel runs once on the example values to learn the
    # shapes of the results. Those examples are the first call's own values, so
    # that result is kept and given to the first run of the graph if its inputs
    # are the same: the Python function then runs once per call, as in TF.
    kept = []

    @op.kernel
    def _call(xp, *values):
        tracing = bool(dispatch.active_redirects())
        if kept and not tracing:
            inputs, arrays = kept.pop()
            if len(inputs) == len(values) and all(
                    a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b)
                    for a, b in zip(inputs, map(np.asarray, values))):
                return arrays
        # A tape for the gradient, if one may be asked. (While tracing, the
        # tapes do not see the example run, so it keeps one anyway.)
        keep_tape = returns_token and (tracing or active_tapes() or op.name in _differentiated)
        with dispatch.init_scope():        # the function runs eagerly, for real
            args = [wrap(v) for v in values] if as_tensors else [np.asarray(v) for v in values]
            if keep_tape:
                tape, result = _recorded(func, args, persistent=True)
            else:
                tape, result = None, func(*args)
            arrays, _ = _outputs(result, Tout, who)
        if returns_token:
            arrays = arrays + [_token(tape, args, result)]
        if tracing:
            kept[:] = [([np.array(v) for v in values], arrays)]
        return arrays
    return op


def _token(tape, inputs, result):
    """A new int64 scalar that names one run; with a tape, that run's
    ``(tape, inputs, result)`` is kept in ``_tapes`` while the array lives."""
    token = np.array(next(_counter), dtype=np.int64)
    if tape is not None:
        key = int(token)
        _tapes[key] = (tape, inputs, result)
        weakref.finalize(token, _tapes.pop, key, None)
    return token


def py_function(func, inp, Tout, name=None):
    """Calls ``func`` (Python, eager: it may print, use NumPy, or call tf ops) on
    the tensors ``inp``; returns its result as tensor(s) of dtype(s) ``Tout``.
    In a traced function it runs each time the graph runs. Gradients flow
    through the tf ops ``func`` uses.

    While tracing, ``func`` is called on the example values (the first call's
    own) to learn the shapes of what it returns; the first run of the graph
    reuses that result, so ``func`` runs once per call. (A trace from
    TensorSpecs calls it on placeholder values: ones.)

    >>> import stage5_gpu as tf
    >>> tf.py_function(lambda x: x * 2, [tf.constant(3.0)], tf.float32)
    tf.Tensor(6.0, shape=(), dtype=float32)
    """
    return _python_call(func, inp, Tout, "py_function", as_tensors=True)


def numpy_function(func, inp, Tout, stateful=True, name=None):
    """Like ``py_function``, but ``func`` gets and returns NumPy arrays; it has no
    gradient (NumPy code is invisible to a tape).

    >>> import numpy as np
    >>> import stage5_gpu as tf
    >>> tf.numpy_function(lambda x: np.sort(x), [tf.constant([3, 1, 2])], tf.int32)
    tf.Tensor([1 2 3], shape=(3,), dtype=int32)
    """
    return _python_call(func, inp, Tout, "numpy_function", as_tensors=False)


def _python_call(func, inp, Tout, who, as_tensors, gradient=None):
    if not callable(func):
        raise TypeError("%s: func must be callable, got %r" % (who, func))
    inp = [x if isinstance(x, Tensor) else convert_to_tensor(x) for x in nest.flatten(inp)]
    single = not isinstance(Tout, (list, tuple))
    if current_tracer() is None:
        # Eager: just call it; a tape records the tf ops it runs.
        args = inp if as_tensors else [x.numpy() for x in inp]
        result = func(*args)
        if as_tensors and (isinstance(result, Tensor) or isinstance(result, (list, tuple))
                           and all(isinstance(r, Tensor) for r in result)):
            outs = [result] if isinstance(result, Tensor) else list(result)
            touts = [Tout] if single else list(Tout)
            if len(outs) != len(touts):
                raise ValueError("%s: the function returned %d value(s), but Tout lists %d"
                                 % (who, len(outs), len(touts)))
            outs = [o if o.dtype == _dtypes.as_dtype(t) else _cast(o, t)
                    for o, t in zip(outs, touts)]
        else:
            arrays, _ = _outputs(result, Tout, who)
            outs = [wrap(a) for a in arrays]
        return outs[0] if single else outs
    returns_token = as_tensors and gradient is None      # a py_function
    op = _python_op(func, inp, Tout, who, as_tensors, returns_token)
    if not as_tensors:
        no_gradient(op.name)
    elif returns_token:
        keep_forward_results(op.name)
        register_gradient(op.name, _gradient_from_the_forward(func))
    else:                              # the gradient of a py_function
        register_gradient(op.name, gradient)
    out = list(dispatch.execute(op, tuple(inp)))
    if returns_token:
        out = out[:-1]                 # the token stays inside the graph
    return out[0] if single else out


def _cast(tensor, dtype):
    from stage1_tensors import cast
    return cast(tensor, dtype)


def _gradient_from_the_forward(func):
    """The gradient of a py_function is Python too: an op that, each time the
    backward graph runs, finds the tape its forward run recorded (by the
    token that run returned) and asks it for the gradient. So ``func`` runs
    once per step, as in TensorFlow, and it may use ``.numpy()`` and still be
    differentiated through the tf ops it runs.

    Every path keeps that tape while the token lives (``cond`` and
    ``while_loop`` hand tokens on like random draws); should it be gone, the
    op runs ``func`` again under a new tape instead, a guard. An input
    ``func`` does not reach gets zeros (TensorFlow: a scalar 0); integer inputs
    get None. The gradient op's own gradient (a second order) runs ``func``
    again: TensorFlow gives None there."""
    def gradient(op, *grads):
        inputs, token, grads = list(op.inputs), op.outputs[-1], list(grads[:-1])
        n, wanted = len(inputs), _differentiable(inputs)
        _differentiated.add(op.name)    # a graph holds its gradient: keep tapes
        again = _rerun(func, n, wanted)

        def from_the_forward(*values):  # inputs, upstream gradients, token
            kept = _tapes.get(int(values[-1]))
            if kept is None:
                return again(*values[:-1])
            tape, xs, result = kept
            return _asked(tape, xs, result, wanted, values[n:-1])

        computed = _python_call(from_the_forward, inputs + grads + [token],
                                [inputs[i].dtype for i in wanted], "py_function",
                                as_tensors=True, gradient=_gradient_by_rerunning(again))
        return _by_input(n, wanted, computed)
    return gradient


def _gradient_by_rerunning(func):
    """A gradient that runs ``func`` again, eagerly, on the op's input values
    under a tape and returns the tape's gradient (the second order of a
    py_function: its gradient op's own gradient)."""
    def gradient(op, *grads):
        inputs = list(op.inputs)
        wanted = _differentiable(inputs)
        computed = py_function(_rerun(func, len(inputs), wanted), inputs + list(grads),
                               [inputs[i].dtype for i in wanted])
        return _by_input(len(inputs), wanted, computed)
    return gradient


def _recorded(func, xs, persistent=False):
    """``func(*xs)`` run under a new tape that watches ``xs``: (tape, result)."""
    tape = GradientTape(persistent=persistent, watch_accessed_variables=False)
    with tape:
        for x in xs:
            tape.watch(x)
        result = func(*xs)
    return tape, result


def _rerun(func, n, wanted):
    """A function of ``n`` inputs and then the upstream gradients that runs
    ``func`` on the inputs under a tape and returns the ``wanted`` gradients."""
    def eagerly(*values):
        xs = list(values[:n])
        tape, result = _recorded(func, xs)
        return _asked(tape, xs, result, wanted, values[n:])
    return eagerly


def _asked(tape, xs, result, wanted, upstream):
    """What ``tape`` (which recorded ``result = func(*xs)``) gives as the
    gradients of the ``wanted`` inputs, zeros where it gives None."""
    outputs = [result] if isinstance(result, Tensor) else list(nest.flatten(result))
    carry = [k for k, o in enumerate(outputs) if isinstance(o, Tensor)
             and (o.dtype.is_floating or o.dtype.is_complex)]
    found = tape.gradient([outputs[k] for k in carry], [xs[i] for i in wanted],
                          output_gradients=[upstream[k] for k in carry])
    return [zeros_like(xs[i]) if g is None else g for i, g in zip(wanted, found)]


def _differentiable(inputs):
    """The positions of the floating and complex inputs (the tape asks only
    when there is one; integer inputs get None)."""
    return [i for i, x in enumerate(inputs) if x.dtype.is_floating or x.dtype.is_complex]


def _by_input(n, wanted, computed):
    result = [None] * n
    for i, g in zip(wanted, computed):
        result[i] = g
    return result


def print_(*inputs, output_stream=None, sep=" ", end="\n", summarize=3, name=None):
    """``tf.print``: prints tensors (and Python values) when the op runs: at once
    eagerly, each time the graph runs in a traced function (Python's ``print``
    there runs once, while tracing). As in TensorFlow it writes to
    ``sys.stderr`` unless ``output_stream`` says otherwise.

    >>> import sys
    >>> import stage5_gpu as tf
    >>> @tf.function
    ... def f(x):
    ...     print("tracing")            # Python's print: once
    ...     tf.print("x is", x, output_stream=sys.stdout)   # tf.print: every call
    ...     return x + 1
    >>> _ = f(tf.constant(1)); _ = f(tf.constant(2))
    tracing
    x is 1
    x is 2
    """
    tensors = [x for x in inputs if isinstance(x, Tensor)]
    template = [None if isinstance(x, Tensor) else x for x in inputs]

    def write(values):
        values = iter(values)
        parts = [_format(next(values), summarize) if t is None else str(t) for t in template]
        stream = sys.stderr if output_stream is None else output_stream
        stream.write(sep.join(parts) + end)

    if current_tracer() is None:
        write([np.asarray(t) for t in tensors])
        return None
    names = ["input%d" % i for i in range(len(tensors))]
    op = define_op("PrintV2_%d" % next(_counter), "print", inputs=names,
                   dtypes=_dtypes.ALL_NUMPY, input_dtypes={n: _dtypes.ALL_NUMPY for n in names},
                   num_outputs=0, stateful=True)

    @op.kernel
    def _print(xp, *values):
        write(values)
        return []
    no_gradient(op.name)
    # Nothing to learn by running it while tracing: it has no outputs.
    current_tracer().record(op, tuple(tensors), {}, given=[])
    return None


def _format(array, summarize):
    """A tensor's text as ``tf.print`` writes it: nested brackets, no padding,
    the shortest float digits that read back the same, and with more than
    ``2 * summarize`` entries in a dimension only its first and last ``summarize``
    (``summarize=-1``: all).

    >>> import numpy as np
    >>> print(_format(np.arange(10.0).reshape(2, 5) / 2, 2))
    [[0 0.5 ... 1.5 2]
     [2.5 3 ... 4 4.5]]
    """
    array = np.asarray(array)
    if array.ndim == 0:
        return _format_number(array[()])
    n = array.shape[0]
    shown = list(range(n)) if summarize < 0 or n <= 2 * summarize else \
        list(range(summarize)) + [None] + list(range(n - summarize, n))
    if array.ndim == 1:
        return "[" + " ".join("..." if i is None else _format_number(array[i])
                              for i in shown) + "]"
    rows = ["..." if i is None else _format(array[i], summarize).replace("\n", "\n ")
            for i in shown]
    return "[" + ("\n" * (array.ndim - 1) + " ").join(rows) + "]"


def _format_number(value):
    """One entry: floats with 6 (float64: 15) significant digits when those read
    back as the same number, else 9 (float64: 17), as TensorFlow writes them."""
    if isinstance(value, np.bool_):
        return "1" if value else "0"
    if isinstance(value, np.floating):
        kind = np.float64 if value.dtype == np.float64 else np.float32
        short, full = ("%.15g", "%.17g") if kind is np.float64 else ("%.6g", "%.9g")
        text = short % value
        return text if kind(text) == kind(value) or not np.isfinite(value) else full % value
    return str(value)
