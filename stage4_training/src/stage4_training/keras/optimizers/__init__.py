"""``keras.optimizers``: the rules that turn gradients into new variable values.

Every optimizer runs the same step (``base_optimizer.py``): skip missing
gradients, clip, make slots on first sight, update each variable, count the
step. They differ only in the update rule and its slots, one module each:

* ``sgd.py``: ``SGD`` (momentum, Nesterov);
* ``adam.py``: ``Adam`` (AMSGrad) and ``AdamW`` (decoupled weight decay);
* ``rmsprop.py``: ``RMSprop`` (centered, momentum);
* ``adagrad.py``: ``Adagrad``;
* ``schedules.py``: learning rates that change with the step.

>>> import stage4_training as tf
>>> w = tf.Variable(5.0)
>>> opt = tf.keras.optimizers.get("sgd")
>>> opt.learning_rate = 0.1
>>> for _ in range(50):
...     _ = opt.minimize(lambda: (w - 2.0) ** 2, var_list=[w])
>>> round(float(w), 3)
2.0
"""

import difflib

from . import schedules
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .base_optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "schedules",
           "get", "serialize", "deserialize"]

_CLASSES = {cls.__name__: cls for cls in (SGD, Adam, AdamW, RMSprop, Adagrad)}
_BY_LOWER = {name.lower(): cls for name, cls in _CLASSES.items()}
_VALID = ("valid names are %s (any case); or pass an Optimizer object or a config dict"
          % ", ".join("'%s'" % name for name in sorted(_BY_LOWER)))


def get(identifier):
    """The optimizer for ``identifier``: a name (``"adam"``, any case) gives a new one with
    the default settings, a ``serialize`` dict the one it describes; an ``Optimizer``
    passes through.

    >>> import stage4_training as tf
    >>> type(tf.keras.optimizers.get("RMSprop")).__name__
    'RMSprop'
    >>> tf.keras.optimizers.get("adma")
    Traceback (most recent call last):
    ...
    ValueError: keras.optimizers.get: unknown optimizer 'adma'. Did you mean 'adam'? The valid names are 'adagrad', 'adam', 'adamw', 'rmsprop', 'sgd' (any case); or pass an Optimizer object or a config dict
    """
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str):
        cls = _BY_LOWER.get(identifier.lower())
        if cls is None:
            close = difflib.get_close_matches(identifier.lower(), list(_BY_LOWER), n=1)
            hint = " Did you mean %r?" % close[0] if close else ""
            raise ValueError("keras.optimizers.get: unknown optimizer %r.%s The %s"
                             % (identifier, hint, _VALID))
        return cls()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    raise ValueError("keras.optimizers.get: cannot interpret %r as an optimizer; the %s"
                     % (identifier, _VALID))


def serialize(optimizer):
    """An optimizer as plain data: ``{"class_name", "config"}``.

    >>> import stage4_training as tf
    >>> config = tf.keras.optimizers.serialize(tf.keras.optimizers.Adagrad())
    >>> config["class_name"], config["config"]["initial_accumulator_value"]
    ('Adagrad', 0.1)
    """
    if not isinstance(optimizer, Optimizer):
        raise TypeError("keras.optimizers.serialize: expected an Optimizer, got %r"
                        % (optimizer,))
    from ..utils import serialize_keras_object
    return serialize_keras_object(optimizer)


def deserialize(config, custom_objects=None):
    """The optimizer ``serialize`` described (``custom_objects`` maps your own classes).

    >>> import stage4_training as tf
    >>> opt = tf.keras.optimizers.deserialize({"class_name": "SGD", "config": {"momentum": 0.9}})
    >>> opt.momentum, opt.nesterov
    (0.9, False)
    """
    from ..utils import get_registered_object
    if isinstance(config, str):
        return get(config)
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError("keras.optimizers.deserialize: expected {'class_name': ..., "
                         "'config': {...}}, got %r" % (config,))
    name = config["class_name"]
    cls = get_registered_object(name, custom_objects, _CLASSES) or _BY_LOWER.get(
        str(name).lower())
    if cls is None:
        raise ValueError("keras.optimizers.deserialize: unknown optimizer class %r; the %s"
                         % (name, _VALID))
    settings = config.get("config", {})
    if not isinstance(settings, dict):
        raise TypeError("keras.optimizers.deserialize: the 'config' of %s must be a dict of "
                        "its arguments, got %r" % (name, settings))
    return cls.from_config(settings, custom_objects=custom_objects)
