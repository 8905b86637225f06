"""Task 6: higher-order gradients, jacobian and batch_jacobian."""

import numpy as np
import pytest

import stage2_autodiff as tf

pytestmark = pytest.mark.stage2_task6


def test_second_derivative_of_x_squared_is_two_and_third_is_none():
    x = tf.constant(3.0)
    with tf.GradientTape() as t3:
        t3.watch(x)
        with tf.GradientTape() as t2:
            t2.watch(x)
            with tf.GradientTape() as t1:
                t1.watch(x)
                y = x * x
            dy = t1.gradient(y, x)
        d2y = t2.gradient(dy, x)
    assert float(dy) == 6.0 and float(d2y) == 2.0
    assert t3.gradient(d2y, x) is None


def test_higher_order_of_a_cubic_with_a_variable():
    v = tf.Variable(2.0)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = v * v * v
        dy = inner.gradient(y, v)
    assert float(dy) == 12.0
    assert float(outer.gradient(dy, v)) == 12.0      # 6 v


@pytest.mark.internals
def test_persistent_tape_gradient_inside_its_own_block_is_not_self_recorded():
    x = tf.constant(2.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
        n = len(tape._records)
        g = tape.gradient(y, x)
        assert len(tape._records) == n
    assert float(g) == 4.0


def test_jacobian_matches_numpy(rng):
    a = rng.normal(size=(3, 2))
    x = tf.constant(rng.normal(size=(2,)))
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = tf.matmul(tf.constant(a), tf.reshape(x, [2, 1])) * 2.0
    jac = tape.jacobian(y, x)
    assert jac.shape == (3, 1, 2)
    np.testing.assert_allclose(jac.numpy().reshape(3, 2), 2.0 * a)
    both = tape.jacobian(y, {"x": x, "unused": tf.constant(1.0)})
    assert both["unused"] is None
    zero = tape.jacobian(y, tf.constant(1.0), unconnected_gradients="zero")
    assert zero.shape == (3, 1) and not zero.numpy().any()


def test_jacobian_of_elementwise_is_diagonal():
    x = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    np.testing.assert_allclose(tape.jacobian(y, x).numpy(), np.diag([2.0, 4.0, 6.0]))
    with pytest.raises(RuntimeError):
        tape.jacobian(y, x)


def test_hessian_by_nested_jacobians():
    x = tf.constant([1.0, 2.0], dtype=tf.float64)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = x * x * x
        grad = inner.gradient(y, x)
    hessian = outer.jacobian(grad, x)
    np.testing.assert_allclose(hessian.numpy(), np.diag([6.0, 12.0]))


def test_batch_jacobian(rng):
    w = rng.normal(size=(3, 4))
    x = tf.constant(rng.normal(size=(5, 3)))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.matmul(x, tf.constant(w)) * x[:, :1]
    jac = tape.batch_jacobian(y, x)
    assert jac.shape == (5, 4, 3)
    xs = x.numpy()
    for b in range(5):
        want = (w * xs[b, 0]).T.copy()
        want[:, 0] += xs[b] @ w
        np.testing.assert_allclose(jac.numpy()[b], want, rtol=1e-10)


def test_batch_jacobian_checks_the_batch_dimension():
    x = tf.constant([[1.0, 2.0]])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reshape(x, [2, 1])
    with pytest.raises(ValueError, match="batch"):
        tape.batch_jacobian(y, x)


def test_batch_jacobian_needs_a_batch_axis_on_both_sides():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
    with pytest.raises(ValueError, match="batch_jacobian: the target must have rank at least 2"):
        tape.batch_jacobian(y, x)
