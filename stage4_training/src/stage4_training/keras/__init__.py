"""``keras``: stage 3's layers and models, plus what training needs.

Stage 3's ``keras`` is re-exported whole (``layers``, ``initializers``,
``regularizers``, ``constraints``, ``activations``, ``backend``, ``Input``);
stage 4 adds ``optimizers``, ``losses``, ``metrics``, ``callbacks``,
``datasets``, and ``Model`` / ``Sequential`` that can ``compile``, ``fit``,
``evaluate``, ``predict`` and ``save`` (``models.load_model`` reads them back).

>>> import stage4_training as tf
>>> sorted(n for n in ("optimizers", "losses", "metrics", "layers") if hasattr(tf.keras, n))
['layers', 'losses', 'metrics', 'optimizers']
"""

from stage3_layers.keras import activations, backend, initializers, layers  # noqa: F401
from stage3_layers.keras import constraints, regularizers  # noqa: F401
from stage3_layers.keras import Input  # noqa: F401

from . import losses, metrics, optimizers  # noqa: F401
from . import callbacks, datasets, models, utils  # noqa: F401
from .models import Model, Sequential  # noqa: F401

__all__ = ["activations", "backend", "initializers", "regularizers", "constraints",
           "layers", "Input",
           "optimizers", "losses", "metrics", "callbacks", "datasets", "models", "utils",
           "Model", "Sequential"]
