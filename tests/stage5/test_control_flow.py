"""Task 5: control flow the graph decides each run (``cond``, ``case``,
``while_loop``) and Python inside a graph (``py_function``, ``numpy_function``,
``tf.print``)."""

import sys

import numpy as np
import pytest

import stage5_gpu as tf

pytestmark = pytest.mark.stage5_task5


def test_cond_eagerly_runs_only_the_branch_it_picks():
    ran = []
    out = tf.cond(tf.constant(True), lambda: ran.append("t") or tf.constant(1),
                  lambda: ran.append("f") or tf.constant(2))
    assert int(out) == 1 and ran == ["t"]


def test_cond_in_a_function_is_decided_each_run_with_one_trace():
    @tf.function
    def f(x):
        return tf.cond(tf.reduce_sum(x) > 0, lambda: x * 2.0, lambda: -x)
    np.testing.assert_array_equal(f(tf.constant([1.0, 2.0])).numpy(), [2.0, 4.0])
    np.testing.assert_array_equal(f(tf.constant([-1.0, -2.0])).numpy(), [1.0, 2.0])
    assert f.experimental_get_tracing_count() == 1


def test_cond_branches_run_their_side_effects_only_when_taken():
    v = tf.Variable(0)

    @tf.function
    def f(flag):
        return tf.cond(flag, lambda: v.assign_add(1).read_value(),
                       lambda: v.assign_add(100).read_value())
    f(tf.constant(True))
    f(tf.constant(True))
    assert int(v) == 2
    f(tf.constant(False))
    assert int(v) == 102


def test_cond_returns_structures_and_checks_the_branches_agree():
    @tf.function
    def f(x):
        return tf.cond(x > 0, lambda: {"a": x, "b": (x, 1)}, lambda: {"a": -x, "b": (x, 1)})
    out = f(tf.constant(3.0))
    assert float(out["a"]) == 3.0 and out["b"][1] == 1
    bad = tf.function(lambda x: tf.cond(x > 0, lambda: x, lambda: tf.cast(x, tf.int32)))
    with pytest.raises(TypeError, match="same"):
        bad(tf.constant(1.0))


def test_gradients_flow_through_the_branch_that_ran():
    w = tf.Variable(3.0)

    @tf.function
    def f(x):
        return tf.cond(x > 0, lambda: x * x * w, lambda: tf.sin(x))
    for x0, want_x, want_w in [(2.0, 12.0, 4.0), (-1.0, np.cos(-1.0), 0.0)]:
        x = tf.constant(x0)
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = f(x)
        gx, gw = tape.gradient(y, [x, w])
        assert float(gx) == pytest.approx(want_x, rel=1e-6)
        assert gw is None or float(gw) == pytest.approx(want_w)


