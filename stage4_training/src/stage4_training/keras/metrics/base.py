"""``Metric``: a running statistic whose state lives in variables.

A loss is computed fresh for every batch; a metric *accumulates* over many
batches (a whole epoch, a whole test set). It is three methods around a few
variables:

* ``update_state(...)`` adds one batch to the state (``total += sum(values)``);
* ``result()`` computes the statistic from the state (``total / count``);
* ``reset_state()`` sets the state back to zero (at the start of an epoch).

Calling the metric, ``m(values)``, is ``update_state`` then ``result``. The
state is made with ``add_weight`` (a metric is a ``Layer``), so it is ordinary
non-trainable ``Variable`` objects held as attributes: a ``Checkpoint`` finds
them by walking the object, and no optimizer ever touches them. Updating a
metric records nothing on a ``GradientTape``: it is bookkeeping, not part of the
model's computation.

>>> import stage4_training as tf
>>> m = tf.keras.metrics.Mean()
>>> _ = m(0); _ = m(5)
>>> m.result()
tf.Tensor(2.5, shape=(), dtype=float32)
>>> m([8, 9])
tf.Tensor(5.5, shape=(), dtype=float32)
>>> [v.name for v in m.variables], m.trainable_variables
(['mean/total:0', 'mean/count:0'], [])
"""

import functools

import stage3_layers as tf
from stage1_tensors.errors import InvalidArgumentError
from stage1_tensors.tensor import Tensor
from stage2_autodiff.recording import active_tapes, paused_tapes
from stage3_layers.keras.layers import Layer

from ..._errors import TEACHABLE, restate
from ..losses.reduction import squeeze_or_expand_dimensions

__all__ = ["Metric", "Reduce", "Sum", "Mean", "MeanMetricWrapper"]


def _unrecorded(update_state):
    """``update_state`` running with every tape paused (metrics are no part of a
    gradient), its errors naming the metric (``SparseCategoricalAccuracy.update_state: ...``)."""
    @functools.wraps(update_state)
    def update_state_unrecorded(self, *args, **kwargs):
        try:
            if not active_tapes():                   # the common case: no tape, no cost
                return update_state(self, *args, **kwargs)
            with paused_tapes():
                return update_state(self, *args, **kwargs)
        except TEACHABLE as error:
            raise restate(error, "%s.update_state" % type(self).__name__) from None
    update_state_unrecorded._unrecorded = True
    return update_state_unrecorded


