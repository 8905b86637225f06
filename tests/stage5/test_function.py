"""Task 3: ``tf.function``: one trace per signature, the cache, ``input_signature``,
``reduce_retracing``, Python side effects at trace time, variables captured by
reference, methods and Keras models."""

import warnings

import numpy as np
import pytest

import stage5_gpu as tf

pytestmark = pytest.mark.stage5_task3


def test_decorator_and_call_forms_give_eager_results():
    def f(x, y):
        return tf.reduce_sum(x * y) + 1.0
    x, y = tf.constant([1.0, 2.0]), tf.constant([3.0, 4.0])
    for traced in (tf.function(f), tf.function()(f)):
        got = traced(x, y)
        assert type(got) is tf.Tensor and float(got) == float(f(x, y)) == 12.0


def test_nested_structures_in_and_out():
    @tf.function
    def f(pair, scale, extra=None):
        a, b = pair["a"], pair["b"]
        return {"sum": (a + b) * scale, "parts": [a, b], "none": None, "n": 3}
    out = f({"a": tf.constant(1.0), "b": tf.constant(2.0)}, 2.0)
    assert float(out["sum"]) == 6.0 and [float(t) for t in out["parts"]] == [1.0, 2.0]
    assert out["none"] is None and out["n"] == 3


def test_a_repeat_call_does_not_retrace():
    traces = []

    @tf.function
    def f(x):
        traces.append(1)            # a Python side effect: runs while tracing only
        return x * 2
    for i in range(4):
        assert int(f(tf.constant(i))) == 2 * i
    assert len(traces) == 1 and f.experimental_get_tracing_count() == 1


@pytest.mark.parametrize("first, second", [
    (tf.constant(1.0), tf.constant(1)),              # a new dtype
    (tf.constant([1.0]), tf.constant([1.0, 2.0])),   # a new shape
    (1.0, 2.0),                                      # a new Python value
    (True, 1),                                       # a new Python type
])
def test_a_new_signature_retraces(first, second):
    f = tf.function(lambda x: x + x)
    f(first)
    f(first)
    assert f.experimental_get_tracing_count() == 1
    f(second)
    assert f.experimental_get_tracing_count() == 2


def test_python_arguments_are_baked_into_the_trace():
    @tf.function
    def power(x, n):
        for _ in range(n - 1):
            x = x * 2.0
        return x
    assert float(power(tf.constant(1.0), 3)) == 4.0
    assert float(power(tf.constant(1.0), 4)) == 8.0
    assert power.experimental_get_tracing_count() == 2


def test_numpy_arrays_are_arguments_like_tensors():
    f = tf.function(lambda x: x * 2)
    np.testing.assert_array_equal(f(np.array([1, 2])).numpy(), [2, 4])
    f(np.array([5, 6]))
    assert f.experimental_get_tracing_count() == 1


def test_input_signature_fixes_one_trace_for_every_size():
    @tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32)])
    def f(x):
        assert x.shape.as_list() == [None, 2]
        return tf.reduce_sum(x, axis=1)
    for n in (1, 3, 5):
        np.testing.assert_array_equal(f(tf.ones([n, 2])).numpy(), np.full(n, 2.0))
    assert f.experimental_get_tracing_count() == 1


def test_input_signature_refuses_incompatible_arguments():
    f = tf.function(lambda x: x, input_signature=[tf.TensorSpec([None, 2], tf.float32)])
    with pytest.raises(TypeError, match="input_signature"):
        f(tf.ones([3, 3]))
    with pytest.raises(TypeError, match="input_signature"):
        f(tf.ones([3, 2], tf.int32))
    with pytest.raises(TypeError, match="1 argument"):
        f(tf.ones([3, 2]), tf.ones([3, 2]))
    with pytest.raises(TypeError, match="TensorSpec"):
        tf.function(lambda x: x, input_signature=[3])


def test_input_signature_converts_python_values():
    f = tf.function(lambda x: x * 2.0, input_signature=[tf.TensorSpec([], tf.float32)])
    assert float(f(1.5)) == 3.0


