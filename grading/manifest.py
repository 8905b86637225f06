"""Task manifests: ``stageN_x/tasks.toml`` says, for each task of a stage, what a
student implements and which tests grade it.

A manifest looks like this::

    stage = 2
    package = "stage2_autodiff"
    page = "stage2.md"

    [[task]]
    number = 1
    title = "Variable"
    marker = "stage2_task1"
    section = "task-1-variable"      # the anchor on the stage's docs page
    points = 10
    depends = []                     # earlier tasks of this stage it builds on
    implement = [                    # module:qualname of each function to write
        "stage2_autodiff.variables:Variable.assign",
    ]

Tasks are numbered in build order: task k's tests pass once tasks 1..k are
implemented, whatever the later tasks hold (``grading.proof`` checks it).
A task's tests are those with its marker and without ``internals``.

>>> from grading.manifest import load_all
>>> [m.stage for m in load_all()][:3]
[1, 2, 3]
"""

import dataclasses
import pathlib
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent

__all__ = ["Task", "Manifest", "load", "load_all", "ROOT"]


@dataclasses.dataclass(frozen=True)
class Task:
    """One graded task of a stage."""
    stage: int
    number: int
    title: str
    marker: str
    section: str
    points: int
    depends: tuple
    implement: tuple

    @property
    def label(self):
        return "Stage %d, Task %d" % (self.stage, self.number)

    @property
    def selection(self):
        """The pytest ``-m`` expression that picks this task's graded tests."""
        return "%s and not internals" % self.marker


@dataclasses.dataclass(frozen=True)
class Manifest:
    """A stage's tasks, in build order."""
    stage: int
    package: str
    page: str
    folder: pathlib.Path
    tasks: tuple

    @property
    def source(self):
        """The folder that holds the stage's package (``stageN_x/src``)."""
        return self.folder / "src"

    def task(self, number):
        for task in self.tasks:
            if task.number == number:
                return task
        raise KeyError("stage %d has no task %d (it has %s)"
                       % (self.stage, number, [t.number for t in self.tasks]))

    def docs_link(self, task):
        return "docs/%s#%s" % (self.page, task.section)


class ManifestError(ValueError):
    """A tasks.toml that does not say what it must."""


def load(folder):
    """Reads ``folder/tasks.toml`` (``folder`` is a stage folder such as ``stage2_autodiff``)."""
    folder = pathlib.Path(folder)
    path = folder / "tasks.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    stage = data.get("stage")
    if not isinstance(stage, int):
        raise ManifestError("%s: 'stage = N' is missing" % path)
    tasks = []
    for n, entry in enumerate(data.get("task", []), start=1):
        missing = [k for k in ("number", "title", "marker", "implement") if k not in entry]
        if missing:
            raise ManifestError("%s: task %d lacks %s" % (path, n, ", ".join(missing)))
        if entry["number"] != n:
            raise ManifestError("%s: tasks must be numbered 1, 2, ... in order; the %d. is "
                                "numbered %r" % (path, n, entry["number"]))
        depends = tuple(entry.get("depends", range(1, n)))
        if any(d >= n for d in depends):
            raise ManifestError("%s: task %d depends on a later task %s" % (path, n, depends))
        tasks.append(Task(stage=stage, number=n, title=entry["title"], marker=entry["marker"],
                          section=entry.get("section", "task-%d" % n),
                          points=int(entry.get("points", 10)), depends=depends,
                          implement=tuple(entry["implement"])))
    return Manifest(stage=stage, package=data.get("package", folder.name),
                    page=data.get("page", "stage%d.md" % stage), folder=folder,
                    tasks=tuple(tasks))


def load_all(root=ROOT):
    """The manifests of every stage under ``root`` that has one, by stage number."""
    found = [load(p.parent) for p in sorted(pathlib.Path(root).glob("stage*/tasks.toml"))]
    return sorted(found, key=lambda m: m.stage)


def find(stage, root=ROOT):
    """The manifest of stage number ``stage``."""
    for manifest in load_all(root):
        if manifest.stage == int(stage):
            return manifest
    raise ManifestError("no stage %s with a tasks.toml under %s" % (stage, root))
