"""Regularizers: penalties on a layer's weights (or outputs) added to the loss.

A regularizer is a callable ``regularizer(x) -> scalar tensor``. Given to a
layer (``Dense(10, kernel_regularizer=L2(0.01))``), it makes ``layer.losses``
hold ``regularizer(kernel)``, recomputed from the current weights each time
``losses`` is read, so a ``GradientTape`` sees it and ``fit`` adds it to the
loss it minimises. The two classic penalties:

* **L1**: ``l1 * sum(|x|)`` pushes weights to exactly zero (sparse weights);
* **L2**: ``l2 * sum(x ** 2)`` (weight decay) keeps every weight small.

>>> import stage3_layers as tf
>>> tf.keras.regularizers.L2(0.1)(tf.constant([1.0, -2.0]))
tf.Tensor(0.5, shape=(), dtype=float32)
>>> tf.keras.regularizers.get("l1")
L1(l1=0.01)
"""

import math

import numpy as np

import stage2_autodiff as tf
from stage1_tensors.errors import OpError

__all__ = ["Regularizer", "L1", "L2", "L1L2", "l1", "l2", "l1_l2", "get", "serialize",
           "deserialize"]


def _penalty(value, who, what):
    """``value`` as a float, or a ValueError saying what a penalty factor is."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
        raise ValueError("%s: %s=%r is not a valid regularization penalty number; give an "
                         "int or a float, such as 0.01" % (who, what, value))
    value = float(value)
    if math.isinf(value) or math.isnan(value):
        raise ValueError("%s: %s=%r is not a valid regularization penalty number; an "
                         "infinite number or NaN is not" % (who, what, value))
    return value


def _weights(x, who):
    """``x`` as a floating-point tensor (a penalty of integers means nothing)."""
    if not isinstance(x, tf.Tensor):
        try:
            x = tf.convert_to_tensor(x)
        except OpError as error:
            raise type(error)("%s: expected a tensor of weights, got %r (%s)"
                              % (who, x, error), op=error.op) from None
    if not x.dtype.is_floating:
        raise TypeError("%s: expected floating-point weights, got a tensor of dtype %s"
                        % (who, x.dtype.name))
    return x


class Regularizer:
    """Base class: a subclass defines ``__call__(x)`` (a scalar tensor) and ``get_config``.

    >>> import stage3_layers as tf
    >>> class Sum(tf.keras.regularizers.Regularizer):
    ...     def __call__(self, x):
    ...         return tf.reduce_sum(x)
    >>> Sum()(tf.constant([1.0, 2.0]))
    tf.Tensor(3.0, shape=(), dtype=float32)
    """

    def __call__(self, x):
        return tf.constant(0.0, dtype=_weights(x, type(self).__name__).dtype)

    def get_config(self):
        """The constructor arguments, as plain data (a subclass with arguments overrides it).

        >>> from stage3_layers.keras import regularizers
        >>> regularizers.L1L2(l1=0.5).get_config()
        {'l1': 0.5, 'l2': 0.0}
        """
        if type(self).__init__ is not object.__init__:
            raise NotImplementedError(
                "%s does not implement get_config(); return the arguments of its "
                "constructor, e.g. {'strength': self.strength}" % type(self).__name__)
        return {}

    @classmethod
    def from_config(cls, config):
        """``cls(**config)``: the regularizer ``get_config`` described.

        >>> from stage3_layers.keras import regularizers
        >>> regularizers.L2.from_config({"l2": 0.5})
        L2(l2=0.5)
        """
        return cls(**config)

    def __repr__(self):
        try:
            args = ", ".join("%s=%r" % kv for kv in self.get_config().items())
        except NotImplementedError:
            args = ""
        return "%s(%s)" % (type(self).__name__, args)


class L1L2(Regularizer):
    """``l1 * sum(|x|) + l2 * sum(x ** 2)``; both factors default to 0.

    >>> import stage3_layers as tf
    >>> tf.keras.regularizers.L1L2(l1=0.5, l2=0.25)(tf.constant([1.0, -2.0]))
    tf.Tensor(2.75, shape=(), dtype=float32)
    """

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = _penalty(0.0 if l1 is None else l1, "L1L2", "l1")
        self.l2 = _penalty(0.0 if l2 is None else l2, "L1L2", "l2")

    def __call__(self, x):
        x = _weights(x, "L1L2")
        regularization = tf.constant(0.0, dtype=x.dtype)
        if self.l1:
            regularization += self.l1 * tf.reduce_sum(tf.abs(x))
        if self.l2:
            regularization += self.l2 * tf.reduce_sum(tf.square(x))
        return regularization

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class L1(Regularizer):
    """``l1 * sum(|x|)`` (``l1=0.01`` by default): drives weights to exactly zero.

    >>> import stage3_layers as tf
    >>> tf.keras.regularizers.L1(0.5)(tf.constant([1.0, -2.0]))
    tf.Tensor(1.5, shape=(), dtype=float32)
    """

    def __init__(self, l1=0.01, **kwargs):
        l1 = kwargs.pop("l", l1)            # Keras's old name for the factor
        if kwargs:
            raise TypeError("L1: unexpected argument(s) %s; the argument is l1"
                            % ", ".join(sorted(kwargs)))
        self.l1 = _penalty(0.01 if l1 is None else l1, "L1", "l1")

    def __call__(self, x):
        return self.l1 * tf.reduce_sum(tf.abs(_weights(x, "L1")))

    def get_config(self):
        return {"l1": self.l1}


class L2(Regularizer):
    """``l2 * sum(x ** 2)`` (``l2=0.01`` by default), known as weight decay.

    >>> import stage3_layers as tf
    >>> tf.keras.regularizers.L2(0.5)(tf.constant([1.0, -2.0]))
    tf.Tensor(2.5, shape=(), dtype=float32)
    """

    def __init__(self, l2=0.01, **kwargs):
        l2 = kwargs.pop("l", l2)
        if kwargs:
            raise TypeError("L2: unexpected argument(s) %s; the argument is l2"
                            % ", ".join(sorted(kwargs)))
        self.l2 = _penalty(0.01 if l2 is None else l2, "L2", "l2")

    def __call__(self, x):
        return self.l2 * tf.reduce_sum(tf.square(_weights(x, "L2")))

    def get_config(self):
        return {"l2": self.l2}


def l1_l2(l1=0.01, l2=0.01):
    """``L1L2(l1, l2)`` with Keras's defaults for this form, 0.01 each.

    >>> from stage3_layers.keras import regularizers
    >>> regularizers.l1_l2()
    L1L2(l1=0.01, l2=0.01)
    """
    return L1L2(l1=l1, l2=l2)


l1 = L1
l2 = L2

# Names a string may give (the class names work too: "L2", "L1L2").
_BY_NAME = {"l1": L1, "l2": L2, "l1_l2": l1_l2, "L1": L1, "L2": L2, "L1L2": L1L2}


def _class_named(name):
    from .serialization import _custom_lookup
    found = _custom_lookup().get(name) or _BY_NAME.get(name)
    if found is None:
        raise ValueError("unknown regularizer %r; the built-in ones are %s (or pass a "
                         "function x -> scalar tensor)" % (name, ", ".join(sorted(_BY_NAME))))
    return found


def serialize(regularizer):
    """``{"class_name": ..., "config": ...}`` for a regularizer (a function: its name;
    None stays None).

    >>> from stage3_layers.keras import regularizers
    >>> regularizers.serialize(regularizers.L2(0.1))
    {'class_name': 'L2', 'config': {'l2': 0.1}}
    """
    if regularizer is None:
        return None
    if not isinstance(regularizer, Regularizer):
        return getattr(regularizer, "_keras_registered_name", None) or regularizer.__name__
    name = getattr(type(regularizer), "_keras_registered_name", None)
    return {"class_name": name or type(regularizer).__name__,
            "config": regularizer.get_config()}


def deserialize(config, custom_objects=None):
    """The regularizer ``serialize`` described: a name or a ``{"class_name", "config"}`` dict.

    >>> from stage3_layers.keras import regularizers
    >>> regularizers.deserialize({"class_name": "L1L2", "config": {"l1": 0.1, "l2": 0.0}})
    L1L2(l1=0.1, l2=0.0)
    """
    from .serialization import custom_object_scope
    with custom_object_scope(custom_objects):
        if isinstance(config, str):
            found = _class_named(config)
            return found() if isinstance(found, type) or found is l1_l2 else found
        if isinstance(config, dict) and isinstance(config.get("class_name"), str):
            found = _class_named(config["class_name"])
            settings = config.get("config") or {}
            if isinstance(found, type):
                return found.from_config(settings)
            return found(**settings)
    raise ValueError("deserialize expects a regularizer's name ('l2') or "
                     "{'class_name': ..., 'config': {...}} (what serialize returns), got %r"
                     % (config,))


def get(identifier):
    """A regularizer from a name (``"l2"``), a config dict, an instance, a class or a
    function ``x -> scalar tensor``; None stays None.

    >>> from stage3_layers.keras import regularizers
    >>> regularizers.get({"class_name": "L2", "config": {"l2": 0.5}})
    L2(l2=0.5)
    >>> print(regularizers.get(None))
    None
    """
    if identifier is None or isinstance(identifier, Regularizer):
        return identifier
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if isinstance(identifier, type) and issubclass(identifier, Regularizer):
        return identifier()
    if callable(identifier) and not isinstance(identifier, (type, tf.Tensor)):
        return identifier
    raise ValueError("could not interpret %r as a regularizer; give a name such as 'l2', "
                     "an object such as tf.keras.regularizers.L2(0.01), or a function "
                     "x -> scalar tensor" % (identifier,))
