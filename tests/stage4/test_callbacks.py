"""Task 8: the callbacks fit calls, in order and with the right logs, and the built-in ones."""

import csv
import glob
import os

import numpy as np
import pytest

import stage4_training as tf
from tests.stage4.test_fit import Recorder, blobs, classifier, zero_model

pytestmark = pytest.mark.stage4_task8

layers = tf.keras.layers


def diverging_model():
    """loss = w**2 at w=1 and SGD(1.5): each step sets w to -2w, so the loss grows 4x per epoch.

    With one batch per epoch the logged losses are 1, 4, 16, ... and the weights
    at the end of epoch e are (-2)**(e + 1).
    """
    model = tf.keras.Sequential([layers.Dense(1, input_shape=(1,), use_bias=False,
                                              kernel_initializer="ones")])
    model.compile(optimizer=tf.keras.optimizers.SGD(1.5), loss="mse")
    return model, np.ones((1, 1), np.float32), np.zeros((1, 1), np.float32)


def converging_model():
    """The same with SGD(0.25): w halves each epoch, losses 1, 1/4, 1/16, ..."""
    model, x, y = diverging_model()
    model.compile(optimizer=tf.keras.optimizers.SGD(0.25), loss="mse")
    return model, x, y


def kernel(model):
    return float(model.get_weights()[0][0, 0])


# --- the hooks, their order and their logs ------------------------------------------
def test_fit_calls_the_hooks_in_keras_order():
    x, y = blobs(8)
    model = classifier()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    recorder = Recorder()
    model.fit(x, y, batch_size=4, epochs=2, verbose=0, validation_data=(x[:4], y[:4]),
              callbacks=[recorder])
    epoch = (["on_epoch_begin"] + ["on_train_batch_begin", "on_train_batch_end"] * 2
             + ["on_test_begin", "on_test_batch_begin", "on_test_batch_end", "on_test_end",
                "on_epoch_end"])
    assert recorder.names() == ["on_train_begin"] + epoch * 2 + ["on_train_end"]
    indices = [i for name, i, _ in recorder.calls if name in ("on_train_batch_end",
                                                              "on_epoch_end")]
    assert indices == [0, 1, 0, 0, 1, 1]


def test_the_logs_each_hook_gets():
    x, y = blobs(8)
    model = classifier()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    recorder = Recorder()
    history = model.fit(x, y, batch_size=4, epochs=2, verbose=0,
                        validation_data=(x[:4], y[:4]), callbacks=[recorder])
    for logs in recorder.logs_of("on_train_batch_end"):
        assert sorted(logs) == ["accuracy", "loss"]
        assert all(isinstance(v, float) for v in logs.values())
    for logs in recorder.logs_of("on_test_batch_end"):
        assert sorted(logs) == ["accuracy", "loss"]
    epoch_logs = recorder.logs_of("on_epoch_end")
    assert [sorted(logs) for logs in epoch_logs] == [
        ["accuracy", "loss", "val_accuracy", "val_loss"]] * 2
    assert [logs["loss"] for logs in epoch_logs] == history.history["loss"]
    # The epoch's train logs are those after its last batch.
    last_batches = recorder.logs_of("on_train_batch_end")[1::2]
    assert [logs["loss"] for logs in last_batches] == history.history["loss"]
    assert recorder.logs_of("on_test_end")[-1]["loss"] == history.history["val_loss"][-1]


def test_callbacks_get_the_model_and_params():
    x, y = blobs(12)
    model = classifier()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    recorder = Recorder()
    model.fit(x, y, batch_size=5, epochs=3, verbose=0, callbacks=[recorder])
    assert recorder.model is model
    assert recorder.params["epochs"] == 3
    assert recorder.params["steps"] == 3
    assert recorder.params["verbose"] == 0


def test_evaluate_and_predict_call_their_hooks():
    x, y = blobs(8)
    model = classifier()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    recorder = Recorder()
    model.evaluate(x, y, batch_size=4, verbose=0, callbacks=[recorder])
    assert recorder.names() == ["on_test_begin"] + ["on_test_batch_begin",
                                                    "on_test_batch_end"] * 2 + ["on_test_end"]
    recorder = Recorder()
    model.predict(x, batch_size=8, verbose=0, callbacks=[recorder])
    assert recorder.names() == ["on_predict_begin", "on_predict_batch_begin",
                                "on_predict_batch_end", "on_predict_end"]
    outputs = recorder.logs_of("on_predict_batch_end")[0]["outputs"]
    assert np.asarray(outputs).shape == (8, 2)


