"""The other Keras losses: percentage and logarithmic errors, hinges, divergences.

Each per-sample function reduces the last axis, as those in ``functions.py``
do, and each has its class (``Hinge()``, ``KLDivergence()`` ...), made the same
way (a ``LossFunctionWrapper`` with the reduction):

* ``mean_absolute_percentage_error`` (``mape``): ``100 * mean(|y - p| / max(|y|, eps))``;
* ``mean_squared_logarithmic_error`` (``msle``): ``mean((log(1 + p) - log(1 + y)) ** 2)``,
  both clipped at ``eps`` first;
* ``hinge``, ``squared_hinge``: ``mean(max(1 - y * p, 0))`` (squared), for labels
  -1/1 (0/1 labels are turned into -1/1, as Keras does);
* ``categorical_hinge``: ``max(max((1 - y) * p) - sum(y * p) + 1, 0)``;
* ``kl_divergence`` (``kld``): ``sum(y * log(y / p))``, both clipped to ``[eps, 1]``;
* ``poisson``: ``mean(p - y * log(p + eps))``;
* ``log_cosh``: ``mean(log(cosh(p - y)))``, computed as
  ``x + softplus(-2x) - log(2)`` so that it cannot overflow;
* ``cosine_similarity``: ``-sum(l2_normalize(y) * l2_normalize(p))``: -1 for
  the same direction, so that minimising it aligns them.

>>> import stage4_training as tf
>>> tf.keras.losses.hinge([[0.0, 1.0]], [[0.3, 0.8]])
tf.Tensor([0.75], shape=(1,), dtype=float32)
>>> tf.keras.losses.KLDivergence()([[0.5, 0.5]], [[0.5, 0.5]])
tf.Tensor(0.0, shape=(), dtype=float32)
"""

import math

import stage3_layers as tf
from stage1_tensors.ops.error_scope import error_scope

from .classes import LossFunctionWrapper
from .functions import EPSILON, _predictions
from .reduction import Reduction, as_dtype_of

__all__ = ["mean_absolute_percentage_error", "mean_squared_logarithmic_error", "hinge",
           "squared_hinge", "categorical_hinge", "kl_divergence", "poisson", "log_cosh",
           "cosine_similarity", "mape", "MAPE", "msle", "MSLE", "kld", "KLD",
           "kullback_leibler_divergence", "logcosh",
           "MeanAbsolutePercentageError", "MeanSquaredLogarithmicError", "Hinge",
           "SquaredHinge", "CategoricalHinge", "KLDivergence", "Poisson", "LogCosh",
           "CosineSimilarity"]


def _pair(y_true, y_pred):
    y_pred = _predictions(y_pred)
    return as_dtype_of(y_true, y_pred), y_pred


def mean_absolute_percentage_error(y_true, y_pred):
    """``100 * mean(|y_true - y_pred| / max(|y_true|, eps), axis=-1)`` (``mape``).

    >>> import stage4_training as tf
    >>> tf.keras.losses.mean_absolute_percentage_error([[2.0, 4.0]], [[1.0, 5.0]])
    tf.Tensor([37.5], shape=(1,), dtype=float32)
    """
    with error_scope("mean_absolute_percentage_error"):
        y_true, y_pred = _pair(y_true, y_pred)
        ratio = tf.abs((y_true - y_pred) / tf.maximum(tf.abs(y_true), EPSILON))
        return 100.0 * tf.reduce_mean(ratio, axis=-1)


def mean_squared_logarithmic_error(y_true, y_pred):
    """``mean((log(max(p, eps) + 1) - log(max(y, eps) + 1)) ** 2, axis=-1)`` (``msle``).

    >>> import stage4_training as tf
    >>> round(float(tf.keras.losses.mean_squared_logarithmic_error([[0.0]], [[1.0]])[0]), 4)
    0.4805
    """
    with error_scope("mean_squared_logarithmic_error"):
        y_true, y_pred = _pair(y_true, y_pred)
        first = tf.math.log(tf.maximum(y_pred, EPSILON) + 1.0)
        second = tf.math.log(tf.maximum(y_true, EPSILON) + 1.0)
        return tf.reduce_mean(tf.square(first - second), axis=-1)


def _plus_minus_one(y_true):
    """0/1 labels as -1/1; labels that are not all 0 or 1 (-1/1 ones) stay as they are.
    Decided by an op, not in Python, so it works in a traced graph too."""
    is_binary = tf.reduce_all(tf.logical_or(tf.equal(y_true, 0.0), tf.equal(y_true, 1.0)))
    return tf.where(is_binary, 2.0 * y_true - 1.0, y_true)


