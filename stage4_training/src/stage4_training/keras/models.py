"""``keras.models``: ``Model`` and ``Sequential`` that train, and ``load_model``.

Stage 4's ``Model`` is stage 3's ``Model`` plus the training methods
(``training.py``); its ``Sequential`` is stage 3's ``Sequential`` on top of
it, so a ``Sequential`` is a ``tf.keras.Model`` and has ``fit`` too::

    Sequential -> Model (stage 4: compile, fit, ...) -> Sequential (stage 3) -> Model (stage 3) -> Layer

>>> import stage4_training as tf
>>> model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(2,))])
>>> isinstance(model, tf.keras.Model), hasattr(model, "fit")
(True, True)
>>> [c.__module__.split(".")[0] + "." + c.__name__ for c in type(model).__mro__[:5]]
['stage4_training.Sequential', 'stage4_training.Model', 'stage3_layers.Sequential', 'stage3_layers.Model', 'stage3_layers.Layer']
"""

from stage3_layers.keras import models as stage3_models

from .saving import load_model, save_model
from .training import Model

__all__ = ["Model", "Sequential", "load_model", "save_model"]


class Sequential(Model, stage3_models.Sequential):
    """A linear stack of layers that can ``compile``, ``fit``, ``evaluate``,
    ``predict`` and ``save`` (stage 3's ``Sequential`` with stage 4's ``Model``).

    >>> import numpy as np
    >>> import stage4_training as tf
    >>> model = tf.keras.Sequential([tf.keras.layers.Dense(4, activation="relu", input_shape=(3,)),
    ...                              tf.keras.layers.Dense(2)])
    >>> model.compile(optimizer="adam", loss="mse")
    >>> model.predict(np.zeros((5, 3)), verbose=0).shape
    (5, 2)
    """