def test_reduce_retracing_generalises_a_changing_dimension():
    f = tf.function(lambda x: tf.reduce_sum(x), reduce_retracing=True)
    for n in (2, 3, 4, 5, 6):
        assert float(f(tf.ones([n]))) == n
    assert f.experimental_get_tracing_count() == 2    # [2], then [None]
    assert float(f(tf.ones([40]))) == 40.0
    assert f.experimental_get_tracing_count() == 2


def test_get_concrete_function_traces_from_specs_and_can_be_called():
    f = tf.function(lambda x: x + 1)
    concrete = f.get_concrete_function(tf.TensorSpec([None], tf.int32))
    np.testing.assert_array_equal(concrete(tf.constant([1, 2, 3])).numpy(), [2, 3, 4])
    assert f.get_concrete_function(tf.TensorSpec([None], tf.int32)) is concrete
    with pytest.raises(TypeError):
        concrete(tf.constant([1.0]))
    assert "Add" in str(concrete.graph)
    assert concrete.to_dot().startswith("digraph")


def test_many_traces_warn_like_tensorflow():
    f = tf.function(lambda x: x)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for n in range(6):
            f(tf.zeros([n]))
    assert any("retracing" in str(w.message) for w in caught)


def test_variables_are_captured_by_reference():
    v = tf.Variable(2.0)
    f = tf.function(lambda x: x * v)
    assert float(f(tf.constant(3.0))) == 6.0
    v.assign(10.0)
    assert float(f(tf.constant(3.0))) == 30.0
    assert f.experimental_get_tracing_count() == 1


def test_assign_inside_a_function_updates_the_real_variable_each_call():
    counter = tf.Variable(0)

    @tf.function
    def bump(by):
        counter.assign_add(by)
        return counter.read_value()
    assert int(bump(tf.constant(2))) == 2
    assert int(bump(tf.constant(3))) == 5
    assert int(counter) == 5


def test_variables_may_be_created_on_the_first_trace_only():
    class Scale:
        def __init__(self):
            self.v = None

        @tf.function
        def __call__(self, x):
            if self.v is None:
                self.v = tf.Variable(2.0)
            return x * self.v
    s = Scale()
    assert float(s(tf.constant(1.0))) == 2.0
    assert float(s(tf.constant(4.0))) == 8.0

    @tf.function
    def leaky(x):
        return x * tf.Variable(1.0)
    leaky(tf.constant(1.0))
    with pytest.raises(ValueError, match="first call"):
        leaky(tf.constant([1.0, 2.0]))


def test_numpy_of_a_variable_inside_a_function_is_refused():
    v = tf.Variable(1.0)
    with pytest.raises(NotImplementedError, match="eagerly"):
        tf.function(lambda: v.numpy())()


def test_a_decorated_method_binds_per_instance():
    class Model:
        def __init__(self, k):
            self.k = tf.Variable(k)

        @tf.function
        def scale(self, x):
            return x * self.k
    a, b = Model(2.0), Model(3.0)
    assert float(a.scale(tf.constant(1.0))) == 2.0
    assert float(b.scale(tf.constant(1.0))) == 3.0
    assert float(a.scale(tf.constant(2.0))) == 4.0


def test_a_keras_model_and_its_call_run_as_a_graph():
    model = tf.keras.Sequential([tf.keras.layers.Dense(4, activation="relu"),
                                 tf.keras.layers.Dense(2)])
    x = tf.random.normal([3, 5])
    traced = tf.function(model)
    got = traced(x)           # builds the weights on the first (traced) call
    np.testing.assert_allclose(got.numpy(), model(x).numpy(), rtol=1e-6)
    assert len(model.trainable_variables) == 4
    np.testing.assert_allclose(traced(x * 2.0).numpy(), model(x * 2.0).numpy(), rtol=1e-6)
    assert traced.experimental_get_tracing_count() == 1


