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


# --- tf.linalg ---------------------------------------------------------------------------
def well_conditioned(rng, shape):
    """Random square matrices, safely invertible: the identity (times n) plus noise."""
    n = shape[-1]
    return rng.normal(size=shape) + n * np.eye(n)


def symmetric(a):
    """The symmetric positive definite matrix that a (any square matrix) stands for."""
    n = a.shape[-1]
    return tf.matmul(a, a, transpose_b=True) + n * tf.eye(n, dtype=a.dtype)


@pytest.mark.parametrize("shape", [(3, 3), (2, 2, 2)], ids=str)
@pytest.mark.parametrize("adjoint", [False, True])
def test_inv_first_and_second_order(rng, shape, adjoint):
    check_gradients(lambda a: tf.linalg.inv(a, adjoint=adjoint), [well_conditioned(rng, shape)],
                    order=2)


@pytest.mark.parametrize("shape", [(3, 3), (2, 2, 2)], ids=str)
def test_det_first_and_second_order(rng, shape):
    check_gradients(tf.linalg.det, [well_conditioned(rng, shape)], order=2)


@pytest.mark.parametrize("adjoint", [False, True])
@pytest.mark.parametrize("shape,rhs", [((3, 3), (3, 2)), ((2, 2, 2), (2, 2, 1))], ids=str)
def test_solve_first_and_second_order(rng, shape, rhs, adjoint):
    check_gradients(lambda a, b: tf.linalg.solve(a, b, adjoint=adjoint),
                    [well_conditioned(rng, shape), rng.normal(size=rhs)], order=2)


@pytest.mark.parametrize("shape", [(3, 3), (2, 2, 2)], ids=str)
def test_cholesky_first_and_second_order(rng, shape):
    check_gradients(lambda a: tf.linalg.cholesky(symmetric(a)), [rng.normal(size=shape)],
                    order=2)


@pytest.mark.parametrize("shape", [(3, 3), (4, 2), (2, 3, 2)], ids=str)
def test_qr_first_order(rng, shape):
    check_gradients(lambda a: list(tf.linalg.qr(a)), [rng.normal(size=shape)])


def test_qr_gradient_of_a_wide_matrix_is_refused_clearly():
    x = tf.constant(np.ones((2, 3)))
    with tf.GradientTape() as tape:
        tape.watch(x)
        q, r = tf.linalg.qr(x)
    with pytest.raises(tf.errors.UnimplementedError, match="qr: .*M >= N"):
        tape.gradient(r, x)


def test_eigh_first_and_second_order(rng):
    # The eigenvectors' signs are arbitrary: e and v v^T (the projections) are not.
    def f(a):
        e, v = tf.linalg.eigh(symmetric(a))
        return [e, tf.matmul(v * v[..., :1, :], v, transpose_b=True)]
    check_gradients(f, [rng.normal(size=(3, 3))], order=2)
    check_gradients(lambda a: tf.linalg.eigh(symmetric(a))[0], [rng.normal(size=(2, 3, 3))])


@pytest.mark.parametrize("shape", [(3, 3), (4, 2), (2, 4), (2, 3, 2)], ids=str)
def test_svd_first_order(rng, shape):
    # Singular vectors have arbitrary signs; s and u diag(s) v^T-like products do not.
    def f(a):
        s, u, v = tf.linalg.svd(a)
        return [s, tf.matmul(u * s[..., None, :], v, transpose_b=True),
                tf.matmul(u, u, transpose_b=True)]
    check_gradients(f, [rng.normal(size=shape)])
    check_gradients(lambda a: tf.linalg.svd(a, compute_uv=False), [rng.normal(size=shape)],
                    order=2)


@pytest.mark.parametrize("k", [0, 1, -1])
def test_diag_and_diag_part_first_and_second_order(rng, k):
    check_gradients(lambda d: tf.linalg.diag(d, k=k) ** 2, [rng.normal(size=(2, 3))], order=2)
    for shape in [(3, 3), (2, 4), (4, 2), (2, 3, 3)]:
        check_gradients(lambda x: tf.linalg.diag_part(x, k=k) ** 2, [rng.normal(size=shape)],
                        order=2)


@pytest.mark.parametrize("lower,upper", [(-1, 0), (0, -1), (1, 1), (0, 0)])
def test_band_part_trace_and_matrix_transpose(rng, lower, upper):
    x = rng.normal(size=(2, 3, 4))
    check_gradients(lambda x: tf.linalg.band_part(x, lower, upper) ** 2, [x], order=2)
    check_gradients(lambda x: tf.linalg.trace(x) ** 2, [x], order=2)
    check_gradients(lambda x: tf.linalg.matrix_transpose(x) ** 2, [x], order=2)


@pytest.mark.parametrize("ord,axis", [
    ("euclidean", None), (1, None), (np.inf, None), (3, None), ("euclidean", 1),
    (1, -1), ("fro", (0, 1)), (1, (0, 1)), (np.inf, (1, 0)), (2, (0, 1)), (2, (-1, -2)),
], ids=str)
def test_norm_first_and_second_order(rng, ord, axis):
    x = rng.normal(size=(3, 4))
    order = 1 if ord == 2 and axis is not None else 2
    check_gradients(lambda x: tf.norm(x, ord=ord, axis=axis), [x], order=order)


