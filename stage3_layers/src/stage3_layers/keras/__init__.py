"""``keras``: layers and models as objects that own their variables.

The names follow ``tf.keras`` so the seeds' code runs with only its import line
changed: ``keras.layers`` (the layer zoo and ``Layer``), ``keras.Model`` and
``keras.Sequential`` (also under ``keras.models``), ``keras.initializers``,
``keras.regularizers``, ``keras.constraints``, ``keras.activations`` and
``keras.backend``.

>>> import stage3_layers as tf
>>> model = tf.keras.Sequential([tf.keras.layers.Dense(3, activation="relu")])
>>> model(tf.ones([2, 5])).shape
TensorShape([2, 3])
"""

from . import (activations, backend, constraints, initializers, layers,  # noqa: F401
               models, regularizers)
from .layers.core import Input  # noqa: F401
from .models import Model, Sequential  # noqa: F401

__all__ = ["activations", "backend", "constraints", "initializers", "layers", "models",
           "regularizers", "Input", "Model", "Sequential"]
