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

from . import functional, tracking
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

    _functional = None      # the graph of a functional model (Model(inputs, outputs))

    def __init__(self, *args, **kwargs):
        if args or "inputs" in kwargs or "outputs" in kwargs:
            self._init_functional(*args, **kwargs)
            return
        super().__init__(**kwargs)

    def _init_functional(self, inputs=None, outputs=None, name=None, **kwargs):
        """``Model(inputs, outputs)``: the model is the graph of layer calls between
        the ``keras.Input`` tensors ``inputs`` and the ``outputs`` made from them."""
        if inputs is None or outputs is None:
            raise TypeError("Model(inputs, outputs) needs both: the keras.Input tensor(s) "
                            "and the tensor(s) made by calling layers on them")
        super().__init__(name=name, **kwargs)
        graph = functional.FunctionalGraph(inputs, outputs, self.name)
        self._functional = graph
        self._graph_layers = list(graph.layers)    # tracked: the variables are found
        self.inputs, self.outputs = list(graph.flat_inputs), list(graph.flat_outputs)
        self.built = True
        shapes = [tf.TensorShape(t.shape) for t in graph.flat_inputs]
        self._build_input_shape = shapes[0] if len(shapes) == 1 else shapes

    def _autocast(self, inputs):
        graph = self._functional
        if graph is not None and (len(graph.flat_inputs) > 1 or isinstance(graph.inputs, dict)):
            # several inputs: each converts on its own (not the list as one tensor)
            parts = inputs.values() if isinstance(inputs, dict) else inputs
            if isinstance(inputs, (list, tuple, dict)):
                converted = [Layer._autocast(self, x) for x in parts]
                return (dict(zip(inputs, converted)) if isinstance(inputs, dict)
                        else type(inputs)(converted))
        return Layer._autocast(self, inputs)

    def call(self, inputs, training=None, mask=None):
        """A functional model's computation: its layers called in graph order.

        A subclassed model overrides this; ``Model`` alone has no computation.
        """
        if self._functional is None:
            raise NotImplementedError(
                "%s has no call(): subclass tf.keras.Model and write call(self, inputs), "
                "or build it as Model(inputs, outputs) from keras.Input" % type(self).__name__)
        return self._functional.run(inputs, training, self.name)

    @property
    def layers(self):
        """The layers this model holds directly, in the order they were assigned
        (a functional model: in graph order, its ``InputLayer``\\ s first)."""
        if self._functional is not None:
            return list(self._functional.layers)
        return tracking.sublayers(self)

    # --- the two ends of a functional model ----------------------------------------
    # A functional model's lists of input and output KerasTensors; None for a
    # subclassed model (which may use the names for its own attributes).
    inputs = None
    outputs = None

    @property
    def input(self):
        """The input KerasTensor (a list when there are several)."""
        return _one_or_list(self.inputs, self.name, "input")

    @property
    def output(self):
        """The output KerasTensor (a list when there are several)."""
        return _one_or_list(self.outputs, self.name, "output")

    @property
    def input_names(self):
        return [t._keras_history[0].name for t in self.inputs or ()]

    @property
    def output_names(self):
        return [t._keras_history[0].name for t in self.outputs or ()]

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

    def get_config(self):
        """A functional model's layers and their connections (Keras's format:
        ``layers`` with ``inbound_nodes``, ``input_layers``, ``output_layers``)."""
        if self._functional is not None:
            return functional.functional_config(self)
        return super().get_config()

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """The model ``get_config`` describes: a functional model is rebuilt by
        calling new layers in the recorded order."""
        if "input_layers" in config:
            return functional.functional_from_config(cls, config, custom_objects)
        return super().from_config(config)

    def summary(self, line_length=None, positions=None, print_fn=None):
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


def _one_or_list(tensors, name, what):
    if tensors is None:
        raise AttributeError("model %r has no %s yet: it is not a functional model and "
                             "does not know its input shape" % (name, what))
    return tensors[0] if len(tensors) == 1 else tensors


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
        """Appends ``layer`` to the stack (a ``keras.Input`` tensor adds its ``InputLayer``)."""
        if isinstance(layer, functional.KerasTensor):
            layer = layer._keras_history[0]
            if not isinstance(layer, InputLayer):
                raise TypeError(
                    "Sequential.add: a KerasTensor can only start a Sequential when it "
                    "is a keras.Input(...); this one was made by layer %r" % layer.name)
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
        """Removes the last layer. As in Keras, a model that was built stays built
        for the layers left (none left: not built).

        >>> import stage3_layers as tf
        >>> model = tf.keras.Sequential([tf.keras.Input(shape=(3,)),
        ...                              tf.keras.layers.Dense(4), tf.keras.layers.Dense(2)])
        >>> model.pop()
        >>> model.built, model(tf.ones([1, 3])).shape
        (True, TensorShape([1, 4]))
        """
        if not self.layers:
            raise TypeError("Sequential.pop: there are no layers in the model")
        shape = self._build_input_shape if self.built else None
        self._layers.pop()
        self.built = False
        self.__dict__.pop("_ends", None)
        if self.layers and shape is not None:
            self._build_input_shape = None
            Model.build(self, shape)

    @property
    def inputs(self):
        """``[KerasTensor]`` of the declared input shape (None while it is unknown).

        >>> import stage3_layers as tf
        >>> model = tf.keras.Sequential([tf.keras.Input(shape=(3,)), tf.keras.layers.Dense(2)])
        >>> model.inputs[0].shape, model.outputs[0].shape
        (TensorShape([None, 3]), TensorShape([None, 2]))
        """
        ends = self._symbolic_ends()
        return None if ends is None else [ends[0]]

    @property
    def outputs(self):
        ends = self._symbolic_ends()
        return None if ends is None else [ends[1]]

    def _symbolic_ends(self):
        """The stack called once on a ``keras.Input`` of the declared shape."""
        ends = self.__dict__.get("_ends")
        if ends is not None and ends[2] == len(self._layers):
            return ends
        declared = self._batch_input_shape or (self._layers and self._layers[0]._batch_input_shape)
        if not declared:
            return None
        first = self._layers[0]
        if isinstance(first, InputLayer):
            start, layers = first.output, self._layers[1:]
        else:
            from .layers.core import Input
            start, layers = Input(batch_shape=declared, dtype=first.dtype), self._layers
        end = start
        for layer in layers:
            end = layer(end)
        self._ends = (start, end, len(self._layers))
        return self._ends

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
