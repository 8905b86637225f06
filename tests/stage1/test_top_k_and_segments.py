"""tf.math.top_k (task 4), tf.math.segment_sum and tf.math.bincount (task 5) against NumPy."""

import numpy as np
import pytest

import stage1_tensors as tf
from tests.helpers import assert_teaches

pytestmark = pytest.mark.stage1_task4


# --- top_k ---------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.int64, np.uint8])
@pytest.mark.parametrize("shape,k", [((5,), 1), ((5,), 5), ((3, 4), 2), ((2, 3, 6), 3),
                                     ((4,), 0)], ids=str)
def test_top_k_matches_a_stable_descending_sort(on, rng, dtype, shape, k):
    x = rng.integers(0, 4, size=shape).astype(dtype)     # small ints: many ties
    values, indices = tf.math.top_k(on(x), k=k)
    # Descending, ties by lower index first: sort on (-value, index).
    n = shape[-1]
    keys = np.lexsort((np.broadcast_to(np.arange(n), shape), -x.astype(np.float64)), axis=-1)
    expected = keys[..., :k]
    assert indices.dtype == tf.int32 and values.dtype == tf.as_dtype(dtype)
    np.testing.assert_array_equal(indices.numpy(), expected)
    np.testing.assert_array_equal(values.numpy(), np.take_along_axis(x, expected, -1))


def test_top_k_documented_values_and_names():
    result = tf.math.top_k([1, 3, 2, 4], k=2)
    np.testing.assert_array_equal(result.values.numpy(), [4, 3])
    np.testing.assert_array_equal(result.indices.numpy(), [3, 1])
    values, indices = result
    assert values is result.values and indices is result.indices
    assert tf.nn.top_k is tf.math.top_k
    assert not hasattr(tf, "top_k")            # not a top-level name in TensorFlow 2


def test_top_k_bad_calls_teach():
    assert_teaches(lambda: tf.math.top_k([1.0, 2.0], k=3), ["k=3", "(2,)"], op="top_k")
    assert_teaches(lambda: tf.math.top_k([1.0, 2.0], k=-1), ["k=-1"], op="top_k")
    assert_teaches(lambda: tf.math.top_k(1.0), ["rank >= 1"], op="top_k")
    assert_teaches(lambda: tf.math.top_k([True, False]), ["bool"])


# --- segment_sum ------------------------------------------------------------------------
@pytest.mark.stage1_task5
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32])
@pytest.mark.parametrize("ids", [[0, 0, 1, 3, 3], [0, 1, 2, 3, 4], [2, 2, 2, 2, 2]], ids=str)
def test_segment_sum_matches_numpy(on, rng, dtype, ids):
    data = (rng.normal(size=(5, 3)) * 10).astype(dtype)
    ids = np.array(ids, np.int32)
    expected = np.zeros((ids[-1] + 1, 3), dtype)
    np.add.at(expected, ids, data)
    got = tf.math.segment_sum(on(data), on(ids))
    assert got.dtype == tf.as_dtype(dtype)
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-6)


@pytest.mark.stage1_task5
def test_segment_sum_documented_values_and_errors():
    got = tf.math.segment_sum([[1, 2, 3, 4], [4, 3, 2, 1], [5, 6, 7, 8]], [0, 0, 1])
    np.testing.assert_array_equal(got.numpy(), [[5, 5, 5, 5], [5, 6, 7, 8]])
    assert tf.math.segment_sum(np.zeros((0, 2), np.float32), np.zeros(0, np.int32)).shape == (0, 2)
    assert_teaches(lambda: tf.math.segment_sum([1, 2, 3], [1, 0, 0]), ["sorted"],
                   op="segment_sum")
    assert_teaches(lambda: tf.math.segment_sum([1, 2, 3], [-1, 0, 0]), ["sorted and >= 0"],
                   op="segment_sum")
    assert_teaches(lambda: tf.math.segment_sum([1, 2, 3], [0, 0]), ["(2,)", "(3,)"],
                   op="segment_sum")
    assert_teaches(lambda: tf.math.segment_sum([1, 2], [0.0, 1.0]), ["float32"])


# --- bincount ---------------------------------------------------------------------------
@pytest.mark.stage1_task5
@pytest.mark.parametrize("minlength,maxlength", [(None, None), (10, None), (None, 3), (2, 2)])
def test_bincount_matches_numpy(on, rng, minlength, maxlength):
    arr = rng.integers(0, 6, size=20).astype(np.int32)
    weights = rng.normal(size=20).astype(np.float64)
    size = max(arr.max() + 1, minlength or 0)
    size = min(size, maxlength) if maxlength is not None else size
    keep = arr < size
    counts = np.bincount(arr[keep], minlength=size)[:size]
    got = tf.math.bincount(on(arr), minlength=minlength, maxlength=maxlength)
    assert got.dtype == tf.int32
    np.testing.assert_array_equal(got.numpy(), counts)
    got = tf.math.bincount(on(arr), weights=on(weights), minlength=minlength,
                           maxlength=maxlength)
    assert got.dtype == tf.float64
    np.testing.assert_allclose(got.numpy(), np.bincount(arr[keep], weights[keep],
                                                        minlength=size)[:size])


@pytest.mark.stage1_task5
def test_bincount_documented_values():
    values = [1, 1, 2, 3, 2, 4, 4, 5]
    np.testing.assert_array_equal(tf.math.bincount(values).numpy(), [0, 2, 2, 1, 2, 1])
    np.testing.assert_array_equal(tf.math.bincount(values, maxlength=5).numpy(),
                                  [0, 2, 2, 1, 2])
    np.testing.assert_array_equal(tf.math.bincount(values, minlength=7).numpy(),
                                  [0, 2, 2, 1, 2, 1, 0])
    weighted = tf.math.bincount(values, weights=[1.0, 5.0, 0.0, 1.0, 0.0, 5.0, 4.0, 5.0])
    np.testing.assert_array_equal(weighted.numpy(), [0.0, 6.0, 0.0, 1.0, 9.0, 5.0])
    rows = tf.math.bincount([[1, 2, 3, 0], [0, 0, 1, 2]], axis=-1)
    np.testing.assert_array_equal(rows.numpy(), [[1, 1, 1, 1], [2, 1, 1, 0]])
    binary = tf.math.bincount([[1, 1, 3, 0], [0, 0, 1, 2]], axis=-1, binary_output=True)
    np.testing.assert_array_equal(binary.numpy(), [[1, 1, 0, 1], [1, 1, 1, 0]])
    assert tf.math.bincount([1, 2], dtype=tf.float32).dtype == tf.float32
    np.testing.assert_array_equal(tf.math.bincount(np.zeros(0, np.int32)).numpy(), [])
    assert tf.math.bincount(np.zeros((2, 0), np.int32), axis=-1, minlength=3).shape == (2, 3)


@pytest.mark.stage1_task5
def test_bincount_bad_calls_teach():
    assert_teaches(lambda: tf.math.bincount([1, -1]), ["non-negative"], op="bincount")
    assert_teaches(lambda: tf.math.bincount([1, 2], weights=[1.0]), ["weights", "(1,)"],
                   op="bincount")
    assert_teaches(lambda: tf.math.bincount([1.0, 2.0]), ["float32"])
    assert_teaches(lambda: tf.math.bincount([1, 2], minlength=-1), [">= 0"], op="bincount")
    assert_teaches(lambda: tf.math.bincount([1, 2], axis=1), ["axis"], op="bincount")
    assert_teaches(lambda: tf.math.bincount([1, 2], axis=-1), ["2-D"], op="bincount")
