"""Showing a graph: as text (``print(concrete.graph)``) and as a picture:
Graphviz ``dot`` text (for ``dot -Tsvg``), or an SVG drawn here with no tool
at all (``to_svg``; a notebook shows a concrete function's ``_repr_svg_``).

>>> import stage5_gpu as tf
>>> f = tf.function(lambda x: tf.exp(x) * 2.0)
>>> dot = f.get_concrete_function(tf.constant(1.0)).to_dot()
>>> print(dot.splitlines()[0])
digraph "<lambda>" {
>>> "Exp" in dot and "->" in dot
True
"""

from stage2_autodiff.drawing import dag_svg

from .graph import _type_text

__all__ = ["to_dot", "to_svg"]

_STYLE = {
    "placeholder": 'shape=box, style="rounded,filled", fillcolor="#d6eaf8"',
    "const": 'shape=box, style=filled, fillcolor="#eeeeee", fontsize=10',
    "read": 'shape=cds, style=filled, fillcolor="#fdebd0"',
    "assign": 'shape=cds, style=filled, fillcolor="#f5b7b1"',
    "op": 'shape=ellipse, style=filled, fillcolor="#d5f5e3"',
}


def _quote(text):
    return '"%s"' % str(text).replace("\\", "\\\\").replace('"', '\\"')


def to_dot(graph):
    """The graph as Graphviz dot text: one box per node, an arrow per Value
    (labelled with its dtype and shape), the outputs as a final box."""
    lines = ["digraph %s {" % _quote(graph.name), "  rankdir=TB;",
             '  node [fontname="Helvetica"]; edge [fontname="Helvetica", fontsize=9];']
    for i, node in enumerate(graph.nodes):
        label = node.label
        if node.kind == "placeholder":
            label = "%s: %s" % (node.outputs[0].name, _type_text(node.outputs[0]))
        elif node.kind == "const":
            label = "Const %s" % _type_text(node.outputs[0])
        lines.append("  n%d [label=%s, %s];" % (i, _quote(label), _STYLE[node.kind]))
    index = {id(node): i for i, node in enumerate(graph.nodes)}
    for i, node in enumerate(graph.nodes):
        for v in node.inputs:
            lines.append("  n%d -> n%d [label=%s];" % (
                index[id(v.node)], i, _quote(_type_text(v))))
    lines.append('  outputs [shape=box, style="rounded,dashed"];')
    for v in graph.outputs:
        lines.append("  n%d -> outputs [label=%s];" % (index[id(v.node)], _quote(v.name)))
    lines.append("}")
    return "\n".join(lines)


_FILL = {"placeholder": "#d6eaf8", "const": "#eeeeee", "read": "#fdebd0",
         "assign": "#f5b7b1", "op": "#d5f5e3"}


def _layers(graph):
    """Each node's row: one below the lowest of its inputs (inputs on row 0)."""
    row = {}
    for node in graph.nodes:
        row[id(node)] = 1 + max((row[id(v.node)] for v in node.inputs), default=-1)
    # A constant sits just above the first node that reads it, not among the inputs.
    above = {}
    for consumer in graph.nodes:
        for v in consumer.inputs:
            if v.node.kind == "const":
                key = id(v.node)
                above[key] = min(above.get(key, row[id(consumer)] - 1), row[id(consumer)] - 1)
    row.update(above)
    return row


def to_svg(graph, title=None):
    """The graph drawn as an SVG picture: one box per node, in rows from the
    inputs down to the outputs, an arrow per Value read (stage 2's ``dag_svg``
    draws it, as it draws tapes).

    >>> import stage5_gpu as tf
    >>> from stage5_gpu.display import to_svg
    >>> f = tf.function(lambda x: tf.exp(x) * 2.0)
    >>> svg = to_svg(f.get_concrete_function(tf.constant(1.0)).graph)
    >>> svg.startswith("<svg") and "Exp" in svg
    True
    """
    outputs = {v.id for v in graph.outputs}
    boxes = []
    for node in graph.nodes:
        label = node.label
        if node.kind == "placeholder":
            label = "%s: %s" % (node.outputs[0].name, _type_text(node.outputs[0]))
        elif node.kind == "const":
            label = "Const %s" % _type_text(node.outputs[0])
        boxes.append((id(node), label, _FILL[node.kind],
                      any(v.id in outputs for v in node.outputs)))
    edges = [(id(v.node), id(node), None) for node in graph.nodes for v in node.inputs]
    return dag_svg(boxes, edges, title, rows=_layers(graph))
