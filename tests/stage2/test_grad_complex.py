"""Gradients with complex numbers, by TensorFlow's convention: for a real loss L of
z = x + iy, ``tape.gradient(L, z)`` is ``dL/dx + i dL/dy`` (so ``|z|**2`` gives 2z).

Each rule is checked against central finite differences taken on the real and
the imaginary part separately (complex128), and through real parameters
(``tf.complex(x, y)``) with the float64 gradient checker, to second order."""

import numpy as np
import pytest

import stage2_autodiff as tf
from stage2_autodiff.testing import check_gradients

pytestmark = pytest.mark.stage2_task3


def _z(rng, shape):
    return rng.uniform(0.3, 1.2, shape) + 1j * rng.uniform(0.3, 1.2, shape)


def tape_grad(loss, *zs):
    # A non-scalar loss is summed by the tape (its output gradient is ones).
    ts = [tf.constant(z) for z in zs]
    with tf.GradientTape() as tape:
        tape.watch(ts)
        out = loss(*ts)
    assert out.dtype.is_floating, "the loss must be real"
    return [g.numpy() for g in tape.gradient(out, ts)]


def numeric_grad(loss, zs, which, eps=1e-6):
    """dL/dx + i dL/dy of argument ``which``, by central differences on each part."""
    z = zs[which]
    grad = np.zeros_like(z)
    for index in np.ndindex(z.shape):
        for unit in (1.0, 1j):
            step = np.zeros_like(z)
            step[index] = eps * unit

            def at(shift):
                args = [tf.constant(a) for a in zs]
                args[which] = tf.constant(z + shift)
                return float(np.sum(loss(*args).numpy()))
            grad[index] += unit * (at(step) - at(-step)) / (2 * eps)
    return grad


def check_convention(loss, *zs, rtol=1e-5, atol=1e-7, eps=1e-6):
    got = tape_grad(loss, *zs)
    for i, g in enumerate(got):
        np.testing.assert_allclose(g, numeric_grad(loss, list(zs), i, eps), rtol=rtol, atol=atol,
                                   err_msg="argument %d" % i)


def test_abs_squared_gives_two_z_as_tensorflow_documents():
    z = np.array([3 + 4j, 1 - 2j, -0.5j])
    (g,) = tape_grad(lambda t: tf.abs(t) ** 2, z)
    np.testing.assert_allclose(g, 2 * z)
    (g,) = tape_grad(lambda t: tf.math.real(t * tf.math.conj(t)), z)
    np.testing.assert_allclose(g, 2 * z)


def test_real_and_imag_parts_have_gradient_one_and_i():
    z = np.array([1 + 2j, -3j])
    (g,) = tape_grad(lambda t: tf.math.real(t), z)
    np.testing.assert_array_equal(g, [1, 1])
    (g,) = tape_grad(lambda t: tf.math.imag(t), z)
    np.testing.assert_array_equal(g, [1j, 1j])


def test_abs_at_zero_has_zero_gradient():
    (g,) = tape_grad(lambda t: tf.abs(t), np.array([0j, 3 + 4j]))
    np.testing.assert_allclose(g, [0, 0.6 + 0.8j])


UNARY = [
    ("real", tf.math.real), ("imag", tf.math.imag), ("abs", tf.abs),
    ("angle", tf.math.angle), ("conj", lambda t: tf.math.imag(tf.math.conj(t) * (1 + 2j))),
    ("negative", lambda t: tf.math.real(-t * (2 - 1j))),
    ("square", lambda t: tf.math.imag(tf.square(t))),
    ("sqrt", lambda t: tf.math.real(tf.sqrt(t) * (1 + 1j))),
    ("rsqrt", lambda t: tf.math.imag(tf.math.rsqrt(t))),
    ("exp", lambda t: tf.abs(tf.exp(t))),
    ("exp_imag", lambda t: tf.math.imag(tf.exp(t))),
    ("log", lambda t: tf.math.imag(tf.math.log(t))),
    ("log1p", lambda t: tf.math.real(tf.math.log1p(t) * 1j)),
    ("expm1", lambda t: tf.math.real(tf.math.expm1(t))),
    ("sin", lambda t: tf.math.real(tf.sin(t))), ("cos", lambda t: tf.math.imag(tf.cos(t))),
    ("tan", lambda t: tf.math.real(tf.math.tan(t))),
    ("tanh", lambda t: tf.math.imag(tf.tanh(t))),
    ("sigmoid", lambda t: tf.math.real(tf.sigmoid(t) * (1 - 2j))),
    ("reciprocal", lambda t: tf.math.imag(tf.math.reciprocal(t))),
    ("cast_to_float", lambda t: tf.cast(t, tf.float64) * 3.0),
    ("cast_to_complex64", lambda t: tf.cast(tf.math.imag(tf.cast(t, tf.complex64) ** 2),
                                           tf.float64)),
]


@pytest.mark.parametrize("name,fn", UNARY, ids=[u[0] for u in UNARY])
def test_unary_gradients_follow_the_convention(rng, name, fn):
    # Through complex64 the loss has float32 rounding: wider steps (exact here,
    # as imag(z**2) = 2xy is quadratic) keep it out of the differences.
    eps = 1e-2 if name == "cast_to_complex64" else 1e-6
    check_convention(fn, _z(rng, (2, 3)), atol=1e-5, eps=eps)


