"""Task 8: compile, fit, evaluate, predict and the *_on_batch forms, against hand-written loops."""

import io
import sys

import numpy as np
import pytest

import stage4_training as tf

pytestmark = pytest.mark.stage4_task8

layers = tf.keras.layers


def blobs(n=40, seed=0):
    """Two separable classes in 2-D: label 1 where x0 + x1 > 0."""
    rng = np.random.RandomState(seed)
    x = rng.normal(size=(n, 2)).astype(np.float32)
    y = (x[:, 0] + x[:, 1] > 0).astype(np.int32)
    return x, y


def classifier(units=2, hidden=8, seed=7):
    tf.random.set_seed(seed)
    return tf.keras.Sequential([layers.Dense(hidden, activation="tanh", input_shape=(2,)),
                                layers.Dense(units)])


def zero_model(inputs=1):
    """A model that outputs 0 whatever its input (all weights zero)."""
    return tf.keras.Sequential([layers.Dense(1, input_shape=(inputs,),
                                             kernel_initializer="zeros")])


class Recorder(tf.keras.callbacks.Callback):
    """Records (hook, index, logs) for every hook fit/evaluate/predict call."""

    def __init__(self):
        super().__init__()
        self.calls = []

    def _record(name):
        def hook(self, *args):
            logs = args[-1] if args else None
            self.calls.append((name, args[0] if len(args) > 1 else None,
                               dict(logs) if isinstance(logs, dict) else logs))
        return hook

    for _name in ("on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end",
                  "on_train_batch_begin", "on_train_batch_end", "on_test_begin",
                  "on_test_end", "on_test_batch_begin", "on_test_batch_end",
                  "on_predict_begin", "on_predict_end", "on_predict_batch_begin",
                  "on_predict_batch_end"):
        locals()[_name] = _record(_name)
    del _name, _record

    def names(self):
        return [name for name, _, _ in self.calls]

    def logs_of(self, hook):
        return [logs for name, _, logs in self.calls if name == hook]


