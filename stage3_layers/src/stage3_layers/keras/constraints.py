"""Constraints: rules a weight must obey, enforced after each training step.

A constraint is a callable ``constraint(w) -> w'`` that maps a weight's value to
the nearest allowed one. Given to a layer (``Dense(10, kernel_constraint=NonNeg())``)
it is kept by the variable (``layer.kernel.constraint``), and the optimizer
assigns ``constraint(variable)`` to the variable right after each update
(stage 4): a projection back into the allowed set, not a penalty in the loss.

Norms are taken along ``axis`` (0 by default: for a ``Dense`` kernel of shape
``(inputs, units)`` that is the vector of weights coming into each unit).

>>> import stage3_layers as tf
>>> tf.keras.constraints.MaxNorm(1.0)(tf.constant([[3.0], [4.0]]))    # norm 5 -> 1
tf.Tensor([[0.6]
           [0.8]], shape=(2, 1), dtype=float32)
>>> tf.keras.constraints.get("max_norm")
MaxNorm(max_value=2, axis=0)
"""

import stage2_autodiff as tf
from stage1_tensors.errors import OpError

from . import backend

__all__ = ["Constraint", "MaxNorm", "NonNeg", "UnitNorm", "MinMaxNorm", "max_norm",
           "non_neg", "unit_norm", "min_max_norm", "get", "serialize", "deserialize"]


def _weights(w, who):
    if not isinstance(w, tf.Tensor):
        try:
            w = tf.convert_to_tensor(w)
        except OpError as error:
            raise type(error)("%s: expected a tensor of weights, got %r (%s)"
                              % (who, w, error), op=error.op) from None
    if not w.dtype.is_floating:
        raise TypeError("%s: expected floating-point weights, got a tensor of dtype %s"
                        % (who, w.dtype.name))
    return w


def _number(value, who, what):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise ValueError("%s: %s must be a number, got %r" % (who, what, value))
    return value


def _axis(axis, who):
    """An int or a list of ints (the axes the norm sums over)."""
    ok = (isinstance(axis, int) and not isinstance(axis, bool)) or (
        isinstance(axis, (list, tuple)) and axis and all(
            isinstance(a, int) and not isinstance(a, bool) for a in axis))
    if not ok:
        raise ValueError("%s: axis must be an int or a list of ints (the axes the norm "
                         "is taken over), got %r" % (who, axis))
    return list(axis) if isinstance(axis, (list, tuple)) else axis


def _norms(w, axis, who):
    """``sqrt(sum(w ** 2, axis, keepdims=True))``, with a clear error for a bad axis."""
    rank = w.ndim
    for a in axis if isinstance(axis, list) else [axis]:
        if not -rank <= a < rank:
            raise ValueError("%s: axis %d is out of range for a weight of shape %s "
                             "(rank %d)" % (who, a, tuple(w.shape), rank))
    return tf.sqrt(tf.reduce_sum(tf.square(w), axis=axis, keepdims=True))


def _clip(x, low, high):
    """Keras's ``backend.clip``: a ``high`` below ``low`` is raised to ``low``."""
    return tf.clip_by_value(x, low, max(low, high))


class Constraint:
    """Base class: a subclass defines ``__call__(w)`` (the allowed value nearest ``w``).

    >>> import stage3_layers as tf
    >>> class AtMostOne(tf.keras.constraints.Constraint):
    ...     def __call__(self, w):
    ...         return tf.minimum(w, 1.0)
    >>> AtMostOne()(tf.constant([0.5, 3.0]))
    tf.Tensor([0.5 1. ], shape=(2,), dtype=float32)
    """

    def __call__(self, w):
        return w

    def get_config(self):
        """The constructor arguments, as plain data.

        >>> from stage3_layers.keras import constraints
        >>> constraints.UnitNorm(axis=1).get_config()
        {'axis': 1}
        """
        return {}

    @classmethod
    def from_config(cls, config):
        """``cls(**config)``: the constraint ``get_config`` described.

        >>> from stage3_layers.keras import constraints
        >>> constraints.MaxNorm.from_config({"max_value": 3, "axis": 0})
        MaxNorm(max_value=3, axis=0)
        """
        return cls(**config)

    def __repr__(self):
        args = ", ".join("%s=%r" % kv for kv in self.get_config().items())
        return "%s(%s)" % (type(self).__name__, args)


class MaxNorm(Constraint):
    """Rescales each weight vector (along ``axis``) whose norm exceeds ``max_value``
    down to that norm: ``w * clip(norms, 0, max_value) / (epsilon + norms)``.

    >>> import stage3_layers as tf
    >>> tf.keras.constraints.MaxNorm(1.0)(tf.constant([[3.0], [4.0]]))
    tf.Tensor([[0.6]
               [0.8]], shape=(2, 1), dtype=float32)
    """

    def __init__(self, max_value=2, axis=0):
        self.max_value = _number(max_value, "MaxNorm", "max_value")
        self.axis = _axis(axis, "MaxNorm")

    def __call__(self, w):
        w = _weights(w, "MaxNorm")
        norms = _norms(w, self.axis, "MaxNorm")
        desired = _clip(norms, 0, self.max_value)
        return w * (desired / (backend.epsilon() + norms))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    """Negative weights become zero: ``w * (w >= 0)`` (so -0.5 becomes -0.0, as in Keras).

    >>> import stage3_layers as tf
    >>> tf.keras.constraints.NonNeg()(tf.constant([-0.5, 0.0, 1.5]))
    tf.Tensor([-0.   0.   1.5], shape=(3,), dtype=float32)
    """

    def __call__(self, w):
        w = _weights(w, "NonNeg")
        return w * tf.cast(tf.greater_equal(w, 0.0), w.dtype)


