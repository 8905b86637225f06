"""Shapes the graph computes, under a signature with an unknown batch size.

``tf.zeros(tf.shape(x))``, ``tf.reshape(x, [tf.shape(x)[0], -1])``: inside a
function traced for ``TensorSpec([None, 3])``, the shape is a tensor known only
when the graph runs, and one trace serves every batch size, as in TensorFlow.
Gradients taken inside such a function are right for every batch size too.
"""

import warnings

import numpy as np
import pytest

import stage5_gpu as tf

pytestmark = pytest.mark.stage5_task3

ROWS = tf.TensorSpec([None, 3], tf.float32)


def _batch(rows):
    return tf.constant(np.arange(rows * 3, dtype=np.float32).reshape(rows, 3) / 7.0)


@pytest.mark.parametrize("make", [
    lambda x: tf.zeros(tf.shape(x)) + x,
    lambda x: tf.ones(tf.shape(x), dtype=tf.float32) * x,
    lambda x: tf.fill(tf.shape(x), 2.0) - x,
    lambda x: tf.broadcast_to(tf.reduce_sum(x, axis=1, keepdims=True), tf.shape(x)),
    lambda x: tf.reshape(x, [tf.shape(x)[0], 3, 1]),
    lambda x: tf.reshape(x, tf.stack([tf.shape(x)[0] * 3])),
    lambda x: tf.tile(x, [tf.shape(x)[0], 1]),
], ids=["zeros", "ones", "fill", "broadcast_to", "reshape-list", "reshape-tensor", "tile"])
def test_one_trace_serves_every_batch_size(make):
    f = tf.function(make, input_signature=[ROWS])
    for rows in (2, 5, 1):
        x = _batch(rows)
        got = f(x)
        np.testing.assert_allclose(got.numpy(), make(x).numpy(), rtol=1e-6)
    assert f.experimental_get_tracing_count() == 1


def test_the_static_shape_knows_what_it_can():
    seen = []

    @tf.function(input_signature=[ROWS])
    def f(x):
        flat = tf.reshape(x, [tf.shape(x)[0], 3, 1])
        zeros = tf.zeros(tf.shape(x))
        seen.append((tuple(flat.shape), tuple(zeros.shape)))
        return flat, zeros
    f(_batch(2))
    assert seen == [((None, 3, 1), (None, 3))]


def test_random_ops_take_a_shape_from_the_graph():
    f = tf.function(lambda x: tf.random.uniform(tf.shape(x), seed=3) + tf.zeros_like(x),
                    input_signature=[ROWS])
    for rows in (2, 4):
        u = f(_batch(rows)).numpy()
        assert u.shape == (rows, 3) and (u >= 0).all() and (u < 1).all()
    assert f.experimental_get_tracing_count() == 1


