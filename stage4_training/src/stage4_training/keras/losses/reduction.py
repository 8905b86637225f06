"""Reduction: how a loss turns one value per sample into the number training minimises.

Every Keras loss is two steps. A *per-sample* function gives one loss per
example (``mean_squared_error`` averages over the last axis, so a batch of
shape ``(32, 10)`` gives 32 losses). Then the *reduction* weighs and combines them:

* ``"sum_over_batch_size"`` (what ``"auto"``, the default, means here): the sum
  of the weighted losses divided by *how many there are*, not by the sum of the
  weights. A sample weight of 0 still counts in the denominator;
* ``"sum"``: the sum of the weighted losses;
* ``"none"``: the weighted losses themselves, one per sample.

>>> import stage4_training as tf
>>> from stage4_training.keras.losses.reduction import compute_weighted_loss
>>> losses = tf.constant([1.0, 2.0, 3.0, 6.0])
>>> compute_weighted_loss(losses, sample_weight=[1.0, 1.0, 0.0, 0.0])
tf.Tensor(0.75, shape=(), dtype=float32)
>>> compute_weighted_loss(losses, reduction="sum")
tf.Tensor(12.0, shape=(), dtype=float32)
"""

import stage3_layers as tf
from stage1_tensors.tensor import Tensor

__all__ = ["Reduction", "compute_weighted_loss", "reduce_weighted_loss",
           "squeeze_or_expand_dimensions"]


class Reduction:
    """The names of the reductions (``tf.keras.losses.Reduction``).

    >>> import stage4_training as tf
    >>> tf.keras.losses.Reduction.SUM_OVER_BATCH_SIZE
    'sum_over_batch_size'
    >>> tf.keras.losses.Reduction.all()
    ('auto', 'none', 'sum', 'sum_over_batch_size')
    """

    AUTO = "auto"
    NONE = "none"
    SUM = "sum"
    SUM_OVER_BATCH_SIZE = "sum_over_batch_size"

    @classmethod
    def all(cls):
        """Every valid reduction name."""
        return (cls.AUTO, cls.NONE, cls.SUM, cls.SUM_OVER_BATCH_SIZE)

    @classmethod
    def validate(cls, key, owner="Loss"):
        """Raises a ``ValueError`` naming ``owner`` when ``key`` is no reduction.

        >>> import stage4_training as tf
        >>> tf.keras.losses.Reduction.validate("mean", "MeanSquaredError")
        Traceback (most recent call last):
        ...
        ValueError: MeanSquaredError: invalid reduction 'mean'; expected one of 'auto', 'none', 'sum', 'sum_over_batch_size' (the mean over the batch is 'sum_over_batch_size', which 'auto' means too)
        """
        if key not in cls.all():
            raise ValueError(
                "%s: invalid reduction %r; expected one of %s (the mean over the batch "
                "is 'sum_over_batch_size', which 'auto' means too)"
                % (owner, key, ", ".join(repr(k) for k in cls.all())))


def as_dtype_of(x, like):
    """``x`` as a tensor of ``like``'s dtype (no op when it already is one)."""
    if isinstance(x, Tensor) and x.dtype == like.dtype:
        return x
    return tf.cast(x, like.dtype)


def squeeze_or_expand_dimensions(y_pred, y_true=None, sample_weight=None):
    """Makes ranks agree where they differ by one axis of size 1, as Keras does.

    ``y_pred`` of shape ``(32, 1)`` against ``y_true`` of shape ``(32,)`` would
    broadcast to ``(32, 32)``; the axis of size 1 is squeezed instead. A
    ``sample_weight`` one rank above ``y_pred`` is squeezed, one rank below
    gets a last axis (so weights per sample scale every value of the sample).
    Returns ``(y_pred, y_true, sample_weight)``.

    >>> import stage4_training as tf
    >>> from stage4_training.keras.losses.reduction import squeeze_or_expand_dimensions
    >>> p, t, w = squeeze_or_expand_dimensions(tf.ones([4, 1]), tf.ones([4]), tf.ones([4, 1]))
    >>> p.shape, t.shape, w.shape
    (TensorShape([4]), TensorShape([4]), TensorShape([4]))
    """
    if y_true is not None:
        diff = y_pred.ndim - y_true.ndim
        if diff == 1 and y_pred.shape[-1] == 1:
            y_pred = tf.squeeze(y_pred, [-1])
        elif diff == -1 and y_true.shape[-1] == 1:
            y_true = tf.squeeze(y_true, [-1])
    if sample_weight is not None and sample_weight.ndim:
        diff = sample_weight.ndim - y_pred.ndim
        if diff == 1 and sample_weight.shape[-1] == 1:
            sample_weight = tf.squeeze(sample_weight, [-1])
        elif diff == -1:
            sample_weight = tf.expand_dims(sample_weight, -1)
    return y_pred, y_true, sample_weight


def reduce_weighted_loss(weighted_losses, reduction=Reduction.SUM_OVER_BATCH_SIZE):
    """Combines already weighted losses: ``"none"``, ``"sum"`` or the sum over their count.

    An empty batch gives 0 (Keras divides "no NaN": 0 / 0 is 0 here).

    >>> import stage4_training as tf
    >>> from stage4_training.keras.losses.reduction import reduce_weighted_loss
    >>> reduce_weighted_loss(tf.constant([[1.0, 2.0], [3.0, 6.0]]))
    tf.Tensor(3.0, shape=(), dtype=float32)
    """
    if reduction == Reduction.NONE:
        return weighted_losses
    if reduction == Reduction.SUM or weighted_losses.shape.num_elements() == 0:
        return tf.reduce_sum(weighted_losses)
    return tf.reduce_mean(weighted_losses)      # the sum over the count, in one op


def compute_weighted_loss(losses, sample_weight=None, reduction=Reduction.SUM_OVER_BATCH_SIZE,
                          owner="compute_weighted_loss"):
    """Weighs per-sample ``losses`` by ``sample_weight`` (broadcast), then reduces them.

    ``sample_weight`` may be a scalar, one weight per sample, or one per loss
    value. The result keeps the dtype of ``losses`` (float64 stays float64).
    ``owner`` names the caller in errors.

    >>> import stage4_training as tf
    >>> from stage4_training.keras.losses.reduction import compute_weighted_loss
    >>> compute_weighted_loss(tf.constant([1.0, 3.0]), sample_weight=2.0, reduction="none")
    tf.Tensor([2. 6.], shape=(2,), dtype=float32)
    """
    if not isinstance(losses, Tensor):
        losses = tf.convert_to_tensor(losses)
    if not losses.dtype.is_floating:
        losses = tf.cast(losses, "float32")
    if sample_weight is not None:
        sample_weight = as_dtype_of(sample_weight, losses)
        losses, _, sample_weight = squeeze_or_expand_dimensions(losses, None, sample_weight)
        if not _broadcastable(tuple(sample_weight.shape), tuple(losses.shape)):
            raise tf.errors.InvalidArgumentError(
                "%s: sample_weight of shape %s does not fit the per-sample losses of "
                "shape %s; give one weight per sample (shape %s), one per loss value, "
                "or a scalar" % (owner, tuple(sample_weight.shape), tuple(losses.shape),
                                 tuple(losses.shape)[:1]), op=owner)
        losses = losses * sample_weight
    return reduce_weighted_loss(losses, "sum_over_batch_size" if reduction == "auto"
                                else reduction)


def _broadcastable(small, big):
    """Whether an array of shape ``small`` broadcasts to ``big`` without growing ``big``."""
    if len(small) > len(big):
        return False
    return all(s == b or s == 1 for s, b in zip(reversed(small), reversed(big)))
