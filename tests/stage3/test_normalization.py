"""Task 5: BatchNormalization and LayerNormalization against NumPy, and their gradients."""

import numpy as np
import pytest

import stage3_layers as tf

pytestmark = pytest.mark.stage3_task6


def normalize(x, mean, var, gamma, beta, eps):
    return (x - mean) / np.sqrt(var + eps) * gamma + beta


@pytest.mark.parametrize("shape, axis", [((8, 3), -1), ((4, 5, 5, 3), -1), ((4, 3, 5), 1)])
def test_batch_norm_training_uses_batch_stats_and_updates_moving_ones(on, place, rng, shape,
                                                                        axis):
    x = rng.normal(2.0, 3.0, size=shape).astype(np.float32)
    layer = tf.keras.layers.BatchNormalization(axis=axis, momentum=0.9, epsilon=1e-3)
    layer(x)
    gamma = rng.uniform(0.5, 2.0, size=3).astype(np.float32)
    beta = rng.normal(size=3).astype(np.float32)
    layer.set_weights([gamma, beta, np.zeros(3), np.ones(3)])
    out = np.asarray(place(layer)(on(x), training=True))
    reduce = tuple(a for a in range(len(shape)) if a != axis % len(shape))
    bshape = [1] * len(shape)
    bshape[axis] = 3
    mean, var = x.mean(axis=reduce), x.var(axis=reduce)          # biased variance
    expected = normalize(x, mean.reshape(bshape), var.reshape(bshape),
                         gamma.reshape(bshape), beta.reshape(bshape), 1e-3)
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(layer.moving_mean.numpy(), 0.1 * mean, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(layer.moving_variance.numpy(), 0.9 + 0.1 * var, rtol=1e-5)


def test_batch_norm_inference_uses_moving_stats_by_default(rng):
    x = rng.normal(size=(6, 4)).astype(np.float32)
    layer = tf.keras.layers.BatchNormalization()
    layer(x)
    mm, mv = rng.normal(size=4), rng.uniform(0.5, 2, size=4)
    layer.set_weights([np.ones(4), np.zeros(4), mm, mv])
    for out in (layer(x), layer(x, training=False)):
        np.testing.assert_allclose(out.numpy(), normalize(x, mm, mv, 1, 0, 1e-3), rtol=1e-5,
                                   atol=1e-5)
    np.testing.assert_allclose(layer.moving_mean.numpy(), mm, rtol=1e-6)   # unchanged


def test_frozen_batch_norm_runs_in_inference_mode(rng):
    x = rng.normal(size=(6, 4)).astype(np.float32)
    layer = tf.keras.layers.BatchNormalization()
    layer(x)
    layer.trainable = False
    out = layer(x, training=True)
    np.testing.assert_allclose(out.numpy(), normalize(x, 0, 1, 1, 0, 1e-3), rtol=1e-5)
    np.testing.assert_array_equal(layer.moving_mean.numpy(), np.zeros(4))
    assert layer.trainable_variables == [] and len(layer.non_trainable_variables) == 4


def test_batch_norm_variables_and_training_through_a_model(rng):
    model = tf.keras.Sequential([tf.keras.layers.Dense(3, input_shape=(2,)),
                                 tf.keras.layers.BatchNormalization()])
    names = [v.name for v in model.variables]
    assert names == ["dense/kernel:0", "dense/bias:0", "batch_normalization/gamma:0",
                     "batch_normalization/beta:0", "batch_normalization/moving_mean:0",
                     "batch_normalization/moving_variance:0"]
    before = model.layers[1].moving_mean.numpy().copy()
    model(rng.normal(size=(5, 2)), training=True)
    assert not np.allclose(before, model.layers[1].moving_mean.numpy())


def test_batch_norm_gradients_in_both_modes(layer_gradients, rng):
    x = rng.normal(size=(5, 3))
    layer_gradients(tf.keras.layers.BatchNormalization(dtype="float64", momentum=1.0), x,
                    training=True)
    layer_gradients(tf.keras.layers.BatchNormalization(dtype="float64"), x)


def test_batch_norm_validation():
    with pytest.raises(ValueError, match="momentum must be in"):
        tf.keras.layers.BatchNormalization(momentum=1.5)
    with pytest.raises(ValueError, match="axis 3 is out of range for inputs of rank 2"):
        tf.keras.layers.BatchNormalization(axis=3)(tf.ones([2, 2]))


@pytest.mark.parametrize("shape, axis", [((4, 6), -1), ((2, 3, 4), -1), ((2, 3, 4), [1, 2])])
def test_layer_norm_matches_numpy(on, place, rng, shape, axis):
    x = rng.normal(1.0, 2.0, size=shape).astype(np.float32)
    layer = tf.keras.layers.LayerNormalization(axis=axis)
    layer(x)
    pshape = tuple(layer.gamma.shape)
    gamma = rng.uniform(0.5, 2, size=pshape).astype(np.float32)
    beta = rng.normal(size=pshape).astype(np.float32)
    layer.set_weights([gamma, beta])
    place(layer)
    axes = tuple(a % len(shape) for a in ([axis] if isinstance(axis, int) else axis))
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True)
    bshape = [shape[a] if a in axes else 1 for a in range(len(shape))]
    expected = normalize(x, mean, var, gamma.reshape(bshape), beta.reshape(bshape), 1e-3)
    for training in (None, True):
        np.testing.assert_allclose(np.asarray(layer(on(x), training=training)), expected,
                                   rtol=1e-4, atol=1e-4)


def test_layer_norm_gradients(layer_gradients, rng):
    layer_gradients(tf.keras.layers.LayerNormalization(dtype="float64"),
                    rng.normal(size=(3, 4)))
    layer_gradients(tf.keras.layers.LayerNormalization(axis=[1, 2], center=False,
                                                       dtype="float64"),
                    rng.normal(size=(2, 2, 3)))


def test_batch_norm_trains_gamma_and_beta_and_keeps_its_moving_statistics_aside():
    layer = tf.keras.layers.BatchNormalization()
    layer(tf.ones([4, 3]))
    assert [v.name for v in layer.trainable_weights] == [
        layer.gamma.name, layer.beta.name]
    assert {v.name for v in layer.non_trainable_weights} == {
        layer.moving_mean.name, layer.moving_variance.name}
    first = list(layer.weights)
    layer(tf.ones([4, 3]), training=True)          # built once: the same four variables
    assert [id(v) for v in layer.weights] == [id(v) for v in first]


@pytest.mark.parametrize("make, weights", [
    (lambda: tf.keras.layers.BatchNormalization(), [(3,), (3,), (3,), (3,)]),
    (lambda: tf.keras.layers.BatchNormalization(axis=1, scale=False), [(4,), (4,), (4,)]),
    (lambda: tf.keras.layers.LayerNormalization(), [(3,), (3,)]),
    (lambda: tf.keras.layers.LayerNormalization(axis=[1, 2], center=False), [(4, 3)]),
], ids=["BatchNormalization", "BatchNormalization-axis1", "LayerNormalization",
        "LayerNormalization-axes"])
def test_build_called_directly_makes_the_weights_and_marks_the_layer_built(make, weights):
    # Keras: layer.build(input_shape) by hand leaves the layer built, with its weights.
    layer = make()
    layer.build((None, 4, 3))
    assert layer.built
    assert [tuple(w.shape) for w in layer.weights] == weights
