"""Turning timings into a terminal table and into sections of ``RESULTS.md``.

``RESULTS.md`` mixes generated tables with hand-written analysis. Only the text
between a stage's markers (``<!-- stage1:begin -->`` ... ``<!-- stage1:end -->``)
and the machine block is rewritten, so running one stage refreshes that stage
and leaves the other stages and all the prose alone.
"""

import re

from timing import format_seconds

__all__ = ["terminal_table", "markdown_section", "update_results"]

_LABELS = {"numpy": "NumPy", "ours": "ours", "torch": "PyTorch",
           "tensorflow": "TensorFlow"}
_PEERS = ("torch", "tensorflow")

_SKELETON = """# Benchmark results

Produced by `python bench/run.py --write` (or `make bench` to just print them).
Times are medians over interleaved repeats; every ratio is against the
implementation named in its column, measured in the same run.

<!-- machine:begin -->
<!-- machine:end -->
"""


def _label(label):
    return _LABELS.get(label, label)


def _columns(results):
    """The implementation labels present in any case, baseline first."""
    labels = []
    for case, timings in results:
        if timings is None:
            continue
        for label in ["numpy", "ours"] + [k for k in timings if k not in ("numpy", "ours")]:
            if label in timings and label not in labels:
                labels.append(label)
    return labels


def _rows(results):
    """(case name, {label: cell text}, ours/numpy ratio text, [outcomes])."""
    rows = []
    for case, timings in results:
        if timings is None:
            rows.append((case.name, {}, "skipped", [case.reason]))
            continue
        cells = {label: format_seconds(t.median) for label, t in timings.items()}
        base = timings["numpy"].median
        ratio = "%.2fx" % (timings["ours"].median / base) if "ours" in timings else "-"
        rows.append((case.name, cells, ratio, [t.judge(timings) for t in case.targets]))
    return rows


def terminal_table(title, results):
    """A plain-text table for the terminal."""
    labels = _columns(results)
    header = ["case"] + [_label(label) for label in labels] + ["ours/NumPy"]
    lines = [header]
    for name, cells, ratio, _ in _rows(results):
        lines.append([name] + [cells.get(label, "-") for label in labels] + [ratio])
    widths = [max(len(row[i]) for row in lines) for i in range(len(header))]
    text = [title, "=" * len(title)]
    for row in lines:
        text.append("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w)
                              for i, (cell, w) in enumerate(zip(row, widths))))
    for name, _, _, outcomes in _rows(results):
        for outcome in outcomes:
            text.append("  * %s -- %s" % (name, outcome))
    return "\n".join(text)


def markdown_section(title, results, notes, date):
    """The generated Markdown for one stage: a table, the targets, the notes."""
    labels = _columns(results)
    peers = [p for p in _PEERS if p in labels]
    # Like against like: with a "function" column (stage 5), TensorFlow's numbers
    # are its tf.function, so they are set against our traced graph, not eager.
    ours_for = {p: "function" if p == "tensorflow" and "function" in labels else "ours"
                for p in peers}
    header = (["case"] + [_label(label) for label in labels] + ["ours / NumPy"]
              + ["%s / %s" % (ours_for[p], _label(p)) for p in peers] + ["spread"])
    out = ["## %s" % title, "", "Measured %s. *spread*: the largest interquartile "
           "range of the case's repeats, relative to their median." % date, "",
           "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for (case, timings), (name, cells, ratio, _) in zip(results, _rows(results)):
        peer_ratios = ["%.2fx" % (timings[ours_for[p]].median / timings[p].median)
                       if timings and p in timings and ours_for[p] in timings else "-"
                       for p in peers]
        spread = ("%.0f%%" % (100 * max(t.spread for t in timings.values()))
                  if timings else "-")
        out.append("| " + " | ".join([name] + [cells.get(label, "-") for label in labels]
                                      + [ratio] + peer_ratios + [spread]) + " |")
    targets = [(name, o) for name, _, _, outcomes in _rows(results)
               for o in outcomes if not isinstance(o, str)]
    if targets:
        out += ["", "Targets:", ""]
        for name, outcome in targets:
            mark = "MET" if outcome.met else ("n/a" if outcome.ratio is None else "MISSED")
            if "inconclusive" in outcome.verdict:
                mark += "?"
            out.append("- **%s** %s (%s)" % (mark, outcome, name))
    skipped = [(name, o[0]) for name, _, ratio, o in _rows(results) if ratio == "skipped"]
    all_notes = ["%s: skipped, %s" % s for s in skipped] + list(notes)
    for case, timings in results:
        all_notes += ["%s: %s" % (case.name, n) for n in getattr(case, "notes", [])]
    if all_notes:
        out += ["", "Notes:", ""] + ["- %s" % n for n in all_notes]
    return "\n".join(out)


def update_results(path, key, section, machine_rows):
    """Replaces stage ``key``'s block and the machine block in the file at ``path``."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        text = _SKELETON
    machine = "\n".join(["| | |", "|---|---|"]
                        + ["| %s | %s |" % row for row in machine_rows])
    text = _replace_block(text, "machine", "## Machine\n\n" + machine)
    text = _replace_block(text, key, section)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def _replace_block(text, key, body):
    begin, end = "<!-- %s:begin -->" % key, "<!-- %s:end -->" % key
    block = "%s\n%s\n%s" % (begin, body, end)
    pattern = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.S)
    if pattern.search(text):
        return pattern.sub(lambda _: block, text)
    return text.rstrip("\n") + "\n\n" + block + "\n"
