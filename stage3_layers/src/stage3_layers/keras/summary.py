"""``model.summary()``: a table of a model's layers, output shapes and parameter counts.

>>> import stage3_layers as tf
>>> tf.keras.backend.clear_session()
>>> model = tf.keras.Sequential([tf.keras.layers.Flatten(input_shape=(28, 28)),
...                              tf.keras.layers.Dense(128, activation="relu"),
...                              tf.keras.layers.Dense(10, activation="softmax")])
>>> model.summary()
Model: "sequential"
_________________________________________________________________
Layer (type)                 Output Shape              Param #
=================================================================
flatten (Flatten)            (None, 784)               0
_________________________________________________________________
dense (Dense)                (None, 128)               100480
_________________________________________________________________
dense_1 (Dense)              (None, 10)                1290
=================================================================
Total params: 101,770
Trainable params: 101,770
Non-trainable params: 0
_________________________________________________________________
"""

import numpy as np

from .base_layer import format_shape

__all__ = ["print_summary"]


def _count(variables):
    return int(sum(int(np.prod(v.shape)) for v in variables))


def _shape_text(shape):
    if shape is None or shape == "multiple":
        return "multiple"
    if isinstance(shape, list):          # a layer with several outputs
        return "[%s]" % ", ".join(_shape_text(s) for s in shape)
    return format_shape(shape)


def _connections(graph, layer):
    """``name[node][index]`` for each tensor fed to ``layer`` in ``graph``."""
    return ["%s[%d][%d]" % (t._keras_history[0].name, t._keras_history[1], t._keras_history[2])
            for node in graph.nodes if node.layer is layer for t in node.input_tensors]


def _row(fields, positions):
    line = ""
    for field, end in zip(fields, positions):
        line += str(field)
        line = line[:end - 1] + " " if len(line) >= end else line.ljust(end)
    return line.rstrip()


def print_summary(model, line_length=65, positions=None, print_fn=None):
    """Prints ``model``'s summary table with ``print_fn`` (default ``print``)."""
    print_fn = print_fn or print
    if not model.built:
        raise ValueError(
            "model %r has not been built yet, so its layers have no weights or "
            "output shapes to show. Build it first: call it on a batch of data "
            "(model(x)), call model.build(input_shape) (e.g. (None, 784)), or give "
            "the first layer of a Sequential an input_shape= argument" % model.name)
    graph = model._functional
    columns = ["Layer (type)", "Output Shape", "Param #"]
    if graph is not None:           # a functional model also says what feeds each layer
        columns.append("Connected to")
        line_length = line_length or 98
        positions = positions or [0.33, 0.55, 0.67, 1.0]
    line_length = line_length or 65
    positions = positions or [0.45, 0.85, 1.0]
    if positions[-1] <= 1:
        positions = [int(line_length * p) for p in positions]
    layers = model.layers
    print_fn('Model: "%s"' % model.name)
    print_fn("_" * line_length)
    print_fn(_row(columns, positions))
    print_fn("=" * line_length)
    for i, layer in enumerate(layers):
        params = _count(layer.weights) if layer.built else 0
        fields = ["%s (%s)" % (layer.name, type(layer).__name__),
                  _shape_text(layer._output_shape), params]
        if graph is None:
            print_fn(_row(fields, positions))
        else:
            sources = _connections(graph, layer) or [""]
            print_fn(_row(fields + [sources[0]], positions))
            for source in sources[1:]:
                print_fn(_row(["", "", "", source], positions))
        print_fn(("=" if i == len(layers) - 1 else "_") * line_length)
    if not layers:
        print_fn("=" * line_length)
    trainable = _count(model.trainable_weights)
    total = _count(model.weights)
    print_fn("Total params: {:,}".format(total))
    print_fn("Trainable params: {:,}".format(trainable))
    print_fn("Non-trainable params: {:,}".format(total - trainable))
    print_fn("_" * line_length)
