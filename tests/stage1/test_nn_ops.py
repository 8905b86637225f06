"""tf.nn activations, softmax, cross-entropies, dropout, l2_normalize, bias_add, moments.

Each op is checked against a NumPy reference written here, independently of the
kernels, on several shapes (0-d, empty, broadcasting where it applies).
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import stage1_tensors as tf
from stage1_tensors.errors import InvalidArgumentError

pytestmark = pytest.mark.stage1_task7

SHAPES = [(), (0,), (5,), (2, 3), (2, 0, 3), (3, 1, 4)]
_erf = np.vectorize(math.erf, otypes=[np.float64])


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


ACTIVATIONS = {
    "relu": (tf.nn.relu, lambda x: np.where(x > 0, x, 0)),
    "relu6": (tf.nn.relu6, lambda x: np.clip(x, 0, 6)),
    "leaky_relu": (tf.nn.leaky_relu, lambda x: np.where(x > 0, x, 0.2 * x)),
    "elu": (tf.nn.elu, lambda x: np.where(x > 0, x, np.exp(np.minimum(x, 0)) - 1)),
    "selu": (tf.nn.selu, lambda x: 1.0507009873554805 * np.where(
        x > 0, x, 1.6732632423543772 * (np.exp(np.minimum(x, 0)) - 1))),
    "gelu": (tf.nn.gelu, lambda x: 0.5 * x * (1 + _erf(x / math.sqrt(2)))),
    "gelu_tanh": (lambda x: tf.nn.gelu(x, approximate=True),
                  lambda x: 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi)
                                                   * (x + 0.044715 * x ** 3)))),
    "softplus": (tf.nn.softplus, lambda x: np.log1p(np.exp(-np.abs(x))) + np.maximum(x, 0)),
    "softsign": (tf.nn.softsign, lambda x: x / (1 + np.abs(x))),
}


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_activation_matches_numpy(name, shape, dtype, on, rng):
    fn, reference = ACTIVATIONS[name]
    x = (rng.standard_normal(shape) * 4).astype(dtype)
    y = fn(on(x))
    assert y.dtype == tf.as_dtype(dtype)
    assert y.shape == shape
    expected = reference(x.astype(np.float64))
    np.testing.assert_allclose(y.numpy(), expected, rtol=1e-5, atol=1e-6)


def test_activations_at_special_points():
    np.testing.assert_array_equal(tf.nn.relu([-0.0, 0.0, np.inf]).numpy(), [0, 0, np.inf])
    assert np.isnan(tf.nn.relu([np.nan]).numpy()[0])
    np.testing.assert_array_equal(tf.nn.relu6([7.0, -np.inf]).numpy(), [6, 0])
    assert tf.nn.leaky_relu(-1.0, alpha=0.5).numpy() == -0.5


def test_relu_on_integers_keeps_dtype():
    y = tf.nn.relu(tf.constant([-3, 0, 4]))
    assert y.dtype == tf.int32
    np.testing.assert_array_equal(y.numpy(), [0, 0, 4])
    assert tf.nn.relu6(tf.constant([9, -1], dtype=tf.int64)).numpy().tolist() == [6, 0]


def test_softplus_and_friends_do_not_overflow():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        big = tf.nn.softplus([-1000.0, 1000.0]).numpy()
        np.testing.assert_allclose(big, [0.0, 1000.0])
        np.testing.assert_allclose(tf.nn.elu([-1000.0]).numpy(), [-1.0])


def test_float16_stays_float16():
    x = np.array([-1.0, 0.5, 2.0], np.float16)
    for fn, _ in ACTIVATIONS.values():
        assert fn(x).dtype == tf.float16
    assert tf.nn.softmax(x).dtype == tf.float16


# --- softmax ------------------------------------------------------------------
def _np_softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


@pytest.mark.parametrize("shape,axis", [((4,), -1), ((2, 3), 0), ((2, 3), 1), ((2, 3), -2),
                                        ((2, 3, 4), 1), ((3, 0), 0), ((0, 3), -1)])
def test_softmax_and_log_softmax(shape, axis, on, rng):
    x = rng.standard_normal(shape).astype(np.float32) * 3
    expected = _np_softmax(x.astype(np.float64), axis)
    np.testing.assert_allclose(tf.nn.softmax(on(x), axis=axis).numpy(), expected, rtol=1e-5)
    np.testing.assert_allclose(tf.nn.log_softmax(on(x), axis=axis).numpy(),
                               np.log(expected), rtol=1e-5, atol=1e-5)


def test_softmax_is_stable_for_huge_logits():
    x = np.array([[1000.0, 0.0, -1000.0]], np.float32)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        np.testing.assert_allclose(tf.nn.softmax(x).numpy(), [[1, 0, 0]])
        np.testing.assert_allclose(tf.nn.log_softmax(x).numpy(), [[0, -1000, -2000]])


@settings(derandomize=True, max_examples=25, deadline=None)
@given(st.lists(st.floats(-50, 50, width=32), min_size=1, max_size=8))
def test_softmax_is_a_distribution(values):
    p = tf.nn.softmax(np.array(values, np.float32)).numpy()
    assert (p >= 0).all() and abs(p.sum() - 1) < 1e-5


# --- cross-entropies ----------------------------------------------------------
@pytest.mark.parametrize("shape", [(), (0,), (4,), (2, 3)])
def test_sigmoid_cross_entropy(shape, on, rng):
    logits = rng.standard_normal(shape) * 5
    labels = rng.uniform(size=shape)
    p = _sigmoid(logits)
    expected = -labels * np.log(p) - (1 - labels) * np.log(1 - p)
    got = tf.nn.sigmoid_cross_entropy_with_logits(labels=on(labels), logits=on(logits))
    assert got.dtype == tf.float64 and got.shape == shape
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-10)


def test_sigmoid_cross_entropy_is_stable():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        got = tf.nn.sigmoid_cross_entropy_with_logits(labels=[0.0, 1.0], logits=[1000.0, -1000.0])
    np.testing.assert_allclose(got.numpy(), [1000.0, 1000.0])


@pytest.mark.parametrize("shape,axis", [((5,), -1), ((3, 4), -1), ((3, 4), 0),
                                        ((2, 3, 4), 1), ((0, 4), -1)])
def test_softmax_cross_entropy(shape, axis, on, rng):
    logits = rng.standard_normal(shape) * 3
    labels = _np_softmax(rng.standard_normal(shape), axis)
    expected = -(labels * np.log(_np_softmax(logits, axis))).sum(axis=axis)
    got = tf.nn.softmax_cross_entropy_with_logits(labels=on(labels), logits=on(logits),
                                                  axis=axis)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-10)


@pytest.mark.parametrize("label_dtype", [np.int32, np.int64])
@pytest.mark.parametrize("shape", [(4,), (2, 3, 5), (0, 5)])
def test_sparse_softmax_cross_entropy(shape, label_dtype, on, rng):
    logits = (rng.standard_normal(shape) * 3).astype(np.float32)
    labels = rng.integers(0, shape[-1], size=shape[:-1]).astype(label_dtype)
    log_p = np.log(_np_softmax(logits.astype(np.float64), -1))
    expected = -np.take_along_axis(log_p, labels[..., None].astype(np.int64), -1)[..., 0]
    got = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=on(labels), logits=on(logits))
    assert got.dtype == tf.float32 and got.shape == shape[:-1]
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-5)


def test_sparse_label_out_of_range_names_label_and_classes():
    with pytest.raises(InvalidArgumentError, match=r"label value of 7 .*\[0, 3\).*3 classes"):
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[0, 7], logits=np.zeros((2, 3)))
    with pytest.raises(InvalidArgumentError, match="label value of -1"):
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[-1], logits=np.zeros((1, 3)))


# --- the fused backward ops -------------------------------------------------------
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32])
def test_relu_grad(shape, dtype, on, rng):
    gradients = (rng.standard_normal(shape) * 5).astype(dtype)
    features = (rng.standard_normal(shape) * 5).astype(dtype)
    got = tf.nn.relu_grad(on(gradients), on(features))
    assert got.dtype == tf.as_dtype(dtype) and got.shape == shape
    np.testing.assert_array_equal(got.numpy(), np.where(features > 0, gradients, 0))


def test_relu_grad_passes_nothing_at_zero_and_propagates_nan_like_tf():
    got = tf.nn.relu_grad([1.0, 1.0, np.nan, np.nan], [0.0, -0.0, 1.0, -1.0]).numpy()
    # TensorFlow multiplies by the mask, so nan * 0 stays nan
    np.testing.assert_array_equal(got, [0.0, 0.0, np.nan, np.nan])


@pytest.mark.parametrize("label_dtype", [np.int32, np.int64])
@pytest.mark.parametrize("shape", [(4,), (3, 5), (2, 3, 5), (0, 5)])
def test_sparse_softmax_cross_entropy_grad(shape, label_dtype, on, rng):
    logits = (rng.standard_normal(shape) * 3).astype(np.float32)
    labels = rng.integers(0, shape[-1], size=shape[:-1]).astype(label_dtype)
    grad = rng.standard_normal(shape[:-1]).astype(np.float32)
    one_hot = np.eye(shape[-1])[labels]
    expected = grad[..., None] * (_np_softmax(logits.astype(np.float64), -1) - one_hot)
    got = tf.nn.sparse_softmax_cross_entropy_with_logits_grad(on(grad), on(labels), on(logits))
    assert got.dtype == tf.float32 and got.shape == shape
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("shape,data_format", [((3, 4), None), ((0, 4), "NHWC"),
                                               ((2, 3, 4, 5), "NHWC"), ((2, 3, 4, 5), "NCHW"),
                                               ((2, 3, 4), "NCW"), ((2, 0, 3), "NWC")])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16, np.int32])
def test_bias_add_grad(shape, data_format, dtype, on, rng):
    g = (rng.standard_normal(shape) * 4).astype(dtype)
    channel = 1 if data_format and data_format.startswith("NC") else len(shape) - 1
    expected = g.astype(np.float64).sum(axis=tuple(a for a in range(len(shape)) if a != channel))
    got = tf.nn.bias_add_grad(on(g), data_format=data_format)
    assert got.dtype == tf.as_dtype(dtype) and got.shape == expected.shape
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-2 if dtype == np.float16 else 1e-5,
                               atol=0.1 if dtype == np.float16 else 1e-5)


# --- bias_add, l2_normalize, moments ----------------------------------------------
def test_bias_add(on, rng):
    x = rng.standard_normal((2, 3, 4, 5))
    b = rng.standard_normal(5)
    np.testing.assert_allclose(tf.nn.bias_add(on(x), on(b)).numpy(), x + b)
    b3 = rng.standard_normal(3)
    np.testing.assert_allclose(tf.nn.bias_add(on(x), on(b3), data_format="NCHW").numpy(),
                               x + b3[:, None, None])
    np.testing.assert_array_equal(tf.nn.bias_add([[1, 2]], [10, 20]).numpy(), [[11, 22]])


@pytest.mark.parametrize("shape,axis", [((3,), 0), ((2, 3), 1), ((2, 3), -1), ((2, 3), None),
                                        ((2, 3, 4), [0, 2]), ((0, 3), 1)])
def test_l2_normalize(shape, axis, rng):
    x = rng.standard_normal(shape)
    norm = np.sqrt(np.maximum((x * x).sum(axis=None if axis is None else tuple(np.atleast_1d(axis)),
                                          keepdims=True), 1e-12))
    np.testing.assert_allclose(tf.nn.l2_normalize(x, axis=axis).numpy(), x / norm, rtol=1e-12)
    np.testing.assert_array_equal(tf.nn.l2_normalize(np.zeros(3), 0).numpy(), np.zeros(3))


@pytest.mark.parametrize("shape,axes,keepdims", [((4,), [0], False), ((3, 4), [0], False),
                                                 ((3, 4), [-1], True), ((2, 3, 4), [0, 1], False),
                                                 ((2, 3, 4), [0, 1, 2], True)])
def test_moments(shape, axes, keepdims, rng):
    x = rng.standard_normal(shape)
    mean, variance = tf.nn.moments(x, axes=axes, keepdims=keepdims)
    np.testing.assert_allclose(mean.numpy(), x.mean(axis=tuple(axes), keepdims=keepdims))
    np.testing.assert_allclose(variance.numpy(), x.var(axis=tuple(axes), keepdims=keepdims))


# --- dropout --------------------------------------------------------------------
def test_dropout_keeps_expectation_and_scales():
    x = np.ones((200, 100), np.float32)
    y = tf.nn.dropout(x, rate=0.25, seed=3).numpy()
    assert set(np.unique(y).tolist()) <= {0.0, np.float32(1 / 0.75)}
    assert abs((y == 0).mean() - 0.25) < 0.02
    assert abs(y.mean() - 1.0) < 0.03
    assert y.dtype == np.float32


def test_dropout_rate_zero_is_identity_and_noise_shape_shares_decisions():
    x = np.arange(12.0).reshape(3, 4)
    np.testing.assert_array_equal(tf.nn.dropout(x, rate=0.0).numpy(), x)
    y = tf.nn.dropout(np.ones((50, 4)), rate=0.5, noise_shape=[50, 1], seed=2).numpy()
    assert (y == y[:, :1]).all()          # whole rows kept or dropped


def test_dropout_is_reproducible_under_set_seed():
    tf.random.set_seed(42)
    a = tf.nn.dropout(np.ones(64), rate=0.5, seed=7).numpy()
    b = tf.nn.dropout(np.ones(64), rate=0.5, seed=7).numpy()
    tf.random.set_seed(42)
    a2 = tf.nn.dropout(np.ones(64), rate=0.5, seed=7).numpy()
    b2 = tf.nn.dropout(np.ones(64), rate=0.5, seed=7).numpy()
    np.testing.assert_array_equal(a, a2)
    np.testing.assert_array_equal(b, b2)


# --- errors that teach --------------------------------------------------------------
ERRORS = [
    (lambda: tf.nn.softmax(tf.constant([1, 2])), "softmax: .*int32.*valid dtypes"),
    (lambda: tf.nn.softmax(1.0), "softmax: logits must have rank >= 1"),
    (lambda: tf.nn.softmax([1.0, 2.0], axis=1), r"softmax: axis 1 is out of range .*\(2,\)"),
    (lambda: tf.nn.log_softmax([1.0], axis="a"), "log_softmax: axis must be one int"),
    (lambda: tf.nn.elu(tf.constant([1])), "elu: .*int32"),
    (lambda: tf.nn.leaky_relu([1.0], alpha="x"), "leaky_relu: alpha must be a number"),
    (lambda: tf.nn.sigmoid_cross_entropy_with_logits(labels=[1.0], logits=[1.0, 2.0]),
     r"labels and logits must have the same shape.*\(1,\).*\(2,\)"),
    (lambda: tf.nn.sigmoid_cross_entropy_with_logits(logits=[1.0]), "labels= and logits="),
    (lambda: tf.nn.softmax_cross_entropy_with_logits(labels=[[1.0]], logits=[[1.0, 2.0]]),
     "same shape"),
    (lambda: tf.nn.softmax_cross_entropy_with_logits(labels=[1.0], logits=[1.0], axis=3),
     "axis 3 is out of range"),
    (lambda: tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[0.0], logits=[[1.0]]),
     "labels has dtype float32.*int32, int64"),
    (lambda: tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[0, 0], logits=[[1.0]]),
     r"labels must have the shape of logits without its last.*expected labels of shape \(1,\)"),
    (lambda: tf.nn.sparse_softmax_cross_entropy_with_logits(labels=0, logits=1.0),
     "rank >= 1"),
    (lambda: tf.nn.relu_grad([1.0, 2.0], [1.0]),
     r"relu_grad: gradients and features must have the same shape.*\(2,\).*\(1,\)"),
    (lambda: tf.nn.relu_grad(tf.constant([1.0]), tf.constant([1], tf.int32)),
     "relu_grad: .*float32.*int32"),
    (lambda: tf.nn.sparse_softmax_cross_entropy_with_logits_grad([1.0], [3], [[1.0, 2.0]]),
     r"_grad: received a label value of 3 .*\[0, 2\)"),
    (lambda: tf.nn.sparse_softmax_cross_entropy_with_logits_grad([1.0], [0, 1], [[1.0]]),
     r"_grad: labels must have the shape of logits without"),
    (lambda: tf.nn.sparse_softmax_cross_entropy_with_logits_grad([1.0, 2.0], [0], [[1.0]]),
     r"_grad: grad holds one value per loss.*\(1,\), got \(2,\)"),
    (lambda: tf.nn.bias_add([[1.0, 2.0]], [1.0, 2.0, 3.0]), "one entry per channel.*2 channels"),
    (lambda: tf.nn.bias_add([1.0, 2.0], [1.0, 2.0]), "rank >= 2"),
    (lambda: tf.nn.bias_add_grad([1.0, 2.0]), r"bias_add_grad: out_backprop must have rank >= 2"),
    (lambda: tf.nn.bias_add_grad([[1.0]], data_format="CHW"), "bias_add_grad: data_format"),
    (lambda: tf.nn.bias_add([[1.0]], [1.0], data_format="HWC"), "data_format"),
    (lambda: tf.nn.dropout([1.0], rate=1.0), r"rate must be a float in the range \[0, 1\)"),
    (lambda: tf.nn.dropout([1.0], rate=-0.1), r"\[0, 1\)"),
    (lambda: tf.nn.dropout([1.0], rate="half"), "rate must be a float"),
    (lambda: tf.nn.dropout([1, 2], rate=0.5), "floating-point"),
    (lambda: tf.nn.dropout(np.ones((2, 3)), 0.5, noise_shape=[3, 3]), "broadcastable"),
    (lambda: tf.nn.l2_normalize([1, 2], 0), "l2_normalize: x must be a floating-point"),
    (lambda: tf.nn.l2_normalize([1.0, 2.0], 4), "axis 4 is out of range"),
    (lambda: tf.nn.moments([1.0, 2.0], axes=[2]), "axis 2 is out of range"),
    # composites name themselves first, then the inner op that failed (error_scope)
    (lambda: tf.nn.dropout(None, 0.5), r"^dropout: cannot convert None"),
    (lambda: tf.nn.moments(1.0, axes=0), r"^moments: reduce_mean: axis 0 is out of range"),
    (lambda: tf.nn.moments([1.0], [0], keepdims=tf.constant([True, False])),
     r"^moments: keepdims must be a bool, got a tensor of shape \(2,\)"),
    (lambda: tf.nn.l2_normalize([[1.0]], axis=5), r"^l2_normalize: reduce_sum: axis 5"),
    (lambda: tf.nn.l2_normalize([1.0], 0, epsilon="tiny"), "l2_normalize: epsilon must be a number"),
    (lambda: tf.nn.gelu([1.0], approximate=tf.constant([True, False])),
     r"^gelu: approximate must be a bool, got a tensor of shape \(2,\)"),
    (lambda: tf.nn.bias_add([[1.0]], [1.0], data_format=tf.constant([1.0])),
     "^bias_add: data_format must be"),
]


@pytest.mark.parametrize("call,message", ERRORS)
def test_bad_calls_raise_teaching_errors(call, message):
    with pytest.raises(InvalidArgumentError, match=message):
        call()


def test_nn_namespace_has_the_api_names():
    for name in ["relu", "relu6", "leaky_relu", "elu", "gelu", "softplus", "softsign",
                 "softmax", "log_softmax", "sigmoid_cross_entropy_with_logits",
                 "softmax_cross_entropy_with_logits", "sparse_softmax_cross_entropy_with_logits",
                 "conv2d", "max_pool2d", "avg_pool2d", "dropout", "l2_normalize",
                 "sigmoid", "tanh"]:
        assert callable(getattr(tf.nn, name)), name
