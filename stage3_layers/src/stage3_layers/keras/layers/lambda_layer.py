"""``Lambda``: any function of tensors as a layer, for a quick step inside a ``Sequential``.

``Lambda(lambda x: x ** 2)`` has no weights; its ``call`` is the function
(given ``arguments`` as extra keywords). For anything with state, write a
``Layer`` subclass instead.

Saving: a config holds data, never code. Keras stores a Python lambda's
*bytecode* and runs it on loading, which means that opening a model file can
run anything; we do not. A named function is saved by its name and found again
on loading among your ``custom_objects`` (or the registered ones, or the
built-in activations and ``tf.nn`` ops); ``get_config`` refuses a lambda, with
advice.

>>> import stage3_layers as tf
>>> def double(x):
...     return 2.0 * x
>>> layer = tf.keras.layers.Lambda(double)
>>> layer(tf.constant([1.0, 2.0]))
tf.Tensor([2. 4.], shape=(2,), dtype=float32)
>>> layer.get_config()["function"]
'double'
>>> copy = tf.keras.layers.deserialize(tf.keras.layers.serialize(layer),
...                                    custom_objects={"double": double})
>>> copy.function is double
True
"""

import inspect

import stage2_autodiff as tf

from .. import activations, serialization
from ..base_layer import Layer

__all__ = ["Lambda"]


def _saved_name(function, layer, what):
    """The name ``function`` is saved under, or a ValueError when it has none to save."""
    name = getattr(function, "__name__", None)
    if not isinstance(name, str) or name == "<lambda>":
        raise ValueError(
            "Lambda layer %r: its %s is %s, which cannot be saved as data (Keras stores "
            "a lambda's bytecode, and loading bytecode runs code, so we do not). Define "
            "it with `def`, save the layer, and give the function back when loading: "
            "custom_objects={'my_function': my_function} or "
            "@tf.keras.utils.register_keras_serializable(); or write a Layer subclass "
            "with get_config()" % (layer, what, "a Python lambda" if name == "<lambda>"
                                   else "a callable without a name (%r)" % (function,)))
    return serialization.registered_name(function)


def _found_function(name, module, what, custom_objects=None):
    """The function a config names: a custom object, or a built-in activation or op
    (from ``module``, where the saved function lived).

    Only objects already known by name are looked up; nothing is imported or run.
    """
    if callable(name):
        return name
    custom = serialization._custom_lookup(custom_objects)
    if name in custom:
        return custom[name]
    for namespace in (vars(activations), vars(tf.nn), vars(tf)):
        found = namespace.get(name)
        if (inspect.isfunction(found) and not name.startswith("_")
                and found.__module__ == module):
            return found
    raise ValueError(
        "Lambda: unknown %s %r in the config. A Lambda's function is saved by name; "
        "give it back when loading: custom_objects={%r: %s}, or decorate it with "
        "@tf.keras.utils.register_keras_serializable()" % (what, name, name, name))


class Lambda(Layer):
    """Wraps ``function(inputs, **arguments)`` as a layer.

    ``output_shape`` (a shape without the batch, or a function of the input
    shape) is what ``compute_output_shape`` answers; by default the function
    is run on zeros to find out.

    >>> import stage3_layers as tf
    >>> model = tf.keras.Sequential([tf.keras.layers.Lambda(tf.nn.relu),
    ...                              tf.keras.layers.Lambda(tf.reduce_sum,
    ...                                                     arguments={"axis": 1})])
    >>> model(tf.constant([[-1.0, 2.0, 3.0]]))
    tf.Tensor([5.], shape=(1,), dtype=float32)
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        if not callable(function):
            raise TypeError("Lambda: function must be callable (a function of the input "
                            "tensor, such as lambda x: x ** 2), got %r" % (function,))
        if mask is not None:
            raise ValueError("Lambda: masks are not supported here, so mask must be "
                             "None, got %r" % (mask,))
        if arguments is not None and (not isinstance(arguments, dict) or not all(
                isinstance(k, str) for k in arguments)):
            raise TypeError("Lambda: arguments must be a dict of keyword arguments for "
                            "the function, e.g. {'axis': 1}, got %r" % (arguments,))
        if output_shape is not None and not callable(output_shape):
            if isinstance(output_shape, tf.TensorShape):
                output_shape = list(output_shape)
            if not isinstance(output_shape, (list, tuple)) or not all(
                    d is None or (isinstance(d, int) and not isinstance(d, bool) and d >= 0)
                    for d in output_shape):
                raise TypeError("Lambda: output_shape must be a shape without the batch "
                                "axis, such as (3, 4), or a function of the input shape; "
                                "got %r" % (output_shape,))
            output_shape = tuple(output_shape)
        self.function = function
        self.output_shape = output_shape
        self.arguments = dict(arguments or {})
        try:
            params = inspect.signature(function).parameters
        except (TypeError, ValueError):
            params = {}
        self._function_takes_training = "training" in params

    def call(self, inputs, training=None):
        kwargs = dict(self.arguments)
        if self._function_takes_training:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_output_shape(self, input_shape):
        if self.output_shape is None:
            return super().compute_output_shape(input_shape)
        if callable(self.output_shape):
            return tf.TensorShape(self.output_shape(tf.TensorShape(input_shape)))
        return tf.TensorShape((tuple(input_shape)[0],) + self.output_shape)

    def get_config(self):
        config = {**super().get_config(),
                  "function": _saved_name(self.function, self.name, "function"),
                  "module": getattr(self.function, "__module__", None),
                  "function_type": "function", "arguments": self.arguments}
        if callable(self.output_shape):
            config["output_shape"] = _saved_name(self.output_shape, self.name,
                                                 "output_shape function")
            config["output_shape_type"] = "function"
            config["output_shape_module"] = getattr(self.output_shape, "__module__", None)
        else:
            config["output_shape"] = (list(self.output_shape)
                                      if self.output_shape is not None else None)
            config["output_shape_type"] = "raw"
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        kind = config.pop("function_type", "function")
        if kind != "function":
            raise ValueError("Lambda: this config stores its function as code "
                             "(function_type %r, as Keras saves a Python lambda); "
                             "loading never runs code from a file. Rebuild the layer "
                             "with a named function instead" % (kind,))
        config["function"] = _found_function(config["function"], config.pop("module", None),
                                             "function", custom_objects)
        module = config.pop("output_shape_module", None)
        if config.pop("output_shape_type", "raw") == "function":
            config["output_shape"] = _found_function(config["output_shape"], module,
                                                     "output_shape function",
                                                     custom_objects)
        return cls(**config)
