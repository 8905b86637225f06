"""Pictures of what a tape recorded, and of the backward walk over it, drawn from
a real tape as SVG with no tool at all (stage 5 draws its graphs the same way).

``show_tape(tape)`` draws the forward record: the watched tensors at the top,
then one box per recorded op, an arrow for each tensor an op read.
``show_backward(tape, target, sources)`` draws the same record upside down, as
the backward walk visits it: the target first, with gradient 1, then each
op with the gradient that reaches its output, down to the sources. In a
notebook the returned object displays itself; ``str()`` of it is the SVG text.

>>> import stage2_autodiff as tf
>>> from stage2_autodiff.drawing import show_tape, show_backward
>>> x = tf.constant(3.0)
>>> with tf.GradientTape(persistent=True) as tape:
...     tape.watch(x)
...     y = x * x + 2.0 * x
>>> picture = show_tape(tape, names={"x": x})
>>> str(picture).startswith("<svg") and "x = 3" in str(picture) and "Mul" in str(picture)
True
>>> "∂/∂x = 8" in str(show_backward(tape, y, [x], names={"x": x, "y": y}))  # 2x + 2
True
"""

from xml.sax.saxutils import escape

import numpy as np

from .backprop import zeros_for
from .registry import gradient_function

__all__ = ["dag_svg", "show_tape", "show_backward", "Picture"]


class Picture:
    """SVG text that a notebook shows as a picture (``_repr_svg_``)."""

    def __init__(self, svg):
        self.svg = svg

    def _repr_svg_(self):
        return self.svg

    def __str__(self):
        return self.svg

    def __repr__(self):
        return "<Picture: %d bytes of SVG>" % len(self.svg)


def dag_svg(boxes, edges, title=None, rows=None):
    """A directed acyclic graph drawn in rows, top to bottom.

    ``boxes`` lists ``(key, label, fill, emphasised)`` in an order where every
    edge goes from an earlier box to a later one; ``edges`` lists
    ``(from_key, to_key, label_or_None)``. A box's row is one below the lowest
    box it has an edge from, unless ``rows`` ({key: row}) says otherwise. An
    arrow that skips rows bends out to the side, past the boxes.

    >>> from stage2_autodiff.drawing import dag_svg
    >>> svg = dag_svg([("a", "x", "#d6eaf8", False), ("b", "Exp", "#d5f5e3", True)],
    ...               [("a", "b", None)])
    >>> svg.count("<rect"), svg.count("marker-end")     # two boxes, one arrow
    (2, 1)
    """
    row = {}
    sources = {}
    for frm, to, _ in edges:
        sources.setdefault(to, []).append(frm)
    for key, _, _, _ in boxes:
        row[key] = 1 + max((row[s] for s in sources.get(key, ())), default=-1)
    row.update(rows or {})
    in_row = {}
    for key, _, _, _ in boxes:
        in_row.setdefault(row[key], []).append(key)
    box_w, box_h, gap_x, gap_y, pad = 150, 34, 24, 46, 16
    top = pad + (24 if title else 0)
    widest = max((len(r) for r in in_row.values()), default=1)
    width = pad * 2 + widest * box_w + (widest - 1) * gap_x + box_w // 2   # (room for bends)
    height = top + pad + (max(in_row, default=0) + 1) * (box_h + gap_y)
    where = {}
    for r, keys in in_row.items():
        span = len(keys) * box_w + (len(keys) - 1) * gap_x
        x0 = (width - span) / 2
        for i, key in enumerate(keys):
            where[key] = (x0 + i * (box_w + gap_x), top + r * (box_h + gap_y))
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
             'viewBox="0 0 %d %d" font-family="Helvetica, Arial, sans-serif" '
             'font-size="12">' % (width, height, width, height),
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" '
             'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
             '<path d="M 0 0 L 10 5 L 0 10 z" fill="#555"/></marker></defs>']
    if title:
        parts.append('<text x="%d" y="%d" font-weight="bold">%s</text>'
                     % (pad, pad + 12, escape(title)))
    for frm, to, label in edges:
        (sx, sy), (x, y) = where[frm], where[to]
        x1, y1, x2, y2 = sx + box_w / 2, sy + box_h, x + box_w / 2, y - 2
        if row[to] - row[frm] > 1:
            side = max(x1, x2) + box_w * 0.7
            curve = "C %.1f %.1f %.1f %.1f" % (side, y1 + gap_y, side, y2 - gap_y)
        else:
            curve = "C %.1f %.1f %.1f %.1f" % (x1, (y1 + y2) / 2, x2, (y1 + y2) / 2)
        parts.append('<path d="M %.1f %.1f %s %.1f %.1f" fill="none" stroke="#555" '
                     'marker-end="url(#arrow)"/>' % (x1, y1, curve, x2, y2))
        if label:
            parts.append('<text x="%.1f" y="%.1f" font-size="10" fill="#a04000">%s</text>'
                         % ((x1 + x2) / 2 + 6, (y1 + y2) / 2 + 4, escape(label)))
    for key, label, fill, emphasised in boxes:
        x, y = where[key]
        parts.append('<rect x="%.1f" y="%.1f" width="%d" height="%d" rx="8" fill="%s" '
                     'stroke="%s" stroke-width="%s"/>' % (
                         x, y, box_w, box_h, fill, "#1b4f72" if emphasised else "#888",
                         "2.5" if emphasised else "1"))
        if len(label) > 22:
            label = label[:21] + "\u2026"
        parts.append('<text x="%.1f" y="%.1f" text-anchor="middle">%s</text>'
                     % (x + box_w / 2, y + box_h / 2 + 4, escape(label)))
    parts.append("</svg>")
    return "\n".join(parts)


