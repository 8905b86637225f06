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


def _gradients(fn, x, variables=()):
    """fn(x), d fn/d x and d fn/d variables, and the second derivative in x."""
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = fn(x)
        grads = tape.gradient(y, [x, *variables])
    second = outer.gradient(grads[0], x)
    return [y.numpy()] + [None if g is None else g.numpy() for g in grads + [second]]


def _loop_with_counter_capture_and_variable(w):
    def loop(x):
        i, v = tf.while_loop(lambda i, v: v < 50.0,
                             lambda i, v: (i + 1, v * w + tf.sin(v) * 0.1 * x + x),
                             (tf.constant(0), x))
        return v * 2.0 + tf.cast(i, tf.float64)
    return loop


@pytest.mark.parametrize("start", [1.5, 0.7, 60.0])   # 60: the loop never runs
def test_gradients_through_a_traced_while_loop_equal_the_eager_loops(start):
    w = tf.Variable(1.1, dtype=tf.float64)
    loop = _loop_with_counter_capture_and_variable(w)
    x = tf.constant(start, tf.float64)
    eager = _gradients(loop, x, [w])
    traced = _gradients(tf.function(loop), x, [w])
    for a, b in zip(eager, traced):
        if a is None:       # the loop never ran: d2y/dx2 of 2x is None eagerly
            assert b is None or not np.any(b)
        else:
            np.testing.assert_allclose(b, a, rtol=1e-12)


def test_while_loop_gradient_matches_finite_differences():
    def f(x):
        return tf.reduce_sum(tf.while_loop(lambda v: tf.reduce_sum(v) < 100.0,
                                           lambda v: v * x + 1.0, [x])[0])
    x = np.array([1.5, 2.0])
    ft = tf.function(f)
    analytic = _gradients(ft, tf.constant(x), [])[1]
    eps = 1e-6
    numeric = [(float(f(tf.constant(x + eps * e))) - float(f(tf.constant(x - eps * e))))
               / (2 * eps) for e in np.eye(2)]
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6)


def test_while_loop_gradient_with_maximum_iterations_and_a_vector():
    def g(x):
        return tf.reduce_sum(tf.while_loop(lambda v: tf.reduce_sum(v) < 100.0,
                                           lambda v: v * x, [x], maximum_iterations=3)[0])
    x = tf.constant([1.5, 2.0], tf.float64)
    for a, b in zip(_gradients(g, x), _gradients(tf.function(g), x)):
        np.testing.assert_allclose(b, a, rtol=1e-12)


def test_while_loop_gradient_of_one_function_serves_every_iteration_count():
    f = tf.function(lambda x: tf.while_loop(lambda v: v < 10.0, lambda v: v * 2.0, [x])[0])
    for start, iterations in [(1.0, 4), (3.0, 2), (20.0, 0)]:
        x = tf.constant(start)
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = f(x)
        assert float(tape.gradient(y, x)) == 2.0 ** iterations
    assert f.experimental_get_tracing_count() == 1


def test_while_loop_gradient_with_changing_shapes_says_it_is_not_there():
    def grow(x):
        return [tf.concat([x, x], axis=0)]
    f = tf.function(lambda x: tf.reduce_sum(tf.while_loop(
        lambda x: tf.size(x) < 8, grow, [x], shape_invariants=[tf.TensorShape([None])])[0]))
    x = tf.constant([1.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    assert float(y) == 8.0
    with pytest.raises(NotImplementedError, match="shape_invariants"):
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


def test_static_shapes_with_unknown_sizes_flow_through_cond_and_while_loop():
    seen = {}

    @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32)])
    def f(x):
        w = tf.ones([3, 4])
        # a branch that captures x works on its unknown size too
        c = tf.cond(tf.reduce_sum(x) > 0, lambda: tf.matmul(x, w), lambda: tf.matmul(-x, w))
        seen["cond"], seen["after cond"] = c.shape.as_list(), (c * 2.0).shape.as_list()
        seen["branches differ"] = tf.cond(tf.reduce_sum(x) > 0, lambda: x[:2],
                                          lambda: x[:1]).shape.as_list()
        _, v = tf.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, v * 2.0), (0, x))
        seen["while"], seen["after while"] = v.shape.as_list(), tf.reduce_sum(
            v, axis=1).shape.as_list()
        return c + tf.reduce_sum(v)

    for rows in (5, 2):
        x = np.arange(rows * 3, dtype="float32").reshape(rows, 3)
        np.testing.assert_allclose(f(tf.constant(x)).numpy(),
                                   x @ np.ones((3, 4)) + 8.0 * x.sum(), rtol=1e-6)
    assert seen == {"cond": [None, 4], "after cond": [None, 4], "branches differ": [None, 3],
                    "while": [None, 3], "after while": [None]}
    assert f.experimental_get_tracing_count() == 1


