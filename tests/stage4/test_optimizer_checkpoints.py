"""Task 6: an optimizer's slots and step count in a checkpoint (graded with the
checkpoints, after the optimizers of task 3)."""

import numpy as np
import pytest

import stage4_training as tf
from tests.stage4.test_optimizers import GRADS, W0, O, S

pytestmark = pytest.mark.stage4_task6


@pytest.mark.parametrize("optimizer, slots", [
    (O.SGD(0.1), []), (O.SGD(0.1, momentum=0.9), ["momentum"]),
    (O.Adam(), ["m", "v"]), (O.Adam(amsgrad=True), ["m", "v", "vhat"]),
    (O.AdamW(), ["m", "v"]), (O.RMSprop(), ["velocity"]),
    (O.RMSprop(momentum=0.5, centered=True), ["velocity", "momentum", "average_gradient"]),
    (O.Adagrad(), ["accumulator"]),
], ids=lambda x: "" if isinstance(x, list) else type(x).__name__)
def test_slots_are_saved_beside_their_variable(optimizer, slots, tmp_path):
    w = tf.Variable(np.zeros((2, 3)), dtype="float64")
    b = tf.Variable([0.0])
    optimizer.apply_gradients([(tf.constant(GRADS[0]), w), (tf.constant([1.0]), b)])
    assert len(optimizer.variables) == 2 + 2 * len(slots)   # iterations, learning rate, slots
    path = tf.train.Checkpoint(w=w, b=b, optimizer=optimizer).write(str(tmp_path / "c"))
    shapes = dict(tf.train.list_variables(path))
    assert shapes["optimizer/iter"] == []
    for name in slots:
        key = "w/.OPTIMIZER_SLOT/optimizer/" + name
        assert shapes[key] == [2, 3]
        assert tf.train.load_variable(path, key).dtype == np.float64
        assert tf.train.load_variable(path, "b/.OPTIMIZER_SLOT/optimizer/" + name).dtype == np.float32
    assert sum(".OPTIMIZER_SLOT" in key for key in shapes) == 2 * len(slots)
    for slot in optimizer.variables[2:]:
        assert not slot.trainable


@pytest.mark.parametrize("make", [lambda: O.Adam(0.05, amsgrad=True),
                                  lambda: O.RMSprop(0.01, momentum=0.5, centered=True),
                                  lambda: O.SGD(0.1, momentum=0.9, nesterov=True),
                                  lambda: O.Adagrad(0.1),
                                  lambda: O.SGD(S.ExponentialDecay(0.1, 2, 0.5))])
def test_a_checkpoint_mid_training_continues_identically(make, tmp_path):
    w, optimizer = tf.Variable(W0), make()
    for g in GRADS[:2]:
        optimizer.apply_gradients([(tf.constant(g), w)])
    path = tf.train.Checkpoint(w=w, optimizer=optimizer).save(str(tmp_path / "ckpt"))
    fresh_w, fresh = tf.Variable(np.zeros_like(W0)), make()
    status = tf.train.Checkpoint(w=fresh_w, optimizer=fresh).restore(path)
    for g in GRADS[2:]:
        optimizer.apply_gradients([(tf.constant(g), w)])
        fresh.apply_gradients([(tf.constant(g), fresh_w)])
    status.assert_consumed()
    assert int(fresh.iterations) == len(GRADS)
    np.testing.assert_array_equal(fresh_w.numpy(), w.numpy())


def test_tf1_adam_in_a_checkpoint_with_the_global_step(tmp_path):
    w, optimizer, step = tf.Variable(W0), tf.train.AdamOptimizer(0.01), tf.Variable(0, dtype=tf.int64)
    optimizer.apply_gradients([(tf.constant(GRADS[0]), w)], global_step=step)
    path = tf.train.Checkpoint(w=w, optimizer=optimizer, optimizer_step=step).save(
        str(tmp_path / "ckpt"))
    keys = [key for key, _ in tf.train.list_variables(path)]
    assert "optimizer_step" in keys and "w/.OPTIMIZER_SLOT/optimizer/m" in keys