# --- pictures of a tape ------------------------------------------------------------
_TENSOR, _OP, _TARGET = "#d6eaf8", "#d5f5e3", "#fdebd0"


def _value_text(tensor):
    """A tensor in a few characters: its value if it is small, else its type."""
    value = np.asarray(tensor)
    if value.size <= 3:
        flat = ", ".join("%.4g" % v for v in value.ravel().tolist())
        return flat if value.ndim == 0 else "[%s]" % flat
    return "%s%s" % (value.dtype, list(value.shape))


def _record_graph(tape):
    """``(sources, records)``: the tensors the records read that no record made
    (watched tensors, constants, variables), then the records in order."""
    made, sources = set(), []
    for record in tape._records:
        for x in record.inputs:
            if id(x) not in made and all(s is not x for s in sources):
                sources.append(x)
        made.update(id(o) for o in record.outputs)
    return sources, list(tape._records)


def _label_of(tensor, names):
    """The name given for ``tensor``, a variable's own name, or "const"."""
    name = names.get(id(tensor))
    if name is None and hasattr(type(tensor), "assign"):
        name = tensor.name.split(":")[0]
    return name or "const"


def show_tape(tape, names=None, title=None):
    """The forward record of ``tape``: a box per tensor it started from (with its
    value when small), a box per recorded op, arrows for what each op read.

    ``names`` ({"x": x, ...}) labels tensors by the names you gave them.
    """
    names = _names(names)
    sources, records = _record_graph(tape)
    producer = {}
    boxes = [("t%d" % id(s), "%s = %s" % (_label_of(s, names), _value_text(s)),
              _TENSOR, False) for s in sources]
    edges = []
    last = len(records) - 1
    for i, record in enumerate(records):
        key = "op%d" % i
        for x in record.inputs:
            edges.append((producer.get(id(x), "t%d" % id(x)), key, None))
        for o in record.outputs:
            producer[id(o)] = key
        boxes.append((key, "%s → %s" % (record.type, _value_text(record.outputs[0])),
                      _OP, i == last))
    return Picture(dag_svg(boxes, edges, title or "the tape: %d recorded ops" % len(records)))


def show_backward(tape, target, sources, names=None, title=None):
    """The backward walk over ``tape`` from ``target`` to ``sources``: the record
    upside down, each op's box showing the gradient of ``target`` with respect
    to that op's output (as the walk finds it), each arrow into an input.
    ``tape`` must be ``persistent`` (the gradients are asked of it one by one)."""
    if not tape._persistent:
        raise ValueError("show_backward asks the tape for one gradient per op, so it needs "
                         "a persistent tape: tf.GradientTape(persistent=True)")
    names = _names(names)
    records = list(tape._records)
    producer = {id(o): i for i, record in enumerate(records) for o in record.outputs}
    boxes = [("target", "∂/∂%s = 1" % _label_of(target, names), _TARGET, True)]
    edges = []
    if id(target) in producer:
        edges.append(("target", "op%d" % producer[id(target)], None))
    needed = {id(target)}               # tensors whose gradient the walk needs
    for i in reversed(range(len(records))):
        record = records[i]
        outs = [o for o in record.outputs if id(o) in needed]
        if not outs:
            continue                    # the walk never comes here: not on a path
        # What the walk does here: the gradient reaching the op's outputs, turned
        # by the op's gradient function into one contribution per input.
        upstream = [tape.gradient(target, o) for o in record.outputs]
        upstream = [zeros_for(o) if g is None else g for o, g in zip(record.outputs, upstream)]
        backward = record.grad_fn or gradient_function(record.type)
        contributions = backward(record, *upstream) if backward else None
        if not isinstance(contributions, (list, tuple)):
            contributions = [contributions] * len(record.inputs) if len(record.inputs) == 1 \
                else [None] * len(record.inputs)
        boxes.append(("op%d" % i, "%s, grad in %s" % (record.type, _value_text(upstream[0])),
                      _OP, False))
        labels = {}                     # an input read twice (x * x): one arrow, "3 + 3"
        for x, g in zip(record.inputs, contributions):
            needed.add(id(x))
            if g is not None:
                labels.setdefault(id(x), (x, []))[1].append(_value_text(g))
        for x, texts in labels.values():
            if id(x) in producer:
                edges.append(("op%d" % i, "op%d" % producer[id(x)], " + ".join(texts)))
            elif any(x is s for s in sources):
                edges.append(("op%d" % i, "source%d" % id(x), " + ".join(texts)))
    for s, g in zip(sources, tape.gradient(target, list(sources))):
        boxes.append(("source%d" % id(s), "∂/∂%s = %s" % (
            _label_of(s, names), "None" if g is None else _value_text(g)), _TENSOR, True))
    return Picture(dag_svg(boxes, edges, title or "the backward walk"))


def _names(names):
    """{name: tensor} as {id(tensor): name}."""
    return {id(tensor): name for name, tensor in (names or {}).items()}
