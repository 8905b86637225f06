"""Task 3: Dense, Flatten, Reshape, Activation, Dropout against NumPy, and their gradients."""

import numpy as np
import pytest

import stage3_layers as tf

pytestmark = pytest.mark.stage3_task3


def relu(x):
    return np.maximum(x, 0)


@pytest.mark.parametrize("shape", [(4, 3), (2, 5, 3), (1, 2, 2, 3), (0, 3)])
@pytest.mark.parametrize("use_bias, activation, ref", [
    (True, None, lambda z: z), (True, "relu", relu), (False, "tanh", np.tanh),
    (True, tf.keras.activations.sigmoid, lambda z: 1 / (1 + np.exp(-z)))])
def test_dense_matches_numpy(on, place, rng, shape, use_bias, activation, ref):
    layer = tf.keras.layers.Dense(4, activation=activation, use_bias=use_bias)
    x = rng.normal(size=shape).astype(np.float32)
    layer(x)
    kernel = rng.normal(size=(3, 4)).astype(np.float32)
    bias = rng.normal(size=4).astype(np.float32)
    layer.set_weights([kernel, bias] if use_bias else [kernel])
    out = place(layer)(on(x))
    expected = ref(x @ kernel + (bias if use_bias else 0))
    assert out.shape == expected.shape
    np.testing.assert_allclose(np.asarray(out), expected, rtol=1e-5, atol=1e-6)


def test_dense_initializers_and_validation():
    layer = tf.keras.layers.Dense(2, kernel_initializer="ones", bias_initializer="ones")
    np.testing.assert_array_equal(layer(tf.ones([1, 3])).numpy(), [[4.0, 4.0]])
    with pytest.raises(ValueError, match="units must be a positive integer"):
        tf.keras.layers.Dense(0)
    with pytest.raises(ValueError, match="unknown activation 'relux'"):
        tf.keras.layers.Dense(2, activation="relux")
    with pytest.raises(ValueError, match="unknown initializer 'onez'"):
        tf.keras.layers.Dense(2, kernel_initializer="onez")


def test_dense_casts_integer_features_to_its_dtype():
    # Keras's Dense takes integer (or bool) features, such as pixel values.
    layer = tf.keras.layers.Dense(2, kernel_initializer="ones", bias_initializer="ones")
    out = layer(tf.constant([[1, 2], [3, 4]]))
    assert out.dtype == tf.float32
    np.testing.assert_array_equal(out.numpy(), [[4, 4], [8, 8]])
    out64 = tf.keras.layers.Dense(1, kernel_initializer="ones", dtype="float64")(
        tf.constant([[True, False, True]]))
    assert out64.dtype == tf.float64 and float(out64[0, 0]) == 2.0


@pytest.mark.parametrize("shape", [(2, 3), (2, 3, 4)])
def test_dense_gradients(layer_gradients, rng, shape):
    layer_gradients(tf.keras.layers.Dense(3, activation="tanh", dtype="float64"),
                    rng.normal(size=shape))


@pytest.mark.parametrize("shape", [(2, 28, 28), (3, 4), (2, 1, 2, 3), (0, 5, 2), (4,),
                                   (3, 0), (3, 0, 2)])
def test_flatten(on, rng, shape):
    x = rng.normal(size=shape).astype(np.float32)
    out = tf.keras.layers.Flatten()(on(x))
    expected = x.reshape(shape[0], int(np.prod(shape[1:])))
    np.testing.assert_array_equal(np.asarray(out), expected)


def test_flatten_channels_first_and_gradient(layer_gradients, rng):
    x = rng.normal(size=(2, 3, 2, 2)).astype(np.float32)
    out = tf.keras.layers.Flatten(data_format="channels_first")(x)
    np.testing.assert_array_equal(out.numpy(), np.transpose(x, (0, 2, 3, 1)).reshape(2, -1))
    # channels first on a sequence (batch, channels, steps): the channels go last
    # too, as in Keras ([[0 3 1 4 2 5]] for arange(6) of shape (1, 2, 3)).
    seq = np.arange(6.0, dtype=np.float32).reshape(1, 2, 3)
    np.testing.assert_array_equal(
        tf.keras.layers.Flatten(data_format="channels_first")(seq).numpy(), [[0, 3, 1, 4, 2, 5]])
    layer_gradients(tf.keras.layers.Flatten(dtype="float64"), rng.normal(size=(2, 2, 3)))


