"""The core of stage 1: tensors and dtypes (task 1) and the dispatcher (task 2).

Task 1 checks what a Tensor *is*: its shape and dtype, how it prints, how Python
values become tensors (TensorFlow's dtype rules), how it talks to NumPy and to
Python's own protocols (``if``, ``range``, ``len``, ``hash``).

Task 2 checks the machinery every op runs through: the op registry (an op is a
contract, a kernel computes it on one device type) and the dispatcher with its
two extension points, observers (the tape of stage 2) and redirects (the graph
tracing of stage 5).
"""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import stage1_tensors as tf
from stage1_tensors import dispatch, dtypes, errors, registry
from stage1_tensors.tensor import Tensor, TensorShape

task1 = pytest.mark.stage1_task1
task2 = pytest.mark.stage1_task2


# ---------------------------------------------------------------------------
# Task 1: what a tensor is
# ---------------------------------------------------------------------------

@task1
@pytest.mark.parametrize("value, shape", [
    (3.0, ()), ([1.0, 2.0], (2,)), ([[1, 2, 3], [4, 5, 6]], (2, 3)),
    (np.zeros((2, 0, 3), np.float32), (2, 0, 3)), ([], (0,)),
])
def test_shape_ndim_and_tensorshape(value, shape):
    t = tf.constant(value)
    assert isinstance(t.shape, TensorShape)
    assert t.shape == shape and t.shape == list(shape)
    assert t.shape.as_list() == list(shape)
    assert t.shape.rank == t.ndim == len(shape)
    assert t.shape.num_elements() == int(np.prod(shape))
    assert t.get_shape() == t.shape
    assert str(t.shape) == str(shape)
    assert repr(t.shape) == "TensorShape(%s)" % list(shape)


@task1
def test_tensorshape_indexing_and_hash():
    s = tf.constant(np.zeros((2, 3, 4))).shape
    assert s[0] == 2 and s[-1] == 4
    assert isinstance(s[1:], TensorShape) and s[1:] == (3, 4)
    assert s != (2, 3) and s != [2, 3, 5]
    assert {s: 1}[(2, 3, 4)] == 1       # hashes like the tuple it equals


@task1
def test_dtype_and_device(on):
    t = on(np.ones((2, 2), np.float32))
    assert t.dtype == tf.float32 and t.dtype is tf.float32
    assert t.device.startswith("/job:localhost/replica:0/task:0/device:")
    assert t.device.endswith(("CPU:0", "GPU:0"))
    assert t.backing_device == t.device


@task1
def test_cpu_device_name():
    assert tf.constant(1.0).device == "/job:localhost/replica:0/task:0/device:CPU:0"


@task1
def test_numpy_returns_a_copy(on):
    t = on(np.array([[1.0, 2.0]], np.float32))
    a = t.numpy()
    assert isinstance(a, np.ndarray) and a.dtype == np.float32
    a[0, 0] = 99.0
    np.testing.assert_array_equal(t.numpy(), [[1.0, 2.0]])


@task1
def test_numpy_of_a_scalar_is_a_numpy_scalar():
    x = tf.constant(3.0).numpy()
    assert type(x) is np.float32 and x == 3.0
    assert type(tf.constant(3).numpy()) is np.int32
    assert type(tf.constant(True).numpy()) is np.bool_


@task1
def test_constant_copies_its_array():
    a = np.array([1.0, 2.0], np.float32)
    t = tf.constant(a)
    a[0] = 99.0
    np.testing.assert_array_equal(t.numpy(), [1.0, 2.0])


@task1
def test_tensors_are_immutable():
    t = tf.constant([1, 2])
    with pytest.raises(TypeError):
        t[0] = 5
    with pytest.raises(AttributeError):
        t.extra = 1                      # __slots__: no stray attributes


@task1
def test_tensor_constructor_wants_an_array():
    with pytest.raises(TypeError, match="tf.constant"):
        Tensor([1, 2])


# --- printing ---------------------------------------------------------------

@task1
@pytest.mark.parametrize("value, text", [
    (3.0, "tf.Tensor(3.0, shape=(), dtype=float32)"),
    (-7, "tf.Tensor(-7, shape=(), dtype=int32)"),
    (True, "tf.Tensor(True, shape=(), dtype=bool)"),
    ([[4.0]], "tf.Tensor([[4.]], shape=(1, 1), dtype=float32)"),
    ([1.5, 2.0], "tf.Tensor([1.5 2. ], shape=(2,), dtype=float32)"),
    ([True, False], "tf.Tensor([ True False], shape=(2,), dtype=bool)"),
    ([], "tf.Tensor([], shape=(0,), dtype=float32)"),
    (np.zeros((2, 0)), "tf.Tensor([], shape=(2, 0), dtype=float64)"),
    (np.float64(0.1), "tf.Tensor(0.1, shape=(), dtype=float64)"),
    ([[1, 2], [3, 4]],
     "tf.Tensor([[1 2]\n           [3 4]], shape=(2, 2), dtype=int32)"),
    (np.arange(8).reshape(2, 2, 2),
     "tf.Tensor([[[0 1]\n            [2 3]]\n\n           [[4 5]\n            [6 7]]],"
     " shape=(2, 2, 2), dtype=int64)"),
])
def test_repr_and_str(value, text):
    t = tf.constant(value)
    assert repr(t) == text
    assert str(t) == text


