"""Task 3: the gradient registry and the gradients of the binary ops, against
finite differences in float64, with broadcasting, to second order."""

import numpy as np
import pytest

import stage2_autodiff as tf
from stage2_autodiff import registry
from stage2_autodiff.gradients._broadcast import broadcast_axes, unbroadcast
from stage2_autodiff.testing import check_gradients

pytestmark = pytest.mark.stage2_task3

SHAPES = [((), ()), ((3,), (3,)), ((2, 3), (3,)), ((2, 1), (1, 3)), ((4, 1, 2), (3, 1)),
          ((2, 3), ())]

# op, argument ranges that keep it smooth (away from kinks, poles and ties)
BINARY = {
    "add": (tf.add, (-2, 2), (-2, 2)),
    "subtract": (tf.subtract, (-2, 2), (-2, 2)),
    "multiply": (tf.multiply, (-2, 2), (-2, 2)),
    "divide": (tf.divide, (-2, 2), (0.5, 2)),
    "pow": (tf.pow, (0.5, 2), (-1.5, 1.5)),
    "maximum": (tf.maximum, (-2, -0.5), (0.5, 2)),
    "minimum": (tf.minimum, (0.5, 2), (-2, -0.5)),
    "squared_difference": (tf.math.squared_difference, (-2, 2), (-2, 2)),
    "floormod": (tf.math.floormod, (0.1, 0.9), (1.5, 2.5)),
    "divide_no_nan": (tf.math.divide_no_nan, (-2, 2), (0.5, 2)),
}


@pytest.mark.parametrize("name", sorted(BINARY))
@pytest.mark.parametrize("shapes", SHAPES, ids=str)
def test_first_order_against_finite_differences(name, shapes, rng):
    fn, xr, yr = BINARY[name]
    x = rng.uniform(*xr, size=shapes[0])
    y = rng.uniform(*yr, size=shapes[1])
    check_gradients(fn, [x, y])


@pytest.mark.stage2_task4
@pytest.mark.parametrize("name", sorted(BINARY))
def test_second_order(name, rng):
    fn, xr, yr = BINARY[name]
    check_gradients(fn, [rng.uniform(*xr, size=(2, 3)), rng.uniform(*yr, size=(3,))],
                    order=2)


@pytest.mark.stage2_task4
def test_operators_record_like_functions(rng):
    check_gradients(lambda a, b: (a + b) * (a - b) / (b ** 2.0) - 2.0 * a % 3.0,
                    [rng.uniform(1, 2, (2, 2)), rng.uniform(1, 2, (2,))], order=2)


def test_reflected_python_scalars(rng):
    check_gradients(lambda a: 2.0 / a + 3.0 - a + 2.0 ** a, [rng.uniform(1, 2, (3,))])


def test_pow_gradient_for_the_exponent_is_zero_where_the_base_is_not_positive():
    x = tf.constant([-2.0, 0.0, 2.0])
    y = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch([x, y])
        z = tf.pow(x, y)
    gx, gy = tape.gradient(z, [x, y])
    np.testing.assert_allclose(gx.numpy(), [-4.0, 0.0, 4.0])
    assert float(gy) == pytest.approx(4.0 * np.log(2.0))


@pytest.mark.parametrize("fn, x_gets", [(tf.maximum, True), (tf.minimum, True)])
def test_ties_go_to_the_first_argument(fn, x_gets):
    x, y = tf.constant([1.0, 2.0]), tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch([x, y])
        z = fn(x, y)
    gx, gy = tape.gradient(z, [x, y])
    np.testing.assert_array_equal(gx.numpy(), [1.0, 1.0])
    np.testing.assert_array_equal(gy.numpy(), [0.0, 0.0])


def test_broadcast_gradient_sums(on):
    x = on(np.ones((3,), np.float32))
    y = on(np.ones((2, 1), np.float32))
    with tf.GradientTape() as tape:
        tape.watch([x, y])
        z = x * y
    gx, gy = tape.gradient(z, [x, y])
    np.testing.assert_array_equal(np.asarray(gx), [2.0, 2.0, 2.0])
    np.testing.assert_array_equal(np.asarray(gy), [[3.0], [3.0]])


@pytest.mark.parametrize("grad_shape, shape, axes", [
    ((2, 3), (2, 3), ()), ((2, 3), (3,), (0,)), ((2, 3), (2, 1), (1,)),
    ((4, 2, 3), (2, 1), (0, 2)), ((2, 3), (), (0, 1)), ((0, 3), (3,), (0,)),
    ((1, 3), (1, 3), ())])
