"""Task 7: initializers (seeded, with TF's statistics) and activations (by name or function)."""

import math

import numpy as np
import pytest

import stage3_layers as tf

pytestmark = pytest.mark.stage3_task1

init = tf.keras.initializers


@pytest.mark.stage3_task4
def test_set_seed_makes_model_weights_reproducible():
    def weights():
        tf.keras.backend.clear_session()
        tf.random.set_seed(42)
        model = tf.keras.Sequential([tf.keras.layers.Dense(5, input_shape=(3,)),
                                     tf.keras.layers.Dense(2)])
        return model.get_weights()
    a, b = weights(), weights()
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    tf.random.set_seed(43)
    c = tf.keras.layers.Dense(5)
    c(tf.ones([1, 3]))
    assert not np.array_equal(c.kernel.numpy(), a[0])


@pytest.mark.parametrize("cls, shape, mode, check", [
    (init.GlorotUniform, (300, 200), "fan_avg", "uniform"),
    (init.HeUniform, (400, 100), "fan_in", "uniform"),
    (init.LecunUniform, (400, 100), "fan_in", "uniform"),
    (init.GlorotNormal, (300, 200), "fan_avg", "normal"),
    (init.HeNormal, (3, 3, 64, 64), "fan_in", "normal"),
    (init.LecunNormal, (500, 100), "fan_in", "normal"),
])
def test_variance_scaling_statistics(cls, shape, mode, check):
    w = cls()(shape).numpy()
    fan_in, fan_out = init.compute_fans(shape)
    n = {"fan_in": fan_in, "fan_avg": (fan_in + fan_out) / 2}[mode]
    scale = 2.0 if cls in (init.HeUniform, init.HeNormal) else 1.0
    std = math.sqrt(scale / n)
    assert w.shape == shape and w.dtype == np.float32
    assert abs(w.std() - std) < 0.03 * std             # the intended stddev, also truncated
    if check == "uniform":
        assert np.abs(w).max() <= math.sqrt(3) * std + 1e-7
    else:                                                  # cut at 2 stddev of the draw
        assert np.abs(w).max() <= 2 * std / 0.87962566103423978 + 1e-6


def test_simple_initializers():
    np.testing.assert_array_equal(init.Zeros()((2, 3)).numpy(), np.zeros((2, 3)))
    np.testing.assert_array_equal(init.Ones()((2,), dtype="float64").numpy(), [1.0, 1.0])
    np.testing.assert_array_equal(init.Constant(2.5)((3,)).numpy(), [2.5] * 3)
    np.testing.assert_array_equal(init.Constant([[1, 2]])((1, 2)).numpy(), [[1.0, 2.0]])
    with pytest.raises(ValueError, match="cannot fill shape"):
        init.Constant([1, 2, 3])((2,))
    w = init.RandomNormal(mean=1.0, stddev=0.5)((20000,)).numpy()
    assert abs(w.mean() - 1.0) < 0.02 and abs(w.std() - 0.5) < 0.02
    u = init.RandomUniform(-2.0, 3.0)((20000,)).numpy()
    assert u.min() >= -2.0 and u.max() < 3.0 and abs(u.mean() - 0.5) < 0.05
    t = init.TruncatedNormal(stddev=1.0)((20000,)).numpy()
    assert np.abs(t).max() <= 2.0
    q = init.Orthogonal()((5, 3)).numpy()
    np.testing.assert_allclose(q.T @ q, np.eye(3), atol=1e-5)


def test_initializer_seeds_and_errors():
    # An op seed makes a program's draws reproducible even without set_seed.
    tf.random.set_seed(None)
    a = init.RandomNormal(seed=5)((4,)).numpy()
    tf.random.set_seed(None)
    b = init.RandomNormal(seed=5)((4,)).numpy()
    np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="only makes floating-point values"):
        init.GlorotUniform()((2, 2), dtype="int32")
    with pytest.raises(ValueError, match="mode must be 'fan_in'"):
        init.VarianceScaling(mode="fan")


