"""Task 7, more layers: Bidirectional over the recurrent layers, and RNN(cell)
with a cell written as in the Keras guide (state_size, call(inputs, states))."""

import numpy as np
import pytest

import stage3_layers as tf
from tests.stage3.test_config import assert_same_layer

pytestmark = pytest.mark.stage3_task7

L = tf.keras.layers


class MinimalRNNCell(L.Layer):
    """The Keras guide's example cell: one int state_size, no training argument."""

    def __init__(self, units, **kwargs):
        self.units = units
        self.state_size = units
        super().__init__(**kwargs)

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units),
                                      initializer="uniform", name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.units),
                                                initializer="uniform", name="recurrent_kernel")
        self.built = True

    def call(self, inputs, states):
        output = tf.matmul(inputs, self.kernel) + tf.matmul(states[0], self.recurrent_kernel)
        return output, [output]

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def reference_minimal_rnn(x, kernel, recurrent, h=None):
    h = np.zeros((x.shape[0], kernel.shape[1])) if h is None else h
    outputs = []
    for t in range(x.shape[1]):
        h = x[:, t] @ kernel + h @ recurrent
        outputs.append(h)
    return np.stack(outputs, axis=1), h


def test_rnn_runs_a_cell_written_as_in_the_keras_guide(rng, layer_gradients):
    x = rng.normal(size=(2, 5, 3)).astype(np.float32)
    layer = L.RNN(MinimalRNNCell(4), return_sequences=True, return_state=True)
    outputs, state = layer(x)
    kernel, recurrent = layer.get_weights()
    expected, last = reference_minimal_rnn(x, kernel, recurrent)
    np.testing.assert_allclose(outputs.numpy(), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(state.numpy(), last, rtol=1e-5, atol=1e-6)
    assert [v.name for v in layer.weights] == ["rnn/minimal_rnn_cell/kernel:0",
                                               "rnn/minimal_rnn_cell/recurrent_kernel:0"]
    h0 = rng.normal(size=(2, 4)).astype(np.float32)
    _, state = layer(x, initial_state=h0)
    np.testing.assert_allclose(state.numpy(), reference_minimal_rnn(x, kernel, recurrent, h0)[1],
                               rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match=r"initial_state must be 1 tensor.*\(2, 4\)"):
        layer(x, initial_state=np.zeros((2, 3), np.float32))
    layer_gradients(L.RNN(MinimalRNNCell(2, dtype="float64"), dtype="float64"),
                    rng.normal(size=(2, 3, 2)) * 0.5)


@pytest.mark.parametrize("merge_mode, merge", [
    ("concat", lambda f, b: np.concatenate([f, b], -1)), ("sum", np.add),
    ("mul", np.multiply), ("ave", lambda f, b: (f + b) / 2)])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_bidirectional_merges_a_forward_and_a_backward_pass(rng, merge_mode, merge,
                                                            return_sequences):
    x = rng.normal(size=(2, 5, 3)).astype(np.float32)
    layer = L.Bidirectional(L.RNN(MinimalRNNCell(4), return_sequences=return_sequences),
                            merge_mode=merge_mode)
    out = layer(x).numpy()
    fk, fr, bk, br = layer.get_weights()
    forward, f_last = reference_minimal_rnn(x, fk, fr)
    backward, b_last = reference_minimal_rnn(x[:, ::-1], bk, br)
    if return_sequences:
        expected = merge(forward, backward[:, ::-1])    # the backward pass, in time order
    else:
        expected = merge(f_last, b_last)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)
    assert layer.forward_layer.go_backwards is False and layer.backward_layer.go_backwards


def test_bidirectional_lstm_states_names_config_and_gradients(rng, layer_gradients):
    x = rng.normal(size=(2, 4, 3)).astype(np.float32)
    layer = L.Bidirectional(L.LSTM(2, return_state=True))
    out, fh, fc, bh, bc = layer(x)
    assert out.shape == (2, 4) and fh.shape == fc.shape == bh.shape == bc.shape == (2, 2)
    np.testing.assert_allclose(out.numpy(), np.concatenate([fh.numpy(), bh.numpy()], -1))
    names = [v.name for v in layer.weights]
    assert names[0].startswith("bidirectional/forward_lstm/") and len(names) == 6
    assert names[3].startswith("bidirectional/backward_lstm/")
    copy = assert_same_layer(layer, x)
    assert copy.merge_mode == "concat" and copy.forward_layer.units == 2
    again, *_ = layer(x, initial_state=[fh, fc, bh, bc])
    assert again.shape == (2, 4)
    both = L.Bidirectional(L.GRU(2, return_sequences=True), merge_mode=None)
    forward, backward = both(x)
    assert forward.shape == backward.shape == (2, 4, 2)
    layer_gradients(L.Bidirectional(L.SimpleRNN(2, dtype="float64"), dtype="float64"),
                    rng.normal(size=(2, 3, 2)))


def test_bidirectional_with_its_own_backward_layer_round_trips(rng):
    x = rng.normal(size=(2, 4, 3)).astype(np.float32)
    layer = L.Bidirectional(L.SimpleRNN(3), backward_layer=L.GRU(2, go_backwards=True))
    assert layer(x).shape == (2, 5)
    copy = assert_same_layer(layer, x)
    assert type(copy.backward_layer) is L.GRU


def test_bidirectional_errors_teach():
    with pytest.raises(ValueError, match=r"Bidirectional: invalid merge_mode 'max'.*'concat'"):
        L.Bidirectional(L.LSTM(2), merge_mode="max")
    with pytest.raises(TypeError, match=r"Bidirectional wraps a recurrent layer"):
        L.Bidirectional(L.Dense(2))
    with pytest.raises(ValueError, match=r"Bidirectional: backward_layer.go_backwards must "
                                         r"be the opposite"):
        L.Bidirectional(L.LSTM(2), backward_layer=L.LSTM(2))
    with pytest.raises(ValueError, match=r"Bidirectional: backward_layer.return_sequences"):
        L.Bidirectional(L.LSTM(2), backward_layer=L.LSTM(2, go_backwards=True,
                                                         return_sequences=True))
    with pytest.raises(ValueError, match=r"bidirectional.*ndim=3.*\(batch, time, features\)"):
        L.Bidirectional(L.LSTM(2))(tf.zeros([2, 3]))
    with pytest.raises(ValueError, match=r"bidirectional.*even number of tensors\), got 1"):
        L.Bidirectional(L.LSTM(2))(tf.zeros([2, 3, 1]), initial_state=[tf.zeros([2, 2])])


def test_bidirectional_sequences_with_states(rng):
    # With return_sequences too: the sequence first, then each direction's states;
    # the forward state is the last step's output, the backward one the first step's.
    x = rng.normal(size=(2, 4, 3)).astype(np.float32)
    out, fh, fc, bh, bc = L.Bidirectional(L.LSTM(2, return_sequences=True,
                                                 return_state=True))(x)
    assert out.shape == (2, 4, 4) and fh.shape == bh.shape == (2, 2)
    np.testing.assert_allclose(out.numpy()[:, -1, :2], fh.numpy(), rtol=1e-6)
    np.testing.assert_allclose(out.numpy()[:, 0, 2:], bh.numpy(), rtol=1e-6)
