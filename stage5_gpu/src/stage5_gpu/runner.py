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

    def __init__(self, graph, outputs=None):
        self.graph = graph
        slot = {}
        for node in graph.nodes:
            for v in node.outputs:
                slot[v.id] = len(slot)
        self.size = len(slot)
        self.template = [None] * self.size      # constants, preset
        self.input_slots = [slot[v.id] for v in graph.inputs]
        self.output_slots = [slot[v.id] for v in (graph.outputs if outputs is None else outputs)]
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
            else:
                kernel = node.op.kernels["CPU"]
                fn = functools.partial(kernel, np, **node.attrs) if node.attrs \
                    else functools.partial(kernel, np)
            if not node.outputs:
                outs = None
            elif node.op is not None and node.op.num_outputs is None or \
                    node.kind == "read":
                outs = slot[node.outputs[0].id]
            else:
                outs = tuple(slot[v.id] for v in node.outputs)
            self.steps.append((fn, ins, outs, node))
        self.source, self._run, self._lines = _generate(self)

    def run(self, feeds):
        """Runs the graph on ``feeds`` (arrays, one per input); returns the
        output arrays.

        It calls the schedule written out as Python source (``self.source``),
        which computes exactly what ``run_steps`` computes: the steps' loop,
        unrolled, with each slot a local variable. On the 50-step RNN of the
        benchmarks (about 700 steps) that costs 0.5 ms instead of 0.8 ms a call.
        """
        try:
            return self._run(*feeds)
        except OpError:
            raise
        except Exception as error:
            step, arrays = self._failed_step(error)
            if step is None:
                raise
            raise _step_failed(step[3], arrays, error) from None

    def run_steps(self, feeds):
        """The plain algorithm: a loop over the steps, reading and writing slots."""
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

    def _failed_step(self, error):
        """The step whose kernel raised ``error`` (found from the traceback's line
        in the generated source) and the arrays it was given; or (None, None)."""
        tb = error.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code is self._run.__code__:
                step = self._lines.get(tb.tb_lineno)
                if step is None:
                    return None, None
                known = dict(tb.tb_frame.f_globals, **tb.tb_frame.f_locals)
                return step, [known.get("s%d" % i) for i in step[1]]
            tb = tb.tb_next
        return None, None


def _literal_attrs(attrs):
    """True when every attribute is a plain Python value whose repr is itself."""
    def plain(value):
        if value is None or type(value) in (bool, int, float, str):
            return True
        if type(value) in (tuple, list):
            return all(plain(v) for v in value)
        return False
    return all(plain(v) for v in attrs.values())


def _generate(schedule):
    """The schedule as the source of a Python function ``run(s0, s1, ...)``: one
    line per step, ``s5 = f3(s2, s4)``; a slot is deleted after its last use, so
    big intermediates are freed as soon as they can be. Returns the source, the
    compiled function and a map from source line to step."""
    names = {"np": np}
    for i, value in enumerate(schedule.template):
        if value is not None:
            names["s%d" % i] = value             # constants: globals of the function
    last_use = {}
    for k, (fn, ins, outs, node) in enumerate(schedule.steps):
        for i in ins:
            last_use[i] = k
    keep = set(schedule.output_slots) | {int(n[1:]) for n in names if n[0] == "s"}
    lines = ["def run(%s):" % ", ".join("s%d" % i for i in schedule.input_slots)]
    line_of_step = {}
    for k, step in enumerate(schedule.steps):
        fn, ins, outs, node = step
        args = ["s%d" % i for i in ins]
        if node.kind == "op" and _literal_attrs(node.attrs):
            # The kernel itself, its attributes written out: no partial to go
            # through (about 40 ns a step, 5% of the RNN benchmark's run).
            names["f%d" % k] = node.op.kernels["CPU"]
            args = ["np"] + args + ["%s=%r" % kv for kv in node.attrs.items()]
        else:
            names["f%d" % k] = fn
        call = "f%d(%s)" % (k, ", ".join(args))
        if outs is None:
            lines.append("    " + call)
        elif type(outs) is int:
            lines.append("    s%d = %s" % (outs, call))
        else:
            targets = ", ".join("s%d" % i for i in outs)
            lines.append("    %s = %s" % (targets + ("," if len(outs) == 1 else ""), call)
                         if outs else "    " + call)
        line_of_step[len(lines)] = step
        dead = sorted({i for i in ins if last_use[i] == k and i not in keep})
        if dead:
            lines.append("    del " + ", ".join("s%d" % i for i in dead))
    lines.append("    return [%s]" % ", ".join("s%d" % i for i in schedule.output_slots))
    source = "\n".join(lines) + "\n"
    code = compile(source, "<schedule of %s>" % schedule.graph.name, "exec")
    exec(code, names)
    return source, names["run"], line_of_step


def _step_failed(node, values, error):
    if node.kind == "op":
        return dispatch.kernel_error(node.op, values, node.attrs, error)
    return error


def compile_graph(graph, outputs=None):
    """The ``Schedule`` that runs ``graph`` and returns the arrays of ``outputs``
    (Values of the graph; by default its outputs).

    >>> from stage5_gpu.graph import Graph
    >>> from stage5_gpu.runner import compile_graph
    >>> compile_graph(Graph("empty")).run([])
    []
    """
    return Schedule(graph, outputs)
