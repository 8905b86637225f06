"""Regression metrics: the mean of a per-sample loss over every batch seen.

>>> import stage4_training as tf
>>> m = tf.keras.metrics.MeanSquaredError()
>>> m([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [0.0, 0.0]])
tf.Tensor(0.25, shape=(), dtype=float32)
"""

from ..losses import functions
from .base import MeanMetricWrapper

__all__ = ["MeanSquaredError", "MeanAbsoluteError"]


class MeanSquaredError(MeanMetricWrapper):
    """The mean of ``keras.losses.mean_squared_error`` over everything seen.

    >>> import stage4_training as tf
    >>> m = tf.keras.metrics.MeanSquaredError()
    >>> _ = m([[0.0, 1.0]], [[1.0, 1.0]])
    >>> m([[0.0, 0.0]], [[0.0, 0.0]])
    tf.Tensor(0.25, shape=(), dtype=float32)
    """

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(functions.mean_squared_error, name, dtype=dtype)


class MeanAbsoluteError(MeanMetricWrapper):
    """The mean of ``keras.losses.mean_absolute_error`` over everything seen.

    >>> import stage4_training as tf
    >>> tf.keras.metrics.MeanAbsoluteError()([[0.0, 1.0]], [[1.0, 3.0]])
    tf.Tensor(1.5, shape=(), dtype=float32)
    """

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(functions.mean_absolute_error, name, dtype=dtype)
