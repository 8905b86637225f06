"""Task 1: tracing a graph (the dispatcher redirected into a Tracer) and running it
(a schedule of kernel calls)."""

import numpy as np
import pytest

import stage5_gpu as tf
from stage5_gpu.graph import Graph
from stage5_gpu.runner import compile_graph
from stage5_gpu.tracing import SymbolicTensor, Tracer
from tests.stage5.helpers import labels, run, trace

pytestmark = pytest.mark.stage5_task1


def test_ops_become_nodes_in_program_order_and_nothing_runs_for_real():
    graph = trace(lambda x, y: tf.matmul(x, y) + tf.exp(x), np.ones((2, 2), "float32"),
                  np.eye(2, dtype="float32"))
    assert labels(graph) == ["MatMul", "Exp", "AddV2"]
    assert len(graph.inputs) == 2
    assert [v.shape for v in graph.outputs] == [(2, 2)]
    assert graph.outputs[0].dtype == np.float32


def test_symbolic_tensors_carry_shape_and_dtype_like_eager_tensors():
    with Tracer("f") as tracer:
        x = tracer.placeholder(tf.constant([[1, 2, 3]]))
        y = tf.reshape(x, [3, 1]) * 2
        assert isinstance(y, SymbolicTensor) and isinstance(y, tf.Tensor)
        assert y.shape == (3, 1) and y.dtype == tf.int32 and y.ndim == 2
        assert tf.reduce_sum(y, axis=0).shape == (1,)


def test_a_placeholder_may_have_unknown_dimensions():
    with Tracer("f") as tracer:
        x = tracer.placeholder(tf.ones([4, 3]), shape=(None, 3))
        assert x.shape.as_list() == [None, 3]
        y = tf.reduce_sum(x * 2.0, axis=1)
        tracer.graph.outputs = [tracer.value_of(y)]
    got, = run(tracer.graph, np.ones((7, 3), np.float32))
    np.testing.assert_array_equal(got, np.full(7, 6.0, np.float32))


def test_the_graph_runs_on_new_values_with_the_eager_results():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(3, 4)), rng.normal(size=(4,))

    def f(x, y):
        return tf.nn.softmax(tf.tanh(x) * y + 1.0), tf.reduce_max(x, axis=1)
    graph = trace(f, a, b)
    for _ in range(3):
        a, b = rng.normal(size=(3, 4)), rng.normal(size=(4,))
        got = run(graph, a, b)
        want = f(tf.constant(a), tf.constant(b))
        for g, w in zip(got, want):
            np.testing.assert_allclose(g, w.numpy(), rtol=1e-12)


def test_python_numbers_and_outside_tensors_become_constants():
    outside = tf.constant([10.0, 20.0])
    graph = trace(lambda x: x * 3.0 + outside, np.array([1.0, 2.0], "float32"))
    kinds = [n.kind for n in graph.nodes]
    assert kinds.count("const") == 2
    got, = run(graph, np.array([0.0, 1.0], "float32"))
    np.testing.assert_array_equal(got, [10.0, 23.0])


def test_multi_output_and_list_input_ops():
    def f(x):
        a, b = tf.split(x, 2, axis=0)
        return tf.concat([b, a, b], axis=0)
    graph = trace(f, np.arange(4.0))
    got, = run(graph, np.arange(10.0, 14.0))
    np.testing.assert_array_equal(got, [12, 13, 10, 11, 12, 13])


def test_variables_are_read_when_the_graph_runs_not_when_traced():
    v = tf.Variable([1.0, 2.0])
    graph = trace(lambda x: x * v, np.ones(2, "float32"))
    assert "read" in [n.kind for n in graph.nodes]
    v.assign([5.0, 6.0])
    got, = run(graph, np.ones(2, np.float32))
    np.testing.assert_array_equal(got, [5.0, 6.0])