@pytest.mark.stage1_task4
def test_format_prints_the_array():
    x = [[2.0]]
    m = tf.matmul(x, x)
    assert "hello, {}".format(m) == "hello, [[4.]]"
    assert "{}".format(tf.constant([[1, 2], [3, 4]])) == "[[1 2]\n [3 4]]"
    assert "{:.2f}".format(tf.constant(2.0)) == "2.00"
    assert f"{tf.constant(7):>3}" == "  7"


@task1
def test_print_uses_the_same_text(capsys):
    print(tf.constant([1, 2, 3]))
    assert capsys.readouterr().out == "tf.Tensor([1 2 3], shape=(3,), dtype=int32)\n"


# --- dtypes -----------------------------------------------------------------

@task1
@pytest.mark.parametrize("dtype", dtypes.ALL, ids=lambda d: d.name)
def test_every_dtype_round_trips(dtype):
    assert tf.as_dtype(dtype.name) is dtype
    assert tf.as_dtype(np.dtype(dtype.as_numpy_dtype)) is dtype
    assert tf.as_dtype(dtype) is dtype
    assert dtype == dtype.name and dtype == np.dtype(dtype.as_numpy_dtype)
    assert repr(dtype) == "tf." + dtype.name
    assert str(dtype) == "<dtype: '%s'>" % dtype.name
    t = tf.constant(np.zeros(2, dtype.as_numpy_dtype))
    assert t.dtype is dtype


@task1
def test_dtype_properties_and_aliases():
    assert tf.float32.is_floating and not tf.float32.is_integer
    assert tf.int8.is_integer and tf.uint8.is_unsigned and tf.bool.is_bool
    assert (tf.float16.size, tf.float64.size, tf.int64.size) == (2, 8, 8)
    assert tf.half is tf.float16 and tf.double is tf.float64
    assert tf.as_dtype(float) is tf.float32 and tf.as_dtype(int) is tf.int32
    assert tf.int8.min == -128 and tf.uint8.max == 255
    assert tf.float32 != tf.float64 and tf.float32 != "not a dtype"
    assert len({tf.float32, tf.as_dtype("float32"), tf.float64}) == 2


@task1
@pytest.mark.parametrize("bad", ["complex32", "string", np.uint64, 3.5])
def test_as_dtype_rejects_with_the_valid_list(bad):
    with pytest.raises(TypeError, match="valid dtypes are float16, float32"):
        tf.as_dtype(bad)


# --- conversion rules (convert.py) --------------------------------------------

@task1
@pytest.mark.parametrize("value, dtype", [
    (1.5, tf.float32), ([1.0, 2.0], tf.float32), ([1.0, 2], tf.float32),
    (7, tf.int32), ([[1, 2], [3, 4]], tf.int32), (-2**31, tf.int32),
    (2**31, tf.int64), ([1, 2**40], tf.int64), (-2**40, tf.int64),
    (True, tf.bool), ([True, False], tf.bool), ([], tf.float32),
    (np.float64(1.5), tf.float64), (np.int16(3), tf.int16),
    (np.arange(3), tf.int64), (np.arange(3, dtype=np.int16), tf.int16),
    (np.ones(2, np.float16), tf.float16), (np.ones(2, np.uint8), tf.uint8),
    ((1.0, 2.0), tf.float32),
])
def test_python_and_numpy_values_get_tensorflows_dtypes(value, dtype):
    assert tf.constant(value).dtype is dtype
    assert tf.convert_to_tensor(value).dtype is dtype


@task1
@settings(derandomize=True, max_examples=40, deadline=None)
@given(st.integers(min_value=-2**63, max_value=2**63 - 1))
def test_python_ints_are_int32_unless_they_do_not_fit(n):
    t = tf.constant(n)
    assert t.dtype is (tf.int32 if -2**31 <= n < 2**31 else tf.int64)
    assert int(t) == n


@pytest.mark.stage1_task5
@settings(derandomize=True, max_examples=40, deadline=None)
@given(st.integers(min_value=-1000, max_value=1000))
def test_a_scalar_joins_an_int8_tensor_exactly_when_it_fits(n):
    t = tf.constant([0], dtype=tf.int8)
    if -128 <= n <= 127:
        assert (t + n).dtype is tf.int8 and int((t + n)[0]) == n
    else:
        with pytest.raises(errors.InvalidArgumentError, match="to int8 without losing"):
            t + n


@task1
def test_constant_casts_and_shapes():
    assert tf.constant([1, 2], dtype=tf.float64).dtype is tf.float64
    assert tf.constant(np.arange(3), dtype=tf.float32).dtype is tf.float32
    t = tf.constant(tf.constant([1, 2]), dtype=tf.float32)
    np.testing.assert_array_equal(t.numpy(), np.array([1.0, 2.0], np.float32))
    assert tf.constant(0.5, shape=(2, 3)).shape == (2, 3)
    assert tf.constant([1, 2, 3, 4], shape=[2, 2]).shape == (2, 2)
    with pytest.raises(errors.InvalidArgumentError, match="constant: cannot give a value"):
        tf.constant([1, 2, 3], shape=(2, 2))


