"""Student skeletons: the reference code with the bodies of a task's functions
replaced by ``raise NotImplementedError(...)``.

The blanking works on the syntax tree, not on text patterns: ``ast`` finds each
function the manifest names (``module:Class.method``) and gives the lines its
body spans. Those lines, and only those, are replaced, so the signature, the
decorators, the type hints, the docstring and the comments around the function
stay exactly as written.

>>> source = '''
... class Pair:
...     def total(self, a: int, b: int) -> int:
...         \"\"\"The sum of a and b.\"\"\"
...         # add them
...         return a + b
... '''
>>> print(blank_source(source, {"Pair.total": "Stage 0, Task 1"}))
<BLANKLINE>
class Pair:
    def total(self, a: int, b: int) -> int:
        \"\"\"The sum of a and b.\"\"\"
        # add them
        raise NotImplementedError("Stage 0, Task 1")
<BLANKLINE>
"""

import ast
import json
import os
import pathlib
import shutil
import subprocess

__all__ = ["blank_source", "blank_tasks", "blank_notebook", "write_exercises",
           "SkeletonError"]

SOLUTION_TAG = "solution"
NOTEBOOK_PLACEHOLDER = "# Your code here: this cell is one of the exercises.\n"


class SkeletonError(ValueError):
    """A manifest names a function the source does not have, or one that cannot be blanked."""


def _functions(tree):
    """``{qualname: node}`` for every function and method in a module (nested classes too)."""
    found = {}

    def visit(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found[prefix + child.name] = child
            elif isinstance(child, ast.ClassDef):
                visit(child, prefix + child.name + ".")
    visit(tree, "")
    return found


def _has_docstring(node):
    first = node.body[0]
    return (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
            and isinstance(first.value.value, str))


def blank_source(source, messages):
    """``source`` with each function in ``messages`` (qualname -> message) blanked."""
    tree = ast.parse(source)
    functions = _functions(tree)
    lines = source.splitlines(keepends=True)
    spans = []
    for qualname, message in messages.items():
        node = functions.get(qualname)
        if node is None:
            raise SkeletonError("no function %r here (there are: %s)"
                                % (qualname, ", ".join(sorted(functions)) or "none"))
        body = node.body[1:] if _has_docstring(node) else node.body
        if not body:
            raise SkeletonError("%s has only a docstring; there is nothing to blank" % qualname)
        first, last = body[0], body[-1]
        if first.lineno == node.lineno:
            raise SkeletonError("%s is written on one line; give it a body of its own"
                                % qualname)
        indent = " " * first.col_offset
        raise_line = "%sraise NotImplementedError(%s)\n" % (indent, json.dumps(message,
                                                                                ensure_ascii=False))
        spans.append((first.lineno - 1, last.end_lineno, raise_line))
    for start, end, replacement in sorted(spans, reverse=True):
        lines[start:end] = [replacement]
    return "".join(lines)


def task_message(manifest, task):
    """What a blanked function says when it is called."""
    return "%s: %s — see %s" % (task.label, task.title, manifest.docs_link(task))


# Selectors a manifest may use instead of a name: every function of the module
# that is an op's kernel (``@Op.kernel``) or an op's gradient (``@RegisterGradient``).
def _decorator_names(node):
    names = []
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Attribute):
            names.append(target.attr)
        elif isinstance(target, ast.Name):
            names.append(target.id)
    return names


SELECTORS = {
    "@kernels": lambda node: "kernel" in _decorator_names(node),
    "@gradients": lambda node: "RegisterGradient" in _decorator_names(node),
}


