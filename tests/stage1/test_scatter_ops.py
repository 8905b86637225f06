"""tensor_scatter_nd_update/add/sub/min/max (and scatter_nd) against NumPy (task 5)."""

import numpy as np
import pytest

import stage1_tensors as tf
from tests.helpers import assert_teaches

pytestmark = pytest.mark.stage1_task5

_NUMPY = {"update": None, "add": np.add, "sub": np.subtract, "min": np.minimum,
          "max": np.maximum}
_TF = {"update": tf.tensor_scatter_nd_update, "add": tf.tensor_scatter_nd_add,
       "sub": tf.tensor_scatter_nd_sub, "min": tf.tensor_scatter_nd_min,
       "max": tf.tensor_scatter_nd_max}


def reference(kind, tensor, indices, updates):
    """One row of ``indices`` at a time, the obvious way."""
    out = np.array(tensor, copy=True)
    rows = indices.reshape(-1, indices.shape[-1])
    slices = updates.reshape((len(rows),) + out.shape[indices.shape[-1]:])
    for row, value in zip(rows, slices):
        where = tuple(row)
        out[where] = value if kind == "update" else _NUMPY[kind](out[where], value)
    return out


# --- values ------------------------------------------------------------------------
def test_tensorflow_documented_values():
    zeros = [0] * 8
    counting = [1, 2, 3, 4, 5, 6, 7, 8]
    np.testing.assert_array_equal(
        tf.tensor_scatter_nd_update(zeros, [[1], [3], [4], [7]], [9, 10, 11, 12]).numpy(),
        [0, 9, 0, 10, 11, 0, 0, 12])
    np.testing.assert_array_equal(
        tf.tensor_scatter_nd_add(counting, [[4], [3], [1], [7]], [9, 10, 11, 12]).numpy(),
        [1, 13, 3, 14, 14, 6, 7, 20])
    np.testing.assert_array_equal(
        tf.tensor_scatter_nd_sub(counting, [[4], [3], [1], [7]], [9, 10, 11, 12]).numpy(),
        [1, -9, 3, -6, -4, 6, 7, -4])
    np.testing.assert_array_equal(
        tf.tensor_scatter_nd_max(zeros, [[1], [4], [5]], [1, -1, 1]).numpy(),
        [0, 1, 0, 0, 0, 1, 0, 0])
    np.testing.assert_array_equal(
        tf.tensor_scatter_nd_min(zeros, [[1], [4], [5]], [1, -1, 1]).numpy(),
        [0, 0, 0, 0, -1, 0, 0, 0])
    np.testing.assert_array_equal(
        tf.scatter_nd([[4], [3], [1], [7]], [9, 10, 11, 12], [8]).numpy(),
        [0, 11, 0, 10, 9, 0, 0, 12])


@pytest.mark.parametrize("kind", sorted(_TF))
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.int64])
@pytest.mark.parametrize("index_dtype", [np.int32, np.int64])
@pytest.mark.parametrize("shape,index_shape", [
    ((6,), (3, 1)),            # elements of a vector
    ((4, 3), (2, 2)),          # elements of a matrix
    ((4, 3), (2, 1)),          # whole rows
    ((2, 3, 4), (2, 2, 2)),    # a batch of index rows, each addressing a slice
], ids=str)
def test_matches_a_row_by_row_reference(on, rng, kind, dtype, index_dtype, shape,
                                        index_shape):
    tensor = (rng.normal(size=shape) * 10).astype(dtype)
    depth = index_shape[-1]
    n = int(np.prod(index_shape[:-1]))
    # Distinct rows, so that "update" has one answer (repeats are tested below).
    flat = rng.permutation(int(np.prod(shape[:depth])))[:n]
    indices = np.stack(np.unravel_index(flat, shape[:depth]), -1).reshape(index_shape)
    indices = indices.astype(index_dtype)
    updates = (rng.normal(size=index_shape[:-1] + shape[depth:]) * 10).astype(dtype)
    got = _TF[kind](on(tensor), on(indices), on(updates))
    assert got.dtype == tf.as_dtype(dtype) and got.shape == shape
    np.testing.assert_array_equal(got.numpy(), reference(kind, tensor, indices, updates))


