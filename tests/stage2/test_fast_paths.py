"""The fast paths of the backward pass give the same answers as the careful ones.

* the fused gradient ops ``TanhGrad``/``SigmoidGrad`` and their own gradients
  (second and third order), against finite differences and closed forms;
* gradient functions skip inputs that need no gradient (``skip_input_indices``);
* sum/mean gradients without a reshape, for every axis/keepdims combination;
* several uses of one tensor summed once (``add_n``);
* a variable read again before it changes is one snapshot (and no record).
"""

import numpy as np
import pytest

import stage2_autodiff as tf
from stage1_tensors import dispatch
from stage1_tensors.ops.unary_ops import sigmoid_grad, tanh_grad
from stage2_autodiff.testing import check_gradients

pytestmark = pytest.mark.stage2_task3

SHAPES = [(), (4,), (2, 3)]


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("fn", [tanh_grad, sigmoid_grad], ids=["tanh_grad", "sigmoid_grad"])
def test_fused_gradient_ops_match_finite_differences_to_second_order(rng, fn, shape):
    y = rng.uniform(-0.9, 0.9, size=shape)
    dy = rng.normal(size=shape)
    check_gradients(fn, [y, dy], order=2)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("fn", [tf.tanh, tf.sigmoid], ids=["tanh", "sigmoid"])
def test_tanh_and_sigmoid_match_finite_differences_to_second_order(rng, fn, shape):
    check_gradients(fn, [rng.uniform(-2, 2, size=shape)], order=2)


def _derivatives(fn, x, orders):
    """The first ``orders`` derivatives of elementwise ``fn`` at ``x`` (nested tapes)."""
    x = tf.constant(x)
    tapes = [tf.GradientTape(persistent=True) for _ in range(orders)]
    for t in tapes:
        t.__enter__()
        t.watch(x)
    value = fn(x)
    found = []
    for t in reversed(tapes):
        t.__exit__(None, None, None)
        value = t.gradient(value, x)
        found.append(value)
    return [g.numpy() for g in found]


