"""The tests grade the code of *this* checkout, not an installed copy elsewhere.

Editable installs record absolute paths. A copied or moved checkout whose
virtual environment still points at the original would run green tests on
code nobody edited, so every stage module that is imported must come from
the folder these tests live in.
"""

import importlib
import pathlib
import sys

import pytest

CHECKOUT = pathlib.Path(__file__).resolve().parent.parent
STAGES = sorted(p.parent.name for p in CHECKOUT.glob("stage*/pyproject.toml"))


def test_there_are_stages():
    assert STAGES, "no stage*/pyproject.toml under %s" % CHECKOUT


@pytest.mark.parametrize("stage", STAGES)
def test_stage_is_imported_from_this_checkout(stage):
    package = importlib.import_module(stage)
    where = pathlib.Path(package.__file__).resolve()
    expected = CHECKOUT / stage / "src" / stage
    assert where.is_relative_to(expected), (
        "%s is imported from %s, not from this checkout (%s); run `make venv` here "
        "so the editable installs point at this folder" % (stage, where, expected))


def test_every_loaded_stage_module_lives_in_this_checkout():
    for stage in STAGES:
        importlib.import_module(stage)
    outside = sorted(name for name, module in list(sys.modules.items())
                     if name.split(".")[0] in STAGES and getattr(module, "__file__", None)
                     and not pathlib.Path(module.__file__).resolve().is_relative_to(CHECKOUT))
    assert not outside, "stage modules loaded from outside %s: %s" % (CHECKOUT, outside)
