"""Keras's functional API: a model is the graph of layer calls between inputs and outputs.

Instead of writing ``call``, you call layers on *symbolic* inputs and hand the
two ends to ``keras.Model``::

    inputs = keras.Input(shape=(784,))              # a KerasTensor: shape, dtype, no value
    h = keras.layers.Dense(64, activation="relu")(inputs)   # records a node
    outputs = keras.layers.Dense(10)(h)
    model = keras.Model(inputs=inputs, outputs=outputs)

Three small ideas make it work:

1. A ``KerasTensor`` stands for "whatever will flow here". It knows its shape
   (``None`` where a size is known only later, like the batch), its dtype, and
   which layer call made it (its *history*).
2. Calling a layer on KerasTensors records a ``Node`` (the layer, the
   KerasTensors it took, the KerasTensors it gave) instead of computing. To
   learn the output shapes, the layer runs on two small *example* inputs (zeros,
   with every unknown size replaced by a stand-in: 2 then 3 for the batch, 32
   then 33 elsewhere); an output size that differs between the two runs is one
   that follows an unknown input size, so it is ``None``. Running the layer also
   builds its weights, for real, as a first eager call would. (Stage 5's tracer
   uses the same trick: a symbolic tensor carrying an example value.)
3. ``keras.Model(inputs, outputs)`` walks the nodes back from the outputs, sorts
   them so each comes after the nodes it needs, and its ``call`` replays them in
   that order on real tensors.

>>> import stage3_layers as tf
>>> tf.keras.backend.clear_session()
>>> inputs = tf.keras.Input(shape=(3,))
>>> inputs
<KerasTensor: shape=(None, 3) dtype=float32 (created by layer 'input_layer')>
>>> outputs = tf.keras.layers.Dense(2)(inputs)
>>> outputs.shape
TensorShape([None, 2])
>>> model = tf.keras.Model(inputs=inputs, outputs=outputs)
>>> model(tf.ones([4, 3])).shape
TensorShape([4, 2])
>>> [layer.name for layer in model.layers]
['input_layer', 'dense']
"""

import stage2_autodiff as tf
from stage2_autodiff import nest

from . import backend
from .base_layer import Layer

__all__ = ["KerasTensor", "Node", "TFOpLambda", "is_symbolic", "call_symbolically", "FunctionalGraph",
           "functional_config", "functional_from_config"]

# Stand-in sizes for unknown dimensions in the two example runs: (batch, other).
_STAND_INS = ((2, 32), (3, 33))


class KerasTensor:
    """A symbolic tensor of a functional model: a shape and a dtype, no value.

    Call layers on it; its ``shape`` has ``None`` for sizes known only when
    data flows (the batch). Python operators (``x + y``, ``2 * x``, ``x[:, 0]``)
    become small layers of the graph too. Anything that needs a value
    (``.numpy()``, ``bool(x)``, a ``tf.*`` function) refuses, and says what to do.

    >>> import stage3_layers as tf
    >>> x = tf.keras.Input(shape=(None, 8), dtype="int32", name="tokens")
    >>> x.shape, x.dtype.name, x.name
    (TensorShape([None, None, 8]), 'int32', 'tokens')
    """

    __slots__ = ("shape", "dtype", "name", "_keras_history", "_examples")

    def __init__(self, shape, dtype, name, history, examples):
        self.shape = tf.TensorShape(shape)
        self.dtype = tf.as_dtype(dtype)
        self.name = name
        self._keras_history = history       # (layer, node index, output index)
        self._examples = examples           # its value in the two example runs

    @property
    def ndim(self):
        return self.shape.rank

    def get_shape(self):
        return self.shape

    @property
    def node(self):
        """The ``Node`` (layer call) that made this tensor."""
        layer, node_index, _ = self._keras_history
        return layer._inbound_nodes[node_index]

    def __repr__(self):
        shape = tuple(self.shape.as_list())
        return "<KerasTensor: shape=%s dtype=%s (created by layer %r)>" % (
            shape if len(shape) != 1 else "(%s,)" % shape[0], self.dtype.name,
            self._keras_history[0].name)

    # --- what a symbolic tensor cannot do --------------------------------------
    def _refuse(self, what):
        raise TypeError(
            "%s a KerasTensor (%s): it is a symbolic placeholder of a functional model "
            "and has no value yet. Call Keras layers on it (keras.layers.Dense(10)(x)), "
            "wrap other TensorFlow code in a layer (keras.layers.Lambda(lambda t: "
            "tf.reduce_sum(t, axis=1))(x)), then build keras.Model(inputs, outputs) and "
            "call the model on real data." % (what, self.name))

    def __array__(self, dtype=None, copy=None):
        self._refuse("Converting to an array (or passing to a tf function)")

    def numpy(self):
        self._refuse("Calling .numpy() on")

    def __bool__(self):
        self._refuse("Using as a Python bool (if/while)")

    def __len__(self):
        self._refuse("Taking len() of")

    def __iter__(self):
        self._refuse("Iterating over")

    def __float__(self):
        self._refuse("Converting to float")

    def __int__(self):
        self._refuse("Converting to int")

    def __index__(self):
        self._refuse("Using as an index")

    __hash__ = object.__hash__


