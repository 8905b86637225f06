"""Complex dtypes: complex64/complex128 tensors, their conversion rules, printing,
arithmetic against NumPy, real/imag/conj/angle/abs, and the dtype errors
TensorFlow raises (no promotion between float and complex; no order on complex)."""

import numpy as np
import pytest

import stage1_tensors as tf
from tests.helpers import assert_teaches

pytestmark = pytest.mark.stage1_task3
task1 = pytest.mark.stage1_task1


def _z(rng, shape, dtype=np.complex128):
    return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(dtype)


# --- dtypes and conversion (task 1) ---------------------------------------------
@task1
def test_complex_dtypes_and_their_properties():
    assert tf.complex64.name == "complex64" and tf.dtypes.complex128 is tf.complex128
    assert tf.complex64.is_complex and not tf.complex64.is_floating
    assert not tf.float32.is_complex and not tf.int32.is_complex
    assert tf.complex64.real_dtype is tf.float32 and tf.complex128.real_dtype is tf.float64
    assert tf.float64.real_dtype is tf.float64
    assert tf.complex64.size == 8 and tf.complex128.size == 16
    assert tf.as_dtype("complex64") is tf.complex64
    assert tf.as_dtype(np.complex128) is tf.complex128
    assert tf.as_dtype(np.dtype("complex64")) is tf.complex64
    assert tf.as_dtype(complex) is tf.complex128
    assert tf.complex64 == np.complex64 and tf.complex128 == "complex128"
    with pytest.raises(TypeError, match="complex64"):
        tf.complex64.min
    with pytest.raises(TypeError, match="complex128"):
        tf.complex128.max


@task1
def test_python_complex_numbers_become_complex128():
    # TensorFlow: tf.constant(1+2j) is complex128 (unlike floats, which become float32).
    assert tf.constant(1 + 2j).dtype is tf.complex128
    assert tf.constant([1 + 2j, 3]).dtype is tf.complex128
    assert tf.convert_to_tensor([[1j], [2.5]]).dtype is tf.complex128
    np.testing.assert_array_equal(tf.constant([1 + 2j, 3]).numpy(), [1 + 2j, 3 + 0j])


@task1
def test_numpy_complex_arrays_and_scalars_keep_their_dtype():
    a = np.array([1 + 2j, -1j], np.complex64)
    assert tf.constant(a).dtype is tf.complex64
    assert tf.convert_to_tensor(np.complex64(1j)).dtype is tf.complex64
    np.testing.assert_array_equal(tf.constant(a).numpy(), a)


@task1
def test_dtype_argument_makes_complex_from_any_number():
    z = tf.constant([1 + 2j], dtype=tf.complex64)
    assert z.dtype is tf.complex64 and z.numpy().dtype == np.complex64
    assert tf.constant([1.5, 2], dtype="complex128").numpy().tolist() == [1.5 + 0j, 2 + 0j]
    assert tf.convert_to_tensor(3, dtype=tf.complex64).dtype is tf.complex64


@task1
def test_a_complex_value_does_not_fit_a_real_dtype():
    for dtype in (tf.float32, tf.float64, tf.int32, tf.bool):
        assert_teaches(lambda: tf.constant([1 + 2j], dtype=dtype),
                       ["constant", "1+2j", dtype.name, "tf.cast"])
    assert_teaches(lambda: tf.convert_to_tensor(1j, dtype=tf.float32),
                   ["convert_to_tensor", "float32"])
    assert_teaches(lambda: tf.constant(True, dtype=tf.complex64), ["constant", "complex64"])


@task1
def test_numpy_and_printing_as_tensorflow_prints():
    z = tf.constant([1 + 2j, 3 - 1j], tf.complex64)
    assert repr(z) == "tf.Tensor([1.+2.j 3.-1.j], shape=(2,), dtype=complex64)"
    assert str(tf.constant(1 + 2j)) == "tf.Tensor((1+2j), shape=(), dtype=complex128)"
    assert repr(tf.constant([[1j, 2]])) == (
        "tf.Tensor([[0.+1.j 2.+0.j]], shape=(1, 2), dtype=complex128)")
    scalar = tf.constant(1 + 2j, tf.complex64).numpy()
    assert isinstance(scalar, np.complex64) and scalar == 1 + 2j
    assert complex(tf.constant(2 - 1j)) == 2 - 1j
    assert np.asarray(z).dtype == np.complex64


