"""Accuracies: a function that marks each prediction 1.0 (hit) or 0.0 (miss), and its mean.

Each ``*_matches`` function below gives one hit-or-miss per sample; the metric
classes are ``MeanMetricWrapper``\\ s of them, so they average the hits over every
batch they see. The function forms (``sparse_categorical_accuracy`` ...) are the
hits of one batch, as Keras has them.

>>> import stage4_training as tf
>>> acc = tf.keras.metrics.SparseCategoricalAccuracy()
>>> acc([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0.0]])
tf.Tensor(0.5, shape=(), dtype=float32)
"""

import stage3_layers as tf
from stage1_tensors.errors import InvalidArgumentError
from stage1_tensors.tensor import Tensor

from ..._errors import as_int
from .base import MeanMetricWrapper

__all__ = ["accuracy", "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
           "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy",
           "Accuracy", "BinaryAccuracy", "CategoricalAccuracy", "SparseCategoricalAccuracy",
           "TopKCategoricalAccuracy", "SparseTopKCategoricalAccuracy"]


def _tensor(x):
    return x if isinstance(x, Tensor) else tf.convert_to_tensor(x)


def _hits(condition):
    return tf.cast(condition, "float32")


# --- the hits of one batch --------------------------------------------------------------
def accuracy(y_true, y_pred):
    """1.0 where ``y_pred == y_true`` exactly, else 0.0 (same shapes).

    >>> import stage4_training as tf
    >>> tf.keras.metrics.accuracy([1, 2, 3], [1, 2, 0])
    tf.Tensor([1. 1. 0.], shape=(3,), dtype=float32)
    """
    y_true, y_pred = _tensor(y_true), _tensor(y_pred)
    if y_true.shape != y_pred.shape:
        raise InvalidArgumentError(
            "accuracy: y_true and y_pred must have the same shape, got %s and %s"
            % (tuple(y_true.shape), tuple(y_pred.shape)), op="accuracy")
    if y_pred.dtype != y_true.dtype:
        y_pred = tf.cast(y_pred, y_true.dtype)
    return _hits(tf.equal(y_true, y_pred))


def binary_matches(y_true, y_pred, threshold=0.5):
    """1.0 where ``(y_pred > threshold)`` equals the 0/1 label, per value."""
    y_pred = _tensor(y_pred)
    if not y_pred.dtype.is_floating:
        y_pred = tf.cast(y_pred, "float32")
    predicted = tf.cast(y_pred > threshold, y_pred.dtype)
    y_true = y_true if isinstance(y_true, Tensor) and y_true.dtype == y_pred.dtype \
        else tf.cast(y_true, y_pred.dtype)
    return _hits(tf.equal(y_true, predicted))


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """The fraction of values where ``y_pred > threshold`` matches the 0/1 label (last axis).

    >>> import stage4_training as tf
    >>> tf.keras.metrics.binary_accuracy([[1.0, 0.0], [1.0, 1.0]], [[0.9, 0.6], [0.7, 0.8]])
    tf.Tensor([0.5 1. ], shape=(2,), dtype=float32)
    """
    return tf.reduce_mean(binary_matches(y_true, y_pred, threshold), axis=-1)


def sparse_categorical_matches(y_true, y_pred):
    """1.0 where the integer label ``y_true`` is ``argmax(y_pred)``; keeps ``y_true``'s shape."""
    y_true, y_pred = _tensor(y_true), _tensor(y_pred)
    true_shape = tuple(y_true.shape)
    if y_true.ndim == y_pred.ndim:          # labels of shape (batch, 1)
        if y_true.shape[-1] != 1:
            raise InvalidArgumentError(
                "sparse_categorical_accuracy: y_true holds class indices, so it must have "
                "the shape of y_pred without its class axis, or a last axis of 1; got "
                "y_true %s and y_pred %s (for one-hot labels use categorical_accuracy)"
                % (true_shape, tuple(y_pred.shape)), op="sparse_categorical_accuracy")
        y_true = tf.squeeze(y_true, [-1])
    predicted = tf.argmax(y_pred, axis=-1)
    if predicted.dtype != y_true.dtype:
        predicted = tf.cast(predicted, y_true.dtype)
    hits = _hits(tf.equal(y_true, predicted))
    return hits if tuple(hits.shape) == true_shape else tf.reshape(hits, true_shape)


def sparse_categorical_accuracy(y_true, y_pred):
    """1.0 where the integer label is the class of the highest score, per sample.

    >>> import stage4_training as tf
    >>> tf.keras.metrics.sparse_categorical_accuracy([2, 1], [[0.1, 0.6, 0.3], [0.05, 0.95, 0.0]])
    tf.Tensor([0. 1.], shape=(2,), dtype=float32)
    """
    hits = sparse_categorical_matches(y_true, y_pred)
    if hits.ndim > 1 and hits.shape[-1] == 1:
        hits = tf.squeeze(hits, [-1])
    return hits


def categorical_accuracy(y_true, y_pred):
    """1.0 where ``argmax(y_true) == argmax(y_pred)`` (one-hot labels), per sample.

    >>> import stage4_training as tf
    >>> tf.keras.metrics.categorical_accuracy([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.0], [0.05, 0.95, 0.0]])
    tf.Tensor([0. 1.], shape=(2,), dtype=float32)
    """
    return sparse_categorical_matches(tf.argmax(_tensor(y_true), axis=-1), y_pred)