@task1
def test_convert_to_tensor_passes_tensors_through_and_never_casts_them():
    t = tf.constant([1.0])
    assert tf.convert_to_tensor(t) is t
    assert tf.convert_to_tensor(t, dtype=tf.float32) is t
    with pytest.raises(errors.InvalidArgumentError, match="use tf.cast"):
        tf.convert_to_tensor(t, dtype=tf.float64)
    with pytest.raises(errors.InvalidArgumentError, match="use tf.cast"):
        tf.convert_to_tensor(np.ones(2), dtype=tf.float32)
    assert tf.convert_to_tensor(3, dtype=tf.float32).dtype is tf.float32
    assert tf.convert_to_tensor(3, dtype_hint=tf.float32).dtype is tf.float32
    # A hint is only a preference: 1.5 cannot be an int32, so it stays float32.
    assert tf.convert_to_tensor(1.5, dtype_hint=tf.int32).dtype is tf.float32


@task1
@pytest.mark.parametrize("value, dtype", [
    (1.5, tf.int32), ([1.0, 2.0], tf.int64), (300, tf.int8), (-1, tf.uint8),
    (2**40, tf.int32), (True, tf.int32), (1, tf.bool),
])
def test_lossy_conversions_raise(value, dtype):
    with pytest.raises(errors.InvalidArgumentError, match="without losing information"):
        tf.constant(value, dtype=dtype)


@pytest.mark.stage1_task3
@pytest.mark.parametrize("tensor_dtype", [tf.float16, tf.float32, tf.float64,
                                          tf.int8, tf.int16, tf.int32, tf.int64,
                                          tf.uint8], ids=lambda d: d.name)
def test_python_scalars_adopt_the_tensors_dtype(tensor_dtype):
    t = tf.constant([1, 2], dtype=tensor_dtype)
    for result in (t + 1, 1 + t, t * 2, 2 * t, t - 1, tf.add(t, 1), tf.maximum(1, t)):
        assert result.dtype is tensor_dtype
    if tensor_dtype.is_floating:
        assert (t * 0.5).dtype is tensor_dtype
        assert (t + np.float64(0.5)).dtype is tensor_dtype   # NumPy scalars too


@pytest.mark.stage1_task2
@pytest.mark.parametrize("tensor_dtype, scalar", [
    (tf.int32, 1.5), (tf.int8, 300), (tf.uint8, -1), (tf.int64, 0.5),
])
def test_a_scalar_that_does_not_fit_is_an_error(tensor_dtype, scalar):
    t = tf.constant([1, 2], dtype=tensor_dtype)
    with pytest.raises(errors.InvalidArgumentError,
                       match="add: cannot convert .* to %s" % tensor_dtype.name):
        t + scalar


@pytest.mark.stage1_task5
@pytest.mark.parametrize("a, b", [
    (tf.float32, tf.float64), (tf.int32, tf.float32), (tf.int32, tf.int64),
    (tf.float16, tf.float32), (tf.uint8, tf.int8),
], ids=lambda d: d.name)
def test_tensors_of_different_dtypes_do_not_mix(a, b):
    x = tf.constant([1, 2], dtype=a)
    y = tf.constant([1, 2], dtype=b)
    for call in (lambda: x + y, lambda: tf.add(x, y), lambda: tf.multiply(y, x),
                 lambda: tf.matmul(tf.reshape(x, [1, 2]), tf.reshape(y, [2, 1]))):
        with pytest.raises(errors.InvalidArgumentError,
                           match="same dtype.*%s.*%s.*tf.cast" % ("|".join([a.name, b.name]),
                                                                  "|".join([a.name, b.name]))):
            call()


@pytest.mark.stage1_task3
def test_cast_is_the_explicit_way():
    x = tf.constant([1, 2])
    y = tf.constant([0.5, 0.5])
    np.testing.assert_allclose((tf.cast(x, tf.float32) + y).numpy(), [1.5, 2.5])
    assert tf.cast(y, tf.int32).dtype is tf.int32


@pytest.mark.stage1_task2
@pytest.mark.parametrize("value, message", [
    ([[1, 2], [3]], "rectangular"),
    ("abc", "supported element types are"),
    (np.array(["a"]), "unsupported dtype"),
    (np.array([1], np.uint64), "unsupported dtype uint64"),
    ({"a": 1}, "cannot convert"),
    (None, "cannot convert"),
])
def test_unconvertible_values_teach(value, message):
    with pytest.raises(errors.InvalidArgumentError, match=message):
        tf.constant(value)
    with pytest.raises(errors.InvalidArgumentError):
        tf.add(value, 1)


# --- NumPy interop ----------------------------------------------------------

@task2
def test_numpy_functions_accept_tensors_and_return_arrays():
    a = tf.constant([[1, 2], [3, 4]])
    b = tf.add(a, 1)
    c = np.multiply(a, b)
    assert type(c) is np.ndarray and c.dtype == np.int32
    np.testing.assert_array_equal(c, [[2, 6], [12, 20]])
    assert np.sum(a) == 10
    assert np.asarray(a).dtype == np.int32
    assert np.array(a, dtype=np.float64).dtype == np.float64
    np.testing.assert_array_equal(np.concatenate([a, b]), [[1, 2], [3, 4], [2, 3], [4, 5]])


