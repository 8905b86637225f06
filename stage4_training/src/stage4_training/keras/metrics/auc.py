"""``AUC``: the area under the ROC (or precision-recall) curve, from a confusion matrix per threshold.

The state is four vectors with one entry per threshold ``t``: how many
(weighted) examples are true positives, false positives, true negatives and
false negatives when "positive" means ``y_pred > t``. ``update_state`` adds a
batch's counts; ``result`` turns each threshold into a point of the curve and
sums the areas between neighbouring points (a Riemann sum):

* ROC: the point is ``(FP / (FP + TN), TP / (TP + FN))`` (false and true positive rate);
* PR: ``(recall, precision)``.

``summation_method="interpolation"`` (the default) takes each slice's height as
the mean of its two ends (the trapezoidal rule) for ROC; for PR it uses the
interpolation of Davis & Goadrich (2006), as Keras does. ``"minoring"`` and
``"majoring"`` take the lower and the higher end.

The thresholds are spread evenly over [0, 1]: ``num_thresholds - 2`` inner ones
plus ``-1e-7`` and ``1 + 1e-7``, so every prediction is above the first and
below the last.

>>> import stage4_training as tf
>>> m = tf.keras.metrics.AUC(num_thresholds=3)
>>> m([0, 0, 1, 1], [0.0, 0.5, 0.3, 0.9])
tf.Tensor(0.75, shape=(), dtype=float32)
"""

import stage3_layers as tf
from stage1_tensors.errors import InvalidArgumentError

from ..._errors import as_int
from ..losses.reduction import squeeze_or_expand_dimensions
from .base import Metric, _as, _div_no_nan

__all__ = ["AUC"]

_EPSILON = 1e-7
_CURVES = ("ROC", "PR")
_SUMMATIONS = ("interpolation", "minoring", "majoring")


