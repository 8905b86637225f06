"""Variable reads without ``ReadVariableOp`` records.

The tape replaces a variable input by a snapshot of the array it holds and
notes, in ``tape._reads``, which variable each snapshot came from; ``gradient``
adds up the gradients of a variable's snapshots. These tests pin down that the
answers are those a ``ReadVariableOp`` record per read would give:

* a variable read many times gets every use's contribution, from one snapshot;
* an ``assign`` between reads makes a second snapshot, and both contribute;
* an ``assign`` between the forward pass and ``gradient`` changes nothing;
* persistent tapes, nested tapes (higher order), ``watch_accessed_variables=False``,
  non-trainable variables, ``custom_gradient`` with ``variables=``, ``jacobian``,
  ``reset`` and nested source structures all still see the variable.
"""

import numpy as np
import pytest

import stage2_autodiff as tf

pytestmark = pytest.mark.stage2_task2


@pytest.mark.internals
def test_no_record_is_made_for_reading_a_variable():
    v = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = v * v
    assert [r.type for r in tape._records] == ["Mul"]
    assert float(tape.gradient(y, v)) == 6.0


@pytest.mark.internals
def test_read_value_is_still_an_op_that_gradients_flow_through():
    v = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        r = v.read_value()
        y = r * r
    assert [op.type for op in tape._records] == ["ReadVariableOp", "Mul"]
    assert float(tape.gradient(y, v)) == 6.0


@pytest.mark.internals
@pytest.mark.parametrize("uses", [1, 2, 50])
def test_a_variable_read_many_times_gets_every_contribution(uses):
    v = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        total = tf.zeros([2])
        for k in range(uses):
            total = total + v * float(k + 1)
    assert [len(s) for s in tape._reads.values()] == [1]      # one snapshot
    want = sum(range(1, uses + 1))
    assert tape.gradient(total, v).numpy().tolist() == [want, want]


@pytest.mark.internals
def test_an_assign_between_reads_gives_a_second_snapshot_and_both_contribute():
    v = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        a = v * v             # 2 * 2: d/dv = 2 * 2
        v.assign(5.0)
        b = v * 3.0           # d/dv = 3
        v.assign(7.0)
        c = v * a             # 7 * 4: d/dv = 4 (c's own read) + 7 * 4 (through a)
        total = a + b + c
    assert [len(s) for s in tape._reads.values()] == [3]
    assert float(total) == 4.0 + 15.0 + 28.0
    assert float(tape.gradient(total, v)) == 4.0 + 3.0 + 4.0 + 28.0


def test_an_assign_after_the_forward_pass_does_not_change_the_gradient():
    v = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = v * v
    v.assign(10.0)
    assert float(tape.gradient(y, v)) == 6.0          # the value read, not the new one


def test_a_persistent_tape_answers_again_and_for_other_source_lists():
    v, w = tf.Variable(3.0), tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as tape:
        y = v * w + v
    assert [float(g) for g in tape.gradient(y, [v, w])] == [3.0, 3.0]
    assert float(tape.gradient(y, w)) == 3.0
    assert [float(g) for g in tape.gradient(y, [w, v, v])] == [3.0, 3.0, 3.0]
    v.assign(100.0)
    assert float(tape.gradient(y, v)) == 3.0


@pytest.mark.stage2_task4
def test_nested_tapes_give_second_and_third_derivatives_of_a_variable():
    v = tf.Variable(2.0)
    with tf.GradientTape() as t3:
        with tf.GradientTape() as t2:
            with tf.GradientTape() as t1:
                y = v * v * v
            d1 = t1.gradient(y, v)                    # 3 v^2
        d2 = t2.gradient(d1, v)                       # 6 v
    d3 = t3.gradient(d2, v)                           # 6
    assert (float(d1), float(d2), float(d3)) == (12.0, 12.0, 6.0)


def test_an_inner_tape_reading_after_an_assign_is_seen_by_the_outer_tape():
    v = tf.Variable(2.0)
    with tf.GradientTape() as outer:
        a = v * v                                      # outer reads v = 2
        v.assign(3.0)
        with tf.GradientTape() as inner:
            b = v * v                                  # both read v = 3
        db = inner.gradient(b, v)                      # 2 * 3
        total = a + db
    assert float(db) == 6.0
    assert float(outer.gradient(total, v)) == 2 * 2.0 + 2.0


