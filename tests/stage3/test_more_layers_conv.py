"""Task 5, more layers: Conv1D, Conv2DTranspose, DepthwiseConv2D, SeparableConv2D,
global pooling, UpSampling2D, ZeroPadding2D and Cropping2D, against NumPy loops."""

import numpy as np
import pytest

import stage3_layers as tf
from tests.helpers import conv_output_and_padding, reference_conv2d
from tests.stage3.test_config import assert_same_layer

pytestmark = pytest.mark.stage3_task5

L = tf.keras.layers


def _set_random_weights(layer, rng):
    weights = [rng.normal(size=w.shape).astype(np.float32) for w in layer.get_weights()]
    layer.set_weights(weights)
    return weights


# --- Conv1D ---------------------------------------------------------------------------
def reference_conv1d(x, f, stride, padding, dilation):
    if padding == "causal":
        x = np.pad(x, ((0, 0), ((f.shape[0] - 1) * dilation, 0), (0, 0)))
        padding = "valid"
    return reference_conv2d(x[:, None], f[None], (1, stride), padding, (1, dilation))[:, 0]


@pytest.mark.parametrize("case", [dict(kernel_size=3), dict(kernel_size=2, padding="same"),
                                  dict(kernel_size=3, strides=2, padding="same"),
                                  dict(kernel_size=2, padding="causal", dilation_rate=2)])
def test_conv1d_matches_numpy(rng, case, layer_gradients):
    x = rng.normal(size=(2, 7, 3)).astype(np.float32)
    layer = L.Conv1D(4, **case)
    layer(x)
    kernel, bias = _set_random_weights(layer, rng)
    assert kernel.shape == (case["kernel_size"], 3, 4)
    expected = reference_conv1d(x, kernel, layer.strides[0], case.get("padding", "valid"),
                                layer.dilation_rate[0]) + bias
    np.testing.assert_allclose(layer(x).numpy(), expected, rtol=1e-4, atol=1e-4)
    assert_same_layer(layer, x)
    layer_gradients(L.Conv1D(2, dtype="float64", **case), rng.normal(size=(2, 6, 2)))


def test_causal_conv1d_sees_only_the_past():
    layer = L.Conv1D(1, 3, padding="causal", kernel_initializer="ones", use_bias=False)
    x = np.zeros((1, 6, 1), np.float32)
    x[0, 3] = 1.0
    np.testing.assert_array_equal(layer(x).numpy()[0, :, 0], [0, 0, 0, 1, 1, 1])


# --- Conv2DTranspose -----------------------------------------------------------------
def reference_conv2d_transpose(x, f, out_hw, strides, padding, dilations=(1, 1)):
    """Each input pixel adds ``x @ f[i, j].T`` at every tap of its output window."""
    n, h, w, _ = x.shape
    kh, kw, filters, _ = f.shape
    _, top, _ = conv_output_and_padding(out_hw[0], kh, strides[0], dilations[0], padding)
    _, left, _ = conv_output_and_padding(out_hw[1], kw, strides[1], dilations[1], padding)
    out = np.zeros((n,) + tuple(out_hw) + (filters,))
    for i in range(h):
        for j in range(w):
            for di in range(kh):
                for dj in range(kw):
                    r = i * strides[0] + di * dilations[0] - top
                    s = j * strides[1] + dj * dilations[1] - left
                    if 0 <= r < out_hw[0] and 0 <= s < out_hw[1]:
                        out[:, r, s] += x[:, i, j] @ f[di, dj].T
    return out


TRANSPOSE_CASES = [
    (dict(kernel_size=3), (6, 7)),
    (dict(kernel_size=3, strides=2, padding="same"), (8, 10)),
    (dict(kernel_size=2, strides=2), (8, 10)),
    (dict(kernel_size=3, strides=2), (9, 11)),
    (dict(kernel_size=3, strides=2, padding="same", output_padding=0), (7, 9)),
    (dict(kernel_size=3, strides=(2, 3), output_padding=(1, 2)), (10, 17)),
    (dict(kernel_size=2, padding="same", dilation_rate=2), (4, 5)),
]


@pytest.mark.parametrize("case, out_hw", TRANSPOSE_CASES)
def test_conv2d_transpose_matches_numpy(rng, case, out_hw):
    x = rng.normal(size=(2, 4, 5, 3)).astype(np.float32)
    layer = L.Conv2DTranspose(2, **case)
    layer(x)
    kernel, bias = _set_random_weights(layer, rng)
    assert kernel.shape == layer.kernel_size + (2, 3)
    out = layer(x).numpy()
    assert out.shape == (2,) + out_hw + (2,)
    expected = reference_conv2d_transpose(x, kernel, out_hw, layer.strides,
                                          case.get("padding", "valid"),
                                          layer.dilation_rate) + bias
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-4)
    assert_same_layer(layer, x)


