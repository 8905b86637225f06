"""Errors teach in stage 4 too: its public names fuzzed with bad calls.

The rule of stage 1's fuzz (``tests/stage1/test_errors_fuzz.py``, whose judge
and argument pools this file reuses): a bad call raises an op error, a
``TypeError`` or a ``ValueError`` whose message names what was called, never an
internal exception (``AttributeError``, ``IndexError``, ``KeyError``, ...),
never a hang, and never changes an input tensor. Each test carries the marker
of the task whose names it fuzzes, so a task's grade includes its errors.
"""

import itertools

import numpy as np
import pytest

import stage4_training as tf
from tests.stage1 import test_errors_fuzz as fuzz

_contained = fuzz._contained     # the same memory cap, warning filter and seed restore (autouse)
GENERAL = fuzz.GENERAL
ANY = object                     # "any result is fine" for calls that return None or objects

Y_TRUE = [tf.constant([[0.0, 1.0], [1.0, 0.0]]), tf.constant([1, 0]), [0, 1], np.zeros((2, 2)),
          tf.constant([[1, 0], [0, 1]], dtype="int64")]
Y_PRED = [tf.constant([[0.2, 0.8], [0.6, 0.4]]), tf.constant([0.3, 0.7]),
          tf.constant([[0.2, 0.8], [0.6, 0.4]], dtype="float64")]
WEIGHTS = [None, 1.0, [1.0, 0.0], tf.constant([[1.0], [2.0]]), [1.0, 2.0, 3.0], "abc",
           tf.constant([[1.0, 2.0, 3.0]]), -1.0, object(), tf.constant(True)]


def _leaks(calls):
    found = []
    for names, fn, args, kwargs, expected in calls:
        leak = fuzz._judge(fn, names, args, kwargs, expected)
        if leak is not None:
            found.append(leak)
    return found


def _assert_none(leaks):
    assert not leaks, fuzz._report(leaks)


def _pairs():
    """y_true/y_pred combinations: good ones, then each side from the general pool."""
    good = list(itertools.product(Y_TRUE, Y_PRED))
    return good + [(bad, Y_PRED[0]) for bad in GENERAL] + [(Y_TRUE[0], bad) for bad in GENERAL]


# --- task 1: losses ---------------------------------------------------------------
LOSS_FUNCTIONS = ["mean_squared_error", "mean_absolute_error", "huber", "binary_crossentropy",
                  "categorical_crossentropy", "sparse_categorical_crossentropy"]
LOSS_CLASSES = ["MeanSquaredError", "MeanAbsoluteError", "Huber", "BinaryCrossentropy",
                "CategoricalCrossentropy", "SparseCategoricalCrossentropy"]


@pytest.mark.stage4_task1
@pytest.mark.parametrize("name", LOSS_FUNCTIONS)
def test_loss_functions_fail_only_with_teaching_errors(name):
    fn = getattr(tf.keras.losses, name)
    _assert_none(_leaks([([name], fn, pair, {}, None) for pair in _pairs()]))


@pytest.mark.stage4_task1
@pytest.mark.parametrize("name", LOSS_CLASSES)
def test_loss_objects_fail_only_with_teaching_errors(name):
    cls = getattr(tf.keras.losses, name)
    calls = []
    for reduction in ["sum", "none", "auto", "sum_over_batch_size", "mean", 3, None]:
        calls.append(([name], cls, (), {"reduction": reduction}, ANY))
    loss = cls()
    for (y_true, y_pred), weight in itertools.product(_pairs()[:15], WEIGHTS):
        calls.append(([name, loss.name], loss, (y_true, y_pred), {"sample_weight": weight}, None))
    for y_true, y_pred in _pairs():
        calls.append(([name, loss.name], loss, (y_true, y_pred), {}, None))
    _assert_none(_leaks(calls))


