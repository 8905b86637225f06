"""A pytest plugin that runs the tests against one mutant (see ``grading.mutation``).

``GRADING_MUTANT`` holds ``{"path", "qualname", "index"}``: before any test
runs, the plugin imports the module of ``path``, builds mutation ``index`` of
the function ``qualname`` and swaps its code into the live function object, so
every reference to the function (a registered kernel or gradient, a method)
runs the mutant. ``{"path": null}`` applies nothing (the baseline run).
"""

import ast
import importlib
import json
import os
import pathlib

from .mutation import ENV, mutated_function
from .skeleton import _functions


def _module_name(path):
    """``stage2_autodiff.backprop`` for ``.../stage2_autodiff/src/stage2_autodiff/backprop.py``."""
    parts = pathlib.Path(path).with_suffix("").parts
    src = len(parts) - 1 - list(reversed(parts)).index("src")
    names = list(parts[src + 1:])
    if names[-1] == "__init__":
        names.pop()
    return ".".join(names)


def _live_function(module, qualname):
    """The function object ``qualname`` names in ``module`` (methods, properties,
    static and class methods, wrapped functions unwrapped)."""
    target = module
    for part in qualname.split("."):
        owner = target
        target = vars(owner)[part] if isinstance(owner, type) and part in vars(owner) \
            else getattr(owner, part)
    if isinstance(target, property):
        target = target.fget
    if isinstance(target, (staticmethod, classmethod)):
        target = target.__func__
    while hasattr(target, "__wrapped__"):
        target = target.__wrapped__
    return target


def apply(spec):
    """Swaps the mutant's code into the running function; returns that function."""
    path, qualname, index = spec["path"], spec["qualname"], spec["index"]
    module = importlib.import_module(_module_name(path))
    tree = ast.parse(pathlib.Path(path).read_text(encoding="utf-8"))
    node = mutated_function(_functions(tree)[qualname], index)
    node.decorator_list = []            # the live function is already decorated
    live = _live_function(module, qualname)
    wrapper = ast.Module(body=[node], type_ignores=[])
    if "__class__" in live.__code__.co_freevars:
        # zero-argument super(): compile inside a class so the code has the cell too
        wrapper = ast.Module(body=[ast.ClassDef(name="_Mutant", bases=[], keywords=[],
                                                body=[node], decorator_list=[])],
                             type_ignores=[])
    namespace = dict(vars(module))
    exec(compile(ast.fix_missing_locations(wrapper), path, "exec"), namespace)
    new = namespace[node.name] if "_Mutant" not in namespace else \
        vars(namespace["_Mutant"])[node.name]
    live.__code__ = new.__code__
    return live


def pytest_configure(config):
    spec = json.loads(os.environ.get(ENV, '{"path": null}'))
    if spec.get("path"):
        apply(spec)         # (again, if sitecustomize did already: the same code)