@pytest.mark.stage1_task4
def test_ndarray_with_tensor_operators_give_tensors():
    t = tf.constant([[1, 2], [3, 4]])
    arr = np.ones((2, 2), np.int32)
    for result in (arr + t, t + arr, arr * t, arr - t, arr @ t, t @ arr):
        assert isinstance(result, Tensor) and result.dtype is tf.int32
    np.testing.assert_array_equal((arr - t).numpy(), [[0, -1], [-2, -3]])
    # Arrays keep their dtype, so a float64 array and a float32 tensor do not mix.
    with pytest.raises(errors.InvalidArgumentError, match="same dtype"):
        np.ones(2) + tf.constant([1.0, 2.0])


@task2
def test_ops_accept_arrays_lists_and_scalars():
    np.testing.assert_array_equal(tf.add(np.array([1, 2], np.int32), [3, 4]).numpy(), [4, 6])
    assert tf.add(1, 2).dtype is tf.int32
    assert tf.add(1.0, 2.0).dtype is tf.float32


# --- Python protocols ---------------------------------------------------------

@pytest.mark.stage1_task3
def test_scalar_tensors_drive_python_control_flow():
    assert bool(tf.constant(True)) and not bool(tf.constant(0))
    assert int(tf.constant(3.7)) == 3 and float(tf.constant(2)) == 2.0
    assert list(range(tf.constant(3))) == [0, 1, 2]
    assert ["a", "b", "c"][tf.constant(1)] == "b"
    assert tf.constant([[5]]).__index__() == 5          # one element is a scalar
    n, seen = tf.constant(0), 0
    while n < 3:
        n += 1
        seen += 1
    assert seen == 3 and isinstance(n, Tensor)
    if tf.constant(5) % 5 == 0:
        pass
    else:
        pytest.fail("a scalar boolean tensor should drive `if`")


@task2
def test_bool_of_a_non_scalar_raises_and_says_what_to_do():
    with pytest.raises(ValueError, match=r"shape \(2,\).*reduce"):
        bool(tf.constant([1, 2]))
    with pytest.raises(ValueError, match="exactly one element"):
        if tf.constant([[1.0, 2.0]]) > 0:
            pass
    with pytest.raises(ValueError):
        int(tf.constant([]))


@task1
def test_index_needs_an_integer():
    with pytest.raises(TypeError, match="only integer scalar tensors"):
        range(tf.constant(2.0))


@pytest.mark.stage1_task5
def test_len_and_iter():
    t = tf.constant([[1, 2], [3, 4], [5, 6]])
    assert len(t) == 3
    rows = list(t)
    assert len(rows) == 3 and all(isinstance(r, Tensor) for r in rows)
    np.testing.assert_array_equal(rows[2].numpy(), [5, 6])
    a, b = tf.constant([1.0, 2.0])
    assert float(a) == 1.0 and float(b) == 2.0
    assert list(tf.constant(np.zeros((0, 2)))) == []
    with pytest.raises(TypeError, match="0-d"):
        len(tf.constant(1))
    with pytest.raises(TypeError, match="0-d"):
        iter(tf.constant(1)).__next__()


@task1
def test_tensors_are_unhashable_but_have_refs():
    t = tf.constant([1.0])
    u = tf.constant([1.0])
    with pytest.raises(TypeError, match="unhashable"):
        hash(t)
    with pytest.raises(TypeError):
        {t: 1}
    table = {t.ref(): "t", u.ref(): "u"}
    assert table[t.ref()] == "t" and table[u.ref()] == "u"
    assert t.ref() == t.ref() and t.ref() != u.ref()
    assert t.ref().deref() is t


@task1
def test_comparison_with_none_is_identity_not_an_op():
    t = tf.constant([1, 2])
    assert (t == None) is False      # noqa: E711  (the point of the test)
    assert (t != None) is True       # noqa: E711
    assert t in [None, t]


# ---------------------------------------------------------------------------
# Task 2: the registry and the dispatcher
# ---------------------------------------------------------------------------

_uid = itertools.count()


@pytest.fixture
def new_op():
    """``new_op(api_name, **define_op_args)``: a fresh op, gone after the test.

    Ops get unique names so tests never collide, and they are taken out of the
    registry afterwards: other tests (stage 2's "every op has a gradient")
    look at every registered op.
    """
    made = []

    def make(api_name="test_op", **kwargs):
        name = "TestCore%s%d" % (api_name.title().replace("_", ""), next(_uid))
        op = registry.define_op(name, api_name, **kwargs)
        made.append(op)
        return op
    yield make
    for op in made:
        registry.remove_op(op.name)


@task2
def test_define_op_registers_a_contract(new_op):
    op = new_op("twice", inputs=("x",), dtypes=dtypes.FLOATING)
    assert registry.get_op(op.name) is op
    assert op.name in registry.all_ops()
    assert op.api_name == "twice" and op.inputs == ("x",)
    assert op.kernels == {}
    assert repr(op) == "<Op %s (twice)>" % op.name
    with pytest.raises(ValueError, match="already defined"):
        registry.define_op(op.name, "twice")


@task2
def test_get_op_of_an_unknown_name():
    with pytest.raises(errors.NotFoundError, match="no op named 'NoSuchOp'"):
        registry.get_op("NoSuchOp")
    with pytest.raises(errors.NotFoundError, match="no op named 'NoSuchOp'"):
        registry.remove_op("NoSuchOp")
    assert issubclass(errors.NotFoundError, LookupError)


