"""Creating tensors: constant/convert_to_tensor dtype rules, zeros, ones, fill, eye,
range, linspace (task 6)."""

import numpy as np
import pytest

import stage1_tensors as tf
from stage1_tensors import backends, dispatch
from tests.helpers import assert_teaches

pytestmark = pytest.mark.stage1_task6


def check(got, expected, dtype=None):
    expected = np.asarray(expected, dtype=dtype)
    assert got.shape == expected.shape
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got.numpy(), expected)


# --- constant and convert_to_tensor ------------------------------------------------
@pytest.mark.parametrize("value,dtype", [
    (1.5, np.float32), (7, np.int32), (True, np.bool_), ([1.0, 2], np.float32),
    ([[1, 2], [3, 4]], np.int32), (2**31, np.int64), ([-2**31 - 1, 0], np.int64),
    (np.float64(1.0), np.float64), (np.int16(3), np.int16),
    (np.arange(3, dtype=np.uint8), np.uint8), (np.zeros((2, 0)), np.float64), ([], np.float32)])
def test_constant_dtype_rules(value, dtype):
    for make in (tf.constant, tf.convert_to_tensor):
        t = make(value)
        assert t.dtype == dtype, (make, value)
        np.testing.assert_array_equal(t.numpy(), np.asarray(value, dtype=dtype))


def test_constant_dtype_and_shape_arguments():
    check(tf.constant(1, dtype=tf.float64), np.float64(1.0))
    check(tf.constant([1, 2], dtype="int64"), np.array([1, 2], np.int64))
    check(tf.constant(np.arange(3.0), dtype=tf.float32), np.arange(3, dtype=np.float32))
    check(tf.constant(0.5, shape=[2, 2]), np.full((2, 2), 0.5, np.float32))
    check(tf.constant([1, 2, 3, 4], shape=(2, 2)), np.array([[1, 2], [3, 4]], np.int32))
    t = tf.constant([1.0])
    assert tf.convert_to_tensor(t) is t
    check(tf.convert_to_tensor(3, dtype_hint=tf.float32), np.float32(3))


def test_constant_copies_arrays_but_convert_keeps_them():
    a = np.ones(3, np.float32)
    c = tf.constant(a)
    a[0] = 5.0
    assert c.numpy()[0] == 1.0


@pytest.mark.parametrize("call,words", [
    (lambda: tf.constant(1.5, dtype=tf.int32), ["constant", "1.5", "int32"]),
    (lambda: tf.constant(300, dtype=tf.uint8), ["constant", "300", "uint8"]),
    (lambda: tf.constant([[1, 2], [3]]), ["constant", "rectangular"]),
    (lambda: tf.constant("text"), ["constant", "str"]),
    (lambda: tf.constant([1, 2, 3], shape=[2, 2]), ["constant", "3 elements", "(2, 2)"]),
    (lambda: tf.convert_to_tensor(tf.constant(1.0), dtype=tf.int32), ["convert_to_tensor",
                                                                      "tf.cast"]),
])
def test_conversion_errors(call, words):
    assert_teaches(call, words)


# --- zeros, ones, fill, *_like ---------------------------------------------------------
@pytest.mark.parametrize("shape", [(), (0,), (3,), (2, 3), (2, 0, 1)])
@pytest.mark.parametrize("dtype", [tf.float32, tf.float64, tf.int32, tf.bool, "uint8"])
def test_zeros_and_ones(shape, dtype):
    np_dtype = tf.as_dtype(dtype)._np
    check(tf.zeros(shape, dtype=dtype), np.zeros(shape, np_dtype))
    check(tf.ones(list(shape), dtype=dtype), np.ones(shape, np_dtype))


def test_zeros_default_to_float32_and_accept_shape_tensors():
    check(tf.zeros([2]), np.zeros(2, np.float32))
    check(tf.ones(tf.constant([1, 2])), np.ones((1, 2), np.float32))
    check(tf.zeros(tf.zeros([3, 4]).shape), np.zeros((3, 4), np.float32))


