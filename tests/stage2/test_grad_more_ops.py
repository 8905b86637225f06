"""Gradients of tensor_scatter_nd_*, tf.linalg, top_k, segment_sum and tf.image
vs finite differences (task 4)."""

import numpy as np
import pytest

import stage2_autodiff as tf
from stage2_autodiff.testing import check_gradients

pytestmark = pytest.mark.stage2_task4


def tape_gradient(fn, *xs):
    xs = [tf.constant(x) for x in xs]
    with tf.GradientTape() as tape:
        tape.watch(xs)
        y = fn(*xs)
    return tape.gradient(y, xs)


# --- tensor_scatter_nd_* ----------------------------------------------------------------
_SCATTER = [tf.tensor_scatter_nd_update, tf.tensor_scatter_nd_add, tf.tensor_scatter_nd_sub,
            tf.tensor_scatter_nd_min, tf.tensor_scatter_nd_max]


@pytest.mark.parametrize("fn", _SCATTER, ids=lambda f: f.__name__)
@pytest.mark.parametrize("shape,indices", [
    ((5,), [[0], [3]]),
    ((3, 4), [[0, 1], [2, 3], [1, 0]]),
    ((3, 4), [[2], [0]]),                          # whole rows
], ids=str)
def test_tensor_scatter_first_and_second_order(rng, fn, shape, indices):
    indices = np.array(indices, np.int32)
    tensor = rng.normal(size=shape)
    updates = rng.normal(size=indices.shape[:-1] + shape[indices.shape[-1]:])
    # Squaring makes the second derivative non-zero; min/max have no ties here.
    check_gradients(lambda t, u: fn(t, indices, u) ** 2, [tensor, updates], order=2)


def test_tensor_scatter_update_gradient_zeroes_the_overwritten_places():
    gx, gu = tape_gradient(lambda x, u: tf.tensor_scatter_nd_update(x, [[0], [2]], u) * 3.0,
                           np.ones(4), np.ones(2))
    np.testing.assert_array_equal(gx.numpy(), [0.0, 3.0, 0.0, 3.0])
    np.testing.assert_array_equal(gu.numpy(), [3.0, 3.0])


def test_tensor_scatter_add_gradient_with_repeated_indices():
    check_gradients(lambda t, u: tf.tensor_scatter_nd_add(t, [[1], [1], [0]], u) ** 2,
                    [np.arange(3.0), np.array([0.5, -1.0, 2.0])], order=2)


def test_tensor_scatter_max_splits_the_gradient_of_a_tie():
    gx, gu = tape_gradient(lambda x, u: tf.tensor_scatter_nd_max(x, [[0], [1]], u),
                           np.array([2.0, 2.0, 2.0]), np.array([2.0, 5.0]))
    np.testing.assert_array_equal(gx.numpy(), [0.5, 0.0, 1.0])
    np.testing.assert_array_equal(gu.numpy(), [0.5, 1.0])
