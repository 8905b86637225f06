"""Pictures of what stage 1 does, drawn as SVG from real tensors and real op calls.

``show_broadcast(x, y)`` draws a broadcast: each input as a grid of cells with
its values, stretched to the result's shape (the stretched copies faded), and
the sum that ``tf.add`` really computed. ``show_dispatch(fn, *args)`` calls
``fn(*args)`` and draws the steps ``dispatch.execute`` took for the op it ran,
labelled from the real op, kernel and arrays. In a notebook the returned
``Picture`` displays itself; ``str()`` of it is the SVG text.

The same few primitives (``document``, ``box``, ``text``, ``arrow``,
``array_grid``, ``flow_svg``) draw every picture of the course, so later stages
draw theirs (a tape, a graph, a layer's build) with the same fonts and colours.

>>> import stage1_tensors as tf
>>> from stage1_tensors.drawing import show_broadcast, show_dispatch
>>> picture = show_broadcast(tf.constant([[1.], [2.], [3.]]), tf.constant([10., 20.]))
>>> str(picture).startswith("<svg") and ">23<" in str(picture)      # 3 + 20
True
>>> "_multiply" in str(show_dispatch(tf.multiply, tf.constant([1., 2.]), 2.0))
True
"""

from xml.sax.saxutils import escape

import numpy as np

from . import dispatch
from .backends import backend_of
from .convert import convert_to_tensor
from .ops.array_ops import broadcast_to
from .ops.binary_ops import add
from .tensor import Tensor

__all__ = ["Picture", "document", "box", "text", "arrow", "text_width", "array_grid",
           "array_panel", "array_grid_svg", "flow_svg", "show_broadcast", "show_dispatch",
           "TENSOR", "OP", "TARGET"]

# The course's colours: tensors blue, ops green, targets and gradients orange.
TENSOR, OP, TARGET = "#d6eaf8", "#d5f5e3", "#fdebd0"
_LINE, _EDGE, _EMPHASIS, _FADED_TEXT = "#555", "#888", "#1b4f72", "#a6acaf"
_PAD = 16


class Picture:
    """SVG text that a notebook shows as a picture (``_repr_svg_``).

    >>> from stage1_tensors.drawing import Picture
    >>> Picture("<svg/>")
    <Picture: 6 bytes of SVG>
    """

    def __init__(self, svg):
        self.svg = svg

    def _repr_svg_(self):
        return self.svg

    def __str__(self):
        return self.svg

    def __repr__(self):
        return "<Picture: %d bytes of SVG>" % len(self.svg)


# --- primitives ----------------------------------------------------------------------
def document(width, height, parts, title=None):
    """A whole SVG picture of ``width`` x ``height`` holding ``parts`` (SVG
    elements as text). ``title`` is both its ``<title>`` (what a screen reader
    says) and a bold heading at the top left (leave room: 24 pixels).

    >>> from stage1_tensors.drawing import document
    >>> print(document(40, 20, ['<circle cx="10" cy="10" r="5"/>'], "a dot"))  # doctest: +ELLIPSIS
    <svg xmlns="http://www.w3.org/2000/svg" width="40" height="20" ...>
    <title>a dot</title>
    ...
    <circle cx="10" cy="10" r="5"/>
    </svg>
    """
    head = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
            'viewBox="0 0 %d %d" font-family="Helvetica, Arial, sans-serif" '
            'font-size="12">' % (width, height, width, height)]
    if title:
        head.append("<title>%s</title>" % escape(title))
    head.append('<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" '
                'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
                '<path d="M 0 0 L 10 5 L 0 10 z" fill="%s"/></marker></defs>' % _LINE)
    if title:
        head.append(text(_PAD, _PAD + 12, title, bold=True))
    return "\n".join(head + list(parts) + ["</svg>"])


def box(x, y, width, height, fill, emphasised=False, faded=False, rounded=8):
    """A rectangle: a thick dark border when ``emphasised``, a dashed pale one
    when ``faded``.

    >>> from stage1_tensors.drawing import box
    >>> svg = box(0, 0, 10, 10, "#fff", emphasised=True)
    >>> svg.startswith('<rect x="0.0" y="0.0" width="10"'), 'stroke-width="2.5"' in svg
    (True, True)
    """
    stroke, weight = (_EMPHASIS, "2.5") if emphasised else (_EDGE, "1")
    dash = ' stroke-dasharray="3 3"' if faded else ""
    return ('<rect x="%.1f" y="%.1f" width="%d" height="%d" rx="%d" fill="%s" '
            'stroke="%s" stroke-width="%s"%s/>' % (x, y, width, height, rounded, fill,
                                                   "#c8ccce" if faded else stroke,
                                                   weight, dash))