def _module_path(source_root, module):
    path = pathlib.Path(source_root, *module.split("."))
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def resolve(manifest, source_root):
    """``{task number: {path: [qualname, ...]}}``: what each task blanks.

    A name written out in any task belongs to that task; a selector
    (``@kernels``, ``@gradients``) takes the module's other matching functions.
    """
    entries = []
    for task in manifest.tasks:
        for entry in task.implement:
            module, _, qualname = entry.partition(":")
            if not qualname:
                raise SkeletonError("%s, task %d: %r should read 'module.path:Qualname'"
                                    % (manifest.folder.name, task.number, entry))
            path = _module_path(source_root, module)
            if not path.exists():
                raise SkeletonError("%s, task %d: the module %s (%s) does not exist"
                                    % (manifest.folder.name, task.number, module, path))
            entries.append((task.number, path, qualname))
    named = {(path, q) for _, path, q in entries if q not in SELECTORS}
    plan = {task.number: {} for task in manifest.tasks}
    trees = {}
    for number, path, qualname in entries:
        if qualname in SELECTORS:
            if path not in trees:
                trees[path] = _functions(ast.parse(path.read_text(encoding="utf-8")))
            chosen = [q for q, node in trees[path].items()
                      if SELECTORS[qualname](node) and (path, q) not in named]
            if not chosen:
                raise SkeletonError("%s, task %d: %s matches no function in %s"
                                    % (manifest.folder.name, number, qualname, path))
        else:
            chosen = [qualname]
        plan[number].setdefault(path, []).extend(chosen)
    return plan


def blank_tasks(source_root, manifest, numbers):
    """Blanks, in the package under ``source_root`` (a copy of ``stageN_x/src``),
    every function that the tasks ``numbers`` list. Returns the files changed."""
    plan = resolve(manifest, source_root)
    by_file = {}
    for task in manifest.tasks:
        if task.number in numbers:
            for path, qualnames in plan[task.number].items():
                for qualname in qualnames:
                    by_file.setdefault(path, {})[qualname] = task_message(manifest, task)
    for path, messages in by_file.items():
        try:
            path.write_text(blank_source(path.read_text(encoding="utf-8"), messages),
                            encoding="utf-8")
        except SkeletonError as error:
            raise SkeletonError("%s: %s" % (path, error)) from None
    return sorted(by_file)


def blank_notebook(path):
    """Empties the cells tagged ``solution`` in a notebook (outputs too). Returns how many."""
    path = pathlib.Path(path)
    notebook = json.loads(path.read_text(encoding="utf-8"))
    count = 0
    for cell in notebook.get("cells", []):
        if SOLUTION_TAG in cell.get("metadata", {}).get("tags", []):
            cell["source"] = [NOTEBOOK_PLACEHOLDER]
            if cell.get("cell_type") == "code":
                cell["outputs"], cell["execution_count"] = [], None
            count += 1
    if count:
        path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n",
                        encoding="utf-8")
    return count


def _tracked_files(root):
    """The files of the checkout git knows of (tracked, or new and not ignored)."""
    out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
                         cwd=root, capture_output=True, check=True).stdout
    return [name for name in out.decode().split("\0") if name]


def write_exercises(root, out, manifests, stages):
    """Writes a complete student repo to ``out``: a copy of the checkout at ``root``
    with the given ``stages`` blanked (the others stay as reference) and the
    notebooks' solution cells emptied. Returns a summary per stage."""
    root, out = pathlib.Path(root), pathlib.Path(out)
    if out.resolve() == root.resolve() or out.resolve() in root.resolve().parents:
        raise SkeletonError("the exercises need a folder of their own, not %s" % out)
    if out.exists():
        shutil.rmtree(out)
    for name in _tracked_files(root):
        if name.startswith("exercises/"):
            continue
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if (root / name).is_symlink():          # docs/notebooks -> ../notebooks
            target.symlink_to(os.readlink(root / name))
        elif (root / name).is_file():
            shutil.copy2(root / name, target)
    summary = {}
    for manifest in manifests:
        if manifest.stage not in stages:
            continue
        source = out / manifest.folder.name / "src"
        functions = sum(len(q) for files in resolve(manifest, source).values()
                        for q in files.values())
        files = blank_tasks(source, manifest, {t.number for t in manifest.tasks})
        summary[manifest.stage] = (functions, len(files))
    notebooks = sum(blank_notebook(p) for p in sorted((out / "notebooks").glob("*.ipynb")))
    summary["notebook cells"] = notebooks
    return summary
