"""``keras.metrics``: running statistics (mean loss, accuracy, AUC) whose state lives in variables.

* ``base.py``: ``Metric`` (``update_state`` / ``result`` / ``reset_state``),
  ``Mean``, ``Sum``, and ``MeanMetricWrapper`` (the mean of a per-sample function);
* ``accuracy.py``: the accuracies, as functions of one batch and as metrics;
* ``regression.py``: ``MeanSquaredError``, ``MeanAbsoluteError``;
* ``auc.py``: ``AUC``, from a confusion matrix per threshold;
* ``confusion.py``: ``Precision``, ``Recall`` and the four confusion counts.

The seeds' sample (``tfe.metrics`` is this module too):

>>> import stage4_training as tf
>>> m = tf.keras.metrics.Mean("loss")
>>> _ = m(0); _ = m(5)
>>> m.result()
tf.Tensor(2.5, shape=(), dtype=float32)
>>> _ = m([8, 9])
>>> m.result()
tf.Tensor(5.5, shape=(), dtype=float32)
"""

import difflib

from ..losses.functions import (MAE, MSE, binary_crossentropy, categorical_crossentropy,
                                huber, mae, mean_absolute_error, mean_squared_error, mse,
                                sparse_categorical_crossentropy)
from .accuracy import (Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy,
                       SparseTopKCategoricalAccuracy, TopKCategoricalAccuracy, accuracy,
                       binary_accuracy, categorical_accuracy, sparse_categorical_accuracy,
                       sparse_top_k_categorical_accuracy, top_k_categorical_accuracy)
from .auc import AUC
from .base import Mean, MeanMetricWrapper, Metric, Reduce, Sum
from .confusion import (FalseNegatives, FalsePositives, Precision, Recall, TrueNegatives,
                        TruePositives)
from .regression import MeanAbsoluteError, MeanSquaredError

__all__ = ["Metric", "Reduce", "Mean", "Sum", "MeanMetricWrapper", "Accuracy", "BinaryAccuracy",
           "CategoricalAccuracy", "SparseCategoricalAccuracy", "TopKCategoricalAccuracy",
           "SparseTopKCategoricalAccuracy", "AUC", "MeanSquaredError", "MeanAbsoluteError",
           "Precision", "Recall", "TruePositives", "FalsePositives", "TrueNegatives",
           "FalseNegatives",
           "accuracy", "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
           "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy",
           "mean_squared_error", "mse", "MSE", "mean_absolute_error", "mae", "MAE",
           "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy",
           "huber", "get", "serialize", "deserialize"]

_FUNCTIONS = {fn.__name__: fn for fn in (
    accuracy, binary_accuracy, categorical_accuracy, sparse_categorical_accuracy,
    top_k_categorical_accuracy, sparse_top_k_categorical_accuracy, mean_squared_error,
    mean_absolute_error, binary_crossentropy, categorical_crossentropy,
    sparse_categorical_crossentropy, huber)}
_FUNCTIONS.update(acc=accuracy, mse=mse, MSE=MSE, mae=mae, MAE=MAE)
_CLASSES = {cls.__name__: cls for cls in (
    Mean, Sum, Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy,
    TopKCategoricalAccuracy, SparseTopKCategoricalAccuracy, AUC, MeanSquaredError,
    MeanAbsoluteError, Precision, Recall, TruePositives, FalsePositives, TrueNegatives,
    FalseNegatives)}


def get(identifier):
    """The metric for ``identifier``: a function name (``"accuracy"``,
    ``"sparse_categorical_accuracy"``) gives the function of one batch, a class
    name (``"AUC"``) a new metric object, a ``serialize()`` dict the metric it
    describes; a callable (a Metric object, say) is returned as is.

    ``compile(metrics=["accuracy"])`` picks the accuracy that fits the loss;
    here ``"accuracy"`` is plain ``accuracy`` (exact equality), as in Keras.

    >>> import stage4_training as tf
    >>> tf.keras.metrics.get("sparse_categorical_accuracy") is tf.keras.metrics.sparse_categorical_accuracy
    True
    >>> tf.keras.metrics.get("AUC").name
    'auc'
    >>> tf.keras.metrics.get("acuracy")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: keras.metrics.get: unknown metric 'acuracy'. Did you mean 'accuracy'? Valid names are the functions ... and the classes ...; or pass a Metric object or a function (y_true, y_pred) -> values
    """
    if identifier is None or isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, str):
        if identifier in _FUNCTIONS:
            return _FUNCTIONS[identifier]
        if identifier in _CLASSES:
            return _CLASSES[identifier]()
        raise ValueError("keras.metrics.get: unknown metric %r.%s %s"
                         % (identifier, _did_you_mean(identifier), _VALID))
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError("keras.metrics.get: cannot interpret %r as a metric. %s"
                     % (identifier, _VALID))


def serialize(metric):
    """A metric as plain data: ``{"class_name", "config"}`` for objects, the name for functions.

    >>> import stage4_training as tf
    >>> tf.keras.metrics.serialize(tf.keras.metrics.Mean(name="loss"))
    {'class_name': 'Mean', 'config': {'name': 'loss', 'dtype': 'float32'}}
    """
    if isinstance(metric, Metric):
        return {"class_name": type(metric).__name__, "config": metric.get_config()}
    return getattr(metric, "__name__", metric)


def deserialize(config, custom_objects=None):
    """The metric ``serialize`` described, with fresh state.

    >>> import stage4_training as tf
    >>> tf.keras.metrics.deserialize({"class_name": "BinaryAccuracy",
    ...                               "config": {"threshold": 0.7}}).get_config()
    {'name': 'binary_accuracy', 'dtype': 'float32', 'threshold': 0.7}
    """
    known = dict(_CLASSES, **(custom_objects or {}))
    if isinstance(config, str):
        return known[config]() if config in known else get(config)
    name = config.get("class_name")
    if name not in known:
        raise ValueError("keras.metrics.deserialize: unknown metric class %r.%s %s"
                         % (name, _did_you_mean(name), _VALID))
    return known[name].from_config(config.get("config", {}))


_VALID = ("Valid names are the functions %s and the classes %s; or pass a Metric object or "
          "a function (y_true, y_pred) -> values"
          % (", ".join(sorted(_FUNCTIONS, key=str.lower)), ", ".join(sorted(_CLASSES))))


def _did_you_mean(name):
    close = difflib.get_close_matches(str(name), list(_FUNCTIONS) + list(_CLASSES), n=1)
    return " Did you mean %r?" % close[0] if close else ""
