"""Recurrent layers: a *cell* computes one time step, ``RNN`` runs it along time.

A cell maps ``(input_t, states) -> (output_t, new_states)``. ``RNN(cell)``
takes inputs of shape ``(batch, time, features)``, starts from zero states (or
``initial_state=``) and applies the cell at every step, in a Python loop over
time (each step depends on the one before). ``SimpleRNN``, ``LSTM`` and ``GRU``
are ``RNN`` with their cell built in. Gradients flow back through every step
because each step is made of ordinary recorded ops.

>>> import stage3_layers as tf
>>> lstm = tf.keras.layers.LSTM(4, return_sequences=True, return_state=True)
>>> outputs, h, c = lstm(tf.zeros([2, 5, 3]))
>>> outputs.shape, h.shape, c.shape
(TensorShape([2, 5, 4]), TensorShape([2, 4]), TensorShape([2, 4]))
"""

import stage2_autodiff as tf

from .. import activations, backend, constraints, initializers, regularizers
from ..base_layer import BuildShape, InputSpec, Layer, _wants_training

__all__ = ["SimpleRNNCell", "LSTMCell", "GRUCell", "RNN", "SimpleRNN", "LSTM", "GRU"]


def _units(units, who):
    if isinstance(units, bool) or not isinstance(units, int) or units <= 0:
        raise ValueError("%s: units must be a positive integer, got %r" % (who, units))
    return units


def _no_dropout(dropout, recurrent_dropout, who):
    if dropout or recurrent_dropout:
        raise ValueError("%s: dropout and recurrent_dropout are not supported here; "
                         "put a Dropout layer before or after the recurrent layer" % who)


def _state_list(states):
    return list(states) if isinstance(states, (list, tuple)) else [states]


def _state_sizes(cell):
    """A cell's ``state_size`` as a list: a cell of your own may give one int."""
    size = cell.state_size
    return list(size) if isinstance(size, (list, tuple)) else [size]


def _zero_states(cell, batch, like):
    """The cell's own zero states, or (for a cell of yours without
    ``get_initial_state``) zeros of shape ``(batch, size)`` made from ``like``."""
    if hasattr(cell, "get_initial_state"):
        return cell.get_initial_state(batch, like=like)
    column = tf.zeros_like(tf.reshape(like, (batch, -1))[:, :1])
    return [tf.broadcast_to(column, (batch, size)) for size in _state_sizes(cell)]


_WEIGHT_OPTIONS = ("kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
                   "kernel_constraint", "recurrent_constraint", "bias_constraint")


