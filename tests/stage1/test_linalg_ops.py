"""matmul, einsum and tensordot against NumPy (task 4)."""

import numpy as np
import pytest

import stage1_tensors as tf
from tests.helpers import assert_teaches

pytestmark = pytest.mark.stage1_task4


# --- matmul -----------------------------------------------------------------------------
@pytest.mark.parametrize("shape_a,shape_b", [
    ((2, 3), (3, 4)), ((1, 1), (1, 1)), ((5, 2, 3), (5, 3, 4)), ((5, 2, 3), (3, 4)),
    ((2, 1, 2, 3), (4, 3, 2)), ((0, 3), (3, 2)), ((2, 0), (0, 4)), ((3, 0, 2, 3), (3, 1)),
], ids=str)
@pytest.mark.parametrize("transpose_a", [False, True])
@pytest.mark.parametrize("transpose_b", [False, True])
def test_matmul_matches_numpy(on, rng, shape_a, shape_b, transpose_a, transpose_b):
    a = rng.normal(size=shape_a).astype(np.float32)
    b = rng.normal(size=shape_b).astype(np.float32)
    if transpose_a:
        a = np.ascontiguousarray(np.swapaxes(a, -1, -2))
    if transpose_b:
        b = np.ascontiguousarray(np.swapaxes(b, -1, -2))
    got = tf.matmul(on(a), on(b), transpose_a=transpose_a, transpose_b=transpose_b)
    expected = np.matmul(np.swapaxes(a, -1, -2) if transpose_a else a,
                         np.swapaxes(b, -1, -2) if transpose_b else b)
    assert got.dtype == tf.float32 and got.shape == expected.shape
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-5, atol=1e-6)


def test_matmul_on_integers_and_the_operator(on):
    a = on(np.array([[1, 2], [3, 4]], np.int64))
    assert (a @ a).dtype == tf.int64
    np.testing.assert_array_equal((a @ a).numpy(), [[7, 10], [15, 22]])
    np.testing.assert_array_equal(tf.matmul(a, a, adjoint_b=True).numpy(), [[5, 11], [11, 25]])
    assert tf.math.matmul is tf.matmul


def test_the_seeds_matmul():
    x = [[2.]]
    assert repr(tf.matmul(x, x)) == "tf.Tensor([[4.]], shape=(1, 1), dtype=float32)"


# --- einsum -----------------------------------------------------------------------------
@pytest.mark.parametrize("equation,shapes", [
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("ij,jk", [(2, 3), (3, 4)]),                  # implicit output
    ("bij,bjk->bik", [(5, 2, 3), (5, 3, 4)]),
    ("ij->ji", [(2, 3)]),
    ("ij->", [(2, 3)]),
    ("ii->i", [(3, 3)]),
    ("ii", [(3, 3)]),
    ("i,j->ij", [(3,), (4,)]),
    ("i,i->", [(5,), (5,)]),
    ("...ij,...jk->...ik", [(2, 1, 2, 3), (4, 3, 5)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 5)]),
    ("ab, bc -> ca", [(2, 3), (3, 4)]),
    ("i,i->i", [(0,), (0,)]),
    ("->", [()]),
    (",->", [(), ()]),
], ids=str)
def test_einsum_matches_numpy(on, rng, equation, shapes):
    xs = [rng.normal(size=s) for s in shapes]
    got = tf.einsum(equation, *[on(x) for x in xs])
    expected = np.einsum(equation, *xs)
    assert got.dtype == tf.float64 and got.shape == np.shape(expected)
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-12, atol=1e-12)


def test_einsum_on_integers():
    got = tf.einsum("i,i->", tf.constant([1, 2, 3]), tf.constant([4, 5, 6]))
    assert got.dtype == tf.int32 and int(got) == 32


# --- tensordot ------------------------------------------------------------------------------
@pytest.mark.parametrize("shape_a,shape_b,axes", [
    ((2, 3), (3, 4), 1), ((2, 3, 4), (3, 4, 5), 2), ((2, 3), (4, 5), 0), ((3,), (3,), 1),
    ((3, 4, 5), (4, 3, 2), [[1, 0], [0, 1]]), ((3, 4), (4, 3), [1, 0]),
    ((3, 4), (4, 3), ([-1], [0])), ((0, 3), (3, 2), 1), ((2, 3), (3, 4), np.int32(1)),
], ids=str)
def test_tensordot_matches_numpy(on, rng, shape_a, shape_b, axes):
    a, b = rng.normal(size=shape_a), rng.normal(size=shape_b)
    got = tf.tensordot(on(a), on(b), axes)
    np_axes = axes if not isinstance(axes, list) or isinstance(axes[0], list) else \
        ([axes[0]], [axes[1]])
    expected = np.tensordot(a, b, np_axes)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-12, atol=1e-12)


