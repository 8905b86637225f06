"""Gradients of matmul, einsum and tensordot vs finite differences (task 4)."""

import numpy as np
import pytest

import stage2_autodiff as tf
from stage2_autodiff.testing import check_gradients

pytestmark = pytest.mark.stage2_task4


@pytest.mark.parametrize("shape_a,shape_b", [
    ((2, 3), (3, 4)), ((1, 1), (1, 1)), ((3, 2, 3), (3, 3, 2)), ((3, 2, 3), (3, 2)),
    ((2, 1, 2, 3), (3, 3, 2)),
], ids=str)
@pytest.mark.parametrize("transpose_a", [False, True])
@pytest.mark.parametrize("transpose_b", [False, True])
def test_matmul_first_and_second_order(rng, shape_a, shape_b, transpose_a, transpose_b):
    a = rng.normal(size=shape_a)
    b = rng.normal(size=shape_b)
    if transpose_a:
        a = np.ascontiguousarray(np.swapaxes(a, -1, -2))
    if transpose_b:
        b = np.ascontiguousarray(np.swapaxes(b, -1, -2))
    # The product makes the second derivative non-zero (matmul alone is bilinear).
    check_gradients(lambda a, b: tf.matmul(a, b, transpose_a=transpose_a,
                                           transpose_b=transpose_b) ** 2,
                    [a, b], order=2)


@pytest.mark.parametrize("equation,shapes", [
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("bij,bjk->bik", [(2, 2, 3), (2, 3, 2)]),
    ("ij->ji", [(2, 3)]),
    ("ij->", [(2, 3)]),
    ("ij->j", [(2, 3)]),
    ("i,j->ij", [(3,), (2,)]),
    ("i,i->", [(4,), (4,)]),
    ("ij,j->i", [(2, 3), (3,)]),
    ("ij,kl->ik", [(2, 3), (4, 5)]),          # j and l are summed inside one input each
    ("...ij,...jk->...ik", [(2, 1, 2, 3), (3, 3, 2)]),
    ("...ij->...j", [(2, 3, 4)]),
    ("ij,jk,kl->il", [(2, 3), (3, 2), (2, 2)]),
], ids=str)
def test_einsum_first_and_second_order(rng, equation, shapes):
    xs = [rng.normal(size=s) for s in shapes]
    check_gradients(lambda *vs: tf.einsum(equation, *vs) ** 2, xs, order=2)


def test_einsum_gradient_of_a_trace_is_refused_with_a_clear_error():
    x = tf.constant(np.eye(2))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.einsum("ii->", x)
    with pytest.raises(tf.errors.UnimplementedError, match="einsum: .*repeated"):
        tape.gradient(y, x)


@pytest.mark.parametrize("shape_a,shape_b,axes", [
    ((2, 3), (3, 4), 1), ((2, 3, 4), (3, 4, 2), 2), ((2, 3), (2, 2), 0),
    ((3, 4, 2), (4, 3, 2), [[1, 0], [0, 1]]),
], ids=str)
def test_tensordot(rng, shape_a, shape_b, axes):
    a, b = rng.normal(size=shape_a), rng.normal(size=shape_b)
    check_gradients(lambda a, b: tf.tensordot(a, b, axes) ** 2, [a, b], order=2)


def test_matmul_of_a_variable_in_a_linear_model():
    w = tf.Variable([[1.0], [2.0]])
    x = tf.constant([[3.0, 4.0], [5.0, 6.0]])
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.matmul(x, w))
    np.testing.assert_allclose(tape.gradient(loss, w).numpy(), [[8.0], [10.0]])


def test_every_op_of_this_module_has_a_gradient_decision():
    from stage1_tensors.ops import linalg_ops
    from stage2_autodiff import registry
    for op in vars(linalg_ops).values():
        if isinstance(op, type(linalg_ops.MatMul)):
            assert op.name not in registry.ops_without_gradient_rule(), op.name
