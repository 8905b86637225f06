"""The picture of a layer's lazy build (stage3_layers.drawing.show_build), drawn
from a real layer's two first calls: the weights' real names and shapes, the ops
that ran. Not graded: a teaching helper, not a task."""

import re

import pytest

import stage3_layers as tf
from stage3_layers.drawing import show_build
from stage3_layers.keras import base_layer

pytestmark = pytest.mark.internals


def texts(svg):
    return re.findall(r">([^<>]+)</text>", str(svg))


def test_the_first_call_builds_the_weights_the_layer_really_has():
    layer = tf.keras.layers.Dense(3, name="drawn")
    labels = texts(show_build(layer, tf.ones([2, 4])))
    for variable in layer.weights:
        assert "%s  shape %s  float32" % (variable.name, tuple(variable.shape)) in labels
    assert [tuple(v.shape) for v in layer.weights] == [(4, 3), (3,)]
    assert "build((2, 4))" in labels and "layer.built is False" in labels
    assert labels.count("ops: MatMul, BiasAdd") == 2
    assert labels.count("returns float32 (2, 3)") == 2
    assert "its initializer ran: Zeros" in labels      # the bias starts at zero
    assert "skipped" in labels


def test_a_built_layer_is_refused_and_no_listener_is_left_behind():
    listeners = list(base_layer.weight_created_listeners)
    layer = tf.keras.layers.Dense(2)
    show_build(layer, tf.ones([1, 3]))
    assert base_layer.weight_created_listeners == listeners
    with pytest.raises(ValueError, match="already built"):
        show_build(layer, tf.ones([1, 3]))


def test_only_a_layer_can_be_drawn():
    with pytest.raises(TypeError, match="Keras layer"):
        show_build(3, tf.ones([1, 2]))