def test_creation_ops_run_through_the_dispatcher_on_the_default_backend():
    seen = []
    with dispatch.observing(lambda op, inputs, attrs, outputs: seen.append((op.name, inputs))):
        tf.zeros([2]); tf.eye(2); tf.range(3)
    assert [name for name, _ in seen] == ["Zeros", "Eye", "Range"]
    assert all(inputs == () for _, inputs in seen)
    assert tf.zeros([1]).device.endswith(backends.default_backend().device_type + ":0")


@pytest.mark.parametrize("shape", [(), (0,), (2, 3)])
def test_zeros_like_and_ones_like(on, rng, shape):
    x = on(rng.integers(0, 5, size=shape).astype(np.int64))
    check(tf.zeros_like(x), np.zeros(shape, np.int64))
    check(tf.ones_like(x), np.ones(shape, np.int64))
    check(tf.ones_like(x, dtype=tf.float16), np.ones(shape, np.float16))
    assert tf.zeros_like(x).device == x.device


def test_fill():
    check(tf.fill([2, 3], 9), np.full((2, 3), 9, np.int32))
    check(tf.fill([2], 0.5), np.full(2, 0.5, np.float32))
    check(tf.fill([], tf.constant(True)), np.array(True))
    check(tf.fill([0, 2], 1.0), np.zeros((0, 2), np.float32))


# --- eye, range, linspace --------------------------------------------------------------
@pytest.mark.parametrize("rows,cols,batch", [(3, None, None), (2, 4, None), (4, 2, [2]),
                                             (0, 3, None), (2, None, [2, 3]), (1, 1, [0])])
def test_eye(rows, cols, batch):
    matrix = np.eye(rows, cols, dtype=np.float32)
    expected = np.broadcast_to(matrix, tuple(batch or ()) + matrix.shape)
    check(tf.eye(rows, cols, batch_shape=batch), expected)
    check(tf.eye(rows, cols, dtype=tf.int64), np.eye(rows, cols, dtype=np.int64))


@pytest.mark.parametrize("args,expected", [
    ((5,), np.arange(5, dtype=np.int32)), ((2, 8, 3), np.arange(2, 8, 3, dtype=np.int32)),
    ((5, 1, -2), np.arange(5, 1, -2, dtype=np.int32)), ((0,), np.arange(0, dtype=np.int32)),
    ((3, 3), np.arange(3, 3, dtype=np.int32)), ((1.5,), np.arange(0, 1.5, dtype=np.float32)),
    ((0, 1, 0.25), np.arange(0, 1, 0.25, dtype=np.float32)),
    ((1, 2.5), np.array([1, 2], np.float32)), ((2**31, 2**31 + 2), np.array([2**31, 2**31 + 1]))])
def test_range_values_and_dtype_inference(args, expected):
    got = tf.range(*args)
    assert got.dtype == expected.dtype
    np.testing.assert_allclose(got.numpy(), expected)


def test_range_dtype_argument_and_tensor_arguments():
    check(tf.range(3, dtype=tf.float64), np.arange(3, dtype=np.float64))
    check(tf.range(4, dtype=tf.int64), np.arange(4, dtype=np.int64))
    check(tf.range(tf.constant(3, tf.int64)), np.arange(3, dtype=np.int64))
    check(tf.range(tf.constant(2.0, tf.float64), 4), np.array([2.0, 3.0]))
    check(tf.range(start=1, limit=4, delta=2), np.array([1, 3], np.int32))


@pytest.mark.parametrize("start,stop,num", [(0.0, 1.0, 5), (1, 0, 3), (-2.0, 2.0, 1),
                                            (0.0, 1.0, 0), (3.0, 3.0, 4)])
def test_linspace(start, stop, num):
    got = tf.linspace(start, stop, num)
    assert got.dtype == tf.float32
    np.testing.assert_allclose(got.numpy(), np.linspace(start, stop, num, dtype=np.float32),
                               rtol=1e-6, atol=1e-7)


def test_linspace_of_tensors_and_axis():
    start = tf.constant([0.0, 10.0], tf.float64)
    stop = tf.constant([1.0, 20.0], tf.float64)
    got = tf.linspace(start, stop, 3, axis=-1)
    expected = np.linspace([0.0, 10.0], [1.0, 20.0], 3, axis=-1)
    assert got.dtype == tf.float64
    np.testing.assert_allclose(got.numpy(), expected)
    np.testing.assert_allclose(tf.linspace(start, stop, 3).numpy(),
                               np.linspace([0.0, 10.0], [1.0, 20.0], 3))


