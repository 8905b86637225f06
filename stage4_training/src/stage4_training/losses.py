"""``tf.losses``: everything of ``tf.keras.losses``, plus the TF-1 functions the seeds call.

The TF-1 functions take ``(labels, predictions-or-logits, weights=1.0)`` and return
*one number*: by default the weighted sum of the element losses divided by the
number of non-zero weights (TF-1's ``"weighted_sum_by_nonzero_weights"``, the
mean when every weight is 1). They work element by element, with no average over
the last axis first.

One name means two things in TensorFlow: ``tf.losses.mean_squared_error`` is
TF-1's (a scalar, as here), ``tf.keras.losses.mean_squared_error`` is Keras's
(one loss per sample).

>>> import stage4_training as tf
>>> tf.losses.sparse_softmax_cross_entropy(labels=[0, 1], logits=[[0.0, 0.0], [0.0, 0.0]])
tf.Tensor(0.6931472, shape=(), dtype=float32)
>>> tf.losses.mean_squared_error([[0.0], [0.0]], [[1.0], [3.0]])
tf.Tensor(5.0, shape=(), dtype=float32)
>>> tf.losses.SparseCategoricalCrossentropy is tf.keras.losses.SparseCategoricalCrossentropy
True
"""

import stage3_layers as _tf
from stage1_tensors.ops.error_scope import error_scope as _error_scope
from stage1_tensors.tensor import Tensor as _Tensor

from .keras.losses import *  # noqa: F401,F403
from .keras.losses import __all__ as _keras_names
from .keras.losses.reduction import as_dtype_of as _as_dtype_of

__all__ = sorted(set(_keras_names) | {
    "sparse_softmax_cross_entropy", "softmax_cross_entropy", "sigmoid_cross_entropy",
    "mean_squared_error", "absolute_difference", "huber_loss", "compute_weighted_loss"})

# TF-1's reduction names (tf.compat.v1.losses.Reduction), and the TF-2 names they match.
_V1_REDUCTIONS = {
    "none": "none", "weighted_sum": "weighted_sum", "sum": "weighted_sum",
    "weighted_sum_over_batch_size": "weighted_sum_over_batch_size",
    "sum_over_batch_size": "weighted_sum_over_batch_size",
    "weighted_mean": "weighted_mean",
    "weighted_sum_by_nonzero_weights": "weighted_sum_by_nonzero_weights",
}
_DEFAULT = "weighted_sum_by_nonzero_weights"


def compute_weighted_loss(losses, weights=1.0, scope=None, loss_collection=None,
                          reduction=_DEFAULT):
    """TF-1's reduction of element ``losses`` weighted by ``weights`` (broadcast to them).

    ``reduction``: ``"weighted_sum_by_nonzero_weights"`` (default: the sum over
    the count of non-zero weights), ``"weighted_mean"`` (over the sum of the
    weights), ``"weighted_sum_over_batch_size"`` (over the number of losses),
    ``"weighted_sum"`` or ``"none"``. An empty denominator gives 0.

    >>> import stage4_training as tf
    >>> tf.losses.compute_weighted_loss([1.0, 2.0, 3.0], weights=[1.0, 0.0, 2.0])
    tf.Tensor(3.5, shape=(), dtype=float32)
    >>> tf.losses.compute_weighted_loss([1.0, 2.0, 3.0], weights=[1.0, 0.0, 2.0],
    ...                                 reduction="weighted_mean")
    tf.Tensor(2.3333333, shape=(), dtype=float32)
    """
    if reduction not in _V1_REDUCTIONS:
        raise ValueError("tf.losses: invalid reduction %r; expected one of %s"
                         % (reduction, ", ".join(repr(r) for r in _V1_REDUCTIONS)))
    reduction = _V1_REDUCTIONS[reduction]
    if not isinstance(losses, _Tensor):
        losses = _tf.convert_to_tensor(losses)
    if not losses.dtype.is_floating:
        losses = _tf.cast(losses, "float32")
    weights = _as_dtype_of(weights, losses)
    weighted = losses * weights
    if tuple(weighted.shape) != tuple(losses.shape):
        raise _tf.errors.InvalidArgumentError(
            "tf.losses: weights of shape %s must broadcast to the losses' shape %s (a "
            "scalar, or a shape with the losses' sizes or 1 on each axis)"
            % (tuple(weights.shape), tuple(losses.shape)), op="compute_weighted_loss")
    if reduction == "none":
        return weighted
    total = _tf.reduce_sum(weighted)
    if reduction == "weighted_sum":
        return total
    if reduction == "weighted_sum_over_batch_size":
        count = losses.shape.num_elements()          # None: known when a graph runs
        count = (_tf.constant(float(count), dtype=losses.dtype) if count is not None
                 else _tf.cast(_tf.size(losses), losses.dtype))
    else:
        every_weight = weights * _tf.ones_like(losses)     # the weights, one per loss
        if reduction == "weighted_mean":
            count = _tf.reduce_sum(every_weight)
        else:
            count = _tf.reduce_sum(_tf.cast(_tf.not_equal(every_weight, 0.0), losses.dtype))
    return _div_no_nan(total, count)


