"""Running one task's graded tests in a child process and counting the results.

The child is a fresh ``python -m pytest`` selecting the task's marker, with
``PYTHONPATH`` pointing at the code under test, so a student's broken code
(an import error, a crash, an endless loop) can only break that child: the
timeout ends it and the report says which task it was.
"""

import dataclasses
import os
import pathlib
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree

from .manifest import ROOT

__all__ = ["Result", "run_task"]


@dataclasses.dataclass
class Result:
    """What one task's run gave."""
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    status: str = "ok"          # ok | timeout | crashed | no tests
    message: str = ""
    failures: list = dataclasses.field(default_factory=list)
    passes: list = dataclasses.field(default_factory=list)

    @property
    def total(self):
        return self.passed + self.failed


def _first_line(text):
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:300]
    return ""


def _count(junit_path, result):
    suite = ElementTree.parse(junit_path).getroot()
    for case in suite.iter("testcase"):
        name = "%s::%s" % (case.get("classname", ""), case.get("name", ""))
        outcome = [child for child in case if child.tag in ("failure", "error", "skipped")]
        if not outcome:
            result.passed += 1
            result.passes.append(name)
        elif outcome[0].tag == "skipped":
            result.skipped += 1
        else:
            result.failed += 1
            why = outcome[0].get("message") or _first_line(outcome[0].text or "")
            result.failures.append((name, why))


def run_task(task, code_paths=(), timeout=300, tests="tests", root=ROOT, extra_args=()):
    """Runs ``task``'s graded tests with ``code_paths`` first on ``PYTHONPATH``.

    The tests come from ``root`` (the reference checkout), the code from
    ``code_paths`` (for a student's submission: each ``stageN_x/src`` of theirs).
    """
    with tempfile.TemporaryDirectory(prefix="grade-") as scratch:
        junit = pathlib.Path(scratch, "report.xml")
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([str(p) for p in code_paths]
                                            + [env.get("PYTHONPATH", "")]).strip(os.pathsep)
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        command = [sys.executable, "-m", "pytest", tests, "-m", task.selection, "-q",
                   "-p", "no:cacheprovider", "--junitxml", str(junit), "-o",
                   "junit_family=xunit1", "--continue-on-collection-errors", *extra_args]
        try:
            done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True,
                                  timeout=timeout)
        except subprocess.TimeoutExpired:
            return Result(status="timeout",
                          message="%s: the tests did not finish in %d s (an endless loop?)"
                                  % (task.label, timeout))
        result = Result()
        if junit.exists():
            _count(junit, result)
        if done.returncode == 5 or (done.returncode == 0 and result.total == 0):
            result.status, result.message = "no tests", "no test has the marker %s" % task.marker
        elif done.returncode not in (0, 1):
            # 2: collection failed (e.g. the code does not import); 3, 4: pytest broke.
            result.status = "crashed"
            tail = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
            errors = [line for line in tail if "Error" in line or "error" in line]
            result.message = "%s: pytest stopped (exit %d): %s" % (
                task.label, done.returncode, (errors or tail or ["no output"])[-1][:300])
        return result
