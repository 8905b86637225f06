"""Gradients of tf.nn ops against finite differences (float64), first and second order."""

import numpy as np
import pytest

import stage2_autodiff as tf
from stage2_autodiff.testing import check_gradients

pytestmark = pytest.mark.stage2_task5


def _away_from_kinks(rng, shape, kinks=(0.0,), margin=0.05):
    """Random values at least ``margin`` away from the points where an op bends."""
    x = np.asarray(rng.standard_normal(shape) * 3)
    for k in kinks:
        near = np.abs(x - k) < margin
        x[near] = k + np.where(x[near] >= k, margin, -margin) * 2
    return x


ACTIVATIONS = {
    "relu": (tf.nn.relu, (0.0,)),
    "relu6": (tf.nn.relu6, (0.0, 6.0)),
    "leaky_relu": (lambda x: tf.nn.leaky_relu(x, alpha=0.3), (0.0,)),
    "elu": (tf.nn.elu, (0.0,)),
    "selu": (tf.nn.selu, (0.0,)),
    "gelu": (tf.nn.gelu, ()),
    "gelu_tanh": (lambda x: tf.nn.gelu(x, approximate=True), ()),
    "softplus": (tf.nn.softplus, ()),
    "softsign": (tf.nn.softsign, (0.0,)),
}

# relu's second derivative is 0 (away from the kink) and so is leaky_relu's
SECOND_ORDER = {"elu", "selu", "gelu", "gelu_tanh", "softplus", "softsign", "relu",
                "leaky_relu", "relu6"}


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
@pytest.mark.parametrize("shape", [(), (5,), (2, 3)])
def test_activation_gradients(name, shape, rng):
    fn, kinks = ACTIVATIONS[name]
    x = _away_from_kinks(rng, shape, kinks)
    check_gradients(fn, [x], order=2 if name in SECOND_ORDER else 1)


