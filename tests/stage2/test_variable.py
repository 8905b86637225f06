"""Task 1: Variable -- mutable storage that is still a Tensor."""

import gc
import weakref

import numpy as np
import pytest

import stage2_autodiff as tf

pytestmark = pytest.mark.stage2_task1


def test_is_a_tensor_and_every_operator_accepts_it():
    v = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    assert isinstance(v, tf.Tensor)
    a = v.numpy()
    cases = [(v + 1, a + 1), (1 - v, 1 - a), (v * v, a * a), (v / 2, a / 2),
             (v // 2, a // 2), (v % 3, a % 3), (v ** 2, a ** 2), (v @ v, a @ a),
             (-v, -a), (abs(-v), a), (v < 2, a < 2), (v >= 2, a >= 2),
             (v == 2, a == 2), (tf.reduce_sum(v), a.sum()), (v[0, 1], a[0, 1])]
    for got, want in cases:
        assert type(got) is tf.Tensor
        np.testing.assert_array_equal(got.numpy(), want)
    assert float(tf.Variable(2.5)) == 2.5 and len(v) == 2
    np.testing.assert_array_equal(np.asarray(v), a)


def test_defaults_names_and_dtype():
    v = tf.Variable(0.0, dtype=tf.float32)
    assert v.name == "Variable:0" and v.trainable and v.dtype == tf.float32
    assert tf.Variable(1, name="w").name == "w:0"
    assert tf.Variable(1.0, name="a:0").name == "a:0"
    assert tf.Variable(0, dtype=tf.float64).dtype == tf.float64
    assert tf.Variable(lambda: [1.0, 2.0]).shape == (2,)
    assert not tf.Variable(1.0, trainable=False).trainable
    with pytest.raises(ValueError, match="initial_value"):
        tf.Variable()


def test_repr_like_tensorflow():
    assert repr(tf.Variable(0.0)) == \
        "<tf.Variable 'Variable:0' shape=() dtype=float32, numpy=0.0>"
    assert repr(tf.Variable([1, 2], name="v")) == \
        "<tf.Variable 'v:0' shape=(2,) dtype=int32, numpy=array([1, 2], dtype=int32)>"


def test_assign_family_replaces_the_array_and_never_writes_in_place():
    v = tf.Variable([1.0, 2.0])
    before = v._value
    snapshot = v.read_value()
    assert v.assign([5.0, 6.0]) is v
    np.testing.assert_array_equal(before, [1.0, 2.0])
    np.testing.assert_array_equal(snapshot.numpy(), [1.0, 2.0])
    v.assign_add([1.0, 1.0])
    np.testing.assert_array_equal(v.numpy(), [6.0, 7.0])
    v.assign_sub(tf.constant([2.0, 2.0]))
    np.testing.assert_array_equal(v.numpy(), [4.0, 5.0])
    assert v.dtype == tf.float32


def test_initial_array_is_copied():
    array = np.array([1.0, 2.0], np.float32)
    v = tf.Variable(array)
    array[0] = 100.0
    assert v.numpy()[0] == 1.0
    v.assign(array)
    array[1] = 100.0
    assert v.numpy()[1] == 2.0


def test_shape_mismatch_is_a_value_error_naming_the_variable():
    v = tf.Variable([1.0, 2.0], name="w")
    with pytest.raises(ValueError, match=r"'w:0'.*shape \(3,\).*\(2,\)"):
        v.assign([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="assign_add"):
        v.assign_add(1.0)


def test_dtype_mismatch_is_a_type_error_naming_the_variable():
    v = tf.Variable([1.0, 2.0], name="w")
    with pytest.raises(TypeError, match=r"'w:0'.*float64.*float32.*tf.cast"):
        v.assign(tf.constant([1.0, 2.0], dtype=tf.float64))
    with pytest.raises(TypeError, match="int32"):
        v.assign_sub(np.array([1, 2], np.int32))


def test_memory_is_freed_with_the_last_reference():
    v = tf.Variable(np.zeros(1000, np.float32))
    ref = weakref.ref(v)
    del v
    gc.collect()
    assert ref() is None


@pytest.mark.stage2_task2
def test_tape_does_not_keep_a_variable_alive():
    v = tf.Variable([1.0, 2.0])
    ref = weakref.ref(v)
    with tf.GradientTape() as tape:
        y = v * v
    assert tape.gradient(y, v) is not None
    del v, tape, y
    gc.collect()
    assert ref() is None


# --- while ops are redirected (stage 5 tracing a function) ---------------------

def test_assign_is_an_op_while_ops_are_redirected():
    from stage1_tensors import dispatch
    v = tf.Variable([1.0, 2.0])
    seen, delta = [], tf.constant([1.0, 1.0])
    with dispatch.redirect(lambda op, inputs, attrs: seen.append((op.name, inputs))):
        v.assign([5.0, 6.0])
        v.assign_add(delta)
        v.assign_sub(delta)
    assert [name for name, _ in seen][:2] == ["AssignVariableOp", "AssignAddVariableOp"]
    assert seen[-1][0] == "AssignSubVariableOp" and seen[-1][1][0] is v
    np.testing.assert_array_equal(v.numpy(), [1.0, 2.0])    # unchanged: only recorded


def test_a_redirected_assign_still_checks_shape_and_dtype():
    from stage1_tensors import dispatch
    v = tf.Variable([1.0, 2.0])
    with dispatch.redirect(lambda op, inputs, attrs: None):
        with pytest.raises(ValueError, match="shape"):
            v.assign([1.0, 2.0, 3.0])
        with pytest.raises(TypeError, match="dtype"):
            v.assign_add(tf.constant([1, 2]))


def test_numpy_of_a_variable_is_refused_while_redirected():
    from stage1_tensors import dispatch
    v = tf.Variable(3.0)
    with dispatch.redirect(lambda op, inputs, attrs: None):
        with pytest.raises(NotImplementedError, match="only available eagerly"):
            v.numpy()
        with pytest.raises(NotImplementedError):
            float(v)
        with dispatch.init_scope():
            assert float(v) == 3.0


def test_a_callable_initial_value_runs_eagerly_even_while_redirected():
    from stage1_tensors import dispatch
    with dispatch.redirect(lambda op, inputs, attrs: "recorded"):
        v = tf.Variable(lambda: tf.ones([2]) * 3.0)
    np.testing.assert_array_equal(v.numpy(), [3.0, 3.0])


def test_the_assign_methods_return_the_updated_variable_so_calls_chain():
    v = tf.Variable([1.0, 2.0])
    np.testing.assert_allclose(v.assign([3.0, 4.0]).numpy(), [3.0, 4.0])
    np.testing.assert_allclose(v.assign_add([1.0, 1.0]).numpy(), [4.0, 5.0])
    np.testing.assert_allclose(v.assign_sub([0.5, 0.5]).numpy(), [3.5, 4.5])
    v.assign_add([1.0, 1.0]).assign_sub([2.0, 2.0])
    np.testing.assert_allclose(v.numpy(), [2.5, 3.5])