def test_unbroadcast(grad_shape, shape, axes, rng):
    assert broadcast_axes(grad_shape, shape) == axes
    g = rng.normal(size=grad_shape)
    got = unbroadcast(tf.constant(g), shape)
    assert got.shape == shape
    want = g.sum(axis=axes).reshape(shape) if axes else g
    np.testing.assert_allclose(got.numpy(), want)


@pytest.mark.parametrize("name", ["FloorDiv", "Equal", "NotEqual", "Less", "LessEqual",
                                  "Greater", "GreaterEqual", "LogicalAnd", "LogicalOr",
                                  "LogicalXor", "StopGradient"])
def test_non_differentiable_ops_are_declared(name):
    assert not registry.is_differentiable(name)
    assert registry.gradient_function(name) is None


def test_floordiv_and_comparisons_pass_no_gradient():
    x = tf.constant([1.5, 2.5])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.floordiv(x, 1.0) + tf.cast(x > 2.0, tf.float32)
    assert tape.gradient(y, x) is None


def test_gradients_are_registered_by_op_name():
    for name in ["AddV2", "Sub", "Mul", "TrueDiv", "Pow", "Maximum", "Minimum",
                 "SquaredDifference", "FloorMod", "ReadVariableOp"]:
        assert registry.is_differentiable(name), name
    with pytest.raises(KeyError, match="already"):
        tf.register_gradient("Mul", lambda op, g: (g, g))
    with pytest.raises(TypeError, match="op name"):
        tf.RegisterGradient(len)


def test_every_registered_op_has_a_gradient_or_is_declared_without_one():
    missing = registry.ops_without_gradient_rule()
    assert missing == [], ("these ops have neither a gradient nor a no_gradient mark: %s"
                           % missing)


def test_divide_no_nan_passes_zero_gradients_where_the_divisor_is_zero():
    x = tf.constant([1.0, 2.0, 3.0], tf.float64)
    y = tf.constant([0.0, 4.0, 0.0], tf.float64)
    with tf.GradientTape() as tape:
        tape.watch([x, y])
        z = tf.math.divide_no_nan(x, y)
    gx, gy = tape.gradient(z, [x, y])
    np.testing.assert_allclose(gx.numpy(), [0.0, 0.25, 0.0])
    np.testing.assert_allclose(gy.numpy(), [0.0, -2.0 / 16.0, 0.0])


def test_count_nonzero_has_no_gradient_as_in_tensorflow():
    x = tf.constant([0.0, 1.5, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        n = tf.math.count_nonzero(x)
    assert tape.gradient(n, x) is None


# --- tests the mutation run asked for (each kills mutants that lived) ---------------

def test_floormod_gradient_for_the_divisor_where_the_quotient_is_not_zero():
    # d(x mod y)/dy = -floor(x / y): here -2 and 2 (the first-order test's
    # inputs have floor(x / y) = 0, which hides the sign)
    x = tf.constant([3.5, -2.5], tf.float64)
    y = tf.constant([1.3, 1.7], tf.float64)
    with tf.GradientTape() as tape:
        tape.watch([x, y])
        z = tf.math.floormod(x, y)
    gx, gy = tape.gradient(z, [x, y])
    np.testing.assert_allclose(gx.numpy(), [1.0, 1.0])
    np.testing.assert_allclose(gy.numpy(), [-2.0, 2.0])
    check_gradients(tf.math.floormod, [np.array([3.5, -2.5]), np.array([1.3, 1.7])])


def test_complex_pow_gradient_for_the_exponent_is_zero_only_at_a_zero_base():
    # As TensorFlow: for complex x, log(x) is taken as 0 only where x == 0 (x = 1
    # and negative real parts are fine); the gradient is conj(dz/dx) * grad.
    xs = np.array([0j, 1 + 0j, -1 + 1j, 2 + 0.5j])
    ys = np.array([2 + 0j, 1.5 + 0.5j, 2 + 0j, 0.5 - 1j])
    x, y = tf.constant(xs, tf.complex128), tf.constant(ys, tf.complex128)
    with tf.GradientTape() as tape:
        tape.watch([x, y])
        z = tf.pow(x, y)
    gx, gy = tape.gradient(z, [x, y])
    safe = np.where(xs != 0, xs, 1.0)
    expected_gy = np.where(xs != 0, np.conj(safe ** ys * np.log(safe)), 0.0)
    np.testing.assert_allclose(gy.numpy(), expected_gy, atol=1e-12)
    np.testing.assert_allclose(gx.numpy(), np.conj(ys * xs ** (ys - 1)), atol=1e-12)
