"""Loss objects: a per-sample function plus a reduction, configured once, called every step.

``loss_fn = SparseCategoricalCrossentropy(from_logits=True)`` remembers its
settings; ``loss_fn(y_true, y_pred, sample_weight=None)`` then

1. ``call(y_true, y_pred)``: one loss per sample (the functions of ``functions.py``);
2. ``compute_weighted_loss``: weighs them and reduces them (``reduction.py``).

A subclass writes ``call`` only. ``get_config`` / ``from_config`` rebuild a loss
from plain Python values (how a saved model stores its loss).

>>> import stage4_training as tf
>>> loss_fn = tf.keras.losses.MeanSquaredError()
>>> loss_fn([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]])
tf.Tensor(0.5, shape=(), dtype=float32)
>>> loss_fn([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]], sample_weight=[0.7, 0.3])
tf.Tensor(0.25, shape=(), dtype=float32)
"""

import stage3_layers as tf
from stage1_tensors.tensor import Tensor
from stage3_layers.keras.backend import snake_case

from ..._errors import TEACHABLE, restate
from . import functions
from .reduction import Reduction, compute_weighted_loss, squeeze_or_expand_dimensions

__all__ = ["Loss", "LossFunctionWrapper", "MeanSquaredError", "MeanAbsoluteError", "Huber",
           "BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy"]


class Loss:
    """Base class of losses: override ``call(y_true, y_pred)`` to return one loss per sample.

    ``reduction``: ``"auto"`` (= ``"sum_over_batch_size"``), ``"sum"`` or ``"none"``.

    >>> import stage4_training as tf
    >>> class Cubed(tf.keras.losses.Loss):
    ...     def call(self, y_true, y_pred):
    ...         return tf.reduce_mean(tf.abs(y_pred - y_true) ** 3, axis=-1)
    >>> Cubed()(tf.zeros([2, 1]), tf.constant([[1.0], [2.0]]))
    tf.Tensor(4.5, shape=(), dtype=float32)
    >>> Cubed().name
    'cubed'
    """

    def __init__(self, reduction=Reduction.AUTO, name=None):
        Reduction.validate(reduction, type(self).__name__)
        self.reduction = reduction
        self.name = name if name is not None else snake_case(type(self).__name__)

    def __call__(self, y_true, y_pred, sample_weight=None):
        try:
            losses = self.call(y_true, y_pred)
            return compute_weighted_loss(losses, sample_weight, self.reduction,
                                         owner=type(self).__name__)
        except TEACHABLE as error:
            raise self._explain(error, y_true, y_pred) from None

    def call(self, y_true, y_pred):
        """The loss of each sample; a subclass must override it."""
        raise NotImplementedError(
            "%s.call(y_true, y_pred) is not written: a Loss subclass returns one loss "
            "per sample from call()" % type(self).__name__)

    def get_config(self):
        """The arguments that rebuild this loss: ``type(loss)(**loss.get_config())``.

        >>> import stage4_training as tf
        >>> tf.keras.losses.Huber(delta=2.0).get_config()
        {'reduction': 'auto', 'name': 'huber_loss', 'delta': 2.0}
        """
        return {"reduction": self.reduction, "name": self.name}

    @classmethod
    def from_config(cls, config):
        """A new loss made from ``get_config()``'s dictionary.

        >>> import stage4_training as tf
        >>> config = tf.keras.losses.BinaryCrossentropy(from_logits=True).get_config()
        >>> tf.keras.losses.BinaryCrossentropy.from_config(config).get_config() == config
        True
        """
        return cls(**config)

    def __repr__(self):
        return "<%s name=%s, reduction=%s>" % (type(self).__name__, self.name, self.reduction)

    def _explain(self, error, y_true, y_pred):
        """The op error ``error`` restated with this loss and the shapes it was given."""
        owner = type(self).__name__
        return restate(error, "%s (loss %r), called with y_true of shape %s and y_pred of shape %s"
                       % (owner, self.name, _shape(y_true), _shape(y_pred)))


class LossFunctionWrapper(Loss):
    """A ``Loss`` made from a per-sample function ``fn(y_true, y_pred, **kwargs)``.

    Before calling ``fn`` it squeezes an axis of size 1 that only one of
    ``y_true``/``y_pred`` has (labels ``(32,)`` against predictions ``(32, 1)``
    would otherwise broadcast to ``(32, 32)``).

    >>> import stage4_training as tf
    >>> loss = tf.keras.losses.LossFunctionWrapper(
    ...     tf.keras.losses.mean_absolute_error, name="l1")
    >>> loss([1.0, 2.0], [[1.0], [4.0]])
    tf.Tensor(1.0, shape=(), dtype=float32)
    """

    def __init__(self, fn, reduction=Reduction.AUTO, name=None, **kwargs):
        super().__init__(reduction=reduction, name=name)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        if not isinstance(y_pred, Tensor):
            y_pred = tf.convert_to_tensor(y_pred)
        if not isinstance(y_true, Tensor):
            y_true = tf.convert_to_tensor(y_true)
        y_pred, y_true, _ = squeeze_or_expand_dimensions(y_pred, y_true)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        config = super().get_config()
        config.update(self._fn_kwargs)
        return config


