"""Draws the figures of the docs that code can draw (``make figures``).

Every picture is drawn from real objects, so it always shows what the code
really does: stage 1's broadcast from ``tf.add`` and ``broadcast_to``, and the
dispatcher's path from a real call (``stage1_tensors.drawing``); stage 2's
pictures of a tape from a real tape and unbroadcast from the real
``unbroadcast`` (``stage2_autodiff.drawing``); stage 3's lazy build from a real
``Dense`` layer (``stage3_layers.drawing``); stage 5's graph pictures from the
graphs themselves (``display.to_svg``). Run after changing any of them, and
commit the SVGs (the same code draws the same bytes every run).
"""

import pathlib

import stage5_gpu as tf
from stage1_tensors.drawing import show_broadcast, show_dispatch
from stage2_autodiff.drawing import show_backward, show_tape, show_unbroadcast
from stage3_layers.drawing import show_build
from stage5_gpu.display import to_svg

HERE = pathlib.Path(__file__).parent
IMG = HERE / "img"


def write(path, picture):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(str(picture) + "\n", encoding="utf-8")


def broadcast_figures():
    """Stage 1's broadcasting example, a (3, 1) column plus a (2,) row, and its
    reverse in stage 2: a (3, 2) gradient summed back to both shapes."""
    column, row = tf.constant([[1.], [2.], [3.]]), tf.constant([10., 20.])
    write(IMG / "broadcast.svg", show_broadcast(column, row, names=("column", "row")))
    grad = tf.constant([[1., 2.], [3., 4.], [5., 6.]])
    write(IMG / "unbroadcast.svg", show_unbroadcast(grad, [column.shape, row.shape],
                                                    names=["column", "row"]))


def dispatch_figure():
    """Stage 1's dispatcher section: the path of ``tf.constant([1., 2.]) * 2.0``,
    on the CPU (stage 1's device) even where stage 5 would pick a GPU."""
    with tf.device("/CPU:0"):
        write(IMG / "dispatch.svg", show_dispatch(
            tf.multiply, tf.constant([1., 2.]), 2.0,
            title="the dispatcher's path of tf.constant([1., 2.]) * 2.0"))


def build_figure():
    """Stage 3's lazy building: a Dense(3) layer called twice on a (2, 4) batch."""
    write(IMG / "lazy-build.svg", show_build(tf.keras.layers.Dense(3, name="dense"),
                                             tf.ones([2, 4])))


def tape_figures():
    """The stage-2 page's example, y = x * x + 2 * x at x = 3: what the tape
    recorded, and what the backward walk passes along each arrow."""
    x = tf.constant(3.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x + 2.0 * x
    names = {"x": x, "y": y}
    write(IMG / "tape-forward.svg",
          show_tape(tape, names, "y = x * x + 2 * x: what the tape recorded"))
    write(IMG / "tape-backward.svg",
          show_backward(tape, y, [x], names, "the backward walk: dy/dx = 2x + 2 = 8"))


def busy_figures():
    @tf.function
    def busy(x):
        c = tf.constant(2.0) * 3.0
        a = tf.tanh(x) * c + tf.tanh(x)
        _ = tf.exp(a)
        return tf.transpose(tf.transpose(a)) * 1.0
    concrete = busy.get_concrete_function(tf.ones([2, 3]))
    img = HERE / "stage5" / "img"
    write(img / "busy-traced.svg", to_svg(concrete.traced_graph, "busy, as traced"))
    write(img / "busy-optimized.svg", to_svg(concrete.graph, "busy, after the passes"))


if __name__ == "__main__":
    broadcast_figures()
    dispatch_figure()
    build_figure()
    tape_figures()
    busy_figures()
    print("figures written under", HERE)
