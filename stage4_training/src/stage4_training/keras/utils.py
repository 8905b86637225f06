"""``keras.utils``: registering your own classes for saving, and small data helpers.

A saved model stores class *names*; loading must turn a name back into a
class. Built-in layers are known; a class of yours is made known by

* ``@tf.keras.utils.register_keras_serializable()`` on the class (saved as
  ``"Custom>MyLayer"``, found again by that name), or
* ``custom_objects={"MyLayer": MyLayer}`` given to ``load_model``, or
* a ``with tf.keras.utils.custom_object_scope({...}):`` block around the load.

>>> import stage4_training as tf
>>> @tf.keras.utils.register_keras_serializable(package="Demo")
... class Twice(tf.keras.layers.Layer):
...     def call(self, x):
...         return 2 * x
>>> tf.keras.utils.get_registered_name(Twice)
'Demo>Twice'
>>> tf.keras.utils.get_registered_object("Demo>Twice") is Twice
True
"""

import random

import numpy as np

from stage1_tensors import random as _tf_random
from stage3_layers.keras import serialization

from .progbar import Progbar

__all__ = ["register_keras_serializable", "get_registered_name", "get_registered_object",
           "get_custom_objects", "custom_object_scope", "CustomObjectScope",
           "serialize_keras_object", "deserialize_keras_object",
           "unpack_x_y_sample_weight", "pack_x_y_sample_weight", "to_categorical", "Progbar",
           "set_random_seed"]

get_custom_objects = serialization.get_custom_objects
custom_object_scope = serialization.custom_object_scope
CustomObjectScope = serialization.custom_object_scope


def register_keras_serializable(package="Custom", name=None):
    """A class decorator: saves the class as ``"package>name"`` and finds it on load.

    ``name`` defaults to the class's own name. The class must have a
    ``get_config`` that returns its constructor arguments (functions, such as
    an activation, need none).

    >>> import stage4_training as tf
    >>> @tf.keras.utils.register_keras_serializable()
    ... def scaled_tanh(x):
    ...     return 2.0 * tf.tanh(x)
    >>> tf.keras.utils.get_registered_name(scaled_tanh)
    'Custom>scaled_tanh'
    """
    if not isinstance(package, str) or ">" in package:
        raise ValueError("register_keras_serializable: package must be a string without "
                         "'>', got %r" % (package,))

    def decorator(obj):
        key = "%s>%s" % (package, name or obj.__name__)
        if isinstance(obj, type) and not hasattr(obj, "get_config"):
            raise TypeError("register_keras_serializable: %s has no get_config(); a class "
                            "must say how to make it again" % obj.__name__)
        known = serialization.get_custom_objects().get(key)
        if known is not None and known is not obj and known.__qualname__ != obj.__qualname__:
            raise ValueError("register_keras_serializable: %r is already registered for %r"
                             % (key, known))
        serialization.get_custom_objects()[key] = obj
        obj._keras_registered_name = key
        return obj
    return decorator


def get_registered_name(obj):
    """The name ``obj`` is saved under: ``"Package>Name"`` if registered, else its own name.

    >>> import stage4_training as tf
    >>> tf.keras.utils.get_registered_name(tf.keras.layers.Dense)
    'Dense'
    """
    return serialization.registered_name(obj)


def get_registered_object(name, custom_objects=None, module_objects=None):
    """The class or function saved as ``name``: from ``custom_objects``, the current
    ``custom_object_scope``, the registry, then ``module_objects``; None if unknown.

    >>> import stage4_training as tf
    >>> tf.keras.utils.get_registered_object("NoSuchThing") is None
    True
    """
    table = serialization._custom_lookup(custom_objects)
    if name in table:
        return table[name]
    if module_objects and name in module_objects:
        return module_objects[name]
    return None


def serialize_keras_object(obj):
    """A layer, loss, metric, optimizer or initializer as ``{"class_name", "config"}``;
    a function as its (registered) name; None stays None.

    >>> import stage4_training as tf
    >>> tf.keras.utils.serialize_keras_object(tf.keras.layers.Dense(2))["class_name"]
    'Dense'
    """
    if obj is None or isinstance(obj, (str, int, float, bool)):
        return obj
    if hasattr(obj, "get_config"):
        return {"class_name": get_registered_name(type(obj)), "config": obj.get_config()}
    if callable(obj) and hasattr(obj, "__name__"):
        return get_registered_name(obj)
    raise ValueError("serialize_keras_object: cannot serialize %r: it has no get_config() "
                     "and is not a named function" % (obj,))