def test_tensordot_axes_may_be_a_tensor():
    got = tf.tensordot(np.ones((2, 3)), np.ones((3, 4)), tf.constant(1))
    assert got.shape == (2, 4)


# --- errors that teach -----------------------------------------------------------------------
BAD_CALLS = [
    (lambda: tf.matmul(np.ones((2, 3)), np.ones((4, 5))), "matmul",
     ["inner dimensions", "(2, 3)", "(4, 5)"]),
    (lambda: tf.matmul(np.ones((2, 3)), np.ones((2, 3)), transpose_a=True, transpose_b=True),
     "matmul", ["transpose_a=True", "transpose_b=True"]),
    (lambda: tf.matmul(np.ones(3), np.ones((3, 1))), "matmul", ["rank >= 2", "(3,)"]),
    (lambda: tf.matmul(np.ones((2, 2, 3)), np.ones((3, 3, 4))), "matmul", ["(2, 2, 3)", "(3, 3, 4)"]),
    (lambda: tf.matmul(tf.constant([[1.0]]), tf.constant([[1]])), "matmul", ["float32", "int32"]),
    (lambda: tf.matmul([[True]], [[True]]), "matmul", ["bool"]),
    (lambda: tf.einsum("ij,jk->ik", np.ones((2, 3)), np.ones((4, 5))), "einsum",
     ["'j'", "(2, 3)", "(4, 5)"]),
    (lambda: tf.einsum("ij,jk->ik", np.ones((2, 3))), "einsum", ["2 inputs but 1"]),
    (lambda: tf.einsum("ij->ik", np.ones((2, 3))), "einsum", ["no input"]),
    (lambda: tf.einsum("ij->ii", np.ones((2, 2))), "einsum", ["repeats"]),
    (lambda: tf.einsum("i1->i", np.ones((2, 2))), "einsum", ["letters"]),
    (lambda: tf.einsum("...i->i", np.ones((2, 2))), "einsum", ["'...'"]),
    (lambda: tf.einsum("ijk->i", np.ones((2, 2))), "einsum", ["'ijk'", "(2, 2)"]),
    (lambda: tf.einsum(3, np.ones(2)), "einsum", ["string"]),
    (lambda: tf.einsum("i->i"), "einsum", ["no inputs"]),
    (lambda: tf.einsum("i,i->", tf.constant([1.0]), tf.constant([1])), "einsum",
     ["float32", "int32"]),
    (lambda: tf.tensordot(np.ones((2, 3)), np.ones((4, 5)), 1), "tensordot",
     ["size 3", "size 4", "(2, 3)", "(4, 5)"]),
    (lambda: tf.tensordot(np.ones((2, 3)), np.ones((3, 5)), 3), "tensordot", ["0..2"]),
    (lambda: tf.tensordot(np.ones((2, 3)), np.ones((3, 5)), [[1], [0, 1]]), "tensordot",
     ["different lengths"]),
    (lambda: tf.tensordot(np.ones((2, 3)), np.ones((3, 5)), [[2], [0]]), "tensordot",
     ["out of range"]),
    (lambda: tf.tensordot(np.ones((2, 3)), np.ones((3, 5)), "x"), "tensordot", ["axes"]),
    (lambda: tf.matmul(np.ones((2, 2)), np.ones((2, 2)), transpose_a=tf.constant([True, False])),
     "matmul", ["transpose_a must be a bool", "shape (2,)"]),
    (lambda: tf.matmul(np.ones((2, 2)), np.ones((2, 2)), adjoint_b=np.array([1, 0])),
     "matmul", ["adjoint_b must be a bool"]),
    (lambda: tf.tensordot(np.ones((2, 3)), None, 1), "tensordot", ["cannot convert None"]),
    (lambda: tf.tensordot(tf.ones([2, 3]), tf.ones([3, 2], tf.float64), 1), "tensordot",
     ["einsum", "float32", "float64"]),
]


@pytest.mark.parametrize("call,op,mentions", BAD_CALLS)
def test_bad_calls_raise_errors_that_name_the_op(call, op, mentions):
    assert_teaches(call, mentions, op=op)
