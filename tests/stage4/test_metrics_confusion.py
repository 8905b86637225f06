"""Task 2: Precision, Recall and the confusion counts, checked against counts by hand."""

import numpy as np
import pytest

import stage4_training as tf

pytestmark = pytest.mark.stage4_task2

RNG = np.random.default_rng(11)
Y_TRUE = (RNG.random((6, 4)) > 0.5).astype("float32")
Y_PRED = RNG.random((6, 4)).astype("float32")
WEIGHTS = RNG.random((6, 1)).astype("float32")


def counts(y_true, y_pred, threshold, weights=None):
    predicted = y_pred > threshold
    actual = y_true != 0
    w = np.ones_like(y_pred) if weights is None else np.broadcast_to(weights, y_pred.shape)
    return {"tp": (w * (predicted & actual)).sum(), "fp": (w * (predicted & ~actual)).sum(),
            "tn": (w * (~predicted & ~actual)).sum(), "fn": (w * (~predicted & actual)).sum()}


@pytest.mark.parametrize("cls, key", [(tf.keras.metrics.TruePositives, "tp"),
                                      (tf.keras.metrics.FalsePositives, "fp"),
                                      (tf.keras.metrics.TrueNegatives, "tn"),
                                      (tf.keras.metrics.FalseNegatives, "fn")])
def test_the_four_counts_at_one_and_several_thresholds(cls, key):
    m = cls()
    m.update_state(Y_TRUE, Y_PRED)
    assert float(m.result()) == pytest.approx(counts(Y_TRUE, Y_PRED, 0.5)[key])
    several = cls(thresholds=[0.2, 0.7])
    several.update_state(Y_TRUE, Y_PRED, sample_weight=WEIGHTS)
    np.testing.assert_allclose(several.result().numpy(), [
        counts(Y_TRUE, Y_PRED, t, WEIGHTS)[key] for t in (0.2, 0.7)], rtol=1e-6)


def test_precision_and_recall_accumulate_over_batches_with_weights():
    p, r = tf.keras.metrics.Precision(), tf.keras.metrics.Recall()
    for m in (p, r):
        m.update_state(Y_TRUE[:3], Y_PRED[:3], sample_weight=WEIGHTS[:3])
        m.update_state(Y_TRUE[3:], Y_PRED[3:], sample_weight=WEIGHTS[3:])
    c = counts(Y_TRUE, Y_PRED, 0.5, WEIGHTS)
    assert float(p.result()) == pytest.approx(c["tp"] / (c["tp"] + c["fp"]), rel=1e-6)
    assert float(r.result()) == pytest.approx(c["tp"] / (c["tp"] + c["fn"]), rel=1e-6)
    assert (p.name, r.name) == ("precision", "recall")
    p.reset_state()
    assert float(p.result()) == 0.0           # nothing predicted positive yet: 0, not nan


def test_several_thresholds_give_a_vector():
    m = tf.keras.metrics.Precision(thresholds=[0.1, 0.5, 0.9])
    m.update_state(Y_TRUE, Y_PRED)
    expected = []
    for t in (0.1, 0.5, 0.9):
        c = counts(Y_TRUE, Y_PRED, t)
        expected.append(c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0)
    np.testing.assert_allclose(m.result().numpy(), expected, rtol=1e-6)


def test_top_k_counts_only_each_rows_largest_predictions():
    m = tf.keras.metrics.Precision(top_k=2)
    m.update_state(Y_TRUE, Y_PRED)
    top = np.argsort(-Y_PRED, axis=1)[:, :2]
    kept = np.full_like(Y_PRED, -np.inf)
    np.put_along_axis(kept, top, np.take_along_axis(Y_PRED, top, axis=1), axis=1)
    c = counts(Y_TRUE, kept, 0.5)
    assert float(m.result()) == pytest.approx(c["tp"] / (c["tp"] + c["fp"]), rel=1e-6)


def test_class_id_looks_at_one_column():
    m = tf.keras.metrics.Recall(class_id=1)
    m.update_state(Y_TRUE, Y_PRED, sample_weight=WEIGHTS)
    c = counts(Y_TRUE[:, 1], Y_PRED[:, 1], 0.5, WEIGHTS[:, 0])
    assert float(m.result()) == pytest.approx(c["tp"] / (c["tp"] + c["fn"]), rel=1e-6)
    with pytest.raises(tf.errors.InvalidArgumentError, match="class_id 4"):
        tf.keras.metrics.Recall(class_id=4).update_state(Y_TRUE, Y_PRED)


def test_bad_arguments_are_refused_clearly():
    with pytest.raises(ValueError, match=r"threshold must be a number in \[0, 1\]"):
        tf.keras.metrics.Precision(thresholds=1.5)
    with pytest.raises(tf.errors.InvalidArgumentError, match="must be in \\[0, 1\\]"):
        tf.keras.metrics.Precision().update_state([1.0, 0.0], [2.0, 0.5])
    with pytest.raises(tf.errors.InvalidArgumentError, match="same shape"):
        tf.keras.metrics.Recall().update_state(np.ones((2, 3)), np.ones((2, 2)) * 0.5)


def test_a_prediction_at_the_threshold_is_negative_and_zero_is_allowed():
    # Keras counts y_pred > threshold as positive; 0 and 1 are valid probabilities.
    y_true, y_pred = [1.0, 0.0, 1.0, 0.0], [0.5, 0.5, 0.0, 1.0]
    precision = tf.keras.metrics.Precision(thresholds=0.5)
    precision.update_state(y_true, y_pred)
    assert float(precision.result()) == 0.0          # tp 0, fp 1 (the 1.0)
    recall = tf.keras.metrics.Recall()
    recall.update_state(y_true, y_pred)
    assert float(recall.result()) == 0.0             # tp 0, fn 2
    tp = tf.keras.metrics.TruePositives(thresholds=[0.0, 0.4])
    tp.update_state(y_true, y_pred)
    np.testing.assert_array_equal(tp.result().numpy(), [1.0, 1.0])


def test_precision_keeps_its_settings_in_its_config():
    config = tf.keras.metrics.Precision(thresholds=[0.3, 0.6], top_k=2, name="p").get_config()
    again = tf.keras.metrics.Precision.from_config(config)
    assert (again.thresholds, again.top_k, again.name) == ([0.3, 0.6], 2, "p")
