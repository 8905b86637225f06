"""Layers as plain data: ``{"class_name": "Dense", "config": {...}}`` and back.

Every layer can describe how to make it again: ``layer.get_config()`` returns
the arguments of its constructor (plain numbers, strings, lists, nested
``{"class_name", "config"}`` dicts for initializers or cells), and
``Layer.from_config(config)`` calls the constructor with them. ``serialize``
adds the class name; ``deserialize`` finds the class again, among

1. the ``custom_objects`` you pass,
2. the objects in the current ``custom_object_scope`` and those registered in
   ``get_custom_objects()`` (stage 4's ``keras.utils.register_keras_serializable``
   puts classes there),
3. the built-in layers and models.

A config holds no weights: the layer it makes is new (and unbuilt, unless the
config declares an input shape). Saving a whole model (stage 4) stores the
config as JSON next to the weights.

>>> import stage3_layers as tf
>>> from stage3_layers.keras import serialization
>>> data = serialization.serialize(tf.keras.layers.Dense(3, activation="relu", name="d"))
>>> data["class_name"], data["config"]["units"], data["config"]["activation"]
('Dense', 3, 'relu')
>>> again = serialization.deserialize(data)
>>> type(again).__name__, again.units, again.name
('Dense', 3, 'd')
"""

import contextlib
import difflib

__all__ = ["serialize", "deserialize", "get_custom_objects", "custom_object_scope",
           "registered_name", "resolve_custom_values"]

# Name -> class or function: what register_keras_serializable (stage 4) fills.
_GLOBAL_CUSTOM_OBJECTS = {}
# Dicts pushed by custom_object_scope, innermost last.
_scope_stack = []


def get_custom_objects():
    """The global registry of custom classes and functions (name -> object).

    Adding to it makes ``deserialize`` (and so ``load_model``) find the object
    by name. Stage 4's ``register_keras_serializable`` is the tidy way in.

    >>> from stage3_layers.keras import serialization
    >>> isinstance(serialization.get_custom_objects(), dict)
    True
    """
    return _GLOBAL_CUSTOM_OBJECTS


@contextlib.contextmanager
def custom_object_scope(*scopes):
    """Within the ``with`` block, names in the dicts ``scopes`` resolve to their objects.

    >>> import stage3_layers as tf
    >>> from stage3_layers.keras import serialization
    >>> class Twice(tf.keras.layers.Layer):
    ...     def call(self, x):
    ...         return 2 * x
    >>> with serialization.custom_object_scope({"Twice": Twice}):
    ...     layer = serialization.deserialize({"class_name": "Twice", "config": {}})
    >>> type(layer).__name__
    'Twice'
    """
    merged = {}
    for scope in scopes:
        merged.update(scope or {})
    _scope_stack.append(merged)
    try:
        yield merged
    finally:
        _scope_stack.pop()


def _custom_lookup(custom_objects=None):
    """Every custom name visible now: registry, then scopes, then ``custom_objects``."""
    table = dict(_GLOBAL_CUSTOM_OBJECTS)
    for scope in _scope_stack:
        table.update(scope)
    table.update(custom_objects or {})
    return table


def registered_name(obj):
    """The name ``obj`` (a class or function) is saved under: its registered name
    (``"Package>Name"``) if it has one, else its ``__name__``.

    >>> import stage3_layers as tf
    >>> from stage3_layers.keras import serialization
    >>> serialization.registered_name(tf.keras.layers.Dense)
    'Dense'
    """
    return getattr(obj, "_keras_registered_name", None) or obj.__name__


def _builtin_classes():
    from . import functional, layers, models
    table = {name: getattr(layers, name) for name in layers.__all__
             if isinstance(getattr(layers, name), type)}
    # (Keras names a functional model's class "Functional" in its configs.)
    table.update(Model=models.Model, Functional=models.Model, Sequential=models.Sequential,
                 TFOpLambda=functional.TFOpLambda)
    return table


def serialize(layer):
    """``{"class_name": ..., "config": layer.get_config()}``.

    >>> import stage3_layers as tf
    >>> from stage3_layers.keras import serialization
    >>> serialization.serialize(tf.keras.layers.Flatten(name="f"))["config"]
    {'name': 'f', 'trainable': True, 'dtype': 'float32', 'data_format': 'channels_last'}
    """
    return {"class_name": registered_name(type(layer)), "config": layer.get_config()}


def _find_class(class_name, custom_objects, builtins=None):
    custom = _custom_lookup(custom_objects)
    if class_name in custom:
        return custom[class_name]
    # A class registered as "Package>Name" is also found by its plain name.
    for name, obj in custom.items():
        if name.split(">")[-1] == class_name:
            return obj
    builtins = _builtin_classes() if builtins is None else builtins
    if class_name in builtins:
        return builtins[class_name]
    plain = class_name.split(">")[-1]
    close = difflib.get_close_matches(plain, list(builtins) + list(custom), n=1)
    raise ValueError(
        "Unknown layer class %r.%s If it is your own class, make it known: pass "
        "custom_objects={%r: %s} to load_model/deserialize, or decorate the class "
        "with @tf.keras.utils.register_keras_serializable()%s."
        % (class_name, " Did you mean %r?" % close[0] if close else "", plain, plain,
           "" if ">" not in class_name else
           " (package=%r)" % class_name.split(">")[0]))


def resolve_custom_values(config, custom_objects=None):
    """``config`` with custom names swapped for their objects: a string value
    (``"my_activation"``) or a ``{"class_name", "config"}`` value naming a
    custom object becomes that object, so ``from_config`` gets what the
    constructor was given. Built-in names are left for the layer to look up.

    >>> from stage3_layers.keras import serialization
    >>> def twice(x):
    ...     return 2 * x
    >>> serialization.resolve_custom_values({"activation": "twice", "name": "twice"},
    ...                                     {"twice": twice})["activation"] is twice
    True
    """
    custom = _custom_lookup(custom_objects)
    if not custom:
        return config
    out = {}
    for key, value in config.items():
        if key != "name" and isinstance(value, str) and value in custom:
            value = custom[value]
        elif (isinstance(value, dict) and set(value) == {"class_name", "config"}
              and value["class_name"] in custom):
            target = custom[value["class_name"]]
            value = (target.from_config(value["config"]) if hasattr(target, "from_config")
                     else target(**value["config"]))
        out[key] = value
    return out


def deserialize(config, custom_objects=None):
    """The layer (or model) a ``serialize`` dict describes, made anew.

    ``custom_objects`` maps class names to your own classes (and names of your
    own activation functions to the functions).

    >>> import stage3_layers as tf
    >>> from stage3_layers.keras import serialization
    >>> serialization.deserialize({"class_name": "Dens", "config": {"units": 1}})
    Traceback (most recent call last):
    ...
    ValueError: Unknown layer class 'Dens'. Did you mean 'Dense'? If it is your own class, make it known: pass custom_objects={'Dens': Dens} to load_model/deserialize, or decorate the class with @tf.keras.utils.register_keras_serializable().
    """
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError("deserialize expects {'class_name': ..., 'config': {...}} "
                         "(what serialize(layer) returns), got %r" % (config,))
    cls = _find_class(config["class_name"], custom_objects)
    with custom_object_scope(custom_objects):
        layer_config = resolve_custom_values(dict(config.get("config", {})))
        return cls.from_config(layer_config)
