"""Shared fixtures: the array backends the op tables run on.

``backend`` runs a test once on NumPy and once on CuPy. Without CuPy and a CUDA
GPU (as in CI) the CuPy case is skipped and says why, instead of vanishing.
"""

import numpy as np
import pytest

from stage1_tensors import backends


@pytest.fixture(params=["numpy", pytest.param("cupy", marks=pytest.mark.gpu)])
def backend(request):
    """The ``Backend`` (NumPy or CuPy) to build test tensors on. While the test
    runs, that backend is also where this thread's new tensors go: once stage 5
    is imported on a GPU machine, new tensors would go to GPU:0 (as in
    TensorFlow), and the NumPy case would not test the CPU."""
    if request.param == "numpy":
        found = backends.NUMPY
    else:
        found = backends.cupy_backend()
        if found is None:
            pytest.skip("CuPy with a CUDA GPU is not available here; "
                        "this op table runs on NumPy only")
    with backends.default_backend_scope(found):
        yield found


@pytest.fixture
def on(backend):
    """``on(array)``: a tensor holding ``array`` on the test's backend."""
    import stage1_tensors as tf

    def make(array):
        array = np.asarray(array)
        return tf.constant(backend.xp.asarray(array))
    return make


@pytest.fixture
def rng():
    """A seeded NumPy generator, so every test sees the same numbers."""
    return np.random.default_rng(1234)


# --- one task per test ---------------------------------------------------------
# A test file says which task it grades (``pytestmark = pytest.mark.stage1_task3``).
# A test inside it that needs a later task's code says so with its own mark
# (``@pytest.mark.stage1_task4``), and that mark *replaces* the file's: pytest
# alone would give the test both, and ``-m stage1_task3`` would then pick a test
# a student cannot pass yet. ``grading.proof`` checks the result.
import re  # noqa: E402

_TASK_MARK = re.compile(r"stage\d+_task\d+$")


def _closest_task_marks_only(item):
    own = {m.name for m in item.own_markers if _TASK_MARK.match(m.name)}
    if not own:
        return
    every_mark = item.iter_markers

    def iter_markers(name=None):
        for mark in every_mark(name):
            if not _TASK_MARK.match(mark.name) or mark.name in own:
                yield mark
    item.iter_markers = iter_markers


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    for item in items:
        _closest_task_marks_only(item)