class Metric(Layer):
    """Base class of metrics: write ``update_state`` and ``result``; make state with ``add_weight``.

    >>> import stage4_training as tf
    >>> class Largest(tf.keras.metrics.Metric):
    ...     def __init__(self, name="largest", dtype=None):
    ...         super().__init__(name=name, dtype=dtype)
    ...         self.largest = self.add_weight("largest", initializer="zeros")
    ...     def update_state(self, values):
    ...         self.largest.assign(tf.maximum(self.largest, tf.reduce_max(values)))
    ...     def result(self):
    ...         return tf.identity(self.largest)
    >>> m = Largest()
    >>> m([1.0, 4.0]); m([2.0])
    tf.Tensor(4.0, shape=(), dtype=float32)
    tf.Tensor(4.0, shape=(), dtype=float32)
    >>> m.reset_state(); m.result()
    tf.Tensor(0.0, shape=(), dtype=float32)
    """

    def __init__(self, name=None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype, **kwargs)
        self.built = True           # its state is made in __init__, not on the first call
        self.stateful = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        own = cls.__dict__.get("update_state")
        if own is not None and not getattr(own, "_unrecorded", False):
            cls.update_state = _unrecorded(own)

    def __call__(self, *args, **kwargs):
        """``update_state(*args, **kwargs)``, then the new ``result()``."""
        self.update_state(*args, **kwargs)
        return self.result()

    def update_state(self, *args, **kwargs):
        """Adds one batch to the metric's state; a subclass must override it."""
        raise NotImplementedError(
            "%s.update_state is not written: a Metric subclass adds a batch to its "
            "state variables in update_state()" % type(self).__name__)

    def result(self):
        """The metric's value, computed from its state; a subclass must override it."""
        raise NotImplementedError(
            "%s.result is not written: a Metric subclass computes its value from its "
            "state variables in result()" % type(self).__name__)

    def reset_state(self):
        """Sets every state variable back to zero.

        >>> import stage4_training as tf
        >>> m = tf.keras.metrics.Sum()
        >>> _ = m([1.0, 2.0]); m.reset_state(); m.result()
        tf.Tensor(0.0, shape=(), dtype=float32)
        """
        for variable in self.variables:
            variable.assign(tf.zeros(tuple(variable.shape), variable.dtype))

    def reset_states(self):
        """Old name of ``reset_state``."""
        self.reset_state()

    def add_weight(self, name, shape=(), aggregation=None, synchronization=None,
                   initializer="zeros", dtype=None, **kwargs):
        """A non-trainable state variable of the metric (zeros unless ``initializer`` says).

        >>> import stage4_training as tf
        >>> tf.keras.metrics.Metric(name="demo").add_weight("count")
        <tf.Variable 'demo/count:0' shape=() dtype=float32, numpy=0.0>
        """
        return super().add_weight(name=name, shape=shape, dtype=dtype or self.dtype,
                                  initializer=initializer, trainable=False)

    def get_config(self):
        """The arguments that rebuild this metric (``type(m).from_config(m.get_config())``).

        >>> import stage4_training as tf
        >>> tf.keras.metrics.BinaryAccuracy(threshold=0.7).get_config()
        {'name': 'binary_accuracy', 'dtype': 'float32', 'threshold': 0.7}
        """
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        """A new metric (fresh state) made from ``get_config()``'s dictionary."""
        return cls(**config)

    def __repr__(self):
        return "<%s name=%s>" % (type(self).__name__, self.name)


def _as(values, dtype):
    """``values`` as a tensor of ``dtype`` (no op when it already is one)."""
    if isinstance(values, Tensor) and values.dtype == dtype:
        return values
    return tf.cast(values, dtype)


def _div_no_nan(x, y):
    """``x / y``, and 0 where ``y`` is 0 (a metric that has seen nothing is 0, not NaN)."""
    nonzero = tf.not_equal(y, 0.0)
    return tf.where(nonzero, x / tf.where(nonzero, y, 1.0), 0.0)


class Reduce(Metric):
    """A metric that sums values (``"sum"``) or averages them (``"weighted_mean"``).

    ``update_state(values, sample_weight=None)``: with weights, each value
    counts ``weight`` times; the mean is ``sum(w * v) / sum(w)``.

    >>> import stage4_training as tf
    >>> m = tf.keras.metrics.Reduce("weighted_mean", name="m")
    >>> m.update_state([1.0, 3.0], sample_weight=[1.0, 3.0])
    >>> float(m.result())
    2.5
    """

    def __init__(self, reduction, name, dtype=None):
        super().__init__(name=name, dtype=dtype)
        if reduction not in ("sum", "weighted_mean", "sum_over_batch_size"):
            raise ValueError("%s: reduction must be 'sum', 'weighted_mean' or "
                             "'sum_over_batch_size', got %r" % (type(self).__name__, reduction))
        self.reduction = reduction
        self.total = self.add_weight("total")
        if reduction != "sum":
            self.count = self.add_weight("count")

    def update_state(self, values, sample_weight=None):
        """Adds ``values`` (weighted by ``sample_weight``) to the running total.

        >>> import stage4_training as tf
        >>> m = tf.keras.metrics.Mean()
        >>> m.update_state([1.0, 2.0, 6.0])
        >>> float(m.result())
        3.0
        """
        values = _as(values, self.dtype)
        if sample_weight is not None:
            sample_weight = _as(sample_weight, self.dtype)
            values, sample_weight = _apply_weights(self, values, sample_weight)
            values = values * sample_weight
        self.total.assign_add(tf.reduce_sum(values))
        if self.reduction == "sum":
            return
        if sample_weight is None or self.reduction == "sum_over_batch_size":
            count = values.shape.num_elements()     # None: known when a graph runs
            self.count.assign_add(float(count) if count is not None
                                  else tf.cast(tf.size(values), self.dtype))
        else:
            self.count.assign_add(tf.reduce_sum(sample_weight))

    def result(self):
        if self.reduction == "sum":
            return tf.identity(self.total)
        return _div_no_nan(self.total, self.count)


