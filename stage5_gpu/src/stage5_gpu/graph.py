"""The graph: a small IR that a traced function is recorded into.

A ``Graph`` is a list of ``Node``\\ s in the order the Python function ran them.
Each node produces ``Value``\\ s (its outputs); its inputs are Values of earlier
nodes. That is all a graph is: ops, the Values they read, their attributes,
and each Value's shape and dtype.

Node kinds:

* ``placeholder``: an input of the function, fed when the graph runs;
* ``const``: a constant array (a tensor made outside, a Python number);
* ``read``: reads a captured ``Variable`` (by reference: its value *when the
  graph runs*);
* ``op``: a registered op, run with its kernel;
* ``assign``: gives a captured variable a new value (a side effect).

An op may be *stateful* (``Op.stateful``): random numbers, Python called from
the graph (``py_function``), ``tf.print``, a ``cond`` or ``while_loop`` whose
branches may assign. Passes keep such nodes and their order.

>>> import numpy as np
>>> from stage1_tensors import registry
>>> from stage5_gpu.graph import Graph
>>> g = Graph("double")
>>> x = g.placeholder((2,), np.dtype("float32"))
>>> y = g.add_op(registry.get_op("AddV2"), [x, x], {}, [((2,), np.dtype("float32"))])[0]
>>> g.outputs = [y]
>>> print(g)
graph double(x0: float32[2]) -> (v1)
  v1 = AddV2(x0, x0)    # float32[2]
"""

import numpy as np

__all__ = ["Graph", "Node", "Value"]


class Value:
    """One tensor of the graph: output ``index`` of ``node``, with its static
    ``shape`` (a tuple; ``None`` marks a dimension known only when the graph
    runs) and NumPy ``dtype``."""

    __slots__ = ("node", "index", "shape", "dtype", "id")

    def __init__(self, node, index, shape, dtype, id):
        self.node = node
        self.index = index
        self.shape = tuple(shape)
        self.dtype = np.dtype(dtype)
        self.id = id

    @property
    def name(self):
        return ("x%d" if self.node.kind == "placeholder" else "v%d") % self.id

    def __repr__(self):
        return "<Value %s %s>" % (self.name, _type_text(self))


class Node:
    """One step of the graph: ``kind`` (see the module), the registered ``op``
    (for ``op`` and ``assign`` nodes), ``inputs`` (Values), ``attrs`` (a dict; a
    ``const`` holds its array in ``attrs["value"]``, a ``read`` or ``assign``
    its variable in ``attrs["variable"]``) and ``outputs`` (Values)."""

    __slots__ = ("kind", "op", "inputs", "attrs", "outputs")

    def __init__(self, kind, op, inputs, attrs):
        self.kind = kind
        self.op = op
        self.inputs = list(inputs)
        self.attrs = attrs
        self.outputs = []

    @property
    def stateful(self):
        """True when the node has a side effect or a result that is not a function
        of its inputs (reads, assignments, stateful ops such as random numbers
        and Python calls): an optimiser must keep it, in its place, and never
        merge or precompute it."""
        return self.kind in ("read", "assign") or (
            self.op is not None and self.op.stateful)

    @property
    def label(self):
        if self.kind == "op":
            if self.op.name.startswith("Fused_"):     # (passes.fuse_elementwise)
                return "Fused[%s]" % self.op.api_name[len("fused["):-1]
            return self.op.name
        if self.kind == "assign":
            return "%s[%s]" % (self.op.name, self.attrs["variable"].name)
        if self.kind == "read":
            return "ReadVariableOp[%s]" % self.attrs["variable"].name
        if self.kind == "const":
            return "Const"
        return self.kind

    def __repr__(self):
        return "<Node %s>" % self.label


