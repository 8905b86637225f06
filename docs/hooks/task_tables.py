"""An mkdocs hook: ``<!-- task-table -->`` on a stage's page becomes that stage's
task table, generated from ``stageN_x/tasks.toml`` (so it is never kept by hand).

Each row carries an anchor (``#task-3-elementwise-math``) that the skeletons'
``NotImplementedError`` messages point at.
"""

import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from grading.manifest import load_all  # noqa: E402
from grading.tables import task_table  # noqa: E402

MARKER = "<!-- task-table -->"


def on_page_markdown(markdown, page, config, files):
    if MARKER not in markdown:
        return markdown
    match = re.match(r"stage(\d+)", page.file.src_uri)
    if not match:
        raise ValueError("%s has %s but is no stage page" % (page.file.src_uri, MARKER))
    stage = int(match.group(1))
    manifest = next((m for m in load_all(ROOT) if m.stage == stage), None)
    if manifest is None:
        raise ValueError("%s asks for a task table, but stage %d has no tasks.toml"
                         % (page.file.src_uri, stage))
    return markdown.replace(MARKER, task_table(manifest, anchors=True))