@task2
def test_builtin_ops_are_registered_under_tensorflows_names():
    ops = registry.all_ops()
    for name, api in [("AddV2", "add"), ("MatMul", "matmul"), ("Sum", "reduce_sum"),
                      ("Reshape", "reshape")]:
        assert ops[name].api_name == api
        assert "CPU" in ops[name].kernels and "GPU" in ops[name].kernels


@task2
def test_an_xp_kernel_serves_every_device_and_gets_the_array_module(on, backend, new_op):
    op = new_op("twice", inputs=("x",))
    modules = []

    @op.kernel
    def _twice(xp, x):
        modules.append(xp)
        return xp.add(x, x)

    assert set(op.kernels) == {"any", "CPU", "GPU"}
    out = dispatch.execute(op, (on([1.0, 2.0]),))
    np.testing.assert_array_equal(out.numpy(), [2.0, 4.0])
    assert modules == [backend.xp]


@task2
@pytest.mark.parametrize("order", ["any first", "cpu first"])
def test_a_device_kernel_wins_over_the_xp_kernel(order, new_op):
    op = new_op("which", inputs=("x",))

    def generic(xp, x):
        return xp.zeros_like(x)

    def cpu_only(xp, x):
        return xp.ones_like(x)

    if order == "any first":
        op.kernel(generic)
        op.kernel(cpu_only, device="CPU")
    else:
        op.kernel(device="CPU")(cpu_only)
        op.kernel(generic)
    assert op.kernels["CPU"] is cpu_only and op.kernels["GPU"] is generic
    assert dispatch.execute(op, (tf.constant([5.0]),)).numpy()[0] == 1.0


@task2
def test_no_kernel_for_the_device_is_unimplemented(new_op):
    op = new_op("gpu_only", inputs=("x",))
    op.kernel(lambda xp, x: x, device="GPU")
    with pytest.raises(errors.UnimplementedError,
                       match="gpu_only: no kernel for device CPU; it has kernels for"):
        dispatch.execute(op, (tf.constant(1.0),))


@task2
def test_the_dtype_contract_is_checked_before_the_kernel(new_op):
    calls = []
    op = new_op("float_only", inputs=("x",), dtypes=dtypes.FLOATING)
    op.kernel(lambda xp, x: calls.append(x) or x)
    with pytest.raises(errors.InvalidArgumentError,
                       match="float_only: x has dtype int32, .* valid dtypes are "
                             "float16, float32, float64"):
        dispatch.execute(op, (tf.constant([1]),))
    assert calls == []


@task2
def test_inputs_with_their_own_dtypes(new_op):
    op = new_op("pick", inputs=("params", "indices"),
                 input_dtypes={"indices": dtypes.INTEGER})
    op.kernel(lambda xp, params, indices: xp.take(params, indices))
    out = dispatch.execute(op, ([1.5, 2.5, 3.5], tf.constant([2, 0], dtype=tf.int64)))
    assert out.dtype is tf.float32
    np.testing.assert_array_equal(out.numpy(), [3.5, 1.5])
    with pytest.raises(errors.InvalidArgumentError, match="pick: indices has dtype float32"):
        dispatch.execute(op, ([1.0], [0.0]))
    with pytest.raises(errors.InvalidArgumentError, match=r"pick: expected 2 inputs \(params, indices\), got 1"):
        dispatch.execute(op, ([1.0],))


@task2
def test_variadic_ops_take_a_list(new_op):
    op = new_op("total", inputs=("inputs",), variadic=True)
    op.kernel(lambda xp, *xs: sum(xs[1:], xs[0]))
    out = dispatch.execute(op, ([tf.constant([1.0]), 2.0, np.array([3.0], np.float32)],))
    assert out.dtype is tf.float32 and out.numpy()[0] == 6.0
    with pytest.raises(errors.InvalidArgumentError, match="total: expected a non-empty list"):
        dispatch.execute(op, ([],))
    with pytest.raises(errors.InvalidArgumentError, match=r"inputs\[0\]: int32.*inputs\[1\]: float32"):
        dispatch.execute(op, ([tf.constant([1]), tf.constant([1.0])],))
    with pytest.raises(errors.InvalidArgumentError, match="total: expected a list of tensors"):
        dispatch.execute(op, (5.0,))


@task2
def test_check_hooks_see_arrays_and_attrs(new_op):
    seen = []

    def check(values, attrs):
        seen.append((type(values[0]), dict(attrs)))
        if attrs["k"] < 0:
            raise errors.InvalidArgumentError("shift: k must be >= 0, got %d" % attrs["k"])

    op = new_op("shift", inputs=("x",), check=check)
    op.kernel(lambda xp, x, k: x + k)
    assert dispatch.execute(op, (tf.constant(1),), {"k": 2}).numpy() == 3
    assert seen == [(np.ndarray, {"k": 2})]
    with pytest.raises(errors.InvalidArgumentError, match="k must be >= 0, got -1"):
        dispatch.execute(op, (tf.constant(1),), {"k": -1})


