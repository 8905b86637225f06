"""The tape's short paths (one tape, one output, no broadcasting) agree with the
careful ones.

* a persistent tape asked for different sources recomputes which inputs need no
  gradient (``skip_input_indices``) instead of reusing the last answer's;
* nested tapes, and a tape inside ``custom_gradient``, still record variables;
* a non-differentiable op on a variable records nothing;
* gradient functions that return a bad count, shape or type still fail naming the op;
* ``AddV2`` and ``MatMul`` pass gradients through when nothing was broadcast, and
  still sum them back when something was.
"""

import numpy as np
import pytest

import stage2_autodiff as tf
from stage1_tensors import registry as op_registry
from stage1_tensors.dispatch import execute
from stage1_tensors.errors import InvalidArgumentError

pytestmark = pytest.mark.stage2_task2


def test_a_persistent_tape_recomputes_the_skipped_inputs_for_new_sources():
    x, y = tf.constant([1.0, 2.0]), tf.constant([3.0, 4.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, y])
        z = x * y
    assert tape.gradient(z, x).numpy().tolist() == [3.0, 4.0]     # y skipped here
    gx, gy = tape.gradient(z, [x, y])
    assert gx.numpy().tolist() == [3.0, 4.0]
    assert gy.numpy().tolist() == [1.0, 2.0]


def test_nested_tapes_both_see_variables_read_once():
    v = tf.Variable(3.0)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = v * v
        dy = inner.gradient(y, v)
    assert float(dy) == 6.0
    assert float(outer.gradient(dy, v)) == 2.0
    assert [w.name for w in inner.watched_variables()] == [v.name]


@pytest.mark.internals
def test_a_non_differentiable_op_on_a_variable_records_nothing():
    v = tf.Variable([1.0, 5.0, 2.0])
    with tf.GradientTape() as tape:
        i = tf.argmax(v)
    assert tape._records == []
    assert int(i) == 1


def test_a_variable_assigned_between_reads_gets_both_contributions():
    v = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        a = v * 1.0
        v.assign(5.0)
        b = v * 1.0
        y = a * b
    # y = v_old * v_new: each read's gradient is the other value, and both reach v.
    assert float(tape.gradient(y, v)) == 7.0


@pytest.mark.parametrize("result, message", [
    (lambda op, g: (g, g), "returned 2 gradient"),
    (lambda op, g: tf.ones([7]), "gradient of shape (7,)"),
    (lambda op, g: 3.0, "must return one gradient"),
], ids=["count", "shape", "type"])
def test_bad_gradient_results_still_name_the_op(result, message):
    op = op_registry.define_op("ShortPathToy", "short_path_toy", inputs=("x",))
    op.kernel(lambda xp, x: x + 0)
    tf.register_gradient("ShortPathToy", result)
    try:
        x = tf.constant([1.0, 2.0])
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = execute(op, (x,))
        with pytest.raises(InvalidArgumentError, match="ShortPathToy") as info:
            tape.gradient(y, x)
        assert message in str(info.value)
    finally:
        op_registry.remove_op("ShortPathToy")
        tf.registry._GRADIENTS.pop("ShortPathToy")


def test_a_gradient_given_as_a_list_is_converted():
    op = op_registry.define_op("ShortPathList", "short_path_list", inputs=("x",))
    op.kernel(lambda xp, x: x + 0)
    tf.register_gradient("ShortPathList", lambda op, g: [[10.0, 20.0]])
    try:
        x = tf.constant([1.0, 2.0])
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = execute(op, (x,))
        assert tape.gradient(y, x).numpy().tolist() == [10.0, 20.0]
    finally:
        op_registry.remove_op("ShortPathList")
        tf.registry._GRADIENTS.pop("ShortPathList")


@pytest.mark.parametrize("x_shape, y_shape", [((2, 3), (2, 3)), ((2, 3), (3,)),
                                              ((1, 3), (2, 1)), ((), (2,))], ids=str)
def test_add_gradient_with_and_without_broadcasting(rng, x_shape, y_shape):
    x = tf.constant(rng.normal(size=x_shape))
    y = tf.constant(rng.normal(size=y_shape))
    with tf.GradientTape() as tape:
        tape.watch([x, y])
        z = x + y
    out = np.broadcast_shapes(x_shape, y_shape)
    gx, gy = tape.gradient(z, [x, y])
    assert gx.shape == x_shape and gy.shape == y_shape
    np.testing.assert_allclose(gx.numpy(), np.full(x_shape, np.prod(out) / max(np.prod(x_shape), 1)))
    np.testing.assert_allclose(gy.numpy(), np.full(y_shape, np.prod(out) / max(np.prod(y_shape), 1)))


@pytest.mark.stage2_task4
@pytest.mark.parametrize("a_shape, b_shape", [((2, 3), (3, 4)), ((5, 2, 3), (3, 4)),
                                              ((2, 3), (5, 3, 4))], ids=str)
def test_matmul_gradient_sums_broadcast_batch_axes_only(rng, a_shape, b_shape):
    a0, b0 = rng.normal(size=a_shape), rng.normal(size=b_shape)
    a, b = tf.constant(a0), tf.constant(b0)
    with tf.GradientTape() as tape:
        tape.watch([a, b])
        c = tf.matmul(a, b)
    ga, gb = tape.gradient(c, [a, b])
    g = np.ones(np.broadcast_shapes(a_shape[:-2], b_shape[:-2]) + (a_shape[-2], b_shape[-1]))
    want_a = g @ np.swapaxes(b0, -1, -2)
    want_b = np.swapaxes(a0, -1, -2) @ g
    np.testing.assert_allclose(ga.numpy(), want_a.reshape((-1,) + a_shape).sum(0))
    np.testing.assert_allclose(gb.numpy(), want_b.reshape((-1,) + b_shape).sum(0))
