"""Task 1: the other Keras losses (more.py), each against its formula in NumPy,
its gradient against finite differences (float64), its class and its name."""

import numpy as np
import pytest

import stage4_training as tf

pytestmark = pytest.mark.stage4_task1

EPS = 1e-7
RNG = np.random.default_rng(5)
REAL = RNG.standard_normal((4, 3))
POSITIVE = RNG.random((4, 3)) + 0.1
PROBS = RNG.dirichlet(np.ones(3), size=4)
ONE_HOT = np.eye(3)[RNG.integers(0, 3, 4)]
SIGNS = np.where(RNG.random((4, 3)) > 0.5, 1.0, -1.0)
BITS = (SIGNS + 1) / 2


def unit(a):
    return a / np.sqrt(np.maximum((a * a).sum(-1, keepdims=True), 1e-12))


CASES = {   # name: (class, y_true, y_pred, the per-sample loss in NumPy)
    "mean_absolute_percentage_error": (
        "MeanAbsolutePercentageError", REAL, REAL[::-1],
        lambda y, p: 100 * np.mean(np.abs(y - p) / np.maximum(np.abs(y), EPS), -1)),
    "mean_squared_logarithmic_error": (
        "MeanSquaredLogarithmicError", POSITIVE, POSITIVE[::-1],
        lambda y, p: np.mean((np.log(np.maximum(p, EPS) + 1)
                              - np.log(np.maximum(y, EPS) + 1)) ** 2, -1)),
    "hinge": ("Hinge", SIGNS, REAL, lambda y, p: np.mean(np.maximum(1 - y * p, 0), -1)),
    "squared_hinge": ("SquaredHinge", SIGNS, REAL,
                      lambda y, p: np.mean(np.maximum(1 - y * p, 0) ** 2, -1)),
    "categorical_hinge": (
        "CategoricalHinge", ONE_HOT, REAL,
        lambda y, p: np.maximum((np.max((1 - y) * p, -1) - np.sum(y * p, -1) + 1), 0)),
    "kl_divergence": (
        "KLDivergence", PROBS, PROBS[::-1],
        lambda y, p: np.sum(np.clip(y, EPS, 1) * np.log(np.clip(y, EPS, 1)
                                                        / np.clip(p, EPS, 1)), -1)),
    "poisson": ("Poisson", POSITIVE, POSITIVE[::-1],
                lambda y, p: np.mean(p - y * np.log(p + EPS), -1)),
    "log_cosh": ("LogCosh", REAL, REAL[::-1], lambda y, p: np.mean(np.log(np.cosh(p - y)), -1)),
    "cosine_similarity": ("CosineSimilarity", REAL, REAL[::-1],
                          lambda y, p: -np.sum(unit(y) * unit(p), -1)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_loss_matches_its_formula_and_its_class_reduces_it(name):
    class_name, y_true, y_pred, expected = CASES[name]
    fn = tf.keras.losses.get(name)
    got = fn(tf.constant(y_true), tf.constant(y_pred))
    np.testing.assert_allclose(got.numpy(), expected(y_true, y_pred), rtol=1e-10, atol=1e-12)
    assert got.dtype == tf.float64                      # float64 stays float64
    loss = tf.keras.losses.get(class_name)
    weights = np.arange(1.0, 5.0)
    np.testing.assert_allclose(
        float(loss(y_true, y_pred, sample_weight=weights)),
        np.sum(expected(y_true, y_pred) * weights) / 4, rtol=1e-6)
    assert type(tf.keras.losses.deserialize(tf.keras.losses.serialize(loss))) is type(loss)


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_loss_has_the_gradient_of_its_formula(name):
    _, y_true, y_pred, _ = CASES[name]
    if name.endswith("hinge"):                          # keep away from the kinks
        y_pred = np.where(np.abs(1 - np.abs(y_pred)) < 0.05, y_pred + 0.1, y_pred)
    fn = tf.keras.losses.get(name)
    theoretical, numerical = tf.test.compute_gradient(
        lambda p: tf.reduce_sum(fn(tf.constant(y_true), p)), [tf.constant(y_pred)], delta=1e-6)
    np.testing.assert_allclose(theoretical[0], numerical[0], rtol=1e-5, atol=1e-6)


def test_hinge_turns_zero_one_labels_into_minus_one_one():
    np.testing.assert_allclose(tf.keras.losses.hinge(BITS, REAL).numpy(),
                               tf.keras.losses.hinge(SIGNS, REAL).numpy())
    np.testing.assert_allclose(tf.keras.losses.squared_hinge(BITS, REAL).numpy(),
                               tf.keras.losses.squared_hinge(SIGNS, REAL).numpy())


def test_log_cosh_does_not_overflow_and_kld_of_equal_distributions_is_zero():
    assert float(tf.keras.losses.log_cosh([[0.0]], [[1000.0]])[0]) == pytest.approx(
        1000 - np.log(2), rel=1e-6)
    np.testing.assert_allclose(tf.keras.losses.kl_divergence(PROBS, PROBS).numpy(), 0.0,
                               atol=1e-12)


def test_the_short_names_and_the_class_names():
    losses = tf.keras.losses
    assert losses.get("mape") is losses.mean_absolute_percentage_error
    assert losses.get("msle") is losses.get("MSLE") is losses.mean_squared_logarithmic_error
    assert losses.get("kld") is losses.get("kullback_leibler_divergence") is losses.kl_divergence
    assert losses.get("logcosh") is losses.log_cosh
    names = {cls: losses.get(cls).name for cls in (
        "MeanAbsolutePercentageError", "MeanSquaredLogarithmicError", "Hinge", "SquaredHinge",
        "CategoricalHinge", "KLDivergence", "Poisson", "LogCosh", "CosineSimilarity")}
    assert names == {"MeanAbsolutePercentageError": "mean_absolute_percentage_error",
                     "MeanSquaredLogarithmicError": "mean_squared_logarithmic_error",
                     "Hinge": "hinge", "SquaredHinge": "squared_hinge",
                     "CategoricalHinge": "categorical_hinge", "KLDivergence": "kl_divergence",
                     "Poisson": "poisson", "LogCosh": "log_cosh",
                     "CosineSimilarity": "cosine_similarity"}

