"""Keras's functional API: keras.Input, layers called on symbolic tensors, Model(inputs, outputs).

Everything here is what a TensorFlow user can observe: shapes and dtypes of the
symbolic tensors, the model's layers, its outputs on real data (compared with
calling the same layer objects by hand), gradients, summary(), configs and the
errors for misuse.
"""

import json

import numpy as np
import pytest

import stage3_layers as tf

pytestmark = pytest.mark.stage3_task4

layers = tf.keras.layers


@pytest.fixture(autouse=True)
def fresh_names():
    tf.keras.backend.clear_session()


def data(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


# --- keras.Input and symbolic layer calls -------------------------------------
def test_input_is_a_symbolic_tensor_with_a_batch_dimension():
    x = tf.keras.Input(shape=(28, 28), name="pixels")
    assert x.shape == tf.TensorShape([None, 28, 28])
    assert x.dtype == tf.float32 and x.name == "pixels"
    assert tf.keras.Input(shape=(3,), dtype="int32").dtype == tf.int32
    assert tf.keras.Input(batch_shape=(8, 3)).shape == tf.TensorShape([8, 3])
    assert "shape=(None, 28, 28)" in repr(x)


def test_calling_layers_on_symbolic_tensors_gives_their_output_shapes():
    image = tf.keras.Input(shape=(28, 28))
    h = layers.Flatten()(image)
    assert h.shape == tf.TensorShape([None, 784])
    h = layers.Reshape((7, 112))(h)
    assert h.shape == tf.TensorShape([None, 7, 112])
    logits = layers.Dense(10)(h)
    assert logits.shape == tf.TensorShape([None, 7, 10]) and logits.dtype == tf.float32


def test_sizes_that_follow_an_unknown_size_stay_unknown():
    steps = tf.keras.Input(shape=(None, 8))
    assert layers.Dense(3)(steps).shape == tf.TensorShape([None, None, 3])
    assert layers.Flatten()(tf.keras.Input(shape=(4, 2))).shape == tf.TensorShape([None, 8])
    assert layers.Flatten()(steps).shape == tf.TensorShape([None, None])


def test_a_layer_called_on_an_input_is_built_with_weights():
    dense = layers.Dense(3)
    dense(tf.keras.Input(shape=(5,)))
    assert dense.built and dense.kernel.shape == tf.TensorShape([5, 3])


# --- Model(inputs, outputs) ------------------------------------------------------------
def test_a_functional_model_computes_what_its_layers_compute():
    inputs = tf.keras.Input(shape=(4,))
    hidden, out = layers.Dense(8, activation="relu"), layers.Dense(2)
    model = tf.keras.Model(inputs=inputs, outputs=out(hidden(inputs)))
    x = data(5, 4)
    np.testing.assert_allclose(model(x).numpy(), out(hidden(tf.constant(x))).numpy(),
                               rtol=1e-6)
    assert model(x).shape == tf.TensorShape([5, 2])
    assert [type(layer).__name__ for layer in model.layers] == ["InputLayer", "Dense", "Dense"]
    assert len(model.trainable_variables) == 4 and model.count_params() == 4 * 8 + 8 + 8 * 2 + 2


def test_inputs_outputs_and_their_names():
    a = tf.keras.Input(shape=(2,), name="a")
    b = tf.keras.Input(shape=(3,), name="b")
    joined = layers.Concatenate(name="joined")([a, b])
    head = layers.Dense(1, name="head")(joined)
    model = tf.keras.Model(inputs=[a, b], outputs=[head, joined])
    assert model.inputs == [a, b] and model.outputs == [head, joined]
    assert model.input_names == ["a", "b"] and model.output_names == ["head", "joined"]
    assert model.input == [a, b]
    single = tf.keras.Model(a, layers.Dense(1)(a))
    assert single.input is a and single.output.shape == tf.TensorShape([None, 1])


def test_several_inputs_and_outputs_and_a_shared_layer():
    left = tf.keras.Input(shape=(4,), name="left")
    right = tf.keras.Input(shape=(4,), name="right")
    shared = layers.Dense(3, name="shared")
    both = layers.Concatenate()([shared(left), shared(right)])
    score = layers.Dense(1)(both)
    model = tf.keras.Model([left, right], [score, both])
    x1, x2 = data(2, 4), data(2, 4, seed=1)
    got_score, got_both = model([x1, x2])
    expected = np.concatenate([shared(tf.constant(x1)).numpy(),
                               shared(tf.constant(x2)).numpy()], axis=1)
    np.testing.assert_allclose(got_both.numpy(), expected, rtol=1e-6)
    assert got_score.shape == tf.TensorShape([2, 1])
    # the shared layer's weights appear once
    names = [v.name for v in model.trainable_variables]
    assert len(names) == len(set(names)) == 4


def test_dict_inputs_are_matched_by_key():
    a = tf.keras.Input(shape=(2,), name="a")
    b = tf.keras.Input(shape=(2,), name="b")
    model = tf.keras.Model({"a": a, "b": b}, layers.Subtract()([a, b]))
    out = model({"b": np.ones((1, 2), np.float32), "a": np.full((1, 2), 3.0, np.float32)})
    np.testing.assert_allclose(out.numpy(), [[2.0, 2.0]])


def test_python_operators_on_symbolic_tensors_become_part_of_the_graph():
    x = tf.keras.Input(shape=(3,))
    h = layers.Dense(3)(x)
    y = (h + x) * 2 - 1
    first = -y[:, 0]
    model = tf.keras.Model(x, [y, first])
    value = data(4, 3)
    dense = model.layers[1]
    expected = (dense(tf.constant(value)).numpy() + value) * 2 - 1
    got_y, got_first = model(value)
    np.testing.assert_allclose(got_y.numpy(), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got_first.numpy(), -expected[:, 0], rtol=1e-5, atol=1e-6)
    assert got_first.shape == tf.TensorShape([4])


def test_gradients_flow_through_a_functional_model():
    x = tf.keras.Input(shape=(3,))
    model = tf.keras.Model(x, layers.Dense(1)(layers.Dense(4, activation="tanh")(x)))
    value = tf.constant(data(6, 3))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(model(value) ** 2)
    grads = tape.gradient(loss, model.trainable_variables)
    hidden, out = model.layers[1], model.layers[2]
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(out(hidden(value)) ** 2)
    expected = tape.gradient(loss, [hidden.kernel, hidden.bias, out.kernel, out.bias])
    for g, e in zip(grads, expected):
        np.testing.assert_allclose(g.numpy(), e.numpy(), rtol=1e-5, atol=1e-6)


def test_training_reaches_the_layers():
    x = tf.keras.Input(shape=(50,))
    model = tf.keras.Model(x, layers.Dropout(0.5)(x))
    ones = np.ones((4, 50), np.float32)
    np.testing.assert_allclose(model(ones).numpy(), ones)
    assert np.any(model(ones, training=True).numpy() == 0)


def test_models_nest_in_functional_models():
    inner_in = tf.keras.Input(shape=(3,))
    inner = tf.keras.Model(inner_in, layers.Dense(2)(inner_in), name="inner")
    stack = tf.keras.Sequential([layers.Dense(2, input_shape=(2,))], name="stack")
    x = tf.keras.Input(shape=(3,))
    outer = tf.keras.Model(x, stack(inner(x)))
    value = data(2, 3)
    np.testing.assert_allclose(outer(value).numpy(), stack(inner(value)).numpy(), rtol=1e-6)
    assert [layer.name for layer in outer.layers][1:] == ["inner", "stack"]


def test_a_sequential_knows_its_symbolic_ends_when_its_input_shape_is_declared():
    model = tf.keras.Sequential([tf.keras.Input(shape=(3,)), layers.Dense(2)])
    assert model.inputs[0].shape == tf.TensorShape([None, 3])
    assert model.outputs[0].shape == tf.TensorShape([None, 2])
    assert [type(layer).__name__ for layer in model.layers] == ["Dense"]
    assert tf.keras.Sequential([layers.Dense(2)]).inputs is None


def test_summary_shows_what_feeds_each_layer():
    a = tf.keras.Input(shape=(2,), name="a")
    b = tf.keras.Input(shape=(2,), name="b")
    model = tf.keras.Model([a, b], layers.Add(name="sum")([a, b]), name="adder")
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert 'Model: "adder"' in text and "Connected to" in text
    assert "[(None, 2)]" in text
    row = [line for line in lines if line.startswith("sum (Add)")][0]
    assert "a[0][0]" in row
    assert any("b[0][0]" in line for line in lines[lines.index(row) + 1:])


def test_config_round_trips_through_json():
    x = tf.keras.Input(shape=(4,), name="x")
    h = layers.Dense(5, activation="relu", name="h")(x)
    y = layers.Dense(2, name="y")(h) + h[:, :2] * 0.5
    model = tf.keras.Model(x, y, name="net")
    config = json.loads(json.dumps(model.get_config()))
    assert config["input_layers"] == [["x", 0, 0]]
    copy = tf.keras.Model.from_config(config)
    assert copy.name == "net" and [layer.name for layer in copy.layers] == [
        layer.name for layer in model.layers]
    copy.set_weights(model.get_weights())
    value = data(3, 4)
    np.testing.assert_allclose(copy(value).numpy(), model(value).numpy(), rtol=1e-6)


# --- misuse ------------------------------------------------------------------------------
def test_a_symbolic_tensor_has_no_value():
    x = tf.keras.Input(shape=(3,))
    with pytest.raises(TypeError, match="KerasTensor"):
        x.numpy()
    with pytest.raises(TypeError, match="symbolic"):
        bool(x)
    with pytest.raises(Exception, match="Lambda"):
        tf.reduce_sum(x)


def test_outputs_that_need_an_input_not_given_are_a_disconnected_graph():
    a = tf.keras.Input(shape=(2,), name="a")
    b = tf.keras.Input(shape=(2,), name="b")
    with pytest.raises(ValueError, match="Graph disconnected.*'b'"):
        tf.keras.Model(a, layers.Add()([a, b]))


def test_model_of_non_symbolic_tensors_is_refused():
    x = tf.keras.Input(shape=(2,))
    with pytest.raises(TypeError, match="KerasTensor"):
        tf.keras.Model(inputs=x, outputs=tf.ones([1, 2]))
    with pytest.raises(ValueError, match="keras.Input"):
        h = layers.Dense(2)(x)
        tf.keras.Model(inputs=h, outputs=layers.Dense(1)(h))


def test_calling_with_the_wrong_inputs_says_what_the_model_expects():
    a = tf.keras.Input(shape=(2,), name="a")
    b = tf.keras.Input(shape=(3,), name="b")
    model = tf.keras.Model([a, b], layers.Concatenate()([a, b]))
    with pytest.raises(ValueError, match="expects 2 input"):
        model([np.ones((1, 2), np.float32)] * 3)
    with pytest.raises(ValueError, match=r"expected shape=\(None, 3\), found shape=\(1, 4\)"):
        model([np.ones((1, 2), np.float32), np.ones((1, 4), np.float32)])


def test_a_training_flag_given_at_construction_wins_over_the_models():
    # Monte Carlo dropout: Dropout(...)(x, training=True) drops even in inference.
    x = tf.keras.Input(shape=(200,))
    model = tf.keras.Model(x, layers.Dropout(0.5)(x, training=True))
    ones = np.ones((2, 200), np.float32)
    assert np.any(model(ones, training=False).numpy() == 0)
    assert np.any(model(ones).numpy() == 0)


def test_a_functional_summary_is_98_characters_wide_as_in_keras():
    x = tf.keras.Input(shape=(2,))
    lines = []
    tf.keras.Model(x, layers.Dense(1)(x)).summary(print_fn=lines.append)
    assert {len(line) for line in lines if set(line) <= {"_", "="}} == {98}


def test_a_layer_that_cannot_run_on_the_examples_says_what_the_examples_stood_for():
    # A layer that needs more columns than the stand-in for an unknown size (32):
    # the error says which example shape stood for which symbolic one.
    class NeedsWide(tf.keras.layers.Layer):
        def call(self, x):
            if x.shape[1] < 40:
                raise ValueError("needs at least 40 columns")
            return x
    with pytest.raises(ValueError, match=r"needs at least 40 columns[\s\S]*stands for "
                                         r"\(None, None\)"):
        NeedsWide()(tf.keras.Input(shape=(None,)))


def test_a_layer_with_two_outputs_in_a_functional_model():
    class Halves(tf.keras.layers.Layer):
        def call(self, x):
            return x[:, :2], x[:, 2:]

    inputs = tf.keras.Input(shape=(5,))
    first, second = Halves()(inputs)
    assert first.shape == tf.TensorShape([None, 2])
    assert second.shape == tf.TensorShape([None, 3])
    model = tf.keras.Model(inputs, [first, layers.Dense(1, kernel_initializer="ones")(second)])
    x = np.arange(10, dtype=np.float32).reshape(2, 5)
    a, b = model(x)
    np.testing.assert_array_equal(a.numpy(), x[:, :2])
    np.testing.assert_allclose(b.numpy(), x[:, 2:].sum(1, keepdims=True))


def test_a_functional_summary_puts_its_columns_where_keras_does():
    # Keras: line_length 98, positions [.33, .55, .67, 1]: columns start at 0, 32, 53, 65.
    x = tf.keras.Input(shape=(2,), name="x")
    lines = []
    tf.keras.Model(x, layers.Dense(3, name="d")(x)).summary(print_fn=lines.append)
    [header] = [line for line in lines if line.startswith("Layer (type)")]
    assert [header.index(c) for c in ("Output Shape", "Param #", "Connected to")] == [32, 53, 65]
    [row] = [line for line in lines if line.startswith("d (Dense)")]
    assert row[32:].startswith("(None, 3)") and row[53:].startswith("9")
    assert "x[0][0]" in row[65:]


def test_building_a_functional_model_trains_nothing():
    # Calling a layer on keras.Input tensors only works out shapes: a layer that
    # changes state when training (as BatchNormalization does) is not trained.
    class CountsTrainingCalls(tf.keras.layers.Layer):
        def build(self, input_shape):
            self.count = self.add_weight("count", shape=(), initializer="zeros",
                                         trainable=False)

        def call(self, x, training=None):
            if training:
                self.count.assign_add(1.0)
            return x

    layer = CountsTrainingCalls()
    inputs = tf.keras.Input(shape=(3,))
    model = tf.keras.Model(inputs, layer(inputs))
    assert float(layer.count) == 0.0
    model(tf.ones([2, 3]), training=True)
    assert float(layer.count) == 1.0


def test_an_error_without_a_message_in_a_layer_on_inputs_keeps_its_class():
    class Refuses(tf.keras.layers.Layer):
        def call(self, x):
            raise ValueError()
    with pytest.raises(ValueError):
        Refuses()(tf.keras.Input(shape=(3,)))