# --- building and taking apart ----------------------------------------------------
def test_complex_from_real_and_imag_parts_broadcasts():
    z = tf.complex([1.0, 2.0], 3.0)
    assert z.dtype is tf.complex64
    np.testing.assert_array_equal(z.numpy(), [1 + 3j, 2 + 3j])
    x, y = np.array([[1.0], [2.0]]), np.array([0.5, -0.5, 4.0])
    z = tf.complex(x, y)
    assert z.dtype is tf.complex128 and z.shape == (2, 3)
    np.testing.assert_array_equal(z.numpy(), x + 1j * y)
    # Written part by part, an infinite part stays itself (inf * 1j would be nan).
    w = tf.complex(float("inf"), 1.0).numpy()
    assert w.real == np.inf and w.imag == 1.0


def test_complex_refuses_mixed_or_non_float_parts():
    # TensorFlow raises TypeError for parts of the wrong dtypes.
    for real, imag, words in [
            (tf.constant(1.0), tf.constant(1.0, tf.float64), r"same dtype.*float32.*float64"),
            (1, 2, r"int32.*float32, float64"),
            (tf.constant([1.0], tf.float16), tf.constant([1.0], tf.float16),
             r"float16.*float32, float64")]:
        with pytest.raises(TypeError, match=r"^complex: .*" + words):
            tf.complex(real, imag)
    assert_teaches(lambda: tf.complex([1.0, 2.0], [1.0, 2.0, 3.0]),
                   ["complex", "(2,)", "(3,)"], op="complex")


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128], ids=["c64", "c128"])
def test_real_imag_conj_angle_abs_match_numpy(rng, dtype):
    z = _z(rng, (3, 4), dtype)
    t = tf.constant(z)
    real_dtype = tf.as_dtype(dtype).real_dtype
    for fn, ref in [(tf.math.real, np.real), (tf.math.imag, np.imag),
                    (tf.math.angle, np.angle), (tf.abs, np.abs), (tf.math.abs, np.abs)]:
        got = fn(t)
        assert got.dtype is real_dtype, fn.__name__
        np.testing.assert_allclose(got.numpy(), ref(z), rtol=1e-6)
    got = tf.math.conj(t)
    assert got.dtype == dtype
    np.testing.assert_array_equal(got.numpy(), np.conj(z))


@pytest.mark.stage1_task6      # (imag and angle of a real tensor use zeros_like, where, fill)
def test_real_imag_conj_angle_of_real_tensors():
    x = tf.constant([-2.0, 0.0, 3.0])
    assert tf.math.real(x) is x and tf.math.conj(x) is x
    np.testing.assert_array_equal(tf.math.imag(x).numpy(), [0, 0, 0])
    assert tf.math.imag(x).dtype is tf.float32
    np.testing.assert_allclose(tf.math.angle(x).numpy(), [np.pi, 0, 0])
    np.testing.assert_array_equal(tf.math.conj([1, 2]).numpy(), [1, 2])


def test_real_imag_conj_refuse_bools_and_angle_integers():
    for fn in (tf.math.real, tf.math.imag, tf.math.conj, tf.math.angle):
        with pytest.raises(TypeError, match=r"^%s: .*numeric" % fn.__name__):
            fn([True, False])
    assert_teaches(lambda: tf.math.angle([1, 2]), ["angle", "int32", "float or complex"],
                   op="angle")


def test_namespaces_as_in_tensorflow_2():
    # tf.complex is a top-level name only; real, imag, conj and angle live in tf.math only.
    assert callable(tf.complex) and not hasattr(tf.math, "complex")
    for name in ("real", "imag", "conj", "angle"):
        assert hasattr(tf.math, name) and not hasattr(tf, name), name


# --- arithmetic -------------------------------------------------------------------
BINARY = [("add", tf.add, np.add), ("subtract", tf.subtract, np.subtract),
          ("multiply", tf.multiply, np.multiply), ("divide", tf.divide, np.divide),
          ("pow", tf.pow, np.power),
          ("squared_difference", tf.math.squared_difference,
           lambda x, y: np.abs(x - y) ** 2)]


