"""The per-sample loss functions: one loss per example, the last axis reduced.

Each is built from public ops, so a ``GradientTape`` differentiates it. Two
kinds of numerics matter:

* **Probabilities are clipped** to ``[EPSILON, 1 - EPSILON]`` (``EPSILON = 1e-7``,
  Keras's ``backend.epsilon()``) before their log is taken, so a confident
  wrong prediction costs ``-log(1e-7) = 16.1``, not ``inf``, and the gradient
  stays finite.
* **Logits skip that.** With ``from_logits=True`` the fused ops of stage 1
  (``tf.nn.*_cross_entropy_with_logits``) compute ``log(softmax(x))`` as
  ``x - logsumexp(x)``, which neither overflows nor needs clipping; that is why
  a model that outputs logits trains more reliably than one that outputs a
  softmax.

>>> import stage4_training as tf
>>> tf.keras.losses.sparse_categorical_crossentropy([0], [[1.0, 0.0]])
tf.Tensor([1.19209275e-07], shape=(1,), dtype=float32)
>>> tf.keras.losses.sparse_categorical_crossentropy([0], [[0.0, 0.0]], from_logits=True)
tf.Tensor([0.6931472], shape=(1,), dtype=float32)
"""

import stage3_layers as tf
from stage1_tensors.ops.error_scope import error_scope
from stage1_tensors.tensor import Tensor

from .reduction import as_dtype_of

__all__ = ["mean_squared_error", "mean_absolute_error", "huber", "binary_crossentropy",
           "categorical_crossentropy", "sparse_categorical_crossentropy",
           "mse", "MSE", "mae", "MAE", "EPSILON"]

EPSILON = 1e-7      # keras.backend.epsilon()


def _predictions(y_pred):
    """``y_pred`` as a floating tensor (integers become float32)."""
    if not isinstance(y_pred, Tensor):
        y_pred = tf.convert_to_tensor(y_pred)
    return y_pred if y_pred.dtype.is_floating else tf.cast(y_pred, "float32")


def _probabilities(p):
    """``p`` clipped into ``[EPSILON, 1 - EPSILON]``, so its log is finite."""
    return tf.clip_by_value(p, EPSILON, 1.0 - EPSILON)


def mean_squared_error(y_true, y_pred):
    """``mean((y_pred - y_true) ** 2, axis=-1)`` (also ``mse``, ``MSE``).

    >>> import stage4_training as tf
    >>> tf.keras.losses.mean_squared_error([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]])
    tf.Tensor([0.5 0.5], shape=(2,), dtype=float32)
    """
    with error_scope("mean_squared_error"):
        y_pred = _predictions(y_pred)
        y_true = as_dtype_of(y_true, y_pred)
        return tf.reduce_mean(tf.squared_difference(y_pred, y_true), axis=-1)


def mean_absolute_error(y_true, y_pred):
    """``mean(abs(y_pred - y_true), axis=-1)`` (also ``mae``, ``MAE``).

    >>> import stage4_training as tf
    >>> tf.keras.losses.mean_absolute_error([[0.0, 1.0]], [[1.0, 3.0]])
    tf.Tensor([1.5], shape=(1,), dtype=float32)
    """
    with error_scope("mean_absolute_error"):
        y_pred = _predictions(y_pred)
        y_true = as_dtype_of(y_true, y_pred)
        return tf.reduce_mean(tf.abs(y_pred - y_true), axis=-1)