@pytest.mark.parametrize("name, cls", [
    ("glorot_uniform", init.GlorotUniform), ("GlorotUniform", init.GlorotUniform),
    ("he_normal", init.HeNormal), ("zeros", init.Zeros), ("ones", init.Ones),
    ("random_normal", init.RandomNormal), ("random_uniform", init.RandomUniform),
    ("uniform", init.RandomUniform), ("constant", init.Constant),
    ("orthogonal", init.Orthogonal), ("truncated_normal", init.TruncatedNormal)])
def test_get_by_name(name, cls):
    assert type(init.get(name)) is cls


def test_get_other_identifiers():
    obj = init.HeNormal()
    assert init.get(obj) is obj and init.get(None) is None
    assert type(init.get(init.Ones)) is init.Ones
    fn = lambda shape, dtype=None: tf.ones(shape)  # noqa: E731
    assert init.get(fn) is fn
    assert type(init.get(init.serialize(init.Constant(3.0)))) is init.Constant
    with pytest.raises(ValueError, match="cannot interpret 3"):
        init.get(3)


def _np_gelu(x):
    from scipy.special import erf
    return 0.5 * x * (1 + erf(x / np.sqrt(2)))


ACTIVATIONS = [
    ("relu", lambda x: np.maximum(x, 0)),
    ("sigmoid", lambda x: 1 / (1 + np.exp(-x))),
    ("tanh", np.tanh),
    ("softmax", lambda x: np.exp(x) / np.exp(x).sum(-1, keepdims=True)),
    ("gelu", _np_gelu),
    ("elu", lambda x: np.where(x > 0, x, np.exp(x) - 1)),
    ("selu", lambda x: 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * (np.exp(x) - 1))),
    ("softplus", lambda x: np.log1p(np.exp(x))),
    ("softsign", lambda x: x / (1 + np.abs(x))),
    ("swish", lambda x: x / (1 + np.exp(-x))),
    ("relu6", lambda x: np.clip(x, 0, 6)),
    ("exponential", np.exp),
    ("hard_sigmoid", lambda x: np.clip(x / 6 + 0.5, 0, 1)),
    ("linear", lambda x: x),
]


@pytest.mark.parametrize("name, ref", ACTIVATIONS)
def test_activations_match_numpy(on, rng, name, ref):
    x = (rng.normal(size=(3, 5)) * 3).astype(np.float32)
    fn = tf.keras.activations.get(name)
    assert fn is getattr(tf.keras.activations, name)
    np.testing.assert_allclose(np.asarray(fn(on(x))), ref(x.astype(np.float64)),
                               rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", ["relu", "sigmoid", "tanh", "softmax", "gelu", "elu",
                                  "selu", "softplus", "swish"])
def test_activation_gradients(name, rng):
    from stage2_autodiff.testing import check_gradients
    x = rng.normal(size=(2, 4)) * 2
    x[np.abs(x) < 0.05] = 0.3             # keep away from kinks
    check_gradients(tf.keras.activations.get(name), [x])


def test_activation_variants_and_lookup_errors():
    x = tf.constant([-2.0, 0.5, 9.0])
    np.testing.assert_allclose(tf.keras.activations.relu(x, alpha=0.1).numpy(), [-0.2, 0.5, 9.0])
    np.testing.assert_allclose(tf.keras.activations.relu(x, max_value=6.0).numpy(), [0, 0.5, 6])
    np.testing.assert_allclose(tf.keras.activations.relu(x, threshold=1.0).numpy(), [0, 0, 9])
    np.testing.assert_allclose(tf.keras.activations.elu(x, alpha=2.0).numpy(),
                               [2 * (np.exp(-2) - 1), 0.5, 9.0], rtol=1e-6)
    np.testing.assert_allclose(tf.keras.activations.softmax(tf.ones([2, 2]), axis=0).numpy(),
                               np.full((2, 2), 0.5))
    assert tf.keras.activations.get(None) is tf.keras.activations.linear
    assert tf.keras.activations.get(np.tanh) is np.tanh
    assert tf.keras.activations.serialize(tf.keras.activations.gelu) == "gelu"
    with pytest.raises(ValueError, match="unknown activation 'rel'"):
        tf.keras.activations.get("rel")
    with pytest.raises(TypeError, match="must be a name"):
        tf.keras.activations.get(3)