def test_conv2d_transpose_gradients_and_errors(rng, layer_gradients):
    layer_gradients(L.Conv2DTranspose(2, 2, strides=2, dtype="float64"),
                    rng.normal(size=(1, 2, 3, 2)))
    layer_gradients(L.Conv2DTranspose(1, 3, padding="same", dtype="float64"),
                    rng.normal(size=(2, 3, 3, 2)))
    with pytest.raises(ValueError, match=r"Conv2DTranspose: output_padding.*smaller than "
                                         r"the stride \(1, 1\)"):
        L.Conv2DTranspose(2, 3, output_padding=1)


# --- DepthwiseConv2D and SeparableConv2D ---------------------------------------------
def reference_depthwise(x, f, strides, padding, dilations=(1, 1)):
    channels, multiplier = f.shape[2:]
    outs = [reference_conv2d(x[..., c:c + 1], f[:, :, c:c + 1, :], strides, padding,
                             dilations) for c in range(channels)]
    return np.concatenate(outs, axis=-1)        # channel c, multiplier m at c * M + m


DEPTHWISE_CASES = [dict(kernel_size=3), dict(kernel_size=3, padding="same", depth_multiplier=2),
                   dict(kernel_size=(2, 3), strides=2, padding="same"),
                   dict(kernel_size=2, dilation_rate=2, depth_multiplier=3),
                   # "same" with a window of 2 along one axis only pads after, along that axis
                   dict(kernel_size=(2, 1), padding="same"),
                   dict(kernel_size=(1, 2), padding="same")]


@pytest.mark.parametrize("case", DEPTHWISE_CASES)
def test_depthwise_conv2d_matches_numpy(rng, case, layer_gradients):
    x = rng.normal(size=(2, 6, 7, 3)).astype(np.float32)
    layer = L.DepthwiseConv2D(**case)
    layer(x)
    kernel, bias = _set_random_weights(layer, rng)
    multiplier = case.get("depth_multiplier", 1)
    assert kernel.shape == layer.kernel_size + (3, multiplier) and bias.shape == (3 * multiplier,)
    assert [v.name for v in layer.weights] == ["depthwise_conv2d/depthwise_kernel:0",
                                               "depthwise_conv2d/bias:0"]
    expected = reference_depthwise(x, kernel, layer.strides, case.get("padding", "valid"),
                                   layer.dilation_rate) + bias
    np.testing.assert_allclose(layer(x).numpy(), expected, rtol=1e-4, atol=1e-4)
    assert_same_layer(layer, x)
    layer_gradients(L.DepthwiseConv2D(dtype="float64", **case), rng.normal(size=(1, 5, 5, 2)))


@pytest.mark.parametrize("case", [dict(), dict(padding="same", depth_multiplier=2, strides=2)])
def test_separable_conv2d_is_depthwise_then_pointwise(rng, case, layer_gradients):
    x = rng.normal(size=(2, 6, 6, 3)).astype(np.float32)
    layer = L.SeparableConv2D(4, 3, **case)
    layer(x)
    depthwise, pointwise, bias = _set_random_weights(layer, rng)
    assert pointwise.shape == (1, 1, 3 * case.get("depth_multiplier", 1), 4)
    middle = reference_depthwise(x, depthwise, layer.strides, case.get("padding", "valid"))
    expected = middle @ pointwise[0, 0] + bias
    np.testing.assert_allclose(layer(x).numpy(), expected, rtol=1e-4, atol=1e-4)
    copy = assert_same_layer(layer, x)
    assert copy.filters == 4 and copy.depth_multiplier == layer.depth_multiplier
    layer_gradients(L.SeparableConv2D(2, 2, dtype="float64", **case),
                    rng.normal(size=(1, 4, 4, 2)))


def test_new_conv_layers_errors_teach():
    with pytest.raises(ValueError, match=r"Conv1D: padding must be 'valid'.*'causal'"):
        L.Conv1D(2, 3, padding="full")
    with pytest.raises(ValueError, match=r"Conv1D: kernel_size must be a positive int"):
        L.Conv1D(2, (3, 3))
    with pytest.raises(ValueError, match=r"conv1d.*ndim=3.*\(batch, steps, channels\)"):
        L.Conv1D(2, 3)(tf.zeros([1, 5, 5, 2]))
    with pytest.raises(ValueError, match=r"DepthwiseConv2D: depth_multiplier must be a "
                                         r"positive integer"):
        L.DepthwiseConv2D(3, depth_multiplier=0)
    with pytest.raises(ValueError, match=r"SeparableConv2D: filters must be a positive"):
        L.SeparableConv2D(0, 3)
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"depthwise_conv2d.*window \(5\) is larger"):
        L.DepthwiseConv2D(5)(tf.zeros([1, 3, 3, 1]))


