"""Draws the figures of the docs that code can draw (``make figures``).

Stage 5's graph pictures come from the graphs themselves (``display.to_svg``),
so they always show what the code really does. Run after changing the tracer,
the passes or the drawing, and commit the SVGs.
"""

import pathlib

import stage5_gpu as tf
from stage5_gpu.display import to_svg

HERE = pathlib.Path(__file__).parent


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
    busy_figures()
    print("figures written under", HERE)