@pytest.mark.parametrize("loss", [
    lambda x: tf.reduce_sum(x),
    lambda x: tf.reduce_sum(x * x),
    lambda x: tf.reduce_sum(tf.broadcast_to(tf.reduce_sum(x, axis=1, keepdims=True),
                                            tf.shape(x))),
    lambda x: tf.reduce_sum(tf.reshape(x * x, [tf.shape(x)[0] * 3]) * 2.0),
    lambda x: tf.reduce_mean(tf.square(x - tf.reduce_mean(x, axis=0))),
    lambda x: tf.reduce_mean(x * tf.ones([1, 3]) + tf.ones([3])),
    lambda x: tf.reduce_sum(tf.reduce_max(x, axis=1) * tf.reduce_mean(x, axis=1)),
    lambda x: tf.reduce_sum(tf.matmul(x, tf.ones([3, 2])) / (1.0 + tf.reduce_sum(x * x))),
    lambda x: tf.reduce_sum(x[1:, :2] * x[-1, :2]) + tf.reduce_sum(x[:, 1] ** 2),
    lambda x: tf.reduce_sum(tf.pad(x, [[1, 0], [0, 1]]) ** 2),
    lambda x: tf.reduce_sum(tf.slice(x, [1, 0], [-1, 2]) ** 2),
    lambda x: tf.reduce_sum(tf.concat([x, x * 2.0], axis=1) ** 2),
    lambda x: tf.reduce_sum(tf.concat([x, x[1:] * 2.0], axis=0) * tf.range(3.0)),
    lambda x: tf.reduce_sum(tf.where(x > 0.5, x, x * x)),
    lambda x: tf.reduce_sum(tf.unstack(x, axis=1)[0] * tf.stack([x, x])[1, :, 2]),
    lambda x: tf.reduce_sum(tf.tile(x, [2, 1]) * tf.range(3.0)),
    lambda x: tf.reduce_sum(tf.reduce_prod(x + 1.0, axis=1) * tf.reduce_prod(x + 2.0)),
    lambda x: tf.reduce_sum(tf.pad(x, [[1, 1], [0, 1]], mode="SYMMETRIC") * tf.range(4.0)),
    # each row's entry at its label (here 2): gather with batch_dims=1
    lambda x: tf.reduce_sum(tf.gather(x, tf.zeros([tf.shape(x)[0]], tf.int32) + 2,
                                      axis=1, batch_dims=1) ** 2),
    # rows added up in pairs, as many segments as rows
    lambda x: tf.reduce_sum(tf.math.unsorted_segment_sum(
        x * x, tf.cast(tf.cumsum(tf.ones_like(x[:, 0])), tf.int32) // 2, tf.shape(x)[0])
        * tf.range(3.0)),
], ids=["sum", "sum-of-squares", "broadcast_to", "reshape", "variance", "broadcast",
        "max-mean", "matmul", "slicing", "pad", "tf.slice", "concat", "concat-batches", "where",
        "stack-unstack", "tile", "prod", "mirror-pad", "gather-labels", "segments"])
def test_gradients_inside_the_function_are_right_for_every_batch_size(loss):
    # As in TensorFlow, one trace serves them all: the gradient's shapes come
    # from the graph too. The first batch has one row, the size broadcasting
    # stretches, so a trace that took a 1 for "any size" shows here.
    assert _traced_gradient_matches_eager(loss) == 1


def _gradient(loss, x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = loss(x)
    return tape.gradient(y, x)


def _traced_gradient_matches_eager(loss):
    """Checks the gradient of ``loss`` traced for a batch of any size against
    eager ones for batches of 1, 4 and 3 rows; returns the number of traces."""
    def gradient(x):
        return _gradient(loss, x)
    traced = tf.function(gradient, input_signature=[ROWS])
    for rows in (1, 4, 3):
        x = _batch(rows)
        got = traced(x)
        assert got.shape == (rows, 3)
        np.testing.assert_allclose(got.numpy(), _gradient(loss, x).numpy(),
                                   rtol=1e-5, atol=1e-7)
    return traced.experimental_get_tracing_count()


@pytest.mark.parametrize("loss", [
    lambda x: tf.reduce_sum(tf.gather(x, [0, 0]) ** 2),
    lambda x: tf.reduce_sum(tf.gather_nd(x, [[0, 1], [0, 2]]) ** 2),
    lambda x: tf.reduce_sum(tf.reduce_max(x, axis=0) * tf.reduce_prod(x + 1.0, axis=0)),
    lambda x: tf.reduce_sum(x[::2] ** 2),
], ids=["gather-rows", "gather_nd", "max-prod", "every-other-row"])
@pytest.mark.filterwarnings("ignore:tf.function gradient")
def test_gradients_through_ops_that_select_rows_are_right_for_every_batch_size(loss):
    # Whether one trace serves them is not graded here (ours traces these per
    # batch size: what they select has a fixed size, and the tracer cannot tell
    # a backward op made only from such sizes from one that holds the first
    # batch's); the gradients must be right for each.
    _traced_gradient_matches_eager(loss)


def test_a_variable_broadcast_over_the_batch_gets_its_gradient_summed():
    # The variable (1, 3) is stretched over a batch of any size: its gradient is
    # the sum over the rows, also when the first batch traced has one row.
    v = tf.Variable(tf.ones([1, 3]))

    @tf.function(input_signature=[ROWS])
    def gradient(x):
        with tf.GradientTape() as tape:
            y = tf.reduce_sum((x + v) * x)
        return tape.gradient(y, v)
    for rows in (1, 5, 2):
        x = _batch(rows)
        np.testing.assert_allclose(gradient(x).numpy(),
                                   x.numpy().sum(axis=0, keepdims=True), rtol=1e-6)
    assert gradient.experimental_get_tracing_count() == 1


def _model(kind):
    tf.random.set_seed(0)
    layers = tf.keras.layers
    if kind == "dense":
        return tf.keras.Sequential([layers.Dense(4, activation="relu"), layers.Dense(3)]), (5,)
    if kind == "conv":
        return tf.keras.Sequential([layers.Conv2D(2, 3, activation="relu"),
                                    layers.AveragePooling2D(), layers.Flatten(),
                                    layers.Dense(3)]), (6, 6, 1)
    if kind == "rnn":
        return tf.keras.Sequential([layers.SimpleRNN(4), layers.Dense(3)]), (4, 5)
    return tf.keras.Sequential([layers.Dense(4), layers.BatchNormalization(),
                                layers.Dense(3)]), (5,)


@pytest.mark.parametrize("kind", ["dense", "conv", "rnn", "batch-norm"])
def test_a_training_step_with_an_unknown_batch_size_is_traced_once(kind):
    # Seed 004's train_step under a signature with a None batch dimension: one
    # graph for batches of 1, 4 and 3 rows, and the same losses and weights as
    # eager training.
    results = []
    for traced in (False, True):
        model, features = _model(kind)
        model.build((None,) + features)
        optimizer = tf.keras.optimizers.SGD(0.1)
        loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)

        def train_step(x, y):
            with tf.GradientTape() as tape:
                loss = loss_fn(y, model(x, training=True))
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))
            return loss
        if traced:
            train_step = tf.function(train_step, input_signature=[
                tf.TensorSpec((None,) + features, tf.float32), tf.TensorSpec([None], tf.int32)])
        rng = np.random.default_rng(1)
        losses = [float(train_step(tf.constant(rng.normal(size=(n,) + features), tf.float32),
                                   tf.constant(rng.integers(0, 3, n), tf.int32)))
                  for n in (1, 4, 3)]
        results.append((losses, [v.numpy() for v in model.trainable_variables]))
    (eager_losses, eager_weights), (losses, weights) = results
    np.testing.assert_allclose(losses, eager_losses, rtol=1e-5)
    for got, expected in zip(weights, eager_weights):
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    assert train_step.experimental_get_tracing_count() == 1


