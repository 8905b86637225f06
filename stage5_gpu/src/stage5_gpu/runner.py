"""Running a graph: a precompiled schedule of kernel calls over numbered slots.

``compile_graph`` turns a graph into a ``Schedule`` once: every Value gets a
slot number; constants are put in their slots ahead of time; every other node
becomes one *step*: a function, the slots it reads and the slots it writes.
``Schedule.run`` then is a single loop, and that loop is all a call of a
traced function costs per op: no conversion, no dtype checks, no observers,
no ``Tensor`` objects for intermediates (compare ``dispatch.execute``).

>>> import numpy as np
>>> import stage5_gpu as tf
>>> from stage5_gpu.runner import compile_graph
>>> from stage5_gpu.tracing import Tracer
>>> with Tracer("f") as tracer:
...     x = tracer.placeholder(tf.constant([1.0, 2.0]))
...     y = x * x + 1.0
>>> tracer.graph.outputs = [y._graph_value]
>>> compile_graph(tracer.graph).run([np.array([3.0, 4.0], np.float32)])
[array([10., 17.], dtype=float32)]
"""

import functools

import numpy as np

from stage1_tensors import dispatch
from stage1_tensors.errors import OpError

__all__ = ["Schedule", "compile_graph"]


def _reader(variable):
    return lambda: variable._value


def _assigner(variable, kernel):
    def assign(value):
        variable._value = kernel(np, variable._value, value)
    return assign


class Schedule:
    """A graph compiled for running (see the module docstring).

    ``steps`` holds ``(fn, input_slots, output_slots, node)`` tuples;
    ``output_slots`` is a tuple for a multi-output op, an int for one output,
    and None for a node without outputs (an assignment).
    """

    def __init__(self, graph):
        self.graph = graph
        slot = {}
        for node in graph.nodes:
            for v in node.outputs:
                slot[v.id] = len(slot)
        self.size = len(slot)
        self.template = [None] * self.size      # constants, preset
        self.input_slots = [slot[v.id] for v in graph.inputs]
        self.output_slots = [slot[v.id] for v in graph.outputs]
        self.steps = []
        for node in graph.nodes:
            if node.kind == "placeholder":
                continue
            if node.kind == "const":
                self.template[slot[node.outputs[0].id]] = node.attrs["value"]
                continue
            ins = tuple(slot[v.id] for v in node.inputs)
            if node.kind == "read":
                fn = _reader(node.attrs["variable"])
            elif node.kind == "assign":
                fn = _assigner(node.attrs["variable"], node.op.kernels["CPU"])
            elif node.kind == "py_function":
                fn = node.attrs["runner"]
            else:
                kernel = node.op.kernels["CPU"]
                fn = functools.partial(kernel, np, **node.attrs) if node.attrs \
                    else functools.partial(kernel, np)
            if not node.outputs:
                outs = None
            elif node.kind == "op" and node.op.num_outputs is None or \
                    node.kind == "read":
                outs = slot[node.outputs[0].id]
            else:
                outs = tuple(slot[v.id] for v in node.outputs)
            self.steps.append((fn, ins, outs, node))

    def run(self, feeds):
        """Runs the graph on ``feeds`` (arrays, one per input); returns the
        output arrays."""
        slots = self.template[:]
        for i, array in zip(self.input_slots, feeds):
            slots[i] = array
        for fn, ins, outs, node in self.steps:
            try:
                result = fn(*[slots[i] for i in ins])
            except OpError:
                raise
            except Exception as error:
                raise _step_failed(node, [slots[i] for i in ins], error) from None
            if type(outs) is int:
                slots[outs] = result
            elif outs is not None:
                for i, r in zip(outs, result):
                    slots[i] = r
        return [slots[i] for i in self.output_slots]


def _step_failed(node, values, error):
    if node.kind == "op":
        return dispatch.kernel_error(node.op, values, node.attrs, error)
    return error


def compile_graph(graph):
    """The ``Schedule`` that runs ``graph``.

    >>> from stage5_gpu.graph import Graph
    >>> from stage5_gpu.runner import compile_graph
    >>> compile_graph(Graph("empty")).run([])
    []
    """
    return Schedule(graph)
