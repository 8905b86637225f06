"""Showing a graph: as text (``print(concrete.graph)``) and as a picture
(Graphviz ``dot`` text, which ``dot -Tsvg`` or the docs render).

>>> import stage5_gpu as tf
>>> f = tf.function(lambda x: tf.exp(x) * 2.0)
>>> dot = f.get_concrete_function(tf.constant(1.0)).to_dot()
>>> print(dot.splitlines()[0])
digraph "<lambda>" {
>>> "Exp" in dot and "->" in dot
True
"""

from .graph import _type_text

__all__ = ["to_dot"]

_STYLE = {
    "placeholder": 'shape=box, style="rounded,filled", fillcolor="#d6eaf8"',
    "const": 'shape=box, style=filled, fillcolor="#eeeeee", fontsize=10',
    "read": 'shape=cds, style=filled, fillcolor="#fdebd0"',
    "assign": 'shape=cds, style=filled, fillcolor="#f5b7b1"',
    "op": 'shape=ellipse, style=filled, fillcolor="#d5f5e3"',
    "py_function": 'shape=hexagon, style=filled, fillcolor="#e8daef"',
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
