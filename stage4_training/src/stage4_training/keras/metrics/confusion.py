"""``Precision``, ``Recall`` and the four confusion counts, at one threshold or several.

An example is *predicted positive* at threshold ``t`` when ``y_pred > t``, and
*actually positive* when ``y_true`` is not 0. Each metric keeps the (weighted)
counts it needs in variables, one entry per threshold, and reads its result
from them:

* ``TruePositives``, ``FalsePositives``, ``TrueNegatives``, ``FalseNegatives``:
  the count itself;
* ``Precision = TP / (TP + FP)``: of the predicted positives, how many are;
* ``Recall = TP / (TP + FN)``: of the positives, how many were found.

``top_k`` counts only each row's ``k`` largest predictions as candidates;
``class_id`` looks at one column (one class) of a multi-class prediction.

>>> import stage4_training as tf
>>> m = tf.keras.metrics.Precision()
>>> m([0, 1, 1, 1], [1.0, 1.0, 0.0, 0.6])        # 3 predicted positive, 2 of them right
tf.Tensor(0.6666667, shape=(), dtype=float32)
>>> tf.keras.metrics.Recall(thresholds=[0.5, 0.9])([0, 1, 1, 1], [1.0, 1.0, 0.0, 0.6])
tf.Tensor([0.6666667  0.33333334], shape=(2,), dtype=float32)
"""

import numpy as np

import stage3_layers as tf
from stage1_tensors.errors import InvalidArgumentError

from ..._errors import as_int
from ..losses.reduction import squeeze_or_expand_dimensions
from .base import Metric, _as, _div_no_nan

__all__ = ["TruePositives", "FalsePositives", "TrueNegatives", "FalseNegatives",
           "Precision", "Recall"]


class _Thresholded(Metric):
    """What the confusion metrics share: thresholds, ``top_k``, ``class_id``, and
    one batch's four counts per threshold (``_counts``)."""

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self._single = thresholds is None or np.ndim(thresholds) == 0
        values = [0.5] if thresholds is None else list(np.ravel(thresholds))
        if not values:
            raise ValueError("%s: thresholds must not be empty" % type(self).__name__)
        for t in values:
            if isinstance(t, bool) or not isinstance(t, (int, float, np.number)) \
                    or not 0.0 <= float(t) <= 1.0:
                raise ValueError("%s: each threshold must be a number in [0, 1], got %r"
                                 % (type(self).__name__, t))
        self.thresholds = float(values[0]) if self._single else [float(t) for t in values]
        self.top_k = None if top_k is None else as_int(top_k, type(self).__name__ + ": top_k",
                                                       at_least=1)
        self.class_id = None if class_id is None else as_int(
            class_id, type(self).__name__ + ": class_id", at_least=0)
        # One column: compared with a row of predictions it gives a (thresholds, N) table.
        self._threshold_column = tf.constant([[float(t)] for t in values], dtype=self.dtype)
        self._shape = (len(values),)

    def _counts(self, y_true, y_pred, sample_weight):
        """``{"tp": ..., "fp": ..., "tn": ..., "fn": ...}``, each one value per threshold."""
        name = type(self).__name__
        y_pred, y_true = _as(y_pred, self.dtype), _as(y_true, self.dtype)
        if sample_weight is not None:
            sample_weight = _as(sample_weight, self.dtype)
        y_pred, y_true, sample_weight = squeeze_or_expand_dimensions(y_pred, y_true,
                                                                     sample_weight)
        if tuple(y_true.shape) != tuple(y_pred.shape):
            raise InvalidArgumentError(
                "%s (metric %r): y_true and y_pred must have the same shape, got %s and %s"
                % (name, self.name, tuple(y_true.shape), tuple(y_pred.shape)), op=self.name)
        if tf.executing_eagerly() and y_pred.shape.num_elements() and bool(
                tf.logical_or(tf.reduce_min(y_pred) < 0.0, tf.reduce_max(y_pred) > 1.0)):
            raise InvalidArgumentError(
                "%s (metric %r): predictions must be in [0, 1] (probabilities), got values "
                "from %g to %g" % (name, self.name, float(tf.reduce_min(y_pred)),
                                   float(tf.reduce_max(y_pred))), op=self.name)
        if sample_weight is not None:
            sample_weight = tf.broadcast_to(sample_weight, tuple(y_pred.shape))
        if self.top_k is not None:
            y_pred = _only_top_k(y_pred, self.top_k)
        if self.class_id is not None:
            if y_pred.ndim == 0 or self.class_id >= y_pred.shape[-1]:
                raise InvalidArgumentError(
                    "%s (metric %r): class_id %d needs predictions with more than %d columns, "
                    "got shape %s" % (name, self.name, self.class_id, self.class_id,
                                      tuple(y_pred.shape)), op=self.name)
            y_true, y_pred = y_true[..., self.class_id], y_pred[..., self.class_id]
            if sample_weight is not None:
                sample_weight = sample_weight[..., self.class_id]
        predictions = tf.reshape(y_pred, [1, -1])
        positive = tf.reshape(tf.cast(tf.not_equal(y_true, 0.0), self.dtype), [1, -1])
        weights = 1.0 if sample_weight is None else tf.reshape(sample_weight, [1, -1])
        above = tf.cast(predictions > self._threshold_column, self.dtype)
        below = 1.0 - above
        return {"tp": tf.reduce_sum(above * positive * weights, axis=1),
                "fp": tf.reduce_sum(above * (1.0 - positive) * weights, axis=1),
                "tn": tf.reduce_sum(below * (1.0 - positive) * weights, axis=1),
                "fn": tf.reduce_sum(below * positive * weights, axis=1)}

    def _one_or_all(self, values):
        """The result for a single threshold as a scalar, for a list as a vector."""
        return values[0] if self._single else values

    def get_config(self):
        config = super().get_config()
        config.update(thresholds=self.thresholds, top_k=self.top_k, class_id=self.class_id)
        return config