def test_watch_accessed_variables_false_sees_only_watched_variables():
    v, w = tf.Variable(3.0), tf.Variable(5.0)
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        before = v * 2.0                               # not watched yet: not recorded
        tape.watch(v)
        y = v * w + before
    assert tape.gradient(y, [v, w]) == [tape_gradient_of(lambda: v * w, v), None]
    assert tape.watched_variables() == (v,)


def tape_gradient_of(fn, v):
    """A helper for comparisons: the plain gradient of ``fn()`` w.r.t. ``v``."""
    with tf.GradientTape() as tape:
        y = fn()
    return tape.gradient(y, v)


def test_a_non_trainable_variable_gets_none_unless_watched():
    v = tf.Variable(3.0, trainable=False)
    with tf.GradientTape(persistent=True) as tape:
        y = v * v
        tape.watch(v)
        z = v * v
    assert tape.gradient(y, v) is None
    assert float(tape.gradient(z, v)) == 6.0


def test_an_unconnected_variable_that_was_read_is_none_or_zeros():
    v, w = tf.Variable([1.0, 2.0]), tf.Variable(4.0)
    with tf.GradientTape(persistent=True) as tape:
        unused = w * 2.0
        y = tf.reduce_sum(v * v)
    assert float(unused) == 8.0
    assert tape.gradient(y, w) is None
    zero = tape.gradient(y, w, unconnected_gradients=tf.UnconnectedGradients.ZERO)
    assert float(zero) == 0.0


def test_a_variable_as_its_own_target_has_gradient_one():
    v = tf.Variable(3.0)
    with tf.GradientTape(persistent=True) as tape:
        y = v * 2.0
    assert float(tape.gradient(v, v)) == 1.0
    assert float(tape.gradient([v, y], v)) == 1.0 + 2.0


def test_sources_in_nested_structures_and_mixed_with_tensors():
    v, x = tf.Variable(3.0), tf.constant(2.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = v * x
    got = tape.gradient(y, {"v": v, "rest": (x, [v])})
    assert float(got["v"]) == 2.0 and float(got["rest"][0]) == 3.0
    assert float(got["rest"][1][0]) == 2.0
    assert [float(g) for g in tape.gradient(y, [x, v])] == [3.0, 2.0]


@pytest.mark.stage2_task7
def test_custom_gradient_with_variables_reaches_the_variable():
    w = tf.Variable(2.0)

    @tf.custom_gradient
    def scaled(x):
        y = x * w

        def grad(dy, variables=None):
            return dy * w * 10.0, [dy * x * 10.0]     # 10x the true gradients
        return y, grad

    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = scaled(x) + w * w                         # w read inside and outside
    gx, gw = tape.gradient(y, [x, w])
    assert float(gx) == 20.0
    assert float(gw) == 30.0 + 4.0


@pytest.mark.stage2_task6
def test_jacobian_and_batch_jacobian_of_a_variable_read_twice():
    v = tf.Variable([1.0, 2.0])
    with tf.GradientTape(persistent=True) as tape:
        a = v * v
        v.assign([3.0, 4.0])
        y = a + v                                     # d/dv = 2 * old v + 1
    np.testing.assert_array_equal(tape.jacobian(y, v).numpy(), np.diag([3.0, 5.0]))
    m = tf.Variable([[1.0], [2.0]])
    with tf.GradientTape() as tape:
        z = m * m
    np.testing.assert_array_equal(tape.batch_jacobian(z, m).numpy(), [[[2.0]], [[4.0]]])


@pytest.mark.internals
def test_reset_forgets_the_reads():
    v = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        _ = v * v
        tape.reset()
        assert tape._reads == {}
        y = v * 5.0
    assert float(tape.gradient(y, v)) == 5.0


@pytest.mark.internals
def test_a_non_persistent_tape_drops_its_snapshots_after_answering():
    v = tf.Variable(np.ones(3, np.float32))
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(v * v)
    snapshot = tape._reads[id(v)][0]
    assert snapshot._value is v._value
    tape.gradient(y, v)
    assert tape._reads == {} and tape._records == []