def huber(y_true, y_pred, delta=1.0):
    """Squared error for small errors, linear for large ones, averaged over the last axis.

    With ``e = y_pred - y_true``: ``0.5 * e**2`` where ``|e| <= delta``, else
    ``delta * |e| - 0.5 * delta**2`` (the two pieces meet smoothly at ``delta``).

    >>> import stage4_training as tf
    >>> tf.keras.losses.huber([[0.0, 0.0]], [[0.5, 3.0]])
    tf.Tensor([1.3125], shape=(1,), dtype=float32)
    """
    with error_scope("huber"):
        y_pred = _predictions(y_pred)
        y_true = as_dtype_of(y_true, y_pred)
        delta = float(delta)
        error = y_pred - y_true
        abs_error = tf.abs(error)
        quadratic = 0.5 * tf.square(error)
        linear = delta * abs_error - 0.5 * delta * delta
        return tf.reduce_mean(tf.where(abs_error <= delta, quadratic, linear), axis=-1)


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """``-(y log p + (1 - y) log(1 - p))`` per value, averaged over ``axis``.

    ``y_pred`` holds probabilities ``p`` (clipped to ``[1e-7, 1 - 1e-7]``), or
    logits with ``from_logits=True``. ``label_smoothing`` moves the labels
    towards 0.5: ``y * (1 - s) + 0.5 * s``.

    >>> import stage4_training as tf
    >>> tf.keras.losses.binary_crossentropy([[1.0, 0.0]], [[0.5, 0.5]])
    tf.Tensor([0.69314694], shape=(1,), dtype=float32)
    >>> tf.keras.losses.binary_crossentropy([[1.0]], [[0.0]], from_logits=True)
    tf.Tensor([0.6931472], shape=(1,), dtype=float32)
    """
    with error_scope("binary_crossentropy"):
        y_pred = _predictions(y_pred)
        y_true = as_dtype_of(y_true, y_pred)
        if label_smoothing:
            y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
        if from_logits:
            losses = tf.nn.sigmoid_cross_entropy_with_logits(labels=y_true, logits=y_pred)
        else:
            # Keras clips and then adds EPSILON inside the log as well.
            p = _probabilities(y_pred)
            losses = -(y_true * tf.math.log(p + EPSILON)
                       + (1.0 - y_true) * tf.math.log(1.0 - p + EPSILON))
        return tf.reduce_mean(losses, axis=axis)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0,
                             axis=-1):
    """``-sum(y * log(p), axis)``: the cross-entropy of one-hot (or soft) labels.

    ``y_pred`` holds probabilities (each row is first divided by its sum, then
    clipped to ``[1e-7, 1 - 1e-7]``), or logits with ``from_logits=True``.
    ``label_smoothing`` mixes the labels with the uniform distribution:
    ``y * (1 - s) + s / num_classes``.

    >>> import stage4_training as tf
    >>> tf.keras.losses.categorical_crossentropy([[0.0, 1.0]], [[0.5, 0.5]])
    tf.Tensor([0.6931472], shape=(1,), dtype=float32)
    """
    with error_scope("categorical_crossentropy"):
        y_pred = _predictions(y_pred)
        y_true = as_dtype_of(y_true, y_pred)
        if y_true.shape != y_pred.shape:
            raise tf.errors.InvalidArgumentError(
                "categorical_crossentropy: y_true and y_pred must have the same shape "
                "(one column per class), got y_true %s and y_pred %s; for integer class "
                "labels use sparse_categorical_crossentropy"
                % (tuple(y_true.shape), tuple(y_pred.shape)), op="categorical_crossentropy")
        if label_smoothing:
            num_classes = y_true.shape[axis]
            y_true = y_true * (1.0 - label_smoothing) + label_smoothing / num_classes
        if from_logits:
            return tf.nn.softmax_cross_entropy_with_logits(labels=y_true, logits=y_pred,
                                                           axis=axis)
        p = _probabilities(y_pred / tf.reduce_sum(y_pred, axis, keepdims=True))
        return -tf.reduce_sum(y_true * tf.math.log(p), axis)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, axis=-1):
    """``-log(p[y])``: the cross-entropy of integer class labels.

    ``y_true`` holds class indices with the shape of ``y_pred`` without its
    class axis (a trailing axis of size 1 is fine too); float labels are cast
    to integers. Probabilities are clipped to ``[1e-7, 1 - 1e-7]``; logits
    (``from_logits=True``) go straight to the fused
    ``tf.nn.sparse_softmax_cross_entropy_with_logits``.

    >>> import stage4_training as tf
    >>> tf.keras.losses.sparse_categorical_crossentropy([1, 0], [[0.5, 0.5], [0.9, 0.1]])
    tf.Tensor([0.6931472  0.10536057], shape=(2,), dtype=float32)
    """
    with error_scope("sparse_categorical_crossentropy"):
        y_pred = _predictions(y_pred)
        if not isinstance(y_true, Tensor):
            y_true = tf.convert_to_tensor(y_true)
        if y_pred.ndim == 0:
            raise tf.errors.InvalidArgumentError(
                "sparse_categorical_crossentropy: y_pred must hold one score per class along "
                "its last axis, got a scalar; y_true holds the class indices",
                op="sparse_categorical_crossentropy")
        if axis != -1 and axis != y_pred.ndim - 1:       # move the classes last
            perm = [a for a in range(y_pred.ndim) if a != axis % y_pred.ndim] + [axis]
            y_pred = tf.transpose(y_pred, perm)
        # log(clip(p)) are logits whose softmax is p (renormalised): one fused op serves both.
        logits = y_pred if from_logits else tf.math.log(_probabilities(y_pred))
        labels = y_true if y_true.dtype.name in ("int32", "int64") else tf.cast(y_true, "int64")
        if labels.ndim == logits.ndim - 1:
            return tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
        # Labels of shape (batch, 1), say: flatten both, then give the result its shape back.
        classes = logits.shape[-1]
        losses = tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=tf.reshape(labels, [-1]), logits=tf.reshape(logits, [-1, classes]))
        return losses if logits.ndim < 3 else tf.reshape(losses, tuple(logits.shape)[:-1])


mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
