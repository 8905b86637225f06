"""A functional model (keras.Model(inputs, outputs)) trains, evaluates, saves and loads
like any other: fit on it reduces the loss, and a saved model comes back computing
the same outputs, as a functional model again."""

import os

import numpy as np
import pytest

import stage4_training as tf

pytestmark = pytest.mark.stage4_task9


def two_input_model():
    tf.keras.backend.clear_session()
    features = tf.keras.Input(shape=(4,), name="features")
    extra = tf.keras.Input(shape=(2,), name="extra")
    h = tf.keras.layers.Dense(8, activation="relu")(features)
    joined = tf.keras.layers.Concatenate()([h, extra * 0.5])
    return tf.keras.Model([features, extra], tf.keras.layers.Dense(2)(joined), name="net")


def toy_data():
    rng = np.random.default_rng(0)
    x1 = rng.standard_normal((96, 4)).astype(np.float32)
    x2 = rng.standard_normal((96, 2)).astype(np.float32)
    y = (x1[:, 0] + x2[:, 1] > 0).astype(np.int64)
    return x1, x2, y


def test_fit_trains_a_functional_model_with_two_inputs():
    tf.random.set_seed(1)
    model = two_input_model()
    model.compile(optimizer=tf.keras.optimizers.Adam(0.05),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    x1, x2, y = toy_data()
    history = model.fit([x1, x2], y, epochs=8, batch_size=16, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < 0.6 * losses[0]
    loss, accuracy = model.evaluate([x1, x2], y, verbose=0)
    assert accuracy > 0.85
    assert model.predict([x1, x2], verbose=0).shape == (96, 2)


@pytest.mark.parametrize("filename", ["model.keras", "model_folder"])
def test_a_saved_functional_model_loads_as_the_same_graph(tmp_path, filename):
    model = two_input_model()
    x1, x2, _ = toy_data()
    path = os.path.join(str(tmp_path), filename)
    model.save(path)
    loaded = tf.keras.models.load_model(path)
    assert loaded.name == "net" and loaded.input_names == ["features", "extra"]
    assert [type(layer).__name__ for layer in loaded.layers] == [
        type(layer).__name__ for layer in model.layers]
    np.testing.assert_allclose(loaded.predict([x1, x2], verbose=0),
                               model.predict([x1, x2], verbose=0), rtol=1e-6)