def test_old_batch_hook_names_are_called_too():
    seen = []

    class Old(tf.keras.callbacks.Callback):
        def on_batch_end(self, batch, logs=None):
            seen.append(batch)

    model = zero_model()
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.zeros((6, 1)), np.zeros((6, 1)), batch_size=2, verbose=0, callbacks=[Old()])
    assert seen == [0, 1, 2]


def test_lambda_callback():
    seen = []
    callback = tf.keras.callbacks.LambdaCallback(
        on_train_begin=lambda logs: seen.append("begin"),
        on_epoch_end=lambda epoch, logs: seen.append((epoch, sorted(logs))),
        on_batch_end=lambda batch, logs: seen.append(batch),
        on_train_end=lambda logs: seen.append("end"))
    model = zero_model()
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.zeros((4, 1)), np.zeros((4, 1)), batch_size=2, epochs=2, verbose=0,
              callbacks=[callback])
    assert seen == ["begin", 0, 1, (0, ["loss"]), 0, 1, (1, ["loss"]), "end"]


def test_callbacks_must_be_callback_objects():
    model = zero_model()
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(TypeError, match="Callback"):
        model.fit(np.zeros((2, 1)), np.zeros((2, 1)), verbose=0, callbacks=[print])


# --- EarlyStopping ---------------------------------------------------------------------
def test_early_stopping_stops_after_patience_epochs_without_improvement():
    model, x, y = diverging_model()
    stop = tf.keras.callbacks.EarlyStopping(monitor="loss", patience=2)
    history = model.fit(x, y, epochs=20, verbose=0, callbacks=[stop])
    # Epoch 0 is the best; epochs 1 and 2 do not improve: it stops after epoch 2.
    assert history.history["loss"] == pytest.approx([1.0, 4.0, 16.0])
    assert stop.stopped_epoch == 2
    assert model.stop_training


def test_early_stopping_restores_the_best_weights():
    model, x, y = diverging_model()
    stop = tf.keras.callbacks.EarlyStopping(monitor="loss", patience=1,
                                            restore_best_weights=True)
    model.fit(x, y, epochs=20, verbose=0, callbacks=[stop])
    assert stop.stopped_epoch == 1
    # The best epoch is epoch 0; its weights are those at its end: w = -2.
    assert kernel(model) == pytest.approx(-2.0)
    model, x, y = diverging_model()
    model.fit(x, y, epochs=20, verbose=0,
              callbacks=[tf.keras.callbacks.EarlyStopping(monitor="loss", patience=1)])
    assert kernel(model) == pytest.approx(4.0)           # not restored: w after epoch 1


def test_early_stopping_on_val_loss_with_mode_and_min_delta():
    model, x, y = converging_model()
    # val_loss 1/4, 1/16, 1/64, ...: the improvements, 3/16 then 3/64, fall below
    # min_delta=0.1 at epoch 2.
    stop = tf.keras.callbacks.EarlyStopping(monitor="val_loss", min_delta=0.1, patience=0)
    history = model.fit(x, y, epochs=20, verbose=0, validation_data=(x, y), callbacks=[stop])
    assert len(history.history["loss"]) == 3
    model, x, y = converging_model()
    stop = tf.keras.callbacks.EarlyStopping(monitor="loss", mode="max", patience=0)
    history = model.fit(x, y, epochs=20, verbose=0, callbacks=[stop])
    assert len(history.history["loss"]) == 2           # in "max" mode it only gets worse


def test_early_stopping_with_a_baseline():
    model, x, y = converging_model()
    # The loss falls below 0.01 only at epoch 4 (1/256); with patience 2 it stops first.
    stop = tf.keras.callbacks.EarlyStopping(monitor="loss", baseline=0.01, patience=2)
    history = model.fit(x, y, epochs=20, verbose=0, callbacks=[stop])
    assert len(history.history["loss"]) == 2