class AUC(Metric):
    """Area under the ROC curve (``curve="ROC"``) or the precision-recall curve (``"PR"``).

    ``y_true``: 0/1 labels (any non-zero counts as positive); ``y_pred``:
    probabilities in [0, 1] (or logits with ``from_logits=True``).
    ``thresholds``: your own inner thresholds instead of evenly spread ones.

    >>> import stage4_training as tf
    >>> m = tf.keras.metrics.AUC()
    >>> _ = m([0, 1, 1, 0], [0.1, 0.8, 0.6, 0.3])
    >>> m.result()
    tf.Tensor(1.0, shape=(), dtype=float32)
    >>> m.name, len(m.thresholds)
    ('auc', 200)
    """

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation",
                 name=None, dtype=None, thresholds=None, multi_label=False, num_labels=None,
                 label_weights=None, from_logits=False):
        super().__init__(name=name or "auc", dtype=dtype)
        if multi_label or label_weights is not None:
            raise ValueError("AUC: multi_label and label_weights are not supported here; "
                             "flatten the labels and predictions into one curve instead")
        self.curve = str(curve).upper()
        self.summation_method = str(summation_method).lower()
        if self.curve not in _CURVES:
            raise ValueError("AUC: curve must be 'ROC' or 'PR', got %r" % (curve,))
        if self.summation_method not in _SUMMATIONS:
            raise ValueError("AUC: summation_method must be one of %s, got %r"
                             % (", ".join(repr(s) for s in _SUMMATIONS), summation_method))
        self._given_thresholds = thresholds is not None
        if thresholds is not None:
            inner = sorted(float(t) for t in thresholds)
            num_thresholds = len(inner) + 2
        else:
            # Four variables of num_thresholds floats each: 10 million is 160 MB already.
            num_thresholds = as_int(num_thresholds, "AUC: num_thresholds", at_least=2,
                                    at_most=10_000_000)
            inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
        self.num_thresholds = num_thresholds
        self.from_logits = bool(from_logits)
        self._thresholds = [0.0 - _EPSILON] + inner + [1.0 + _EPSILON]
        # One column: compared with a row of predictions it gives a (thresholds, N) table.
        self._threshold_column = tf.constant([[t] for t in self._thresholds], dtype=self.dtype)
        shape = (num_thresholds,)
        self.true_positives = self.add_weight("true_positives", shape=shape)
        self.true_negatives = self.add_weight("true_negatives", shape=shape)
        self.false_positives = self.add_weight("false_positives", shape=shape)
        self.false_negatives = self.add_weight("false_negatives", shape=shape)

    @property
    def thresholds(self):
        """The thresholds, from ``-1e-7`` to ``1 + 1e-7``, as Python floats."""
        return list(self._thresholds)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = _as(y_pred, self.dtype)
        if self.from_logits:
            y_pred = tf.sigmoid(y_pred)
        y_true = _as(y_true, self.dtype)
        if sample_weight is not None:
            sample_weight = _as(sample_weight, self.dtype)
        y_pred, y_true, sample_weight = squeeze_or_expand_dimensions(y_pred, y_true, sample_weight)
        self._check(y_true, y_pred)
        # Each example is a column; each threshold a row of "predicted positive?".
        predictions = tf.reshape(y_pred, [1, -1])
        positive = tf.reshape(tf.cast(tf.not_equal(y_true, 0.0), self.dtype), [1, -1])
        weights = 1.0 if sample_weight is None else tf.reshape(
            tf.broadcast_to(sample_weight, tuple(y_pred.shape)), [1, -1])
        positive_weight = positive * weights            # each example's weight if a positive
        negative_weight = (1.0 - positive) * weights    # ... if a negative
        above = tf.cast(predictions > self._threshold_column, self.dtype)
        tp = tf.reduce_sum(above * positive_weight, axis=1)
        fp = tf.reduce_sum(above * negative_weight, axis=1)
        self.true_positives.assign_add(tp)
        self.false_positives.assign_add(fp)
        self.false_negatives.assign_add(tf.reduce_sum(positive_weight) - tp)
        self.true_negatives.assign_add(tf.reduce_sum(negative_weight) - fp)

    def _check(self, y_true, y_pred):
        if tuple(y_true.shape) != tuple(y_pred.shape):
            raise InvalidArgumentError(
                "AUC (metric %r): y_true and y_pred must have the same shape, got %s and %s"
                % (self.name, tuple(y_true.shape), tuple(y_pred.shape)), op=self.name)
        # The range is checked eagerly; in a traced graph the values are not known
        # yet (TensorFlow adds an assert op there; we have none), so it is not.
        if tf.executing_eagerly() and y_pred.shape.num_elements() and bool(
                tf.logical_or(tf.reduce_min(y_pred) < 0.0, tf.reduce_max(y_pred) > 1.0)):
            raise InvalidArgumentError(
                "AUC (metric %r): predictions must be probabilities in [0, 1], got values "
                "from %g to %g; for logits use AUC(from_logits=True)"
                % (self.name, float(tf.reduce_min(y_pred)), float(tf.reduce_max(y_pred))),
                op=self.name)

    def result(self):
        tp, fp = self.true_positives, self.false_positives
        tn, fn = self.true_negatives, self.false_negatives
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self._interpolated_pr_auc()
        recall = _div_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x, y = _div_no_nan(fp, fp + tn), recall     # false positive rate, true positive rate
        else:
            x, y = recall, _div_no_nan(tp, tp + fp)     # recall, precision
        # Thresholds rise along the vectors, so x falls: the widths are x[i] - x[i + 1].
        if self.summation_method == "interpolation":
            heights = (y[:-1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = tf.minimum(y[:-1], y[1:])
        else:
            heights = tf.maximum(y[:-1], y[1:])
        return tf.reduce_sum((x[:-1] - x[1:]) * heights)

    def _interpolated_pr_auc(self):
        """The PR area by Davis & Goadrich's interpolation (precision is not linear in recall).

        Between two thresholds, TP grows linearly with P = TP + FP (slope
        ``dTP / dP``); integrating precision = TP / P over recall = TP / (TP + FN)
        along that line gives each slice in closed form.
        """
        tp, fp, fn = self.true_positives, self.false_positives, self.false_negatives
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        dp = p[:-1] - p[1:]
        slope = _div_no_nan(dtp, tf.maximum(dp, 0.0))
        intercept = tp[1:] - slope * p[1:]
        both_positive = tf.logical_and(p[:-1] > 0.0, p[1:] > 0.0)
        p_ratio = tf.where(both_positive, _div_no_nan(p[:-1], tf.maximum(p[1:], 0.0)),
                           tf.ones_like(p[1:]))
        slices = _div_no_nan(slope * (dtp + intercept * tf.math.log(p_ratio)),
                             tf.maximum(tp[1:] + fn[1:], 0.0))
        return tf.reduce_sum(slices)

    def get_config(self):
        config = super().get_config()
        config.update(num_thresholds=self.num_thresholds, curve=self.curve,
                      summation_method=self.summation_method, multi_label=False,
                      from_logits=self.from_logits)
        if self._given_thresholds:
            config["thresholds"] = self._thresholds[1:-1]
        return config