# --- Python operators on KerasTensors: each one a small layer of the graph -------
def _operator(name, function, swap=False):
    def method(self, other=None):
        return _apply_operator(name, function, self, other, swap)
    method.__name__ = "__%s__" % name
    return method


_OPERATORS = {
    "add": lambda a, b: a + b, "subtract": lambda a, b: a - b,
    "multiply": lambda a, b: a * b, "truediv": lambda a, b: a / b,
    "floordiv": lambda a, b: a // b, "pow": lambda a, b: a ** b,
    "matmul": lambda a, b: a @ b, "getitem": lambda a, b: a[b],
    "negative": lambda a, b: -a, "abs": lambda a, b: abs(a),
}
for _name, _dunders in (("add", ("add", "radd")), ("subtract", ("sub", "rsub")),
                        ("multiply", ("mul", "rmul")), ("truediv", ("truediv", "rtruediv")),
                        ("floordiv", ("floordiv", "rfloordiv")), ("pow", ("pow", "rpow")),
                        ("matmul", ("matmul", "rmatmul"))):
    setattr(KerasTensor, "__%s__" % _dunders[0], _operator(_name, _OPERATORS[_name]))
    setattr(KerasTensor, "__%s__" % _dunders[1], _operator(_name, _OPERATORS[_name], True))
KerasTensor.__getitem__ = _operator("getitem", _OPERATORS["getitem"])
KerasTensor.__neg__ = _operator("negative", _OPERATORS["negative"])
KerasTensor.__abs__ = _operator("abs", _OPERATORS["abs"])


def _apply_operator(name, function, tensor, other, swap):
    if isinstance(other, KerasTensor):
        operands = [other, tensor] if swap else [tensor, other]
        return TFOpLambda(name)(operands)
    return TFOpLambda(name, constant=other, swap=swap)(tensor)


