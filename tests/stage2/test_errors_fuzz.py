"""Errors teach in stage 2 too: the autodiff API fuzzed with bad calls.

The same rule as stage 1's fuzz (``tests/stage1/test_errors_fuzz.py``, whose
harness and argument pools this file reuses): a bad call raises an op error, a
TypeError or a ValueError that names the function or method called, never an
internal exception, and leaves its inputs (and here: the variable being
assigned) unchanged. Covered: ``Variable`` and its ``assign*`` methods,
``GradientTape.watch/gradient/jacobian/batch_jacobian`` with bad targets,
sources, output gradients and options, ``custom_gradient`` misuse,
``gradients_function``/``value_and_gradients_function`` and ``stop_gradient``.
"""

import itertools

import numpy as np
import pytest

import stage2_autodiff as tf
from tests.stage1 import test_errors_fuzz as fuzz

pytestmark = pytest.mark.stage2_task8

_contained = fuzz._contained     # the same memory cap, warning filter and seed restore
GENERAL, FLAGS, DTYPES = fuzz.GENERAL, fuzz.FLAGS, fuzz.DTYPES


def _leaks(calls):
    """Judges ``(names, fn, args, kwargs, expected)`` calls; the lines that leak."""
    found = []
    for names, fn, args, kwargs, expected in calls:
        leak = fuzz._judge(fn, names, args, kwargs, expected)
        if leak is not None:
            found.append(leak)
    return found


def _assert_none(leaks):
    assert not leaks, fuzz._report(leaks)


# --- Variable ---------------------------------------------------------------------
NAMES = [None, "w", "scope/w:0", 3, object(), ""]


def test_variable_constructor_fails_only_with_teaching_errors():
    calls = [(["Variable"], tf.Variable, (value,), {}, tf.Variable) for value in GENERAL]
    for trainable in FLAGS:
        calls.append((["Variable"], tf.Variable, (1.0,), {"trainable": trainable},
                      tf.Variable))
    for name in NAMES:
        calls.append((["Variable"], tf.Variable, (1.0,), {"name": name}, tf.Variable))
    for dtype in DTYPES:
        calls.append((["Variable"], tf.Variable, ([1.0, 2.0],), {"dtype": dtype},
                      tf.Variable))
    calls.append((["Variable"], tf.Variable, (lambda: "abc",), {}, tf.Variable))
    _assert_none(_leaks(calls))


@pytest.mark.parametrize("method", ["assign", "assign_add", "assign_sub"])
def test_assign_fails_only_with_teaching_errors_and_keeps_the_value(method):
    leaks = []
    for initial in (np.ones((2, 3), np.float32), np.arange(2, dtype=np.int32), 1.5):
        for value in GENERAL:
            v = tf.Variable(initial)
            before = v._value
            bound = getattr(v, method)
            leak = fuzz._judge(bound, [method], (value,), {}, tf.Variable)
            if leak is not None:
                leaks.append(leak)
            elif v._value is not before and (
                    v._value.shape != before.shape or v._value.dtype != before.dtype):
                leaks.append("%s(%s) changed the variable's shape or dtype"
                             % (method, fuzz._show(value)))
            if leak is not None and v._value is not before:
                leaks.append("%s(%s) failed but changed the variable"
                             % (method, fuzz._show(value)))
    _assert_none(leaks)


# --- GradientTape -----------------------------------------------------------------
def _recorded():
    """A persistent tape with a scalar y, a vector z and a batch b, all recorded."""
    x = tf.constant([1.0, 2.0, 3.0])
    v = tf.Variable([[1.0, 2.0], [3.0, 4.0]], name="v")
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = tf.reduce_sum(x * x) + tf.reduce_sum(v)
        z = x * 2.0
        b = tf.matmul(v, v)
    unrecorded = x * 3.0
    return tape, x, v, y, z, b, unrecorded


def _tape_pools():
    tape, x, v, y, z, b, unrecorded = _recorded()
    targets = [y, z, b, [y, z], {"a": y}, unrecorded, v, None, "abc", 3.0, [y, None],
               tf.constant(1), (y, [z])]
    sources = [x, v, [x, v], {"a": x, "b": [v]}, None, "abc", 3.0, [x, "a"], [], (x,),
               tf.constant([1, 2]), [[x], {"k": v}], np.ones(3, np.float32)]
    output_gradients = [None, 1.0, [1.0], "abc", tf.ones([5]), [None], object(),
                        tf.constant(1), [1.0, 2.0], tf.ones([3], tf.float64), np.ones(3)]
    unconnected = [tf.UnconnectedGradients.NONE, "zero", "ZERO", "foo", 3, None]
    return tape, targets, sources, output_gradients, unconnected, (x, v, b)