class _Cell(Layer):
    """What the three cells share: their weights' options and shapes."""

    def __init__(self, units, activation, recurrent_activation, use_bias,
                 kernel_initializer, recurrent_initializer, bias_initializer,
                 dropout, recurrent_dropout, kwargs):
        kwargs.pop("implementation", None)
        # Each weight's regularizer and constraint (kernel, recurrent_kernel, bias).
        options = {key: kwargs.pop(key, None) for key in _WEIGHT_OPTIONS}
        super().__init__(**kwargs)
        who = type(self).__name__
        self.units = _units(units, who)
        _no_dropout(dropout, recurrent_dropout, who)
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        for key, value in options.items():
            module = regularizers if key.endswith("regularizer") else constraints
            setattr(self, key, module.get(value))

    def _build_weights(self, input_shape, gates, bias_shape=None, bias_initializer=None):
        features = input_shape[-1]
        self.kernel = self.add_weight("kernel", shape=[features, gates * self.units],
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(
            "recurrent_kernel", shape=[self.units, gates * self.units],
            initializer=self.recurrent_initializer,
            regularizer=self.recurrent_regularizer, constraint=self.recurrent_constraint)
        self.bias = (self.add_weight("bias", shape=bias_shape or [gates * self.units],
                                     initializer=bias_initializer or self.bias_initializer,
                                     regularizer=self.bias_regularizer,
                                     constraint=self.bias_constraint)
                     if self.use_bias else None)
        self.input_spec = InputSpec(ndim=2, axes={-1: features})
        self.built = True

    def _cell_config(self, recurrent_activation=True):
        config = {**Layer.get_config(self), "units": self.units,
                  "activation": activations.serialize(self.activation)}
        if recurrent_activation:
            config["recurrent_activation"] = activations.serialize(
                self.recurrent_activation)
        config.update(
            use_bias=self.use_bias,
            kernel_initializer=initializers.serialize(self.kernel_initializer),
            recurrent_initializer=initializers.serialize(self.recurrent_initializer),
            bias_initializer=initializers.serialize(self.bias_initializer))
        for key in _WEIGHT_OPTIONS:
            module = regularizers if key.endswith("regularizer") else constraints
            config[key] = module.serialize(getattr(self, key))
        return config

    def get_initial_state(self, batch_size, dtype=None, like=None):
        """Zero states for a batch: one tensor per entry of ``state_size``.

        With ``like`` (a tensor of shape ``(batch, ...)``) the zeros are made
        from it, so they live on its device and have its dtype.
        """
        if like is not None:
            column = tf.zeros_like(tf.reshape(like, (batch_size, -1))[:, :1])
            return [tf.broadcast_to(column, (batch_size, size)) for size in self.state_size]
        dtype = dtype or self.dtype
        return [tf.zeros((batch_size, size), dtype=dtype) for size in self.state_size]


class SimpleRNNCell(_Cell):
    """One step of a plain RNN: ``h = activation(x @ kernel + h_prev @ recurrent_kernel + bias)``.

    >>> import stage3_layers as tf
    >>> cell = tf.keras.layers.SimpleRNNCell(3)
    >>> output, states = cell(tf.zeros([2, 4]), [tf.zeros([2, 3])])
    >>> output.shape, len(states)
    (TensorShape([2, 3]), 1)
    """

    def __init__(self, units, activation="tanh", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", dropout=0.0, recurrent_dropout=0.0, **kwargs):
        super().__init__(units, activation, None, use_bias, kernel_initializer,
                         recurrent_initializer, bias_initializer, dropout,
                         recurrent_dropout, kwargs)

    @property
    def state_size(self):
        return [self.units]

    output_size = property(lambda self: self.units)

    def build(self, input_shape):
        self._build_weights(input_shape, 1)

    def get_config(self):
        return self._cell_config(recurrent_activation=False)

    def call(self, inputs, states, training=None):
        h = tf.matmul(inputs, self.kernel)
        if self.use_bias:
            h = tf.nn.bias_add(h, self.bias)
        output = self.activation(h + tf.matmul(_state_list(states)[0], self.recurrent_kernel))
        return output, [output]


def _lstm_bias_initializer(cell):
    """Zeros, except ones for the forget gate: an LSTM starts out remembering."""
    def init(shape, dtype=None, **kwargs):
        u = cell.units
        return tf.concat([cell.bias_initializer((u,), dtype=dtype),
                          initializers.Ones()((u,), dtype=dtype),
                          cell.bias_initializer((2 * u,), dtype=dtype)], axis=0)
    return init


class LSTMCell(_Cell):
    """One LSTM step. Gates, in TensorFlow's order ``i, f, c, o``::

        i = sigmoid(x W_i + h U_i + b_i)      input gate
        f = sigmoid(x W_f + h U_f + b_f)      forget gate
        c = f * c_prev + i * tanh(x W_c + h U_c + b_c)
        o = sigmoid(x W_o + h U_o + b_o)      output gate
        h = o * tanh(c)

    The four ``W`` are the columns of ``kernel`` (``(features, 4 * units)``).

    >>> import stage3_layers as tf
    >>> cell = tf.keras.layers.LSTMCell(2)
    >>> h, (h2, c) = cell(tf.zeros([1, 3]), [tf.zeros([1, 2]), tf.zeros([1, 2])])
    >>> h.shape, c.shape
    (TensorShape([1, 2]), TensorShape([1, 2]))
    """

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid",
                 use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, dropout=0.0, recurrent_dropout=0.0, **kwargs):
        super().__init__(units, activation, recurrent_activation, use_bias,
                         kernel_initializer, recurrent_initializer, bias_initializer,
                         dropout, recurrent_dropout, kwargs)
        self.unit_forget_bias = bool(unit_forget_bias)

    def get_config(self):
        return {**self._cell_config(), "unit_forget_bias": self.unit_forget_bias}

    @property
    def state_size(self):
        return [self.units, self.units]

    output_size = property(lambda self: self.units)

    def build(self, input_shape):
        self._build_weights(input_shape, 4, bias_initializer=(
            _lstm_bias_initializer(self) if self.unit_forget_bias else None))

    def call(self, inputs, states, training=None):
        h_prev, c_prev = states[0], states[1]
        z = tf.matmul(inputs, self.kernel) + tf.matmul(h_prev, self.recurrent_kernel)
        if self.use_bias:
            z = tf.nn.bias_add(z, self.bias)
        z_i, z_f, z_c, z_o = tf.split(z, 4, axis=1)
        i = self.recurrent_activation(z_i)
        f = self.recurrent_activation(z_f)
        c = f * c_prev + i * self.activation(z_c)
        o = self.recurrent_activation(z_o)
        h = o * self.activation(c)
        return h, [h, c]


class GRUCell(_Cell):
    """One GRU step, gates in TensorFlow's order ``z, r, h``::

        z = sigmoid(x W_z + b_z + h U_z + b'_z)          update gate
        r = sigmoid(x W_r + b_r + h U_r + b'_r)          reset gate
        n = tanh(x W_h + b_h + r * (h U_h + b'_h))       (reset_after=True, TF 2's default)
        h = z * h_prev + (1 - z) * n

    With ``reset_after=True`` the bias has shape ``(2, 3 * units)``: one row for
    the input side, one for the recurrent side. ``reset_after=False`` applies
    ``r`` before the matmul, ``n = tanh(x W_h + (r * h) U_h + b_h)``.

    >>> import stage3_layers as tf
    >>> cell = tf.keras.layers.GRUCell(2)
    >>> _ = cell(tf.zeros([1, 3]), [tf.zeros([1, 2])])
    >>> cell.bias.shape
    TensorShape([2, 6])
    """

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid",
                 use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 dropout=0.0, recurrent_dropout=0.0, reset_after=True, **kwargs):
        super().__init__(units, activation, recurrent_activation, use_bias,
                         kernel_initializer, recurrent_initializer, bias_initializer,
                         dropout, recurrent_dropout, kwargs)
        self.reset_after = bool(reset_after)

    def get_config(self):
        return {**self._cell_config(), "reset_after": self.reset_after}

    @property
    def state_size(self):
        return [self.units]

    output_size = property(lambda self: self.units)

    def build(self, input_shape):
        bias_shape = [2, 3 * self.units] if self.reset_after else [3 * self.units]
        self._build_weights(input_shape, 3, bias_shape=bias_shape)

    def call(self, inputs, states, training=None):
        h_prev = _state_list(states)[0]
        u = self.units
        x = tf.matmul(inputs, self.kernel)
        if self.use_bias:
            input_bias = self.bias[0] if self.reset_after else self.bias
            x = tf.nn.bias_add(x, input_bias)
        x_z, x_r, x_h = tf.split(x, 3, axis=1)
        if self.reset_after:
            rec = tf.matmul(h_prev, self.recurrent_kernel)
            if self.use_bias:
                rec = tf.nn.bias_add(rec, self.bias[1])
            rec_z, rec_r, rec_h = tf.split(rec, 3, axis=1)
            z = self.recurrent_activation(x_z + rec_z)
            r = self.recurrent_activation(x_r + rec_r)
            n = self.activation(x_h + r * rec_h)
        else:
            rec = tf.matmul(h_prev, self.recurrent_kernel[:, :2 * u])
            rec_z, rec_r = tf.split(rec, 2, axis=1)
            z = self.recurrent_activation(x_z + rec_z)
            r = self.recurrent_activation(x_r + rec_r)
            n = self.activation(x_h + tf.matmul(r * h_prev, self.recurrent_kernel[:, 2 * u:]))
        h = z * h_prev + (1.0 - z) * n
        return h, [h]