# --- global pooling -------------------------------------------------------------------
@pytest.mark.parametrize("cls, axes, reduce", [
    (L.GlobalAveragePooling2D, (1, 2), np.mean), (L.GlobalMaxPooling2D, (1, 2), np.max),
    (L.GlobalAveragePooling1D, (1,), np.mean), (L.GlobalMaxPooling1D, (1,), np.max)])
@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_global_pooling_matches_numpy(rng, cls, axes, reduce, keepdims, data_format):
    shape = (2, 4, 5, 3) if len(axes) == 2 else (2, 5, 3)
    x = rng.permutation(int(np.prod(shape))).reshape(shape).astype(np.float64) / 10
    layer = cls(data_format=data_format, keepdims=keepdims, dtype="float64")
    if data_format == "channels_first":
        axes = tuple(a + 1 for a in axes)
    expected = reduce(x, axis=axes, keepdims=keepdims)
    np.testing.assert_allclose(layer(x).numpy(), expected, rtol=1e-12)
    assert tuple(layer.compute_output_shape(shape)) == expected.shape
    assert_same_layer(layer, x)


def test_global_pooling_gradients_aliases_and_errors(rng, layer_gradients):
    x = rng.permutation(24).reshape(1, 2, 4, 3) / 10.0           # no ties
    layer_gradients(L.GlobalAveragePooling2D(dtype="float64"), x)
    layer_gradients(L.GlobalMaxPooling2D(dtype="float64"), x)
    layer_gradients(L.GlobalMaxPooling1D(keepdims=True, dtype="float64"), x[0])
    assert L.GlobalAvgPool2D is L.GlobalAveragePooling2D
    assert L.GlobalMaxPool1D is L.GlobalMaxPooling1D
    with pytest.raises(ValueError, match=r"global_average_pooling2d.*ndim=4.*\(batch, height, "
                                         r"width, channels\)"):
        L.GlobalAveragePooling2D()(tf.zeros([2, 3]))
    with pytest.raises(ValueError, match=r"GlobalMaxPooling1D: data_format must be"):
        L.GlobalMaxPooling1D(data_format="NWC")


# --- UpSampling2D, ZeroPadding2D, Cropping2D --------------------------------------------
def reference_bilinear(x, size):
    """tf.image.resize's bilinear, half-pixel centres, one output pixel at a time."""
    n, h, w, c = x.shape
    out = np.zeros((n, h * size[0], w * size[1], c))

    def where(o, scale, length):
        src = (o + 0.5) / scale - 0.5
        low = int(np.floor(src))
        t = src - low
        return min(max(low, 0), length - 1), min(max(low + 1, 0), length - 1), t

    for i in range(h * size[0]):
        r0, r1, tr = where(i, size[0], h)
        for j in range(w * size[1]):
            c0, c1, tc = where(j, size[1], w)
            top = (1 - tc) * x[:, r0, c0] + tc * x[:, r0, c1]
            bottom = (1 - tc) * x[:, r1, c0] + tc * x[:, r1, c1]
            out[:, i, j] = (1 - tr) * top + tr * bottom
    return out


@pytest.mark.parametrize("size", [2, (1, 3), (3, 2)])
@pytest.mark.parametrize("interpolation", ["nearest", "bilinear"])
def test_upsampling2d_matches_numpy(rng, size, interpolation, layer_gradients):
    x = rng.normal(size=(2, 3, 4, 2))
    layer = L.UpSampling2D(size, interpolation=interpolation, dtype="float64")
    pair = layer.size
    expected = (x.repeat(pair[0], axis=1).repeat(pair[1], axis=2)
                if interpolation == "nearest" else reference_bilinear(x, pair))
    np.testing.assert_allclose(layer(x).numpy(), expected, rtol=1e-12, atol=1e-12)
    assert_same_layer(layer, x)
    layer_gradients(layer, x)


@pytest.mark.parametrize("padding, pads", [(1, ((1, 1), (1, 1))), ((2, 0), ((2, 2), (0, 0))),
                                           (((0, 1), (2, 3)), ((0, 1), (2, 3)))])
def test_zero_padding_and_cropping_match_numpy(rng, padding, pads, layer_gradients):
    x = rng.normal(size=(2, 5, 6, 3))
    padded = L.ZeroPadding2D(padding, dtype="float64")
    expected = np.pad(x, ((0, 0),) + pads + ((0, 0),))
    np.testing.assert_array_equal(padded(x).numpy(), expected)
    assert padded.padding == pads
    assert_same_layer(padded, x)
    cropped = L.Cropping2D(padding, dtype="float64")
    (t, b), (l, r) = pads
    np.testing.assert_array_equal(cropped(x).numpy(), x[:, t:5 - b, l:6 - r])
    assert_same_layer(cropped, x)
    layer_gradients(padded, x)
    layer_gradients(cropped, x)


