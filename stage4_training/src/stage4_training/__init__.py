"""Stage 4: training. Optimizers, losses, metrics, datasets, checkpoints,
summaries and ``Model.fit``, on top of stage 3's layers.

Everything of stage 3 (and so of stages 1 and 2) is here too. The new names:
``keras.optimizers``, ``keras.losses``, ``keras.metrics``, ``keras.callbacks``,
``keras.datasets``, ``Model.compile/fit/evaluate/predict/save``,
``data.Dataset``, ``train.Checkpoint``, ``summary`` and the TF-1 forms the
seeds use (``train.GradientDescentOptimizer``, ``losses.sparse_softmax_cross_entropy``,
``contrib.summary``, ``contrib.eager.metrics``), and ``distribute``'s default
(one-replica) strategy, whose hooks stage 5's MPI strategies fill in.

>>> import stage4_training as tf
>>> m = tf.keras.metrics.Mean()
>>> _ = m(0); _ = m(5)     # as in the seed: m(0); m(5)
>>> float(m.result())
2.5
"""

from stage3_layers import *  # noqa: F401,F403
import stage3_layers as _stage3

# ``import *`` skips submodules; re-export every public module of stage 3 too.
for _name in dir(_stage3):
    if not _name.startswith("_") and _name not in globals():
        globals()[_name] = getattr(_stage3, _name)
del _name
# Two of them stage 4 grows: its own ``keras`` and ``contrib`` take their place
# (``from . import keras`` would otherwise find stage 3's module already bound).
del keras, contrib  # noqa: F821

from . import keras  # noqa: E402,F401  (stage 3's keras, grown)
from . import data, distribute, losses, summary, train  # noqa: E402,F401
from . import contrib  # noqa: E402,F401

from .data.tensor_spec import TensorSpec  # noqa: E402,F401  (tf.TensorSpec)

optimizers = keras.optimizers  # tf.optimizers is tf.keras.optimizers in TF 2
metrics = keras.metrics        # tf.metrics likewise

__version__ = "0.1.0"