@task2
@pytest.mark.parametrize("exception, expected", [
    (IndexError("index 5 is out of bounds"), errors.InvalidArgumentError),
    (ValueError("operands could not be broadcast"), errors.InvalidArgumentError),
    (ZeroDivisionError("division by zero"), errors.InvalidArgumentError),
    (TypeError("unsupported operand"), errors.InvalidArgumentError),
    # Not the caller's fault: a bug in the kernel is called one.
    (KeyError("missing"), errors.InternalError),
    (AttributeError("no attr"), errors.InternalError),
    (MemoryError(), errors.ResourceExhaustedError),
], ids=lambda e: type(e).__name__)
@pytest.mark.stage1_task2
def test_kernel_failures_reach_the_user_as_teaching_errors(exception, expected, new_op):
    op = new_op("fragile", inputs=("x", "y"))

    @op.kernel
    def _fragile(xp, x, y, **attrs):
        raise exception

    with pytest.raises(expected) as info:
        dispatch.execute(op, (tf.constant([[1.0, 2.0]]), tf.constant([3.0])), {"axis": 1})
    message = str(info.value)
    assert message.startswith("fragile: ") and info.value.op == "fragile"
    assert "(1, 2)" in message and "(1,)" in message
    assert info.value.__cause__ is None and info.value.__suppress_context__


@task2
def test_kernel_op_errors_pass_through_untouched(new_op):
    op = new_op("strict", inputs=("x",))
    problem = errors.InvalidArgumentError("strict: exactly this message", op="strict")

    @op.kernel
    def _strict(xp, x):
        raise problem

    with pytest.raises(errors.InvalidArgumentError) as info:
        dispatch.execute(op, (tf.constant(1.0),))
    assert info.value is problem


@task2
def test_multi_output_ops_return_lists_of_tensors(new_op):
    op = new_op("split_sign", inputs=("x",), num_outputs=2)
    op.kernel(lambda xp, x: (xp.maximum(x, 0), xp.minimum(x, 0)))
    pos, neg = dispatch.execute(op, ([-1.0, 2.0],))
    assert isinstance(pos, Tensor) and isinstance(neg, Tensor)
    np.testing.assert_array_equal(pos.numpy(), [0.0, 2.0])
    np.testing.assert_array_equal(neg.numpy(), [-1.0, 0.0])


@task2
def test_wrap_shares_the_array():
    a = np.ones(3, np.float32)
    t = dispatch.wrap(a)
    assert isinstance(t, Tensor) and t._value is a


# --- observers ----------------------------------------------------------------

@pytest.mark.stage1_task4
def test_an_observer_sees_op_inputs_attrs_and_outputs():
    log = []
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    with dispatch.observing(lambda op, inputs, attrs, outputs:
                            log.append((op, inputs, attrs, outputs))):
        y = x * 2
        s = tf.reduce_sum(y, axis=1)
    assert [op.name for op, *_ in log] == ["Mul", "Sum"]
    mul_op, mul_inputs, mul_attrs, mul_out = log[0]
    assert mul_inputs[0] is x
    # The Python 2 shows up as the float32 constant the kernel really saw.
    assert isinstance(mul_inputs[1], Tensor) and mul_inputs[1].dtype is tf.float32
    assert float(mul_inputs[1]) == 2.0
    assert mul_attrs == {} and mul_out is y
    sum_op, sum_inputs, sum_attrs, sum_out = log[1]
    assert sum_inputs == (y,) or sum_inputs[0] is y
    assert sum_attrs == {"axis": (1,), "keepdims": False}
    assert sum_out is s


@pytest.mark.stage1_task5
def test_observers_see_operators_and_functions_alike():
    names = []
    x = tf.constant([1, 2])
    with dispatch.observing(lambda op, i, a, o: names.append(op.name)):
        x + 1
        tf.add(x, 1)
        -x
        x[0]
        tf.reshape(x, [2, 1]) @ tf.constant([[1, 1]])
    assert names == ["AddV2", "AddV2", "Neg", "StridedSlice", "Reshape", "MatMul"]


@pytest.mark.stage1_task3
def test_observers_nest_and_are_removed():
    outer, inner = [], []
    with dispatch.observing(lambda op, i, a, o: outer.append(op.name)):
        tf.add(1.0, 2.0)
        with dispatch.observing(lambda op, i, a, o: inner.append(op.name)):
            tf.multiply(1.0, 2.0)
        tf.subtract(1.0, 2.0)
    tf.add(1.0, 2.0)
    assert outer == ["AddV2", "Mul", "Sub"]
    assert inner == ["Mul"]
    assert dispatch._observers == []


@task2
def test_observer_is_removed_even_when_the_block_raises():
    before = list(dispatch._observers)
    with pytest.raises(errors.InvalidArgumentError):
        with dispatch.observing(lambda *args: None):
            tf.constant([1]) + tf.constant([1.0])
    assert dispatch._observers == before


@task2
def test_add_and_remove_observer():
    seen = []
    watcher = lambda op, i, a, o: seen.append(op.name)  # noqa: E731
    dispatch.add_observer(watcher)
    try:
        tf.multiply([[1.0]], [[2.0]])
    finally:
        dispatch.remove_observer(watcher)
    tf.multiply([[1.0]], [[2.0]])
    assert seen == ["Mul"]


@task2
def test_failed_ops_are_not_observed():
    seen = []
    with dispatch.observing(lambda op, i, a, o: seen.append(op.name)):
        with pytest.raises(errors.InvalidArgumentError):
            tf.matmul([[1.0, 2.0]], [[1.0, 2.0]])
    assert seen == []