def deserialize_keras_object(config, module_objects=None, custom_objects=None,
                             printable_module_name="object"):
    """The object a ``serialize_keras_object`` result describes.

    ``module_objects`` (name -> class or function) holds the built-in choices;
    custom ones come from ``custom_objects``, the scope and the registry.

    >>> import stage4_training as tf
    >>> dense = tf.keras.utils.deserialize_keras_object(
    ...     {"class_name": "Dense", "config": {"units": 2}},
    ...     module_objects={"Dense": tf.keras.layers.Dense})
    >>> dense.units
    2
    """
    if config is None:
        return None
    if isinstance(config, str):
        found = get_registered_object(config, custom_objects, module_objects)
        if found is None:
            raise ValueError("Unknown %s %r; pass custom_objects={%r: ...} or register it "
                             "with @tf.keras.utils.register_keras_serializable()"
                             % (printable_module_name, config, config))
        return found
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError("deserialize_keras_object: expected a name or {'class_name': ..., "
                         "'config': ...}, got %r" % (config,))
    cls = get_registered_object(config["class_name"], custom_objects, module_objects)
    if cls is None:
        name = config["class_name"]
        raise ValueError("Unknown %s class %r; pass custom_objects={%r: %s} or decorate the "
                         "class with @tf.keras.utils.register_keras_serializable()"
                         % (printable_module_name, name, name, name.split(">")[-1]))
    with custom_object_scope(custom_objects):
        inner = serialization.resolve_custom_values(dict(config.get("config", {})))
        return cls.from_config(inner)


def unpack_x_y_sample_weight(data):
    """``(x, y, sample_weight)`` from a batch that is ``x``, ``(x,)``, ``(x, y)`` or
    ``(x, y, sample_weight)`` (missing parts are None), as ``train_step`` reads it.

    >>> import stage4_training as tf
    >>> tf.keras.utils.unpack_x_y_sample_weight(("x", "y"))
    ('x', 'y', None)
    """
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) == 1:
        return data[0], None, None
    if len(data) == 2:
        return data[0], data[1], None
    if len(data) == 3:
        return data[0], data[1], data[2]
    raise ValueError("a batch must be x, (x, y) or (x, y, sample_weight); got a tuple of "
                     "%d elements" % len(data))


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    """The inverse of ``unpack_x_y_sample_weight``: the shortest tuple that holds them.

    >>> import stage4_training as tf
    >>> tf.keras.utils.pack_x_y_sample_weight("x", "y")
    ('x', 'y')
    """
    if y is None:
        return (x,)
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)


def set_random_seed(seed):
    """Seeds every random source a Keras program draws from: Python's ``random``,
    NumPy's global generator and ``tf.random`` (``tf.random.set_seed``), so a
    run repeats exactly (``tf.keras.utils.set_random_seed``).

    >>> import random
    >>> import numpy as np
    >>> import stage4_training as tf
    >>> def draw():
    ...     return random.random(), np.random.rand(), float(tf.random.uniform([]))
    >>> tf.keras.utils.set_random_seed(7); first = draw()
    >>> tf.keras.utils.set_random_seed(7); first == draw()
    True
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError("set_random_seed: seed must be an int, got %r" % (seed,))
    random.seed(int(seed))
    np.random.seed(int(seed) % 2 ** 32)
    _tf_random.set_seed(int(seed))


def to_categorical(y, num_classes=None, dtype="float32"):
    """One-hot rows for integer class labels (a NumPy array).

    >>> import stage4_training as tf
    >>> tf.keras.utils.to_categorical([0, 2], num_classes=3)
    array([[1., 0., 0.],
           [0., 0., 1.]], dtype=float32)
    """
    y = np.asarray(y, dtype="int64")
    shape = y.shape
    if shape and shape[-1] == 1 and len(shape) > 1:
        shape = shape[:-1]
    y = y.reshape(-1)
    if num_classes is None:
        num_classes = int(y.max()) + 1 if y.size else 0
    if y.size and (y.min() < 0 or y.max() >= num_classes):
        raise ValueError("to_categorical: labels must lie in [0, %d), got values from %d to %d"
                         % (num_classes, y.min(), y.max()))
    out = np.zeros((y.size, num_classes), dtype=dtype)
    out[np.arange(y.size), y] = 1
    return out.reshape(shape + (num_classes,))