def test_tanh_first_second_and_third_derivatives_in_closed_form():
    x = np.linspace(-2.0, 2.0, 9)
    t = np.tanh(x)
    d1, d2, d3 = _derivatives(tf.tanh, x, 3)
    np.testing.assert_allclose(d1, 1 - t**2, rtol=1e-12)
    np.testing.assert_allclose(d2, -2 * t * (1 - t**2), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(d3, (1 - t**2) * (6 * t**2 - 2), rtol=1e-12, atol=1e-15)


def test_sigmoid_first_second_and_third_derivatives_in_closed_form():
    x = np.linspace(-3.0, 3.0, 9)
    s = 1 / (1 + np.exp(-x))
    d1, d2, d3 = _derivatives(tf.sigmoid, x, 3)
    np.testing.assert_allclose(d1, s * (1 - s), rtol=1e-12)
    np.testing.assert_allclose(d2, s * (1 - s) * (1 - 2 * s), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(d3, s * (1 - s) * (1 - 6 * s + 6 * s**2), rtol=1e-10,
                               atol=1e-15)


@pytest.mark.internals
def test_tanh_backward_is_one_fused_op():
    x = tf.constant([0.5, -1.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.tanh(x)
    names = []
    with dispatch.observing(lambda op, i, a, o: names.append(op.name)):
        g = tape.gradient(y, x)
    assert names == ["TanhGrad"]
    np.testing.assert_allclose(g.numpy(), 1 - np.tanh([0.5, -1.0]) ** 2, rtol=1e-6)


def _backward_ops(fn, *args, watch):
    tensors = [tf.constant(a) for a in args]
    with tf.GradientTape() as tape:
        tape.watch([tensors[i] for i in watch])
        y = fn(*tensors)
    names = []
    with dispatch.observing(lambda op, i, a, o: names.append(op.name)):
        found = tape.gradient(y, [tensors[i] for i in watch])
    grads = [found[watch.index(i)] if i in watch else None for i in range(len(tensors))]
    return names, grads


@pytest.mark.internals
@pytest.mark.parametrize("watch", [(0,), (1,), (0, 1)])
def test_mul_computes_only_the_gradients_someone_needs(watch):
    names, grads = _backward_ops(lambda a, b: a * b, [1.0, 2.0], [3.0, 4.0], watch=watch)
    assert names.count("Mul") == len(watch)
    want = {0: [3.0, 4.0], 1: [1.0, 2.0]}
    for i in watch:
        np.testing.assert_array_equal(grads[i].numpy(), want[i])


@pytest.mark.internals
@pytest.mark.stage2_task4
@pytest.mark.parametrize("ta,tb", [(False, False), (True, False), (False, True), (True, True)])
@pytest.mark.parametrize("watch", [(0,), (1,), (0, 1)])
def test_matmul_skips_the_product_of_a_constant_input(rng, watch, ta, tb):
    a = rng.normal(size=(3, 2) if ta else (2, 3))
    b = rng.normal(size=(4, 3) if tb else (3, 4))
    fn = lambda x, y: tf.matmul(x, y, transpose_a=ta, transpose_b=tb)
    names, grads = _backward_ops(fn, a, b, watch=watch)
    assert names.count("MatMul") == len(watch)
    check_gradients(fn, [a, b], order=2)


@pytest.mark.internals
@pytest.mark.parametrize("fn", [tf.subtract, tf.divide], ids=["subtract", "divide"])
def test_sub_and_div_with_one_watched_input(rng, fn):
    x, y = rng.uniform(0.5, 2, size=(2, 3)), rng.uniform(0.5, 2, size=(3,))
    for watch in [(0,), (1,)]:
        _, grads = _backward_ops(fn, x, y, watch=watch)
        full = _backward_ops(fn, x, y, watch=(0, 1))[1]
        for i in watch:
            np.testing.assert_allclose(grads[i].numpy(), full[i].numpy())


@pytest.mark.stage2_task4
@pytest.mark.parametrize("reduce", [tf.reduce_sum, tf.reduce_mean], ids=["sum", "mean"])
@pytest.mark.parametrize("axis", [None, 0, -1, (0, 2), (), [1]], ids=str)
@pytest.mark.parametrize("keepdims", [False, True])
def test_sum_and_mean_gradients_for_every_axis_and_keepdims(rng, reduce, axis, keepdims):
    x = rng.normal(size=(2, 3, 4))
    check_gradients(lambda v: reduce(v, axis=axis, keepdims=keepdims) * 1.5, [x], order=2)


@pytest.mark.stage2_task4
@pytest.mark.parametrize("reduce", [tf.reduce_sum, tf.reduce_mean], ids=["sum", "mean"])
def test_sum_and_mean_gradients_of_scalars_and_empty_tensors(reduce):
    for shape in [(), (0,), (2, 0)]:
        x = tf.zeros(shape, dtype=tf.float64)
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = reduce(x)
        g = tape.gradient(y, x)
        assert g.shape == shape


@pytest.mark.stage2_task2
@pytest.mark.parametrize("uses", [2, 3, 7])
def test_a_tensor_used_n_times_gets_all_n_contributions(uses):
    x = tf.constant(2.0, dtype=tf.float64)
    with tf.GradientTape(persistent=True) as outer:
        outer.watch(x)
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = x * x
            total = y
            for k in range(1, uses):
                total = total + y * float(k)
        g = tape.gradient(total, x)        # d/dx (c x^2), c = 1 + 1 + 2 + ...
    c = 1 + sum(range(1, uses))
    assert float(g) == 2 * c * 2.0
    assert float(outer.gradient(g, x)) == 2 * c          # the sum is differentiable


@pytest.mark.internals
@pytest.mark.stage2_task1
def test_reading_a_variable_twice_records_one_read():
    v = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = v * v + v
    assert [r.type for r in tape._records] == ["Mul", "AddV2"]
    assert [len(snapshots) for snapshots in tape._reads.values()] == [1]
    assert float(tape.gradient(y, v)) == 7.0


@pytest.mark.internals
@pytest.mark.stage2_task1
def test_a_variable_assigned_between_reads_is_a_new_read():
    v = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y1 = v * 2.0
        v.assign(5.0)
        y2 = v * v
        total = y1 + y2
    assert [len(snapshots) for snapshots in tape._reads.values()] == [2]
    assert float(tape.gradient(total, v)) == 2.0 + 2 * 5.0
    assert float(total) == 6.0 + 25.0


@pytest.mark.stage2_task6
def test_a_read_shared_by_nested_tapes_reaches_both():
    v = tf.Variable(2.0)
    with tf.GradientTape() as outer:
        a = v * 1.0                           # read while only the outer tape records
        with tf.GradientTape() as inner:
            y = v * v * v                     # read again: the outer's snapshot
        dy = inner.gradient(y, v)
        total = dy + a
    assert float(dy) == 12.0
    assert float(outer.gradient(total, v)) == 12.0 + 1.0


@pytest.mark.stage2_task6
def test_a_read_while_paused_is_recorded_once_the_tape_records_again():
    v = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        with tape.stop_recording():
            ignored = v * 10.0
        y = v * 3.0
    assert float(ignored) == 20.0
    assert float(tape.gradient(y, v)) == 3.0


@pytest.mark.internals
def test_rnn_like_loop_matches_finite_differences(rng):
    wx, wh = rng.normal(size=(3, 4)) * 0.5, rng.normal(size=(4, 4)) * 0.5
    b = rng.normal(size=(4,)) * 0.1
    xs = [tf.constant(rng.normal(size=(2, 3))) for _ in range(4)]

    def rnn(wx, wh, b):
        h = tf.zeros((2, 4), dtype=tf.float64)
        for x in xs:
            h = tf.tanh(tf.matmul(x, wx) + tf.matmul(h, wh) + b)
        return tf.reduce_sum(h)
    check_gradients(rnn, [wx, wh, b], order=1)

    variables = [tf.Variable(a) for a in (wx, wh, b)]
    with tf.GradientTape() as tape:
        loss = rnn(*variables)
    assert [len(snapshots) for snapshots in tape._reads.values()] == [1, 1, 1]
    with tf.GradientTape() as tape:
        tape.watch(xs[0])
        want = rnn(*[tf.constant(a) for a in (wx, wh, b)])
    assert float(loss) == float(want)