def _in_top_k(predictions, targets, k):
    """Whether each target's score is among the ``k`` highest of its row.

    As ``tf.math.in_top_k``: ties at the boundary count as in (a target is in
    when fewer than ``k`` classes score strictly higher).
    """
    target_score = tf.gather(predictions, targets, axis=1, batch_dims=1)
    higher = tf.reduce_sum(tf.cast(predictions > tf.expand_dims(target_score, -1), "int32"), -1)
    return higher < k


def sparse_top_k_categorical_matches(y_true, y_pred, k=5):
    """1.0 where the integer label is among the ``k`` highest scores; keeps ``y_true``'s shape."""
    y_true, y_pred = _tensor(y_true), _tensor(y_pred)
    true_shape = tuple(y_true.shape)
    if y_pred.ndim == 0:
        raise InvalidArgumentError(
            "top_k_categorical_accuracy: y_pred must hold one score per class along its "
            "last axis, got a scalar", op="top_k_categorical_accuracy")
    if y_pred.ndim > 2:
        y_pred = tf.reshape(y_pred, [-1, y_pred.shape[-1]])
    if y_true.ndim != 1:
        y_true = tf.reshape(y_true, [-1])
    if y_true.shape[0] != y_pred.shape[0]:
        raise InvalidArgumentError(
            "top_k_categorical_accuracy: one label per row of scores is needed, got %d "
            "labels for %d rows (y_pred of shape %s)" % (y_true.shape[0], y_pred.shape[0],
                                                        tuple(y_pred.shape)),
            op="top_k_categorical_accuracy")
    hits = _hits(_in_top_k(y_pred, tf.cast(y_true, "int32"), int(k)))
    return hits if tuple(hits.shape) == true_shape else tf.reshape(hits, true_shape)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the integer label is among the ``k`` highest scores, per sample.

    >>> import stage4_training as tf
    >>> tf.keras.metrics.sparse_top_k_categorical_accuracy([2, 2], [[0.1, 0.6, 0.3], [0.05, 0.95, 0.0]], k=2)
    tf.Tensor([1. 0.], shape=(2,), dtype=float32)
    """
    hits = sparse_top_k_categorical_matches(y_true, y_pred, k)
    if hits.ndim > 1 and hits.shape[-1] == 1:
        hits = tf.squeeze(hits, [-1])
    return hits


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the one-hot label's class is among the ``k`` highest scores, per sample.

    >>> import stage4_training as tf
    >>> tf.keras.metrics.top_k_categorical_accuracy([[0, 0, 1], [0, 0, 1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0.0]], k=2)
    tf.Tensor([1. 0.], shape=(2,), dtype=float32)
    """
    return sparse_top_k_categorical_matches(tf.argmax(_tensor(y_true), axis=-1), y_pred, k)


# --- the metrics: the mean of the hits over every batch seen ------------------------------
class Accuracy(MeanMetricWrapper):
    """How often ``y_pred`` equals ``y_true`` exactly.

    >>> import stage4_training as tf
    >>> m = tf.keras.metrics.Accuracy()
    >>> m([[1], [2], [3], [4]], [[0], [2], [3], [4]])
    tf.Tensor(0.75, shape=(), dtype=float32)
    """

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(accuracy, name, dtype=dtype)


class BinaryAccuracy(MeanMetricWrapper):
    """How often ``y_pred > threshold`` matches the 0/1 label.

    >>> import stage4_training as tf
    >>> m = tf.keras.metrics.BinaryAccuracy()
    >>> m([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]])
    tf.Tensor(0.75, shape=(), dtype=float32)
    """

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        super().__init__(binary_matches, name, dtype=dtype, threshold=float(threshold))


class CategoricalAccuracy(MeanMetricWrapper):
    """How often the highest score is the one-hot label's class.

    >>> import stage4_training as tf
    >>> m = tf.keras.metrics.CategoricalAccuracy()
    >>> m([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    tf.Tensor(0.5, shape=(), dtype=float32)
    """

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(categorical_accuracy, name, dtype=dtype)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often the highest score is the integer label's class (the seeds' MNIST metric).

    >>> import stage4_training as tf
    >>> m = tf.keras.metrics.SparseCategoricalAccuracy()
    >>> _ = m([2, 1], [[0.1, 0.6, 0.3], [0.05, 0.95, 0.0]])
    >>> m([0], [[0.9, 0.1, 0.0]])
    tf.Tensor(0.6666667, shape=(), dtype=float32)
    """

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(sparse_categorical_matches, name, dtype=dtype)


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot label's class is among the ``k`` highest scores.

    >>> import stage4_training as tf
    >>> m = tf.keras.metrics.TopKCategoricalAccuracy(k=1)
    >>> m([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    tf.Tensor(0.5, shape=(), dtype=float32)
    """

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        super().__init__(top_k_categorical_accuracy, name, dtype=dtype,
                         k=as_int(k, "TopKCategoricalAccuracy: k", at_least=1))


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer label is among the ``k`` highest scores.

    >>> import stage4_training as tf
    >>> m = tf.keras.metrics.SparseTopKCategoricalAccuracy(k=1)
    >>> m([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    tf.Tensor(0.5, shape=(), dtype=float32)
    """

    def __init__(self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None):
        super().__init__(sparse_top_k_categorical_matches, name, dtype=dtype,
                         k=as_int(k, "SparseTopKCategoricalAccuracy: k", at_least=1))
