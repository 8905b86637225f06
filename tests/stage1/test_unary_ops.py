"""Elementwise unary ops, casts and clipping against NumPy (task 3)."""

import warnings

import numpy as np
import pytest
import scipy.special

import stage1_tensors as tf
from tests.helpers import assert_teaches

pytestmark = pytest.mark.stage1_task3

SHAPES = [(), (0,), (5,), (2, 3), (2, 0, 4), (3, 1, 2)]


def _sigmoid(x):
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-x))


# name, NumPy reference, domain of test inputs (low, high)
FLOAT_OPS = [
    ("sqrt", np.sqrt, (0.1, 4)),
    ("rsqrt", lambda x: 1 / np.sqrt(x), (0.1, 4)),
    ("exp", np.exp, (-3, 3)),
    ("log", np.log, (0.1, 4)),
    ("log1p", np.log1p, (-0.5, 3)),
    ("expm1", np.expm1, (-3, 3)),
    ("sin", np.sin, (-4, 4)),
    ("cos", np.cos, (-4, 4)),
    ("tan", np.tan, (-1.2, 1.2)),
    ("tanh", np.tanh, (-4, 4)),
    ("sigmoid", _sigmoid, (-8, 8)),
    ("reciprocal", np.reciprocal, (0.5, 4)),
    ("floor", np.floor, (-4, 4)),
    ("ceil", np.ceil, (-4, 4)),
    ("round", np.round, (-4, 4)),
    ("erf", scipy.special.erf, (-3, 3)),
    ("negative", np.negative, (-4, 4)),
    ("abs", np.abs, (-4, 4)),
    ("sign", np.sign, (-4, 4)),
    ("square", np.square, (-4, 4)),
]
FLOAT_ONLY = ["sqrt", "rsqrt", "exp", "log", "log1p", "expm1", "sin", "cos", "tan",
              "tanh", "sigmoid", "reciprocal", "floor", "ceil", "erf"]


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name,reference,domain", FLOAT_OPS, ids=[o[0] for o in FLOAT_OPS])
def test_float_ops_match_numpy(on, rng, name, reference, domain, dtype, shape):
    x = rng.uniform(*domain, size=shape).astype(dtype)
    got = getattr(tf, name)(on(x))
    assert got.dtype == dtype and got.shape == shape
    np.testing.assert_allclose(got.numpy(), reference(x).astype(dtype),
                               rtol=2e-6 if dtype == np.float32 else 1e-12, atol=1e-7)


@pytest.mark.parametrize("name", ["negative", "abs", "sign", "square", "round"])
@pytest.mark.parametrize("dtype", [np.int8, np.int32, np.int64])
def test_integer_ops_keep_their_dtype(on, name, dtype):
    x = np.array([[-3, 0, 2], [5, -1, 7]], dtype)
    expected = {"negative": -x, "abs": np.abs(x), "sign": np.sign(x),
                "square": x * x, "round": x}[name]
    got = getattr(tf, name)(on(x))
    assert got.dtype == dtype
    np.testing.assert_array_equal(got.numpy(), expected)


@pytest.mark.parametrize("name", FLOAT_ONLY)
def test_float_only_ops_reject_integers_with_a_teaching_error(name):
    assert_teaches(lambda: getattr(tf, name)(tf.constant([1, 4])), ["int32", "float32"], op=name)


def test_every_unary_op_is_also_in_math():
    for name, _, _ in FLOAT_OPS:
        assert getattr(tf.math, name) is getattr(tf, name)


def test_round_is_bankers_rounding():
    got = tf.round([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 2.6])
    np.testing.assert_array_equal(got.numpy(), [-2, -2, -0, 0, 2, 2, 3])


def test_ieee_results_without_numpy_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert tf.log(0.0).numpy() == -np.inf
        assert np.isnan(tf.sqrt(-1.0).numpy())
        assert tf.math.reciprocal(0.0).numpy() == np.inf
        assert tf.exp(1000.0).numpy() == np.inf
        np.testing.assert_array_equal(tf.sigmoid([-1e4, 1e4]).numpy(), [0.0, 1.0])
        assert tf.cast(np.float32(np.nan), tf.int32).dtype == tf.int32


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_sigmoid_is_stable_at_the_extremes(on, dtype):
    x = np.array([-1e4, -50, -1, 0, 1, 50, 1e4], dtype)
    got = tf.sigmoid(on(x)).numpy()
    assert got.dtype == dtype and np.all(np.isfinite(got))
    np.testing.assert_allclose(got, _sigmoid(x.astype(np.float64)), rtol=1e-3, atol=1e-7)
    assert tf.sigmoid(on(np.float64(-700))).numpy() > 0    # e/(1+e), not 1/(1+inf)


