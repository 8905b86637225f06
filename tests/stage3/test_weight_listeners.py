"""Layer's extension point ``base_layer.weight_created_listeners``: each listener
hears of every variable ``add_weight`` creates, with the name it was given.

Not graded (a student's Layer may offer another way in); stage 4's checkpoints
use it to fill in values restored before a layer was built.
"""

import pytest

import stage3_layers as tf
from stage3_layers.keras import base_layer

pytestmark = pytest.mark.internals


def test_a_listener_hears_each_new_weight_with_its_name():
    heard = []

    def listener(layer, name, variable):
        heard.append((layer.name, name, tuple(variable.shape),
                      any(v is variable for v in layer._own_weights)))

    base_layer.weight_created_listeners.append(listener)
    try:
        tf.keras.layers.Dense(2, name="listened")(tf.ones([1, 3]))
    finally:
        base_layer.weight_created_listeners.remove(listener)
    assert heard == [("listened", "kernel", (3, 2), True), ("listened", "bias", (2,), True)]


def test_the_names_add_weight_gave_are_kept_in_order():
    layer = tf.keras.layers.BatchNormalization()
    layer(tf.ones([2, 3]))
    assert layer._own_weight_names == ["gamma", "beta", "moving_mean", "moving_variance"]


def test_a_listener_may_assign_the_new_variable():
    def listener(layer, name, variable):
        if name == "kernel":
            variable.assign(tf.fill(variable.shape, 7.0))

    base_layer.weight_created_listeners.append(listener)
    try:
        layer = tf.keras.layers.Dense(1)
        out = layer(tf.ones([1, 2]))
    finally:
        base_layer.weight_created_listeners.remove(listener)
    assert float(out[0, 0]) == 14.0