@pytest.mark.parametrize("name,fn,ref", BINARY, ids=[b[0] for b in BINARY])
@pytest.mark.parametrize("dtype", [np.complex64, np.complex128], ids=["c64", "c128"])
def test_binary_arithmetic_matches_numpy_with_broadcasting(rng, name, fn, ref, dtype):
    x, y = _z(rng, (2, 3), dtype), _z(rng, (3,), dtype)
    got = fn(tf.constant(x), tf.constant(y))
    assert got.dtype == dtype and got.shape == (2, 3)
    np.testing.assert_allclose(got.numpy(), ref(x, y), rtol=2e-5 if dtype == np.complex64
                               else 1e-12)


def test_operators_and_python_numbers_adopt_the_complex_dtype():
    z = tf.constant([1 + 1j, 2 - 1j], tf.complex64)
    for got, want in [(z + 1, [2 + 1j, 3 - 1j]), (2.0 * z, [2 + 2j, 4 - 2j]),
                      (z * 1j, [-1 + 1j, 1 + 2j]), (z - z, [0, 0]), (1 / z, 1 / z.numpy()),
                      (-z, [-1 - 1j, -2 + 1j]), (z ** 2, z.numpy() ** 2),
                      (abs(z), np.abs(z.numpy()))]:
        assert got.dtype in (tf.complex64, tf.float32)
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-6)
    np.testing.assert_array_equal((z == z).numpy(), [True, True])
    np.testing.assert_array_equal(tf.not_equal(z, 1 + 1j).numpy(), [False, True])
    np.testing.assert_allclose(tf.math.divide_no_nan(z, [0j, 1j]).numpy(), [0, -1 - 2j])


UNARY = [("negative", tf.negative, np.negative), ("square", tf.square, np.square),
         ("sqrt", tf.sqrt, np.sqrt), ("rsqrt", tf.math.rsqrt, lambda z: 1 / np.sqrt(z)),
         ("exp", tf.exp, np.exp), ("log", tf.math.log, np.log),
         ("log1p", tf.math.log1p, np.log1p), ("expm1", tf.math.expm1, np.expm1),
         ("sin", tf.sin, np.sin), ("cos", tf.cos, np.cos), ("tan", tf.math.tan, np.tan),
         ("tanh", tf.tanh, np.tanh), ("sigmoid", tf.sigmoid, lambda z: 1 / (1 + np.exp(-z))),
         ("reciprocal", tf.math.reciprocal, np.reciprocal),
         ("sign", tf.sign, lambda z: z / np.abs(z))]


@pytest.mark.parametrize("name,fn,ref", UNARY, ids=[u[0] for u in UNARY])
def test_analytic_functions_match_numpy(rng, name, fn, ref):
    z = _z(rng, (5,))
    got = fn(tf.constant(z))
    assert got.dtype is tf.complex128
    np.testing.assert_allclose(got.numpy(), ref(z), rtol=1e-12)


def test_sqrt_of_a_negative_complex_is_imaginary_not_nan():
    np.testing.assert_allclose(tf.sqrt(tf.constant([-4 + 0j])).numpy(), [2j])
    assert np.isnan(tf.sqrt(-4.0).numpy())


@pytest.mark.stage1_task4
def test_reductions_matmul_and_einsum(rng):
    a, b = _z(rng, (2, 3)), _z(rng, (3, 4))
    ta, tb = tf.constant(a), tf.constant(b)
    np.testing.assert_allclose(tf.reduce_sum(ta, axis=0).numpy(), a.sum(axis=0))
    np.testing.assert_allclose(tf.reduce_mean(ta).numpy(), a.mean())
    np.testing.assert_allclose(tf.add_n([ta, ta, ta]).numpy(), 3 * a)
    np.testing.assert_allclose(tf.matmul(ta, tb).numpy(), a @ b)
    np.testing.assert_allclose(tf.einsum("ij,jk->ik", ta, tb).numpy(), a @ b)
    np.testing.assert_allclose(tf.tensordot(ta, tb, 1).numpy(), a @ b)