def test_reshaping_layers_errors_teach():
    with pytest.raises(ValueError, match=r"UpSampling2D: interpolation must be one of "
                                         r"'nearest', 'bilinear'"):
        L.UpSampling2D(interpolation="bicubic")
    with pytest.raises(ValueError, match=r"ZeroPadding2D: padding must be an int.*pair of "
                                         r"pairs"):
        L.ZeroPadding2D((1, 2, 3))
    with pytest.raises(ValueError, match=r"Cropping2D: cropping must be.*non-negative"):
        L.Cropping2D(-1)
    with pytest.raises(ValueError, match=r"cropping2d.*removes every row or column.*"
                                         r"\(1, 2, 4, 1\)"):
        L.Cropping2D(1)(tf.zeros([1, 2, 4, 1]))
    with pytest.raises(ValueError, match=r"cropping2d.*removes every row or column"):
        L.Cropping2D(((1, 2), (0, 0)))(tf.zeros([1, 3, 4, 1]))
    with pytest.raises(ValueError, match=r"cropping2d.*removes every row or column"):
        L.Cropping2D(((0, 0), (3, 1)))(tf.zeros([1, 3, 4, 1]))


def test_a_small_encoder_decoder_runs_and_trains():
    model = tf.keras.Sequential([
        L.Conv2D(4, 3, padding="same", activation="relu", input_shape=(8, 8, 1)),
        L.DepthwiseConv2D(3, padding="same"), L.MaxPool2D(),
        L.Conv2DTranspose(4, 3, strides=2, padding="same"), L.ZeroPadding2D(1),
        L.Cropping2D(1), L.SeparableConv2D(1, 3, padding="same"),
    ])
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, 8, 8, 1)).astype(np.float32)
    assert model(x).shape == (4, 8, 8, 1)
    losses = []
    for _ in range(15):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(x) - x))
        grads = tape.gradient(loss, model.trainable_variables)
        for v, g in zip(model.trainable_variables, grads):
            v.assign_sub(0.05 * g)
        losses.append(float(loss))
    assert losses[-1] < losses[0]


@pytest.mark.parametrize("make", [
    lambda: L.Conv2D(2, 3, kernel_regularizer="l2", bias_constraint="non_neg"),
    lambda: L.Conv1D(2, 3, kernel_regularizer="l2", activity_regularizer="l1"),
    lambda: L.DepthwiseConv2D(3, depthwise_regularizer="l2"),
    lambda: L.SeparableConv2D(2, 3, pointwise_regularizer="l1"),
    lambda: L.Conv2DTranspose(2, 3, kernel_regularizer="l2")])
def test_conv_layers_pass_regularizers_and_constraints_on_and_keep_them(rng, make):
    layer = make()
    shape = (1, 5, 2) if isinstance(layer, L.Conv1D) else (1, 5, 5, 2)
    layer(rng.normal(size=shape).astype(np.float32))
    assert len(layer.losses) >= 1 and all(float(loss) > 0 for loss in layer.losses)
    assert_same_layer(make(), rng.normal(size=shape).astype(np.float32))


def test_cropping_every_row_away_is_refused():
    with pytest.raises(ValueError, match="removes every row or column"):
        tf.keras.layers.Cropping2D(((2, 2), (0, 0)))(tf.ones([1, 4, 5, 1]))
    assert tf.keras.layers.Cropping2D(((2, 1), (0, 0)))(tf.ones([1, 4, 5, 1])).shape == (
        1, 1, 5, 1)


@pytest.mark.parametrize("make, shape, weights", [
    (lambda: L.Conv1D(4, 3), (None, 9, 2), [(3, 2, 4), (4,)]),
    (lambda: L.Conv2D(4, 3), (None, 6, 6, 2), [(3, 3, 2, 4), (4,)]),
    (lambda: L.Conv2DTranspose(4, 3), (None, 6, 6, 2), [(3, 3, 4, 2), (4,)]),
    (lambda: L.DepthwiseConv2D(3, depth_multiplier=2), (None, 6, 6, 2), [(3, 3, 2, 2), (4,)]),
    (lambda: L.SeparableConv2D(4, 3), (None, 6, 6, 2), [(3, 3, 2, 1), (1, 1, 2, 4), (4,)]),
], ids=["Conv1D", "Conv2D", "Conv2DTranspose", "DepthwiseConv2D", "SeparableConv2D"])
def test_build_called_directly_makes_the_weights_and_marks_the_layer_built(make, shape,
                                                                          weights):
    # Keras: layer.build(input_shape) by hand leaves the layer built, with its weights.
    layer = make()
    layer.build(shape)
    assert layer.built
    assert [tuple(w.shape) for w in layer.weights] == weights
