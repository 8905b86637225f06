"""What ``compile`` makes of its arguments: one loss object and a list of metric objects.

* ``loss``: a name (``"mse"``, ``"sparse_categorical_crossentropy"``), a
  function ``(y_true, y_pred) -> per-sample losses`` or a ``Loss`` object.
  Names and functions are wrapped in a ``LossFunctionWrapper``, so every loss
  takes ``sample_weight`` and reduces to one number the same way.
* ``metrics``: names, functions or ``Metric`` objects. ``"accuracy"`` (or
  ``"acc"``) becomes the accuracy that fits the loss — sparse categorical for
  ``sparse_categorical_crossentropy``, categorical for
  ``categorical_crossentropy``, binary for ``binary_crossentropy`` — and
  otherwise the one that fits the shapes: binary when the model outputs one
  column, sparse when the labels have one axis less (or one column against
  many), categorical else. That choice needs the first batch, so the metric
  objects are made then (``model.metrics`` is empty until the model has
  trained or evaluated, as in Keras).
* The loss shown in the logs is a ``Mean`` metric named ``"loss"``: the
  running mean of the batch losses, each weighted by its batch's size.

>>> import stage4_training as tf
>>> from stage4_training.keras.compile_utils import CompiledState
>>> state = CompiledState("sparse_categorical_crossentropy", ["accuracy"])
>>> state.build([1, 0], [[0.2, 0.8], [0.9, 0.1]])
>>> [(m.name, type(m).__name__) for m in state.metrics]
[('loss', 'Mean'), ('accuracy', 'MeanMetricWrapper')]
>>> state.metrics[1].update_state([1, 0], [[0.2, 0.8], [0.9, 0.1]])
>>> float(state.metrics[1].result())
1.0
"""

import numbers

import numpy as np

from . import losses as losses_module
from . import metrics as metrics_module

__all__ = ["CompiledState", "resolve_loss", "resolve_metric"]

_SPARSE, _CATEGORICAL, _BINARY = ("sparse_categorical_crossentropy",
                                  "categorical_crossentropy", "binary_crossentropy")
_LOSS_CLASS_KIND = {"SparseCategoricalCrossentropy": _SPARSE,
                    "CategoricalCrossentropy": _CATEGORICAL,
                    "BinaryCrossentropy": _BINARY}


def resolve_loss(loss):
    """A ``Loss`` object for a name, a function or a ``Loss`` (None stays None).

    >>> from stage4_training.keras.compile_utils import resolve_loss
    >>> resolve_loss("mse")([[1.0]], [[3.0]])
    tf.Tensor(4.0, shape=(), dtype=float32)
    """
    if loss is None:
        return None
    found = losses_module.get(loss)
    if isinstance(found, losses_module.Loss):
        return found
    if not callable(found):
        raise ValueError("compile: loss must be a name, a function (y_true, y_pred) -> "
                         "losses or a keras.losses.Loss object, got %r" % (loss,))
    name = loss if isinstance(loss, str) else getattr(found, "__name__", "loss")
    return losses_module.LossFunctionWrapper(found, name=name)


def _loss_kind(loss):
    """Which cross-entropy ``loss`` is (by function or class), or None."""
    if loss is None:
        return None
    fn = getattr(loss, "fn", None)
    name = getattr(fn, "__name__", None) if fn is not None else None
    if name in (_SPARSE, _CATEGORICAL, _BINARY):
        return name
    return _LOSS_CLASS_KIND.get(type(loss).__name__)


def _accuracy_for(loss, y_true, y_pred):
    kind = _loss_kind(loss)
    if kind == _SPARSE:
        return metrics_module.sparse_categorical_accuracy
    if kind == _CATEGORICAL:
        return metrics_module.categorical_accuracy
    if kind == _BINARY:
        return metrics_module.binary_accuracy
    true_shape, pred_shape = np.shape(y_true), np.shape(y_pred)
    true_last = true_shape[-1] if true_shape else None
    pred_last = pred_shape[-1] if pred_shape else None
    if pred_last == 1:
        return metrics_module.binary_accuracy
    if len(true_shape) < len(pred_shape) or (true_last == 1 and (pred_last or 0) > 1):
        return metrics_module.sparse_categorical_accuracy
    return metrics_module.categorical_accuracy


def resolve_metric(metric, loss=None, y_true=None, y_pred=None):
    """A ``Metric`` object for a name, a function or a ``Metric``; ``"accuracy"``
    and ``"acc"`` pick the accuracy that fits ``loss`` and the shapes.

    >>> from stage4_training.keras.compile_utils import resolve_metric
    >>> acc = resolve_metric("acc", y_true=[[1.0]], y_pred=[[0.7]])   # one column: binary
    >>> float(acc([[1.0]], [[0.7]]))
    1.0
    """
    if isinstance(metric, metrics_module.Metric):
        return metric
    if isinstance(metric, str) and metric in ("accuracy", "acc"):
        return metrics_module.MeanMetricWrapper(_accuracy_for(loss, y_true, y_pred),
                                                name=metric)
    found = metrics_module.get(metric)
    if isinstance(found, metrics_module.Metric):
        return found
    if not callable(found):
        raise ValueError("compile: a metric must be a name, a function (y_true, y_pred) or "
                         "a keras.metrics.Metric object, got %r" % (metric,))
    name = metric if isinstance(metric, str) else getattr(found, "__name__", "metric")
    return metrics_module.MeanMetricWrapper(found, name=name)


def _loss_weight(loss_weights):
    if loss_weights is None:
        return 1.0
    if isinstance(loss_weights, dict):
        loss_weights = list(loss_weights.values())
    if isinstance(loss_weights, (list, tuple)):
        if len(loss_weights) != 1:
            raise ValueError("compile: loss_weights has %d entries but the model has one "
                             "output" % len(loss_weights))
        loss_weights = loss_weights[0]
    if not isinstance(loss_weights, numbers.Real):
        raise ValueError("compile: loss_weights must be a number (or a list of one), got %r"
                         % (loss_weights,))
    return float(loss_weights)


class CompiledState:
    """The loss, the loss's running mean and the metrics of one ``compile`` call."""

    def __init__(self, loss=None, metrics=None, loss_weights=None):
        self.loss = resolve_loss(loss)
        self.loss_weight = _loss_weight(loss_weights)
        if metrics is None:
            metrics = []
        elif isinstance(metrics, (str, metrics_module.Metric)) or callable(metrics):
            metrics = [metrics]
        elif isinstance(metrics, dict):
            raise ValueError("compile: metrics as a dict (one list per output) is for models "
                             "with several outputs, which this compile() does not handle; "
                             "give a list, e.g. metrics=['accuracy']")
        elif not isinstance(metrics, (list, tuple)):
            raise TypeError("compile: metrics must be a list of names, functions or Metric "
                            "objects (e.g. ['accuracy']), got %r" % (metrics,))
        self.given_metrics = list(metrics)
        self.loss_tracker = metrics_module.Mean(name="loss")
        self.metric_objects = None        # made from the first batch, in build()
        self.config = {"loss": loss, "metrics": metrics, "loss_weights": loss_weights}

    @property
    def built(self):
        return self.metric_objects is not None

    def build(self, y_true, y_pred):
        """Makes the metric objects, now that a batch shows the shapes."""
        if self.metric_objects is None:
            self.metric_objects = [resolve_metric(m, self.loss, y_true, y_pred)
                                   for m in self.given_metrics]

    @property
    def metrics(self):
        """``[loss tracker] + metrics`` once built; empty before the first batch."""
        if self.metric_objects is None:
            return []
        return [self.loss_tracker] + self.metric_objects
