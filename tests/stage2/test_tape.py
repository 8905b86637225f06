"""Task 2: GradientTape -- recording, watching, asking, releasing."""

import gc
import sys
import threading
import weakref

import numpy as np
import pytest

import stage2_autodiff as tf
from stage1_tensors import dispatch
from stage2_autodiff import recording

pytestmark = pytest.mark.stage2_task2


def test_simple_gradient_and_reused_value():
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
        z = y * y + y          # y is used twice: both contributions count
    # dz/dx = (2y + 1) * 2x = 19 * 6
    assert float(tape.gradient(z, x)) == pytest.approx(114.0)


def test_observer_installed_only_while_a_tape_is_active():
    assert recording._observe not in dispatch._observers
    with tf.GradientTape():
        assert recording._observe in dispatch._observers
        with tf.GradientTape():
            pass
        assert recording._observe in dispatch._observers
    assert recording._observe not in dispatch._observers


def test_unwatched_constant_gives_none():
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        y = x * x
    assert tape.gradient(y, x) is None


def test_trainable_variables_watched_automatically_non_trainable_not():
    a, b = tf.Variable(2.0), tf.Variable(3.0, trainable=False)
    with tf.GradientTape(persistent=True) as tape:
        y = a * b
    assert float(tape.gradient(y, a)) == 3.0
    assert tape.gradient(y, b) is None
    assert tape.watched_variables() == (a,)
    with tf.GradientTape() as tape:
        tape.watch(b)
        y = a * b
    assert [float(g) for g in tape.gradient(y, [a, b])] == [3.0, 2.0]


def test_watch_accessed_variables_false():
    a, b = tf.Variable(2.0), tf.Variable(3.0)
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(a)
        y = a * b
    grads = tape.gradient(y, [a, b])
    assert float(grads[0]) == 3.0 and grads[1] is None
    assert tape.watched_variables() == (a,)


def test_assign_after_reading_does_not_change_the_recording():
    v = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = v * v
        v.assign(100.0)
    assert float(tape.gradient(y, v)) == 4.0


def test_variable_read_twice_accumulates():
    v = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = v * 3.0 + v.read_value() * v
    assert float(tape.gradient(y, v)) == 7.0


def test_non_persistent_tape_answers_once():
    x = tf.constant(1.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    tape.gradient(y, x)
    with pytest.raises(RuntimeError, match="non-persistent.*persistent=True"):
        tape.gradient(y, x)


def test_persistent_tape_answers_many_times():
    x = tf.constant(2.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
        z = y * x
    assert float(tape.gradient(y, x)) == 4.0
    assert float(tape.gradient(z, x)) == 12.0
    assert float(tape.gradient(z, x)) == 12.0


def test_non_scalar_target_is_summed_and_output_gradients_weight_it():
    x = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [2.0, 4.0, 6.0])
    g = tape.gradient(y, x, output_gradients=tf.constant([1.0, 0.0, 10.0]))
    np.testing.assert_allclose(g.numpy(), [2.0, 0.0, 60.0])
    # a list of targets: their gradients add
    np.testing.assert_allclose(tape.gradient([y, x], x).numpy(), [3.0, 5.0, 7.0])
    with pytest.raises(ValueError, match="same shape"):
        tape.gradient(y, x, output_gradients=tf.constant([1.0]))


def test_nested_structure_of_sources():
    x, y, v = tf.constant(1.0), tf.constant(2.0), tf.Variable(3.0)
    with tf.GradientTape() as tape:
        tape.watch([x, y])
        z = x * y * v
    grads = tape.gradient(z, {"b": (x, [y]), "a": v})
    assert set(grads) == {"a", "b"} and isinstance(grads["b"], tuple)
    assert float(grads["a"]) == 2.0
    assert float(grads["b"][0]) == 6.0 and float(grads["b"][1][0]) == 3.0


def test_unconnected_gradients_none_or_zero():
    x, y = tf.constant([1.0, 2.0]), tf.constant(5.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, y])
        z = x * 2.0
    assert tape.gradient(z, y) is None
    assert float(tape.gradient(z, y, unconnected_gradients="zero")) == 0.0
    zero = tape.gradient(z, [y], unconnected_gradients=tf.UnconnectedGradients.ZERO)[0]
    assert zero.shape == () and zero.dtype == tf.float32
    with pytest.raises(ValueError, match="unconnected_gradients"):
        tape.gradient(z, y, unconnected_gradients="ones")


def test_integer_sources_get_none():
    i = tf.constant(3)
    with tf.GradientTape() as tape:
        tape.watch(i)
        y = i * i
    assert tape.gradient(y, i) is None


def test_gradient_through_integer_cast_stops():
    x = tf.constant(2.5)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.cast(tf.cast(x, tf.int32), tf.float32) * x
    assert float(tape.gradient(y, x)) == 2.0


