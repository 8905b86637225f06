"""get_config / from_config: every layer describes how to make it again, as plain data.

A round trip goes through JSON (what stage 4's saving writes), and the copy,
given the original's weights, must compute the same outputs: the config must
carry every argument that changes what the layer computes.
"""

import json

import numpy as np
import pytest

import stage3_layers as tf

pytestmark = pytest.mark.stage3_task2

layers = tf.keras.layers


def through_json(layer):
    data = json.loads(json.dumps(tf.keras.layers.serialize(layer)))
    return tf.keras.layers.deserialize(data)


def assert_same_layer(layer, x, **call_kwargs):
    """A JSON round trip gives a layer of the same class and config, computing the same."""
    expected = layer(tf.constant(x), **call_kwargs)
    copy = through_json(layer)
    assert type(copy) is type(layer)
    assert copy.get_config() == layer.get_config()
    copy(tf.constant(x), **call_kwargs)
    copy.set_weights(layer.get_weights())
    got = copy(tf.constant(x), **call_kwargs)
    as_list = lambda out: out if isinstance(out, list) else [out]  # noqa: E731
    for e, g in zip(as_list(expected), as_list(got)):
        np.testing.assert_allclose(np.asarray(g), np.asarray(e), rtol=1e-6, atol=1e-6)
    return copy


def test_base_config_names_trainable_dtype():
    layer = layers.Layer(name="block", trainable=False, dtype="float64")
    assert layer.get_config() == {"name": "block", "trainable": False, "dtype": "float64"}
    copy = layers.Layer.from_config(layer.get_config())
    assert (copy.name, copy.trainable, copy.dtype) == ("block", False, "float64")


def test_base_config_keeps_the_declared_input_shape():
    config = layers.Dense(2, input_shape=(3,)).get_config()
    assert tuple(config["batch_input_shape"]) == (None, 3)