class Graph:
    """A traced function's graph: ``nodes`` in program order, ``inputs`` (the
    placeholders' Values, in argument order) and ``outputs`` (the Values the
    function returns, flattened)."""

    def __init__(self, name):
        self.name = name
        self.nodes = []
        self.inputs = []
        self.outputs = []
        self._count = 0

    # --- building ---------------------------------------------------------------
    def _new_value(self, node, index, shape, dtype):
        value = Value(node, index, shape, dtype, self._count)
        self._count += 1
        node.outputs.append(value)
        return value

    def add_node(self, kind, op, inputs, attrs, output_types):
        """Appends a node; ``output_types`` lists ``(shape, dtype)`` per output.
        Returns the new node's output Values."""
        node = Node(kind, op, inputs, attrs)
        for i, (shape, dtype) in enumerate(output_types):
            self._new_value(node, i, shape, dtype)
        self.nodes.append(node)
        return node.outputs

    def add_op(self, op, inputs, attrs, output_types):
        return self.add_node("op", op, inputs, attrs, output_types)

    def _new_value_for(self, node):
        """A copy of placeholder ``node`` in this graph (used by passes), keeping
        its Value's number."""
        old = node.outputs[0]
        value = self.add_node("placeholder", None, [], {}, [(old.shape, old.dtype)])[0]
        value.id = old.id
        self.inputs.append(value)
        return value

    def placeholder(self, shape, dtype):
        value = self.add_node("placeholder", None, [], {}, [(shape, dtype)])[0]
        self.inputs.append(value)
        return value

    def constant(self, array):
        array = np.asarray(array) if not hasattr(array, "shape") else array
        return self.add_node("const", None, [], {"value": array},
                             [(array.shape, array.dtype)])[0]

    def renumber(self):
        """Numbers the Values in node order again (after passes removed some), so
        a printed graph reads v1, v2, ... without gaps."""
        count = 0
        for node in self.nodes:
            for v in node.outputs:
                v.id = count
                count += 1
        self._count = count

    # --- reading ----------------------------------------------------------------
    def op_nodes(self):
        """The nodes that compute something (not placeholders or constants)."""
        return [n for n in self.nodes if n.kind not in ("placeholder", "const")]

    def consumers(self):
        """Value id -> the nodes that read it."""
        users = {}
        for node in self.nodes:
            for v in node.inputs:
                users.setdefault(v.id, []).append(node)
        return users

    def __str__(self):
        return format_graph(self)

    def __repr__(self):
        return "<Graph %s: %d nodes>" % (self.name, len(self.nodes))


def _type_text(value):
    dims = ",".join("?" if d is None else str(d) for d in value.shape)
    return "%s[%s]" % (value.dtype.name, dims)


def _attr_text(node):
    shown = []
    for key, attr in node.attrs.items():
        if key in ("value", "variable", "func", "concrete"):
            continue
        shown.append("%s=%r" % (key, attr))
    return (", " if shown else "") + ", ".join(shown)


def format_graph(graph):
    """The graph as text: one line per node, ``v3 = MatMul(x0, v2)  # float32[2,2]``."""
    signature = ", ".join("%s: %s" % (v.name, _type_text(v)) for v in graph.inputs)
    outputs = ", ".join(v.name for v in graph.outputs)
    lines = ["graph %s(%s) -> (%s)" % (graph.name, signature, outputs)]
    for node in graph.nodes:
        if node.kind == "placeholder":
            continue
        args = ", ".join(v.name for v in node.inputs) + _attr_text(node)
        if node.kind == "const":
            array = node.attrs["value"]
            args = np.array2string(np.asarray(array), threshold=6, separator=" ") \
                if np.size(array) <= 6 else "<%d values>" % np.size(array)
        results = ", ".join(v.name for v in node.outputs)
        types = ", ".join(_type_text(v) for v in node.outputs)
        line = "%s%s(%s)" % (results + " = " if results else "", node.label, args)
        lines.append("  %-20s  # %s" % (line, types) if types else "  " + line)
    return "\n".join(lines)
