"""The grader: runs each task of a stage on a submission and prints a score table.

>>> from grading.grade import score
>>> from grading.runner import Result
>>> score(10, Result(passed=3, failed=1))
7.5
"""

import json
import pathlib

from .manifest import ROOT, find
from .runner import Result, run_task

__all__ = ["grade", "score", "code_paths"]


def score(points, result):
    """Points for a task: its share of passing tests (nothing if it timed out or crashed)."""
    if result.status in ("timeout", "no tests") or result.total == 0:
        return 0.0
    return round(points * result.passed / result.total, 2)


def code_paths(submission):
    """Each ``stageN_x/src`` of the submission: its code goes first on ``PYTHONPATH``."""
    paths = sorted(pathlib.Path(submission).resolve().glob("stage*/src"))
    if not paths:
        raise FileNotFoundError("%s holds no stage folder (stageN_x/src); give the root of "
                                "your copy of the course repo" % submission)
    return paths


def grade(stage, submission=ROOT, timeout=300, report=None, tasks=None, echo=print):
    """Grades ``stage`` of ``submission``; prints the table and returns the report dict."""
    manifest = find(stage)
    paths = code_paths(submission)
    rows, earned, possible = [], 0.0, 0
    echo("Stage %d: grading %s" % (manifest.stage, pathlib.Path(submission).resolve()))
    echo("%5s  %-52s %9s %11s" % ("task", "title", "tests", "points"))
    for task in manifest.tasks:
        if tasks and task.number not in tasks:
            continue
        result = run_task(task, paths, timeout=timeout, tests="tests/stage%d" % manifest.stage)
        points = score(task.points, result)
        earned, possible = earned + points, possible + task.points
        tests = "%d/%d" % (result.passed, result.total) if result.status != "timeout" else "-"
        echo("%5d  %-52s %9s %11s" % (task.number, task.title[:52], tests,
                                      "%g/%d" % (points, task.points)))
        if result.message:
            echo("       ! " + result.message)
        for name, why in result.failures[:3]:
            echo("       x %s: %s" % (name.rsplit("::", 1)[-1], why[:120]))
        if len(result.failures) > 3:
            echo("       x ... and %d more (run: python -m pytest -m \"%s\")"
                 % (len(result.failures) - 3, task.selection))
        rows.append({"task": task.number, "title": task.title, "marker": task.marker,
                     "passed": result.passed, "failed": result.failed,
                     "skipped": result.skipped, "status": result.status,
                     "message": result.message, "points": points, "max_points": task.points,
                     "failures": [{"test": n, "why": w} for n, w in result.failures]})
    echo("%5s  %-52s %9s %11s" % ("", "total", "", "%g/%d" % (round(earned, 2), possible)))
    data = {"stage": manifest.stage, "submission": str(pathlib.Path(submission).resolve()),
            "points": round(earned, 2), "max_points": possible, "tasks": rows}
    if report:
        pathlib.Path(report).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        echo("report written to %s" % report)
    return data


__all__.append("Result")