def test_custom_layer_without_get_config_is_told_what_to_write():
    class Scaled(layers.Layer):
        def __init__(self, factor, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

    with pytest.raises(NotImplementedError, match=r"Scaled.*factor.*get_config"):
        Scaled(2.0).get_config()


def test_custom_layer_with_get_config_round_trips_through_custom_objects():
    class Scaled(layers.Layer):
        def __init__(self, factor=1.0, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def call(self, x):
            return x * self.factor

        def get_config(self):
            return {**super().get_config(), "factor": self.factor}

    data = json.loads(json.dumps(layers.serialize(Scaled(3.0, name="s"))))
    copy = layers.deserialize(data, custom_objects={"Scaled": Scaled})
    assert (type(copy), copy.factor, copy.name) == (Scaled, 3.0, "s")


def test_unknown_class_names_the_class_and_how_to_register_it():
    with pytest.raises(ValueError, match=r"'Scaled'.*custom_objects.*register_keras_serializable"):
        layers.deserialize({"class_name": "Scaled", "config": {}})


def test_a_subclassed_model_without_arguments_needs_no_get_config():
    class Tiny(tf.keras.Model):
        def __init__(self):
            super().__init__()
            self.out = layers.Dense(1)

        def call(self, x):
            return self.out(x)

    copy = Tiny.from_config(Tiny().get_config())
    assert isinstance(copy, Tiny)


def test_custom_activation_function_resolves_through_custom_objects():
    def twice(x):
        return 2.0 * x

    layer = layers.Dense(1, activation=twice, kernel_initializer="ones")
    data = json.loads(json.dumps(layers.serialize(layer)))
    assert data["config"]["activation"] == "twice"
    copy = layers.deserialize(data, custom_objects={"twice": twice})
    assert copy.activation is twice


@pytest.mark.stage3_task1
def test_initializers_and_activations_serialize_by_name_or_config():
    init = tf.keras.initializers.RandomNormal(mean=1.0, stddev=0.5, seed=3)
    data = json.loads(json.dumps(tf.keras.initializers.serialize(init)))
    again = tf.keras.initializers.get(data)
    assert type(again) is type(init) and again.get_config() == init.get_config()
    relu = tf.keras.activations.serialize(tf.keras.activations.relu)
    assert tf.keras.activations.get(relu) is tf.keras.activations.relu


@pytest.mark.stage3_task3
@pytest.mark.parametrize("make, shape", [
    (lambda: layers.Dense(3, activation="tanh", use_bias=False,
                          kernel_initializer="he_normal"), (2, 4)),
    (lambda: layers.Dense(2, activation="relu", input_shape=(4,)), (2, 4)),
    (lambda: layers.Flatten(), (2, 3, 2)),
    (lambda: layers.Reshape((3, -1)), (2, 6)),
    (lambda: layers.Activation("sigmoid"), (2, 3)),
    (lambda: layers.Dropout(0.25, seed=7), (2, 3)),
])
def test_core_layers_round_trip(rng, make, shape):
    assert_same_layer(make(), rng.normal(size=shape).astype(np.float32))


@pytest.mark.stage3_task3
def test_dropout_config_keeps_rate_and_seed():
    copy = through_json(layers.Dropout(0.25, noise_shape=(None, 1), seed=7))
    assert (copy.rate, copy.seed, tuple(copy.noise_shape)) == (0.25, 7, (None, 1))


@pytest.mark.stage3_task4
def test_sequential_round_trips_built_with_its_layers(rng):
    model = tf.keras.Sequential([layers.Dense(4, activation="relu", input_shape=(3,)),
                                 layers.Dense(2, activation="softmax")], name="stack")
    config = json.loads(json.dumps(model.get_config()))
    copy = tf.keras.Sequential.from_config(config)
    assert copy.name == "stack" and copy.built
    assert [type(layer).__name__ for layer in copy.layers] == ["Dense", "Dense"]
    copy.set_weights(model.get_weights())
    x = rng.normal(size=(5, 3)).astype(np.float32)
    np.testing.assert_allclose(copy(x).numpy(), model(x).numpy(), rtol=1e-6)


@pytest.mark.stage3_task4
def test_sequential_built_by_a_call_remembers_its_input_shape():
    model = tf.keras.Sequential([layers.Dense(2)])
    model(tf.ones([3, 5]))
    copy = tf.keras.Sequential.from_config(model.get_config())
    assert copy.built and [tuple(w.shape) for w in copy.weights] == [(5, 2), (2,)]


@pytest.mark.stage3_task4
def test_sequential_with_input_layer_round_trips():
    model = tf.keras.Sequential([tf.keras.Input(shape=(3,)), layers.Dense(1)])
    copy = through_json(model)
    assert copy.built and len(copy.layers) == 1


@pytest.mark.stage3_task5
@pytest.mark.parametrize("make", [
    lambda: layers.Conv2D(3, (2, 3), strides=2, padding="same", activation="relu"),
    lambda: layers.Conv2D(2, 2, dilation_rate=2, use_bias=False),
    lambda: layers.MaxPool2D(pool_size=2, strides=1, padding="same"),
    lambda: layers.AveragePooling2D(pool_size=(2, 1)),
])
def test_conv_and_pooling_layers_round_trip(rng, make):
    assert_same_layer(make(), rng.normal(size=(2, 6, 6, 2)).astype(np.float32))


@pytest.mark.stage3_task6
@pytest.mark.parametrize("make, kwargs", [
    (lambda: layers.BatchNormalization(momentum=0.5, epsilon=0.1, center=False), {}),
    (lambda: layers.BatchNormalization(axis=1), {"training": True}),
    (lambda: layers.LayerNormalization(epsilon=0.01, scale=False), {}),
    (lambda: layers.LayerNormalization(axis=[1, 2]), {}),
])
def test_normalization_layers_round_trip(rng, make, kwargs):
    layer = make()
    assert_same_layer(layer, rng.normal(size=(4, 3, 2)).astype(np.float32), **kwargs)
    if isinstance(layer, layers.BatchNormalization):
        assert through_json(layer).momentum == layer.momentum


@pytest.mark.stage3_task7
@pytest.mark.parametrize("make", [
    lambda: layers.SimpleRNN(3, activation="relu", return_sequences=True),
    lambda: layers.LSTM(3, unit_forget_bias=False, go_backwards=True),
    lambda: layers.GRU(2, reset_after=False, return_state=True),
    lambda: layers.GRU(2),
    lambda: layers.RNN(layers.LSTMCell(2), return_sequences=True),
])
def test_recurrent_layers_round_trip(rng, make):
    assert_same_layer(make(), rng.normal(size=(2, 4, 3)).astype(np.float32))


@pytest.mark.stage3_task7
@pytest.mark.parametrize("cell", [layers.SimpleRNNCell(2, activation="relu"),
                                  layers.LSTMCell(2, recurrent_activation="hard_sigmoid"),
                                  layers.GRUCell(2, reset_after=False)])
def test_cells_round_trip(cell):
    copy = through_json(cell)
    assert type(copy) is type(cell) and copy.get_config() == cell.get_config()


@pytest.mark.stage3_task7
def test_embedding_round_trips():
    layer = layers.Embedding(6, 3, embeddings_initializer="ones", mask_zero=True)
    copy = through_json(layer)
    assert (copy.input_dim, copy.output_dim, copy.mask_zero) == (6, 3, True)
    ids = tf.constant([[1, 5]])
    layer(ids)
    copy(ids)
    copy.set_weights(layer.get_weights())
    np.testing.assert_array_equal(copy(ids).numpy(), layer(ids).numpy())