def _div_no_nan(x, y):
    """``x / y``, or 0 where ``y`` is 0 (TF's ``div_no_nan``)."""
    nonzero = _tf.not_equal(y, 0.0)
    return _tf.where(nonzero, x / _tf.where(nonzero, y, 1.0), 0.0)


def _check_shapes(name, labels, predictions, what="predictions"):
    if tuple(labels.shape) != tuple(predictions.shape):
        raise _tf.errors.InvalidArgumentError(
            "tf.losses.%s: labels and %s must have the same shape, got labels %s and "
            "%s %s" % (name, what, tuple(labels.shape), what, tuple(predictions.shape)),
            op=name)


def _floats(labels, predictions):
    if not isinstance(predictions, _Tensor):
        predictions = _tf.convert_to_tensor(predictions)
    if not predictions.dtype.is_floating:
        predictions = _tf.cast(predictions, "float32")
    return _as_dtype_of(labels, predictions), predictions


def mean_squared_error(labels, predictions, weights=1.0, scope=None, loss_collection=None,
                       reduction=_DEFAULT):
    """TF-1's mean squared error: ``(predictions - labels) ** 2``, weighted and reduced.

    >>> import stage4_training as tf
    >>> tf.losses.mean_squared_error([1.0, 2.0], [1.0, 4.0])
    tf.Tensor(2.0, shape=(), dtype=float32)
    """
    with _error_scope("mean_squared_error"):
        labels, predictions = _floats(labels, predictions)
        _check_shapes("mean_squared_error", labels, predictions)
        losses = _tf.squared_difference(predictions, labels)
        return compute_weighted_loss(losses, weights, reduction=reduction)


def absolute_difference(labels, predictions, weights=1.0, scope=None, loss_collection=None,
                        reduction=_DEFAULT):
    """TF-1's L1 loss: ``abs(predictions - labels)``, weighted and reduced.

    >>> import stage4_training as tf
    >>> tf.losses.absolute_difference([1.0, 2.0], [1.0, 4.0], weights=[0.0, 1.0])
    tf.Tensor(2.0, shape=(), dtype=float32)
    """
    with _error_scope("absolute_difference"):
        labels, predictions = _floats(labels, predictions)
        _check_shapes("absolute_difference", labels, predictions)
        return compute_weighted_loss(_tf.abs(predictions - labels), weights, reduction=reduction)


def huber_loss(labels, predictions, weights=1.0, delta=1.0, scope=None, loss_collection=None,
               reduction=_DEFAULT):
    """TF-1's Huber loss per element: ``0.5 * q**2 + delta * (|e| - q)`` with ``q = min(|e|, delta)``.

    >>> import stage4_training as tf
    >>> tf.losses.huber_loss([0.0, 0.0], [0.5, 3.0])
    tf.Tensor(1.3125, shape=(), dtype=float32)
    """
    with _error_scope("huber_loss"):
        labels, predictions = _floats(labels, predictions)
        _check_shapes("huber_loss", labels, predictions)
        abs_error = _tf.abs(predictions - labels)
        quadratic = _tf.minimum(abs_error, float(delta))
        losses = 0.5 * quadratic * quadratic + float(delta) * (abs_error - quadratic)
        return compute_weighted_loss(losses, weights, reduction=reduction)