def _check_smoothing(owner, label_smoothing):
    if not 0.0 <= float(label_smoothing) <= 1.0:
        raise ValueError("%s: label_smoothing must be in [0, 1] (0 = none), got %r"
                         % (owner, label_smoothing))
    return float(label_smoothing)


class MeanSquaredError(LossFunctionWrapper):
    """Mean of the squared errors: ``mean((y_pred - y_true) ** 2)``.

    >>> import stage4_training as tf
    >>> tf.keras.losses.MeanSquaredError(reduction="none")([[0.0, 1.0]], [[1.0, 1.0]])
    tf.Tensor([0.5], shape=(1,), dtype=float32)
    """

    def __init__(self, reduction=Reduction.AUTO, name="mean_squared_error"):
        super().__init__(functions.mean_squared_error, reduction=reduction, name=name)


class MeanAbsoluteError(LossFunctionWrapper):
    """Mean of the absolute errors: ``mean(abs(y_pred - y_true))``.

    >>> import stage4_training as tf
    >>> tf.keras.losses.MeanAbsoluteError()([[0.0, 1.0]], [[1.0, 3.0]])
    tf.Tensor(1.5, shape=(), dtype=float32)
    """

    def __init__(self, reduction=Reduction.AUTO, name="mean_absolute_error"):
        super().__init__(functions.mean_absolute_error, reduction=reduction, name=name)


class Huber(LossFunctionWrapper):
    """Huber loss: quadratic for errors up to ``delta``, linear beyond (robust to outliers).

    >>> import stage4_training as tf
    >>> tf.keras.losses.Huber(delta=1.0)([[0.0, 0.0]], [[0.5, 3.0]])
    tf.Tensor(1.3125, shape=(), dtype=float32)
    """

    def __init__(self, delta=1.0, reduction=Reduction.AUTO, name="huber_loss"):
        super().__init__(functions.huber, reduction=reduction, name=name, delta=float(delta))


class BinaryCrossentropy(LossFunctionWrapper):
    """Cross-entropy of 0/1 labels against probabilities (or logits with ``from_logits=True``).

    >>> import stage4_training as tf
    >>> bce = tf.keras.losses.BinaryCrossentropy()
    >>> bce([[0.0, 1.0], [0.0, 0.0]], [[0.6, 0.4], [0.4, 0.6]])
    tf.Tensor(0.81492424, shape=(), dtype=float32)
    >>> bce.name
    'binary_crossentropy'
    """

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction=Reduction.AUTO, name="binary_crossentropy"):
        super().__init__(functions.binary_crossentropy, reduction=reduction, name=name,
                         from_logits=bool(from_logits),
                         label_smoothing=_check_smoothing(type(self).__name__, label_smoothing),
                         axis=axis)


class CategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy of one-hot labels against class probabilities (or logits).

    >>> import stage4_training as tf
    >>> cce = tf.keras.losses.CategoricalCrossentropy()
    >>> cce([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]], [[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]])
    tf.Tensor(1.1769392, shape=(), dtype=float32)
    """

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction=Reduction.AUTO, name="categorical_crossentropy"):
        super().__init__(functions.categorical_crossentropy, reduction=reduction, name=name,
                         from_logits=bool(from_logits),
                         label_smoothing=_check_smoothing(type(self).__name__, label_smoothing),
                         axis=axis)


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy of integer class labels against class probabilities (or logits).

    The loss of the seeds' MNIST training loops.

    >>> import stage4_training as tf
    >>> scce = tf.keras.losses.SparseCategoricalCrossentropy()
    >>> scce([1, 2], [[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]])
    tf.Tensor(1.1769392, shape=(), dtype=float32)
    >>> tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)([0], [[2.0, 0.0]])
    tf.Tensor(0.12692805, shape=(), dtype=float32)
    """

    def __init__(self, from_logits=False, reduction=Reduction.AUTO,
                 name="sparse_categorical_crossentropy"):
        super().__init__(functions.sparse_categorical_crossentropy, reduction=reduction,
                         name=name, from_logits=bool(from_logits))


def _shape(value):
    shape = getattr(value, "shape", None) if not isinstance(value, type) else None
    if shape is None:
        try:
            shape = tf.convert_to_tensor(value).shape
        except Exception:       # not convertible: say what it is instead
            return type(value).__name__
    return tuple(shape)
