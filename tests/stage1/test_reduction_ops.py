"""Reductions, arg-reductions, running sums/products and add_n against NumPy (task 4)."""

import warnings

import numpy as np
import pytest

import stage1_tensors as tf
from tests.helpers import assert_teaches

pytestmark = pytest.mark.stage1_task4

# shape, axis: incl. 0-d, empty, negative and multiple axes
CASES = [((), None), ((5,), None), ((5,), 0), ((5,), -1), ((2, 3), 1), ((2, 3), -2),
         ((2, 3, 4), (0, 2)), ((2, 3, 4), [-1, 0]), ((2, 3, 4), None), ((0, 3), 1),
         ((3, 0), 0), ((2, 0, 3), (0, 2))]

REDUCTIONS = [
    ("reduce_sum", np.sum), ("reduce_mean", np.mean), ("reduce_max", np.max),
    ("reduce_min", np.min), ("reduce_prod", np.prod),
    ("reduce_logsumexp", lambda x, axis, keepdims: np.log(np.sum(np.exp(x), axis, keepdims=keepdims))),
    ("reduce_variance", np.var), ("reduce_std", np.std),
]
NEEDS_VALUES = {"reduce_max", "reduce_min"}          # no answer for an empty reduction


def _axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def _reduces_nothing(shape, axis):
    x = np.empty(shape)
    return np.sum(np.ones_like(x), axis=_axis(axis)).size > 0 and \
        x.size == 0 and np.sum(np.ones_like(x), axis=_axis(axis)).max() == 0


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("shape,axis", CASES, ids=str)
@pytest.mark.parametrize("name,reference", REDUCTIONS, ids=[r[0] for r in REDUCTIONS])
def test_float_reductions_match_numpy(on, rng, name, reference, shape, axis, keepdims):
    if name in NEEDS_VALUES and _reduces_nothing(shape, axis):
        pytest.skip("covered by test_max_and_min_of_nothing_is_an_error")
    x = rng.normal(size=shape)
    fn = getattr(tf.math, name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")      # NumPy warns on means of empty slices
        expected = np.asarray(reference(x, axis=_axis(axis), keepdims=keepdims))
    with warnings.catch_warnings():
        warnings.simplefilter("error")       # ours must not
        got = fn(on(x), axis=axis, keepdims=keepdims)
    assert got.dtype == tf.float64 and got.shape == expected.shape
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name,reference", REDUCTIONS[:5], ids=[r[0] for r in REDUCTIONS[:5]])
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.int8, np.int32, np.int64])
def test_reductions_keep_the_dtype(on, rng, name, reference, dtype):
    x = rng.integers(1, 4, size=(3, 4)).astype(dtype)
    got = getattr(tf, name)(on(x), axis=1)
    assert got.dtype == dtype
    expected = reference(x.astype(np.float64), axis=1)
    if name == "reduce_mean" and np.issubdtype(dtype, np.integer):
        expected = np.trunc(expected)
    np.testing.assert_allclose(got.numpy().astype(np.float64), expected, rtol=1e-3)


def test_integer_mean_truncates_toward_zero_like_tensorflow():
    np.testing.assert_array_equal(
        tf.reduce_mean(tf.constant([[1, 2], [-1, -2], [-3, 4]]), axis=1).numpy(), [1, -1, 0])
    assert tf.reduce_mean(tf.constant(np.zeros((0, 3), np.int32)), axis=1).shape == (0,)


def test_reduce_sum_of_int32_stays_int32():
    assert tf.reduce_sum(tf.constant([2 ** 30, 2 ** 30])).dtype == tf.int32


def test_reduce_logsumexp_does_not_overflow():
    got = tf.reduce_logsumexp(tf.constant([[1000.0, 1000.0], [-1000.0, -1000.0]]), axis=1)
    np.testing.assert_allclose(got.numpy(), [1000 + np.log(2), -1000 + np.log(2)], rtol=1e-6)
    assert tf.reduce_logsumexp([-np.inf, -np.inf]).numpy() == -np.inf
    assert tf.reduce_logsumexp([np.inf, 1.0]).numpy() == np.inf


@pytest.mark.parametrize("shape,axis", CASES, ids=str)
@pytest.mark.parametrize("name,reference", [("reduce_any", np.any), ("reduce_all", np.all)])
def test_any_and_all(on, rng, name, reference, shape, axis):
    x = rng.random(size=shape) > 0.5
    got = getattr(tf, name)(on(x), axis=axis, keepdims=True)
    expected = reference(x, axis=_axis(axis), keepdims=True)
    assert got.dtype == tf.bool
    np.testing.assert_array_equal(got.numpy(), expected)


def test_axis_may_be_a_tensor():
    x = tf.constant([[1, 2], [3, 4]])
    np.testing.assert_array_equal(tf.reduce_sum(x, axis=tf.constant(1)).numpy(), [3, 7])
    np.testing.assert_array_equal(tf.reduce_sum(x, axis=tf.constant([0, 1])).numpy(), 10)


