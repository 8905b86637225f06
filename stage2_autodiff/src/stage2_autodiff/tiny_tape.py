"""A whole gradient tape in thirty lines: the idea of ``GradientTape``, for the lecture.

While the ``with`` block runs, the tape is an observer of the dispatcher, so it
sees every op that runs and writes it down. ``gradient`` then walks the record
backwards, from the target to the sources: each op's gradient function turns
the gradient of its outputs into gradients of its inputs, and a tensor used
twice adds up the gradients of both uses.

What the real tape adds on top (``recording.py``, ``backprop.py``): recording
only what depends on a watched tensor (so ``None`` for the rest), variables
watched automatically and read as they were at the time, ``persistent``,
nested tapes and higher order, ``stop_recording``, skipping gradients nobody
needs, and errors that teach. The tests run this tape and the real one on the
same examples and compare the gradients.

>>> import stage2_autodiff as tf
>>> from stage2_autodiff.tiny_tape import TinyTape
>>> x = tf.constant(3.0)
>>> with TinyTape() as tape:
...     y = x * x + 2.0 * x
>>> tape.gradient(y, [x])
[tf.Tensor(8.0, shape=(), dtype=float32)]
"""

from stage1_tensors import dispatch

from .backprop import ones_for, zeros_for
from .recording import RecordedOp
from .registry import gradient_function

__all__ = ["TinyTape"]


# --8<-- [start:tiny]
class TinyTape:
    """Records every op run inside ``with``; ``gradient`` walks them backwards."""

    def __enter__(self):
        self.records = []
        dispatch.add_observer(self.record)          # see every op the dispatcher runs
        return self

    def __exit__(self, *exc):
        dispatch.remove_observer(self.record)

    def record(self, op, inputs, attrs, outputs):
        outputs = tuple(outputs) if isinstance(outputs, list) else (outputs,)
        self.records.append(RecordedOp(op.name, tuple(inputs), outputs, attrs))

    def gradient(self, target, sources):
        grads = {id(target): ones_for(target)}      # d target / d target = 1
        for op in reversed(self.records):           # the backward walk
            upstream = [grads.get(id(out)) for out in op.outputs]
            if all(g is None for g in upstream):
                continue                            # this op does not lead to target
            upstream = [zeros_for(out) if g is None else g
                        for out, g in zip(op.outputs, upstream)]
            backward = gradient_function(op.type)
            if backward is None:
                continue                            # declared not differentiable
            in_grads = backward(op, *upstream)
            if not isinstance(in_grads, (list, tuple)):
                in_grads = (in_grads,)
            for x, g in zip(op.inputs, in_grads):
                if g is not None:                   # a tensor used twice: sum its grads
                    grads[id(x)] = g if id(x) not in grads else grads[id(x)] + g
        return [grads.get(id(source)) for source in sources]
# --8<-- [end:tiny]
