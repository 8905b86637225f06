"""The picture of unbroadcast (stage2_autodiff.drawing.show_unbroadcast): the
gradient of a broadcast sum drawn back into each input's shape, with the values
that the tape's own gradient gives. Not graded: a teaching helper, not a task."""

import re

import numpy as np
import pytest

import stage2_autodiff as tf
from stage2_autodiff.drawing import show_unbroadcast

pytestmark = pytest.mark.internals


def cells(svg):
    return re.findall(r'<rect [^>]*rx="0"[^>]*/>\n<text [^>]*>([^<>]+)</text>', str(svg))


def test_the_summed_grids_hold_the_gradients_the_tape_computes():
    x, y = tf.constant([[1.], [2.], [3.]]), tf.constant([10., 20.])
    upstream = tf.constant([[1., 2.], [3., 4.], [5., 6.]])
    with tf.GradientTape() as tape:
        tape.watch([x, y])
        z = x + y
    dx, dy = tape.gradient(z, [x, y], output_gradients=upstream)
    svg = str(show_unbroadcast(upstream, [x.shape, y.shape], names=["x", "y"]))
    shown = [float(v) for v in cells(svg)]
    expected = np.concatenate([np.ravel(upstream), np.ravel(dx), np.ravel(dy)])
    assert shown == expected.tolist()
    assert "summed over axis 1" in svg and "summed over axis 0" in svg
    assert "3 = 1 + 2" in svg and "9 = 1 + 3 + 5" in svg
    assert "<title>unbroadcast: the (3, 2) gradient summed back to (3, 1) and (2,)</title>" in svg


def test_a_shape_that_was_not_broadcast_is_passed_on_and_a_wrong_one_refused():
    svg = str(show_unbroadcast(tf.ones([2, 2]), [(2, 2), ()]))
    assert "nothing to sum" in svg and "summed over axes 0, 1" in svg
    with pytest.raises(ValueError, match="cannot have been broadcast"):
        show_unbroadcast(tf.ones([2, 3]), [(4,)])


def test_shapes_must_be_lists_of_sizes():
    with pytest.raises(TypeError, match="one shape per input"):
        show_unbroadcast(tf.ones([2, 3]), [3])