def test_gradient_fails_only_with_teaching_errors():
    tape, targets, sources, grads, unconnected, _ = _tape_pools()
    calls = []
    for target, source in itertools.product(targets, sources):
        calls.append((["gradient"], tape.gradient, (target, source), {}, None))
    for target, g in itertools.product(targets[:5], grads):
        calls.append((["gradient"], tape.gradient, (target, sources[0]),
                      {"output_gradients": g}, None))
    for u in unconnected:
        calls.append((["gradient"], tape.gradient, (targets[0], sources[2]),
                      {"unconnected_gradients": u}, None))
    _assert_none(_leaks(_allow_none_results(calls)))


def test_jacobians_and_watch_fail_only_with_teaching_errors():
    tape, targets, sources, _, unconnected, (x, v, b) = _tape_pools()
    calls = []
    for target, source in itertools.product(targets, sources):
        calls.append((["jacobian"], tape.jacobian, (target, source), {}, None))
    for u in unconnected:
        calls.append((["jacobian"], tape.jacobian, (targets[1], x),
                      {"unconnected_gradients": u}, None))
    for target, source in itertools.product(targets, sources + [v, b]):
        calls.append((["batch_jacobian"], tape.batch_jacobian, (target, source), {}, None))
    for value in GENERAL + [[x, "a"], {"a": x}]:
        calls.append((["watch"], tape.watch, (value,), {}, type(None)))
    _assert_none(_leaks(_allow_none_results(calls)))


def _allow_none_results(calls):
    # Gradients may be None (an unconnected source), alone or inside the structure.
    return [(n, f, a, k, e if e is not None else _GradientResult) for n, f, a, k, e in calls]


class _GradientResultMeta(type):
    def __instancecheck__(cls, result):
        if result is None or isinstance(result, tf.Tensor):
            return True
        if isinstance(result, dict):
            result = list(result.values())
        return isinstance(result, (list, tuple)) and all(isinstance(r, cls) for r in result)


class _GradientResult(metaclass=_GradientResultMeta):
    """Tensors, Nones, and lists, tuples and dicts of them."""


# --- custom_gradient ----------------------------------------------------------------
_FORWARDS = {
    "no_pair": lambda x: x * 2.0,                         # returns a Tensor, not (y, grad_fn)
    "triple": lambda x: (x, lambda dy: dy, 3),
    "grad_fn_not_callable": lambda x: (x * 2.0, "not callable"),
    "good": lambda x: (x * 2.0, lambda dy: dy * 2.0),
    "two_grads": lambda x: (x * 2.0, lambda dy: (dy, dy)),
    "grad_is_string": lambda x: (x * 2.0, lambda dy: "abc"),
    "grad_wrong_shape": lambda x: (x * 2.0, lambda dy: tf.ones([7])),
    "grad_wrong_dtype": lambda x: (x * 2.0, lambda dy: tf.ones([2], tf.float64)),
    "grad_none": lambda x: (x * 2.0, lambda dy: None),
    "output_is_string": lambda x: ("abc", lambda dy: dy),
}


@pytest.mark.parametrize("case", sorted(_FORWARDS))
def test_custom_gradient_misuse_teaches(case):
    @tf.custom_gradient
    def f(x):
        return _FORWARDS[case](x)

    def forward_only(x):
        return f(x)

    def with_gradient(x):
        x = tf.convert_to_tensor(x)
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = f(x)
        return tape.gradient(y, x)

    # Only tensors go in: what the user's own f does with a bad argument is its business.
    names = ["custom_gradient", "f"]
    calls = [(names, fn, (value,), {}, expected)
             for fn, expected in ((forward_only, object), (with_gradient, _GradientResult))
             for value in [tf.constant([1.0, 2.0]), tf.constant(2.0)]]
    _assert_none(_leaks(calls))


def test_custom_gradient_of_a_non_function_teaches():
    calls = [(["custom_gradient"], lambda: tf.custom_gradient(value)(1.0), (), {}, None)
             for value in (3, "abc", None, tf.constant(1.0))]
    _assert_none(_leaks(_allow_none_results(calls)))


# --- gradients_function, value_and_gradients_function, stop_gradient -----------------
def _square(x):
    return x * x


def _returns_none(x):
    x * x


def _returns_text(x):
    return "abc"


PARAMS = [None, [0], [1], [5], ["x"], ["zz"], "x", 1.5, [1.5], 0, [None], [-1]]


@pytest.mark.parametrize("make", [tf.gradients_function, tf.value_and_gradients_function],
                         ids=["gradients_function", "value_and_gradients_function"])
