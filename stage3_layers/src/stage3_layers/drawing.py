"""A picture of a layer's lazy build, drawn from a real layer as SVG.

``show_build(layer, x)`` calls a new layer twice on ``x`` and draws the two
calls side by side: the first converts ``x``, calls ``build`` with its shape,
creates the weights (``add_weight``, with the ops each initializer ran) and
then runs ``call``; the second goes straight to ``call``. Every label comes
from what really happened: the variables' names and shapes, the ops that ran.

>>> import stage3_layers as tf
>>> from stage3_layers.drawing import show_build
>>> svg = str(show_build(tf.keras.layers.Dense(3, name="d"), tf.ones([2, 4])))
>>> "d/kernel:0  shape (4, 3)  float32" in svg and "d/bias:0  shape (3,)  float32" in svg
True
"""

import stage2_autodiff as tf
from stage1_tensors import dispatch
from stage1_tensors.drawing import OP, TARGET, TENSOR, Picture, flow_svg

from .keras import base_layer

__all__ = ["show_build"]


def _record_call(layer, inputs):
    """Calls ``layer(inputs)``; returns ``(events, outputs)``, the events in
    order: ``("op", name)`` for each op that ran, ``("weight", name, variable)``
    for each weight ``add_weight`` made."""
    events = []

    def made(owner, name, variable):
        if owner is layer:
            events.append(("weight", name, variable))

    base_layer.weight_created_listeners.append(made)
    try:
        with dispatch.observing(lambda op, i, a, o: events.append(("op", op.name))):
            outputs = layer(inputs)
    finally:
        base_layer.weight_created_listeners.remove(made)
    return events, outputs


def _shape(tensor):
    return tuple(tensor.shape.as_list())


def _ops(names):
    return ", ".join(names) if names else "none"


def show_build(layer, inputs, title=None):
    """Calls ``layer`` (not built yet) twice on ``inputs`` and draws what each
    call did: the first builds the layer (its weights, with their names and
    shapes), the second only calls it. Ops run before a weight is made are
    counted as its initializer's, ops after the last one as ``call``'s.

    >>> import stage3_layers as tf
    >>> from stage3_layers.drawing import show_build
    >>> svg = str(show_build(tf.keras.layers.Dense(2), tf.ones([1, 5])))
    >>> "build((1, 5))" in svg, svg.count("ops: MatMul, BiasAdd")     # once per call
    (True, 2)
    """
    if not isinstance(layer, base_layer.Layer):
        raise TypeError("show_build draws a Keras layer's first two calls; got %r, pass a "
                        "new layer such as tf.keras.layers.Dense(3)" % (layer,))
    if layer.built:
        raise ValueError("show_build draws a layer's first call, but layer %r is already "
                         "built; pass a new layer, e.g. tf.keras.layers.Dense(3)"
                         % (layer.name,))
    inputs = tf.convert_to_tensor(inputs)
    about = "%s %s" % (inputs.dtype.name, _shape(inputs))
    first, outputs = _record_call(layer, inputs)
    second, _ = _record_call(layer, inputs)
    built, pending = [], []
    for event in first:
        if event[0] == "op":
            pending.append(event[1])
        else:
            _, name, variable = event
            built.append(("add_weight(%r)" % name, [
                "%s  shape %s  %s" % (variable.name, _shape(variable), variable.dtype.name),
                "its initializer ran: %s" % _ops(pending)], TARGET))
            pending = []
    result = "returns %s %s" % (outputs.dtype.name, _shape(outputs))
    call_ops = [name for kind, name, *_ in second if kind == "op"]
    steps_first = [
        ("layer(x)", ["x: %s" % about, "layer.built is False"], TENSOR),
        ("build(%s)" % (_shape(inputs),), ["called once, with the input's shape"], OP),
        *built,
        ("layer.built = True", ["it now expects %s" % (layer.input_spec,)], OP),
        ("call(x)", ["ops: %s" % _ops(pending), result], OP)]
    steps_second = [("layer(x)", ["x: %s" % about, "layer.built is True"], TENSOR)] \
        + [None] * (len(steps_first) - 2) \
        + [("call(x)", ["ops: %s" % _ops(call_ops), result], OP)]
    title = title or "lazy building: %s's first call builds it, the second only calls it" \
        % (layer.name,)
    return Picture(flow_svg([("first call", steps_first),
                             ("second call: no build", steps_second)], title))