class TFOpLambda(Layer):
    """A Python operator applied to KerasTensors (``x + y``, ``2 * x``, ``x[:, 0]``)
    as a layer of the graph, named (and classed) as Keras does: ``tf.__operators__.add``.

    ``constant`` is the other operand when it is not a KerasTensor (``swap``:
    it stands on the left, as in ``2 - x``).

    >>> import stage3_layers as tf
    >>> x = tf.keras.Input(shape=(2,))
    >>> model = tf.keras.Model(x, 10 - x * 2)
    >>> model(tf.constant([[1.0, 2.0]]))
    tf.Tensor([[8. 6.]], shape=(1, 2), dtype=float32)
    """

    def __init__(self, operator, constant=None, swap=False, **kwargs):
        if operator not in _OPERATORS:
            raise ValueError("TFOpLambda: unknown operator %r; known are %s"
                             % (operator, sorted(_OPERATORS)))
        kwargs.setdefault("name", backend.unique_name("tf.__operators__." + operator))
        super().__init__(**kwargs)
        self.operator, self.constant, self.swap = operator, constant, bool(swap)

    def _autocast(self, inputs):
        return inputs           # an operator keeps its operands' dtypes

    def call(self, inputs):
        function = _OPERATORS[self.operator]
        if isinstance(inputs, (list, tuple)) and self.constant is None \
                and self.operator not in ("negative", "abs"):
            return function(inputs[0], inputs[1])
        if self.swap:
            return function(self.constant, inputs)
        return function(inputs, self.constant)

    def get_config(self):
        return {"name": self.name, "operator": self.operator,
                "constant": _encode_constant(self.constant, self.name), "swap": self.swap}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["constant"] = _decode_constant(config.get("constant"))
        return cls(**config)


def _encode_constant(value, where):
    """An operand as JSON data: numbers, lists of numbers, slices, tuples, ``...``."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, slice):
        return {"slice": [_encode_constant(v, where) for v in (value.start, value.stop,
                                                               value.step)]}
    if value is Ellipsis:
        return {"ellipsis": True}
    if isinstance(value, tuple):
        return {"tuple": [_encode_constant(v, where) for v in value]}
    if isinstance(value, (tf.Tensor, list)) or hasattr(value, "tolist"):
        return {"array": tf.convert_to_tensor(value).numpy().tolist()}
    raise NotImplementedError("get_config: layer %r holds the operand %r, which has no "
                              "JSON form" % (where, value))


def _decode_constant(value):
    if not isinstance(value, dict):
        return value
    if "slice" in value:
        return slice(*[_decode_constant(v) for v in value["slice"]])
    if "tuple" in value:
        return tuple(_decode_constant(v) for v in value["tuple"])
    if "array" in value:
        return tf.constant(value["array"])
    return Ellipsis


# --- nodes: one per layer call ----------------------------------------------------
class Node:
    """One call of ``layer`` in a functional graph: what it took and what it gave.

    ``args`` and ``kwargs`` are the call's arguments, KerasTensors included;
    ``outputs`` is the structure of KerasTensors it returned.
    """

    def __init__(self, layer, args, kwargs, outputs):
        self.layer = layer
        self.args = args
        self.kwargs = kwargs
        self.outputs = outputs
        self.input_tensors = [t for t in nest.flatten([list(args), kwargs])
                              if isinstance(t, KerasTensor)]
        self.output_tensors = nest.flatten(outputs)

    @property
    def parents(self):
        """The nodes whose outputs this node takes."""
        return [t.node for t in self.input_tensors]

    def __repr__(self):
        return "<Node %s(%s)>" % (self.layer.name, ", ".join(t.name for t in self.input_tensors))


def _add_node(layer, args, kwargs, outputs):
    nodes = layer.__dict__.setdefault("_inbound_nodes", [])
    nodes.append(Node(layer, args, kwargs, outputs))
    return len(nodes) - 1


def input_tensor(layer, shape, dtype, name):
    """The KerasTensor an ``InputLayer`` stands for (its node 0): ``keras.Input``'s result."""
    examples = [tf.zeros([stand_in(d, i, run) for i, d in enumerate(shape)], dtype=dtype)
                for run in range(2)]
    tensor = KerasTensor(shape, dtype, name, (layer, 0, 0), examples)
    layer.__dict__["_inbound_nodes"] = [Node(layer, (), {}, tensor)]
    layer._output_shape = [tuple(shape)]        # summary() shows [(None, 3)]
    return tensor


def stand_in(size, axis, run):
    """The size an unknown dimension takes in example run ``run`` (0 or 1)."""
    if size is not None:
        return size
    batch, other = _STAND_INS[run]
    return batch if axis == 0 else other


