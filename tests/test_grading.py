"""The course tooling in ``grading/``: skeletons, manifests and the grader.

These are tests of the course's own tools, not of a stage, so they carry no task
mark and no student is graded by them.
"""

import json
import pathlib
import shutil

import pytest

from grading import manifest as manifests
from grading.grade import grade
from grading.skeleton import (SkeletonError, blank_notebook, blank_source, blank_tasks,
                              resolve)

ROOT = manifests.ROOT


def test_blanking_keeps_signature_decorators_docstring_and_comments():
    source = '''
import functools

# a comment above
@functools.lru_cache(maxsize=None)
def area(width: float, height: float = 1.0) -> float:
    """The area."""
    # multiply them
    result = width * height
    return result   # done


def untouched():
    return 1
'''
    out = blank_source(source, {"area": "Stage 9, Task 1: areas"})
    assert "@functools.lru_cache(maxsize=None)\ndef area(width: float, height: float = 1.0)" \
        " -> float:\n" in out
    assert '"""The area."""\n    # multiply them\n    raise NotImplementedError(' in out
    assert "result = width * height" not in out and "# done" not in out
    assert "# a comment above" in out and "def untouched():\n    return 1" in out
    namespace = {}
    exec(compile(out, "<skeleton>", "exec"), namespace)
    with pytest.raises(NotImplementedError, match="Stage 9, Task 1: areas"):
        namespace["area"](2.0)
    assert namespace["untouched"]() == 1


def test_blanking_methods_of_nested_classes_and_refusals():
    source = "class A:\n    class B:\n        def f(self):\n            return 2\n"
    assert "raise NotImplementedError" in blank_source(source, {"A.B.f": "x"})
    with pytest.raises(SkeletonError, match="no function 'A.g'.*A.B.f"):
        blank_source(source, {"A.g": "x"})
    with pytest.raises(SkeletonError, match="one line"):
        blank_source("def f(): return 1\n", {"f": "x"})
    with pytest.raises(SkeletonError, match="only a docstring"):
        blank_source('def f():\n    """doc"""\n', {"f": "x"})


@pytest.mark.parametrize("manifest", manifests.load_all(), ids=lambda m: m.folder.name)
def test_every_manifest_entry_names_real_code(manifest):
    resolve(manifest, manifest.source)      # raises if an entry names nothing
    assert [t.number for t in manifest.tasks] == list(range(1, len(manifest.tasks) + 1))
    for task in manifest.tasks:
        assert task.marker == "stage%d_task%d" % (manifest.stage, task.number)
        assert task.implement or task.number == len(manifest.tasks), (
            "only a stage's closing task may have nothing to implement")


@pytest.mark.parametrize("manifest", manifests.load_all(), ids=lambda m: m.folder.name)
def test_every_task_marker_is_registered(manifest, pytestconfig):
    registered = {line.split(":")[0].strip() for line in pytestconfig.getini("markers")}
    for task in manifest.tasks:
        assert task.marker in registered


def test_the_blanked_stage_still_imports_and_says_which_task(tmp_path):
    manifest = manifests.find(2)
    source = tmp_path / "src"
    shutil.copytree(manifest.source, source, ignore=shutil.ignore_patterns("__pycache__"))
    changed = blank_tasks(source, manifest, {2})
    assert any(p.name == "backprop.py" for p in changed)
    text = (source / "stage2_autodiff" / "backprop.py").read_text()
    assert "def reverse_accumulate(records, seeds, source_ids, release=False):" in text
    assert 'raise NotImplementedError("Stage 2, Task 2: GradientTape' in text
    assert "docs/stage2.md#task-2-gradienttape" in text
    compile(text, "backprop.py", "exec")