BINARY = [
    ("add", lambda a, b: tf.abs(a + b)), ("subtract", lambda a, b: tf.math.imag(a - 2 * b)),
    ("multiply", lambda a, b: tf.math.real(a * b)),
    ("multiply_abs", lambda a, b: tf.abs(a * b)),
    ("divide", lambda a, b: tf.math.imag(a / b)),
    ("divide_no_nan", lambda a, b: tf.math.real(tf.math.divide_no_nan(a, b) * 1j)),
    ("pow", lambda a, b: tf.math.real(tf.pow(a, b))),
    ("squared_difference", lambda a, b: tf.math.real(tf.math.squared_difference(a, b))),
]


@pytest.mark.parametrize("name,fn", BINARY, ids=[b[0] for b in BINARY])
def test_binary_gradients_follow_the_convention_with_broadcasting(rng, name, fn):
    check_convention(fn, _z(rng, (2, 3)), _z(rng, (3,)))


@pytest.mark.stage2_task4
@pytest.mark.parametrize("transpose_a,transpose_b", [(False, False), (True, False),
                                                     (False, True), (True, True)])
def test_matmul_gradients_conjugate_the_other_factor(rng, transpose_a, transpose_b):
    a = _z(rng, (3, 2) if transpose_a else (2, 3))
    b = _z(rng, (4, 3) if transpose_b else (3, 4))
    check_convention(lambda x, y: tf.reduce_sum(tf.math.imag(
        tf.matmul(x, y, transpose_a=transpose_a, transpose_b=transpose_b))), a, b)
    check_convention(lambda x, y: tf.reduce_sum(tf.abs(tf.matmul(x, y, adjoint_b=True))),
                     a if not transpose_a else a.T, b if transpose_b else b.T)


@pytest.mark.stage2_task4
def test_einsum_and_reductions(rng):
    a, b = _z(rng, (2, 3)), _z(rng, (3, 4))
    check_convention(lambda x, y: tf.reduce_sum(tf.math.real(tf.einsum("ij,jk->ik", x, y)
                                                             * (1 - 1j))), a, b)
    check_convention(lambda x: tf.abs(tf.reduce_mean(x * x)), a)


@pytest.mark.parametrize("name,fn", [
    ("abs", lambda z: tf.abs(z)), ("angle", lambda z: tf.math.angle(z)),
    ("tanh", lambda z: tf.math.real(tf.tanh(z))),
    ("sigmoid", lambda z: tf.math.imag(tf.sigmoid(z))),
    ("exp_sin", lambda z: tf.math.real(tf.exp(z) * tf.sin(z))),
    ("reciprocal_sqrt", lambda z: tf.math.imag(tf.math.reciprocal(tf.sqrt(z)))),
    ("log_times_conj", lambda z: tf.math.real(tf.math.log(z) * tf.math.conj(z))),
], ids=lambda v: v if isinstance(v, str) else "")
def test_through_real_parameters_to_second_order(rng, name, fn):
    # f(x, y) = fn(complex(x, y)) is a real function of real inputs: the float64
    # checker compares first and second derivatives with finite differences.
    x, y = rng.uniform(0.3, 1.2, (2, 2)), rng.uniform(0.3, 1.2, (2, 2))
    check_gradients(lambda a, b: fn(tf.complex(a, b)), [x, y], order=2, rtol=1e-4,
                    atol=1e-6)


def test_complex_of_broadcast_parts_sums_the_gradient_back():
    x, y = tf.constant([1.0, 2.0], tf.float64), tf.constant(3.0, tf.float64)
    with tf.GradientTape() as tape:
        tape.watch([x, y])
        loss = tf.math.imag(tf.complex(x, y))
    gx, gy = tape.gradient(loss, [x, y])
    np.testing.assert_array_equal(gx.numpy(), [0, 0])
    assert gy.numpy() == 2.0 and gy.dtype is tf.float64


def test_cast_from_float_to_complex_keeps_the_real_part_of_the_gradient():
    x = tf.constant([1.0, -2.0], tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.math.imag(tf.cast(x, tf.complex128) * (3 + 4j))
    g = tape.gradient(loss, x)
    assert g.dtype is tf.float64
    np.testing.assert_allclose(g.numpy(), [4.0, 4.0])


@pytest.mark.stage2_task1
def test_complex_variable_reads_assigns_and_converts():
    v = tf.Variable([1 + 2j, 3 - 1j], dtype=tf.complex64)
    assert v.dtype is tf.complex64
    v.assign([0j, 1j])
    v.assign_add([1 + 1j, 1.0])
    v.assign_sub([1j, 0.5j])
    np.testing.assert_array_equal(v.read_value().numpy(), [1 + 0j, 1 + 0.5j])
    assert tf.Variable(1 + 2j).dtype is tf.complex128
    with pytest.raises(ValueError, match="assign"):
        v.assign([1.0, 2.0, 3.0])
    w = tf.Variable([1.0])
    with pytest.raises(tf.errors.InvalidArgumentError):
        w.assign([1j])                  # a complex value does not fit a float variable


def test_trainable_complex_variables_are_watched_and_descend():
    # Gradient descent on |z - target|**2 converges: the convention's gradient
    # 2 (z - target) points uphill in the complex plane.
    target = tf.constant([2 - 1j, -0.5 + 3j])
    z = tf.Variable([0j, 0j])
    for _ in range(50):
        with tf.GradientTape() as tape:
            loss = tf.abs(z - target) ** 2
        grad = tape.gradient(loss, z)
        assert grad.dtype is tf.complex128
        z.assign_sub(0.1 * grad)
    np.testing.assert_allclose(z.numpy(), target.numpy(), atol=1e-4)


def test_ops_without_gradient_stay_none():
    z = tf.constant([1 + 1j])
    with tf.GradientTape() as tape:
        tape.watch(z)
        loss = tf.cast(tf.math.equal(z, z), tf.float32)
    assert tape.gradient(loss, z) is None
