"""``keras.optimizers.schedules``: a learning rate that changes with the step.

A ``LearningRateSchedule`` is a function of the optimizer's ``iterations``
(the number of steps taken so far). Pass one as ``learning_rate`` and the
optimizer asks it for the rate at every step. The formulas are TF's:

- ``ExponentialDecay``: ``initial * decay_rate ** (step / decay_steps)``
  (``staircase``: the exponent floored);
- ``InverseTimeDecay``: ``initial / (1 + decay_rate * step / decay_steps)``;
- ``PolynomialDecay``: from ``initial`` to ``end_learning_rate`` in ``decay_steps``
  along ``(1 - step / decay_steps) ** power``;
- ``PiecewiseConstantDecay``: ``values[i]`` while ``boundaries[i-1] < step <= boundaries[i]``;
- ``CosineDecay``: half a cosine from ``initial`` down to ``alpha * initial``,
  after an optional linear warm-up to ``warmup_target``.

>>> import stage4_training as tf
>>> schedule = tf.keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
>>> schedule(10)
tf.Tensor(0.05, shape=(), dtype=float32)
"""

import math

import stage3_layers as tf

__all__ = ["LearningRateSchedule", "ExponentialDecay", "InverseTimeDecay", "PolynomialDecay",
           "PiecewiseConstantDecay", "CosineDecay", "serialize", "deserialize"]


def _step(step, who):
    """The step as a float64 tensor. Schedules compute with ops, as Keras does, so a
    training step traced by stage 5's ``function`` reads the step each time it
    runs instead of the one it saw while being traced."""
    if isinstance(step, tf.Tensor):
        if not (step.dtype.is_integer or step.dtype.is_floating) or step.shape.rank != 0:
            raise TypeError("%s: the step must be a scalar number, got %r" % (who, step))
        return tf.cast(step, "float64")
    try:
        return tf.constant(float(step), "float64")
    except (TypeError, ValueError):
        raise TypeError("%s: the step must be a number, got %r" % (who, step)) from None


def _positive(value, what, who):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ValueError("%s: %s must be a positive number, got %r" % (who, what, value))
    return value


class LearningRateSchedule:
    """Base class: define ``__call__(step)`` (the rate at that step) and ``get_config``.

    >>> import stage4_training as tf
    >>> class Halving(tf.keras.optimizers.schedules.LearningRateSchedule):
    ...     def __call__(self, step):
    ...         return 1.0 / 2 ** int(step)
    ...     def get_config(self):
    ...         return {}
    >>> w = tf.Variable(0.0)
    >>> opt = tf.keras.optimizers.SGD(learning_rate=Halving())
    >>> for _ in range(3):
    ...     _ = opt.apply_gradients([(tf.constant(-1.0), w)])
    >>> float(w)      # 1 + 1/2 + 1/4
    1.75
    """

    def __call__(self, step):
        raise NotImplementedError("%s must define __call__(step)" % type(self).__name__)

    def get_config(self):
        raise NotImplementedError("%s must define get_config()" % type(self).__name__)

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def _result(self, value):
        return tf.cast(value, "float32")