def test_assignments_are_recorded_and_happen_each_time_the_graph_runs():
    v = tf.Variable(1.0)

    def f(x):
        v.assign_add(x)
        return v * 10.0          # reads the value after the assignment
    graph = trace(f, np.float32(2.0))
    assert float(v) == 1.0       # tracing changed nothing
    assert run(graph, np.float32(2.0)) == [30.0]
    assert run(graph, np.float32(2.0)) == [50.0]
    assert float(v) == 5.0


def test_python_control_flow_on_a_symbolic_tensor_explains_cond_and_while_loop():
    with Tracer("f") as tracer:
        x = tracer.placeholder(tf.constant(1.0))
        with pytest.raises(tf.errors.OperatorNotAllowedInGraphError, match="tf.cond"):
            if x > 0:
                pass
        with pytest.raises(TypeError, match="while_loop"):
            for _ in tracer.placeholder(tf.constant([1, 2])):
                pass
        with pytest.raises(TypeError, match="graph runs"):
            x.numpy()
        with pytest.raises(TypeError, match="shape"):
            len(tracer.placeholder(tf.constant([1, 2])))
        with pytest.raises(TypeError):
            float(x)


def test_python_values_still_steer_the_trace():
    def f(x, n):
        for _ in range(n):      # a Python loop on a Python int unrolls
            x = x * 2.0
        return x
    with Tracer("f") as tracer:
        x = tracer.placeholder(tf.constant(1.0))
        tracer.graph.outputs = [tracer.value_of(f(x, 3))]
    assert labels(tracer.graph) == ["Mul", "Mul", "Mul"]
    assert run(tracer.graph, np.float32(1.5)) == [12.0]


def test_bad_calls_fail_while_tracing_with_the_eager_message():
    with Tracer("f") as tracer:
        x = tracer.placeholder(tf.ones([2, 3]))
        with pytest.raises(tf.errors.InvalidArgumentError, match="matmul"):
            tf.matmul(x, x)
        with pytest.raises(tf.errors.InvalidArgumentError):
            x + tf.constant([1, 2, 3])          # int32 and float32


def test_a_tape_inside_the_trace_records_the_symbolic_ops():
    w = tf.Variable([[2.0], [3.0]])
    with Tracer("grad") as tracer:
        x = tracer.placeholder(tf.constant([[1.0, 1.0]]))
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.reduce_sum(tf.matmul(x, w) ** 2)
        gx, gw = tape.gradient(y, [x, w])
        tracer.graph.outputs = [tracer.value_of(gx), tracer.value_of(gw)]
    x = np.array([[1.0, -2.0]], np.float32)
    gx, gw = run(tracer.graph, x)
    r = x @ np.array([[2.0], [3.0]], np.float32)
    np.testing.assert_allclose(gx, 2 * r @ np.array([[2.0, 3.0]], np.float32))
    np.testing.assert_allclose(gw, 2 * x.T @ r)