def _apply_weights(metric, values, sample_weight):
    """``(values, weights)`` with the weights broadcast to the values, as Keras does.

    Weights one rank above or below the values are squeezed or expanded; weights
    that cover only the leading axes (one per sample of a sequence batch, say)
    average (or sum) the values over the remaining axes first.
    """
    values, _, sample_weight = squeeze_or_expand_dimensions(values, None, sample_weight)
    v_shape, w_shape = tuple(values.shape), tuple(sample_weight.shape)
    if len(w_shape) <= len(v_shape) and all(
            w == v or w == 1 for w, v in zip(reversed(w_shape), reversed(v_shape))):
        return values, tf.broadcast_to(sample_weight, v_shape)
    if len(w_shape) < len(v_shape) and v_shape[:len(w_shape)] == w_shape:
        trailing = list(range(len(w_shape), len(v_shape)))
        reduce = tf.reduce_sum if metric.reduction == "sum" else tf.reduce_mean
        return reduce(values, trailing), sample_weight
    raise InvalidArgumentError(
        "%s (metric %r): sample_weight of shape %s does not fit values of shape %s; give "
        "a scalar, one weight per value, or one per sample (shape %s)"
        % (type(metric).__name__, metric.name, w_shape, v_shape, v_shape[:1]),
        op=metric.name)


class Sum(Reduce):
    """The (weighted) sum of everything it has seen.

    >>> import stage4_training as tf
    >>> m = tf.keras.metrics.Sum()
    >>> _ = m([1.0, 3.0, 5.0, 7.0])
    >>> m.result()
    tf.Tensor(16.0, shape=(), dtype=float32)
    """

    def __init__(self, name="sum", dtype=None):
        super().__init__(reduction="sum", name=name, dtype=dtype)


class Mean(Reduce):
    """The (weighted) mean of everything it has seen: ``total / count``.

    >>> import stage4_training as tf
    >>> m = tf.keras.metrics.Mean()
    >>> _ = m([1.0, 3.0, 5.0, 7.0], sample_weight=[1, 1, 0, 0])
    >>> m.result()
    tf.Tensor(2.0, shape=(), dtype=float32)
    >>> m.name
    'mean'
    """

    def __init__(self, name="mean", dtype=None):
        super().__init__(reduction="weighted_mean", name=name, dtype=dtype)


class MeanMetricWrapper(Mean):
    """The mean of ``fn(y_true, y_pred, **kwargs)`` over every value it returned.

    How the accuracies are made: ``fn`` gives 1.0 for a hit and 0.0 for a miss,
    and their mean is the accuracy. ``update_state(y_true, y_pred, sample_weight=None)``.

    >>> import stage4_training as tf
    >>> hits = tf.keras.metrics.MeanMetricWrapper(tf.keras.metrics.accuracy, name="hits")
    >>> hits([1, 2, 3, 4], [1, 2, 0, 0])
    tf.Tensor(0.5, shape=(), dtype=float32)
    """

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = _as(y_true, self.dtype)
        y_pred = _as(y_pred, self.dtype)
        y_pred, y_true, _ = squeeze_or_expand_dimensions(y_pred, y_true)
        matches = self._fn(y_true, y_pred, **self._fn_kwargs)
        super().update_state(matches, sample_weight=sample_weight)

    def get_config(self):
        config = super().get_config()
        config.update(self._fn_kwargs)
        return config

    @classmethod
    def from_config(cls, config):
        if cls is MeanMetricWrapper:
            raise ValueError("MeanMetricWrapper.from_config: the function it wraps is not "
                             "part of its config; construct it with MeanMetricWrapper(fn, ...)")
        return cls(**config)