def test_early_stopping_warns_when_the_monitor_is_missing():
    model, x, y = converging_model()
    with pytest.warns(UserWarning, match="val_loss"):
        model.fit(x, y, epochs=2, verbose=0, callbacks=[tf.keras.callbacks.EarlyStopping()])


# --- ModelCheckpoint ---------------------------------------------------------------------
def test_csv_logger_writes_one_row_per_epoch(tmp_path):
    model, x, y = converging_model()
    path = str(tmp_path / "log.csv")
    history = model.fit(x, y, epochs=3, verbose=0, validation_data=(x, y),
                        callbacks=[tf.keras.callbacks.CSVLogger(path)])
    with open(path, newline="") as file:
        rows = list(csv.reader(file))
    assert rows[0] == ["epoch", "loss", "val_loss"]
    assert [row[0] for row in rows[1:]] == ["0", "1", "2"]
    np.testing.assert_allclose([float(row[1]) for row in rows[1:]], history.history["loss"])
    np.testing.assert_allclose([float(row[2]) for row in rows[1:]],
                               history.history["val_loss"])


def test_csv_logger_separator_and_append(tmp_path):
    path = str(tmp_path / "log.tsv")
    for _ in range(2):
        model, x, y = converging_model()
        model.fit(x, y, epochs=2, verbose=0,
                  callbacks=[tf.keras.callbacks.CSVLogger(path, separator="\t", append=True)])
    lines = open(path).read().splitlines()
    assert lines[0] == "epoch\tloss"
    assert [line.split("\t")[0] for line in lines[1:]] == ["0", "1", "0", "1"]
    model, x, y = converging_model()
    model.fit(x, y, epochs=1, verbose=0, callbacks=[tf.keras.callbacks.CSVLogger(path)])
    assert len(open(path).read().splitlines()) == 2          # append=False starts afresh


def test_terminate_on_nan_stops_at_the_first_bad_batch(capsys):
    model = zero_model()
    model.compile(optimizer="sgd", loss="mse")
    y = np.array([[1.0], [np.nan], [1.0], [1.0]], np.float32)
    history = model.fit(np.zeros((4, 1)), y, batch_size=1, epochs=3, verbose=0, shuffle=False,
                        callbacks=[tf.keras.callbacks.TerminateOnNaN()])
    assert len(history.history["loss"]) == 1
    assert "Batch 1: Invalid loss, terminating training" in capsys.readouterr().out


def test_learning_rate_scheduler():
    model, x, y = converging_model()
    rates = []
    schedule = tf.keras.callbacks.LearningRateScheduler(
        lambda epoch, lr: rates.append(lr) or 0.25 / (epoch + 1))
    history = model.fit(x, y, epochs=3, verbose=0, callbacks=[schedule])
    assert rates[0] == pytest.approx(0.25)
    assert history.history["lr"] == pytest.approx([0.25, 0.125, 0.25 / 3])
    # w: 1 -> 0.5 (lr 1/4) -> 0.375 (lr 1/8: w -= lr * 2w) -> 0.375 * (1 - 2/12)
    assert kernel(model) == pytest.approx(0.375 * (1 - 2 * 0.25 / 3), rel=1e-5)
    one_argument = tf.keras.callbacks.LearningRateScheduler(lambda epoch: 0.1)
    model.fit(x, y, epochs=1, verbose=0, callbacks=[one_argument])
    assert float(np.asarray(model.optimizer.learning_rate)) == pytest.approx(0.1)