BAD_CALLS = [
    ("zeros_negative", lambda: tf.zeros([2, -1]), ["zeros", "negative"]),
    ("ones_not_shape", lambda: tf.ones(["a"]), ["ones", "list of ints"]),
    ("zeros_dtype", lambda: tf.zeros([2], dtype="complex32"), ["zeros", "complex32"]),
    ("fill_not_scalar", lambda: tf.fill([2], [1, 2]), ["fill", "scalar", "(2,)"]),
    ("eye_negative", lambda: tf.eye(-1), ["eye", ">= 0"]),
    ("eye_not_int", lambda: tf.eye(2.5), ["eye", "num_rows", "int"]),
    ("range_zero_delta", lambda: tf.range(0, 5, 0), ["range", "delta"]),
    ("range_wrong_way", lambda: tf.range(5, 1), ["range", "start 5", "limit 1"]),
    ("range_not_number", lambda: tf.range("5"), ["range", "number"]),
    ("range_int_dtype", lambda: tf.range(0.5, 3, dtype=tf.int32), ["range", "whole-number"]),
    ("range_tensor_shape", lambda: tf.range(tf.constant([1, 2])), ["range", "scalar"]),
    ("linspace_ints", lambda: tf.linspace(tf.constant(0), tf.constant(1), 3),
     ["linspace", "int32"]),
    ("linspace_shapes", lambda: tf.linspace([0.0], [1.0, 2.0], 3), ["linspace", "same shape"]),
    ("linspace_num", lambda: tf.linspace(0.0, 1.0, -1), ["linspace", "num"]),
    ("range_float16", lambda: tf.range(np.float16(2.0), "x"), ["range", "limit", "number"]),
    ("linspace_not_number", lambda: tf.linspace("a", 1.0, 3), ["linspace", "numbers or tensors"]),
]


@pytest.mark.parametrize("name,call,words", BAD_CALLS, ids=[c[0] for c in BAD_CALLS])
def test_bad_calls_raise_teaching_errors(name, call, words):
    assert_teaches(call, words)


def test_ops_without_inputs_create_on_the_default_backend(backend):
    # Stage 5's device scopes push a backend this way; here a test does it by hand.
    with backends.default_backend_scope(backend):
        made = [tf.zeros([2]), tf.ones([2], tf.int32), tf.eye(2), tf.range(3), tf.range(1.5),
                tf.random.normal([2]), tf.random.uniform([2]), tf.random.truncated_normal([3]),
                tf.random.uniform([2], maxval=4, dtype=tf.int64)]
    for t in made:
        assert isinstance(t._value, backend.xp.ndarray), t
    np.testing.assert_array_equal(made[3].numpy(), [0, 1, 2])
    np.testing.assert_array_equal(made[2].numpy(), np.eye(2, dtype=np.float32))


@pytest.mark.parametrize("make", [lambda s: tf.zeros(s), lambda s: tf.ones(s),
                                  lambda s: tf.fill(s, 1.0), lambda s: tf.random.normal(s),
                                  lambda s: tf.random.uniform(s)],
                         ids=["zeros", "ones", "fill", "random.normal", "random.uniform"])
def test_a_nested_list_is_no_shape(make):
    with pytest.raises(tf.errors.InvalidArgumentError, match="a shape must be a flat list"):
        make([[2], [3]])



# --- tests the mutation run asked for (each kills mutants that lived) ---------------

@pytest.mark.parametrize("dtype", [tf.float32, tf.float64])
@pytest.mark.parametrize("start,stop,num", [(-0.7, 0.2, 2), (0.3, 0.9, 2), (-0.7, 0.2, 5)])
def test_linspace_ends_exactly_at_stop(dtype, start, stop, num):
    # As TensorFlow: the last value is ``stop`` itself, not start + (num - 1) * step
    got = tf.linspace(tf.constant(start, dtype), tf.constant(stop, dtype), num).numpy()
    assert got[0] == dtype.as_numpy_dtype(start) and got[-1] == dtype.as_numpy_dtype(stop)
    assert got.shape == (num,)