@pytest.mark.stage4_task1
def test_tf1_losses_fail_only_with_teaching_errors():
    calls = []
    labels = [tf.constant([1, 0]), tf.constant([[1], [0]]), tf.constant([1.5, 0.0]), [3, 0]]
    for y, logits in itertools.product(labels + GENERAL, Y_PRED + GENERAL[:8]):
        calls.append((["sparse_softmax_cross_entropy"], tf.losses.sparse_softmax_cross_entropy,
                      (), {"labels": y, "logits": logits}, None))
    for y, p in _pairs():
        calls.append((["mean_squared_error"], tf.losses.mean_squared_error, (y, p), {}, None))
    for weights in WEIGHTS:
        calls.append((["sparse_softmax_cross_entropy"], tf.losses.sparse_softmax_cross_entropy,
                      (tf.constant([1, 0]), Y_PRED[0]), {"weights": weights}, None))
    _assert_none(_leaks(calls))


@pytest.mark.stage4_task1
def test_losses_get_fails_only_with_teaching_errors():
    calls = [(["get", "deserialize", "loss"], tf.keras.losses.get, (value,), {}, ANY)
             for value in ["mse", "no_such_loss", "", 3, None, object(), {"class_name": "x"},
                           {"class_name": "MeanSquaredError", "config": 3}, [1]]]
    _assert_none(_leaks(calls))


# --- task 2: metrics --------------------------------------------------------------
METRICS = ["Mean", "Sum", "Accuracy", "BinaryAccuracy", "CategoricalAccuracy",
           "SparseCategoricalAccuracy", "TopKCategoricalAccuracy", "AUC"]


@pytest.mark.stage4_task2
@pytest.mark.parametrize("name", METRICS)
def test_metrics_fail_only_with_teaching_errors_and_keep_their_state(name):
    metric = getattr(tf.keras.metrics, name)()
    leaks, calls = [], []
    if name in ("Mean", "Sum"):
        for value, weight in itertools.product(GENERAL, WEIGHTS[:4]):
            calls.append((value, {"sample_weight": weight}))
        args_of = lambda value: (value,)                       # noqa: E731
    else:
        for (y_true, y_pred), weight in itertools.product(_pairs(), WEIGHTS[:3]):
            calls.append(((y_true, y_pred), {"sample_weight": weight}))
        args_of = lambda pair: pair                            # noqa: E731
    for value, kwargs in calls:
        before = [v.numpy().copy() for v in metric.variables]
        leak = fuzz._judge(metric.update_state, [name, metric.name, "update_state"],
                           args_of(value), kwargs, ANY)
        if leak is not None:
            leaks.append(leak)
            after = [v.numpy() for v in metric.variables]
            if any(not np.array_equal(a, b, equal_nan=True) for a, b in zip(before, after)):
                leaks.append("%s: a failed update_state changed the metric's state" % name)
    _assert_none(leaks)


@pytest.mark.stage4_task2
def test_metric_constructors_fail_only_with_teaching_errors():
    calls = []
    for value in [0, -1, 1.5, "x", None, object(), 10 ** 9]:
        calls.append((["AUC", "num_thresholds"], tf.keras.metrics.AUC, (),
                      {"num_thresholds": value}, ANY))
        calls.append((["TopKCategoricalAccuracy", "k"], tf.keras.metrics.TopKCategoricalAccuracy,
                      (), {"k": value}, ANY))
    for curve in ["ROC", "PR", "roc", "XYZ", 3, None]:
        calls.append((["AUC", "curve"], tf.keras.metrics.AUC, (), {"curve": curve}, ANY))
    for value in ["accuracy", "no_such_metric", 3, None, object()]:
        calls.append((["get", "metric"], tf.keras.metrics.get, (value,), {}, ANY))
    _assert_none(_leaks(calls))


