"""Pictures of what a tape recorded, and of the backward walk over it, drawn from
a real tape as SVG with no tool at all (stage 5 draws its graphs the same way).

``show_tape(tape)`` draws the forward record: the watched tensors at the top,
then one box per recorded op, an arrow for each tensor an op read.
``show_backward(tape, target, sources)`` draws the same record upside down, as
the backward walk visits it: the target first, with gradient 1, then each
op with the gradient that reaches its output, down to the sources.
``show_unbroadcast(grad, shapes)`` draws broadcasting in reverse: a gradient
summed back to each input's shape. In a notebook the returned object displays
itself; ``str()`` of it is the SVG text. The boxes, arrows and grids are stage
1's (``stage1_tensors.drawing``).

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

import numpy as np

from stage1_tensors import convert_to_tensor
from stage1_tensors.drawing import (OP, TARGET, TENSOR, Picture, array_grid, array_panel,
                                    arrow, box, document, text, text_width)

from .backprop import zeros_for
from .gradients._broadcast import broadcast_axes, unbroadcast
from .registry import gradient_function

__all__ = ["dag_svg", "show_tape", "show_backward", "show_unbroadcast", "Picture"]


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
    parts = []
    for frm, to, label in edges:
        (sx, sy), (x, y) = where[frm], where[to]
        x1, y1, x2, y2 = sx + box_w / 2, sy + box_h, x + box_w / 2, y - 2
        if row[to] - row[frm] > 1:
            side = max(x1, x2) + box_w * 0.7
            bend = (side, y1 + gap_y, side, y2 - gap_y)
        else:
            bend = (x1, (y1 + y2) / 2, x2, (y1 + y2) / 2)
        parts.append(arrow(x1, y1, x2, y2, bend))
        if label:
            parts.append(text((x1 + x2) / 2 + 6, (y1 + y2) / 2 + 4, label, size=10,
                              fill="#a04000"))
    for key, label, fill, emphasised in boxes:
        x, y = where[key]
        parts.append(box(x, y, box_w, box_h, fill, emphasised))
        if len(label) > 22:
            label = label[:21] + "\u2026"
        parts.append(text(x + box_w / 2, y + box_h / 2 + 4, label, anchor="middle"))
    return document(width, height, parts, title)


# --- pictures of a tape ------------------------------------------------------------
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
              TENSOR, False) for s in sources]
    edges = []
    last = len(records) - 1
    for i, record in enumerate(records):
        key = "op%d" % i
        for x in record.inputs:
            edges.append((producer.get(id(x), "t%d" % id(x)), key, None))
        for o in record.outputs:
            producer[id(o)] = key
        boxes.append((key, "%s → %s" % (record.type, _value_text(record.outputs[0])),
                      OP, i == last))
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
    boxes = [("target", "∂/∂%s = 1" % _label_of(target, names), TARGET, True)]
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
                      OP, False))
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
            _label_of(s, names), "None" if g is None else _value_text(g)), TENSOR, True))
    return Picture(dag_svg(boxes, edges, title or "the backward walk"))


# --- the reverse of broadcasting ----------------------------------------------------
def show_unbroadcast(grad, shapes, names=None, title=None):
    """Broadcasting in reverse, as the backward walk does it: ``grad``, the
    gradient of a broadcast result, summed back to each input's shape by
    ``unbroadcast`` (which every broadcasting op's gradient calls). An input
    that was stretched along an axis used each of its values once per copy,
    so its gradient adds up the copies. ``names`` label the inputs.

    >>> import stage2_autodiff as tf
    >>> from stage2_autodiff.drawing import show_unbroadcast
    >>> g = tf.constant([[1., 2.], [3., 4.], [5., 6.]])
    >>> svg = str(show_unbroadcast(g, [(3, 1), (2,)], names=["x", "y"]))
    >>> ">3<" in svg and ">12<" in svg, "summed over axis 0" in svg    # 1 + 2; 2 + 4 + 6
    (True, True)
    """
    grad = convert_to_tensor(grad)
    try:
        shapes = [tuple(int(d) for d in s) for s in shapes]
    except TypeError:
        raise TypeError("show_unbroadcast: shapes lists one shape per input, such as "
                        "[(3, 1), (2,)]; got %r" % (shapes,)) from None
    names = list(names or ["input %d" % (i + 1) for i in range(len(shapes))])
    grad_shape = tuple(grad.shape.as_list())
    for shape in shapes:
        if len(shape) > len(grad_shape) or any(
                d not in (1, g) for d, g in zip(shape[::-1], grad_shape[::-1])):
            raise ValueError("show_unbroadcast: an input of shape %s cannot have been "
                             "broadcast to the gradient's shape %s (compared from the last "
                             "axis, each size must be equal or 1)" % (shape, grad_shape))
    title = title or "unbroadcast: the %s gradient summed back to %s" % (
        grad_shape, " and ".join(str(s) for s in shapes))
    top = 16 + 24
    left, left_w, left_h = array_panel(grad, 16, top, "gradient of the result  %s" % (
        grad_shape,), "one value per element of the result", TARGET)
    _, grid_w, grid_h = array_grid(grad, 0, 0)
    start = (16 + (left_w + grid_w) / 2 + 2, top + 22 + grid_h / 2)
    gap = 40 + max(text_width(_summed(grad_shape, s), 11) for s in shapes)
    x, y, parts, widest = 16 + left_w + gap, top, list(left), 0
    for name, shape in zip(names, shapes):
        summed = unbroadcast(grad, shape)
        panel, width, height = array_panel(
            summed, x, y, "∂/∂%s  %s" % (name, shape), _first_sum(grad, shape, summed),
            TARGET)
        _, w, h = array_grid(summed, 0, 0)
        end = (x + (width - w) / 2 - 4, y + 22 + h / 2)
        middle = (start[0] + end[0]) / 2
        parts += panel + [
            arrow(*start, *end, bend=(middle, start[1], middle, end[1])),
            text(end[0] - 4, end[1] - 6, _summed(grad_shape, shape), anchor="end",
                 size=11, fill="#a04000")]
        y, widest = y + height + 18, max(widest, width)
    height = max(top + left_h, y - 18) + 16
    width = max(x + widest, text_width(title, bold=True) + 16) + 16
    return Picture(document(width, height, parts, title))


def _first_sum(grad, shape, summed):
    """``3 = 1 + 2``: the first value of ``summed`` and the copies it adds up."""
    axes = broadcast_axes(tuple(grad.shape.as_list()), shape)
    if not axes:
        return "passed on as it is"
    copies = np.asarray(grad)[tuple(slice(None) if a in axes else 0
                                    for a in range(len(grad.shape)))].ravel().tolist()
    terms = " + ".join("%.4g" % v for v in copies[:4]) + (" + …" if len(copies) > 4 else "")
    return "%.4g = %s" % (np.asarray(summed).ravel()[0], terms)


def _summed(grad_shape, shape):
    axes = broadcast_axes(grad_shape, shape)
    if not axes:
        return "nothing to sum"
    return "summed over axis %s" % ", ".join(str(a) for a in axes) if len(axes) == 1 \
        else "summed over axes %s" % ", ".join(str(a) for a in axes)


def _names(names):
    """{name: tensor} as {id(tensor): name}."""
    return {id(tensor): name for name, tensor in (names or {}).items()}