def _only_top_k(y_pred, k):
    """``y_pred`` with everything but each row's ``k`` largest entries set to -inf
    (below every threshold), as Keras does for ``top_k``."""
    indices = tf.math.top_k(y_pred, k=k).indices
    chosen = tf.reduce_sum(tf.one_hot(indices, y_pred.shape[-1], dtype=y_pred.dtype), axis=-2)
    return tf.where(chosen > 0.0, y_pred, -np.inf)


class _Count(_Thresholded):
    """One of the four confusion counts; ``_which`` names it."""

    _which = None
    _default_name = None

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(thresholds, name=name or self._default_name, dtype=dtype)
        self.accumulator = self.add_weight("accumulator", shape=self._shape)

    def update_state(self, y_true, y_pred, sample_weight=None):
        self.accumulator.assign_add(self._counts(y_true, y_pred, sample_weight)[self._which])

    def result(self):
        return self._one_or_all(tf.identity(self.accumulator))

    def get_config(self):
        config = super().get_config()
        del config["top_k"], config["class_id"]
        return config


class TruePositives(_Count):
    """How many (weighted) examples are positive and predicted positive.

    >>> import stage4_training as tf
    >>> tf.keras.metrics.TruePositives()([0, 1, 1, 1], [1.0, 1.0, 0.0, 0.6])
    tf.Tensor(2.0, shape=(), dtype=float32)
    """
    _which, _default_name = "tp", "true_positives"


class FalsePositives(_Count):
    """How many (weighted) examples are negative but predicted positive.

    >>> import stage4_training as tf
    >>> tf.keras.metrics.FalsePositives()([0, 1, 1, 1], [1.0, 1.0, 0.0, 0.6])
    tf.Tensor(1.0, shape=(), dtype=float32)
    """
    _which, _default_name = "fp", "false_positives"


class TrueNegatives(_Count):
    """How many (weighted) examples are negative and predicted negative.

    >>> import stage4_training as tf
    >>> tf.keras.metrics.TrueNegatives()([0, 0, 1, 1], [0.0, 0.9, 0.0, 0.6])
    tf.Tensor(1.0, shape=(), dtype=float32)
    """
    _which, _default_name = "tn", "true_negatives"


class FalseNegatives(_Count):
    """How many (weighted) examples are positive but predicted negative.

    >>> import stage4_training as tf
    >>> tf.keras.metrics.FalseNegatives()([0, 1, 1, 1], [1.0, 1.0, 0.0, 0.6])
    tf.Tensor(1.0, shape=(), dtype=float32)
    """
    _which, _default_name = "fn", "false_negatives"


class Precision(_Thresholded):
    """Of the examples predicted positive, the (weighted) fraction that are:
    ``TP / (TP + FP)``, 0 before any was predicted positive.

    >>> import stage4_training as tf
    >>> m = tf.keras.metrics.Precision(top_k=1)
    >>> m([[0, 1, 0], [1, 0, 0]], [[0.1, 0.7, 0.6], [0.2, 0.3, 0.9]])
    tf.Tensor(0.5, shape=(), dtype=float32)
    """

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(thresholds, top_k, class_id, name=name or "precision", dtype=dtype)
        self.true_positives = self.add_weight("true_positives", shape=self._shape)
        self.false_positives = self.add_weight("false_positives", shape=self._shape)

    def update_state(self, y_true, y_pred, sample_weight=None):
        counts = self._counts(y_true, y_pred, sample_weight)
        self.true_positives.assign_add(counts["tp"])
        self.false_positives.assign_add(counts["fp"])

    def result(self):
        tp = self.true_positives
        return self._one_or_all(_div_no_nan(tp, tp + self.false_positives))


class Recall(_Thresholded):
    """Of the positive examples, the (weighted) fraction predicted positive:
    ``TP / (TP + FN)``, 0 before any positive was seen.

    >>> import stage4_training as tf
    >>> m = tf.keras.metrics.Recall(class_id=2)
    >>> m([[0, 0, 1], [0, 0, 1]], [[0.1, 0.2, 0.7], [0.6, 0.3, 0.1]])
    tf.Tensor(0.5, shape=(), dtype=float32)
    """

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(thresholds, top_k, class_id, name=name or "recall", dtype=dtype)
        self.true_positives = self.add_weight("true_positives", shape=self._shape)
        self.false_negatives = self.add_weight("false_negatives", shape=self._shape)

    def update_state(self, y_true, y_pred, sample_weight=None):
        counts = self._counts(y_true, y_pred, sample_weight)
        self.true_positives.assign_add(counts["tp"])
        self.false_negatives.assign_add(counts["fn"])

    def result(self):
        tp = self.true_positives
        return self._one_or_all(_div_no_nan(tp, tp + self.false_negatives))