# --- it learns ---------------------------------------------------------------------
def test_fit_learns_a_separable_problem():
    x, y = blobs(200)
    model = classifier()
    model.compile(optimizer=tf.keras.optimizers.SGD(0.5),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    history = model.fit(x, y, batch_size=20, epochs=10, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < 0.5 * losses[0]
    assert history.history["accuracy"][-1] >= 0.95
    loss, accuracy = model.evaluate(x, y, verbose=0)
    assert accuracy >= 0.95 and loss < losses[0]


def test_fit_returns_the_history_also_kept_on_the_model():
    x, y = blobs(16)
    model = classifier()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["acc"])
    history = model.fit(x, y, epochs=3, verbose=0)
    assert isinstance(history, tf.keras.callbacks.History)
    assert model.history is history
    assert history.epoch == [0, 1, 2]
    assert sorted(history.history) == ["acc", "loss"]
    assert all(len(v) == 3 and all(isinstance(f, float) for f in v)
               for v in history.history.values())


# --- the key correctness test: fit is the hand-written loop -------------------------
def hand_written_epoch(model, x, y, batch_size, learning_rate, loss_fn):
    """One epoch of the loop a student writes with a tape; returns the batch losses."""
    optimizer = tf.keras.optimizers.SGD(learning_rate)
    batch_losses = []
    for start in range(0, len(x), batch_size):
        xb, yb = x[start:start + batch_size], y[start:start + batch_size]
        with tf.GradientTape() as tape:
            loss = loss_fn(yb, model(xb, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        batch_losses.append((float(loss), len(xb)))
    return batch_losses


@pytest.mark.parametrize("batch_size", [8, 7, 100])
def test_fit_with_sgd_equals_a_hand_written_tape_loop(batch_size):
    x, y = blobs(30)
    fitted, by_hand = classifier(units=3), classifier(units=3)
    by_hand.set_weights(fitted.get_weights())
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    fitted.compile(optimizer=tf.keras.optimizers.SGD(0.3), loss=loss_fn)
    history = fitted.fit(x, y, batch_size=batch_size, epochs=1, shuffle=False, verbose=0)

    batch_losses = hand_written_epoch(by_hand, x, y, batch_size, 0.3, loss_fn)
    for got, want in zip(fitted.get_weights(), by_hand.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    # The logged loss is the running mean of the batch losses, weighted by batch size.
    mean = sum(loss * n for loss, n in batch_losses) / len(x)
    assert history.history["loss"][0] == pytest.approx(mean, rel=1e-5)


def test_fit_on_a_dataset_equals_fit_on_the_same_arrays_unshuffled():
    x, y = blobs(24)
    on_arrays, on_dataset = classifier(), classifier()
    on_dataset.set_weights(on_arrays.get_weights())
    for model in (on_arrays, on_dataset):
        model.compile(optimizer=tf.keras.optimizers.SGD(0.2),
                      loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    h1 = on_arrays.fit(x, y, batch_size=5, epochs=2, shuffle=False, verbose=0)
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(5)
    h2 = on_dataset.fit(dataset, epochs=2, verbose=0)
    for a, b in zip(on_arrays.get_weights(), on_dataset.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(h1.history["loss"], h2.history["loss"], rtol=1e-5)


def test_sample_weights_from_arrays_and_from_a_dataset_agree():
    x, y = blobs(12)
    weights = np.linspace(0.0, 2.0, 12).astype(np.float32)
    a, b = classifier(), classifier()
    b.set_weights(a.get_weights())
    for model in (a, b):
        model.compile(optimizer=tf.keras.optimizers.SGD(0.2),
                      loss="sparse_categorical_crossentropy")
    a.fit(x, y, sample_weight=weights, batch_size=4, shuffle=False, verbose=0)
    b.fit(tf.data.Dataset.from_tensor_slices((x, y, weights)).batch(4), verbose=0)
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_allclose(wa, wb, rtol=1e-5, atol=1e-6)


def test_shuffling_follows_the_global_seed():
    x, y = blobs(30)
    results = []
    for shuffle in (True, True, False):
        model = classifier()
        model.compile(optimizer=tf.keras.optimizers.SGD(0.5),
                      loss="sparse_categorical_crossentropy")
        tf.random.set_seed(3)
        model.fit(x, y, batch_size=4, epochs=2, shuffle=shuffle, verbose=0)
        results.append(model.get_weights())
    for a, b in zip(results[0], results[1]):
        np.testing.assert_array_equal(a, b)
    assert any(not np.allclose(a, b) for a, b in zip(results[0], results[2]))


def test_a_float64_input_trains_a_float32_model():
    x, y = blobs(8)
    model = tf.keras.Sequential([layers.Dense(1, input_shape=(2,))])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x.astype(np.float64), y.astype(np.float64)[:, None], verbose=0)
    assert all(w.dtype == np.float32 for w in model.get_weights())


# --- validation -------------------------------------------------------------------
def test_validation_split_holds_out_the_last_fraction_unshuffled():
    x, y = blobs(20)
    model, reference = classifier(), classifier()
    reference.set_weights(model.get_weights())
    for m in (model, reference):
        m.compile(optimizer=tf.keras.optimizers.SGD(0.1),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, batch_size=4, epochs=2, validation_split=0.25, shuffle=False,
                        verbose=0)
    assert sorted(history.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    # It trained on the first 15 rows only ...
    reference.fit(x[:15], y[:15], batch_size=4, epochs=2, shuffle=False, verbose=0)
    for a, b in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    # ... and validated on the last 5, with the weights at the end of the epoch.
    val_loss, val_accuracy = model.evaluate(x[15:], y[15:], verbose=0)
    assert history.history["val_loss"][-1] == pytest.approx(val_loss, rel=1e-5)
    assert history.history["val_accuracy"][-1] == pytest.approx(val_accuracy)


def test_validation_split_with_shuffling_still_validates_on_the_last_rows():
    x, y = blobs(20)
    model = classifier()
    model.compile(optimizer=tf.keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy")
    history = model.fit(x, y, batch_size=4, epochs=1, validation_split=0.2, verbose=0)
    assert history.history["val_loss"][0] == pytest.approx(
        model.evaluate(x[16:], y[16:], verbose=0), rel=1e-5)


def test_validation_data_as_arrays_or_dataset_and_validation_freq():
    x, y = blobs(16)
    model = classifier()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=4, verbose=0, validation_data=(x[:6], y[:6]),
                        validation_freq=2)
    assert len(history.history["loss"]) == 4
    assert len(history.history["val_loss"]) == 2
    val = tf.data.Dataset.from_tensor_slices((x[:6], y[:6])).batch(4)
    history = model.fit(x, y, epochs=2, verbose=0, validation_data=val)
    assert history.history["val_loss"][-1] == pytest.approx(
        model.evaluate(x[:6], y[:6], verbose=0)[0], rel=1e-5)


# --- metrics and logs -----------------------------------------------------------------
def test_epoch_logs_are_running_means_and_metrics_reset_each_epoch():
    # The model outputs 0 and never learns (lr 0): batch losses are known in advance.
    model = zero_model()
    model.compile(optimizer=tf.keras.optimizers.SGD(0.0), loss="mse", metrics=["mae"])
    x = np.zeros((4, 1), np.float32)
    y = np.array([[1.0], [1.0], [3.0], [3.0]], np.float32)
    recorder = Recorder()
    history = model.fit(x, y, batch_size=2, epochs=2, shuffle=False, verbose=0,
                        callbacks=[recorder])
    batch_logs = recorder.logs_of("on_train_batch_end")
    assert [logs["mae"] for logs in batch_logs] == pytest.approx([1.0, 2.0, 1.0, 2.0])
    assert [logs["loss"] for logs in batch_logs] == pytest.approx([1.0, 5.0, 1.0, 5.0])
    assert history.history["loss"] == pytest.approx([5.0, 5.0])
    assert history.history["mae"] == pytest.approx([2.0, 2.0])


def test_metrics_and_metrics_names_after_training():
    x, y = blobs(8)
    model = classifier()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy", tf.keras.metrics.SparseTopKCategoricalAccuracy(k=1)])
    model.fit(x, y, verbose=0)
    assert model.metrics_names == ["loss", "accuracy", "sparse_top_k_categorical_accuracy"]
    assert all(isinstance(m, tf.keras.metrics.Metric) for m in model.metrics)
    # Metrics are not weights of the model.
    assert len(model.weights) == 4


@pytest.mark.parametrize("loss, y, y_pred_units, activation, expected", [
    # sparse labels with the sparse loss: argmax(y_pred) == label
    ("sparse_categorical_crossentropy", [[1], [0]], 2, "softmax", "sparse"),
    # one-hot labels with the categorical loss: argmax == argmax
    ("categorical_crossentropy", [[0, 1], [1, 0]], 2, "softmax", "categorical"),
    # one sigmoid output: prediction > 0.5 == label
    ("binary_crossentropy", [[1], [0]], 1, "sigmoid", "binary"),
    ("mse", [[1], [0]], 1, "sigmoid", "binary"),
])
def test_accuracy_string_picks_the_accuracy_that_fits(loss, y, y_pred_units, activation,
                                                      expected):
    model = tf.keras.Sequential([layers.Dense(y_pred_units, activation=activation,
                                              input_shape=(2,))])
    model.compile(optimizer="sgd", loss=loss, metrics=["accuracy"])
    x = np.array([[1.0, 2.0], [-1.0, 0.5]], np.float32)
    y = np.array(y, np.float32)
    _, accuracy = model.evaluate(x, y, verbose=0)
    pred = model.predict(x, verbose=0)
    if expected == "sparse":
        want = np.mean(pred.argmax(-1) == y[:, 0])
    elif expected == "categorical":
        want = np.mean(pred.argmax(-1) == y.argmax(-1))
    else:
        want = np.mean((pred[:, 0] > 0.5) == (y[:, 0] > 0.5))
    assert accuracy == pytest.approx(want)


def test_evaluate_matches_a_manual_computation():
    rng = np.random.RandomState(1)
    x = rng.normal(size=(13, 3)).astype(np.float32)
    y = rng.normal(size=(13, 2)).astype(np.float32)
    model = tf.keras.Sequential([layers.Dense(2, input_shape=(3,))])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    pred = model.predict(x, verbose=0)
    loss, mae = model.evaluate(x, y, batch_size=4, verbose=0)
    assert loss == pytest.approx(np.mean((pred - y) ** 2), rel=1e-5)
    assert mae == pytest.approx(np.mean(np.abs(pred - y)), rel=1e-5)
    logs = model.evaluate(x, y, batch_size=4, verbose=0, return_dict=True)
    assert logs == pytest.approx({"loss": loss, "mae": mae})
    model.compile(optimizer="sgd", loss="mse")
    assert model.evaluate(x, y, verbose=0) == pytest.approx(loss, rel=1e-6)


def test_evaluate_on_a_dataset_and_with_sample_weights():
    x = np.zeros((4, 1), np.float32)
    y = np.array([[1.0], [1.0], [3.0], [3.0]], np.float32)
    model = zero_model()
    model.compile(optimizer="sgd", loss="mse")
    assert model.evaluate(tf.data.Dataset.from_tensor_slices((x, y)).batch(3),
                          verbose=0) == pytest.approx(5.0)
    weights = np.array([1.0, 1.0, 0.0, 0.0], np.float32)
    # sum_over_batch_size: (1 + 1 + 0 + 0) / 4 per batch of 4.
    assert model.evaluate(x, y, sample_weight=weights, batch_size=4,
                          verbose=0) == pytest.approx(0.5)


def test_predict_joins_batches_in_order():
    model = tf.keras.Sequential([layers.Dense(2, input_shape=(3,))])
    x = np.random.RandomState(2).normal(size=(70, 3)).astype(np.float32)
    recorder = Recorder()
    out = model.predict(x, batch_size=32, verbose=0, callbacks=[recorder])
    assert isinstance(out, np.ndarray) and out.shape == (70, 2)
    np.testing.assert_allclose(out, model(x).numpy(), rtol=1e-6)
    assert recorder.names().count("on_predict_batch_end") == 3
    from_dataset = model.predict(tf.data.Dataset.from_tensor_slices(x).batch(16), verbose=0)
    np.testing.assert_allclose(from_dataset, out, rtol=1e-6)
    # A Dataset of (x, y) pairs: predict uses x.
    pairs = tf.data.Dataset.from_tensor_slices((x, np.zeros(70))).batch(16)
    np.testing.assert_allclose(model.predict(pairs, verbose=0), out, rtol=1e-6)


def test_on_batch_forms():
    model = zero_model()
    model.compile(optimizer=tf.keras.optimizers.SGD(0.25), loss="mse", metrics=["mae"])
    x, y = np.ones((2, 1), np.float32), np.full((2, 1), 2.0, np.float32)
    assert model.test_on_batch(x, y) == pytest.approx([4.0, 2.0])
    loss, mae = model.train_on_batch(x, y)
    assert (loss, mae) == pytest.approx((4.0, 2.0))
    # d(mse)/dw = -2 * (y - w x) * x = -4 at w = 0; w = 0 - 0.25 * -4 = 1; same for the bias.
    np.testing.assert_allclose(model.predict_on_batch(x), [[2.0], [2.0]])
    assert model.test_on_batch(x, y, return_dict=True) == pytest.approx({"loss": 0.0,
                                                                         "mae": 0.0})
    assert isinstance(model.predict_on_batch(x), np.ndarray)


def test_train_on_batch_accumulates_without_reset():
    model = zero_model()
    model.compile(optimizer=tf.keras.optimizers.SGD(0.0), loss="mse")
    x = np.zeros((1, 1), np.float32)
    model.train_on_batch(x, [[1.0]])
    assert model.train_on_batch(x, [[3.0]], reset_metrics=False) == pytest.approx(5.0)
    assert model.train_on_batch(x, [[3.0]]) == pytest.approx(9.0)


# --- the loop's options -----------------------------------------------------------------
def test_initial_epoch_and_steps_per_epoch():
    x, y = blobs(12)
    model = classifier()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    recorder = Recorder()
    history = model.fit(x, y, batch_size=4, epochs=3, initial_epoch=1, verbose=0,
                        callbacks=[recorder])
    assert history.epoch == [1, 2]
    assert [i for name, i, _ in recorder.calls if name == "on_epoch_begin"] == [1, 2]
    recorder = Recorder()
    model.fit(x, y, batch_size=4, epochs=3, steps_per_epoch=2, verbose=0, callbacks=[recorder])
    assert recorder.names().count("on_train_batch_end") == 6
    assert recorder.calls[0][0] == "on_train_begin"
    assert recorder.calls[0][2] == {} or recorder.calls[0][2] is None


def test_steps_per_epoch_on_a_repeated_dataset():
    x, y = blobs(8)
    model = classifier()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(4).repeat()
    history = model.fit(dataset, epochs=3, steps_per_epoch=5, verbose=0)
    assert len(history.history["loss"]) == 3


def test_a_callback_can_stop_training():
    x, y = blobs(16)
    model = classifier()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")

    class StopAfterTwoBatches(tf.keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == 1:
                self.model.stop_training = True

    recorder = Recorder()
    history = model.fit(x, y, batch_size=4, epochs=5, verbose=0,
                        callbacks=[StopAfterTwoBatches(), recorder])
    assert len(history.history["loss"]) == 1
    assert recorder.names().count("on_train_batch_end") == 2
    assert recorder.names()[-2:] == ["on_epoch_end", "on_train_end"]


def test_a_custom_train_step_is_what_fit_calls():
    class Counting(tf.keras.Sequential):
        steps = 0

        def train_step(self, data):
            Counting.steps += 1
            return super().train_step(data)

    model = Counting([layers.Dense(1, input_shape=(2,))])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.zeros((10, 2)), np.zeros((10, 1)), batch_size=4, epochs=2, verbose=0)
    assert Counting.steps == 6


def test_a_hand_written_train_step_in_a_subclassed_model():
    class Regressor(tf.keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(1, kernel_initializer="zeros")
            self.loss_tracker = tf.keras.metrics.Mean(name="loss")

        def call(self, x):
            return self.dense(x)

        def train_step(self, data):
            x, y = data
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.square(y - self(x, training=True)))
            grads = tape.gradient(loss, self.trainable_variables)
            self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
            self.loss_tracker.update_state(loss)
            return {"loss": self.loss_tracker.result()}

    model = Regressor()
    model.compile(optimizer=tf.keras.optimizers.SGD(0.1))
    x = np.linspace(-1, 1, 16).astype(np.float32)[:, None]
    history = model.fit(x, 3 * x, batch_size=16, epochs=40, verbose=0)
    assert history.history["loss"][-1] < 0.1 * history.history["loss"][0]


def test_string_optimizers_and_losses_resolve():
    model = classifier()
    for name, cls in (("adam", "Adam"), ("sgd", "SGD"), ("rmsprop", "RMSprop")):
        model.compile(optimizer=name, loss="sparse_categorical_crossentropy")
        assert type(model.optimizer).__name__ == cls
    model.compile(loss="mse")
    assert type(model.optimizer).__name__ == "RMSprop"     # compile's default
    optimizer = tf.keras.optimizers.Adam(1e-3)
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy")
    assert model.optimizer is optimizer


# --- progress output ------------------------------------------------------------------
def fit_printing(verbose, capsys, epochs=3):
    x, y = blobs(12)
    model = classifier()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, batch_size=4, epochs=epochs, verbose=verbose)
    return capsys.readouterr().out


def test_verbose_0_prints_nothing(capsys):
    assert fit_printing(0, capsys) == ""


@pytest.mark.parametrize("verbose", [1, "auto"])
def test_a_non_terminal_gets_one_line_per_epoch(capsys, verbose):
    lines = fit_printing(verbose, capsys).splitlines()
    assert "\r" not in "".join(lines)
    assert lines[0::2] == ["Epoch 1/3", "Epoch 2/3", "Epoch 3/3"]
    assert len(lines) == 6
    for line in lines[1::2]:
        assert line.startswith("3/3 [==============================] - ")
        assert "step - loss: " in line and " - accuracy: " in line


def test_verbose_2_prints_a_short_line_per_epoch(capsys):
    lines = fit_printing(2, capsys, epochs=2).splitlines()
    assert lines[0::2] == ["Epoch 1/2", "Epoch 2/2"]
    assert all(line.startswith("3/3 - ") and "[" not in line and "loss: " in line
               for line in lines[1::2])


def test_a_terminal_gets_a_live_bar(monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    x, y = blobs(12)
    model = classifier()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    model.fit(x, y, batch_size=4, epochs=1, verbose=1)
    out = terminal.getvalue()
    assert out.startswith("Epoch 1/1\n")
    assert "\r" in out and "ETA: " in out
    last = out.rstrip("\n").split("\r")[-1]
    assert last.startswith("3/3 [==============================] - ") and "loss: " in last


def test_evaluate_and_predict_print_their_bar(capsys):
    x, y = blobs(12)
    model = classifier()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    model.evaluate(x, y, batch_size=4)
    model.predict(x, batch_size=4)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("3/3 [") and "loss: " in lines[0]
    assert lines[1].startswith("3/3 [")
    model.evaluate(x, y, verbose=0)
    model.predict(x, verbose=0)
    assert capsys.readouterr().out == ""


def test_validation_inside_fit_prints_no_extra_bar(capsys):
    x, y = blobs(12)
    model = classifier()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    model.fit(x, y, batch_size=4, epochs=1, validation_split=0.25)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and "val_loss: " in lines[1]


# --- errors that teach ---------------------------------------------------------------------
def test_fit_before_compile_says_compile_first():
    model = classifier()
    for call in (lambda: model.fit(*blobs(4), verbose=0),
                 lambda: model.evaluate(*blobs(4), verbose=0),
                 lambda: model.train_on_batch(*blobs(4))):
        with pytest.raises(RuntimeError, match="compile"):
            call()


def test_x_and_y_of_different_lengths():
    model = classifier()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    x, y = blobs(10)
    with pytest.raises(ValueError, match=r"(?s)cardinality.*10.*9"):
        model.fit(x, y[:9], verbose=0)


def test_bad_names_in_compile_fail_at_compile():
    model = classifier()
    with pytest.raises(ValueError, match="sparse_categorical_crossentrophy"):
        model.compile(optimizer="sgd", loss="sparse_categorical_crossentrophy")
    with pytest.raises(ValueError, match="adamm"):
        model.compile(optimizer="adamm", loss="mse")


def test_a_compiled_model_without_a_loss_says_so():
    model = classifier()
    model.compile(optimizer="sgd")
    with pytest.raises(ValueError, match="loss"):
        model.fit(*blobs(4), verbose=0)


def test_data_mistakes_are_named():
    model = classifier()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    x, y = blobs(8)
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(4)
    with pytest.raises(ValueError, match="Dataset"):
        model.fit(dataset, y, verbose=0)
    with pytest.raises(ValueError, match="batch_size"):
        model.fit(dataset, batch_size=4, verbose=0)
    with pytest.raises(ValueError, match="validation_split"):
        model.fit(dataset, validation_split=0.2, verbose=0)
    with pytest.raises(ValueError, match="validation_split"):
        model.fit(x, y, validation_split=1.5, verbose=0)
    with pytest.raises(ValueError, match="verbose"):
        model.fit(x, y, verbose=3)
    with pytest.raises(ValueError, match="steps_per_epoch"):
        model.fit(dataset.repeat(), verbose=0)


def test_compile_accepts_run_eagerly_and_jit_compile_and_trains_the_same():
    x = np.linspace(-1, 1, 24, dtype="float32").reshape(12, 2)
    y = x @ np.array([[2.0], [-1.0]], "float32")
    weights = []
    for options in ({}, {"run_eagerly": True}, {"run_eagerly": False}, {"jit_compile": True}):
        tf.random.set_seed(0)
        model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(2,))])
        model.compile(optimizer=tf.keras.optimizers.SGD(0.1), loss="mse", **options)
        model.fit(x, y, batch_size=4, epochs=3, shuffle=False, verbose=0)
        weights.append(model.layers[0].kernel.numpy())
    for w in weights[1:]:
        np.testing.assert_allclose(w, weights[0], rtol=1e-6)


@pytest.mark.internals
def test_without_a_step_tracer_every_step_runs_eagerly():
    # Stage 4 alone has no tracer (stage 5 registers tf.function): compile's
    # run_eagerly=False then still runs each step as the method itself.
    from stage4_training.keras import training
    previous = training.register_step_tracer(None)
    try:
        model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(2,))])
        model.compile(optimizer="sgd", loss="mse", run_eagerly=False)
        assert model.run_eagerly
        assert model.make_train_function() == model.train_step
        assert model.make_test_function() == model.test_step
        assert model.make_predict_function() == model.predict_step
    finally:
        training.register_step_tracer(previous)
    traced = []
    training.register_step_tracer(lambda step, jit_compile=None: traced.append(step) or step)
    try:
        model.compile(optimizer="sgd", loss="mse", run_eagerly=False)
        assert not model.run_eagerly
        model.make_train_function()
        model.make_train_function()              # made once, then kept
        model.make_train_function(force=True)    # unless forced
        assert traced == [model.train_step, model.train_step]
    finally:
        training.register_step_tracer(previous)


