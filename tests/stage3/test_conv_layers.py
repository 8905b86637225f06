"""Task 4: Conv2D, MaxPool2D and AveragePooling2D against a plain NumPy reference."""

import numpy as np
import pytest

import stage3_layers as tf
from tests.helpers import reference_conv2d, reference_pool

pytestmark = pytest.mark.stage3_task5


CONV_CASES = [
    dict(kernel_size=3, strides=1, padding="valid"),
    dict(kernel_size=3, strides=1, padding="same"),
    dict(kernel_size=(2, 3), strides=(2, 1), padding="same"),
    dict(kernel_size=3, strides=2, padding="valid"),
    dict(kernel_size=2, padding="same", dilation_rate=2),
]


@pytest.mark.parametrize("case", CONV_CASES)
@pytest.mark.parametrize("batch", [1, 3])
def test_conv2d_matches_numpy(on, place, rng, case, batch):
    x = rng.normal(size=(batch, 7, 6, 2)).astype(np.float32)
    layer = tf.keras.layers.Conv2D(4, **case)
    layer(x)
    kernel = rng.normal(size=tuple(layer.kernel.shape)).astype(np.float32)
    bias = rng.normal(size=4).astype(np.float32)
    layer.set_weights([kernel, bias])
    out = np.asarray(place(layer)(on(x)))
    stride = layer.strides
    expected = reference_conv2d(x, kernel, stride, case["padding"], layer.dilation_rate) + bias
    assert out.shape == expected.shape
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-4)


def test_conv2d_activation_no_bias_and_shapes():
    layer = tf.keras.layers.Conv2D(8, 3, padding="same", activation="relu", use_bias=False)
    out = layer(tf.random.normal([2, 28, 28, 1]))
    assert out.shape == (2, 28, 28, 8) and float(tf.reduce_min(out)) >= 0
    assert [v.name for v in layer.weights] == ["conv2d/kernel:0"]


def test_conv2d_errors_teach():
    with pytest.raises(ValueError, match="padding must be 'valid'.*or 'same'"):
        tf.keras.layers.Conv2D(2, 3, padding="full")
    with pytest.raises(ValueError, match="kernel_size must be a positive int"):
        tf.keras.layers.Conv2D(2, 0)
    layer = tf.keras.layers.Conv2D(2, 3)
    with pytest.raises(ValueError, match=r"ndim=4.*\(batch, height, width, channels\).*tf.expand_dims"):
        layer(tf.zeros([2, 8, 8]))
    layer(tf.zeros([1, 8, 8, 3]))
    with pytest.raises(ValueError, match=r"'conv2d'.*axis -1.*value 3.*\(1, 8, 8, 1\)"):
        layer(tf.zeros([1, 8, 8, 1]))


@pytest.mark.parametrize("case", [dict(kernel_size=2, padding="valid"),
                                  dict(kernel_size=2, strides=2, padding="same")])
def test_conv2d_gradients(layer_gradients, rng, case):
    layer_gradients(tf.keras.layers.Conv2D(2, dtype="float64", **case),
                    rng.normal(size=(2, 4, 3, 2)))


POOL_CASES = [dict(), dict(pool_size=3, strides=1), dict(pool_size=2, padding="same"),
              dict(pool_size=(3, 2), strides=(2, 1), padding="same")]


@pytest.mark.parametrize("case", POOL_CASES)
@pytest.mark.parametrize("cls, reduce", [(tf.keras.layers.MaxPool2D, np.max),
                                         (tf.keras.layers.AveragePooling2D, np.mean)])
def test_pooling_matches_numpy(on, rng, case, cls, reduce):
    x = rng.normal(size=(2, 5, 7, 3)).astype(np.float32)
    layer = cls(**case)
    out = np.asarray(layer(on(x)))
    expected = reference_pool(x, layer.pool_size, layer.strides, case.get("padding", "valid"),
                              reduce)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)
    assert layer.weights == []


def test_pooling_aliases_and_gradients(layer_gradients, rng):
    assert tf.keras.layers.MaxPooling2D is tf.keras.layers.MaxPool2D
    assert tf.keras.layers.AvgPool2D is tf.keras.layers.AveragePooling2D
    x = rng.permutation(48).reshape(1, 4, 4, 3) / 10.0      # distinct values: no ties
    layer_gradients(tf.keras.layers.MaxPool2D(dtype="float64"), x)
    layer_gradients(tf.keras.layers.AveragePooling2D(padding="same", pool_size=3,
                                                     dtype="float64"), x)


def test_small_cnn_trains():
    model = tf.keras.Sequential([
        tf.keras.layers.Conv2D(4, 3, activation="relu", input_shape=(8, 8, 1)),
        tf.keras.layers.MaxPool2D(),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(2),
    ])
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 8, 8, 1)).astype(np.float32)
    labels = (x[:, :4].sum(axis=(1, 2, 3)) > x[:, 4:].sum(axis=(1, 2, 3))).astype(np.int32)
    first = None
    for _ in range(40):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
                labels=labels, logits=model(x)))
        grads = tape.gradient(loss, model.trainable_variables)
        for v, g in zip(model.trainable_variables, grads):
            v.assign_sub(0.2 * g)
        first = float(loss) if first is None else first
    assert float(loss) < 0.5 * first