class RNN(Layer):
    """Runs ``cell`` over the time axis of ``(batch, time, features)`` inputs.

    Returns the last output ``(batch, units)``, or every output
    ``(batch, time, units)`` with ``return_sequences=True``; with
    ``return_state=True`` the final states follow as extra results.
    ``go_backwards=True`` reads the sequence from its end.

    >>> import stage3_layers as tf
    >>> rnn = tf.keras.layers.RNN(tf.keras.layers.SimpleRNNCell(4))
    >>> rnn(tf.zeros([2, 7, 3])).shape
    TensorShape([2, 4])
    """

    _input_hint = ("a recurrent layer takes sequences of shape (batch, time, "
                   "features); a single sequence needs a batch axis: tf.expand_dims(x, 0)")

    def __init__(self, cell, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, time_major=False,
                 **kwargs):
        if stateful or time_major:
            raise ValueError("RNN: stateful=True and time_major=True are not supported; "
                             "pass initial_state= and (batch, time, features) inputs")
        if not isinstance(cell, Layer) or not hasattr(cell, "state_size"):
            raise TypeError("RNN expects a cell layer with a state_size (e.g. "
                            "tf.keras.layers.LSTMCell(8)), got %r" % (cell,))
        super().__init__(**kwargs)
        self.cell = cell
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.input_spec = InputSpec(ndim=3)

    @property
    def units(self):
        return self.cell.units

    def get_config(self):
        from ..serialization import serialize
        return {**super().get_config(), "cell": serialize(self.cell),
                "return_sequences": self.return_sequences,
                "return_state": self.return_state, "go_backwards": self.go_backwards}

    @classmethod
    def from_config(cls, config):
        from ..serialization import deserialize
        config = dict(config)
        return cls(deserialize(config.pop("cell")), **config)

    def build(self, input_shape):
        if len(input_shape) != 3:
            raise ValueError("%s %r: build got input shape %s, but %s"
                             % (type(self).__name__, self.name, tuple(input_shape),
                                self._input_hint))
        if not self.cell.built:
            # Built inside this layer's scope: variables are "lstm/lstm_cell/kernel:0".
            backend.call_stack.append((self.cell.name, None))
            try:
                self.cell.build(BuildShape((input_shape[0], input_shape[2])))
            finally:
                backend.call_stack.pop()
            self.cell.built = True
            self.cell._build_input_shape = BuildShape((input_shape[0], input_shape[2]))
        self.input_spec = InputSpec(ndim=3, axes={-1: input_shape[-1]})
        self.built = True

    def call(self, inputs, training=None, initial_state=None, mask=None):
        batch, steps = inputs.shape[0], inputs.shape[1]
        if steps == 0:
            raise ValueError("%s %r: the input has no time steps (shape %s)"
                             % (type(self).__name__, self.name, tuple(inputs.shape)))
        if initial_state is None:
            # A batch whose size only a graph knows (stage 5's tf.function with a
            # None batch dimension) gives the zero states its size as a tensor.
            size = batch if batch is not None else tf.shape(inputs)[0]
            states = _zero_states(self.cell, size, inputs[:, 0])
        else:
            states = [self._autocast(s) for s in _state_list(initial_state)]
            want = [(batch, size) for size in _state_sizes(self.cell)]
            got = [tuple(s.shape) for s in states]
            if got != want:
                raise ValueError("%s %r: initial_state must be %d tensor(s) of shapes %s, "
                                 "got shapes %s" % (type(self).__name__, self.name,
                                                    len(want), want, got))
        steps_in = tf.unstack(inputs, axis=1)
        if self.go_backwards:
            steps_in = steps_in[::-1]
        outputs = []
        # A cell of your own may write call(self, inputs, states), without training.
        extra = {"training": training} if _wants_training(self.cell) else {}
        for x_t in steps_in:
            output, states = self.cell.call(x_t, states, **extra)
            states = _state_list(states)
            if self.return_sequences:
                outputs.append(output)
        result = tf.stack(outputs, axis=1) if self.return_sequences else output
        if self.return_state:
            return [result] + list(states)
        return result