def test_a_py_function_whose_result_no_tf_op_made_adds_no_gradient():
    # Its Python function returns a plain number for two inputs: nothing of it
    # is differentiable, so only x * x contributes to the gradient.
    @tf.function
    def f(x):
        return tf.py_function(lambda a, b: 3.0, [x, x * 2.0], tf.float32) + x * x
    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    assert float(y) == 7.0
    assert float(tape.gradient(y, x)) == 4.0


def _gradient_of(f, *xs):
    with tf.GradientTape() as tape:
        for x in xs:
            tape.watch(x)
        y = f(*xs)
    return y, tape.gradient(y, list(xs))


def test_a_py_function_using_numpy_is_differentiated_through_a_function():
    # The NumPy part is invisible to a tape; the tf ops around it are not.
    @tf.function
    def f(x):
        doubled = tf.py_function(lambda a: a.numpy() * 2.0, [x], tf.float32)
        return doubled + x * x
    x = tf.constant([1.5, -2.0])
    y, (g,) = _gradient_of(f, x)
    np.testing.assert_allclose(y.numpy(), [5.25, 0.0])
    np.testing.assert_allclose(g.numpy(), [3.0, -4.0])


def test_py_function_gradients_in_a_function_match_eager_ones():
    def f(x, y, n):
        return tf.py_function(lambda a, b, k: tf.sin(a) * tf.cast(k, tf.float64) * a,
                              [x, y, n], tf.float64)
    x, y, n = tf.constant([0.3, 1.1], tf.float64), tf.constant(2.0, tf.float64), tf.constant(3)
    _, (ex, _, en) = _gradient_of(f, x, y, n)
    _, (gx, gy, gn) = _gradient_of(tf.function(f), x, y, n)
    np.testing.assert_allclose(gx.numpy(), ex.numpy(), rtol=1e-12)
    np.testing.assert_allclose(gx.numpy(), 3.0 * (np.cos([0.3, 1.1]) * [0.3, 1.1]
                                                   + np.sin([0.3, 1.1])), rtol=1e-12)
    # An input the Python function does not use gets zeros (TensorFlow gives 0
    # too); an integer input gets None.
    np.testing.assert_array_equal(gy.numpy(), 0.0)
    assert en is None and gn is None


