"""Stage 5: graphs. ``function`` traces Python into a graph, optimises it and runs
it as a precompiled schedule, with gradients through it.

Everything of stage 4 (and so of stages 1-3) is here too. The new names:
``function``, ``TensorSpec`` (stage 4's), ``cond``, ``case``, ``while_loop``,
``py_function``, ``numpy_function``, ``print`` (``tf.print``),
``errors.OperatorNotAllowedInGraphError``, and ``distribute``'s strategies
(``MultiWorkerMirroredStrategy`` over MPI, ``MirroredStrategy``); devices:
``device`` scopes, ``Tensor.cpu()``/``gpu()``, ``config`` (device listings,
soft placement, GPU memory), ``test.is_gpu_available``, ``contrib.eager.num_gpus``.

>>> import stage5_gpu as tf
>>> @tf.function
... def f(x):
...     return x * x
>>> x = tf.constant(3.0)
>>> with tf.GradientTape() as tape:
...     tape.watch(x)
...     y = f(x)
>>> float(y), float(tape.gradient(y, x))
(9.0, 6.0)
"""

from stage4_training import *  # noqa: F401,F403
import stage4_training as _stage4

# ``import *`` skips submodules; re-export every public module of stage 4 too.
for _name in dir(_stage4):
    if not _name.startswith("_") and _name not in globals():
        globals()[_name] = getattr(_stage4, _name)
del _name
del errors, distribute, nn, contrib, test  # noqa: F821  (stage 5 grows its own, below)

from . import distribute, errors, nn  # noqa: E402,F401
from . import config, contrib, devices, test  # noqa: E402,F401
from .devices import device  # noqa: E402,F401
from .function import Function, function  # noqa: E402,F401
from .control_flow import case, cond, while_loop  # noqa: E402,F401
from .py_func import numpy_function, py_function  # noqa: E402,F401
from .py_func import print_ as print  # noqa: E402,F401,A001  (tf.print)


def _alias_submodules():
    # ``from stage5_gpu.keras import layers`` (as TF code writes ``from
    # tensorflow.keras import layers``) needs the lower stages' modules to be
    # importable under this package's name too; stage 5's own stay its own.
    import sys
    import types
    for name, value in list(globals().items()):
        if isinstance(value, types.ModuleType) and not name.startswith("_"):
            sys.modules.setdefault(__name__ + "." + name, value)


_alias_submodules()

__version__ = "0.1.0"