@pytest.mark.internals
def test_stop_recording_and_reset():
    x = tf.constant(2.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        with tape.stop_recording():
            a = x * x
        b = x * x
    assert tape.gradient(a, x) is None
    assert float(tape.gradient(b, x)) == 4.0
    with pytest.raises(RuntimeError, match="not recording"):
        with tape.stop_recording():
            pass
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
        tape.reset()
        y = x * 5.0
    assert tape.gradient(y, x) is None       # reset forgot the watch too
    assert tape._records == []


def test_sources_must_be_tensors():
    x = tf.constant(1.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    with pytest.raises(TypeError, match="Tensors or Variables"):
        tape.gradient(y, [x, 1.0])
    with pytest.raises(TypeError, match="watch"):
        tf.GradientTape().watch(1.0)


def test_gradient_of_a_source_itself_is_ones():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
    np.testing.assert_array_equal(tape.gradient(x, x).numpy(), [1.0, 1.0])


def test_deep_chain_of_ten_thousand_ops_does_not_recurse():
    x = tf.constant(1.0)
    limit = sys.getrecursionlimit()
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x
        for _ in range(10_000):
            y = y * 1.0001
    assert sys.getrecursionlimit() == limit
    assert float(tape.gradient(y, x)) == pytest.approx(1.0001 ** 10_000, rel=1e-3)


@pytest.mark.internals
def test_tapes_are_thread_local():
    x = tf.constant(2.0)
    seen = {}

    def worker():
        y = x * x                         # runs while the main thread's tape is open
        with tf.GradientTape() as tape:
            tape.watch(x)
            z = x * x * x
        seen["other"] = float(tape.gradient(z, x))
        seen["y"] = y

    with tf.GradientTape() as tape:
        tape.watch(x)
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
        y = x * 3.0
    assert len(tape._records) == 1           # the other thread's ops were not recorded
    assert seen["other"] == 12.0
    assert float(tape.gradient(y, x)) == 3.0
    assert recording._observe not in dispatch._observers


@pytest.mark.internals
def test_intermediates_are_released_during_backprop():
    x = tf.constant(np.ones(100, np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        h = x * 2.0
        ref = weakref.ref(h)
        y = h * h
        del h
    assert ref() is not None                 # the tape holds it while it may be needed
    tape.gradient(y, x)
    gc.collect()
    assert ref() is None and tape._records == []


def test_a_dropped_tape_frees_everything():
    x = tf.constant(np.ones(100, np.float32))
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        h = x * 2.0
        y = h * h
    refs = [weakref.ref(t) for t in (h, y)]
    del tape, h, y
    gc.collect()
    assert all(r() is None for r in refs)


def test_gradient_function_with_wrong_count_or_shape_names_the_op():
    op_name = "TestWrongGradOp"
    from stage1_tensors.registry import define_op
    from stage1_tensors.dispatch import execute
    op = define_op(op_name, "test_wrong_grad", inputs=("x",))
    op.kernel(lambda xp, x: x * 2)
    try:
        tf.register_gradient(op_name, lambda op, g: (g, g))
        x = tf.constant([1.0, 2.0])
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = execute(op, (x,))
        with pytest.raises(ValueError, match="TestWrongGradOp.*2 gradient.*1 input"):
            tape.gradient(y, x)
        from stage2_autodiff import registry
        registry._GRADIENTS[op_name] = lambda op, g: tf.constant([1.0, 2.0, 3.0])
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = execute(op, (x,))
        with pytest.raises(ValueError, match=r"TestWrongGradOp.*shape \(3,\).*\(2,\)"):
            tape.gradient(y, x)
    finally:
        from stage1_tensors import registry as ops
        from stage2_autodiff import registry
        registry._GRADIENTS.pop(op_name, None)
        ops._OPS.pop(op_name, None)


def test_missing_gradient_rule_is_a_lookup_error_naming_the_op():
    from stage1_tensors.registry import define_op
    from stage1_tensors.dispatch import execute
    from stage1_tensors import registry as ops
    op = define_op("TestNoRuleOp", "test_no_rule", inputs=("x",))
    op.kernel(lambda xp, x: x * 2)
    try:
        x = tf.constant(1.0)
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = execute(op, (x,))
        with pytest.raises(LookupError, match="TestNoRuleOp.*RegisterGradient"):
            tape.gradient(y, x)
    finally:
        ops._OPS.pop("TestNoRuleOp", None)


def test_an_unwatched_constant_input_of_a_recorded_op_gets_none_as_in_tensorflow():
    x, y = tf.constant(3.0), tf.constant(4.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        z = x * y
        w = z * z
    gx, gy = tape.gradient(z, [x, y])
    assert float(gx) == 4.0 and gy is None
    assert float(tape.gradient(w, z)) == 24.0          # a tensor the tape computed
    zero = tape.gradient(z, y, unconnected_gradients=tf.UnconnectedGradients.ZERO)
    assert float(zero) == 0.0
    v = tf.Variable(2.0)
    c = tf.constant(5.0)
    with tf.GradientTape() as tape:
        out = c * v
    gc, gv = tape.gradient(out, [c, v])
    assert gc is None and float(gv) == 5.0


def test_gradients_with_respect_to_an_intermediate_and_its_input_together():
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * 2.0
        z = y * y
    dz_dy, dz_dx = tape.gradient(z, [y, x])
    assert float(dz_dy) == 12.0 and float(dz_dx) == 24.0      # 2y, then 2y * 2


# --- tests the mutation run asked for (each kills mutants that lived) ---------------

def test_stop_recording_pauses_and_reset_forgets_public_api():
    x = tf.constant(2.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        with tape.stop_recording():
            a = x * x
        b = x * x
    assert tape.gradient(a, x) is None
    assert float(tape.gradient(b, x)) == 4.0
    with pytest.raises(RuntimeError, match="not recording"):
        with tape.stop_recording():
            pass
    with tf.GradientTape() as tape:         # reset, then record again: only the new record counts
        tape.watch(x)
        y = x * x
        tape.reset()
        tape.watch(x)
        y = x * 3.0
    assert float(tape.gradient(y, x)) == 3.0


def test_a_persistent_tape_entered_again_goes_on_recording():
    x = tf.constant(3.0)
    tape = tf.GradientTape(persistent=True)
    with tape:
        tape.watch(x)
        y = x * x
    with tape:                              # as TensorFlow: the same tape, recording more
        z = y * x
    assert float(tape.gradient(z, x)) == pytest.approx(27.0)
    assert float(tape.gradient(y, x)) == pytest.approx(6.0)


def test_jacobian_of_a_broadcast_product():
    x = tf.constant([1.0, 2.0])
    c = tf.constant([[1.0], [2.0], [3.0]])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, c])
        y = c * x + x                       # y[i, j] = (c[i] + 1) * x[j]
    jx, jc = tape.jacobian(y, [x, c])
    assert jx.shape == (3, 2, 2) and jc.shape == (3, 2, 3, 1)
    expected_x = np.einsum("i,jk->ijk", [2.0, 3.0, 4.0], np.eye(2))
    np.testing.assert_allclose(jx.numpy(), expected_x)
    expected_c = np.einsum("ik,j->ijk", np.eye(3), [1.0, 2.0])[..., None]
    np.testing.assert_allclose(jc.numpy(), expected_c)
    only = tape.jacobian(y, x)              # one source: one Jacobian, not a list
    np.testing.assert_allclose(only.numpy(), expected_x)
    other = tf.constant(5.0)
    assert tape.jacobian(y, other) is None  # unconnected: None, or zeros if asked
    zeros = tape.jacobian(y, other, unconnected_gradients=tf.UnconnectedGradients.ZERO)
    np.testing.assert_array_equal(zeros.numpy(), np.zeros((3, 2)))


def test_compute_gradient_with_its_default_step():
    x = tf.constant([1.0, 2.0, 3.0])
    theoretical, numerical = tf.test.compute_gradient(lambda a: a * a * a, [x])
    assert isinstance(theoretical, tuple) and len(theoretical) == len(numerical) == 1
    np.testing.assert_allclose(theoretical[0], np.diag([3.0, 12.0, 27.0]), rtol=1e-6)
    # the default step (1e-3) leaves the central difference of x**3 off by delta**2
    np.testing.assert_allclose(numerical[0], np.diag([3.0, 12.0, 27.0]), atol=0.05)
    assert tf.test.max_error(theoretical, numerical) < 0.05


def test_check_gradients_catches_a_wrong_gradient_at_either_order():
    from stage2_autodiff.testing import check_gradients

    def leaky(x):                           # a copy via NumPy hides x from the tape
        return tf.constant(x.numpy()) * x

    with pytest.raises(AssertionError):
        check_gradients(leaky, [2.0])

    def wrong_second(x):
        # c equals x but the tape cannot see it: f is (x - c)**2, always 0, whose
        # first derivative the tape gets right (2 * (x - c) is 0) but whose second
        # derivative it takes as 2
        c = tf.constant(x.numpy())
        d = x + c * -1.0
        return d * d

    check_gradients(wrong_second, [2.0])            # first order: right
    with pytest.raises(AssertionError):
        check_gradients(wrong_second, [2.0], order=2)


def test_tapes_that_stop_out_of_order_each_stop_once():
    # Entered and exited by hand, a middle tape can stop while an inner one still
    # records; entered again, it records each op once more (not twice).
    x = tf.constant(2.0)
    outer, middle, inner = (tf.GradientTape(persistent=True) for _ in range(3))
    for tape in (outer, middle, inner):
        tape.__enter__()
        tape.watch(x)
    middle.__exit__(None, None, None)
    with middle:
        y = x * x
    inner.__exit__(None, None, None)
    outer.__exit__(None, None, None)
    for tape in (outer, middle, inner):
        assert float(tape.gradient(y, x)) == 4.0