def test_second_order_through_a_py_function_in_a_function():
    @tf.function
    def first(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.py_function(lambda a: a * a * a, [x], tf.float32)
        return tape.gradient(y, x)
    x = tf.constant(2.0)
    g, (gg,) = _gradient_of(first, x)
    assert float(g) == 12.0 and float(gg) == 12.0


def test_tf_print_in_a_function_prints_once_per_call_under_a_tape(capsys):
    @tf.function
    def f(x):
        tf.print("x =", x, output_stream=sys.stdout)
        return x * x
    for value in (2.0, 3.0):
        _, (g,) = _gradient_of(f, tf.constant(value))
        assert float(g) == 2 * value
    assert capsys.readouterr().out == "x = 2\nx = 3\n"


def _noisy(control):
    """y = x times random numbers drawn inside a cond branch or a loop body."""
    @tf.function
    def f(x):
        if control == "cond":
            return tf.cond(tf.reduce_sum(x) > 0, lambda: x * tf.random.uniform([3]),
                           lambda: -x * tf.random.normal([3]))
        if control == "while_loop":
            return tf.while_loop(lambda i, v: i < 3,
                                 lambda i, v: (i + 1, v * tf.random.uniform([3])), (0, x))[1]
        # a cond inside a loop body, drawing on every other iteration
        return tf.while_loop(lambda i, v: i < 4, lambda i, v: (i + 1, tf.cond(
            i % 2 == 0, lambda: v * tf.random.uniform([3]), lambda: v * 2.0)), (0, x))[1]
    return f


@pytest.mark.parametrize("control", ["cond", "while_loop", "cond in while_loop"])
def test_random_numbers_drawn_in_a_branch_get_the_gradient_of_the_numbers_drawn(control):
    # y = x * r for the numbers r the call drew, so dy/dx = r = y / x: the
    # backward pass uses the forward pass's draws, not new ones.
    tf.random.set_seed(7)
    f = _noisy(control)
    for value in (2.0, -1.5, 3.0):
        x = tf.ones([3]) * value
        y, (g,) = _gradient_of(f, x)
        np.testing.assert_allclose(g.numpy() * value, y.numpy(), rtol=1e-5)
    assert f.experimental_get_tracing_count() == 1


def test_random_numbers_in_a_cond_with_the_tape_inside_the_function_and_second_order():
    tf.random.set_seed(3)

    @tf.function
    def first(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.cond(tf.reduce_sum(x) > 0, lambda: x * x * tf.random.uniform([3]),
                        lambda: x)
        return y, tape.gradient(y, x)
    x = tf.ones([3]) * 2.0
    with tf.GradientTape() as outer:
        outer.watch(x)
        y, g = first(x)
    gg = outer.gradient(g, x)
    r = y.numpy() / 4.0                      # y = r * x * x at x = 2
    np.testing.assert_allclose(g.numpy(), 4.0 * r, rtol=1e-5)
    np.testing.assert_allclose(gg.numpy(), 2.0 * r, rtol=1e-5)


def test_a_loop_that_never_runs_passes_the_gradient_through():
    f = tf.function(lambda x, n: tf.while_loop(
        lambda i, v: i < n, lambda i, v: (i + 1, v * tf.random.uniform([3])), (0, x))[1])
    x = tf.ones([3])
    y, (g, _) = _gradient_of(f, x, tf.constant(0))
    np.testing.assert_array_equal(g.numpy(), 1.0)
    y, (g, _) = _gradient_of(f, x, tf.constant(2))    # and the same graph, run twice
    np.testing.assert_allclose(g.numpy(), y.numpy(), rtol=1e-6)
    assert f.experimental_get_tracing_count() == 1


def test_random_numbers_drawn_in_a_loop_condition_refuse_a_gradient_clearly():
    @tf.function
    def f(x):
        return tf.while_loop(lambda i, v: tf.random.uniform([]) < 2.0,
                             lambda i, v: (i + 1, v * 2.0), (0, x),
                             maximum_iterations=2)[1]
    x = tf.ones([3])
    assert f(x).shape == (3,)                  # running it is fine
    with pytest.raises(NotImplementedError, match="while_loop.*random"):
        _gradient_of(f, x)


def _counted(calls):
    def cube(a):
        calls.append(float(tf.reduce_sum(a)))
        return a * a * a
    return cube


@pytest.mark.parametrize("where", ["tape outside", "tape inside", "in a cond",
                                   "in a while_loop body"])
def test_a_py_function_runs_once_per_differentiated_step(where):
    calls = []
    cube = _counted(calls)
    if where == "tape inside":
        @tf.function
        def step(x):
            with tf.GradientTape() as tape:
                tape.watch(x)
                y = tf.py_function(cube, [x], tf.float32)
            return y, tape.gradient(y, x)
    else:
        f = tf.function({
            "tape outside": lambda x: tf.py_function(cube, [x], tf.float32),
            "in a cond": lambda x: tf.cond(x > 0, lambda: tf.py_function(cube, [x], tf.float32),
                                           lambda: x),
            "in a while_loop body": lambda x: tf.while_loop(
                lambda i, v: i < 1, lambda i, v: (i + 1, tf.py_function(cube, [v], tf.float32)),
                (0, x))[1]}[where])

        def step(x):
            y, (g,) = _gradient_of(f, x)
            return y, g
    for value in (2.0, 3.0, 0.5):
        del calls[:]
        y, g = step(tf.constant(value))
        assert float(g) == pytest.approx(3 * value ** 2)
        assert calls == [value]              # TensorFlow: once, too


def test_a_py_function_that_draws_with_numpy_gets_the_gradient_of_its_draws():
    rng = np.random.default_rng(0)
    f = tf.function(lambda x: tf.py_function(
        lambda a: a * a * np.float32(rng.uniform(1, 2)), [x], tf.float32))
    for value in (2.0, 4.0):
        y, (g,) = _gradient_of(f, tf.constant(value))
        assert float(g) == pytest.approx(2 * float(y) / value)   # d(r x^2)/dx = 2 y / x


def test_each_call_of_a_py_function_keeps_its_own_gradient():
    # Two calls before one gradient (TensorFlow fails here: one tape per node),
    # and a persistent tape asked twice.
    f = tf.function(lambda x: tf.py_function(lambda a: a * a * a, [x], tf.float32))
    a, b = tf.constant(2.0), tf.constant(3.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(a)
        tape.watch(b)
        y = f(a) + 2.0 * f(b)
    for _ in range(2):
        ga, gb = tape.gradient(y, [a, b])
        assert (float(ga), float(gb)) == (12.0, 54.0)


def test_case_without_a_default_and_with_several_true_predicates():
    t, f = tf.constant(True), tf.constant(False)
    # No default: the last pair's function is it, as in TensorFlow.
    assert int(tf.case([(f, lambda: tf.constant(1)), (f, lambda: tf.constant(2))])) == 2
    # Not exclusive: the first true predicate wins; exclusive with one true: fine.
    assert int(tf.case([(t, lambda: tf.constant(1)), (t, lambda: tf.constant(2))],
                       default=lambda: tf.constant(3))) == 1
    assert int(tf.case([(f, lambda: tf.constant(1)), (t, lambda: tf.constant(2))],
                       default=lambda: tf.constant(3), exclusive=True)) == 2


def test_cond_and_while_loop_refuse_what_they_cannot_run():
    with pytest.raises(TypeError, match="cond: true_fn and false_fn must be callables"):
        tf.cond(tf.constant(True), lambda: 1.0, 2.0)
    with pytest.raises(TypeError, match="while_loop: cond and body must be callables"):
        tf.while_loop(lambda i: i < 3, 4, [tf.constant(0)])

    @tf.function
    def vector_pred(x):
        return tf.cond(x > 0, lambda: x, lambda: -x)
    with pytest.raises(ValueError, match="cond: pred must be a scalar bool tensor"):
        vector_pred(tf.constant([1.0, -1.0]))

    @tf.function
    def float_pred(x):
        return tf.cond(x * 2.0, lambda: x, lambda: -x)
    with pytest.raises(ValueError, match="cond: pred must be a scalar bool tensor"):
        float_pred(tf.constant(1.0))

    @tf.function
    def int_condition(i):
        return tf.while_loop(lambda i: i - 3, lambda i: i + 1, [i])
    with pytest.raises(TypeError, match="cond must return one scalar bool tensor"):
        int_condition(tf.constant(0))


def test_an_eager_loop_body_may_return_python_numbers():
    (i,) = tf.while_loop(lambda i: i < 3, lambda i: 5, [tf.constant(0)])
    assert int(i) == 5 and isinstance(i, tf.Tensor)


def test_a_traced_loop_with_a_limit_uses_the_tensors_its_body_captures():
    @tf.function
    def f(x, step):
        return tf.while_loop(lambda v: v < 100.0, lambda v: v + step, [x],
                             maximum_iterations=3)[0]
    assert float(f(tf.constant(1.0), tf.constant(2.0))) == 7.0     # stopped after 3
    assert float(f(tf.constant(95.0), tf.constant(2.0))) == 101.0  # by the condition


def test_a_loop_variable_with_a_shape_invariant_is_traced_with_that_shape():
    seen = []

    def grow(x):
        seen.append(x.shape.as_list())
        return [tf.concat([x, x], axis=0)]

    @tf.function
    def f(x):
        return tf.while_loop(lambda x: tf.size(x) < 8, grow, [x],
                             shape_invariants=[tf.TensorShape([None])])[0]
    assert f(tf.constant([1.0])).shape == (8,)
    assert seen == [[None]]


def test_variables_that_only_one_branch_reads_get_zeros_of_their_own_shape():
    v, w = tf.Variable([1.0, 2.0]), tf.Variable([1.0, 2.0, 3.0])

    @tf.function
    def f(flag):
        return tf.cond(flag, lambda: tf.reduce_sum(v * v), lambda: tf.reduce_sum(w))
    for flag, (gv, gw) in [(True, ([2.0, 4.0], [0.0, 0.0, 0.0])),
                           (False, ([0.0, 0.0], [1.0, 1.0, 1.0]))]:
        with tf.GradientTape() as tape:
            y = f(tf.constant(flag))
        got_v, got_w = tape.gradient(y, [v, w])
        np.testing.assert_array_equal(got_v.numpy(), gv)
        np.testing.assert_array_equal(got_w.numpy(), gw)


def test_a_py_function_traced_from_a_signature_computes_the_first_call():
    # The trace runs func on placeholder values; the first call must not reuse
    # that result.
    f = tf.function(lambda x: tf.py_function(lambda a: a * 10.0, [x], tf.float32),
                    input_signature=[tf.TensorSpec([2], tf.float32)])
    f.get_concrete_function()
    np.testing.assert_array_equal(f(tf.constant([2.0, 3.0])).numpy(), [20.0, 30.0])
    g = tf.function(lambda x: tf.py_function(lambda a: a * 10.0, [x], tf.float32),
                    input_signature=[tf.TensorSpec([2], tf.float32)])
    np.testing.assert_array_equal(g(tf.constant([2.0, 3.0])).numpy(), [20.0, 30.0])


def test_an_eager_py_function_returns_tensors_of_the_dtypes_asked():
    x = tf.constant(2)
    three = tf.py_function(lambda a: 3.0, [x], tf.float32)
    assert isinstance(three, tf.Tensor) and float(three) == 3.0
    cast = tf.py_function(lambda a: a * 2, [x], tf.float32)       # an int32 tensor back
    assert cast.dtype == tf.float32 and float(cast) == 4.0
    pair = tf.py_function(lambda a: [np.ones(2), np.zeros(1)], [x], [tf.float64, tf.int32])
    assert all(isinstance(t, tf.Tensor) for t in pair)
    assert [t.dtype for t in pair] == [tf.float64, tf.int32]


def test_a_py_function_with_two_results_in_a_function_and_their_gradients():
    calls = []

    def powers(a):
        calls.append(1)
        return a * a, a * a * a

    @tf.function
    def f(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            square, cube = tf.py_function(powers, [x], [tf.float32, tf.float32])
            y = square + 10.0 * cube
        return square, cube, tape.gradient(y, x)
    for value in (2.0, 3.0):
        del calls[:]
        square, cube, g = f(tf.constant(value))
        assert (float(square), float(cube)) == (value ** 2, value ** 3)
        assert float(g) == pytest.approx(2 * value + 10.0 * 3 * value ** 2)
        assert len(calls) == 1               # the gradient asks the forward run's tape