def text(x, y, words, anchor=None, size=None, fill=None, bold=False):
    """Text at ``(x, y)`` (its baseline); ``anchor="middle"`` centres it on ``x``.

    >>> from stage1_tensors.drawing import text
    >>> text(5, 10, "a < b", anchor="middle")
    '<text x="5.0" y="10.0" text-anchor="middle">a &lt; b</text>'
    """
    style = "".join((' text-anchor="%s"' % anchor if anchor else "",
                     ' font-size="%s"' % size if size else "",
                     ' fill="%s"' % fill if fill else "",
                     ' font-weight="bold"' if bold else ""))
    return '<text x="%.1f" y="%.1f"%s>%s</text>' % (x, y, style, escape(str(words)))


def arrow(x1, y1, x2, y2, bend=None, dashed=False):
    """An arrow from ``(x1, y1)`` to ``(x2, y2)``; ``bend`` is the cubic
    curve's two control points ``(cx1, cy1, cx2, cy2)`` (else it is straight).

    >>> from stage1_tensors.drawing import arrow
    >>> arrow(0, 0, 0, 10)
    '<path d="M 0.0 0.0 L 0.0 10.0" fill="none" stroke="#555" marker-end="url(#arrow)"/>'
    """
    way = "C %.1f %.1f %.1f %.1f" % bend if bend else "L"
    return ('<path d="M %.1f %.1f %s %.1f %.1f" fill="none" stroke="%s"%s '
            'marker-end="url(#arrow)"/>' % (x1, y1, way, x2, y2, _LINE,
                                            ' stroke-dasharray="4 3"' if dashed else ""))


def text_width(words, size=12, bold=False):
    """About how many pixels ``words`` take in the pictures' font (an estimate
    from the length: no font is measured, so every run draws the same picture).

    >>> from stage1_tensors.drawing import text_width
    >>> text_width("abcde"), text_width("abcde", bold=True)
    (35, 38)
    """
    return int(round(len(str(words)) * size * (0.63 if bold else 0.58)))


# --- arrays as grids of cells -------------------------------------------------------
_CELL_H = 26


def _cell_text(v):
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, (complex, np.complexfloating)):
        return "%.3g%+.3gj" % (v.real, v.imag)
    if isinstance(v, (int, float, np.number)):
        return "%.4g" % v
    return str(v)                   # a string, an object: as Python prints it


def _own_cell(index, own, shape):
    """Whether cell ``index`` of an array broadcast from ``own`` to ``shape`` is
    one of the array's own cells (not a copy that broadcasting made)."""
    own = (1,) * (len(shape) - len(own)) + tuple(own)
    return all(i == 0 or o == s for i, o, s in zip(index, own, shape))


def array_grid(value, x, y, fill=TENSOR, own_shape=None):
    """SVG parts drawing ``value`` (0-, 1- or 2-D) as a grid of cells with its
    values, its top left corner at ``(x, y)``; returns ``(parts, width, height)``.

    ``own_shape`` says that ``value`` is an array of that shape broadcast to
    ``value.shape``: the cells broadcasting copied are drawn faded.

    >>> import numpy as np
    >>> from stage1_tensors.drawing import array_grid
    >>> parts, width, height = array_grid(np.array([[1, 2], [1, 2]]), 0, 0, own_shape=(2,))
    >>> len(parts), sum("dasharray" in p for p in parts), height     # 4 cells, 2 copies
    (8, 2, 52)
    """
    value = np.asarray(value)
    if value.ndim > 2:
        raise ValueError("array_grid draws arrays of up to 2 axes (rows of cells), got "
                         "shape %s; draw one 2-D slice at a time, e.g. x[0]"
                         % (value.shape,))
    table = value.reshape((1,) * (2 - value.ndim) + value.shape)
    shape = value.shape
    labels = [[_cell_text(v) for v in row] for row in table.tolist()]
    cell_w = max([40] + [text_width(s) + 14 for row in labels for s in row])
    parts = []
    for r, row in enumerate(labels):
        for c, label in enumerate(row):
            index = (r, c)[2 - value.ndim:]
            own = own_shape is None or _own_cell(index, own_shape, shape)
            cx, cy = x + c * cell_w, y + r * _CELL_H
            parts.append(box(cx, cy, cell_w, _CELL_H, fill if own else "#f8f9f9",
                             faded=not own, rounded=0))
            parts.append(text(cx + cell_w / 2, cy + _CELL_H / 2 + 4, label, anchor="middle",
                              fill=None if own else _FADED_TEXT))
    return parts, cell_w * table.shape[1], _CELL_H * table.shape[0]


