"""Wrappers: layers that run another layer in a new way.

* ``TimeDistributed(layer)`` applies ``layer`` to every time step of
  ``(batch, time, ...)`` inputs, with the same weights at every step. It folds
  time into the batch (``(batch * time, ...)``), calls the layer once, and
  unfolds the result: one big call instead of a loop.
* ``Bidirectional(rnn)`` runs a recurrent layer forwards and a copy of it
  backwards (``go_backwards=True``) over the sequence, and merges the two
  results (concatenated by default), so every step sees its past and its future.

>>> import stage3_layers as tf
>>> tf.keras.layers.TimeDistributed(tf.keras.layers.Dense(8))(tf.zeros([2, 5, 3])).shape
TensorShape([2, 5, 8])
>>> tf.keras.layers.Bidirectional(tf.keras.layers.LSTM(4))(tf.zeros([2, 5, 3])).shape
TensorShape([2, 8])
"""

import stage2_autodiff as tf

from ..base_layer import InputSpec, Layer, _wants_training
from ..serialization import custom_object_scope, deserialize, serialize

__all__ = ["Wrapper", "TimeDistributed", "Bidirectional"]


def _layer_argument(layer, who):
    if not isinstance(layer, Layer):
        raise TypeError("%s wraps a layer: pass a tf.keras.layers.Layer instance, such "
                        "as %s(tf.keras.layers.Dense(8)); got %r"
                        % (who, who, layer))
    return layer