@pytest.mark.stage1_task5
def test_shape_and_creation_ops_take_complex(rng):
    a = _z(rng, (2, 3))
    ta = tf.constant(a)
    np.testing.assert_array_equal(tf.reshape(ta, [3, 2]).numpy(), a.reshape(3, 2))
    np.testing.assert_array_equal(tf.concat([ta, ta], 0).numpy(), np.concatenate([a, a]))
    np.testing.assert_array_equal(ta[1, ::2].numpy(), a[1, ::2])
    np.testing.assert_array_equal(tf.zeros([2], tf.complex64).numpy(), [0j, 0j])
    assert tf.ones_like(ta).dtype is tf.complex128


@pytest.mark.stage1_task5
def test_adjoint_and_conjugate_transpose_conjugate_complex_inputs(rng):
    a, b = _z(rng, (3, 2)), _z(rng, (3, 4))
    np.testing.assert_allclose(tf.matmul(a, b, adjoint_a=True).numpy(), a.conj().T @ b)
    np.testing.assert_allclose(tf.matmul(a.T, b.T, adjoint_b=True).numpy(), a.T @ b.conj())
    np.testing.assert_allclose(tf.matmul(a, b, transpose_a=True).numpy(), a.T @ b)
    np.testing.assert_array_equal(tf.transpose(a, conjugate=True).numpy(), a.conj().T)
    np.testing.assert_array_equal(tf.transpose(a).numpy(), a.T)


def test_cast_between_complex_and_real_dtypes():
    z = tf.constant([1.5 + 2j, -2.5 - 1j])
    # Into a real dtype only the real part survives (TensorFlow drops the imaginary part).
    np.testing.assert_array_equal(tf.cast(z, tf.float32).numpy(), [1.5, -2.5])
    np.testing.assert_array_equal(tf.cast(z, tf.int32).numpy(), [1, -2])
    assert tf.cast(z, tf.complex64).dtype is tf.complex64
    np.testing.assert_array_equal(tf.cast([1.0, 2.0], tf.complex64).numpy(), [1 + 0j, 2 + 0j])
    np.testing.assert_array_equal(tf.saturate_cast(tf.constant([300 + 1j]), tf.uint8).numpy(),
                                  [255])
    assert tf.saturate_cast([1.0], tf.complex128).dtype is tf.complex128


# --- the errors TensorFlow raises ---------------------------------------------------
def test_no_promotion_between_float_and_complex():
    z = tf.constant([1 + 1j], tf.complex64)
    assert_teaches(lambda: tf.constant([1.0]) + z,
                   ["add", "same dtype", "float32", "complex64", "tf.cast"], op="add")
    assert_teaches(lambda: tf.constant([1 + 1j], tf.complex128) * z,
                   ["multiply", "complex128", "complex64"], op="multiply")
    assert_teaches(lambda: tf.matmul(tf.ones([1, 1]), tf.ones([1, 1], tf.complex64)),
                   ["matmul", "float32", "complex64"], op="matmul")
    # A Python complex number does not fit a float tensor either.
    assert_teaches(lambda: tf.constant([1.0]) + 1j, ["add", "1j", "float32"], op="add")


@pytest.mark.parametrize("name,call", [
    ("less", lambda z: z < z), ("greater_equal", lambda z: tf.greater_equal(z, z)),
    ("maximum", lambda z: tf.maximum(z, z)), ("minimum", lambda z: tf.minimum(z, 0j)),
    ("floordiv", lambda z: z // z), ("floormod", lambda z: z % z),
    ("floor", tf.floor), ("ceil", tf.math.ceil), ("round", tf.round),
    ("clip_by_value", lambda z: tf.clip_by_value(z, 0j, 1j)),
    ("is_nan", tf.math.is_nan), ("erf", tf.math.erf),
    ("reduce_max", tf.reduce_max), ("reduce_min", tf.reduce_min),
    ("argmax", tf.argmax), ("argmin", tf.argmin),
    ("relu", tf.nn.relu), ("softmax", tf.nn.softmax),
])
def test_ops_that_need_an_order_refuse_complex(name, call):
    z = tf.constant([1 + 1j, 2 - 1j], tf.complex64)
    assert_teaches(lambda: call(z), [name, "complex64", "valid dtypes"], op=name)


def test_abs_of_a_complex_python_value_is_its_modulus():
    got = tf.abs([3 + 4j, -1j])
    assert got.dtype is tf.float64
    np.testing.assert_array_equal(got.numpy(), [5.0, 1.0])
    assert tf.abs(tf.constant([-2])).dtype is tf.int32