def array_panel(value, x, y, heading, caption=None, fill=TENSOR, own_shape=None):
    """``array_grid`` with a bold heading above it and a caption below, centred
    on each other: ``(parts, width, height)``; the grid's top is at ``y + 22``.

    >>> from stage1_tensors.drawing import array_panel
    >>> parts, width, height = array_panel([1.5, 2.0], 0, 0, "x  (2,)", "a caption")
    >>> parts[0]
    '<text x="40.0" y="12.0" text-anchor="middle" font-weight="bold">x  (2,)</text>'
    >>> height                                   # heading, one row of cells, caption
    70
    """
    _, grid_w, grid_h = array_grid(value, 0, 0)
    width = max(grid_w, text_width(heading, bold=True), text_width(caption or "", 11))
    parts = [text(x + width / 2, y + 12, heading, anchor="middle", bold=True)]
    cells, _, _ = array_grid(value, x + (width - grid_w) / 2, y + 22, fill, own_shape)
    parts += cells
    if caption:
        parts.append(text(x + width / 2, y + 22 + grid_h + 16, caption, anchor="middle",
                          size=11, fill="#444"))
    return parts, width, 22 + grid_h + (22 if caption else 0)


def array_grid_svg(value, title=None):
    """One array as a picture: a grid of cells with its values.

    >>> import stage1_tensors as tf
    >>> from stage1_tensors.drawing import array_grid_svg
    >>> svg = array_grid_svg(tf.constant([[1, 2, 3], [4, 5, 6]]), "x")
    >>> svg.count("<rect"), ">6<" in svg
    (6, True)
    """
    value = np.asarray(value)
    top = _PAD + (24 if title else 0)
    parts, width, height = array_panel(value, _PAD, top, "shape %s" % (value.shape,))
    width = max(width, text_width(title or "", bold=True))
    return document(width + 2 * _PAD, top + height + _PAD, parts, title)


def _stretch_caption(own, shape):
    if own == shape:
        return "already %s" % (shape,)
    if len(own) < len(shape):
        padded = (1,) * (len(shape) - len(own)) + own
        return "read as %s, stretched to %s" % (padded, shape)
    return "stretched to %s" % (shape,)


def show_broadcast(x, y, names=("x", "y"), title=None):
    """The broadcast in ``x + y``, computed by the real ``add``: both inputs
    stretched to the result's shape (the cells broadcasting copies drawn
    faded), then the sum. ``names`` label the two inputs.

    >>> import stage1_tensors as tf
    >>> from stage1_tensors.drawing import show_broadcast
    >>> svg = str(show_broadcast(tf.constant([[1.], [2.]]), tf.constant([10., 20., 30.])))
    >>> ">32<" in svg, "read as (1, 3), stretched to (2, 3)" in svg
    (True, True)
    """
    if isinstance(names, str) or len(names) != 2:
        raise ValueError("show_broadcast: names are two labels, one per input, such as "
                         "('x', 'y'); got %r" % (names,))
    x, y = convert_to_tensor(x), convert_to_tensor(y)
    total = add(x, y)           # shapes that do not broadcast fail here, with add's error
    shape = tuple(total.shape.as_list())
    a, b = names
    panels = [(broadcast_to(x, shape), "%s  %s" % (a, tuple(x.shape.as_list())),
               _stretch_caption(tuple(x.shape.as_list()), shape), TENSOR, x.shape.as_list()),
              "+",
              (broadcast_to(y, shape), "%s  %s" % (b, tuple(y.shape.as_list())),
               _stretch_caption(tuple(y.shape.as_list()), shape), TENSOR, y.shape.as_list()),
              "=",
              (total, "%s + %s  %s" % (a, b, shape), "computed by tf.add", OP, None)]
    title = title or "broadcasting: %s + %s gives %s" % (
        tuple(x.shape.as_list()), tuple(y.shape.as_list()), shape)
    top, left, parts, height = _PAD + 24, _PAD, [], 0
    for panel in panels:
        if isinstance(panel, str):      # a "+" or "=" between two grids
            parts.append(text(left + 10, top + 22 + _CELL_H * _rows(shape) / 2 + 7, panel,
                              anchor="middle", size=20))
            left += 20 + 12
            continue
        value, heading, caption, fill, own = panel
        cells, width, h = array_panel(np.asarray(value), left, top, heading, caption, fill, own)
        parts += cells
        left, height = left + width + 12, max(height, h)
    legend = "faded cells: copies that broadcasting makes of a size-1 or missing axis"
    parts.append(text(_PAD, top + height + 18, legend, size=11, fill="#444"))
    width = max(left - 12, text_width(title, bold=True), text_width(legend, 11)) + _PAD
    return Picture(document(width + _PAD, top + height + 18 + _PAD, parts, title))