def sigmoid_cross_entropy(multi_class_labels, logits, weights=1.0, label_smoothing=0,
                          scope=None, loss_collection=None, reduction=_DEFAULT):
    """TF-1's binary cross-entropy of 0/1 labels against logits (``sigmoid`` inside).

    ``label_smoothing`` moves the labels towards 0.5: ``y * (1 - s) + 0.5 * s``.

    >>> import stage4_training as tf
    >>> tf.losses.sigmoid_cross_entropy([[1.0, 0.0]], [[0.0, 0.0]])
    tf.Tensor(0.6931472, shape=(), dtype=float32)
    """
    with _error_scope("sigmoid_cross_entropy"):
        labels, logits = _floats(multi_class_labels, logits)
        _check_shapes("sigmoid_cross_entropy", labels, logits, "logits")
        if label_smoothing:
            labels = labels * (1.0 - label_smoothing) + 0.5 * label_smoothing
        losses = _tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits)
        return compute_weighted_loss(losses, weights, reduction=reduction)


def softmax_cross_entropy(onehot_labels, logits, weights=1.0, label_smoothing=0, scope=None,
                          loss_collection=None, reduction=_DEFAULT):
    """TF-1's cross-entropy of one-hot labels against logits, one loss per row, then reduced.

    ``label_smoothing``: ``y * (1 - s) + s / num_classes``. No gradient flows
    into the labels (TF-1 stops it).

    >>> import stage4_training as tf
    >>> tf.losses.softmax_cross_entropy([[0.0, 1.0]], [[0.0, 0.0]])
    tf.Tensor(0.6931472, shape=(), dtype=float32)
    """
    with _error_scope("softmax_cross_entropy"):
        labels, logits = _floats(onehot_labels, logits)
        _check_shapes("softmax_cross_entropy", labels, logits, "logits")
        if label_smoothing:
            labels = labels * (1.0 - label_smoothing) + label_smoothing / labels.shape[-1]
        losses = _tf.nn.softmax_cross_entropy_with_logits(labels=_tf.stop_gradient(labels),
                                                          logits=logits)
        return compute_weighted_loss(losses, weights, reduction=reduction)


def sparse_softmax_cross_entropy(labels, logits, weights=1.0, scope=None, loss_collection=None,
                                 reduction=_DEFAULT):
    """TF-1's cross-entropy of integer class ``labels`` against ``logits``, reduced to a mean.

    ``labels`` has the shape of ``logits`` without the class axis (a trailing
    axis of size 1 is squeezed away); any integer dtype is accepted.

    >>> import stage4_training as tf
    >>> tf.losses.sparse_softmax_cross_entropy(labels=[[1]], logits=[[0.0, 5.0]])
    tf.Tensor(0.006715349, shape=(), dtype=float32)
    """
    with _error_scope("sparse_softmax_cross_entropy"):
        if not isinstance(logits, _Tensor):
            logits = _tf.convert_to_tensor(logits)
        if not isinstance(labels, _Tensor):
            labels = _tf.convert_to_tensor(labels)
        if not labels.dtype.is_integer:
            raise _tf.errors.InvalidArgumentError(
                "tf.losses.sparse_softmax_cross_entropy: labels must be integer class "
                "indices, got dtype %s; for one-hot or probability labels use "
                "tf.losses.softmax_cross_entropy" % labels.dtype.name,
                op="sparse_softmax_cross_entropy")
        if labels.dtype.name not in ("int32", "int64"):
            labels = _tf.cast(labels, "int64")
        if labels.ndim == logits.ndim and labels.ndim and labels.shape[-1] == 1:
            labels = _tf.squeeze(labels, [-1])
        losses = _tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
        return compute_weighted_loss(losses, weights, reduction=reduction)