def test_gradients_functions_fail_only_with_teaching_errors(make):
    names = [make.__name__, "params", "_square", "_returns_none", "_returns_text"]
    calls = []
    for f, params in itertools.product([_square, _returns_none, _returns_text], PARAMS):
        for value in [2.0, tf.constant([1.0, 2.0]), "abc", None, tf.constant(3)]:
            calls.append((names, lambda f=f, p=params, v=value: make(f, p)(v), (), {}, None))
        calls.append((names, lambda f=f, p=params: make(f, p)(2.0, dy="abc"), (), {}, None))
    calls.append((names, lambda: make(3)(2.0), (), {}, None))
    calls.append((names, lambda: make(_square)(), (), {}, None))
    _assert_none(_leaks(_allow_none_results(calls)))


def test_stop_gradient_fails_only_with_teaching_errors():
    _assert_none(_leaks([(["stop_gradient"], tf.stop_gradient, (value,), {}, None)
                         for value in GENERAL]))


# --- the leaks the fuzz found, one row each -------------------------------------------
# The calls are built when a test runs, not when this file is imported, so a
# stage whose tape or custom_gradient is not written yet still collects.
def _tape_call(method, *args, **kwargs):
    def call():
        x = tf.constant([1.0, 2.0])
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(x)
            y = x * x
        return getattr(tape, method)(y, x, *args, **kwargs)
    return call


def _custom_call(forward):
    def call():
        @tf.custom_gradient
        def f(x):
            return forward(x)

        x = tf.constant([1.0, 2.0])
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = f(x)
        return tape.gradient(y, x)
    return call


BAD_CALLS = [
    ("variable_text", lambda: tf.Variable("abc"), ValueError, "^Variable: cannot convert 'abc'"),
    ("variable_dtype", lambda: tf.Variable(1.0, dtype="foo"), TypeError,
     "^Variable: cannot interpret 'foo' as a dtype"),
    ("variable_trainable", lambda: tf.Variable(1.0, trainable=tf.constant([True, False])),
     ValueError, "^Variable: trainable must be a bool"),
    ("assign_string_array", lambda: tf.Variable([1.0, 2.0]).assign(np.array(["a", "b"])),
     TypeError, "assign got a value of dtype <U1"),
    ("jacobian_sources", lambda: tf.GradientTape(persistent=True).jacobian(tf.constant(1.0),
                                                                           "abc"),
     TypeError, "^jacobian: sources must be Tensors"),
    ("output_gradients_dtype", _tape_call("gradient", output_gradients=tf.ones([2], tf.float64)),
     ValueError, "^gradient: output_gradients has dtype float64 but its target has float32"),
    ("output_gradients_text", _tape_call("gradient", output_gradients="abc"), ValueError,
     "^gradient: output_gradients cannot convert 'abc'"),
    ("unconnected_option", _tape_call("jacobian", unconnected_gradients="foo"), ValueError,
     "^jacobian: unconnected_gradients must be"),
    ("custom_gradient_not_a_function", lambda: tf.custom_gradient(3), TypeError,
     "^custom_gradient: decorates a function"),
    ("custom_gradient_no_pair", _custom_call(lambda x: x * 2.0), TypeError,
     "^custom_gradient: f must return a pair"),
    ("custom_gradient_wrong_shape", _custom_call(lambda x: (x * 2.0, lambda dy: tf.ones([7]))),
     ValueError, r"^custom_gradient: .* of f returned a gradient of shape \(7,\)"),
    ("custom_gradient_wrong_dtype",
     _custom_call(lambda x: (x * 2.0, lambda dy: tf.ones([2], tf.float64))), ValueError,
     "dtype float64 for argument 0, which has shape \\(2,\\) and dtype float32"),
    ("custom_gradient_text_result", _custom_call(lambda x: ("abc", lambda dy: dy)), ValueError,
     "^custom_gradient: f returned a result that is no tensor"),
    ("gradients_function_not_callable", lambda: tf.gradients_function(3), TypeError,
     "^gradients_function: f must be a function"),
    ("gradients_function_params", lambda: tf.gradients_function(_square, params=0), TypeError,
     "^gradients_function: params must be a list"),
    ("gradients_function_argument", lambda: tf.gradients_function(_square)("abc"), ValueError,
     "^gradients_function: argument 0: cannot convert 'abc'"),
    ("gradients_function_text_result", lambda: tf.gradients_function(_returns_text)(1.0),
     TypeError, "^gradients_function: _returns_text must return a Tensor"),
    ("value_and_gradients_dy", lambda: tf.value_and_gradients_function(_square)(1.0, dy="a"),
     ValueError, "^value_and_gradients_function: gradient: output_gradients cannot convert"),
]


@pytest.mark.parametrize("name,call,kind,message", BAD_CALLS, ids=[c[0] for c in BAD_CALLS])
def test_bad_calls_raise_teaching_errors(name, call, kind, message):
    with pytest.raises(kind, match=message):
        call()