def test_logical_not(on):
    np.testing.assert_array_equal(tf.logical_not(on(np.array([True, False]))).numpy(),
                                  [False, True])
    with pytest.raises(tf.errors.InvalidArgumentError, match="logical_not.*float32"):
        tf.logical_not([1.0])


# --- cast --------------------------------------------------------------------------
@pytest.mark.parametrize("source,target,values,expected", [
    ("float32", "int32", [1.9, -1.9, 0.5, -0.5], [1, -1, 0, 0]),     # toward zero
    ("float64", "uint8", [0.0, 255.7], [0, 255]),
    ("float32", "bool", [0.0, -0.0, 0.1, np.inf], [False, False, True, True]),
    ("bool", "float32", [True, False], [1.0, 0.0]),
    ("int32", "float16", [1, -2048], [1.0, -2048.0]),
    ("int64", "int32", [2 ** 31 + 1], [-(2 ** 31) + 1]),               # wraps, like C
    ("int32", "bool", [0, 3, -1], [False, True, True]),
])
def test_cast(on, source, target, values, expected):
    got = tf.cast(on(np.array(values, source)), getattr(tf, target))
    assert got.dtype == getattr(tf, target)
    np.testing.assert_array_equal(got.numpy(), np.array(expected, target))


def test_cast_accepts_names_and_numpy_dtypes():
    assert tf.cast([1, 2], "float64").dtype == tf.float64
    assert tf.cast([1, 2], np.int8).dtype == tf.int8
    assert tf.cast(tf.zeros_like(tf.constant([[1.0]])), tf.int64).shape == (1, 1)


def test_cast_to_an_unknown_dtype_is_a_teaching_error():
    with pytest.raises(tf.errors.InvalidArgumentError, match="cast: .*valid dtypes"):
        tf.cast([1.0], "complex32")


@pytest.mark.parametrize("values,source,target,expected", [
    ([-300.0, 7.9, 300.0], "float32", "uint8", [0, 7, 255]),
    ([3e9, -3e9], "float32", "int32", [2147483520, -2147483648]),
    ([1e30, -1e30], "float64", "int64", [9223372036854774784, -2 ** 63]),
    ([100000, -7], "int32", "float16", [65504, -7]),
    ([300, -300], "int32", "int8", [127, -128]),
    ([True, False], "bool", "int32", [1, 0]),
])
def test_saturate_cast_clamps_to_the_target_range(values, source, target, expected):
    got = tf.saturate_cast(tf.constant(np.array(values, source)), target)
    assert got.dtype == getattr(tf, target)
    np.testing.assert_array_equal(got.numpy(), np.array(expected, target))


# --- clipping -----------------------------------------------------------------------
@pytest.mark.parametrize("shape,low_shape,high_shape", [
    ((), (), ()), ((4,), (), ()), ((2, 3), (3,), ()), ((2, 3), (2, 1), (1, 3)),
    ((0, 3), (3,), (3,)), ((2, 3), (2, 3), (2, 3)),
])
def test_clip_by_value_matches_numpy(on, rng, shape, low_shape, high_shape):
    t = rng.normal(size=shape).astype(np.float32)
    low = rng.uniform(-1, 0, size=low_shape).astype(np.float32)
    high = rng.uniform(0, 1, size=high_shape).astype(np.float32)
    got = tf.clip_by_value(on(t), on(low), on(high))
    assert got.shape == shape
    np.testing.assert_array_equal(got.numpy(), np.clip(t, low, high))


def test_clip_by_value_with_python_bounds_keeps_the_dtype():
    got = tf.clip_by_value(tf.constant([-5, 0, 5]), -2, 2)
    assert got.dtype == tf.int32
    np.testing.assert_array_equal(got.numpy(), [-2, 0, 2])


def _clip_by_norm(t, clip, axes):
    axes = tuple(axes) if isinstance(axes, list) else axes
    norm = np.sqrt(np.sum(t * t, axis=axes, keepdims=True))
    return t * clip / np.maximum(norm, clip)


@pytest.mark.parametrize("shape,axes", [((4,), None), ((3, 4), None), ((3, 4), 1),
                                        ((3, 4), [0]), ((2, 3, 4), (0, 2)), ((), None)])
