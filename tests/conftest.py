"""Shared fixtures: the array backends the op tables run on.

``backend`` runs a test once on NumPy and once on CuPy. Without CuPy and a CUDA
GPU (as in CI) the CuPy case is skipped and says why, instead of vanishing.
"""

import numpy as np
import pytest

from stage1_tensors import backends


@pytest.fixture(params=["numpy", pytest.param("cupy", marks=pytest.mark.gpu)])
def backend(request):
    """The ``Backend`` (NumPy or CuPy) to build test tensors on."""
    if request.param == "numpy":
        return backends.NUMPY
    found = backends.cupy_backend()
    if found is None:
        pytest.skip("CuPy with a CUDA GPU is not available here; "
                    "this op table runs on NumPy only")
    return found


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
