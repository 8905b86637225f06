"""Helpers for the stage-3 tests: fresh layer names, seeded weights, and a
gradient check of a layer's outputs with respect to its inputs *and* weights."""

import numpy as np
import pytest

import stage3_layers as tf
from stage2_autodiff.testing import check_gradients


@pytest.fixture(autouse=True)
def fresh_session():
    """Every test starts with layer names at ``dense`` and a fixed seed."""
    tf.keras.backend.clear_session()
    tf.random.set_seed(1234)
    yield
    tf.keras.backend.clear_session()


def _owners(layer):
    """``(object, attribute)`` holding each trainable variable of ``layer``."""
    objects = [layer] + layer.submodules
    found = []
    for variable in layer.trainable_variables:
        for obj in objects:
            names = [k for k, v in vars(obj).items() if v is variable]
            if names:
                found.append((obj, names[0]))
                break
        else:
            raise AssertionError("no attribute holds %s" % variable.name)
    return found


def check_layer_gradients(layer, x, rtol=1e-5, atol=1e-6, **call_kwargs):
    """Checks d(layer(x))/dx and d(layer(x))/d(every weight) against finite
    differences. The weights are swapped for the checker's tensors during the call."""
    layer(tf.constant(x), **call_kwargs)          # builds the variables
    owners = _owners(layer)
    start = [v.numpy() for v in layer.trainable_variables]
    floating = np.asarray(x).dtype.kind == "f"

    def f(x, *weights):
        saved = [getattr(obj, name) for obj, name in owners]
        for (obj, name), w in zip(owners, weights):
            setattr(obj, name, w)
        try:
            return layer(x, **call_kwargs)
        finally:
            for (obj, name), old in zip(owners, saved):
                setattr(obj, name, old)

    check_gradients(f, [np.asarray(x, dtype=np.float64) if floating else np.asarray(x)]
                    + start, rtol=rtol, atol=atol)


@pytest.fixture
def layer_gradients():
    return check_layer_gradients


@pytest.fixture
def place(backend):
    """``place(layer)``: moves a built layer's variables to the test's backend
    (stage 5 will place variables on the GPU itself; until then the tests do)."""
    def move(layer):
        for variable in layer.weights:
            variable.assign(backend.xp.asarray(variable.numpy()))
        return layer
    return move