# --- calling a layer on KerasTensors ---------------------------------------------
def is_symbolic(inputs, args=(), kwargs=None):
    """Whether any argument of a layer call is a KerasTensor."""
    leaves = nest.flatten([inputs, list(args), kwargs or {}])
    return any(isinstance(leaf, KerasTensor) for leaf in leaves)


def call_symbolically(layer, inputs, args, kwargs):
    """``layer(inputs, *args, **kwargs)`` where some arguments are KerasTensors.

    Runs the layer on both example values (so it builds, and its output shapes
    show), records a ``Node`` and returns KerasTensors like its outputs.
    """
    call_args = (inputs,) + tuple(args)
    runs = []
    for run in range(2):
        leaves = nest.flatten([list(call_args), kwargs])
        examples = [leaf._examples[run] if isinstance(leaf, KerasTensor) else leaf
                    for leaf in leaves]
        ex_args, ex_kwargs = nest.pack_sequence_as([list(call_args), kwargs], examples)
        ex_kwargs = dict(ex_kwargs, training=False)     # shapes do not depend on it
        try:
            runs.append(layer(*ex_args, **ex_kwargs))
        except Exception as error:
            shapes = ", ".join("%s stands for %s" % (tuple(t._examples[run].shape),
                                                     tuple(t.shape.as_list()))
                               for t in nest.flatten([list(call_args), kwargs])
                               if isinstance(t, KerasTensor))
            note = ("while calling layer %r (%s) on KerasTensors, on an example input "
                    "(%s)" % (layer.name, type(layer).__name__, shapes))
            error.args = ("%s\n(%s)" % (error.args[0], note),) + error.args[1:] \
                if error.args and isinstance(error.args[0], str) else error.args
            raise
    first, second = nest.flatten(runs[0]), nest.flatten(runs[1])
    node_index = len(layer.__dict__.get("_inbound_nodes", ()))
    outputs = []
    for i, (a, b) in enumerate(zip(first, second)):
        if not isinstance(a, tf.Tensor):
            raise TypeError("layer %r returned %r; in a functional model a layer must "
                            "return tensors" % (layer.name, type(a).__name__))
        shape = [d if d == e else None for d, e in zip(a.shape, b.shape)]
        name = layer.name if len(first) == 1 else "%s_%d" % (layer.name, i)
        outputs.append(KerasTensor(shape, a.dtype, name, (layer, node_index, i), [a, b]))
    outputs = nest.pack_sequence_as(runs[0], outputs)
    _add_node(layer, call_args, kwargs, outputs)
    layer._output_shape = _symbolic_output_shape(layer, outputs, node_index)
    return outputs


def _symbolic_output_shape(layer, outputs, node_index):
    shape = [tuple(t.shape.as_list()) for t in nest.flatten(outputs)]
    shape = shape[0] if not isinstance(outputs, (list, tuple)) else shape
    previous = getattr(layer, "_symbolic_shape", None)
    layer._symbolic_shape = shape if previous in (None, shape) else "multiple"
    return layer._symbolic_shape


