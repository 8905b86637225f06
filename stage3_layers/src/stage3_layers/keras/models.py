"""``Model`` and ``Sequential``: layers made of layers.

A ``Model`` is a ``Layer`` that holds other layers as attributes and says in
``call`` how data flows through them; a ``Sequential`` is a ``Model`` whose
``call`` is "each layer in turn". Both print a ``summary()``.

>>> import stage3_layers as tf
>>> tf.keras.backend.clear_session()
>>> model = tf.keras.Sequential([
...   tf.keras.layers.Dense(10, input_shape=(784,)),  # must declare input shape
...   tf.keras.layers.Dense(10)
... ])
>>> model.built, [v.name for v in model.variables]
(True, ['dense/kernel:0', 'dense/bias:0', 'dense_1/kernel:0', 'dense_1/bias:0'])
>>> model.count_params()
7960
"""

import stage2_autodiff as tf

from . import tracking
from .base_layer import Layer
from .layers.core import InputLayer

__all__ = ["Model", "Sequential"]


class Model(Layer):
    """A layer made of layers: subclass it, create layers in ``__init__``, use them in ``call``.

    >>> import stage3_layers as tf
    >>> class MNISTModel(tf.keras.Model):
    ...   def __init__(self):
    ...     super(MNISTModel, self).__init__()
    ...     self.dense1 = tf.keras.layers.Dense(units=10)
    ...     self.dense2 = tf.keras.layers.Dense(units=10)
    ...   def call(self, input):
    ...     result = self.dense1(input)
    ...     result = self.dense2(result)
    ...     result = self.dense2(result)  # reuse variables from dense2 layer
    ...     return result
    >>> model = MNISTModel()
    >>> model(tf.zeros([1, 1, 784])).shape
    TensorShape([1, 1, 10])
    >>> len(model.variables)
    4
    """

    def __init__(self, *args, **kwargs):
        if args or "inputs" in kwargs or "outputs" in kwargs:
            raise NotImplementedError(
                "Model(inputs, outputs) is Keras's functional API, which this course "
                "does not build; subclass tf.keras.Model and write call(), or use "
                "tf.keras.Sequential([...])")
        super().__init__(**kwargs)

    @property
    def layers(self):
        """The layers this model holds directly, in the order they were assigned."""
        return tracking.sublayers(self)

    def get_layer(self, name=None, index=None):
        """A layer of the model by ``name`` or by ``index``.

        >>> import stage3_layers as tf
        >>> model = tf.keras.Sequential([tf.keras.layers.Dense(1, name="out")])
        >>> model.get_layer("out").name
        'out'
        """
        layers = self.layers
        if index is not None:
            if not -len(layers) <= index < len(layers):
                raise ValueError("get_layer: index %d is out of range; the model has "
                                 "%d layers" % (index, len(layers)))
            return layers[index]
        for layer in layers:
            if layer.name == name:
                return layer
        raise ValueError("get_layer: no layer named %r; the layers are %s"
                         % (name, [layer.name for layer in layers]))

    def build(self, input_shape):
        """Builds the model's variables for inputs of ``input_shape``.

        Called by you (``model.build((None, 784))``), it runs the model once on
        zeros of that shape (``None`` becomes 1) so every layer builds itself.
        """
        if not self._auto_building:
            if input_shape is None:
                raise ValueError("%s.build needs an input shape, e.g. (None, 784)"
                                 % type(self).__name__)
            shape = [1 if d is None else int(d) for d in input_shape]
            self(tf.zeros(shape, dtype=self.dtype))
        self.built = True

    def summary(self, line_length=65, positions=None, print_fn=None):
        """Prints the model's layers, their output shapes and parameter counts.

        >>> import stage3_layers as tf
        >>> model = tf.keras.Sequential([tf.keras.layers.Dense(2, input_shape=(3,), name="out")],
        ...                             name="tiny")
        >>> model.summary(line_length=50)
        Model: "tiny"
        __________________________________________________
        Layer (type)          Output Shape        Param #
        ==================================================
        out (Dense)           (None, 2)           8
        ==================================================
        Total params: 8
        Trainable params: 8
        Non-trainable params: 0
        __________________________________________________
        """
        from .summary import print_summary
        print_summary(self, line_length, positions, print_fn)


class Sequential(Model):
    """A linear stack of layers: the output of each is the input of the next.

    Give the first layer ``input_shape=`` to build the model at once;
    otherwise it builds on its first call.

    >>> import stage3_layers as tf
    >>> model = tf.keras.Sequential()
    >>> model.add(tf.keras.layers.Dense(4, activation="relu"))
    >>> model.add(tf.keras.layers.Dense(2))
    >>> model(tf.ones([3, 5])).shape
    TensorShape([3, 2])
    """

    # TensorFlow names a Sequential's variables after its layers alone
    # ("dense/kernel:0"), without the model's name in front.
    _scoped = False

    def __init__(self, layers=None, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self._layers = []
        for layer in layers or ():
            self.add(layer)

    @property
    def layers(self):
        # An Input(...) only declares the shape; Keras does not list it.
        return [layer for layer in self._layers if not isinstance(layer, InputLayer)]

    def add(self, layer):
        """Appends ``layer`` to the stack."""
        if not isinstance(layer, Layer):
            raise TypeError(
                "Sequential.add expects a keras layer (e.g. tf.keras.layers.Dense(10)), "
                "got %r of type %s" % (layer, type(layer).__name__))
        self._layers.append(layer)
        self.built = False
        first = self._layers[0]
        declared = self._batch_input_shape or first._batch_input_shape
        if declared is not None:
            self._build_input_shape = None
            Model.build(self, declared)

    def pop(self):
        """Removes the last layer."""
        if not self._layers:
            raise TypeError("Sequential.pop: there are no layers in the model")
        self._layers.pop()
        self.built = False

    def call(self, inputs, training=None):
        outputs = inputs
        for layer in self._layers:
            outputs = layer(outputs, training=training)
        return outputs

    def get_config(self):
        """The model's name and each layer's ``{"class_name", "config"}``, in order
        (plus the input shape it was built for, so ``from_config`` builds it too).

        >>> import stage3_layers as tf
        >>> model = tf.keras.Sequential([tf.keras.layers.Dense(2, input_shape=(3,))], name="s")
        >>> config = model.get_config()
        >>> config["name"], [layer["class_name"] for layer in config["layers"]]
        ('s', ['Dense'])
        >>> copy = tf.keras.Sequential.from_config(config)
        >>> copy.built, copy.get_layer(index=0).units
        (True, 2)
        """
        from .serialization import serialize
        config = {"name": self.name, "layers": [serialize(layer) for layer in self._layers]}
        shape = self._build_input_shape
        if self.built and isinstance(shape, tf.TensorShape) and shape.rank is not None:
            config["build_input_shape"] = [None] + list(shape.as_list())[1:]
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """A new, unbuilt-weights model made from ``get_config()``: the same layers
        anew (built when the config says what input shape to build for)."""
        from .serialization import deserialize
        layers = [deserialize(layer, custom_objects) for layer in config.get("layers", ())]
        model = cls(layers, name=config.get("name"))
        shape = config.get("build_input_shape")
        if shape is not None and not model.built:
            model.build(tuple(shape))
        return model