def test_reshape(on, rng, layer_gradients):
    x = rng.normal(size=(3, 12)).astype(np.float32)
    np.testing.assert_array_equal(np.asarray(tf.keras.layers.Reshape((3, 4))(on(x))),
                                  x.reshape(3, 3, 4))
    np.testing.assert_array_equal(np.asarray(tf.keras.layers.Reshape((-1, 2))(on(x))),
                                  x.reshape(3, 6, 2))
    with pytest.raises(ValueError, match=r"cannot reshape each example of shape \(12,\)"):
        tf.keras.layers.Reshape((5,))(on(x))
    with pytest.raises(ValueError, match="at most one -1"):
        tf.keras.layers.Reshape((-1, -1))
    layer_gradients(tf.keras.layers.Reshape((2, 2), dtype="float64"), rng.normal(size=(2, 4)))


def test_reshape_with_only_minus_one_and_sizes_of_one(on, rng):
    # Keras: (-1,) flattens each example; (1, -1) adds an axis of one.
    x = rng.normal(size=(2, 3, 4)).astype(np.float32)
    np.testing.assert_array_equal(np.asarray(tf.keras.layers.Reshape((-1,))(on(x))),
                                  x.reshape(2, 12))
    np.testing.assert_array_equal(np.asarray(tf.keras.layers.Reshape((1, -1))(on(x))),
                                  x.reshape(2, 1, 12))
    np.testing.assert_array_equal(np.asarray(tf.keras.layers.Reshape((-1, 1, 1))(on(x))),
                                  x.reshape(2, 12, 1, 1))


@pytest.mark.parametrize("name, ref", [
    ("relu", relu), ("tanh", np.tanh), ("linear", lambda x: x),
    ("softmax", lambda x: np.exp(x) / np.exp(x).sum(-1, keepdims=True))])
def test_activation_layer(on, rng, name, ref):
    x = rng.normal(size=(3, 4)).astype(np.float32)
    out = tf.keras.layers.Activation(name)(on(x))
    np.testing.assert_allclose(np.asarray(out), ref(x), rtol=1e-5, atol=1e-6)


def test_activation_gradient(layer_gradients, rng):
    layer_gradients(tf.keras.layers.Activation("softplus", dtype="float64"),
                    rng.normal(size=(2, 3)))


def test_dropout_is_identity_at_inference(on, rng):
    x = rng.normal(size=(5, 6)).astype(np.float32)
    layer = tf.keras.layers.Dropout(0.5)
    np.testing.assert_array_equal(np.asarray(layer(on(x))), x)
    np.testing.assert_array_equal(np.asarray(layer(on(x), training=False)), x)


def test_dropout_training_scales_and_is_seeded():
    x = tf.ones([200, 50])
    layer = tf.keras.layers.Dropout(0.25, seed=3)
    tf.random.set_seed(7)
    a = layer(x, training=True).numpy()
    tf.random.set_seed(7)
    b = layer(x, training=True).numpy()
    np.testing.assert_array_equal(a, b)
    assert set(np.unique(a)) == {0.0, np.float32(1 / 0.75)}
    assert abs((a == 0).mean() - 0.25) < 0.02
    assert abs(a.mean() - 1.0) < 0.03


def test_dropout_noise_shape_and_validation():
    out = tf.keras.layers.Dropout(0.5, noise_shape=(None, 1))(tf.ones([6, 8]), training=True)
    rows = out.numpy()
    assert all(len(set(row)) == 1 for row in rows)
    with pytest.raises(ValueError, match=r"rate must be a number in \[0, 1\)"):
        tf.keras.layers.Dropout(1.0)


def test_dropout_gradient_uses_the_same_mask():
    layer = tf.keras.layers.Dropout(0.5, seed=1)
    x = tf.Variable(tf.ones([4, 10]))
    with tf.GradientTape() as tape:
        y = layer(x, training=True)
    grad = tape.gradient(y, x).numpy()
    np.testing.assert_array_equal(grad, y.numpy())