def _rows(shape):
    return shape[0] if len(shape) == 2 else 1


# --- boxes in a column: a flow of steps ----------------------------------------------
_LINE_H, _GAP_Y, _GAP_X = 16, 24, 28


def flow_svg(columns, title=None):
    """Steps drawn as boxes top to bottom, an arrow from each to the next, in one
    or more columns side by side (two runs of something, to compare).

    ``columns`` lists ``(heading, steps)``; a step is ``(name, lines, fill)``:
    ``name`` in bold, then each of ``lines`` below it. A step of ``None`` leaves
    its row empty in that column, and the arrow across it is dashed ("skipped").

    >>> from stage1_tensors.drawing import flow_svg
    >>> svg = flow_svg([("run", [("start", ["x = 1"], "#fff"), None, ("end", [], "#fff")])])
    >>> svg.count("<rect"), svg.count("marker-end"), svg.count("dasharray")
    (2, 1, 1)
    """
    if not columns or not all(any(steps) for _, steps in columns):
        raise ValueError("flow_svg: give at least one column, each a (heading, steps) "
                         "pair with at least one step (name, lines, fill); got %r"
                         % (columns,))
    rows = max(len(steps) for _, steps in columns)
    heights = [max(10 + _LINE_H * (1 + len(steps[r][1])) if r < len(steps) and steps[r]
                   else 0 for _, steps in columns) for r in range(rows)]
    widths = [max([text_width(heading or "", bold=True)] + [
        20 + max([text_width(s[0], bold=True)] + [text_width(line) for line in s[1]])
        for s in steps if s])
        for heading, steps in columns]
    headed = any(heading for heading, _ in columns)
    top = _PAD + (24 if title else 0) + (22 if headed else 0)
    parts, left = [], _PAD
    for (heading, steps), width in zip(columns, widths):
        if heading:
            parts.append(text(left + width / 2, top - 10, heading, anchor="middle", bold=True))
        y, below, skipped = top, None, False
        for r in range(rows):
            step = steps[r] if r < len(steps) else None
            if step is None:
                skipped = True
            else:
                name, lines, fill = step
                if below is not None:
                    parts.append(arrow(left + width / 2, below, left + width / 2, y - 2,
                                       dashed=skipped))
                if below is not None and skipped:
                    parts.append(text(left + width / 2 + 6, (below + y) / 2, "skipped",
                                      size=11, fill="#a04000"))
                parts.append(box(left, y, width, heights[r] - 6, fill))
                parts.append(text(left + 10, y + 18, name, bold=True))
                for i, line in enumerate(lines):
                    parts.append(text(left + 10, y + 18 + _LINE_H * (i + 1), line))
                below, skipped = y + heights[r] - 6, False
            y += heights[r] + _GAP_Y
        left += width + _GAP_X
    width = max(left - _GAP_X + _PAD, text_width(title or "", bold=True) + 2 * _PAD)
    return document(width, top + sum(heights) + _GAP_Y * (rows - 1) + _PAD, parts, title)


# --- the dispatcher's path ------------------------------------------------------------
def _values_text(value):
    """A small array's values as a nested list, numbers as the grids show them."""
    if value.ndim == 0:
        return _cell_text(value[()])
    return "[%s]" % ", ".join(_values_text(v) for v in value)


def _array_text(value):
    """``float32 (2,) = [1, 2]``: dtype, shape and, when small, the values."""
    value = np.asarray(value)
    shown = " = %s" % _values_text(value) if value.size <= 4 else ""
    return "%s %s%s" % (value.dtype, value.shape, shown)


def _input_text(name, raw, seen):
    """How one input went in, and what the kernel got for it."""
    if isinstance(raw, Tensor):     # its array goes in as it is
        return "%s: a Tensor, its array %s as it is" % (name, _array_text(seen))
    return "%s: %r (a Python %s) becomes an array %s" % (
        name, raw, type(raw).__name__, _array_text(seen))