def test_a_shape_that_is_not_integers_is_refused():
    f = tf.function(lambda x: tf.zeros(tf.cast(tf.shape(x), tf.float32)),
                    input_signature=[ROWS])
    with pytest.raises((TypeError, tf.errors.InvalidArgumentError)):
        f(_batch(2))


def test_one_op_can_take_different_shape_arguments_from_the_graph():
    @tf.function(input_signature=[ROWS])
    def f(x):
        first = tf.slice(x, tf.stack([0, 0]), [1, 3])
        rest = tf.slice(x, tf.stack([1, 0]), tf.stack([tf.shape(x)[0] - 1, 3]))
        return first, rest
    for rows in (2, 4):
        x = _batch(rows)
        first, rest = f(x)
        np.testing.assert_allclose(first.numpy(), x.numpy()[:1])
        np.testing.assert_allclose(rest.numpy(), x.numpy()[1:])
    assert f.experimental_get_tracing_count() == 1


def test_a_float_entry_in_a_shape_list_is_refused():
    f = tf.function(lambda x: tf.zeros([tf.cast(tf.shape(x)[0], tf.float32), 3]),
                    input_signature=[ROWS])
    with pytest.raises((TypeError, tf.errors.InvalidArgumentError)):
        f(_batch(2))


def test_a_second_order_gradient_with_an_unknown_batch_size_is_traced_once():
    def grad_norm_gradient(x):
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = tf.reduce_mean(x ** 3) + tf.reduce_sum(tf.nn.softmax(x) * x)
            g = inner.gradient(y, x)
            z = tf.reduce_sum(g * g)
        return outer.gradient(z, x)
    traced = tf.function(grad_norm_gradient, input_signature=[ROWS])
    for rows in (1, 4, 2):
        x = _batch(rows)
        np.testing.assert_allclose(traced(x).numpy(), grad_norm_gradient(x).numpy(),
                                   rtol=1e-5, atol=1e-6)
    assert traced.experimental_get_tracing_count() == 1