class ExponentialDecay(LearningRateSchedule):
    """``initial_learning_rate * decay_rate ** (step / decay_steps)``; ``staircase=True``
    floors ``step / decay_steps``.

    >>> import stage4_training as tf
    >>> s = tf.keras.optimizers.schedules.ExponentialDecay(1.0, 2, 0.5, staircase=True)
    >>> [float(s(step)) for step in range(5)]
    [1.0, 1.0, 0.5, 0.5, 0.25]
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name=None):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = _positive(decay_steps, "decay_steps", "ExponentialDecay")
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step):
        p = _step(step, "ExponentialDecay") / self.decay_steps
        if self.staircase:
            p = tf.floor(p)
        return self._result(self.initial_learning_rate * tf.pow(float(self.decay_rate), p))

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase, "name": self.name}


class InverseTimeDecay(LearningRateSchedule):
    """``initial_learning_rate / (1 + decay_rate * step / decay_steps)`` (floored with
    ``staircase``).

    >>> import stage4_training as tf
    >>> float(tf.keras.optimizers.schedules.InverseTimeDecay(1.0, 1, 1.0)(3))
    0.25
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name=None):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = _positive(decay_steps, "decay_steps", "InverseTimeDecay")
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step):
        p = _step(step, "InverseTimeDecay") / self.decay_steps
        if self.staircase:
            p = tf.floor(p)
        return self._result(self.initial_learning_rate / (1.0 + self.decay_rate * p))

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """``(initial - end) * (1 - step / decay_steps) ** power + end``, the step held at
    ``decay_steps`` (or, with ``cycle``, ``decay_steps`` grown to the next multiple).

    >>> import stage4_training as tf
    >>> s = tf.keras.optimizers.schedules.PolynomialDecay(1.0, 4, end_learning_rate=0.0)
    >>> [float(s(step)) for step in (0, 2, 4, 8)]
    [1.0, 0.5, 0.0, 0.0]
    """

    def __init__(self, initial_learning_rate, decay_steps, end_learning_rate=0.0001, power=1.0,
                 cycle=False, name=None):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = _positive(decay_steps, "decay_steps", "PolynomialDecay")
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name

    def __call__(self, step):
        step = _step(step, "PolynomialDecay")
        decay_steps = float(self.decay_steps)
        if self.cycle:
            multiplier = tf.maximum(tf.math.ceil(step / decay_steps), 1.0)   # 1 at step 0
            decay_steps = multiplier * decay_steps
        else:
            step = tf.minimum(step, decay_steps)
        fraction = step / decay_steps
        return self._result((self.initial_learning_rate - self.end_learning_rate)
                            * (1.0 - fraction) ** self.power + self.end_learning_rate)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "end_learning_rate": self.end_learning_rate,
                "power": self.power, "cycle": self.cycle, "name": self.name}