@task2
def test_observers_see_the_outputs_of_multi_output_ops(new_op):
    op = new_op("halves", inputs=("x",), num_outputs=2)
    op.kernel(lambda xp, x: (x[:1], x[1:]))
    seen = []
    with dispatch.observing(lambda o, i, a, outputs: seen.append(outputs)):
        result = dispatch.execute(op, ([1.0, 2.0],))
    assert seen == [result] and isinstance(seen[0], list) and len(seen[0]) == 2


# --- redirects ----------------------------------------------------------------

@task2
def test_a_redirect_replaces_execution():
    calls = []

    def record(op, inputs, attrs):
        calls.append((op.name, inputs, attrs))
        return "node %d" % len(calls)

    x = tf.constant([[1.0]])
    with dispatch.redirect(record):
        first = tf.matmul(x, x, transpose_b=True)
        second = x + 1.0
    assert (first, second) == ("node 1", "node 2")
    assert calls[0][0] == "MatMul" and calls[0][1] == (x, x)
    assert calls[0][2]["transpose_b"] is True
    assert calls[1][0] == "AddV2" and calls[1][1] == (x, 1.0)
    assert isinstance(tf.add(1.0, 1.0), Tensor)      # gone after the block


@task2
def test_redirects_nest_innermost_wins():
    with dispatch.redirect(lambda op, i, a: "outer"):
        assert tf.add(1, 2) == "outer"
        with dispatch.redirect(lambda op, i, a: "inner"):
            assert tf.add(1, 2) == "inner"
        assert tf.add(1, 2) == "outer"
    assert dispatch.active_redirects() == []


@task2
def test_run_eagerly_executes_inside_a_redirect_and_is_observed():
    observed, redirected = [], []

    def trace_and_run(op, inputs, attrs):
        redirected.append(op.name)
        return dispatch.run_eagerly(op, inputs, attrs)

    with dispatch.observing(lambda op, i, a, o: observed.append(op.name)):
        with dispatch.redirect(trace_and_run):
            y = tf.multiply(tf.constant([2, 3]), 4)
            assert len(dispatch.active_redirects()) == 1    # restored after run_eagerly
    np.testing.assert_array_equal(y.numpy(), [8, 12])
    assert redirected == ["Mul"] and observed == ["Mul"]


@task2
def test_run_eagerly_restores_redirects_after_an_error():
    def handler(op, inputs, attrs):
        return dispatch.run_eagerly(op, inputs, attrs)

    with dispatch.redirect(handler):
        with pytest.raises(errors.InvalidArgumentError, match="matmul: inner dimensions"):
            tf.matmul([[1.0, 2.0]], [[1.0, 2.0]])
        assert dispatch.active_redirects() == [handler]
    assert dispatch.active_redirects() == []


@task2
def test_redirected_ops_are_not_observed():
    seen = []
    with dispatch.observing(lambda op, i, a, o: seen.append(op.name)):
        with dispatch.redirect(lambda op, i, a: None):
            tf.add(1.0, 2.0)
    assert seen == []


@task2
def test_a_redirect_belongs_to_the_thread_that_set_it():
    import threading
    results = {}

    def other_thread():
        results["other"] = tf.add(1.0, 2.0)        # runs eagerly: not redirected here

    with dispatch.redirect(lambda op, i, a: "recorded"):
        worker = threading.Thread(target=other_thread)
        worker.start()
        worker.join()
        results["here"] = tf.add(1.0, 2.0)
    assert results["here"] == "recorded"
    assert isinstance(results["other"], Tensor) and float(results["other"]) == 3.0


@task2
def test_init_scope_runs_ops_eagerly_inside_a_redirect_and_restores_it():
    with dispatch.redirect(lambda op, i, a: "recorded"):
        assert not tf.executing_eagerly()
        with dispatch.init_scope():
            assert tf.executing_eagerly()
            assert float(tf.add(1.0, 2.0)) == 3.0
        assert tf.add(1.0, 2.0) == "recorded"
    assert tf.executing_eagerly()


@task2
def test_execute_without_attrs_and_with_python_inputs():
    add = registry.get_op("AddV2")
    out = dispatch.execute(add, (tf.constant(1), 2))
    assert repr(out) == "tf.Tensor(3, shape=(), dtype=int32)"
    out = dispatch.execute(add, ([1.0, 2.0], [3.0, 4.0]))
    assert out.dtype is tf.float32


# --- errors of the core -------------------------------------------------------

@task2
def test_error_classes_follow_tensorflow():
    assert issubclass(errors.InvalidArgumentError, ValueError)
    assert issubclass(errors.InvalidArgumentError, errors.OpError)
    assert issubclass(errors.UnimplementedError, NotImplementedError)
    assert issubclass(errors.OutOfRangeError, IndexError)
    e = errors.InvalidArgumentError("add: bad", op="add")
    assert e.op == "add" and e.message == "add: bad" and str(e) == "add: bad"


