"""The build-order proof: a stage's tasks can be done one after the other.

For task k of a stage with n tasks it checks two things:

1. with tasks k..n blanked (what a student has before starting task k), task k's
   tests fail: the task is really graded by its own code;
2. with only tasks k+1..n blanked (task k done), every test of task k passes:
   nothing in a later task is needed first.

A task with nothing to implement (a stage's closing check, such as "the seeds'
samples run") is exempt from 1. It also lists the tests of each task that pass *before* the task is done (they
grade nothing), so they can be moved or made stricter.
"""

import pathlib
import shutil
import tempfile

from .manifest import ROOT, load_all
from .runner import run_task
from .skeleton import blank_tasks

__all__ = ["prove"]


def _tree(manifest, blank_from, scratch):
    """A copy of the stage's ``src`` with tasks ``blank_from``..n blanked."""
    target = pathlib.Path(scratch, "from-%d" % blank_from, "src")
    if target.exists():          # task k's "after" tree is task k+1's "before" tree
        return target
    shutil.copytree(manifest.source, target,
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    blank_tasks(target, manifest, {t.number for t in manifest.tasks if t.number >= blank_from})
    return target


def prove(stages=None, timeout=300, echo=print, only_tasks=None, verbose=False):
    """Runs the proof for ``stages`` (all by default); returns a list of problems."""
    problems = []
    for manifest in load_all():
        if stages and manifest.stage not in stages:
            continue
        tests = "tests/stage%d" % manifest.stage
        with tempfile.TemporaryDirectory(prefix="proof-") as scratch:
            for task in manifest.tasks:
                if only_tasks and task.number not in only_tasks:
                    continue
                before = run_task(task, [_tree(manifest, task.number, scratch)],
                                  timeout=timeout, tests=tests)
                after = run_task(task, [_tree(manifest, task.number + 1, scratch)],
                                 timeout=timeout, tests=tests)
                line = "%s %-45s before: %3d pass %3d fail | after: %3d pass %3d fail" % (
                    task.label, task.title[:45], before.passed, before.failed,
                    after.passed, after.failed)
                echo(line)
                if before.failed == 0 and task.implement:
                    problems.append("%s: its tests pass before the task is done" % task.label)
                if after.failed or after.status != "ok" or after.passed == 0:
                    why = after.message or "; ".join(
                        "%s (%s)" % (n.rsplit("::", 1)[-1], w[:100]) for n, w in after.failures[:5])
                    problems.append("%s: not all its tests pass once tasks 1..%d are done: %s"
                                    % (task.label, task.number, why))
                if verbose:
                    for name, why in after.failures:
                        echo("    after, fails: %s: %s" % (name, why[:150]))
                if before.passes:
                    echo("    %d test(s) pass before the task is done, e.g. %s"
                         % (len(before.passes), before.passes[0].rsplit("::", 1)[-1]))
    return problems
