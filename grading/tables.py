"""The task tables of the docs pages, generated from the manifests.

>>> from grading.manifest import find
>>> print(task_table(find(1)).splitlines()[0])
| task | what you build | where the code is | run it |
"""

import collections

__all__ = ["task_table"]


def _where(task):
    """``module`` -> the names it holds, for the 'where the code is' column."""
    by_module = collections.OrderedDict()
    for entry in task.implement:
        module, _, qualname = entry.partition(":")
        by_module.setdefault(module, []).append(qualname)
    parts = []
    for module, names in by_module.items():
        path = module.replace(".", "/") + ".py"
        shown = ", ".join("`%s`" % n for n in names[:4])
        more = " and %d more" % (len(names) - 4) if len(names) > 4 else ""
        parts.append("`%s`: %s%s" % (path, shown, more))
    return "<br>".join(parts)


def task_table(manifest):
    """A Markdown table of ``manifest``'s tasks."""
    lines = ["| task | what you build | where the code is | run it |",
             "| --- | --- | --- | --- |"]
    for task in manifest.tasks:
        lines.append("| %d | %s | %s | `pytest -m %s` |" % (
            task.number, task.title, _where(task), task.marker))
    return "\n".join(lines)
