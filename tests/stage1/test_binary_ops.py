"""Elementwise binary ops and the dtype rules they enforce (task 3)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import stage1_tensors as tf
from tests.helpers import assert_teaches

pytestmark = pytest.mark.stage1_task3

# Pairs of shapes that broadcast, incl. 0-d and empty ones.
SHAPE_PAIRS = [((), ()), ((3,), ()), ((), (3,)), ((2, 3), (3,)), ((2, 1), (1, 4)),
               ((4, 1, 3), (2, 1)), ((0,), ()), ((0, 3), (1, 3)), ((2, 0), (2, 1))]

ARITHMETIC = [
    ("add", np.add), ("subtract", np.subtract), ("multiply", np.multiply),
    ("divide", np.true_divide), ("maximum", np.maximum), ("minimum", np.minimum),
    ("squared_difference", lambda x, y: (x - y) ** 2), ("pow", np.power),
]
COMPARISONS = [
    ("equal", np.equal), ("not_equal", np.not_equal), ("less", np.less),
    ("less_equal", np.less_equal), ("greater", np.greater),
    ("greater_equal", np.greater_equal),
]


@pytest.mark.parametrize("shapes", SHAPE_PAIRS, ids=str)
@pytest.mark.parametrize("name,reference", ARITHMETIC + COMPARISONS,
                         ids=[o[0] for o in ARITHMETIC + COMPARISONS])
def test_float_ops_match_numpy_with_broadcasting(on, rng, name, reference, shapes):
    x = rng.uniform(0.5, 2, size=shapes[0]).astype(np.float32)
    y = rng.uniform(0.5, 2, size=shapes[1]).astype(np.float32)
    got = getattr(tf, name)(on(x), on(y))
    expected = reference(x, y)
    assert got.shape == expected.shape
    assert got.dtype == expected.dtype
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-6)


@pytest.mark.parametrize("name,reference", ARITHMETIC[:3] + ARITHMETIC[4:7] + COMPARISONS,
                         ids=[o[0] for o in ARITHMETIC[:3] + ARITHMETIC[4:7] + COMPARISONS])
@pytest.mark.parametrize("dtype", [np.int8, np.int32, np.int64, np.uint8])
def test_integer_ops_keep_the_integer_dtype(on, rng, name, reference, dtype):
    x = rng.integers(0, 10, size=(3, 4)).astype(dtype)
    y = rng.integers(0, 10, size=(4,)).astype(dtype)
    got = getattr(tf, name)(on(x), on(y))
    np.testing.assert_array_equal(got.numpy(), reference(x, y).astype(got.dtype._np))
    assert got.dtype == (np.bool_ if (name, reference) in COMPARISONS else dtype)


def test_operators_are_the_ops(on):
    a, b = on(np.array([[6, -7], [8, 9]], np.int32)), on(np.array([4, 2], np.int32))
    x, y = a.numpy(), b.numpy()
    for got, expected in [(a + b, x + y), (a - b, x - y), (a * b, x * y),
                          (a // b, x // y), (a % b, x % y), (a ** b, x ** y),
                          (-a, -x), (abs(a), abs(x)), (a < b, x < y),
                          (a >= b, x >= y), (a == b, x == y), (a != b, x != y),
                          (2 - a, 2 - x), (10 // b, 10 // y)]:
        np.testing.assert_array_equal(got.numpy(), expected)


# --- the dtype rules ----------------------------------------------------------------
@pytest.mark.parametrize("dtype,result", [("int8", "float32"), ("uint8", "float32"),
                                          ("int16", "float32"), ("int32", "float64"),
                                          ("int64", "float64")])
def test_integer_true_division_gives_floats_as_tensorflow_does(dtype, result):
    got = tf.divide(tf.constant(np.array([7, 9], dtype)), tf.constant(np.array([2, 2], dtype)))
    assert got.dtype == getattr(tf, result)
    np.testing.assert_array_equal(got.numpy(), [3.5, 4.5])
    assert (tf.constant(np.array([1], dtype)) / tf.constant(np.array([4], dtype))).dtype \
        == getattr(tf, result)


def test_floordiv_and_mod_follow_the_divisors_sign():
    x = tf.constant([7, -7, 7, -7])
    y = tf.constant([2, 2, -2, -2])
    np.testing.assert_array_equal(tf.floordiv(x, y).numpy(), [3, -4, -4, 3])
    np.testing.assert_array_equal(tf.math.floormod(x, y).numpy(), [1, 1, -1, -1])
    np.testing.assert_array_equal((x % y).numpy(), [1, 1, -1, -1])
    np.testing.assert_array_equal(((x // y) * y + x % y).numpy(), x.numpy())
    np.testing.assert_allclose(tf.mod(tf.constant([-7.5]), 2.0).numpy(), [0.5])


@settings(derandomize=True, max_examples=30, deadline=None)
@given(st.integers(-1000, 1000), st.integers(-50, 50).filter(lambda v: v != 0))
def test_floordiv_and_mod_agree_with_python(x, y):
    assert int(tf.floordiv(x, y)) == x // y
    assert int(tf.math.floormod(x, y)) == x % y


@pytest.mark.parametrize("op", [tf.floordiv, tf.floormod, tf.mod])
def test_integer_division_by_zero_is_an_error(op):
    with pytest.raises(tf.errors.InvalidArgumentError, match="division by zero"):
        op(tf.constant([1, 2]), tf.constant([1, 0]))


def test_float_division_by_zero_follows_ieee():
    got = tf.divide([1.0, -1.0, 0.0], 0.0).numpy()
    assert got[0] == np.inf and got[1] == -np.inf and np.isnan(got[2])
    assert tf.divide(tf.constant([1]), tf.constant([0])).numpy()[0] == np.inf


@pytest.mark.parametrize("dtype", ["float16", "float64", "int8", "int64", "uint8"])
def test_python_scalars_adopt_the_tensors_dtype(dtype):
    t = tf.constant(np.array([1, 2], dtype))
    for got in (t + 1, 1 + t, t * 2, tf.maximum(t, 1), tf.multiply(3, t)):
        assert got.dtype == getattr(tf, dtype)


def test_python_values_alone_use_the_defaults():
    assert tf.add(1, 2).dtype == tf.int32
    assert tf.add(1.0, 2.0).dtype == tf.float32
    assert tf.multiply(np.float64(2.0), tf.constant(1.0)).dtype == tf.float32


def test_pow_refuses_negative_integer_exponents():
    with pytest.raises(tf.errors.InvalidArgumentError, match="pow: .*negative"):
        tf.pow(tf.constant([2, 3]), tf.constant([1, -1]))
    np.testing.assert_allclose(tf.pow(2.0, -1.0).numpy(), 0.5)


def test_logical_ops(on):
    a = on(np.array([True, True, False, False]))
    b = on(np.array([True, False, True, False]))
    np.testing.assert_array_equal(tf.logical_and(a, b).numpy(), [1, 0, 0, 0])
    np.testing.assert_array_equal(tf.logical_or(a, b).numpy(), [1, 1, 1, 0])
    np.testing.assert_array_equal(tf.math.logical_xor(a, b).numpy(), [0, 1, 1, 0])
    np.testing.assert_array_equal((a & b).numpy(), [1, 0, 0, 0])
    np.testing.assert_array_equal((a | b).numpy(), [1, 1, 1, 0])


def test_equality_works_on_bools_too():
    assert bool(tf.equal(True, True))
    np.testing.assert_array_equal(tf.not_equal([True, False], True).numpy(), [False, True])


# --- errors that teach ---------------------------------------------------------------------
BAD_CALLS = [
    (lambda: tf.add(tf.constant([1.0]), tf.constant([1], tf.int32)), "add",
     ["float32", "int32", "tf.cast"]),
    (lambda: tf.multiply(tf.constant([1.0], tf.float64), tf.constant([1.0])), "multiply",
     ["float64", "float32"]),
    (lambda: tf.constant([1, 2]) + 1.5, "add", ["1.5", "int32"]),
    (lambda: tf.subtract(tf.ones([2, 3]), np.ones((4,), np.float32)), "subtract",
     ["(2, 3)", "(4,)"]),
    (lambda: tf.maximum(np.ones((2, 3)), np.ones((3, 2))), "maximum", ["(2, 3)", "(3, 2)"]),
    (lambda: tf.less([True], [False]), "less", ["bool"]),
    (lambda: tf.logical_and([1.0], [0.0]), "logical_and", ["float32", "bool"]),
    (lambda: tf.divide(np.ones(2, np.float32), "two"), "divide", ["'two'"]),
    (lambda: tf.pow(tf.constant([2]), -1), "pow", ["negative"]),
    (lambda: tf.floordiv(tf.constant([4], tf.int64), 0), "floordiv", ["zero"]),
]


@pytest.mark.parametrize("call,op,mentions", BAD_CALLS)
def test_bad_calls_raise_errors_that_name_the_op(call, op, mentions):
    assert_teaches(call, mentions, op=op)


@pytest.mark.parametrize("shapes", SHAPE_PAIRS, ids=str)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_divide_no_nan_is_divide_with_zero_where_the_divisor_is_zero(rng, shapes, dtype):
    x = rng.standard_normal(shapes[0]).astype(dtype)
    y = rng.standard_normal(shapes[1]).astype(dtype)
    y = np.where(rng.random(shapes[1]) < 0.4, 0, y).astype(dtype)
    out = tf.math.divide_no_nan(x, y)
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = np.where(y == 0, 0, x / np.where(y == 0, 1, y))
    assert out.dtype == tf.as_dtype(dtype)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-6)


def test_divide_no_nan_gives_zero_for_zero_over_zero_and_inf_over_zero():
    out = tf.math.divide_no_nan([0.0, np.inf, -1.0], [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(out.numpy(), [0.0, 0.0, 0.0])


def test_divide_no_nan_refuses_integers_as_tensorflow_does():
    with pytest.raises((tf.errors.InvalidArgumentError, TypeError, ValueError)) as info:
        tf.math.divide_no_nan(tf.constant([1, 2]), tf.constant([0, 1]))
    assert "divide_no_nan" in str(info.value)


def test_divide_no_nan_is_only_in_tf_math():
    assert not hasattr(tf, "divide_no_nan")


# --- tests the mutation run asked for (each kills mutants that lived) ---------------

def test_integers_to_the_power_zero_and_up_are_fine():
    got = tf.pow(tf.constant([2, 3, -4]), tf.constant([0, 2, 1]))
    assert got.dtype is tf.int32
    np.testing.assert_array_equal(got.numpy(), [1, 9, -4])
    assert int(tf.pow(5, 0)) == 1
