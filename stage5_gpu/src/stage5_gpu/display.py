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
    inputs down to the outputs, an arrow per Value read.

    >>> import stage5_gpu as tf
    >>> from stage5_gpu.display import to_svg
    >>> f = tf.function(lambda x: tf.exp(x) * 2.0)
    >>> svg = to_svg(f.get_concrete_function(tf.constant(1.0)).graph)
    >>> svg.startswith("<svg") and "Exp" in svg
    True
    """
    from xml.sax.saxutils import escape
    row = _layers(graph)
    rows = {}
    for node in graph.nodes:
        rows.setdefault(row[id(node)], []).append(node)
    box_w, box_h, gap_x, gap_y, pad = 150, 34, 24, 46, 16
    top = pad + (24 if title else 0)
    widest = max((len(r) for r in rows.values()), default=1)
    width = pad * 2 + widest * box_w + (widest - 1) * gap_x + box_w // 2   # (room for bends)
    height = top + pad + max(len(rows), 1) * (box_h + gap_y)
    where = {}
    for r, nodes in rows.items():
        span = len(nodes) * box_w + (len(nodes) - 1) * gap_x
        x0 = (width - span) / 2
        for i, node in enumerate(nodes):
            where[id(node)] = (x0 + i * (box_w + gap_x), top + r * (box_h + gap_y))
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
             'viewBox="0 0 %d %d" font-family="Helvetica, Arial, sans-serif" '
             'font-size="12">' % (width, height, width, height),
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" '
             'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
             '<path d="M 0 0 L 10 5 L 0 10 z" fill="#555"/></marker></defs>']
    if title:
        parts.append('<text x="%d" y="%d" font-weight="bold">%s</text>'
                     % (pad, pad + 12, escape(title)))
    for node in graph.nodes:
        x, y = where[id(node)]
        for v in node.inputs:
            sx, sy = where[id(v.node)]
            x1, y1, x2, y2 = sx + box_w / 2, sy + box_h, x + box_w / 2, y - 2
            if row[id(node)] - row[id(v.node)] > 1:
                # An arrow that skips rows bends out to the side, past the boxes.
                side = max(x1, x2) + box_w * 0.7
                curve = "C %.1f %.1f %.1f %.1f" % (side, y1 + gap_y, side, y2 - gap_y)
            else:
                curve = "C %.1f %.1f %.1f %.1f" % (x1, (y1 + y2) / 2, x2, (y1 + y2) / 2)
            parts.append('<path d="M %.1f %.1f %s %.1f %.1f" fill="none" stroke="#555" '
                         'marker-end="url(#arrow)"/>' % (x1, y1, curve, x2, y2))
    outputs = {v.id for v in graph.outputs}
    for node in graph.nodes:
        x, y = where[id(node)]
        label = node.label
        if node.kind == "placeholder":
            label = "%s: %s" % (node.outputs[0].name, _type_text(node.outputs[0]))
        elif node.kind == "const":
            label = "Const %s" % _type_text(node.outputs[0])
        is_output = any(v.id in outputs for v in node.outputs)
        parts.append('<rect x="%.1f" y="%.1f" width="%d" height="%d" rx="8" fill="%s" '
                     'stroke="%s" stroke-width="%s"/>' % (
                         x, y, box_w, box_h, _FILL[node.kind],
                         "#1b4f72" if is_output else "#888", "2.5" if is_output else "1"))
        if len(label) > 22:
            label = label[:21] + "\u2026"
        parts.append('<text x="%.1f" y="%.1f" text-anchor="middle">%s</text>'
                     % (x + box_w / 2, y + box_h / 2 + 4, escape(label)))
    parts.append("</svg>")
    return "\n".join(parts)
