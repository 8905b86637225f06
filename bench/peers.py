"""The real frameworks we compare against, when they are installed.

PyTorch, TensorFlow and JAX are optional: the benchmark never needs them, and no test
imports them. Each is looked up once; a missing one is reported with a note
(``notes()``) and its columns stay empty.
"""

import importlib
import importlib.util

__all__ = ["torch", "tensorflow", "jax", "notes", "versions"]

_found = {}
_why_missing = {}


def _load(name):
    if name not in _found:
        module = None
        if importlib.util.find_spec(name) is None:
            _why_missing[name] = "not installed"
        else:
            try:
                module = importlib.import_module(name)
            except Exception as error:   # a broken install must not stop the bench
                _why_missing[name] = "import failed: %s" % error
        _found[name] = module
    return _found[name]


def torch():
    """The ``torch`` module, or None."""
    return _load("torch")


def tensorflow():
    """The ``tensorflow`` module, or None (importing it is slow, so only on demand)."""
    return _load("tensorflow")


def jax():
    """The ``jax`` module, or None (stage 5 compares its graphs with ``jax.jit``)."""
    return _load("jax")


def notes():
    """One line per peer that was looked for and is missing."""
    labels = {"torch": "PyTorch", "tensorflow": "TensorFlow", "jax": "JAX"}
    return ["%s skipped: %s (`pip install %s` to compare)"
            % (labels[name], why, name) for name, why in sorted(_why_missing.items())]


def versions():
    """name -> version of each peer that was loaded."""
    return {name: getattr(module, "__version__", "?")
            for name, module in sorted(_found.items()) if module is not None}