@task2
@pytest.mark.parametrize("call, message", [
    (lambda: tf.matmul([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], np.ones((4, 5), np.float32)),
     r"^matmul: inner dimensions must match, got a \(2, 3\) and b \(4, 5\)$"),
    (lambda: tf.add(np.ones((2, 3), np.float32), np.ones(4, np.float32)),
     r"^add: shapes \(2, 3\) and \(4,\) cannot be broadcast together"),
    (lambda: tf.constant([1, 2]) * tf.constant([1.0, 2.0]),
     r"^multiply: all inputs must have the same dtype \(no automatic promotion\), "
     r"got x: int32 \(2,\), y: float32 \(2,\); convert one with tf.cast$"),
    (lambda: tf.constant([1, 2]) + 0.5,
     r"^add: cannot convert 0.5 \(float\) to int32 without losing information"),
    (lambda: tf.sqrt(tf.constant([4])),
     r"^sqrt: x has dtype int32, which this op does not accept; "
     r"valid dtypes are float16, float32, float64, complex64, complex128$"),
    (lambda: tf.reduce_sum(tf.constant([[1.0]]), axis=2),
     r"^reduce_sum: axis 2 is out of range for a tensor of rank 2"),
    (lambda: tf.reshape(tf.constant([1, 2, 3]), [2, 2]),
     r"^reshape: "),
], ids=["matmul", "broadcast", "mismatch", "lossy", "dtype", "axis", "reshape"])
@pytest.mark.stage1_task2
def test_core_errors_name_the_op_shapes_and_dtypes(call, message):
    with pytest.raises(errors.InvalidArgumentError, match=message):
        call()


@task1
def test_item_assignment_is_refused_as_in_tensorflow():
    t = tf.constant([1, 2, 3])
    with pytest.raises(TypeError, match="does not support item assignment"):
        t[0] = 5
    assert t.numpy().tolist() == [1, 2, 3]


@task1
def test_as_dtype_of_none_is_refused():
    with pytest.raises(TypeError, match="as_dtype: cannot interpret None as a dtype"):
        tf.as_dtype(None)


# --- tests the mutation run asked for (each kills mutants that lived) ---------------

@task2
def test_an_observer_sees_the_callers_tensors_and_constants_for_python_values():
    log = []
    x = tf.constant([1.0, 2.0])
    with dispatch.observing(lambda op, inputs, attrs, outputs: log.append(inputs)):
        y = x * x
        tf.add(1.0, 2.0)
    (xx, (a, b)) = log
    assert type(xx) is tuple and xx[0] is x and xx[1] is x
    # Python numbers show up as the constants the kernel saw, never as numbers
    assert isinstance(a, Tensor) and isinstance(b, Tensor)
    assert (float(a), float(b)) == (1.0, 2.0) and a.dtype is tf.float32
    assert y.numpy().tolist() == [1.0, 4.0]


@task2
def test_an_observer_sees_a_variadic_ops_inputs_as_one_tuple_of_tensors(new_op):
    op = new_op("total", inputs=("xs",), variadic=True)
    op.kernel(lambda xp, *xs: sum(xs))
    x, y = tf.constant(1.0), tf.constant(2.0)
    seen = []
    with dispatch.observing(lambda o, inputs, a, out: seen.append((inputs, out))):
        result = dispatch.execute(op, ([x, y, 3.0],))
    ((inputs, out),) = seen
    assert float(result) == 6.0 and out is result
    assert type(inputs) is tuple and len(inputs) == 3
    assert inputs[0] is x and inputs[1] is y
    assert isinstance(inputs[2], Tensor) and float(inputs[2]) == 3.0
    seen.clear()
    with dispatch.observing(lambda o, inputs, a, out: seen.append((inputs, out))):
        dispatch.execute(op, ([x, y],))            # all Tensors: still one tuple
    ((inputs, out),) = seen
    assert type(inputs) is tuple and len(inputs) == 2
    assert inputs[0] is x and inputs[1] is y


@task1
@pytest.mark.parametrize("values, dtype", [
    ([-2**31, 5], tf.int32), ([2**31 - 1, 0], tf.int32), ([[1], [-2**31]], tf.int32),
    ([-2**31 - 1, 0], tf.int64), ([0, 2**31], tf.int64),
])
def test_lists_of_ints_are_int32_up_to_its_very_bounds(values, dtype):
    t = tf.constant(values)
    assert t.dtype is dtype
    assert t.numpy().tolist() == values


@task1
def test_bool_and_len_of_constants():
    assert bool(tf.constant(True)) is True and bool(tf.constant(False)) is False
    assert bool(tf.constant(2.5)) is True and bool(tf.constant(0)) is False
    assert bool(tf.constant([[1]])) is True             # one element is enough
    assert len(tf.constant([[1, 2], [3, 4], [5, 6]])) == 3
    assert len(tf.constant([7.0])) == 1 and len(tf.constant(np.zeros((0, 2)))) == 0
    with pytest.raises(TypeError, match="0-d"):
        len(tf.constant(1.0))


@task1
@pytest.mark.parametrize("make", [lambda: np.ones(2), lambda: [1.0, 2.0], lambda: 3],
                         ids=["numpy", "list", "int"])
def test_new_constants_go_to_the_default_device(backend, make):
    # (on a GPU machine the CuPy case checks that a NumPy array is moved there too)
    want = backend.device_type + ":0"
    assert tf.convert_to_tensor(make()).device.endswith(want)
    assert tf.constant(make()).device.endswith(want)