def test_executing_eagerly_is_false_while_tracing():
    seen = []

    @tf.function
    def f(x):
        seen.append(tf.executing_eagerly())
        return x
    f(tf.constant(1))
    assert seen == [False] and tf.executing_eagerly()


def test_a_function_without_tensor_arguments_or_results():
    v = tf.Variable(1.0)

    @tf.function
    def double():
        v.assign(v * 2.0)
    assert double() is None
    double()
    assert float(v) == 4.0


def test_a_function_calling_a_function_inlines_it():
    inner = tf.function(lambda x: x * 3.0)
    outer = tf.function(lambda x: inner(x) + 1.0)
    assert float(outer(tf.constant(2.0))) == 7.0
    graph = outer.get_concrete_function(tf.constant(2.0)).graph
    assert [n.label for n in graph.op_nodes()] == ["Mul", "AddV2"]


def test_bad_arguments_to_function():
    with pytest.raises(TypeError, match="callable"):
        tf.function(3)
    with pytest.raises(ValueError, match="passes"):
        tf.function(lambda x: x, experimental_passes={"nope": False})(tf.constant(1))


def test_under_a_signature_with_none_a_derived_shape_says_none():
    seen = {}

    @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32)])
    def f(x):
        h = tf.nn.relu(tf.matmul(x, tf.ones([3, 4])))
        seen["h"], seen["total"] = h.shape.as_list(), tf.reduce_sum(h, axis=0).shape.as_list()
        return tf.reshape(h, [-1, 2])

    for rows in (5, 2, 7):                  # one trace serves every size
        out = f(tf.ones([rows, 3]))
        np.testing.assert_allclose(out.numpy(), np.full((rows * 2, 2), 3.0))
    assert seen == {"h": [None, 4], "total": [4]}
    assert f.experimental_get_tracing_count() == 1


def test_a_keras_model_with_flatten_runs_under_a_signature_with_none():
    model = tf.keras.Sequential([tf.keras.layers.Conv2D(2, 3, input_shape=(6, 6, 1)),
                                 tf.keras.layers.Flatten(), tf.keras.layers.Dense(2)])
    traced = tf.function(model, input_signature=[tf.TensorSpec([None, 6, 6, 1], tf.float32)])
    rng = np.random.default_rng(0)
    for rows in (4, 6, 1):
        x = tf.constant(rng.standard_normal((rows, 6, 6, 1)).astype("float32"))
        np.testing.assert_allclose(traced(x).numpy(), model(x).numpy(), rtol=1e-5, atol=1e-6)
    assert traced.experimental_get_tracing_count() == 1


def test_reduce_retracing_relaxes_derived_shapes_too():
    seen = []

    @tf.function(reduce_retracing=True)
    def f(x):
        y = tf.matmul(x, tf.ones([3, 2]))
        seen.append(y.shape.as_list())
        return y

    for rows in (2, 3, 4):
        f(tf.ones([rows, 3]))
    assert seen == [[2, 2], [None, 2]]      # the second trace serves every size after


def test_the_retracing_warning_comes_on_the_fifth_trace():
    f = tf.function(lambda x: x)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for n in range(4):
            f(tf.zeros([n]))
        assert not any("retracing" in str(w.message) for w in caught)
        f(tf.zeros([4]))
    assert f.experimental_get_tracing_count() == 5
    assert sum("retracing" in str(w.message) for w in caught) == 1


def test_an_inlined_function_reads_and_assigns_variables():
    v = tf.Variable(1.0)

    @tf.function
    def bump(x):
        v.assign_add(x)
        return v * 2.0

    @tf.function
    def outer(x):
        return bump(x) + 1.0
    assert float(outer(tf.constant(3.0))) == 9.0      # (1 + 3) * 2 + 1
    assert float(v) == 4.0
    assert float(outer(tf.constant(1.0))) == 11.0     # the assignment runs every call
    assert float(v) == 5.0


def test_a_decorated_method_on_the_class_is_the_function():
    class Model:
        def __init__(self, k):
            self.k = k

        @tf.function
        def scale(self, x):
            return x * self.k
    assert isinstance(Model.scale, tf.Function)
    assert float(Model.scale(Model(3.0), tf.constant(2.0))) == 6.0


