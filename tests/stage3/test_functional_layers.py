"""The functional API with the convolution, normalization, embedding and recurrent
layers of tasks 5-7: their output shapes on symbolic inputs (sizes that follow an
unknown size stay unknown) and a model built from them changes no layer state."""

import numpy as np
import pytest

import stage3_layers as tf

pytestmark = pytest.mark.stage3_task7

layers = tf.keras.layers


def test_conv_and_pooling_layers_give_their_output_shapes():
    image = tf.keras.Input(shape=(28, 28, 1))
    h = layers.Conv2D(8, 3, activation="relu")(image)
    assert h.shape == tf.TensorShape([None, 26, 26, 8])
    h = layers.MaxPooling2D()(h)
    h = layers.Flatten()(h)
    assert h.shape == tf.TensorShape([None, 13 * 13 * 8])
    logits = layers.Dense(10)(h)
    assert logits.shape == tf.TensorShape([None, 10]) and logits.dtype == tf.float32


def test_recurrent_sizes_that_follow_an_unknown_length_stay_unknown():
    tokens = tf.keras.Input(shape=(None,), dtype="int32")
    embedded = layers.Embedding(50, 4)(tokens)
    assert embedded.shape == tf.TensorShape([None, None, 4])
    sequence = layers.SimpleRNN(6, return_sequences=True)(embedded)
    last = layers.SimpleRNN(6)(embedded)
    assert sequence.shape == tf.TensorShape([None, None, 6])
    assert last.shape == tf.TensorShape([None, 6])


def test_training_reaches_the_layers_and_construction_changes_no_state():
    x = tf.keras.Input(shape=(50,))
    norm = layers.BatchNormalization()
    model = tf.keras.Model(x, layers.Dropout(0.5)(norm(x)))
    assert np.all(norm.moving_mean.numpy() == 0) and np.all(norm.moving_variance.numpy() == 1)
    ones = np.ones((4, 50), np.float32)
    np.testing.assert_allclose(model(ones).numpy(), ones / np.sqrt(1 + 1e-3), rtol=1e-5)
    dropped = model(ones + np.arange(4, dtype=np.float32)[:, None], training=True).numpy()
    assert np.any(dropped == 0)