def test_glorot_of_a_vector_counts_its_length_as_both_fans():
    # Keras: a 1-D weight of n values has fan_in = fan_out = n, so the limit is sqrt(6 / 2n).
    values = tf.keras.initializers.GlorotUniform(seed=3)((20000,)).numpy()
    limit = math.sqrt(6.0 / 40000)
    assert np.abs(values).max() <= limit and np.abs(values).max() > 0.95 * limit


def test_glorot_of_a_conv_kernel_counts_the_window_in_both_fans():
    # (kh, kw, in, out) = (3, 3, 8, 32): fan_in = 9 * 8 = 72, fan_out = 9 * 32 = 288.
    values = tf.keras.initializers.GlorotUniform(seed=5)((3, 3, 8, 32)).numpy()
    limit = math.sqrt(6.0 / (72 + 288))
    assert np.abs(values).max() <= limit and np.abs(values).max() > 0.95 * limit


def test_variance_scaling_untruncated_normal_is_centred_with_the_asked_variance():
    init = tf.keras.initializers.VarianceScaling(scale=2.0, mode="fan_in",
                                                 distribution="untruncated_normal", seed=2)
    values = init((400, 300)).numpy()
    assert abs(values.mean()) < 0.003
    assert abs(values.std() - math.sqrt(2.0 / 400)) < 0.002


def _uniform_limit_is(values, limit):
    """Uniform draws in [-limit, limit]: none beyond it, and the largest close to it."""
    top = np.abs(values).max()
    assert top <= limit * (1 + 1e-6) and top > 0.95 * limit, (top, limit)


def test_fans_of_a_scalar_weight_are_one():
    # Keras: a weight of shape () has fan_in = fan_out = 1, so GlorotUniform's
    # limit is sqrt(6 / 2) and HeUniform's sqrt(6 / 1).
    glorot = np.array([tf.keras.initializers.GlorotUniform(seed=s)(()).numpy()
                       for s in range(200)])
    assert glorot.shape == (200,)
    _uniform_limit_is(glorot, math.sqrt(3.0))
    he = np.array([tf.keras.initializers.HeUniform(seed=s)(()).numpy() for s in range(200)])
    _uniform_limit_is(he, math.sqrt(6.0))


@pytest.mark.parametrize("mode, n", [("fan_in", 5 * 4), ("fan_out", 5 * 6),
                                     ("fan_avg", (5 * 4 + 5 * 6) / 2)])
def test_fans_of_a_conv1d_kernel_count_the_window(mode, n):
    # (k, in, out) = (5, 4, 6): fan_in = 5 * 4, fan_out = 5 * 6.
    values = tf.keras.initializers.VarianceScaling(
        scale=1.0, mode=mode, distribution="uniform", seed=4)((5, 4, 6)).numpy()
    _uniform_limit_is(values, math.sqrt(3.0 / n))


def test_fans_of_a_conv3d_kernel_count_the_window():
    # (2, 3, 4, in, out) = (2, 3, 4, 5, 6): the window is 24 values.
    values = tf.keras.initializers.GlorotUniform(seed=6)((2, 3, 4, 5, 6)).numpy()
    _uniform_limit_is(values, math.sqrt(6.0 / (24 * 5 + 24 * 6)))


def test_orthogonal_of_a_higher_rank_shape_flattens_all_but_the_last_axis():
    # Keras: the shape (2, 3, 4) is drawn as a 6 x 4 matrix with orthonormal columns.
    q = tf.keras.initializers.Orthogonal(gain=2.0, seed=1)((2, 3, 4)).numpy()
    assert q.shape == (2, 3, 4) and q.dtype == np.float32
    flat = q.reshape(6, 4)
    np.testing.assert_allclose(flat.T @ flat, 4.0 * np.eye(4), atol=1e-5)
    wide = tf.keras.initializers.Orthogonal(seed=1)((2, 5)).numpy()
    np.testing.assert_allclose(wide @ wide.T, np.eye(2), atol=1e-5)