def hinge(y_true, y_pred):
    """``mean(max(1 - y_true * y_pred, 0), axis=-1)``, labels -1/1 (0/1 converted).

    >>> import stage4_training as tf
    >>> tf.keras.losses.hinge([[-1.0, 1.0]], [[0.3, 0.8]])
    tf.Tensor([0.75], shape=(1,), dtype=float32)
    """
    with error_scope("hinge"):
        y_true, y_pred = _pair(y_true, y_pred)
        return tf.reduce_mean(tf.maximum(1.0 - _plus_minus_one(y_true) * y_pred, 0.0), axis=-1)


def squared_hinge(y_true, y_pred):
    """``mean(max(1 - y_true * y_pred, 0) ** 2, axis=-1)``, labels -1/1 (0/1 converted).

    >>> import stage4_training as tf
    >>> tf.keras.losses.squared_hinge([[-1.0, 1.0]], [[0.3, 0.8]])
    tf.Tensor([0.8649999], shape=(1,), dtype=float32)
    """
    with error_scope("squared_hinge"):
        y_true, y_pred = _pair(y_true, y_pred)
        margin = tf.maximum(1.0 - _plus_minus_one(y_true) * y_pred, 0.0)
        return tf.reduce_mean(tf.square(margin), axis=-1)


def categorical_hinge(y_true, y_pred):
    """``max(max((1 - y) * p) - sum(y * p) + 1, 0)`` over the last axis (one-hot labels):
    the best wrong class must score at least 1 below the right one.

    >>> import stage4_training as tf
    >>> tf.keras.losses.categorical_hinge([[0.0, 1.0, 0.0]], [[0.3, 0.8, 0.1]])
    tf.Tensor([0.5], shape=(1,), dtype=float32)
    """
    with error_scope("categorical_hinge"):
        y_true, y_pred = _pair(y_true, y_pred)
        positive = tf.reduce_sum(y_true * y_pred, axis=-1)
        negative = tf.reduce_max((1.0 - y_true) * y_pred, axis=-1)
        return tf.maximum(negative - positive + 1.0, 0.0)


def kl_divergence(y_true, y_pred):
    """``sum(y * log(y / p), axis=-1)``, both clipped to ``[eps, 1]`` (``kld``).

    >>> import stage4_training as tf
    >>> round(float(tf.keras.losses.kl_divergence([[1.0, 0.0]], [[0.5, 0.5]])[0]), 4)
    0.6931
    """
    with error_scope("kl_divergence"):
        y_true, y_pred = _pair(y_true, y_pred)
        y_true = tf.clip_by_value(y_true, EPSILON, 1.0)
        y_pred = tf.clip_by_value(y_pred, EPSILON, 1.0)
        return tf.reduce_sum(y_true * tf.math.log(y_true / y_pred), axis=-1)


def poisson(y_true, y_pred):
    """``mean(y_pred - y_true * log(y_pred + eps), axis=-1)``: the negative log
    likelihood of counts ``y_true`` under rates ``y_pred`` (up to a constant).

    >>> import stage4_training as tf
    >>> tf.keras.losses.poisson([[1.0, 0.0]], [[1.0, 2.0]])
    tf.Tensor([1.5], shape=(1,), dtype=float32)
    """
    with error_scope("poisson"):
        y_true, y_pred = _pair(y_true, y_pred)
        return tf.reduce_mean(y_pred - y_true * tf.math.log(y_pred + EPSILON), axis=-1)


def log_cosh(y_true, y_pred):
    """``mean(log(cosh(y_pred - y_true)), axis=-1)``: about ``x**2 / 2`` for small
    errors and ``|x| - log(2)`` for large ones (``logcosh``).

    >>> import stage4_training as tf
    >>> round(float(tf.keras.losses.log_cosh([[0.0]], [[100.0]])[0]), 4)   # no overflow
    99.3069
    """
    with error_scope("log_cosh"):
        y_true, y_pred = _pair(y_true, y_pred)
        x = y_pred - y_true
        return tf.reduce_mean(x + tf.nn.softplus(-2.0 * x) - math.log(2.0), axis=-1)


def cosine_similarity(y_true, y_pred, axis=-1):
    """``-sum(l2_normalize(y_true) * l2_normalize(y_pred), axis)``: -1 when they
    point the same way, 0 when orthogonal, 1 when opposite.

    >>> import stage4_training as tf
    >>> tf.keras.losses.cosine_similarity([[1.0, 0.0], [1.0, 0.0]], [[2.0, 0.0], [0.0, 3.0]])
    tf.Tensor([-1. -0.], shape=(2,), dtype=float32)
    """
    with error_scope("cosine_similarity"):
        y_true, y_pred = _pair(y_true, y_pred)
        y_true = tf.nn.l2_normalize(y_true, axis=axis)
        y_pred = tf.nn.l2_normalize(y_pred, axis=axis)
        return -tf.reduce_sum(y_true * y_pred, axis=axis)


mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
logcosh = log_cosh


class MeanAbsolutePercentageError(LossFunctionWrapper):
    """``mean_absolute_percentage_error`` with a reduction.

    >>> import stage4_training as tf
    >>> tf.keras.losses.MeanAbsolutePercentageError()([[2.0, 4.0]], [[1.0, 5.0]])
    tf.Tensor(37.5, shape=(), dtype=float32)
    """

    def __init__(self, reduction=Reduction.AUTO, name="mean_absolute_percentage_error"):
        super().__init__(mean_absolute_percentage_error, reduction=reduction, name=name)


class MeanSquaredLogarithmicError(LossFunctionWrapper):
    """``mean_squared_logarithmic_error`` with a reduction.

    >>> import stage4_training as tf
    >>> tf.keras.losses.MeanSquaredLogarithmicError()([[0.0]], [[0.0]])
    tf.Tensor(0.0, shape=(), dtype=float32)
    """

    def __init__(self, reduction=Reduction.AUTO, name="mean_squared_logarithmic_error"):
        super().__init__(mean_squared_logarithmic_error, reduction=reduction, name=name)


class Hinge(LossFunctionWrapper):
    """``hinge`` with a reduction (labels -1/1, or 0/1 converted).

    >>> import stage4_training as tf
    >>> tf.keras.losses.Hinge()([[0.0, 1.0]], [[0.3, 0.8]])
    tf.Tensor(0.75, shape=(), dtype=float32)
    """

    def __init__(self, reduction=Reduction.AUTO, name="hinge"):
        super().__init__(hinge, reduction=reduction, name=name)


class SquaredHinge(LossFunctionWrapper):
    """``squared_hinge`` with a reduction.

    >>> import stage4_training as tf
    >>> tf.keras.losses.SquaredHinge()([[0.0, 1.0]], [[0.3, 0.8]])
    tf.Tensor(0.8649999, shape=(), dtype=float32)
    """

    def __init__(self, reduction=Reduction.AUTO, name="squared_hinge"):
        super().__init__(squared_hinge, reduction=reduction, name=name)


class CategoricalHinge(LossFunctionWrapper):
    """``categorical_hinge`` with a reduction.

    >>> import stage4_training as tf
    >>> tf.keras.losses.CategoricalHinge()([[0.0, 1.0, 0.0]], [[0.3, 0.8, 0.1]])
    tf.Tensor(0.5, shape=(), dtype=float32)
    """

    def __init__(self, reduction=Reduction.AUTO, name="categorical_hinge"):
        super().__init__(categorical_hinge, reduction=reduction, name=name)


class KLDivergence(LossFunctionWrapper):
    """``kl_divergence`` with a reduction.

    >>> import stage4_training as tf
    >>> round(float(tf.keras.losses.KLDivergence()([[1.0, 0.0]], [[0.5, 0.5]])), 4)
    0.6931
    """

    def __init__(self, reduction=Reduction.AUTO, name="kl_divergence"):
        super().__init__(kl_divergence, reduction=reduction, name=name)


class Poisson(LossFunctionWrapper):
    """``poisson`` with a reduction.

    >>> import stage4_training as tf
    >>> tf.keras.losses.Poisson()([[1.0, 0.0]], [[1.0, 2.0]])
    tf.Tensor(1.5, shape=(), dtype=float32)
    """

    def __init__(self, reduction=Reduction.AUTO, name="poisson"):
        super().__init__(poisson, reduction=reduction, name=name)


class LogCosh(LossFunctionWrapper):
    """``log_cosh`` with a reduction.

    >>> import stage4_training as tf
    >>> tf.keras.losses.LogCosh()([[0.0]], [[0.0]])
    tf.Tensor(0.0, shape=(), dtype=float32)
    """

    def __init__(self, reduction=Reduction.AUTO, name="log_cosh"):
        super().__init__(log_cosh, reduction=reduction, name=name)


class CosineSimilarity(LossFunctionWrapper):
    """``cosine_similarity`` along ``axis`` with a reduction.

    >>> import stage4_training as tf
    >>> tf.keras.losses.CosineSimilarity()([[1.0, 0.0]], [[2.0, 0.0]])
    tf.Tensor(-1.0, shape=(), dtype=float32)
    """

    def __init__(self, axis=-1, reduction=Reduction.AUTO, name="cosine_similarity"):
        super().__init__(cosine_similarity, reduction=reduction, name=name, axis=int(axis))