# --- argmax, argmin --------------------------------------------------------------------
@pytest.mark.parametrize("shape,axis", [((5,), None), ((5,), -1), ((3, 4), 1), ((3, 4), None),
                                        ((2, 3, 4), -2), ((0, 3), 1)], ids=str)
@pytest.mark.parametrize("name,reference", [("argmax", np.argmax), ("argmin", np.argmin)])
def test_arg_reductions(on, rng, name, reference, shape, axis):
    x = rng.integers(0, 3, size=shape).astype(np.float32)     # ties: the first wins
    got = getattr(tf, name)(on(x), axis=axis)
    assert got.dtype == tf.int64
    np.testing.assert_array_equal(got.numpy(), reference(x, axis=0 if axis is None else axis))
    assert getattr(tf.math, name)(on(x), axis, output_type=tf.int32).dtype == tf.int32


def test_argmax_of_bools_and_ints():
    assert int(tf.argmax([False, True, True])) == 1
    assert int(tf.argmin(tf.constant([3, 1, 1], tf.int8))) == 1


# --- cumsum, cumprod ------------------------------------------------------------------------
def _scan(fn, identity, x, axis, exclusive, reverse):
    if reverse:
        x = np.flip(x, axis)
    out = fn(x, axis=axis, dtype=x.dtype)
    if exclusive:
        out = np.moveaxis(out, axis, 0)
        out = np.concatenate([np.full_like(out[:1], identity), out[:-1]])
        out = np.moveaxis(out, 0, axis)
    return np.flip(out, axis) if reverse else out


@pytest.mark.parametrize("exclusive", [False, True])
@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("shape,axis", [((5,), 0), ((3, 4), 1), ((3, 4), -2), ((2, 3, 4), -1),
                                        ((0,), 0), ((3, 0), 1)], ids=str)
@pytest.mark.parametrize("name,fn,identity", [("cumsum", np.cumsum, 0),
                                              ("cumprod", np.cumprod, 1)])
def test_running_sums_and_products(on, rng, name, fn, identity, shape, axis, exclusive, reverse):
    for x in (rng.uniform(0.5, 1.5, size=shape), rng.integers(-3, 4, size=shape).astype(np.int32)):
        got = getattr(tf.math, name)(on(x), axis=axis, exclusive=exclusive, reverse=reverse)
        assert got.dtype == x.dtype
        np.testing.assert_allclose(got.numpy(), _scan(fn, identity, x, axis, exclusive, reverse),
                                   rtol=1e-12)


def test_cumsum_defaults_to_axis_0():
    np.testing.assert_array_equal(tf.cumsum([[1, 2], [3, 4]]).numpy(), [[1, 2], [4, 6]])


# --- add_n -----------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(), (3,), (2, 0), (2, 3)], ids=str)
@pytest.mark.parametrize("count", [1, 2, 5])
def test_add_n(on, rng, shape, count):
    xs = [rng.normal(size=shape) for _ in range(count)]
    got = tf.add_n([on(x) for x in xs])
    np.testing.assert_allclose(got.numpy(), sum(xs), rtol=1e-12)
    assert tf.math.add_n is tf.add_n


def test_add_n_converts_python_values_to_the_first_tensors_dtype():
    got = tf.add_n([tf.constant([1.0], tf.float64), [2], [3.0]])
    assert got.dtype == tf.float64 and got.numpy()[0] == 6.0