# --- TensorBoard -------------------------------------------------------------------------
def test_tensorboard_writes_train_and_validation_event_files(tmp_path):
    x, y = blobs(8)
    model = classifier()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=3, verbose=0, validation_split=0.25,
                        callbacks=[tf.keras.callbacks.TensorBoard(log_dir=str(tmp_path))])
    for run in ("train", "validation"):
        assert glob.glob(str(tmp_path / run / "events.out.tfevents.*")), run
    event_accumulator = pytest.importorskip(
        "tensorboard.backend.event_processing.event_accumulator")
    for run, prefix in (("train", ""), ("validation", "val_")):
        events = event_accumulator.EventAccumulator(str(tmp_path / run),
                                                    size_guidance={"tensors": 0, "scalars": 0})
        events.Reload()
        for name in ("loss", "accuracy"):
            tag = "epoch_" + name
            if tag in events.Tags().get("tensors", []):
                values = [float(np.asarray(tf.make_ndarray(e.tensor_proto))
                                if hasattr(tf, "make_ndarray") else
                                _tensor_value(e.tensor_proto)) for e in events.Tensors(tag)]
                steps = [e.step for e in events.Tensors(tag)]
            else:
                values = [e.value for e in events.Scalars(tag)]
                steps = [e.step for e in events.Scalars(tag)]
            assert steps == [0, 1, 2]
            np.testing.assert_allclose(values, history.history[prefix + name], rtol=1e-6)


def _tensor_value(proto):
    from tensorboard.util import tensor_util
    return tensor_util.make_ndarray(proto)


def test_tensorboard_batch_scalars(tmp_path):
    model = zero_model()
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.zeros((8, 1)), np.zeros((8, 1)), batch_size=2, epochs=1, verbose=0,
              callbacks=[tf.keras.callbacks.TensorBoard(log_dir=str(tmp_path),
                                                        update_freq="batch")])
    assert glob.glob(str(tmp_path / "train" / "events.out.tfevents.*"))
    event_accumulator = pytest.importorskip(
        "tensorboard.backend.event_processing.event_accumulator")
    events = event_accumulator.EventAccumulator(str(tmp_path / "train"),
                                                size_guidance={"tensors": 0, "scalars": 0})
    events.Reload()
    tags = events.Tags().get("tensors", []) + events.Tags().get("scalars", [])
    assert "batch_loss" in tags and "epoch_loss" in tags


def test_early_stopping_says_which_epoch_it_restores(capsys):
    model, x, y = diverging_model()
    stop = tf.keras.callbacks.EarlyStopping(monitor="loss", patience=1,
                                            restore_best_weights=True, verbose=1)
    history = model.fit(x, y, epochs=10, verbose=0, callbacks=[stop])
    best = int(np.argmin(history.history["loss"])) + 1      # 1-based, as Keras prints it
    out = capsys.readouterr().out
    assert "Restoring model weights from the end of the best epoch: %d." % best in out


def test_tensorboard_histograms_every_histogram_freq_epochs_from_the_first(tmp_path):
    # Keras 2: histograms at each epoch with epoch % histogram_freq == 0 (0, 2, 4, ...).
    x, y = blobs(8)
    model = classifier()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    model.fit(x, y, epochs=3, verbose=0,
              callbacks=[tf.keras.callbacks.TensorBoard(log_dir=str(tmp_path),
                                                        histogram_freq=2)])
    event_accumulator = pytest.importorskip(
        "tensorboard.backend.event_processing.event_accumulator")
    events = event_accumulator.EventAccumulator(str(tmp_path / "train"),
                                                size_guidance={"tensors": 0, "histograms": 0})
    events.Reload()
    tags = [t for t in events.Tags().get("tensors", []) + events.Tags().get("histograms", [])
            if "kernel" in t]
    assert tags, events.Tags()
    for tag in tags:
        try:
            steps = [e.step for e in events.Tensors(tag)]
        except KeyError:
            steps = [e.step for e in events.Histograms(tag)]
        assert steps == [0, 2], (tag, steps)


def test_evaluate_goes_through_the_batches_in_order():
    # One sample per batch, each with its own loss: the running mean the batch hooks
    # see follows the data's order (evaluate never shuffles).
    model = zero_model()
    model.compile(optimizer="sgd", loss="mse")
    y = np.arange(8.0).reshape(8, 1)
    seen = []
    hook = tf.keras.callbacks.LambdaCallback(
        on_test_batch_end=lambda batch, logs: seen.append(float(logs["loss"])))
    model.evaluate(np.zeros((8, 1)), y, batch_size=1, verbose=0, callbacks=[hook])
    squares = y[:, 0] ** 2
    np.testing.assert_allclose(seen, np.cumsum(squares) / np.arange(1, 9), rtol=1e-6)