def test_solution_cells_of_a_notebook_are_emptied(tmp_path):
    notebook = {"cells": [
        {"cell_type": "code", "metadata": {"tags": ["solution"]}, "source": ["x = 42\n"],
         "outputs": [{"output_type": "stream", "text": ["42"]}], "execution_count": 3},
        {"cell_type": "code", "metadata": {}, "source": ["y = 1\n"], "outputs": [],
         "execution_count": 4}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "n.ipynb"
    path.write_text(json.dumps(notebook))
    assert blank_notebook(path) == 1
    cells = json.loads(path.read_text())["cells"]
    assert "42" not in "".join(cells[0]["source"]) and cells[0]["outputs"] == []
    assert cells[1]["source"] == ["y = 1\n"]


def _submission(tmp_path, edit):
    """A submission whose stage 1 is the reference with ``edit`` applied to dtypes.py."""
    root = tmp_path / "student"
    shutil.copytree(ROOT / "stage1_tensors" / "src", root / "stage1_tensors" / "src",
                    ignore=shutil.ignore_patterns("__pycache__"))
    path = root / "stage1_tensors" / "src" / "stage1_tensors" / "dtypes.py"
    path.write_text(edit(path.read_text()))
    return root


def test_the_grader_survives_code_that_does_not_import(tmp_path):
    root = _submission(tmp_path, lambda text: text + "\nthis is not python\n")
    lines = []
    report = tmp_path / "report.json"
    data = grade(1, root, timeout=120, report=report, tasks={1}, echo=lines.append)
    row = data["tasks"][0]
    assert row["points"] == 0 and row["passed"] == 0
    assert "Stage 1, Task 1" in row["message"] or row["failed"] > 0
    assert json.loads(report.read_text())["tasks"][0]["task"] == 1
    assert any("total" in line for line in lines)


def test_the_grader_stops_an_endless_loop_and_names_the_task(tmp_path):
    root = _submission(tmp_path, lambda text: text.replace(
        'def as_dtype(value):', 'def as_dtype(value):\n    while True:\n        pass\n', 1))
    data = grade(1, root, timeout=8, tasks={1}, echo=lambda line: None)
    row = data["tasks"][0]
    assert row["status"] == "timeout" and row["points"] == 0
    assert "Stage 1, Task 1" in row["message"] and "8 s" in row["message"]


def test_the_grader_gives_full_marks_to_the_reference(tmp_path):
    data = grade(2, ROOT, timeout=300, tasks={1}, echo=lambda line: None)
    assert data["tasks"][0]["points"] == data["tasks"][0]["max_points"]


# --- mutation testing (grading/mutation.py, grading/mutant_plugin.py) ------------------
def test_mutations_are_listed_in_order_and_leave_messages_alone():
    import ast
    from grading.mutation import mutated_function, mutations
    source = '''
def clip(x, low, high):
    """Docstring: 1 + 1 is not mutated."""
    if not low <= high:
        raise ValueError("low %d > high %d" % (low, high))
    assert x is not None, "x + 1"
    return min(max(x, low), high) * 1
'''
    fn = ast.parse(source).body[0]
    described = [m.description for m in mutations(fn)]
    assert described == ["drop not", "<= -> <", "return None", "* -> /", "1 -> 2"]
    unparsed = [ast.unparse(mutated_function(fn, i)) for i in range(len(described))]
    assert "if low <= high:" in unparsed[0]
    assert "if not low < high:" in unparsed[1]
    assert "return None" in unparsed[2]
    assert "min(max(x, low), high) / 1" in unparsed[3]
    assert "min(max(x, low), high) * 2" in unparsed[4]
    assert ast.unparse(fn) == ast.unparse(ast.parse(source).body[0])   # the original kept


def test_the_plugin_swaps_a_mutant_into_the_live_function(tmp_path, monkeypatch):
    import sys
    from grading import mutant_plugin
    from grading.mutation import mutations
    import ast
    src = tmp_path / "src"
    src.mkdir()
    module_file = src / "mutdemo.py"
    module_file.write_text('''
def add(a, b):
    return a + b


class Base:
    def size(self):
        return 1


class Child(Base):
    def size(self):
        return super().size() + 10
''')
    monkeypatch.syspath_prepend(str(src))
    import mutdemo
    try:
        registered = {"add": mutdemo.add}            # a reference taken before the swap
        tree = ast.parse(module_file.read_text())
        plus = [m.index for m in mutations(tree.body[0]) if m.description == "+ -> -"][0]
        mutant_plugin.apply({"path": str(module_file), "qualname": "add", "index": plus})
        assert registered["add"](3, 1) == 2 and mutdemo.add is registered["add"]
        child = tree.body[2].body[0]
        ten = [m.index for m in mutations(child) if m.description == "10 -> 11"][0]
        mutant_plugin.apply({"path": str(module_file), "qualname": "Child.size", "index": ten})
        assert mutdemo.Child().size() == 12              # super() still works
    finally:
        sys.modules.pop("mutdemo", None)


def test_the_student_repo_keeps_the_docs_link_to_the_notebooks(tmp_path):
    from grading.skeleton import write_exercises
    out = tmp_path / "exercises"
    summary = write_exercises(ROOT, out, [manifests.find(1)], {1})
    assert summary[1][0] > 0                                   # stage 1 was blanked
    link = out / "docs" / "notebooks"
    assert link.is_symlink() and (link / "01_tensors.ipynb").is_file()