# --- errors that teach ------------------------------------------------------------------------
BAD_CALLS = [
    (lambda: tf.reduce_sum(np.ones((2, 3)), axis=2), "reduce_sum", ["axis 2", "(2, 3)", "-2..1"]),
    (lambda: tf.reduce_mean(np.ones((2, 3)), axis=-3), "reduce_mean", ["axis -3", "rank 2"]),
    (lambda: tf.reduce_sum(np.ones((2, 3)), axis=[1, -1]), "reduce_sum", ["twice"]),
    (lambda: tf.reduce_sum(np.ones(3), axis=1.5), "reduce_sum", ["1.5"]),
    (lambda: tf.reduce_sum(1.0, axis=0), "reduce_sum", ["rank 0", "axis=None"]),
    (lambda: tf.reduce_max(np.ones((3, 0)), axis=1), "reduce_max", ["empty", "(3, 0)"]),
    (lambda: tf.reduce_min([]), "reduce_min", ["empty", "(0,)"]),
    (lambda: tf.reduce_mean(tf.constant(np.zeros(0, np.int32))), "reduce_mean", ["integers"]),
    (lambda: tf.reduce_logsumexp([1, 2]), "reduce_logsumexp", ["int32"]),
    (lambda: tf.reduce_any([1, 0]), "reduce_any", ["int32", "bool"]),
    (lambda: tf.reduce_all([1.0]), "reduce_all", ["float32", "bool"]),
    (lambda: tf.reduce_sum([True]), "reduce_sum", ["bool"]),
    (lambda: tf.math.reduce_variance([1, 2]), "reduce_variance", ["int32", "(2,)"]),
    (lambda: tf.math.reduce_std([1.0, 2.0], axis=1), "reduce_std", ["axis 1", "(2,)"]),
    (lambda: tf.argmax(np.ones((2, 3)), axis=2), "argmax", ["axis 2", "(2, 3)"]),
    (lambda: tf.argmax(np.ones((2, 3)), axis=[0, 1]), "argmax", ["single int"]),
    (lambda: tf.argmin(np.ones((2, 0)), axis=1), "argmin", ["empty", "(2, 0)"]),
    (lambda: tf.argmin(1.0), "argmin", ["rank 0"]),
    (lambda: tf.argmax([1.0], output_type=tf.float32), "argmax", ["int32 or tf.int64"]),
    (lambda: tf.cumsum(1.0), "cumsum", ["rank 0"]),
    (lambda: tf.cumsum([1.0, 2.0], axis=1), "cumsum", ["axis 1", "(2,)"]),
    (lambda: tf.math.cumprod([True]), "cumprod", ["bool"]),
    (lambda: tf.add_n([np.ones(2), np.ones(3)]), "add_n", ["(2,)", "(3,)"]),
    (lambda: tf.add_n([tf.constant([1.0]), tf.constant([1])]), "add_n", ["float32", "int32"]),
    (lambda: tf.add_n([]), "add_n", ["non-empty"]),
    (lambda: tf.add_n(tf.constant([1.0, 2.0])), "add_n", ["list", "reduce_sum"]),
    (lambda: tf.reduce_sum([1.0], keepdims=tf.constant([True, False])), "reduce_sum",
     ["keepdims must be a bool", "shape (2,)"]),
    (lambda: tf.cumsum([1.0], axis=None), "cumsum", ["single int", "None"]),
    (lambda: tf.cumsum([1.0], exclusive=np.array([True, False])), "cumsum", ["exclusive"]),
    (lambda: tf.math.reduce_std(None), "reduce_std", ["cannot convert None"]),
    (lambda: tf.math.reduce_variance([1.0, 2.0], keepdims=tf.ones([2])), "reduce_variance",
     ["reduce_mean", "keepdims"]),
    (lambda: tf.add_n({"a": 1}), "add_n", ["list of tensors", "{'a': 1}"]),
    (lambda: tf.add_n({1.0, 2.0}), "add_n", ["list of tensors"]),
]


@pytest.mark.parametrize("call,op,mentions", BAD_CALLS)
def test_bad_calls_raise_errors_that_name_the_op(call, op, mentions):
    assert_teaches(call, mentions, op=op)


@pytest.mark.parametrize("axis", [None, 0, 1, -1, [0, 1]])
@pytest.mark.parametrize("keepdims", [None, False, True])
@pytest.mark.parametrize("dtype", ["float32", "int32", "bool"])
def test_count_nonzero_matches_numpy(rng, axis, keepdims, dtype):
    x = (rng.integers(0, 3, size=(3, 4)) * (rng.random((3, 4)) < 0.5)).astype(dtype)
    out = tf.math.count_nonzero(x, axis=axis, keepdims=keepdims)
    np_axis = tuple(axis) if isinstance(axis, list) else axis
    expected = np.count_nonzero(x, axis=np_axis, keepdims=bool(keepdims))
    assert out.dtype == tf.int64
    np.testing.assert_array_equal(out.numpy(), expected)


def test_count_nonzero_takes_an_output_dtype_and_is_only_in_tf_math():
    out = tf.math.count_nonzero([[0.0, 1.5], [2.0, 3.0]], dtype=tf.int32)
    assert out.dtype == tf.int32 and int(out) == 3
    assert not hasattr(tf, "count_nonzero")


# --- tests the mutation run asked for (each kills mutants that lived) ---------------

@pytest.mark.parametrize("dtype", [tf.float32, tf.float64])
def test_reduce_mean_of_one_element_and_of_none(dtype):
    x = tf.constant([[2.5, -1.0, 4.0]], dtype)
    np.testing.assert_array_equal(tf.reduce_mean(x, axis=0).numpy(), [2.5, -1.0, 4.0])
    assert float(tf.reduce_mean(tf.constant([7.0], dtype))) == 7.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # as TensorFlow: nan, and no warning
        empty = tf.reduce_mean(tf.constant(np.zeros((0, 3)), dtype), axis=0)
        assert empty.shape == (3,) and empty.dtype == dtype
        assert np.isnan(empty.numpy()).all()
        assert np.isnan(float(tf.reduce_mean(tf.constant([], dtype))))


def test_integer_reduce_mean_of_one_element():
    np.testing.assert_array_equal(tf.reduce_mean(tf.constant([[3], [-5]]), axis=1).numpy(),
                                  [3, -5])
    assert int(tf.reduce_mean(tf.constant([9]))) == 9