@pytest.mark.stage1_task4
def test_clip_by_norm_matches_its_formula(on, rng, shape, axes):
    t = rng.normal(size=shape) * 3
    got = tf.clip_by_norm(on(t), 2.0, axes)
    assert got.dtype == tf.float64 and got.shape == shape
    np.testing.assert_allclose(got.numpy(), _clip_by_norm(t, 2.0, axes), rtol=1e-12)


@pytest.mark.stage1_task4
def test_clip_by_norm_leaves_zero_vectors_and_short_vectors_alone():
    got = tf.clip_by_norm([[0.0, 0.0], [0.3, 0.4], [3.0, 4.0]], 1.0, axes=1)
    np.testing.assert_allclose(got.numpy(), [[0, 0], [0.3, 0.4], [0.6, 0.8]], rtol=1e-6)


BAD_CALLS = [
    (lambda: tf.clip_by_value([1.0, 2.0], [0.0, 0.0, 0.0], 1.0),
     "clip_by_value", ["(3,)", "(2,)"]),
    (lambda: tf.clip_by_value(tf.constant([1.0]), tf.constant(0, tf.int32), 1.0),
     "clip_by_value", ["float32", "int32"]),
    (lambda: tf.clip_by_value(tf.constant([1, 2]), 0.5, 1), "clip_by_value", ["0.5", "int32"]),
    (lambda: tf.clip_by_norm([1, 2], 1), "clip_by_norm", ["int32"]),
    (lambda: tf.clip_by_norm([1.0, 2.0], tf.constant(1.0, tf.float64)),
     "clip_by_norm", ["float64", "float32"]),
    (lambda: tf.exp(tf.constant([1], tf.int64)), "exp", ["int64"]),
    (lambda: tf.abs([True]), "abs", ["bool"]),
    (lambda: tf.cast("text", tf.float32), "cast", ["text"]),
    (lambda: tf.sigmoid([[1.0], [2.0, 3.0]]), "sigmoid", ["rectangular"]),
    (lambda: tf.clip_by_norm([1.0, 2.0], 1.0, axes=5), "clip_by_norm", ["reduce_sum", "axis 5"]),
    (lambda: tf.clip_by_norm({}, 1.0), "clip_by_norm", ["cannot convert {}"]),
    (lambda: tf.saturate_cast(None, tf.int32), "saturate_cast", ["cannot convert None"]),
]


@pytest.mark.parametrize("call,op,mentions", BAD_CALLS)
def test_bad_calls_raise_errors_that_name_the_op(call, op, mentions):
    assert_teaches(call, mentions, op=op)


@pytest.mark.parametrize("name,reference", [("is_nan", np.isnan), ("is_inf", np.isinf),
                                            ("is_finite", np.isfinite)])
def test_float_value_questions(on, name, reference):
    x = np.array([[0.0, np.nan], [np.inf, -np.inf]], np.float32)
    got = getattr(tf.math, name)(on(x))
    assert got.dtype == tf.bool
    np.testing.assert_array_equal(got.numpy(), reference(x))
    with pytest.raises(tf.errors.InvalidArgumentError, match=name + ": .*int32"):
        getattr(tf.math, name)([1])


# --- tests the mutation run asked for (each kills mutants that lived) ---------------

@pytest.mark.parametrize("dtype", [tf.float32, tf.float64])
def test_sigmoid_on_both_sides_of_zero(dtype):
    x = np.array([-3.0, -0.5, 0.0, 0.25, 0.5, 0.9, 1.0, 3.0])
    got = tf.sigmoid(tf.constant(x, dtype)).numpy()
    np.testing.assert_allclose(got, 1.0 / (1.0 + np.exp(-x)), rtol=1e-6)


def test_complex_casts_keep_the_imaginary_part_unless_the_target_is_real():
    z = tf.constant([1 + 2j, -3.5 - 0.5j], tf.complex64)
    np.testing.assert_array_equal(tf.cast(z, tf.complex128).numpy(), [1 + 2j, -3.5 - 0.5j])
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # as TensorFlow: no warning, the real part
        np.testing.assert_array_equal(tf.cast(z, tf.float32).numpy(), [1.0, -3.5])
        np.testing.assert_array_equal(tf.cast(z, tf.int32).numpy(), [1, -3])
    np.testing.assert_array_equal(tf.cast(tf.constant([1.5, -2.0]), tf.complex64).numpy(),
                                  [1.5 + 0j, -2.0 + 0j])
