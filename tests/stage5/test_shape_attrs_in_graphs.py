"""Ops that take a shape as a Python value, inside a traced function.

Our ``tf.reshape``, ``tf.zeros``, ``tf.broadcast_to`` ... keep their shape as an
attribute of the op, where TensorFlow passes it as a tensor input; so a shape
that the graph computes (``tf.shape(x)`` under a ``None`` signature) cannot be
given to them. That is a limit of this design, not TensorFlow's behaviour, so
these tests are ``internals`` (not graded): they check that the refusal is a
clear error at the call, and that the ways round it work.
"""

import numpy as np
import pytest

import stage5_gpu as tf

pytestmark = pytest.mark.internals

ROWS = tf.TensorSpec([None, 3], tf.float32)


@pytest.mark.parametrize("make", [
    lambda x: tf.zeros(tf.shape(x)),
    lambda x: tf.ones(tf.shape(x)),
    lambda x: tf.fill(tf.shape(x), 2.0),
    lambda x: tf.broadcast_to(tf.constant(1.0), tf.shape(x)),
    lambda x: tf.reshape(x, [tf.shape(x)[0], 3, 1]),
    lambda x: tf.random.uniform(tf.shape(x)),
], ids=["zeros", "ones", "fill", "broadcast_to", "reshape", "random.uniform"])
def test_a_shape_computed_by_the_graph_is_refused_with_the_way_round(make):
    f = tf.function(make, input_signature=[ROWS])
    with pytest.raises(tf.errors.InvalidArgumentError) as caught:
        f(tf.ones([2, 3]))
    message = str(caught.value)
    assert "not known yet" in message and "zeros_like" in message and "-1" in message
    assert "tf.function" in message        # the symbolic tensor's own reason is kept


def test_the_ways_round_work_for_every_batch_size():
    @tf.function(input_signature=[ROWS])
    def f(x):
        mean = tf.reduce_sum(x) / tf.cast(tf.shape(x)[0], tf.float32)
        return mean, tf.reshape(x, [-1, 1]), tf.zeros_like(x), tf.ones_like(x) * 2.0 + x * 0.0
    for rows in (2, 5):
        x = tf.constant(np.arange(rows * 3, dtype=np.float32).reshape(rows, 3))
        mean, column, zeros, twos = f(x)
        np.testing.assert_allclose(mean.numpy(), x.numpy().sum() / rows)
        assert column.shape == (rows * 3, 1) and zeros.shape == (rows, 3)
        np.testing.assert_array_equal(twos.numpy(), np.full((rows, 3), 2.0, np.float32))
    assert f.experimental_get_tracing_count() == 1


def test_eager_shapes_from_tensors_still_work():
    x = tf.ones([2, 3])
    assert tf.zeros(tf.shape(x)).shape == (2, 3)
    assert tf.reshape(x, [tf.shape(x)[0], 3, 1]).shape == (2, 3, 1)
    with pytest.raises(tf.errors.InvalidArgumentError, match="a shape must be a flat list"):
        tf.zeros([[2], [3]])