# --- the graph of a functional model ---------------------------------------------
class FunctionalGraph:
    """The nodes between a model's ``inputs`` and ``outputs``, in an order where
    each node comes after the nodes whose outputs it takes.

    >>> import stage3_layers as tf
    >>> from stage3_layers.keras.functional import FunctionalGraph
    >>> a = tf.keras.Input(shape=(2,), name="a")
    >>> b = tf.keras.layers.Dense(3, name="hidden")(a)
    >>> graph = FunctionalGraph(a, tf.keras.layers.Dense(1, name="out")(b), "m")
    >>> [node.layer.name for node in graph.nodes]
    ['a', 'hidden', 'out']
    """

    def __init__(self, inputs, outputs, model_name):
        self.inputs, self.outputs = inputs, outputs
        self.flat_inputs = nest.flatten(inputs)
        self.flat_outputs = nest.flatten(outputs)
        for what, tensors in (("inputs", self.flat_inputs), ("outputs", self.flat_outputs)):
            for t in tensors:
                if not isinstance(t, KerasTensor):
                    raise TypeError(
                        "Model(inputs, outputs): every one of the %s must be a KerasTensor "
                        "(inputs from keras.Input(shape=...), outputs from calling layers on "
                        "them), got %r of type %s" % (what, t, type(t).__name__))
        from .layers.core import InputLayer
        for t in self.flat_inputs:
            if not isinstance(t._keras_history[0], InputLayer):
                raise ValueError(
                    "Model(inputs, outputs): input %r was made by layer %r, not by "
                    "keras.Input; a model's inputs must be keras.Input tensors"
                    % (t.name, t._keras_history[0].name))
        self.nodes = self._sorted_nodes(model_name)
        self._input_nodes = {id(t.node) for t in self.flat_inputs}
        self.layers = []
        for node in self.nodes:
            if node.layer not in self.layers:
                self.layers.append(node.layer)

    def _sorted_nodes(self, model_name):
        """Depth-first from the outputs: a node is placed after all its parents."""
        given = {id(t.node) for t in self.flat_inputs}
        order, placed, reached = [], set(), []

        def place(node, child):
            if id(node) in placed:
                return
            if not node.input_tensors and id(node) not in given:
                raise ValueError(
                    "Graph disconnected: cannot obtain value for tensor %r at layer %r "
                    "(model %r): it comes from keras.Input %r, which is not among the "
                    "model's inputs. The following previous layers were accessed without "
                    "issue: %s. Pass every keras.Input the outputs depend on in inputs="
                    % (node.outputs, child.layer.name if child else node.layer.name,
                       model_name, node.layer.name, [n.layer.name for n in reached]))
            if id(node) not in given:
                for parent in node.parents:
                    place(parent, node)
            placed.add(id(node))
            order.append(node)
            reached.append(node)

        for t in self.flat_inputs:          # the inputs first, in the order given
            place(t.node, None)
        for t in self.flat_outputs:
            place(t.node, None)
        return order

    def run(self, inputs, training, model_name):
        """The outputs for real ``inputs``: every node's layer called in order."""
        flat = self._flat_given(inputs, model_name)
        values = {id(t): v for t, v in zip(self.flat_inputs, flat)}
        for node in self.nodes:
            if id(node) in self._input_nodes:
                continue
            leaves = nest.flatten([list(node.args), node.kwargs])
            real = [values[id(leaf)] if isinstance(leaf, KerasTensor) else leaf
                    for leaf in leaves]
            args, kwargs = nest.pack_sequence_as([list(node.args), node.kwargs], real)
            if training is not None and "training" not in kwargs:
                kwargs = dict(kwargs, training=training)
            result = node.layer(*args, **kwargs)
            for t, value in zip(node.output_tensors, nest.flatten(result)):
                values[id(t)] = value
        return nest.pack_sequence_as(self.outputs, [values[id(t)] for t in self.flat_outputs])

    def _flat_given(self, inputs, model_name):
        if isinstance(self.inputs, dict) and isinstance(inputs, dict):
            missing = sorted(set(self.inputs) - set(inputs))
            if missing:
                raise ValueError("model %r: missing inputs %s (it takes %s)"
                                 % (model_name, missing, sorted(self.inputs)))
            flat = [inputs[k] for k in sorted(self.inputs)]
        elif len(self.flat_inputs) > 1:
            flat = nest.flatten(inputs)
        elif isinstance(inputs, (list, tuple)) and len(inputs) == 1:
            flat = list(inputs)                 # model([x]) for a one-input model
        else:
            flat = [inputs]
        if len(flat) != len(self.flat_inputs):
            raise ValueError(
                "model %r expects %d input(s) (%s), got %d"
                % (model_name, len(self.flat_inputs),
                   ", ".join(t.name for t in self.flat_inputs), len(flat)))
        converted = []
        for i, (t, value) in enumerate(zip(self.flat_inputs, flat)):
            if not isinstance(value, tf.Tensor):
                value = tf.convert_to_tensor(value)
            expected = t.shape.as_list()
            got = tuple(value.shape)
            if len(got) != len(expected) or any(
                    e is not None and e != g for e, g in zip(expected, got)):
                raise ValueError(
                    "Input %d of layer %r is incompatible with the layer: expected "
                    "shape=%s, found shape=%s" % (i, model_name, tuple(expected), got))
            converted.append(value)
        return converted