def test_global_norm_first_and_second_order(rng):
    check_gradients(lambda a, b: tf.linalg.global_norm([a, None, b]),
                    [rng.normal(size=(2, 3)), rng.normal(size=(4,))], order=2)


def test_every_new_op_has_a_gradient_rule():
    from stage1_tensors.ops import gather_ops, matrix_ops, scatter_ops, sort_ops
    from stage2_autodiff import registry
    for module in (gather_ops, matrix_ops, scatter_ops, sort_ops):
        for op in vars(module).values():
            if isinstance(op, type(matrix_ops.Svd)):
                assert op.name not in registry.ops_without_gradient_rule(), op.name
                assert registry.is_differentiable(op.name) or op.name in (
                    "Bincount", "Where", "OneHot"), op.name


# --- top_k, segment_sum, bincount ---------------------------------------------------------
@pytest.mark.parametrize("shape,k", [((5,), 2), ((3, 4), 4), ((2, 2, 5), 1)], ids=str)
def test_top_k_first_and_second_order(rng, shape, k):
    x = rng.permutation(np.prod(shape)).reshape(shape) * 0.5 + 0.1 * rng.normal(size=shape)
    check_gradients(lambda x: tf.math.top_k(x, k=k).values ** 2, [x], order=2)


def test_top_k_indices_have_no_gradient():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        indices = tf.math.top_k(x).indices
    assert tape.gradient(indices, x) is None


def test_segment_sum_first_and_second_order(rng):
    ids = np.array([0, 0, 2, 3, 3], np.int32)
    check_gradients(lambda d: tf.math.segment_sum(d, ids) ** 2, [rng.normal(size=(5, 2))],
                    order=2)


def test_bincount_weights_have_no_gradient():
    w = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape() as tape:
        tape.watch(w)
        counts = tf.math.bincount([0, 1, 1], weights=w)
    assert tape.gradient(counts, w) is None


# --- tf.image: composed from differentiable ops, so the gradients come for free --------------
def resize_matrix(n_in, n_out, method):
    """The linear map resize applies along one axis, found by resizing unit vectors."""
    basis = np.eye(n_in, dtype=np.float32).reshape(n_in, n_in, 1, 1)
    images = tf.image.resize(basis, [n_out, 1], method=method)
    return np.asarray(images.numpy()).reshape(n_in, n_out).T     # [n_out, n_in]


@pytest.mark.parametrize("method", ["bilinear", "nearest"])
@pytest.mark.parametrize("shape,size", [((3, 4), (6, 3)), ((5, 2), (2, 5)), ((1, 1), (2, 2))],
                         ids=str)
def test_resize_gradient_is_the_transposed_map(rng, method, shape, size):
    # resize is linear, so the gradient of sum(w * resize(x)) is R_h^T w R_w.
    x = rng.normal(size=(2,) + shape + (3,)).astype(np.float32)
    w = rng.normal(size=(2,) + size + (3,)).astype(np.float32)
    gx, = tape_gradient(lambda x: tf.reduce_sum(tf.image.resize(x, size, method=method) * w),
                        x)
    rh, rw = resize_matrix(shape[0], size[0], method), resize_matrix(shape[1], size[1], method)
    np.testing.assert_allclose(gx.numpy(), np.einsum("ai,bj,nabc->nijc", rh, rw, w),
                               rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("method", ["bilinear", "nearest"])
def test_resize_gradient_vs_finite_differences(rng, method):
    x = tf.constant(rng.normal(size=(1, 3, 4, 2)).astype(np.float32))
    theoretical, numerical = tf.test.compute_gradient(
        lambda x: tf.image.resize(x, [5, 3], method=method) ** 2, [x])
    assert tf.test.max_error(theoretical, numerical) < 2e-2


def test_flips_and_rotations_first_and_second_order(rng):
    x = rng.normal(size=(2, 3, 4, 1))
    for fn in (tf.image.flip_left_right, tf.image.flip_up_down,
               lambda x: tf.image.rot90(x, 1), lambda x: tf.image.rot90(x, 3)):
        check_gradients(lambda x: fn(x) ** 2, [x], order=2)


def test_convert_image_dtype_between_floats_first_order(rng):
    check_gradients(lambda x: tf.image.convert_image_dtype(x, tf.float64) ** 2,
                    [rng.normal(size=(2, 2, 1))], order=2)


def test_per_image_standardization_vs_finite_differences(rng):
    x = tf.constant(rng.normal(size=(2, 3, 3, 2)).astype(np.float32))
    theoretical, numerical = tf.test.compute_gradient(
        lambda x: tf.image.per_image_standardization(x) ** 2, [x])
    assert tf.test.max_error(theoretical, numerical) < 2e-2


# --- tests the mutation run asked for (each kills mutants that lived) ---------------

def test_eigh_eigenvector_gradient_of_a_batch(rng):
    # (the test above checks a batch through the eigenvalues only)
    def projections(a):
        e, v = tf.linalg.eigh(symmetric(a))
        return tf.matmul(v * v[..., :1, :], v, transpose_b=True)
    check_gradients(projections, [rng.normal(size=(2, 3, 3))])
