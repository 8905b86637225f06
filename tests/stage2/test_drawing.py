"""The tape pictures (stage2_autodiff.drawing): drawn from a real tape, they show
what it recorded and what the backward walk passes along each arrow. Not graded:
a teaching helper, not a task."""

import re

import pytest

import stage2_autodiff as tf
from stage2_autodiff.drawing import Picture, dag_svg, show_backward, show_tape

pytestmark = pytest.mark.internals


def texts(svg):
    return re.findall(r">([^<>]+)</text>", str(svg))


def recorded():
    x = tf.constant(3.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x + 2.0 * x
    return tape, x, y


def test_the_forward_picture_has_a_box_per_starting_tensor_and_per_op():
    tape, x, _ = recorded()
    picture = show_tape(tape, names={"x": x})
    assert isinstance(picture, Picture) and picture._repr_svg_() == str(picture)
    labels = texts(picture)
    assert "x = 3" in labels and "const = 2" in labels
    assert sorted(l for l in labels if "→" in l) == ["AddV2 → 15", "Mul → 6", "Mul → 9"]
    assert str(picture).count("<rect") == 5


def test_the_backward_picture_shows_what_each_op_passes_to_its_inputs():
    tape, x, y = recorded()
    labels = texts(show_backward(tape, y, [x], names={"x": x, "y": y}))
    assert "∂/∂y = 1" in labels and "∂/∂x = 8" in labels     # 2x + 2 at x = 3
    assert "3 + 3" in labels        # x * x gives x to each of its two uses of x
    assert labels.count("1") == 2   # the sum passes 1 to both products
    assert "2" in labels            # 2 * x gives 2


def test_a_source_off_the_path_gets_none_and_the_tape_must_be_persistent():
    a, b = tf.constant(1.0), tf.constant(2.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([a, b])
        y = a * 4.0
    assert "∂/∂b = None" in texts(show_backward(tape, y, [a, b], names={"a": a, "b": b}))
    with tf.GradientTape() as once:
        once.watch(a)
        y = a * 4.0
    with pytest.raises(ValueError, match="persistent"):
        show_backward(once, y, [a])


def test_rows_follow_the_edges():
    svg = dag_svg([("a", "a", "#fff", False), ("b", "b", "#fff", False),
                   ("c", "c", "#fff", True)], [("a", "b", None), ("b", "c", "x")])
    ys = [float(y) for y in re.findall(r'<rect x="[\d.]+" y="([\d.]+)"', svg)]
    assert ys[0] < ys[1] < ys[2]
    assert "x" in texts(svg)
