"""Mutation testing: how many small wrong versions of a task's code its tests catch.

A *mutant* is the reference code with one small change in one function that a
task lists in ``tasks.toml``: ``+`` becomes ``-``, ``<`` becomes ``<=``, ``and``
becomes ``or``, a ``not`` or a minus sign goes, a number grows by one, a
``return`` gives ``None``. The task's graded tests run against each mutant and
*kill* it when one of them fails. The score is the fraction killed: tests that
let many mutants live do not pin the behaviour down, and would pass a student's
wrong code as well.

    python -m grading mutate --stage 2                # every task of stage 2
    python -m grading mutate --stage 2 --task 3 --sample 40 --seed 1

Each mutant runs in a fresh ``pytest`` (the task's marker, stopping at the first
failure) with the plugin ``grading.mutant_plugin``, which swaps the mutated
function's code into the imported module before the tests start (and so does
every Python process the tests start, through ``mutant_site/sitecustomize.py``:
the ``mpiexec`` children of the distribute tests too); the files on disk are
never changed, so the checkout stays as it is and several mutants run
side by side. (mutmut, the usual tool, mutates whole files and runs the whole
suite from a copy of the tree; here only the functions a student writes are
mutated, each against its own task's tests.) A mutant whose tests run past the
timeout counts as killed: an endless loop is caught too.

Some mutants cannot be killed because they change nothing observable (an
*equivalent* mutant, e.g. ``x >= 0`` for ``x > 0`` where ``x`` is never 0 on
that path); the report lists every survivor with its line so a lecturer can
tell those from gaps in the tests.

>>> import ast
>>> from grading.mutation import mutations
>>> fn = ast.parse("def f(a, b):\\n    return a + b if a < b else 0").body[0]
>>> [m.description for m in mutations(fn)]
['return None', '< -> <=', '+ -> -', '0 -> 1']
"""

import ast
import concurrent.futures
import copy
import dataclasses
import json
import os
import pathlib
import random
import subprocess
import sys
import time

from .manifest import ROOT
from .skeleton import _functions, _has_docstring, resolve

__all__ = ["Mutation", "mutations", "mutated_function", "run", "ENV"]

ENV = "GRADING_MUTANT"      # the plugin reads which mutant to apply from here

_BINARY = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
           ast.FloorDiv: ast.Div, ast.Mod: ast.FloorDiv, ast.Pow: ast.Mult,
           ast.MatMult: ast.Mult}
_COMPARE = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt,
            ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is,
            ast.In: ast.NotIn, ast.NotIn: ast.In}
_BOOL = {ast.And: ast.Or, ast.Or: ast.And}
_SYMBOL = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//",
           ast.Mod: "%", ast.Pow: "**", ast.MatMult: "@", ast.Lt: "<", ast.LtE: "<=",
           ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=", ast.Is: "is",
           ast.IsNot: "is not", ast.In: "in", ast.NotIn: "not in", ast.And: "and",
           ast.Or: "or"}


@dataclasses.dataclass(frozen=True)
class Mutation:
    """The ``index``-th mutation point of a function: where, and what it does."""
    index: int
    line: int
    description: str


def _points(function):
    """``[(node, description, apply)]`` for every mutation point, in a fixed
    order; ``apply(node)`` changes a (copied) node in place, or returns the node
    that replaces it. Error messages and assertions are left alone: changing
    them changes no result."""
    body = function.body[1:] if _has_docstring(function) else function.body
    found = []

    def visit(node):
        if isinstance(node, (ast.Raise, ast.Assert, ast.JoinedStr)):
            return
        if isinstance(node, ast.Return) and node.value is not None and not (
                isinstance(node.value, ast.Constant) and node.value.value is None):
            found.append((node, "return None", _return_none))
        elif isinstance(node, (ast.BinOp, ast.AugAssign)) and type(node.op) in _BINARY:
            found.append((node, "%s -> %s" % (_SYMBOL[type(node.op)],
                                              _SYMBOL[_BINARY[type(node.op)]]), _swap_op))
        elif isinstance(node, ast.BoolOp):
            found.append((node, "%s -> %s" % (_SYMBOL[type(node.op)],
                                              _SYMBOL[_BOOL[type(node.op)]]), _swap_bool))
        elif isinstance(node, ast.Compare):
            for i, op in enumerate(node.ops):
                if type(op) in _COMPARE:
                    found.append((node, "%s -> %s" % (_SYMBOL[type(op)],
                                                      _SYMBOL[_COMPARE[type(op)]]),
                                  _swap_compare(i)))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Not, ast.USub)):
            found.append((node, "drop %s" % ("not" if isinstance(node.op, ast.Not) else "-"),
                          _drop_unary))
        elif isinstance(node, ast.Constant) and type(node.value) in (int, float, bool):
            value = node.value
            new = (not value) if isinstance(value, bool) else value + 1
            found.append((node, "%r -> %r" % (value, new), _set_constant(new)))
        for child in ast.iter_child_nodes(node):
            visit(child)

    for statement in body:
        visit(statement)
    return found


def _return_none(node):
    node.value = ast.Constant(value=None)


def _swap_op(node):
    node.op = _BINARY[type(node.op)]()


def _swap_bool(node):
    node.op = _BOOL[type(node.op)]()


