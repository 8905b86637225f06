"""Task 6: Embedding and the recurrent layers (SimpleRNN, LSTM, GRU and their cells)."""

import numpy as np
import pytest

import stage3_layers as tf

pytestmark = pytest.mark.stage3_task7


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


# --- NumPy references, one time step each -------------------------------------------
def simple_step(x, states, w, u, b):
    h = np.tanh(x @ w + states[0] @ u + b)
    return h, [h]


def lstm_step(x, states, w, u, b):
    h, c = states
    z = x @ w + h @ u + b
    i, f, g, o = np.split(z, 4, axis=1)
    c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
    h = sigmoid(o) * np.tanh(c)
    return h, [h, c]


def gru_step(x, states, w, u, b):
    h = states[0]
    xz, xr, xh = np.split(x @ w + b[0], 3, axis=1)
    rz, rr, rh = np.split(h @ u + b[1], 3, axis=1)
    z, r = sigmoid(xz + rz), sigmoid(xr + rr)
    n = np.tanh(xh + r * rh)
    h = z * h + (1 - z) * n
    return h, [h]


def gru_step_reset_before(x, states, w, u, b):
    h = states[0]
    units = h.shape[1]
    xz, xr, xh = np.split(x @ w + b, 3, axis=1)
    rz, rr = np.split(h @ u[:, :2 * units], 2, axis=1)
    z, r = sigmoid(xz + rz), sigmoid(xr + rr)
    n = np.tanh(xh + (r * h) @ u[:, 2 * units:])
    return z * h + (1 - z) * n, [z * h + (1 - z) * n]


def run_reference(step, x, states, weights, backwards=False):
    outputs = []
    steps = range(x.shape[1])
    for t in (reversed(steps) if backwards else steps):
        out, states = step(x[:, t], states, *weights)
        outputs.append(out)
    return np.stack(outputs, axis=1), states


LAYERS = [
    (tf.keras.layers.SimpleRNN, simple_step, 1, {}),
    (tf.keras.layers.LSTM, lstm_step, 2, {}),
    (tf.keras.layers.GRU, gru_step, 1, {}),
    (tf.keras.layers.GRU, gru_step_reset_before, 1, {"reset_after": False}),
]


@pytest.mark.parametrize("cls, step, n_states, kwargs", LAYERS)
@pytest.mark.parametrize("go_backwards", [False, True])
def test_recurrent_layers_match_numpy(on, place, rng, cls, step, n_states, kwargs,
                                      go_backwards):
    x = rng.normal(size=(3, 5, 4)).astype(np.float32)
    layer = cls(6, return_sequences=True, return_state=True, go_backwards=go_backwards,
                **kwargs)
    layer(x)
    weights = [rng.normal(scale=0.5, size=tuple(v.shape)).astype(np.float32)
               for v in layer.weights]
    layer.set_weights(weights)
    result = place(layer)(on(x))
    assert len(result) == 1 + n_states
    init = [np.zeros((3, 6), np.float32)] * n_states
    expected, states = run_reference(step, x, init, weights, go_backwards)
    np.testing.assert_allclose(np.asarray(result[0]), expected, rtol=1e-4, atol=1e-5)
    for got, want in zip(result[1:], states):
        np.testing.assert_allclose(np.asarray(got), want, rtol=1e-4, atol=1e-5)
    last = cls(6, go_backwards=go_backwards, **kwargs)
    last(x)
    last.set_weights(weights)
    np.testing.assert_allclose(np.asarray(place(last)(on(x))), expected[:, -1], rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("cls, step, n_states, kwargs", LAYERS)
def test_a_sequence_of_one_step_is_one_step_of_the_cell(rng, cls, step, n_states, kwargs):
    x = rng.normal(size=(2, 1, 4)).astype(np.float32)
    layer = cls(3, return_sequences=True, return_state=True, **kwargs)
    layer(x)
    weights = [rng.normal(scale=0.5, size=tuple(v.shape)).astype(np.float32)
               for v in layer.weights]
    layer.set_weights(weights)
    result = layer(x)
    expected, states = run_reference(step, x, [np.zeros((2, 3), np.float32)] * n_states,
                                     weights)
    assert tuple(result[0].shape) == (2, 1, 3)
    np.testing.assert_allclose(result[0].numpy(), expected, rtol=1e-4, atol=1e-5)
    for got, want in zip(result[1:], states):
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-4, atol=1e-5)


def test_weight_shapes_names_and_initial_values():
    lstm = tf.keras.layers.LSTM(3)
    lstm(tf.zeros([2, 4, 5]))
    assert [(v.name, tuple(v.shape)) for v in lstm.weights] == [
        ("lstm/lstm_cell/kernel:0", (5, 12)), ("lstm/lstm_cell/recurrent_kernel:0", (3, 12)),
        ("lstm/lstm_cell/bias:0", (12,))]
    np.testing.assert_array_equal(lstm.cell.bias.numpy(), [0, 0, 0, 1, 1, 1] + [0] * 6)
    u = lstm.recurrent_kernel.numpy()
    gru = tf.keras.layers.GRU(3)
    gru(tf.zeros([2, 4, 5]))
    assert tuple(gru.bias.shape) == (2, 9)
    assert u.shape == (3, 12)
    rnn = tf.keras.layers.SimpleRNN(4)
    rnn(tf.zeros([1, 2, 3]))
    q = rnn.recurrent_kernel.numpy()
    np.testing.assert_allclose(q @ q.T, np.eye(4), atol=1e-5)     # orthogonal start