class PiecewiseConstantDecay(LearningRateSchedule):
    """``values[0]`` up to ``boundaries[0]`` (included), ``values[1]`` up to
    ``boundaries[1]``, ..., ``values[-1]`` after the last boundary.

    >>> import stage4_training as tf
    >>> s = tf.keras.optimizers.schedules.PiecewiseConstantDecay([2, 4], [1.0, 0.5, 0.1])
    >>> [round(float(s(step)), 6) for step in range(6)]
    [1.0, 1.0, 1.0, 0.5, 0.5, 0.1]
    """

    def __init__(self, boundaries, values, name=None):
        boundaries, values = list(boundaries), list(values)
        if len(values) != len(boundaries) + 1:
            raise ValueError("PiecewiseConstantDecay: values must have one more entry than "
                             "boundaries; got %d boundaries and %d values"
                             % (len(boundaries), len(values)))
        if any(later <= earlier for earlier, later in zip(boundaries, boundaries[1:])):
            raise ValueError("PiecewiseConstantDecay: boundaries must increase, got %r"
                             % (boundaries,))
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step):
        step = _step(step, "PiecewiseConstantDecay")
        rate = tf.constant(float(self.values[-1]), "float64")
        # From the last interval back to the first: each boundary that the step has
        # not passed yet selects its own value.
        for boundary, value in reversed(list(zip(self.boundaries, self.values))):
            rate = tf.where(step <= float(boundary), tf.constant(float(value), "float64"), rate)
        return self._result(rate)

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class CosineDecay(LearningRateSchedule):
    """Half a cosine: ``initial * ((1 - alpha) * 0.5 * (1 + cos(pi * step / decay_steps)) + alpha)``,
    the step held at ``decay_steps``. With ``warmup_target``, first ``warmup_steps`` of a
    straight line from ``initial_learning_rate`` to ``warmup_target``, then the cosine
    from ``warmup_target``.

    >>> import stage4_training as tf
    >>> s = tf.keras.optimizers.schedules.CosineDecay(1.0, decay_steps=4)
    >>> [round(float(s(step)), 4) for step in (0, 2, 4, 9)]
    [1.0, 0.5, 0.0, 0.0]
    >>> w = tf.keras.optimizers.schedules.CosineDecay(0.0, 4, warmup_target=1.0, warmup_steps=2)
    >>> [round(float(w(step)), 4) for step in (0, 1, 2, 4, 6)]
    [0.0, 0.5, 1.0, 0.5, 0.0]
    """

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name=None,
                 warmup_target=None, warmup_steps=0):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = _positive(decay_steps, "decay_steps", "CosineDecay")
        self.alpha = alpha
        self.name = name
        self.warmup_target = warmup_target
        self.warmup_steps = warmup_steps

    def __call__(self, step):
        step = _step(step, "CosineDecay")
        if self.warmup_target is None:
            start, warmup = self.initial_learning_rate, None
            decay_step = tf.minimum(step, float(self.decay_steps))
        else:
            start = self.warmup_target
            step = tf.minimum(step, float(self.decay_steps + self.warmup_steps))
            fraction = step / float(self.warmup_steps) if self.warmup_steps else step * 0.0
            warmup = self.initial_learning_rate + fraction * (
                self.warmup_target - self.initial_learning_rate)
            decay_step = tf.maximum(step - float(self.warmup_steps), 0.0)
        cosine = 0.5 * (1.0 + tf.cos(math.pi * decay_step / self.decay_steps))
        rate = start * ((1.0 - self.alpha) * cosine + self.alpha)
        if warmup is not None:
            rate = tf.where(step < float(self.warmup_steps), warmup, rate)
        return self._result(rate)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "alpha": self.alpha, "name": self.name,
                "warmup_target": self.warmup_target, "warmup_steps": self.warmup_steps}


_CLASSES = {cls.__name__: cls for cls in (ExponentialDecay, InverseTimeDecay, PolynomialDecay,
                                          PiecewiseConstantDecay, CosineDecay)}


def serialize(learning_rate_schedule):
    """A schedule as ``{"class_name", "config"}``.

    >>> import stage4_training as tf
    >>> tf.keras.optimizers.schedules.serialize(
    ...     tf.keras.optimizers.schedules.PiecewiseConstantDecay([10], [0.1, 0.01]))
    {'class_name': 'PiecewiseConstantDecay', 'config': {'boundaries': [10], 'values': [0.1, 0.01], 'name': None}}
    """
    if not isinstance(learning_rate_schedule, LearningRateSchedule):
        raise TypeError("schedules.serialize: expected a LearningRateSchedule, got %r"
                        % (learning_rate_schedule,))
    from ..utils import get_registered_name
    return {"class_name": get_registered_name(type(learning_rate_schedule)),
            "config": learning_rate_schedule.get_config()}


def deserialize(config, custom_objects=None):
    """The schedule ``serialize`` described (your own classes through ``custom_objects``
    or ``@tf.keras.utils.register_keras_serializable()``).

    >>> import stage4_training as tf
    >>> s = tf.keras.optimizers.schedules.deserialize(
    ...     {"class_name": "InverseTimeDecay",
    ...      "config": {"initial_learning_rate": 1.0, "decay_steps": 1, "decay_rate": 1.0}})
    >>> float(s(1))
    0.5
    """
    from ..utils import get_registered_object
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError("schedules.deserialize: expected {'class_name': ..., 'config': {...}}, "
                         "got %r" % (config,))
    name = config["class_name"]
    cls = get_registered_object(name, custom_objects, _CLASSES)
    if cls is None:
        raise ValueError("schedules.deserialize: unknown schedule %r; the built-in ones are %s"
                         % (name, ", ".join(sorted(_CLASSES))))
    return cls.from_config(dict(config.get("config", {})))