def test_a_tape_inside_a_function_differentiates_a_cond():
    @tf.function
    def grad(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.cond(x > 1.0, lambda: x ** 3, lambda: x * 5.0)
        return tape.gradient(y, x)
    assert float(grad(tf.constant(2.0))) == pytest.approx(12.0)
    assert float(grad(tf.constant(0.5))) == pytest.approx(5.0)


def test_case_picks_the_first_true_predicate():
    @tf.function
    def sign(x):
        return tf.case([(x < 0, lambda: tf.constant(-1)), (x > 0, lambda: tf.constant(1))],
                       default=lambda: tf.constant(0))
    assert [int(sign(tf.constant(v))) for v in (-3.0, 0.0, 2.0)] == [-1, 0, 1]
    assert sign.experimental_get_tracing_count() == 1
    with pytest.raises(ValueError, match="exclusive"):
        tf.case([(tf.constant(True), lambda: 1), (tf.constant(True), lambda: 2)],
                default=lambda: 3, exclusive=True)


def test_while_loop_eagerly_and_in_a_function():
    def total(n):
        return tf.while_loop(lambda i, s: i < n, lambda i, s: (i + 1, s + i),
                             (tf.constant(0), tf.constant(0)))
    i, s = total(tf.constant(5))
    assert (int(i), int(s)) == (5, 10)
    traced = tf.function(total)
    for n in (0, 5, 100):
        i, s = traced(tf.constant(n))
        assert (int(i), int(s)) == (n, n * (n - 1) // 2)
    assert traced.experimental_get_tracing_count() == 1


def test_while_loop_maximum_iterations_and_captures():
    step = tf.constant(2.0)

    @tf.function
    def f(x):
        return tf.while_loop(lambda v: v < 1000.0, lambda v: v * step, [x],
                             maximum_iterations=3)
    assert float(f(tf.constant(1.0))[0]) == 8.0
    assert float(f(tf.constant(600.0))[0]) == 1200.0


def test_while_loop_shapes_must_stay_unless_invariants_allow():
    grow = lambda x: tf.concat([x, x], axis=0)      # noqa: E731
    f = tf.function(lambda x: tf.while_loop(lambda x: tf.size(x) < 8, grow, [x]))
    with pytest.raises(ValueError, match="shape_invariants"):
        f(tf.ones([1]))
    g = tf.function(lambda x: tf.while_loop(lambda x: tf.size(x) < 8, grow, [x],
                                            shape_invariants=[tf.TensorShape([None])]))
    assert g(tf.ones([1]))[0].shape == (8,)
    with pytest.raises(TypeError, match="dtype"):
        tf.while_loop(lambda x: x < 3, lambda x: tf.cast(x, tf.float32) + 1.0,
                      [tf.constant(0)])


def test_gradients_through_a_traced_while_loop_say_they_are_not_there_yet():
    f = tf.function(lambda x: tf.while_loop(lambda v: v < 10.0, lambda v: v * 2.0, [x])[0])
    x = tf.constant(1.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    with pytest.raises(NotImplementedError, match="while_loop"):
        tape.gradient(y, x)


def test_py_function_runs_python_each_call_once():
    calls = []

    def my_py_func(x):
        calls.append(float(x))
        return x * 2.0
    f = tf.function(lambda x: tf.py_function(my_py_func, [x], tf.float32) + 1.0)
    assert float(f(tf.constant(1.0))) == 3.0
    assert float(f(tf.constant(5.0))) == 11.0
    assert calls == [1.0, 5.0]


def test_py_function_has_gradients_through_its_tf_ops():
    f = tf.function(lambda x: tf.py_function(lambda t: tf.sin(t) * t, [x], tf.float32))
    x = tf.constant(0.7)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    assert float(tape.gradient(y, x)) == pytest.approx(np.cos(0.7) * 0.7 + np.sin(0.7), 1e-6)


def test_numpy_function_gets_arrays_and_has_no_gradient():
    seen = []

    def sort(a):
        seen.append(type(a))
        return np.sort(a)
    f = tf.function(lambda x: tf.numpy_function(sort, [x], tf.float32))
    np.testing.assert_array_equal(f(tf.constant([3.0, 1.0, 2.0])).numpy(), [1, 2, 3])
    assert seen[-1] is np.ndarray
    x = tf.constant([3.0, 1.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    assert tape.gradient(y, x) is None


def test_py_function_checks_its_results():
    with pytest.raises(ValueError, match="Tout"):
        tf.py_function(lambda x: (x, x), [tf.constant(1.0)], [tf.float32])


def test_tf_print_runs_every_call_python_print_once(capsys):
    @tf.function
    def f(x):
        print("tracing")
        tf.print("x =", x, output_stream=sys.stdout)
        return x
    f(tf.constant([1, 2]))
    f(tf.constant([3, 4]))
    assert capsys.readouterr().out == "tracing\nx = [1 2]\nx = [3 4]\n"
    tf.print("eager", tf.constant(1.5))
    assert capsys.readouterr().err == "eager 1.5\n"