def test_relu_family_at_the_kink_follows_tf():
    x = tf.constant([0.0, 6.0, -0.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        ys = [tf.nn.relu(x), tf.nn.relu6(x), tf.nn.leaky_relu(x, 0.1), tf.nn.elu(x)]
    grads = [tape.gradient(y, x).numpy().tolist() for y in ys]
    assert grads[0] == [0.0, 1.0, 0.0]        # relu'(0) = 0
    assert grads[1] == [0.0, 0.0, 0.0]        # relu6 passes only inside (0, 6)
    np.testing.assert_allclose(grads[2], [0.1, 1.0, 0.1])
    assert grads[3] == [1.0, 1.0, 1.0]        # elu is smooth at 0: e^0 = 1


def test_activation_gradients_keep_float32():
    x = tf.constant([-1.0, 2.0])
    for fn, _ in ACTIVATIONS.values():
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = fn(x)
        assert tape.gradient(y, x).dtype == tf.float32


@pytest.mark.parametrize("shape,axis", [((4,), -1), ((2, 3), 0), ((2, 3), -1), ((2, 3, 2), 1)])
@pytest.mark.parametrize("fn", [tf.nn.softmax, tf.nn.log_softmax])
def test_softmax_gradients_second_order(fn, shape, axis, rng):
    check_gradients(lambda x: fn(x, axis=axis), [rng.standard_normal(shape)], order=2)


def test_softmax_gradient_is_finite_for_huge_logits():
    x = tf.constant([[1000.0, 0.0, -1000.0]], tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.nn.log_softmax(x)
    assert np.isfinite(tape.gradient(y, x).numpy()).all()


@pytest.mark.parametrize("shape", [(), (4,), (2, 3)])
def test_sigmoid_cross_entropy_gradients(shape, rng):
    labels = rng.uniform(size=shape)
    logits = rng.standard_normal(shape) * 3
    check_gradients(lambda z, x: tf.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x),
                    [labels, logits], order=2)


@pytest.mark.parametrize("shape,axis", [((4,), -1), ((3, 4), -1), ((3, 4), 0), ((2, 3, 2), 1)])
def test_softmax_cross_entropy_gradients(shape, axis, rng):
    # labels need not sum to 1: the rule uses the exact formula
    labels = rng.uniform(size=shape)
    logits = rng.standard_normal(shape)
    check_gradients(lambda z, x: tf.nn.softmax_cross_entropy_with_logits(
        labels=z, logits=x, axis=axis), [labels, logits], order=2)


def test_softmax_cross_entropy_logit_gradient_is_softmax_minus_labels():
    labels = tf.constant([[0.0, 1.0, 0.0]], tf.float64)
    logits = tf.constant([[1.0, 2.0, 3.0]], tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(logits)
        loss = tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    np.testing.assert_allclose(tape.gradient(loss, logits).numpy(),
                               (tf.nn.softmax(logits) - labels).numpy())


@pytest.mark.parametrize("shape", [(4,), (3, 4), (2, 2, 3)])
def test_sparse_softmax_cross_entropy_gradients(shape, rng):
    labels = rng.integers(0, shape[-1], size=shape[:-1]).astype(np.int32)
    logits = rng.standard_normal(shape)
    check_gradients(lambda x: tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=labels, logits=x), [logits], order=2)


@pytest.mark.parametrize("shape", [(), (5,), (2, 3)])
def test_relu_grad_gradients(shape, rng):
    # relu_grad(g, y) is linear in g; y only picks where g passes (no gradient)
    y = _away_from_kinks(rng, shape)
    check_gradients(lambda g, y: tf.nn.relu_grad(g, y), [rng.standard_normal(shape), y],
                    order=2)


@pytest.mark.parametrize("shape", [(4,), (3, 4), (2, 2, 3)])
def test_sparse_softmax_cross_entropy_grad_gradients(shape, rng):
    labels = rng.integers(0, shape[-1], size=shape[:-1]).astype(np.int64)
    check_gradients(lambda g, x: tf.nn.sparse_softmax_cross_entropy_with_logits_grad(
        g, labels, x), [rng.standard_normal(shape[:-1]), rng.standard_normal(shape)], order=2)


def test_sparse_softmax_cross_entropy_third_order(rng):
    # d^3/dx^3 of the loss runs the fused op's gradient through its own gradient
    labels = np.array([2, 0])
    logits = tf.constant(rng.standard_normal((2, 3)))
    v = tf.constant(rng.standard_normal((2, 3)))
    with tf.GradientTape() as t3:
        t3.watch(logits)
        with tf.GradientTape() as t2:
            t2.watch(logits)
            with tf.GradientTape() as t1:
                t1.watch(logits)
                loss = tf.reduce_sum(tf.nn.sparse_softmax_cross_entropy_with_logits(
                    labels=labels, logits=logits))
            g1 = tf.reduce_sum(t1.gradient(loss, logits) * v)
        g2 = tf.reduce_sum(t2.gradient(g1, logits) * v)
    got = t3.gradient(g2, logits).numpy()

    def second(x):       # the same directional second derivative, by hand
        p = np.exp(x - x.max(-1, keepdims=True))
        p /= p.sum(-1, keepdims=True)
        hv = (v.numpy() - (v.numpy() * p).sum(-1, keepdims=True)) * p
        return (hv * v.numpy()).sum()
    x0, eps = logits.numpy(), 1e-6
    numeric = np.zeros_like(x0)
    for idx in np.ndindex(*x0.shape):
        d = np.zeros_like(x0)
        d[idx] = eps
        numeric[idx] = (second(x0 + d) - second(x0 - d)) / (2 * eps)
    np.testing.assert_allclose(got, numeric, rtol=1e-5, atol=1e-7)


def test_sparse_labels_get_no_gradient():
    labels = tf.constant([1, 0])
    logits = tf.constant([[0.0, 1.0], [2.0, 0.5]])
    with tf.GradientTape() as tape:
        tape.watch([labels, logits])
        loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    d_labels, d_logits = tape.gradient(loss, [labels, logits])
    assert d_labels is None
    assert d_logits.shape == (2, 2)


@pytest.mark.parametrize("shape,data_format", [((3, 4), None), ((2, 3, 4, 5), "NHWC"),
                                               ((2, 3, 4, 5), "NCHW"), ((2, 3, 4), "NCW")])
def test_bias_add_gradients(shape, data_format, rng):
    channels = shape[1] if data_format and data_format.startswith("NC") else shape[-1]
    check_gradients(lambda v, b: tf.nn.bias_add(v, b, data_format=data_format),
                    [rng.standard_normal(shape), rng.standard_normal(channels)], order=2)


@pytest.mark.parametrize("shape,data_format", [((3, 4), None), ((2, 3, 4, 5), "NHWC"),
                                               ((2, 3, 4, 5), "NCHW")])
def test_bias_add_grad_gradients(shape, data_format, rng):
    check_gradients(lambda g: tf.nn.bias_add_grad(g, data_format=data_format),
                    [rng.standard_normal(shape)], order=2)


def test_composite_gradients(rng):
    # l2_normalize, moments and dropout have no rule of their own: the tape sees their parts.
    check_gradients(lambda x: tf.nn.l2_normalize(x, axis=-1), [rng.standard_normal((2, 3))],
                    order=2)
    check_gradients(lambda x: tf.nn.moments(x, axes=[0]), [rng.standard_normal((4, 3))],
                    order=2)
    x = tf.constant(np.ones((20,)))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.nn.dropout(x, rate=0.5, seed=1)
    # the gradient is the mask, scaled: 0 where dropped, 1/(1-rate) where kept
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), y.numpy())


def test_every_nn_op_has_a_gradient_rule():
    from stage1_tensors.ops import activation_ops, conv_ops, nn_ops, pooling_ops
    from stage2_autodiff.registry import is_differentiable
    for module in (activation_ops, nn_ops, conv_ops, pooling_ops):
        for value in vars(module).values():
            if type(value).__name__ == "Op":
                assert is_differentiable(value.name), value.name