class Wrapper(Layer):
    """Base class of the wrappers: holds ``layer`` and saves it in its config.

    >>> import stage3_layers as tf
    >>> wrapper = tf.keras.layers.TimeDistributed(tf.keras.layers.Dense(2))
    >>> type(wrapper.layer).__name__
    'Dense'
    """

    def __init__(self, layer, **kwargs):
        super().__init__(**kwargs)
        self.layer = _layer_argument(layer, type(self).__name__)

    def get_config(self):
        return {**super().get_config(), "layer": serialize(self.layer)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        layer = deserialize(config.pop("layer"), custom_objects)
        return cls(layer, **config)


class TimeDistributed(Wrapper):
    """Applies ``layer`` to each time step (axis 1) of its input, sharing its weights.

    >>> import stage3_layers as tf
    >>> layer = tf.keras.layers.TimeDistributed(tf.keras.layers.Conv2D(4, 3))
    >>> layer(tf.zeros([2, 10, 8, 8, 1])).shape
    TensorShape([2, 10, 6, 6, 4])
    """

    _input_hint = ("TimeDistributed takes inputs of shape (batch, time, ...) and applies "
                   "its layer to each (batch, ...) slice along axis 1")

    def __init__(self, layer, **kwargs):
        super().__init__(layer, **kwargs)
        self.input_spec = InputSpec(min_ndim=3)

    get_config = Wrapper.get_config     # its one argument is the wrapped layer

    def call(self, inputs, training=None):
        shape = tuple(inputs.shape)
        folded = tf.reshape(inputs, (shape[0] * shape[1],) + shape[2:])
        kwargs = {"training": training} if _wants_training(self.layer) else {}
        outputs = self.layer(folded, **kwargs)
        if not isinstance(outputs, tf.Tensor):
            raise ValueError("layer %r (TimeDistributed): the wrapped layer %r returned "
                             "%s, but TimeDistributed needs one output tensor"
                             % (self.name, self.layer.name, type(outputs).__name__))
        return tf.reshape(outputs, shape[:2] + tuple(outputs.shape[1:]))


_MERGE_MODES = ("concat", "sum", "mul", "ave", None)


class Bidirectional(Wrapper):
    """Runs a recurrent ``layer`` forwards and backwards and merges the two outputs.

    ``merge_mode``: ``"concat"`` (default), ``"sum"``, ``"mul"``, ``"ave"`` or
    ``None`` (a list of both). The backward layer is a copy of ``layer`` with
    ``go_backwards`` flipped, unless you give ``backward_layer``. With
    ``return_sequences``, the backward outputs are put back in time order before
    merging; with ``return_state``, the forward states follow the output, then
    the backward ones.

    >>> import stage3_layers as tf
    >>> tf.keras.backend.clear_session()
    >>> layer = tf.keras.layers.Bidirectional(
    ...     tf.keras.layers.GRU(3, return_sequences=True), merge_mode="sum")
    >>> layer(tf.zeros([2, 5, 4])).shape
    TensorShape([2, 5, 3])
    >>> [l.name for l in (layer.forward_layer, layer.backward_layer)]
    ['forward_gru', 'backward_gru']
    """

    _input_hint = "Bidirectional takes sequences of shape (batch, time, features)"

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None,
                 **kwargs):
        # The wrapped layer is a template: two copies of it do the work.
        Layer.__init__(self, **kwargs)
        layer = _layer_argument(layer, "Bidirectional")
        for flag in ("go_backwards", "return_sequences", "return_state"):
            if not isinstance(getattr(layer, flag, None), bool):
                raise TypeError("Bidirectional wraps a recurrent layer (an RNN such as "
                                "LSTM(8)), which has %s; got %r" % (flag, layer))
        if merge_mode not in _MERGE_MODES:
            raise ValueError("Bidirectional: invalid merge_mode %r; it must be one of "
                             "'concat', 'sum', 'mul', 'ave' or None" % (merge_mode,))
        if weights is not None:
            raise ValueError("Bidirectional: weights= is not supported; call the layer "
                             "once, then use set_weights")
        if backward_layer is not None:
            backward_layer = _layer_argument(backward_layer, "Bidirectional")
            for flag in ("return_sequences", "return_state"):
                if getattr(backward_layer, flag, None) != getattr(layer, flag):
                    raise ValueError(
                        "Bidirectional: backward_layer.%s is %r but layer.%s is %r; "
                        "they must match" % (flag, getattr(backward_layer, flag, None),
                                             flag, getattr(layer, flag)))
            if getattr(backward_layer, "go_backwards", None) == layer.go_backwards:
                raise ValueError("Bidirectional: backward_layer.go_backwards must be the "
                                 "opposite of layer.go_backwards (%r)" % layer.go_backwards)
        self._layer_config = serialize(layer)
        self._backward_config = (serialize(backward_layer)
                                 if backward_layer is not None else None)
        self.forward_layer = _copy(layer, "forward_", layer.go_backwards)
        if backward_layer is None:
            backward_layer = _copy(layer, "backward_", not layer.go_backwards)
        else:
            backward_layer._name = "backward_" + backward_layer.name
        self.backward_layer = backward_layer
        self.merge_mode = merge_mode
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.input_spec = InputSpec(ndim=3)

    def call(self, inputs, training=None, initial_state=None):
        forward_state = backward_state = None
        if initial_state is not None:
            states = list(initial_state) if isinstance(initial_state, (list, tuple)) \
                else [initial_state]
            if len(states) % 2:
                raise ValueError("layer %r (Bidirectional): initial_state must list the "
                                 "forward layer's states, then the backward layer's (an "
                                 "even number of tensors), got %d" % (self.name, len(states)))
            half = len(states) // 2
            forward_state, backward_state = states[:half], states[half:]
        y = self.forward_layer(inputs, training=training, initial_state=forward_state)
        y_rev = self.backward_layer(inputs, training=training, initial_state=backward_state)
        states = []
        if self.return_state:
            states = list(y[1:]) + list(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = tf.reverse(y_rev, [1])      # back in time order
        if self.merge_mode is None:
            return [y, y_rev] + states
        merged = {"concat": lambda: tf.concat([y, y_rev], axis=-1),
                  "sum": lambda: y + y_rev, "mul": lambda: y * y_rev,
                  "ave": lambda: (y + y_rev) / 2.0}[self.merge_mode]()
        return [merged] + states if states else merged

    def get_config(self):
        config = {**Layer.get_config(self), "layer": self._layer_config,
                  "merge_mode": self.merge_mode}
        if self._backward_config is not None:
            config["backward_layer"] = self._backward_config
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        layer = deserialize(config.pop("layer"), custom_objects)
        backward = config.pop("backward_layer", None)
        if backward is not None:
            backward = deserialize(backward, custom_objects)
        return cls(layer, backward_layer=backward, **config)


def _copy(layer, prefix, go_backwards):
    """A new layer made from ``layer``'s config, named ``prefix + its name``.

    As Keras does, the class is ``layer``'s own (no lookup by name), and so is
    its cell's, so a layer or cell of yours needs no registering.
    """
    config = dict(layer.get_config(), name=prefix + layer.name)
    config["go_backwards"] = go_backwards
    cell = getattr(layer, "cell", None)
    known = {type(cell).__name__: type(cell)} if isinstance(cell, Layer) else {}
    with custom_object_scope(known):
        return type(layer).from_config(config)