def _swap_compare(i):
    def apply(node):
        node.ops[i] = _COMPARE[type(node.ops[i])]()
    return apply


def _drop_unary(node):
    return node.operand


def _set_constant(value):
    def apply(node):
        node.value = value
    return apply


def mutations(function):
    """The mutations of a function's AST node, in order (``Mutation`` objects)."""
    return [Mutation(i, node.lineno, description)
            for i, (node, description, _) in enumerate(_points(function))]


def mutated_function(function, index):
    """A copy of the function node with mutation ``index`` applied."""
    function = copy.deepcopy(function)
    node, _, apply = _points(function)[index]
    replacement = apply(node)
    if replacement is not None:           # the node itself goes: put its child there
        for parent in ast.walk(function):
            for field, value in ast.iter_fields(parent):
                if value is node:
                    setattr(parent, field, replacement)
                elif isinstance(value, list):
                    value[:] = [replacement if item is node else item for item in value]
    return ast.fix_missing_locations(function)


# --- running the mutants ------------------------------------------------------------
@dataclasses.dataclass
class Outcome:
    task: int
    path: str
    qualname: str
    mutation: Mutation
    status: str            # killed | survived | timeout | error
    seconds: float


def _test_files(marker, root):
    """The test files that carry ``marker`` (only they need collecting)."""
    return sorted(str(p.relative_to(root)) for p in (root / "tests").rglob("test_*.py")
                  if marker in p.read_text(encoding="utf-8"))


def _run_one(task, files, spec, timeout, root):
    # mutant_site/sitecustomize.py applies the mutant in every child Python too.
    path = os.pathsep.join([str(pathlib.Path(__file__).parent / "mutant_site"), str(root),
                            os.environ.get("PYTHONPATH", "")]).strip(os.pathsep)
    env = dict(os.environ, **{ENV: json.dumps(spec), "PYTHONDONTWRITEBYTECODE": "1",
                              "PYTHONPATH": path})
    command = [sys.executable, "-m", "pytest", *files, "-m", task.selection, "-x", "-q",
               "-p", "grading.mutant_plugin", "--no-header"]
    started = time.monotonic()
    try:
        done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return "timeout", time.monotonic() - started, ""
    status = {0: "survived", 1: "killed"}.get(done.returncode, "error")
    return status, time.monotonic() - started, done.stdout[-2000:] + done.stderr[-2000:]


def run(manifest, tasks=None, sample=None, seed=0, timeout=300, jobs=2, root=ROOT,
        log=print):
    """Runs the mutants of ``manifest``'s tasks (all, or ``tasks``); returns the outcomes.

    ``sample`` runs that many mutants per task, drawn at random with ``seed``.
    """
    source_root = root / manifest.folder.name / "src"
    plan = resolve(manifest, source_root)
    outcomes = []
    for task in manifest.tasks:
        if (tasks and task.number not in tasks) or not plan.get(task.number):
            continue
        files = _test_files(task.marker, root)
        jobs_for_task = []
        for path, qualnames in plan[task.number].items():
            functions = _functions(ast.parse(path.read_text(encoding="utf-8")))
            for qualname in qualnames:
                for mutation in mutations(functions[qualname]):
                    jobs_for_task.append((str(path), qualname, mutation))
        if sample is not None and len(jobs_for_task) > sample:
            jobs_for_task = random.Random(seed).sample(jobs_for_task, sample)
        baseline, _, output = _run_one(task, files, {"path": None}, timeout, root)
        if baseline != "survived":
            raise RuntimeError("%s: its tests do not pass on the unmutated code (%s):\n%s"
                               % (task.label, baseline, output))
        log("%s: %d mutants" % (task.label, len(jobs_for_task)))
        with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = {pool.submit(_run_one, task, files,
                                   {"path": path, "qualname": qualname,
                                    "index": mutation.index}, timeout, root):
                       (path, qualname, mutation) for path, qualname, mutation in jobs_for_task}
            for future in concurrent.futures.as_completed(futures):
                path, qualname, mutation = futures[future]
                status, seconds, output = future.result()
                if status == "error":
                    raise RuntimeError("mutant %s:%s #%d could not run:\n%s"
                                       % (path, qualname, mutation.index, output))
                outcomes.append(Outcome(task.number, path, qualname, mutation, status,
                                        seconds))
    return outcomes


def report(manifest, outcomes, root=ROOT):
    """A Markdown table per task (mutants, killed, score) and the survivors' list."""
    lines = ["| task | mutants | killed | score |", "|---|---|---|---|"]
    for task in manifest.tasks:
        mine = [o for o in outcomes if o.task == task.number]
        if not mine:
            continue
        killed = sum(o.status in ("killed", "timeout") for o in mine)
        lines.append("| %d %s | %d | %d | %.0f%% |" % (task.number, task.title[:48],
                                                       len(mine), killed,
                                                       100.0 * killed / len(mine)))
    survivors = sorted((o for o in outcomes if o.status == "survived"),
                       key=lambda o: (o.path, o.mutation.line))
    if survivors:
        lines += ["", "Survivors:", ""]
        for o in survivors:
            lines.append("- `%s:%d` %s: %s" % (pathlib.Path(o.path).relative_to(root),
                                               o.mutation.line, o.qualname,
                                               o.mutation.description))
    return "\n".join(lines)