class _BuiltinRNN(RNN):
    _cell_class = None

    def __init__(self, units, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, time_major=False,
                 **kwargs):
        # activity_regularizer belongs to the layer (its outputs), not to the cell.
        layer_keys = ("name", "trainable", "input_shape", "batch_input_shape",
                      "batch_size", "input_dim", "activity_regularizer")
        layer_kwargs = {k: kwargs.pop(k) for k in layer_keys if k in kwargs}
        dtype = kwargs.pop("dtype", None)
        cell = self._cell_class(units, dtype=dtype, **kwargs)
        super().__init__(cell, return_sequences=return_sequences,
                         return_state=return_state, go_backwards=go_backwards,
                         stateful=stateful, unroll=unroll, time_major=time_major,
                         dtype=dtype, **layer_kwargs)

    def get_config(self):
        # The cell's own options, flat, as Keras writes them: LSTM(units=4, ...).
        config = RNN.get_config(self)
        cell = config.pop("cell")["config"]
        for key in ("name", "trainable", "dtype"):
            cell.pop(key, None)
        return {**config, **cell}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __getattr__(self, name):
        # The cell's options and weights read as the layer's own (lstm.kernel ...).
        if name in ("kernel", "recurrent_kernel", "bias", "activation",
                    "recurrent_activation", "use_bias", "reset_after", "unit_forget_bias",
                    *_WEIGHT_OPTIONS):
            return getattr(self.__dict__["cell"], name)
        raise AttributeError("%r object has no attribute %r" % (type(self).__name__, name))


class SimpleRNN(_BuiltinRNN):
    """A fully connected RNN: ``RNN(SimpleRNNCell(units, ...))``.

    >>> import stage3_layers as tf
    >>> tf.keras.layers.SimpleRNN(4)(tf.zeros([2, 3, 5])).shape
    TensorShape([2, 4])
    """

    _cell_class = SimpleRNNCell


class LSTM(_BuiltinRNN):
    """Long short-term memory: ``RNN(LSTMCell(units, ...))``.

    >>> import stage3_layers as tf
    >>> tf.keras.layers.LSTM(4, return_sequences=True)(tf.zeros([2, 3, 5])).shape
    TensorShape([2, 3, 4])
    """

    _cell_class = LSTMCell


class GRU(_BuiltinRNN):
    """Gated recurrent unit: ``RNN(GRUCell(units, ...))``, ``reset_after=True`` as in TF 2.

    >>> import stage3_layers as tf
    >>> out, h = tf.keras.layers.GRU(4, return_state=True)(tf.zeros([2, 3, 5]))
    >>> out.shape, h.shape
    (TensorShape([2, 4]), TensorShape([2, 4]))
    """

    _cell_class = GRUCell
