"""Gradients of the elementwise unary ops, casts and clipping vs finite differences (task 3)."""

import numpy as np
import pytest

import stage2_autodiff as tf
from stage2_autodiff.testing import check_gradients
from tests.helpers import gradient_at

pytestmark = pytest.mark.stage2_task3

SHAPES = [(), (4,), (2, 3)]

# name, function, domain of test inputs (kept away from kinks and poles)
SMOOTH = [
    ("negative", tf.negative, (-2, 2)),
    ("abs", tf.abs, (0.2, 2)),
    ("abs_negative", tf.abs, (-2, -0.2)),
    ("square", tf.square, (-2, 2)),
    ("sqrt", tf.sqrt, (0.5, 3)),
    ("rsqrt", tf.math.rsqrt, (0.5, 3)),
    ("exp", tf.exp, (-2, 2)),
    ("log", tf.math.log, (0.5, 3)),
    ("log1p", tf.math.log1p, (-0.5, 2)),
    ("expm1", tf.math.expm1, (-2, 2)),
    ("sin", tf.sin, (-3, 3)),
    ("cos", tf.cos, (-3, 3)),
    ("tan", tf.math.tan, (-1, 1)),
    ("tanh", tf.tanh, (-2, 2)),
    ("sigmoid", tf.sigmoid, (-4, 4)),
    ("reciprocal", tf.math.reciprocal, (0.5, 3)),
    ("erf", tf.math.erf, (-2, 2)),
    ("cast_f32_roundtrip", lambda x: tf.cast(tf.cast(x, tf.float32), tf.float64) * 1.0,
     (-2, 2)),
    ("clip_by_norm", lambda x: tf.clip_by_norm(x, 1.0), (0.5, 2)),
]


@pytest.mark.stage2_task4
@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name,fn,domain", SMOOTH, ids=[s[0] for s in SMOOTH])
def test_first_and_second_order_match_finite_differences(rng, name, fn, domain, shape):
    x = rng.uniform(*domain, size=shape)
    if name == "cast_f32_roundtrip":       # float32 steps are too coarse for FD
        check_gradients(lambda v: tf.cast(v, tf.float64), [x], order=2)
        return
    check_gradients(fn, [x], order=2, rtol=1e-4, atol=1e-6)


@pytest.mark.stage2_task4
def test_composed_chain(rng):
    x = rng.uniform(0.5, 1.5, size=(3, 2))
    check_gradients(lambda v: tf.sigmoid(tf.sqrt(v) * tf.tanh(v)) + tf.math.log1p(tf.exp(-v)),
                    [x], order=2)


def test_abs_has_zero_slope_at_zero():
    np.testing.assert_array_equal(gradient_at(tf.abs, [-2.0, 0.0, 3.0]).numpy(), [-1, 0, 1])


def test_sign_gives_zeros_like_tensorflow():
    np.testing.assert_array_equal(gradient_at(tf.sign, [-2.0, 0.0, 3.0]).numpy(), [0, 0, 0])


@pytest.mark.parametrize("fn", [tf.floor, tf.math.ceil, tf.round])
def test_piecewise_constant_ops_give_none(fn):
    assert gradient_at(fn, [0.3, 1.7]) is None


def test_cast_to_an_integer_gives_none_and_between_floats_passes_through():
    assert gradient_at(lambda x: tf.cast(x, tf.int32), [1.5]) is None
    g = gradient_at(lambda x: tf.cast(x, tf.float64) * 3.0, [1.5])
    assert g.dtype == tf.float32 and g.numpy()[0] == 3.0


def test_sigmoid_gradient_is_finite_at_the_extremes():
    g = gradient_at(tf.sigmoid, [-1000.0, 0.0, 1000.0]).numpy()
    np.testing.assert_allclose(g, [0.0, 0.25, 0.0])


# --- clip_by_value -------------------------------------------------------------------
@pytest.mark.stage2_task4
@pytest.mark.parametrize("shapes", [((5,), (), ()), ((2, 3), (3,), (2, 1)),
                                    ((2, 3), (2, 3), ())], ids=str)
def test_clip_by_value_gradients_reach_all_three_inputs(rng, shapes):
    t = rng.uniform(-2, 2, size=shapes[0])
    low = rng.uniform(-1, -0.3, size=shapes[1])
    high = rng.uniform(0.3, 1, size=shapes[2])
    check_gradients(lambda t, lo, hi: tf.clip_by_value(t, lo, hi) ** 2,
                    [t, low, high], order=2)


def test_clip_by_value_passes_the_gradient_at_its_bounds():
    t, low, high = (tf.constant(v) for v in ([-1.0, 0.0, 1.0, 2.0], -1.0, 1.0))
    with tf.GradientTape() as tape:
        tape.watch([t, low, high])
        y = tf.clip_by_value(t, low, high)
    g_t, g_low, g_high = tape.gradient(y, [t, low, high])
    np.testing.assert_array_equal(g_t.numpy(), [1, 1, 1, 0])
    assert float(g_low) == 0.0 and float(g_high) == 1.0


@pytest.mark.stage2_task4
def test_clip_by_norm_gradient_is_finite_at_zero():
    g = gradient_at(lambda x: tf.clip_by_norm(x, 1.0), [0.0, 0.0]).numpy()
    assert np.all(np.isfinite(g))


def test_every_op_of_these_modules_has_a_gradient_decision():
    from stage1_tensors.ops import unary_ops
    from stage2_autodiff import registry
    for op in vars(unary_ops).values():
        if isinstance(op, type(unary_ops.Neg)):
            assert op.name not in registry.ops_without_gradient_rule(), op.name


# --- tests the mutation run asked for (each kills mutants that lived) ---------------

# (the test above needs task 4 for its second order; these are first order only)
FIRST_ORDER = [s for s in SMOOTH if s[0] not in ("cast_f32_roundtrip", "clip_by_norm")]


@pytest.mark.parametrize("name,fn,domain", FIRST_ORDER, ids=[s[0] for s in FIRST_ORDER])
def test_first_order_matches_finite_differences(rng, name, fn, domain):
    check_gradients(fn, [rng.uniform(*domain, size=(2, 3))], rtol=1e-4, atol=1e-6)


def test_erf_gradient_is_two_over_root_pi_times_exp_of_minus_x_squared():
    x = np.array([-1.5, 0.0, 0.5, 2.0])
    g = gradient_at(tf.math.erf, x.astype(np.float32)).numpy()
    np.testing.assert_allclose(g, 2.0 / np.sqrt(np.pi) * np.exp(-x * x), rtol=1e-6)


def test_cast_from_a_watched_integer_gives_none():
    # As TensorFlow: integers carry no gradient, even when watched and cast to float.
    i = tf.constant([1, 2])
    with tf.GradientTape() as tape:
        tape.watch(i)
        y = tf.cast(i, tf.float32) * 2.0
    assert tape.gradient(y, i) is None