@pytest.mark.parametrize("kind", ["add", "sub", "min", "max"])
def test_repeated_indices_all_count(kind):
    tensor = np.array([5.0, 5.0, 5.0], np.float32)
    indices = np.array([[0], [2], [0], [0]])
    updates = np.array([1.0, 9.0, 7.0, 2.0], np.float32)
    got = _TF[kind](tensor, indices, updates)
    np.testing.assert_array_equal(got.numpy(), reference(kind, tensor, indices, updates))


def test_update_works_on_bools_and_leaves_the_input_alone():
    x = tf.constant([False, False, False])
    y = tf.tensor_scatter_nd_update(x, [[2]], [True])
    np.testing.assert_array_equal(y.numpy(), [False, False, True])
    np.testing.assert_array_equal(x.numpy(), [False, False, False])


def test_empty_index_rows_address_the_whole_tensor():
    x = np.ones((2, 2), np.float32)
    got = tf.tensor_scatter_nd_add(x, np.zeros((3, 0), np.int32), np.ones((3, 2, 2), np.float32))
    np.testing.assert_array_equal(got.numpy(), np.full((2, 2), 4.0))
    got = tf.tensor_scatter_nd_update(x, np.zeros((0, 1), np.int32), np.zeros((0, 2), np.float32))
    np.testing.assert_array_equal(got.numpy(), x)


# --- errors --------------------------------------------------------------------------
@pytest.mark.parametrize("kind", sorted(_TF))
def test_bad_calls_teach(kind):
    fn, op = _TF[kind], "tensor_scatter_nd_" + kind
    x = tf.constant(np.zeros((4, 3), np.float32))
    assert_teaches(lambda: fn(x, [[0, 1, 2]], [1.0]), ["last dimension of indices", "(1, 3)"],
                   op=op)
    assert_teaches(lambda: fn(x, [[0], [1]], np.ones((2, 2), np.float32)),
                   ["updates must have shape (2, 3)", "(2, 2)"], op=op)
    assert_teaches(lambda: fn(x, [[4]], np.ones((1, 3), np.float32)),
                   ["indices[0] = 4", "[0, 4)"], op=op)
    assert_teaches(lambda: fn(x, [[0, -1]], [1.0]), ["indices[0] = -1", "[0, 3)"], op=op)
    assert_teaches(lambda: fn(x, [[0.0]], np.ones((1, 3), np.float32)), ["float32"])
    assert_teaches(lambda: fn(x, 0, [1.0]), ["last dimension of indices"], op=op)
    assert_teaches(lambda: fn(x, [[0]], np.ones((1, 3), np.int32)), ["int32", "float32"])


@pytest.mark.parametrize("kind", ["add", "sub", "min", "max"])
def test_arithmetic_kinds_refuse_bools(kind):
    assert_teaches(lambda: _TF[kind]([True, False], [[0]], [True]), ["bool"])


# --- tests the mutation run asked for (each kills mutants that lived) ---------------

@pytest.mark.parametrize("dtype", [tf.int8, tf.int32, tf.float32])
def test_scatter_nd_with_empty_index_vectors_adds_every_update_to_the_whole(dtype):
    # indices of depth 0 address the whole output, so all updates add up there
    updates = tf.constant([[1, 2], [3, 4]], dtype)
    got = tf.scatter_nd(np.zeros((2, 0), np.int32), updates, [2])
    assert got.dtype == dtype                   # (the sum kept int8, not NumPy's int64)
    np.testing.assert_array_equal(got.numpy(), [4, 6])
    many = tf.constant(np.arange(12).reshape(2, 3, 2), dtype)
    got = tf.scatter_nd(np.zeros((2, 3, 0), np.int32), many, [2])
    assert got.dtype == dtype
    np.testing.assert_array_equal(got.numpy(), [30, 36])
