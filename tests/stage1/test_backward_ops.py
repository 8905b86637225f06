"""The fused backward ops (``tanh_grad``, ``sigmoid_grad``) and the kernels made
cheaper for stage 2 (``broadcast_to`` on the CPU, ``add_n``, ``reduce_sum``),
checked against NumPy (task 3 and 4)."""

import numpy as np
import pytest

import stage1_tensors as tf
from stage1_tensors.errors import InvalidArgumentError
from stage1_tensors.ops.unary_ops import sigmoid_grad, tanh_grad

pytestmark = pytest.mark.stage1_task3

SHAPES = [(), (4,), (2, 3), (0,), (3, 1, 2)]
FLOATS = [np.float16, np.float32, np.float64]


def _tolerance(dtype):
    return {"rtol": 2e-3, "atol": 2e-3} if dtype == np.float16 else {"rtol": 1e-6, "atol": 1e-7}


@pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_tanh_grad_and_sigmoid_grad_match_numpy(on, rng, shape, dtype):
    x = rng.normal(size=shape).astype(dtype)
    dy = rng.normal(size=shape).astype(dtype)
    y_tanh, y_sigmoid = np.tanh(x), (1 / (1 + np.exp(-x))).astype(dtype)
    got = tanh_grad(on(y_tanh), on(dy))
    assert got.dtype == tf.as_dtype(dtype) and got.shape == shape
    np.testing.assert_allclose(got.numpy(), dy * (1 - y_tanh * y_tanh), **_tolerance(dtype))
    got = sigmoid_grad(on(y_sigmoid), on(dy))
    assert got.dtype == tf.as_dtype(dtype) and got.shape == shape
    np.testing.assert_allclose(got.numpy(), dy * y_sigmoid * (1 - y_sigmoid),
                               **_tolerance(dtype))


def test_fused_grads_leave_their_inputs_alone():
    y, dy = np.array([0.5, -0.25], np.float32), np.array([2.0, 3.0], np.float32)
    ty, tdy = tf.constant(y), tf.constant(dy)
    tanh_grad(ty, tdy), sigmoid_grad(ty, tdy)
    np.testing.assert_array_equal(ty.numpy(), y)
    np.testing.assert_array_equal(tdy.numpy(), dy)


def test_fused_grads_take_python_numbers_beside_a_tensor():
    assert float(tanh_grad(tf.constant(0.5), 2.0)) == 1.5
    assert float(sigmoid_grad(0.5, tf.constant(4.0))) == 1.0


@pytest.mark.parametrize("fn", [tanh_grad, sigmoid_grad])
def test_fused_grads_refuse_mismatched_shapes_and_integers(fn):
    with pytest.raises(InvalidArgumentError, match=r"y and dy must have the same shape, "
                                                   r"got y \(2,\) and dy \(3,\)"):
        fn(tf.ones([2]), tf.ones([3]))
    with pytest.raises(InvalidArgumentError, match="does not accept"):
        fn(tf.constant([1, 2]), tf.constant([1, 2]))


@pytest.mark.parametrize("source,target", [
    ((), (2, 2)), ((3,), (2, 3)), ((2, 1), (2, 4)), ((1,), (5000,)), ((), (40, 40)),
    ((3, 1), (2, 3, 0)), ((2,), (2,))])
@pytest.mark.stage1_task5
def test_broadcast_to_small_and_large_results_match_numpy(rng, source, target):
    x = rng.normal(size=source).astype(np.float32)
    got = tf.broadcast_to(x, target)
    assert got.shape == target
    np.testing.assert_array_equal(got.numpy(), np.broadcast_to(x, target))


@pytest.mark.stage1_task4
@pytest.mark.parametrize("shape", [(), (3,), (2, 2)], ids=str)
@pytest.mark.parametrize("count", [1, 2, 3, 5])
def test_add_n_sums_in_order_and_leaves_inputs_alone(rng, shape, count):
    arrays = [rng.normal(size=shape).astype(np.float32) for _ in range(count)]
    tensors = [tf.constant(a) for a in arrays]
    got = tf.add_n(tensors)
    want = arrays[0].copy()
    for a in arrays[1:]:
        want = want + a
    np.testing.assert_array_equal(got.numpy(), want)
    for t, a in zip(tensors, arrays):
        np.testing.assert_array_equal(t.numpy(), a)
    assert got is not tensors[0] and got._value is not tensors[0]._value


@pytest.mark.stage1_task4
@pytest.mark.parametrize("axis,keepdims", [(None, False), (None, True), (0, False),
                                           (-1, True), ((0, 2), False), ((), False)])
@pytest.mark.stage1_task4
def test_reduce_sum_kernel_matches_numpy(rng, axis, keepdims):
    x = rng.normal(size=(2, 3, 4)).astype(np.float32)
    got = tf.reduce_sum(x, axis=axis, keepdims=keepdims)
    want = np.sum(x, axis=axis, keepdims=keepdims, dtype=np.float32)
    assert got.dtype == tf.float32 and got.shape == want.shape
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-6)


@pytest.mark.parametrize("shape", [[2, 3], (2, 3), tf.TensorShape([2, 3]), [np.int64(2), 3],
                                   np.array([2, 3]), tf.constant([2, 3]), [-1, 3]], ids=repr)
@pytest.mark.stage1_task6
def test_shape_arguments_of_every_kind_agree(shape):
    assert tf.reshape(tf.range(6), shape).shape == (2, 3)


@pytest.mark.stage1_task6
@pytest.mark.parametrize("shape", [[2.0, 3], "23", None], ids=repr)
def test_bad_shape_arguments_still_teach(shape):
    with pytest.raises(InvalidArgumentError, match="reshape"):
        tf.reshape(tf.range(6), shape)