def _input_names(op, raw):
    """The op's names for its inputs (``x``, ``y``), or ``x0, x1 ...`` for a list."""
    return list(op.inputs) if len(op.inputs) == len(raw) else [
        "x%d" % i for i in range(len(raw))]


def _short(raw):
    return "<%s %s>" % (raw.dtype.name, tuple(raw.shape)) if isinstance(raw, Tensor) \
        else repr(raw)


def _record_one_op(fn, args, kwargs):
    """Calls ``fn``; returns ``(op, raw inputs, attrs, inputs the kernel saw,
    result)`` for the first op it ran, and how many ops it ran."""
    calls = []

    def handler(op, inputs, attrs):
        seen = []
        with dispatch.observing(lambda op, tensors, attrs, outputs: seen.append(tensors)):
            result = dispatch.run_eagerly(op, inputs, attrs)
        calls.append((op, inputs, attrs, seen[0], result))
        return result

    with dispatch.redirect(handler):
        fn(*args, **kwargs)
    if not calls:
        raise ValueError("show_dispatch: %s(...) ran no op, so there is no dispatch to "
                         "draw; pass a function that runs one, e.g. tf.multiply"
                         % getattr(fn, "__name__", fn))
    return calls[0], len(calls)


def show_dispatch(fn, *args, title=None, **kwargs):
    """Calls ``fn(*args, **kwargs)`` and draws the path ``dispatch.execute`` took
    for the (first) op it ran: convert the inputs, check, pick the kernel for
    the device, run it, wrap the result, tell the observers. Every label comes
    from the real call: the op, its kernel, the arrays in and out.

    >>> import stage1_tensors as tf
    >>> from stage1_tensors.drawing import show_dispatch
    >>> svg = str(show_dispatch(tf.multiply, tf.constant([1., 2.]), 2.0))
    >>> "y: 2.0 (a Python float) becomes an array float32 () = 2" in svg, "Mul" in svg
    (True, True)
    """
    if not callable(fn):
        raise TypeError("show_dispatch: the first argument is the function to call, such "
                        "as tf.multiply, then its arguments; got %r" % (fn,))
    (op, raw, attrs, tensors, result), count = _record_one_op(fn, args, kwargs)
    raw = raw[0] if op.variadic else raw
    values = [np.asarray(t) for t in tensors]
    outputs = result if isinstance(result, (list, tuple)) else [result]
    backend = backend_of((tensors[0] if tensors else outputs[0])._value)
    device = backend.device_type
    kernel = op.kernels.get(device, op.kernels.get("any"))
    kernel_name = getattr(kernel, "__name__", repr(kernel))
    check = getattr(op.check, "__name__", None)
    shown_attrs = ", ".join("%s=%r" % kv for kv in sorted(attrs.items())) or "none"
    steps = [
        ("%s(...) calls execute(%s, inputs, attrs)" % (getattr(fn, "__name__", "fn"), op.name),
         ["op %s, api name %s; %d input%s; attrs: %s" % (
             op.name, op.api_name, len(raw), "" if len(raw) == 1 else "s", shown_attrs)],
         TENSOR),
        ("1. convert the inputs to arrays (convert.op_inputs)",
         [_input_text(n, r, v) for n, r, v in zip(_input_names(op, raw), raw, values)]
         + ["the dtypes fit %s's contract; all inputs are on %s" % (op.name, device)],
         TENSOR),
        ("2. run the op's check",
         ["%s(values, attrs) passed" % check if check else "%s has no check" % op.name],
         OP),
        ("3. pick the kernel for device type %s" % device,
         ["op.kernels[%r] is %s (kernels for: %s)" % (device, kernel_name,
                                                      ", ".join(sorted(op.kernels)))],
         OP),
        ("3. run it", ["%s(%s, %s) returned an array %s" % (
            kernel_name, backend.xp.__name__, ", ".join(_input_names(op, raw)),
            _array_text(np.asarray(outputs[0])) if outputs else "list")], OP),
        ("4. wrap the array in a Tensor", [repr(o).replace("\n", " ") for o in outputs[:2]],
         TARGET),
        ("5. tell the observers", ["each gets (op, input tensors, attrs, outputs):",
                                   "a GradientTape (stage 2) records the op here"], TARGET),
    ]
    title = title or "the dispatcher's path of one op: %s(%s) runs %s%s" % (
        getattr(fn, "__name__", "fn"), ", ".join(_short(r) for r in raw), op.name,
        "" if count == 1 else " (the first of the %d ops it ran)" % count)
    return Picture(flow_svg([(None, steps)], title))