def test_initial_state_and_cells_used_directly(rng):
    x = rng.normal(size=(2, 3, 4)).astype(np.float32)
    h0 = rng.normal(size=(2, 5)).astype(np.float32)
    c0 = rng.normal(size=(2, 5)).astype(np.float32)
    layer = tf.keras.layers.LSTM(5, return_state=True)
    layer(x)
    weights = layer.get_weights()
    out, h, c = layer(x, initial_state=[h0, c0])
    expected, (eh, ec) = run_reference(lstm_step, x, [h0, c0], weights)
    np.testing.assert_allclose(out.numpy(), expected[:, -1], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(c.numpy(), ec, rtol=1e-4, atol=1e-5)
    with pytest.raises(ValueError, match=r"initial_state must be 2 tensor\(s\) of shapes"):
        layer(x, initial_state=[h0])
    cell = tf.keras.layers.GRUCell(5)
    rnn = tf.keras.layers.RNN(cell, return_sequences=True)
    seq = rnn(x)
    out, states = cell(x[:, 0], [tf.zeros([2, 5])])
    np.testing.assert_allclose(out.numpy(), seq.numpy()[:, 0], rtol=1e-5, atol=1e-6)
    assert rnn.trainable_variables == cell.trainable_variables


def test_recurrent_errors():
    with pytest.raises(ValueError, match=r"ndim=3.*takes sequences of shape \(batch, time, features\)"):
        tf.keras.layers.LSTM(2)(tf.zeros([2, 3]))
    with pytest.raises(ValueError, match="dropout and recurrent_dropout are not supported"):
        tf.keras.layers.GRU(2, dropout=0.5)
    with pytest.raises(TypeError, match="expects a cell layer"):
        tf.keras.layers.RNN(tf.keras.layers.Dense(2))


@pytest.mark.parametrize("cls, kwargs", [
    (tf.keras.layers.SimpleRNN, {}), (tf.keras.layers.LSTM, {"return_sequences": True}),
    (tf.keras.layers.GRU, {}), (tf.keras.layers.GRU, {"reset_after": False})])
def test_recurrent_gradients(layer_gradients, rng, cls, kwargs):
    layer = cls(2, dtype="float64", kernel_initializer="random_normal",
                bias_initializer="random_normal", **kwargs)
    layer_gradients(layer, rng.normal(size=(2, 3, 2)), atol=1e-5)


def test_embedding_lookup_matches_numpy(on, place, rng):
    layer = tf.keras.layers.Embedding(10, 3)
    ids = rng.integers(0, 10, size=(4, 5)).astype(np.int32)
    layer(ids)
    table = layer.embeddings.numpy()
    out = place(layer)(on(ids))
    np.testing.assert_array_equal(np.asarray(out), table[ids])
    assert layer.embeddings.name == "embedding/embeddings:0"
    assert np.abs(table).max() <= 0.05                # uniform(-0.05, 0.05) start
    assert layer(on(ids.astype(np.int64))).shape == (4, 5, 3)


def test_embedding_gradient_and_errors(layer_gradients):
    layer_gradients(tf.keras.layers.Embedding(4, 2, dtype="float64"),
                    np.array([[0, 3, 3], [1, 0, 2]], dtype=np.int32))
    layer = tf.keras.layers.Embedding(4, 2)
    with pytest.raises(ValueError, match="gather"):
        layer(tf.constant([[4]]))
    with pytest.raises(ValueError, match="input_dim must be a positive integer"):
        tf.keras.layers.Embedding(0, 2)


def test_embedding_then_lstm_in_a_sequential():
    model = tf.keras.Sequential([tf.keras.layers.Embedding(20, 4, input_length=6),
                                 tf.keras.layers.LSTM(3),
                                 tf.keras.layers.Dense(1)])
    assert model.built
    assert model(tf.constant([[1, 2, 3, 4, 5, 6]])).shape == (1, 1)
    lines = []
    model.summary(print_fn=lines.append)
    assert "embedding (Embedding)        (None, 6, 4)              80" in lines
    assert "lstm (LSTM)                  (None, 3)                 96" in lines


@pytest.mark.parametrize("layer", [tf.keras.layers.SimpleRNN, tf.keras.layers.LSTM,
                                   tf.keras.layers.GRU])
def test_an_input_without_time_steps_is_refused(layer):
    with pytest.raises(ValueError, match="no time steps"):
        layer(2)(tf.zeros([3, 0, 4]))
