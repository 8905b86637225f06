"""Task 7: custom_gradient, stop_gradient, gradients_function and the gradient checker."""

import numpy as np
import pytest

import stage2_autodiff as tf
from stage2_autodiff.testing import check_gradients

pytestmark = pytest.mark.stage2_task7
tfe = tf.contrib.eager


def test_stop_gradient_is_identity_forward_and_wall_backward():
    x = tf.constant([1.0, 2.0])
    y = tf.stop_gradient(x)
    np.testing.assert_array_equal(y.numpy(), x.numpy())
    with tf.GradientTape() as tape:
        tape.watch(x)
        z = x * tf.stop_gradient(x * 2.0)
    np.testing.assert_array_equal(tape.gradient(z, x).numpy(), [2.0, 4.0])


def _scaled_identity(x):
    @tf.custom_gradient      # decorated at call time, so this file imports before task 7 is done
    def scaled_identity(x):
        def grad(dy):
            return dy * 10.0
        return tf.identity(x), grad
    return scaled_identity(x)


def test_custom_gradient_replaces_the_gradient():
    x = tf.constant([1.0, 2.0])
    np.testing.assert_array_equal(_scaled_identity(x).numpy(), [1.0, 2.0])  # no tape
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = _scaled_identity(x) * 2.0
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [20.0, 20.0])


def test_custom_gradient_output_that_is_its_input():
    @tf.custom_gradient
    def passthrough(x):
        return x, lambda dy: dy * 3.0
    x = tf.constant(1.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = passthrough(x)
    assert y is not x
    assert float(tape.gradient(y, x)) == 3.0


def test_custom_gradient_with_several_inputs_and_outputs():
    @tf.custom_gradient
    def two(x, y):
        def grad(da, db):
            return da + db, da - db
        return (x * 1.0, y * 1.0), grad
    x, y = tf.constant(1.0), tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch([x, y])
        a, b = two(x, y)
        out = a * 2.0 + b
    gx, gy = tape.gradient(out, [x, y])
    assert (float(gx), float(gy)) == (3.0, 1.0)


def test_custom_gradient_with_variables():
    w = tf.Variable(3.0)

    @tf.custom_gradient
    def scale(x):
        def grad(dy, variables=None):
            assert variables == [w] or variables[0] is w
            return dy * 100.0, [dy * 7.0]
        return x * w, grad
    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = scale(x)
    gx, gw = tape.gradient(y, [x, w])
    assert (float(gx), float(gw)) == (100.0, 7.0)


def test_custom_gradient_reading_variables_needs_the_variables_argument():
    w = tf.Variable(3.0)

    @tf.custom_gradient
    def scale(x):
        return x * w, lambda dy: dy
    with tf.GradientTape() as tape:
        with pytest.raises(TypeError, match="variables"):
            scale(tf.constant(1.0))


def test_custom_gradient_wrong_count_is_an_error():
    @tf.custom_gradient
    def bad(x, y):
        return x * y, lambda dy: dy
    x = tf.constant(1.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        z = bad(x, 2.0)
    with pytest.raises(ValueError, match="bad.*1 input gradient.*expected 2"):
        tape.gradient(z, x)


def test_custom_gradient_is_differentiable_again():
    @tf.custom_gradient
    def square(x):
        return x * x, lambda dy: dy * 2.0 * x
    x = tf.constant(3.0)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = square(x)
        dy = inner.gradient(y, x)
    assert float(dy) == 6.0 and float(outer.gradient(dy, x)) == 2.0


def test_gradients_function_and_value_and_gradients_function():
    def f(x, y):
        return x * x * y
    assert [float(g) for g in tfe.gradients_function(f)(3.0, 2.0)] == [12.0, 9.0]
    assert [float(g) for g in tf.gradients_function(f, params=["y"])(3.0, 2.0)] == [9.0]
    value, grads = tfe.value_and_gradients_function(f, params=[0])(3.0, 2.0)
    assert float(value) == 18.0 and [float(g) for g in grads] == [12.0]
    weighted = tf.gradients_function(lambda x: x * x)(tf.constant([1.0, 2.0]),
                                                      dy=tf.constant([1.0, 10.0]))
    np.testing.assert_array_equal(weighted[0].numpy(), [2.0, 40.0])
    with pytest.raises(ValueError, match="no parameter 'z'"):
        tf.gradients_function(f, params=["z"])(1.0, 2.0)
    with pytest.raises(ValueError, match="returned None"):
        tf.gradients_function(lambda x: None)(1.0)


def test_implicit_gradients():
    w, b = tf.Variable(2.0), tf.Variable(1.0)
    grads_and_vars = tfe.implicit_gradients(lambda x: w * x + b)(3.0)
    assert [(float(g), v is w or v is b) for g, v in grads_and_vars] == \
        [(3.0, True), (1.0, True)]
    with pytest.raises(ValueError, match="no trainable variables"):
        tfe.implicit_gradients(lambda x: x * 2.0)(1.0)


def test_compute_gradient_like_tensorflow():
    theoretical, numerical = tf.test.compute_gradient(lambda x: x * x, [1.0])
    assert isinstance(theoretical, tuple) and theoretical[0].dtype == np.float32
    np.testing.assert_allclose(theoretical[0], [[2.0]])
    np.testing.assert_allclose(numerical[0], [[2.0]], rtol=1e-4)
    x = np.arange(6, dtype=np.float64).reshape(2, 3)
    t, n = tf.test.compute_gradient(lambda a, b: a * b, [x, np.float64(2.0)])
    assert t[0].shape == (6, 6) and t[1].shape == (6, 1)
    np.testing.assert_allclose(t[0], 2.0 * np.eye(6))
    np.testing.assert_allclose(t[1].ravel(), x.ravel())
    assert tf.test.max_error(t, n) < 1e-6


def test_check_gradients_finds_a_wrong_gradient():
    @tf.custom_gradient
    def wrong_square(x):
        return x * x, lambda dy: dy * x          # should be 2x
    check_gradients(lambda x: x * x, [[1.0, 2.0]], order=2)
    with pytest.raises(AssertionError, match="output 0, argument 0"):
        check_gradients(wrong_square, [[1.0, 2.0]])


def test_custom_gradient_also_decorates_when_called_with_parentheses():
    @tf.custom_gradient()
    def doubled_gradient(x):
        def grad_fn(upstream):
            return upstream * 2.0
        return tf.identity(x), grad_fn
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = doubled_gradient(x) * 5.0
    assert float(y) == 15.0 and float(tape.gradient(y, x)) == 10.0