class UnitNorm(Constraint):
    """Each weight vector (along ``axis``) divided by its norm: ``w / (epsilon + norms)``.

    >>> import stage3_layers as tf
    >>> tf.keras.constraints.UnitNorm()(tf.constant([[3.0], [4.0]]))
    tf.Tensor([[0.6]
               [0.8]], shape=(2, 1), dtype=float32)
    """

    def __init__(self, axis=0):
        self.axis = _axis(axis, "UnitNorm")

    def __call__(self, w):
        w = _weights(w, "UnitNorm")
        return w / (backend.epsilon() + _norms(w, self.axis, "UnitNorm"))

    def get_config(self):
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    """Moves each weight vector's norm into ``[min_value, max_value]``, a fraction
    ``rate`` of the way: ``desired = rate * clip(norms, min, max) + (1 - rate) * norms``,
    then ``w * desired / (epsilon + norms)``.

    >>> import stage3_layers as tf
    >>> stretch = tf.keras.constraints.MinMaxNorm(min_value=10.0, max_value=20.0)
    >>> stretch(tf.constant([[3.0], [4.0]]))      # norm 5 -> 10
    tf.Tensor([[6.]
               [8.]], shape=(2, 1), dtype=float32)
    """

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value = _number(min_value, "MinMaxNorm", "min_value")
        self.max_value = _number(max_value, "MinMaxNorm", "max_value")
        self.rate = _number(rate, "MinMaxNorm", "rate")
        self.axis = _axis(axis, "MinMaxNorm")

    def __call__(self, w):
        w = _weights(w, "MinMaxNorm")
        norms = _norms(w, self.axis, "MinMaxNorm")
        desired = (self.rate * _clip(norms, self.min_value, self.max_value)
                   + (1 - self.rate) * norms)
        return w * (desired / (backend.epsilon() + norms))

    def get_config(self):
        return {"min_value": self.min_value, "max_value": self.max_value,
                "rate": self.rate, "axis": self.axis}


# Keras's lower-case names (as module attributes and as strings).
max_norm = MaxNorm
non_neg = NonNeg
unit_norm = UnitNorm
min_max_norm = MinMaxNorm

_BY_NAME = {"max_norm": MaxNorm, "non_neg": NonNeg, "unit_norm": UnitNorm,
            "min_max_norm": MinMaxNorm, "MaxNorm": MaxNorm, "NonNeg": NonNeg,
            "UnitNorm": UnitNorm, "MinMaxNorm": MinMaxNorm}


def _class_named(name):
    from .serialization import _custom_lookup
    found = _custom_lookup().get(name) or _BY_NAME.get(name)
    if found is None:
        raise ValueError("unknown constraint %r; the built-in ones are %s (or pass a "
                         "function w -> w)" % (name, ", ".join(sorted(_BY_NAME))))
    return found


def serialize(constraint):
    """``{"class_name": ..., "config": ...}`` for a constraint (a function: its name;
    None stays None).

    >>> from stage3_layers.keras import constraints
    >>> constraints.serialize(constraints.MaxNorm(3))
    {'class_name': 'MaxNorm', 'config': {'max_value': 3, 'axis': 0}}
    """
    if constraint is None:
        return None
    if not isinstance(constraint, Constraint):
        return getattr(constraint, "_keras_registered_name", None) or constraint.__name__
    name = getattr(type(constraint), "_keras_registered_name", None)
    return {"class_name": name or type(constraint).__name__,
            "config": constraint.get_config()}


def deserialize(config, custom_objects=None):
    """The constraint ``serialize`` described: a name or a ``{"class_name", "config"}`` dict.

    >>> from stage3_layers.keras import constraints
    >>> constraints.deserialize({"class_name": "UnitNorm", "config": {"axis": 1}})
    UnitNorm(axis=1)
    """
    from .serialization import custom_object_scope
    with custom_object_scope(custom_objects):
        if isinstance(config, str):
            found = _class_named(config)
            return found() if isinstance(found, type) else found
        if isinstance(config, dict) and isinstance(config.get("class_name"), str):
            found = _class_named(config["class_name"])
            settings = config.get("config") or {}
            return found.from_config(settings) if isinstance(found, type) else found
    raise ValueError("deserialize expects a constraint's name ('non_neg') or "
                     "{'class_name': ..., 'config': {...}} (what serialize returns), got %r"
                     % (config,))


def get(identifier):
    """A constraint from a name (``"non_neg"``), a config dict, an instance, a class or
    a function ``w -> w``; None stays None.

    >>> from stage3_layers.keras import constraints
    >>> constraints.get("NonNeg")
    NonNeg()
    """
    if identifier is None or isinstance(identifier, Constraint):
        return identifier
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if isinstance(identifier, type) and issubclass(identifier, Constraint):
        return identifier()
    if callable(identifier) and not isinstance(identifier, (type, tf.Tensor)):
        return identifier
    raise ValueError("could not interpret %r as a constraint; give a name such as "
                     "'non_neg', an object such as tf.keras.constraints.MaxNorm(2), or a "
                     "function w -> w" % (identifier,))
