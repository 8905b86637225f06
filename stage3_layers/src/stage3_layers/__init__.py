"""Stage 3: layers and models, Keras-style, on top of stage 2's gradients.

Everything of stage 2 (and so of stage 1) is here too; the new names live
under ``keras``:

>>> import stage3_layers as tf
>>> tf.random.set_seed(0)
>>> layer = tf.keras.layers.Dense(3)
>>> layer(tf.ones([2, 4])).shape
TensorShape([2, 3])
>>> [v.name for v in layer.variables]
['dense/kernel:0', 'dense/bias:0']
"""

from stage2_autodiff import *  # noqa: F401,F403
import stage2_autodiff as _stage2

# ``import *`` skips submodules; re-export every public module of stage 2 too.
for _name in dir(_stage2):
    if not _name.startswith("_") and _name not in globals():
        globals()[_name] = getattr(_stage2, _name)
del _name

from . import keras  # noqa: E402,F401

__version__ = "0.1.0"
