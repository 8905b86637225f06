"""The stage-1 pictures (stage1_tensors.drawing): a broadcast and the dispatcher's
path of one op, drawn from real tensors and a real call, so the cells and labels
show what the ops computed. Not graded: a teaching helper, not a task."""

import re

import numpy as np
import pytest

import stage1_tensors as tf
from stage1_tensors import dispatch
from stage1_tensors.drawing import (Picture, array_grid, array_grid_svg, document,
                                    flow_svg, show_broadcast, show_dispatch)

pytestmark = pytest.mark.internals


def texts(svg):
    return re.findall(r">([^<>]+)</text>", str(svg))


def cells(svg):
    """The cells' texts, in drawing order: each follows its <rect>."""
    return re.findall(r'<rect [^>]*rx="0"[^>]*/>\n<text [^>]*>([^<>]+)</text>', str(svg))


def test_the_broadcast_grids_hold_the_stretched_inputs_and_the_real_sum():
    column, row = tf.constant([[1.], [2.], [3.]]), tf.constant([10., 20.])
    picture = show_broadcast(column, row, names=("column", "row"))
    assert isinstance(picture, Picture) and picture._repr_svg_() == str(picture)
    shown = cells(picture)
    assert len(shown) == 3 * 6          # three (3, 2) grids
    expected = np.concatenate([np.broadcast_to(column, (3, 2)).ravel(),
                               np.broadcast_to(row, (3, 2)).ravel(),
                               (np.asarray(column) + np.asarray(row)).ravel()])
    assert [float(s) for s in shown] == expected.tolist()
    labels = texts(picture)
    assert "column  (3, 1)" in labels and "row  (2,)" in labels
    assert "read as (1, 2), stretched to (3, 2)" in labels
    assert "<title>broadcasting: (3, 1) + (2,) gives (3, 2)</title>" in str(picture)


def test_the_copies_broadcasting_makes_are_faded_and_the_own_cells_are_not():
    svg = str(show_broadcast(tf.constant([[1.], [2.], [3.]]), tf.constant([10., 20.])))
    faded = svg.count('stroke-dasharray="3 3"')
    assert faded == 3 + 4               # the column's second column, the row's two copies


def test_shapes_that_do_not_broadcast_fail_with_adds_error():
    with pytest.raises(tf.errors.InvalidArgumentError, match="cannot be broadcast"):
        show_broadcast(tf.ones([2, 3]), tf.ones([4]))


def test_a_grid_draws_up_to_two_axes_and_says_how_to_draw_more():
    parts, width, height = array_grid(np.arange(6).reshape(2, 3), 0, 0)
    assert len(parts) == 12 and height == 2 * 26 and width >= 3 * 40
    assert ">5<" in array_grid_svg(np.arange(6).reshape(2, 3))
    assert cells(array_grid_svg(np.float32(2.5))) == ["2.5"]
    assert cells(array_grid_svg(np.array([True, False]))) == ["True", "False"]
    with pytest.raises(ValueError, match="up to 2 axes"):
        array_grid(np.zeros((2, 2, 2)), 0, 0)


def test_the_dispatch_path_is_labelled_from_the_real_op_kernel_and_arrays():
    picture = show_dispatch(tf.multiply, tf.constant([1., 2.]), 2.0)
    labels = texts(picture)
    assert "op Mul, api name multiply; 2 inputs; attrs: none" in labels
    assert "y: 2.0 (a Python float) becomes an array float32 () = 2" in labels
    kernel = tf.registry.get_op("Mul").kernels["CPU"].__name__
    assert any(kernel in label and "CPU" in label for label in labels)
    assert "tf.Tensor([2. 4.], shape=(2,), dtype=float32)" in labels
    assert str(picture).count("<rect") == 7 and str(picture).count("marker-end") == 6


def test_the_dispatch_path_shows_attrs_and_a_check_and_leaves_no_hook_behind():
    redirects = dispatch.active_redirects()
    labels = texts(show_dispatch(tf.concat, [tf.ones([2]), tf.zeros([1])], axis=0))
    assert "op ConcatV2, api name concat; 2 inputs; attrs: axis=0" in labels
    assert any("passed" in label and "check" in label for label in labels)
    assert "x1: a Tensor, its array float32 (1,) = [0] as it is" in labels
    assert dispatch.active_redirects() == redirects
    seen = []
    with dispatch.observing(lambda op, i, a, o: seen.append(op.name)):
        _ = tf.constant(1.0) + 1.0
    assert seen == ["AddV2"]            # the picture's own observer is gone


def test_a_call_that_runs_no_op_cannot_be_drawn():
    with pytest.raises(ValueError, match="ran no op"):
        show_dispatch(lambda: 3)


def test_the_flow_draws_one_box_per_step_and_dashes_the_skipped_rows():
    svg = flow_svg([("a", [("one", ["x"], "#fff"), ("two", [], "#fff")]),
                    ("b", [("one", [], "#fff"), None])])
    assert svg.count("<rect") == 3 and svg.count("marker-end") == 1
    svg = flow_svg([(None, [("one", [], "#fff"), None, ("three", [], "#fff")])])
    assert 'stroke-dasharray="4 3"' in svg and "skipped" in texts(svg)


def test_pictures_are_the_same_bytes_every_time_and_have_a_title():
    draw = lambda: str(show_broadcast(tf.constant([[1.], [2.]]), tf.constant([1., 2., 3.])))
    assert draw() == draw()
    assert document(10, 10, [], "a & b").count("<title>a &amp; b</title>") == 1


def test_bad_calls_fail_with_errors_that_say_what_to_pass():
    with pytest.raises(ValueError, match="two labels"):
        show_broadcast(1.0, 2.0, names="x")
    with pytest.raises(TypeError, match="such as tf.multiply"):
        show_dispatch(3)
    with pytest.raises(ValueError, match="at least one column"):
        flow_svg([])
    assert cells(array_grid_svg(np.array(["a", "b"]))) == ["a", "b"]
