"""The lecture's thirty-line tape (stage2_autodiff/tiny_tape.py) against the real
GradientTape, on the same examples: where both answer, the gradients agree.

Not graded: the tiny tape is teaching material, not a task.
"""

import numpy as np
import pytest

import stage2_autodiff as tf
from stage2_autodiff.tiny_tape import TinyTape

pytestmark = pytest.mark.internals


def both(fn, *sources):
    """The gradients of ``fn(*sources)`` from the tiny tape and from the real one."""
    with TinyTape() as tiny:
        y = fn(*sources)
    tiny_grads = tiny.gradient(y, list(sources))
    with tf.GradientTape() as real:
        for s in sources:
            if not isinstance(s, tf.Variable):
                real.watch(s)
        y = fn(*sources)
    return tiny_grads, real.gradient(y, list(sources))


def assert_same(tiny, real):
    assert len(tiny) == len(real)
    for t, r in zip(tiny, real):
        np.testing.assert_allclose(t.numpy(), r.numpy(), rtol=1e-6, atol=1e-7)


EXAMPLES = {
    "polynomial": (lambda x: x * x * x - 2.0 * x + 1.0, [tf.constant(1.5)]),
    "used twice, through two paths": (lambda x: tf.exp(x) * tf.sin(x) + x,
                                      [tf.constant([0.1, 0.7])]),
    "broadcasting": (lambda x, y: tf.reduce_sum(x * y + y),
                     [tf.constant([1.0, 2.0, 3.0]), tf.constant([[1.0], [2.0]])]),
    "a layer": (lambda x, w, b: tf.reduce_mean(tf.nn.relu(tf.matmul(x, w) + b) ** 2),
                [tf.constant([[1.0, -2.0], [0.5, 3.0]]),
                 tf.constant([[0.3, -0.1, 0.2], [0.4, 0.5, -0.6]]),
                 tf.constant([0.1, 0.0, -0.1])]),
    "softmax cross-entropy": (
        lambda logits: tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=tf.constant([2, 0]), logits=logits)),
        [tf.constant([[1.0, 2.0, 0.5], [0.3, -1.0, 2.0]])]),
    "a branch that does not lead to the target": (
        lambda x: (tf.exp(x), x * 3.0)[1], [tf.constant(2.0)]),
}


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_the_tiny_tape_gives_the_real_tapes_gradients(name):
    fn, sources = EXAMPLES[name]
    assert_same(*both(fn, *sources))


def test_a_variable_is_a_source_like_a_tensor():
    w = tf.Variable([1.0, -2.0])
    assert_same(*both(lambda w: tf.reduce_sum(w * w * 3.0), w))


def test_a_source_that_the_target_does_not_use_gets_none():
    x, unused = tf.constant(1.0), tf.constant(2.0)
    with TinyTape() as tape:
        y = x * 4.0
        unused * 2.0
    grad_x, grad_unused = tape.gradient(y, [x, unused])
    assert float(grad_x) == 4.0 and grad_unused is None