@pytest.mark.parametrize("spec,shapes", [
    ([None, None, 3], [(2, 4, 3), (3, 1, 3)]),      # batch and steps unknown
    ([2, None, 3], [(2, 4, 3), (2, 5, 3)]),         # only the steps
    ([None, 0, 3], [(2, 0, 3), (4, 0, 3)]),         # examples of no values
])
def test_flatten_takes_the_sizes_it_needs_from_the_graph(spec, shapes):
    # Keras: Flatten gives (batch, values per example) whatever is unknown.
    f = tf.function(tf.keras.layers.Flatten(), input_signature=[tf.TensorSpec(spec)])
    for shape in shapes:
        x = np.arange(np.prod(shape), dtype=np.float32).reshape(shape)
        np.testing.assert_array_equal(f(tf.constant(x)).numpy(), x.reshape(shape[0], -1))
    assert f.experimental_get_tracing_count() == 1


def test_reshape_with_an_unknown_batch_size():
    layers = [tf.keras.layers.Reshape((2, 2)), tf.keras.layers.Reshape((-1, 2)),
              tf.keras.layers.Reshape((2, -1))]
    for layer in layers:
        f = tf.function(layer, input_signature=[tf.TensorSpec([None, 4])])
        for rows in (3, 1, 5):
            x = np.arange(rows * 4, dtype=np.float32).reshape(rows, 4)
            np.testing.assert_array_equal(f(tf.constant(x)).numpy(), x.reshape(rows, 2, 2))
        assert f.experimental_get_tracing_count() == 1
    # examples of no values: -1 rows would be ambiguous, so the graph gives them
    empty = tf.function(tf.keras.layers.Reshape((-1,)), input_signature=[tf.TensorSpec([None, 0])])
    for rows in (3, 1):
        assert empty(tf.zeros([rows, 0])).shape == (rows, 0)
    # an example's size the graph computes: the values are right (the graph
    # is traced per shape: the +1 probes cannot keep a reshape's divisibility)
    f = tf.function(tf.keras.layers.Reshape((-1, 2)), input_signature=[tf.TensorSpec([None, None])])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        for shape in [(3, 4), (1, 6)]:
            x = np.ones(shape, np.float32)
            assert f(tf.constant(x)).shape == (shape[0], shape[1] // 2, 2)


def test_range_counts_to_a_size_the_graph_computes():
    # tf.range(tf.shape(x)[0]): the count of numbers is known when the graph runs
    @tf.function(input_signature=[ROWS])
    def f(x):
        n = tf.shape(x)[0]
        return (tf.gather(x, tf.range(n)[::-1]), tf.range(1, 2 * n, 2),
                tf.range(n, dtype=tf.float32) * 0.5)
    for rows in (4, 1, 3):
        x = _batch(rows)
        reversed_rows, odd, halves = f(x)
        np.testing.assert_array_equal(reversed_rows.numpy(), x.numpy()[::-1])
        np.testing.assert_array_equal(odd.numpy(), np.arange(1, 2 * rows, 2))
        assert halves.dtype == tf.float32
        np.testing.assert_array_equal(halves.numpy(), np.arange(rows) * 0.5)
    assert f.experimental_get_tracing_count() == 1
    with pytest.raises(tf.errors.InvalidArgumentError, match="range: bounds computed by a "
                                                             "graph must be integers"):
        tf.function(lambda x: tf.range(tf.reduce_sum(x)))(tf.ones([3]))
