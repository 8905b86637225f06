"""A griffe extension: show doctest examples in docstrings as Python console code.

Our docstrings keep their examples as bare ``>>>`` lines so pytest can run
them. Markdown would read ``>>>`` as nested block quotes, so before rendering
we fence every example block (prompts, continuation lines and the expected
output up to the next blank line) as ``pycon``.
"""

import griffe


def fence_doctests(text):
    """Wraps each run of doctest lines in a ```pycon fence, keeping its indent."""
    lines = text.splitlines()
    out, i = [], 0
    while i < len(lines):
        stripped = lines[i].lstrip()
        if not stripped.startswith(">>>"):
            out.append(lines[i])
            i += 1
            continue
        indent = lines[i][: len(lines[i]) - len(stripped)]
        block = []
        while i < len(lines) and lines[i].strip():
            block.append(lines[i][len(indent):] if lines[i].startswith(indent) else lines[i])
            i += 1
        out += [indent + "```pycon"] + [indent + b for b in block] + [indent + "```"]
    return "\n".join(out)


class DoctestFences(griffe.Extension):
    """Fences doctest examples in every docstring griffe loads."""

    # on_instance runs once for every object as it is created, packages
    # included (on_object skips the root package).
    def on_instance(self, *, obj, **kwargs):
        if obj.docstring is not None and ">>>" in obj.docstring.value:
            obj.docstring.value = fence_doctests(obj.docstring.value)