# --- get_config / from_config ------------------------------------------------------
def functional_config(model):
    """Keras's description of a functional model: each layer's config and the
    calls that connect them (``inbound_nodes``), plus the input and output ends."""
    from .serialization import serialize
    graph = model._functional
    node_ids = {}          # id(node) -> its index among this model's calls of its layer
    for node in graph.nodes:
        node_ids[id(node)] = sum(1 for other in graph.nodes
                                 if other.layer is node.layer and id(other) in node_ids)

    def ref(tensor):
        layer, _, index = tensor._keras_history
        return [layer.name, node_ids[id(tensor.node)], index]

    layers = []
    for layer in graph.layers:
        inbound = []
        for node in graph.nodes:
            if node.layer is layer and node.input_tensors:
                kwargs = {k: v for k, v in node.kwargs.items() if not is_symbolic(v)}
                if len(kwargs) != len(node.kwargs) or len(node.args) > 1:
                    raise NotImplementedError(
                        "get_config: layer %r is called with KerasTensors as extra "
                        "arguments, which this config format does not describe; save the "
                        "weights (save_weights) and rebuild the model in code"
                        % layer.name)
                inbound.append([ref(t) + [kwargs] for t in node.input_tensors])
        entry = serialize(layer)
        entry.update(name=layer.name, inbound_nodes=inbound)
        layers.append(entry)
    return {"name": model.name, "layers": layers,
            "input_layers": [ref(t) for t in graph.flat_inputs],
            "output_layers": [ref(t) for t in graph.flat_outputs]}


def functional_from_config(cls, config, custom_objects=None):
    """A model of class ``cls`` rebuilt from ``functional_config``: the layers
    made anew and called again in an order where each call's inputs exist."""
    from .serialization import deserialize
    from .layers.core import InputLayer
    layers, made = {}, {}              # name -> layer; (name, node, index) -> KerasTensor
    pending = []
    for entry in config["layers"]:
        layer = deserialize({"class_name": entry["class_name"], "config": entry["config"]},
                            custom_objects)
        layers[entry["name"]] = layer
        if isinstance(layer, InputLayer):
            made[(entry["name"], 0, 0)] = layer.output
        for node_index, inbound in enumerate(entry.get("inbound_nodes", [])):
            pending.append((layer, entry["name"], node_index, inbound))
    while pending:
        progress = False
        for item in list(pending):
            layer, name, node_index, inbound = item
            keys = [tuple(ref[:3]) for ref in inbound]
            if not all(key in made for key in keys):
                continue
            tensors = [made[key] for key in keys]
            kwargs = inbound[0][3] if inbound and len(inbound[0]) > 3 else {}
            result = layer(tensors[0] if len(tensors) == 1 else tensors, **kwargs)
            for i, t in enumerate(nest.flatten(result)):
                made[(name, node_index, i)] = t
            pending.remove(item)
            progress = True
        if not progress:
            raise ValueError("from_config: the layers' inbound_nodes do not connect "
                             "(waiting: %s)" % [item[1] for item in pending])

    def tensors(refs):
        return [made[tuple(ref[:3])] for ref in refs]
    inputs, outputs = tensors(config["input_layers"]), tensors(config["output_layers"])
    return cls(inputs=inputs[0] if len(inputs) == 1 else inputs,
               outputs=outputs[0] if len(outputs) == 1 else outputs, name=config.get("name"))