def test_a_tape_outside_the_trace_does_not_see_the_traced_ops():
    x = tf.constant(1.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        with Tracer("f") as tracer:
            s = tracer.placeholder(tf.constant(2.0))
            _ = s * s
        y = x * 3.0
    assert float(tape.gradient(y, x)) == 3.0


def test_random_ops_draw_new_numbers_each_run():
    with Tracer("noise") as tracer:
        x = tracer.placeholder(tf.constant(0.0))
        tracer.graph.outputs = [tracer.value_of(x + tf.random.uniform([4]))]
    schedule = compile_graph(tracer.graph)
    a, b = schedule.run([np.float32(0)]), schedule.run([np.float32(0)])
    assert not np.array_equal(a[0], b[0])


def test_a_kernel_error_while_running_names_the_op():
    with Tracer("f") as tracer:
        x = tracer.placeholder(tf.ones([2]), shape=(None,))
        y = tracer.placeholder(tf.ones([2]), shape=(None,))
        tracer.graph.outputs = [tracer.value_of(x + y)]
    with pytest.raises(tf.errors.InvalidArgumentError, match="add"):
        run(tracer.graph, np.ones(2, np.float32), np.ones(3, np.float32))


def test_printing_a_graph_lists_its_nodes_with_types():
    graph = trace(lambda x: tf.exp(x) * 2.0, np.ones(3, "float32"))
    text = str(graph)
    assert text.splitlines()[0].startswith("graph <lambda>(x0: float32[3])")
    assert "Exp(x0)" in text and "# float32[3]" in text


def test_an_empty_graph_runs():
    assert compile_graph(Graph("empty")).run([]) == []


def test_a_dimension_that_follows_an_unknown_size_is_unknown_too():
    with Tracer("rows") as tracer:
        x = tracer.placeholder(tf.ones([5, 3]), shape=(None, 3))
        assert x.shape.as_list() == [None, 3]
        y = tf.matmul(x, tf.ones([3, 4]))
        assert y.shape.as_list() == [None, 4]             # follows x's rows
        assert tf.reduce_sum(y, axis=0).shape == (4,)     # summed away: known
        assert tf.reduce_sum(y, axis=1).shape.as_list() == [None]
        assert tf.transpose(y).shape.as_list() == [4, None]
        assert tf.concat([x, x], axis=0).shape.as_list() == [None, 3]
        assert tf.reshape(x, [-1]).shape.as_list() == [None]
        assert x[:2].shape == (2, 3)                      # at most two rows: known
        assert tf.shape(x).shape == (2,)
        assert (y * 2.0 + 1.0).shape.as_list() == [None, 4]


def test_known_shapes_stay_known():
    with Tracer("fixed") as tracer:
        x = tracer.placeholder(tf.ones([5, 3]))
        assert tf.matmul(x, tf.ones([3, 4])).shape == (5, 4)
        assert tf.reduce_sum(x, axis=1).shape == (5,)


def test_a_variable_returned_or_assigned_from_is_read_when_the_graph_runs():
    v, w = tf.Variable([1.0, 2.0]), tf.Variable([0.0, 0.0])
    with Tracer("f") as tracer:
        x = tracer.placeholder(tf.constant(1.0))
        w.assign(v)                          # the variable itself is the value
        tracer.set_outputs([v, x * 2.0])     # and an output
    v.assign([3.0, 4.0])
    got_v, got_x = run(tracer.graph, np.float32(5.0))
    np.testing.assert_array_equal(got_v, [3.0, 4.0])
    assert got_x == 10.0
    np.testing.assert_array_equal(w.numpy(), [3.0, 4.0])


def test_set_outputs_tells_tensors_from_python_values():
    with Tracer("f") as tracer:
        x = tracer.placeholder(tf.constant([1.0, 2.0]))
        flags = tracer.set_outputs({"a": x * 2.0, "b": 3, "c": None, "d": [x, "text"]})
    # One entry per leaf, in nest.flatten's order (dict keys sorted).
    assert flags == [(True, None), (False, 3), (False, None), (True, None), (False, "text")]
    assert len(tracer.graph.outputs) == 2
    got = run(tracer.graph, np.array([3.0, 4.0], np.float32))
    np.testing.assert_array_equal(got[0], [6.0, 8.0])
    np.testing.assert_array_equal(got[1], [3.0, 4.0])


def test_an_op_that_holds_the_traced_size_keeps_its_shape_under_an_unknown_dimension():
    # Adding a constant of two elements fixes the unknown size at two (as
    # TensorFlow's shape inference says for [None] + [2]); the graph still runs.
    with Tracer("f") as tracer:
        x = tracer.placeholder(tf.ones([2]), shape=(None,))
        y = x + tf.constant([1.0, 2.0])
        assert y.shape == (2,)
        z = tf.reshape(x, [2, 1])
        assert z.shape == (2, 1)
        tracer.set_outputs([y * 2.0, z])
    y, z = run(tracer.graph, np.array([3.0, 4.0], np.float32))
    np.testing.assert_array_equal(y, [8.0, 12.0])
    np.testing.assert_array_equal(z, [[3.0], [4.0]])
