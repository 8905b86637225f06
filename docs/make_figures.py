"""Draws the figures of the docs that code can draw (``make figures``).

Stage 2's pictures of a tape come from a real tape (``drawing.show_tape`` and
``show_backward``), stage 5's graph pictures from the graphs themselves
(``display.to_svg``), so they always show what the code really does. Run after
changing the tape, the tracer, the passes or the drawing, and commit the SVGs.
"""

import pathlib

import stage5_gpu as tf
from stage2_autodiff.drawing import show_backward, show_tape
from stage5_gpu.display import to_svg

HERE = pathlib.Path(__file__).parent


def tape_figures():
    """The stage-2 page's example, y = x * x + 2 * x at x = 3: what the tape
    recorded, and what the backward walk passes along each arrow."""
    x = tf.constant(3.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x + 2.0 * x
    img = HERE / "img"
    img.mkdir(parents=True, exist_ok=True)
    names = {"x": x, "y": y}
    (img / "tape-forward.svg").write_text(
        str(show_tape(tape, names, "y = x * x + 2 * x: what the tape recorded")) + "\n")
    (img / "tape-backward.svg").write_text(
        str(show_backward(tape, y, [x], names, "the backward walk: dy/dx = 2x + 2 = 8")) + "\n")


def busy_figures():
    @tf.function
    def busy(x):
        c = tf.constant(2.0) * 3.0
        a = tf.tanh(x) * c + tf.tanh(x)
        _ = tf.exp(a)
        return tf.transpose(tf.transpose(a)) * 1.0
    concrete = busy.get_concrete_function(tf.ones([2, 3]))
    img = HERE / "stage5" / "img"
    img.mkdir(parents=True, exist_ok=True)
    (img / "busy-traced.svg").write_text(to_svg(concrete.traced_graph, "busy, as traced") + "\n")
    (img / "busy-optimized.svg").write_text(to_svg(concrete.graph, "busy, after the passes") + "\n")


if __name__ == "__main__":
    tape_figures()
    busy_figures()
    print("figures written under", HERE)