# --- task 6: checkpoints ----------------------------------------------------------
@pytest.mark.stage4_task6
def test_checkpoint_calls_fail_only_with_teaching_errors(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)          # a relative prefix that gets through writes here
    calls = []
    for value in GENERAL:
        calls.append((["Checkpoint"], tf.train.Checkpoint, (), {"x": value}, ANY))
    checkpoint = tf.train.Checkpoint(v=tf.Variable([1.0, 2.0]))
    good = checkpoint.save(str(tmp_path / "ckpt"))
    paths = [None, "", 3, object(), str(tmp_path / "missing"), str(tmp_path),
             str(tmp_path / "ckpt-1.index"), good + "x", ["a"], b"x"]
    for path in paths:
        calls.append((["restore", "checkpoint", "Checkpoint"], checkpoint.restore, (path,), {}, ANY))
        calls.append((["read", "checkpoint", "Checkpoint"], checkpoint.read, (path,), {}, ANY))
        calls.append((["latest_checkpoint", "checkpoint"], tf.train.latest_checkpoint, (path,), {},
                      ANY))
    for prefix in ["", None, 3, object(), str(tmp_path / "ckpt-1.index" / "x")]:
        calls.append((["save", "checkpoint", "Checkpoint", "prefix"], checkpoint.save, (prefix,),
                      {}, ANY))
    for keep in [0, -1, "2", 1.5, object()]:
        calls.append((["CheckpointManager", "max_to_keep"], tf.train.CheckpointManager,
                      (checkpoint, str(tmp_path / "m")), {"max_to_keep": keep}, ANY))
    _assert_none(_leaks(calls))
    np.testing.assert_array_equal(checkpoint.v.numpy(), [1.0, 2.0])


# --- task 8: the training loop ----------------------------------------------------
def _model():
    model = tf.keras.Sequential([tf.keras.layers.Dense(2, input_shape=(3,))])
    model.compile(optimizer="sgd", loss="mse")
    return model


@pytest.mark.stage4_task8
def test_compile_fails_only_with_teaching_errors():
    calls = []
    for optimizer in ["sgd", "no_such_optimizer", 3, None, object(), ""]:
        calls.append((["compile", "optimizer"], _model().compile, (), {"optimizer": optimizer,
                                                                     "loss": "mse"}, ANY))
    for loss in ["mse", "no_such_loss", 3, object(), [1]]:
        calls.append((["compile", "loss"], _model().compile, (), {"loss": loss}, ANY))
    for metrics in [["accuracy"], ["no_such_metric"], "accuracy", 3, [object()]]:
        calls.append((["compile", "metric"], _model().compile, (), {"loss": "mse",
                                                                  "metrics": metrics}, ANY))
    _assert_none(_leaks(calls))


@pytest.mark.stage4_task8
def test_fit_evaluate_predict_fail_only_with_teaching_errors():
    x = np.ones((4, 3), np.float32)
    y = np.zeros((4, 2), np.float32)
    model = _model()
    calls = []
    for bad in GENERAL:
        calls.append((["fit"], model.fit, (bad, y), {"verbose": 0}, ANY))
        calls.append((["fit"], model.fit, (x, bad), {"verbose": 0}, ANY))
        calls.append((["evaluate"], model.evaluate, (bad, y), {"verbose": 0}, ANY))
        calls.append((["predict"], model.predict, (bad,), {"verbose": 0}, ANY))
    for key, values in {"epochs": [-1, 1.5, "2", None, object()],
                        "batch_size": [0, -2, 1.5, "4", object()],
                        "validation_split": [-0.1, 1.0, 2, "0.5", object()],
                        "verbose": [3, "loud", object()],
                        "callbacks": [3, [3], "x", [object()]],
                        "validation_data": [3, (x,), (x, y, y, y), "x"]}.items():
        for value in values:
            kwargs = {"verbose": 0}
            kwargs[key] = value
            calls.append((["fit", key], model.fit, (x, y), kwargs, ANY))
    weights = model.get_weights()
    _assert_none(_leaks(calls))
    assert all(np.isfinite(w).all() for w in model.get_weights())
    assert [w.shape for w in model.get_weights()] == [w.shape for w in weights]
