"""The task tables of the docs pages, generated from the manifests.

>>> from grading.manifest import find
>>> print(task_table(find(1)).splitlines()[0])
| task | what you build | where the code is | run it |
"""

import collections

__all__ = ["task_table"]


# How the manifest's selectors read in a table.
_SHOWN = {"@kernels": "every op kernel (`@Op.kernel`)",
          "@gradients": "every gradient (`@RegisterGradient`)"}


def _where(task):
    """``module`` -> the names it holds, for the 'where the code is' column."""
    by_module = collections.OrderedDict()
    for entry in task.implement:
        module, _, qualname = entry.partition(":")
        by_module.setdefault(module, []).append(qualname)
    parts = []
    for module, names in by_module.items():
        path = module.split(".", 1)[-1].replace(".", "/") + ".py"
        shown = ", ".join(_SHOWN.get(n, "`%s`" % n) for n in names)
        parts.append("`%s`: %s" % (path, shown))
    return "<br>".join(parts)


def task_table(manifest, anchors=False):
    """A Markdown table of ``manifest``'s tasks (with an HTML anchor per row for the site)."""
    lines = ["| task | what you build | where the code is | run it |",
             "| --- | --- | --- | --- |"]
    for task in manifest.tasks:
        number = ('<a id="%s"></a>%d' % (task.section, task.number)) if anchors else task.number
        where = _where(task) or "nothing new: the stage as a whole"
        lines.append("| %s | %s | %s | `pytest -m \"%s\"` |" % (
            number, task.title, where, task.selection))
    return "\n".join(lines)