def test_layers_see_training_true_in_fit_and_false_in_evaluate_and_predict():
    class Flags(layers.Layer):
        """Passes its input through and notes the `training` flag Keras gives it."""

        def __init__(self):
            super().__init__()
            self.seen = set()

        def call(self, x, training=None):
            self.seen.add(training)
            return x

    flags = Flags()
    model = tf.keras.Sequential([layers.Dense(1, input_shape=(1,)), flags])
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.ones((4, 1), np.float32), np.ones((4, 1), np.float32)
    flags.seen.clear()
    model.fit(x, y, epochs=1, verbose=0)
    assert flags.seen == {True}
    flags.seen.clear()
    model.evaluate(x, y, verbose=0)
    assert flags.seen == {False}
    flags.seen.clear()
    model.predict(x, verbose=0)
    assert flags.seen == {False}


def test_a_progbar_finishes_at_its_target_and_shows_the_time_taken(capsys):
    import re
    bar = tf.keras.utils.Progbar(3)            # Keras: reaching the target finalizes the bar
    bar.update(1)
    bar.update(3, values=[("loss", 0.5)])
    out = capsys.readouterr().out
    assert "3/3 [==============================]" in out and "loss: 0.5000" in out
    assert int(re.search(r" - (\d+)s ", out).group(1)) < 60, out