def test_a_graph_holding_its_traced_sizes_is_traced_once_per_shape():
    # The gradient of a slice reads its input's size in Python (our rule), so
    # the graph traced for TensorSpec([None]) holds the example's size: function
    # warns once and traces per exact shape, reusing each of those traces.
    @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
    def f(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.reduce_sum(x[1:] * x[1:]) + tf.reduce_sum(x[:1] * x[:1])
        return tape.gradient(y, x)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for values in ([1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [1.0, 2.0], [3.0, 4.0, 5.0]):
            count = f.experimental_get_tracing_count()
            got = f(tf.constant(values))
            np.testing.assert_array_equal(got.numpy(), 2.0 * np.array(values, np.float32))
            if values[0] in (4.0, 3.0):          # a shape seen before: no new trace
                assert f.experimental_get_tracing_count() == count
    assert sum("once per input shape" in str(w.message) for w in caught) == 1


@pytest.mark.internals
def test_the_fast_path_finds_the_concrete_function_the_plain_path_made():
    f = tf.function(lambda x, y: x * y)
    a, b = tf.constant([1.0, 2.0]), tf.constant([3.0, 4.0])
    f(a, b)
    assert list(f._by_shapes.values()) == [f.get_concrete_function(a, b)]
    f(a, b)
    f(tf.constant([1, 2]), tf.constant([3, 4]))          # a new dtype: a new trace
    f(tf.constant([1.0]), tf.constant([3.0]))            # a new shape: a new trace
    assert f.experimental_get_tracing_count() == 3
    assert len(f._by_shapes) == 3
    v = tf.Variable([1.0, 2.0])
    np.testing.assert_allclose(f(v, b).numpy(), [3.0, 8.0])   # a variable: the plain path
    assert len(f._by_shapes) == 3


def test_unhashable_python_arguments_retrace_per_object():
    # A Python object that cannot be hashed is part of the signature by
    # identity: another object is another trace, never the first one's graph.
    class Config:
        __hash__ = None

        def __init__(self, k):
            self.k = k
    f = tf.function(lambda x, config: x * config.k)
    two, three = Config(2.0), Config(3.0)
    assert float(f(tf.constant(1.0), two)) == 2.0
    assert float(f(tf.constant(1.0), three)) == 3.0
    assert float(f(tf.constant(2.0), two)) == 4.0
    assert f.experimental_get_tracing_count() == 2


def test_reduce_retracing_keeps_relaxing_after_another_rank_came_in_between():
    f = tf.function(lambda x: tf.reduce_sum(x), reduce_retracing=True)
    f(tf.ones([2]))
    f(tf.ones([2, 2]))                       # another rank
    assert float(f(tf.ones([3]))) == 3.0     # the vector's size changed: relaxed
    count = f.experimental_get_tracing_count()
    for n in (4, 5, 6):
        assert float(f(tf.ones([n]))) == n
    assert f.experimental_get_tracing_count() == count


def test_reduce_retracing_with_python_arguments():
    # Python values are part of the key, as without reduce_retracing; only the
    # tensors' shapes are relaxed (TensorFlow: 3 traces here as well).
    f = tf.function(lambda x, n: x * n, reduce_retracing=True)
    np.testing.assert_array_equal(f(tf.ones([2]), 2.0).numpy(), [2.0, 2.0])
    np.testing.assert_array_equal(f(tf.ones([3]), 2.0).numpy(), [2.0, 2.0, 2.0])
    np.testing.assert_array_equal(f(tf.ones([3]), 3.0).numpy(), [3.0, 3.0, 3.0])
    assert f.experimental_get_tracing_count() == 3
    g = tf.function(lambda x, scale=None: x if scale is None else x * scale,
                    reduce_retracing=True)
    assert g(tf.ones([2])).shape == (2,) and g(tf.ones([3])).shape == (3,)
    assert g.experimental_get_tracing_count() == 2
