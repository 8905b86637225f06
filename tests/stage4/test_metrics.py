"""Task 2: metrics (``keras.metrics``, ``contrib.eager.metrics``).

A metric's state lives in non-trainable variables; ``update_state`` adds a
batch, ``result`` reads the statistic, ``reset_state`` zeroes it.
"""

import numpy as np
import pytest

import stage4_training as tf

pytestmark = pytest.mark.stage4_task2

M = tf.keras.metrics
RNG = np.random.default_rng(0)


def close(tensor, expected, rtol=1e-5, atol=1e-6):
    np.testing.assert_allclose(np.asarray(tensor.numpy(), dtype=np.float64), expected,
                               rtol=rtol, atol=atol)


def test_seed_sample():
    m = M.Mean()
    m(0)
    m(5)
    close(m.result(), 2.5)
    m([8, 9])
    close(m.result(), 5.5)


def test_seed_sample_through_tfe():
    tfe = tf.contrib.eager
    m = tfe.metrics.Mean("loss")
    m(0)
    m(5)
    assert float(m.result()) == 2.5
    m([8, 9])
    assert float(m.result()) == 5.5
    assert m.name == "loss"


def test_call_updates_and_returns_the_result():
    m = M.Mean()
    out = m([1.0, 3.0])
    assert isinstance(out, tf.Tensor) and out.dtype == tf.float32 and out.shape == ()
    close(out, 2.0)
    close(m([7.0]), 11.0 / 3)


def test_mean_and_sum_accumulate_with_weights():
    values = [RNG.normal(size=(4, 3)) for _ in range(3)]
    weights = [RNG.uniform(size=4) for _ in range(3)]
    mean, wmean, total = M.Mean(), M.Mean(), M.Sum()
    for v, w in zip(values, weights):
        mean.update_state(v)
        wmean.update_state(v, sample_weight=w)
        total.update_state(v, sample_weight=w)
    all_v = np.concatenate(values)
    all_w = np.concatenate([np.broadcast_to(w[:, None], (4, 3)) for w in weights])
    close(mean.result(), all_v.mean(), rtol=1e-5)
    close(wmean.result(), (all_v * all_w).sum() / all_w.sum(), rtol=1e-5)
    close(total.result(), (all_v * all_w).sum(), rtol=1e-5)


def test_weight_forms():
    v = np.array([[1.0, 2.0], [3.0, 4.0]])
    for w, expected in [
            (2.0, v.mean()),                                  # scalar
            ([1.0, 0.0], 1.5),                                # per sample
            ([[1.0], [0.0]], 1.5),                            # per sample, with a trailing 1
            ([[1.0, 0.0], [0.0, 1.0]], 2.5)]:                 # per value
        m = M.Mean()
        m.update_state(v, sample_weight=w)
        close(m.result(), expected)
    m = M.Mean()
    m.update_state(np.ones((2, 3, 4)), sample_weight=[1.0, 3.0])   # per sequence of (3, 4)
    close(m.result(), 1.0)


def test_empty_and_zero_weight_results_are_zero_not_nan():
    assert float(M.Mean().result()) == 0.0
    m = M.Mean()
    m.update_state([5.0], sample_weight=[0.0])
    assert float(m.result()) == 0.0
    assert float(M.SparseCategoricalAccuracy().result()) == 0.0


def test_reset_state():
    m = M.Mean()
    m([1.0, 2.0])
    m.reset_state()
    assert float(m.result()) == 0.0
    close(m([4.0]), 4.0)
    m.reset_states()                      # the old name
    assert float(m.result()) == 0.0
    acc = M.SparseCategoricalAccuracy()
    acc([1], [[0.0, 1.0]])
    acc.reset_state()
    close(acc([1, 0], [[0.0, 1.0], [0.0, 1.0]]), 0.5)


def test_names():
    expected = {M.Mean: "mean", M.Sum: "sum", M.Accuracy: "accuracy",
                M.BinaryAccuracy: "binary_accuracy",
                M.CategoricalAccuracy: "categorical_accuracy",
                M.SparseCategoricalAccuracy: "sparse_categorical_accuracy",
                M.TopKCategoricalAccuracy: "top_k_categorical_accuracy",
                M.SparseTopKCategoricalAccuracy: "sparse_top_k_categorical_accuracy",
                M.AUC: "auc", M.MeanSquaredError: "mean_squared_error",
                M.MeanAbsoluteError: "mean_absolute_error"}
    for cls, name in expected.items():
        assert cls().name == name
        assert cls().name == name           # not uniquified, as in Keras
    assert M.Mean(name="train_loss").name == "train_loss"


def test_state_is_non_trainable_variables_held_as_attributes():
    for m in (M.Mean(), M.Sum(), M.SparseCategoricalAccuracy(), M.AUC(num_thresholds=7)):
        assert isinstance(m, tf.keras.layers.Layer)
        assert m.trainable_variables == []
        assert m.variables and all(isinstance(v, tf.Variable) and not v.trainable
                                   for v in m.variables)
        held = {id(v) for v in vars(m).values() if isinstance(v, tf.Variable)}
        assert {id(v) for v in m.variables} <= held      # a checkpoint finds them by attribute
    m = M.Mean()
    assert m.total in m.variables and m.count in m.variables


def test_a_metric_inside_a_model_is_tracked_non_trainable():
    class Net(tf.keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = tf.keras.layers.Dense(2)
            self.loss_tracker = M.Mean(name="loss")

        def call(self, x):
            return self.dense(x)
    net = Net()
    net(tf.ones([1, 3]))
    assert len(net.trainable_variables) == 2
    assert net.loss_tracker.total in net.non_trainable_variables


def test_updating_records_nothing_on_a_tape():
    w = tf.Variable(2.0)
    m = M.Mean()
    acc = M.SparseCategoricalAccuracy()
    with tf.GradientTape() as tape:
        y = w * 3.0
        m(y)
        acc.update_state([1], tf.stack([[w, w * 2.0]]))
        z = y * 2.0
    assert float(tape.gradient(z, w)) == 6.0
    # the metric's variables are unchanged by a gradient and not watched
    assert all(id(v) not in {id(x) for x in tape.watched_variables()} for v in m.variables)
    with tf.GradientTape() as tape:
        tape.watch(w)
        m(w * 1.0)
        out = m.result()
    assert tape.gradient(out, w) is None


def test_metric_result_dtype():
    assert M.Mean().result().dtype == tf.float32
    m = M.Mean(dtype="float64")
    m([1.0, 2.0])
    assert m.result().dtype == tf.float64 and m.total.dtype == tf.float64


# --- accuracies ---------------------------------------------------------------------------
def np_sparse_hits(labels, scores):
    return (np.argmax(scores, -1) == np.reshape(labels, -1)).astype(np.float64)


def test_sparse_categorical_accuracy_accumulates():
    m = M.SparseCategoricalAccuracy()
    hits = []
    for batch in (5, 3, 8):
        scores = RNG.normal(size=(batch, 4))
        labels = RNG.integers(0, 4, size=batch)
        m.update_state(labels if batch != 3 else labels[:, None], scores)
        hits.append(np_sparse_hits(labels, scores))
    close(m.result(), np.concatenate(hits).mean())


def test_sparse_categorical_accuracy_with_weights_and_float_labels():
    scores = RNG.normal(size=(6, 3))
    labels = RNG.integers(0, 3, size=6)
    w = RNG.uniform(size=6)
    m = M.SparseCategoricalAccuracy()
    m.update_state(labels.astype(np.float32), scores, sample_weight=w)
    hits = np_sparse_hits(labels, scores)
    close(m.result(), (hits * w).sum() / w.sum())


def test_accuracy_functions():
    scores = RNG.normal(size=(6, 4)).astype(np.float32)
    labels = RNG.integers(0, 4, size=6)
    onehot = np.eye(4)[labels]
    close(M.sparse_categorical_accuracy(labels, scores), np_sparse_hits(labels, scores))
    close(M.sparse_categorical_accuracy(labels[:, None], scores), np_sparse_hits(labels, scores))
    close(M.categorical_accuracy(onehot, scores), np_sparse_hits(labels, scores))
    close(M.accuracy([1, 2, 3], [1, 0, 3]), [1.0, 0.0, 1.0])
    p = np.array([[0.2, 0.7], [0.5, 0.51]])
    close(M.binary_accuracy([[0, 1], [1, 1]], p), [1.0, 0.5])
    close(M.binary_accuracy([[0, 1], [1, 1]], p, threshold=0.6), [1.0, 0.0])


def np_top_k(labels, scores, k):
    target = scores[np.arange(len(labels)), labels]
    return ((scores > target[:, None]).sum(-1) < k).astype(np.float64)


@pytest.mark.parametrize("k", [1, 2, 5])
def test_top_k(k):
    scores = RNG.normal(size=(10, 6))
    labels = RNG.integers(0, 6, size=10)
    expected = np_top_k(labels, scores, k)
    close(M.sparse_top_k_categorical_accuracy(labels, scores, k=k), expected)
    close(M.top_k_categorical_accuracy(np.eye(6)[labels], scores, k=k), expected)
    close(M.SparseTopKCategoricalAccuracy(k=k)(labels, scores), expected.mean())
    close(M.TopKCategoricalAccuracy(k=k)(np.eye(6)[labels], scores), expected.mean())
    if k == 1:
        close(M.SparseCategoricalAccuracy()(labels, scores), expected.mean())


def test_top_k_default_k_is_5_and_ties_count_as_in():
    assert M.TopKCategoricalAccuracy().get_config()["k"] == 5
    close(M.sparse_top_k_categorical_accuracy([0], [[0.5, 0.5, 0.5]], k=1), [1.0])


def test_binary_and_categorical_accuracy_metrics():
    m = M.BinaryAccuracy()
    m.update_state([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]])
    close(m.result(), 0.75)
    m.update_state([1, 0], [[0.2], [0.1]])               # (2,) labels against (2, 1)
    close(m.result(), 4 / 6)
    t = M.BinaryAccuracy(threshold=0.7)
    close(t([[1], [1]], [[0.65], [0.8]]), 0.5)
    c = M.CategoricalAccuracy()
    close(c([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]), 0.5)
    a = M.Accuracy()
    close(a([[1], [2], [3], [4]], [[0], [2], [3], [4]]), 0.75)
    close(a([[1], [2]], [[1], [2]], sample_weight=[1.0, 3.0]), (3 + 4) / 8)


def test_regression_metrics():
    t = RNG.normal(size=(5, 3))
    p = RNG.normal(size=(5, 3))
    close(M.MeanSquaredError()(t, p), ((p - t) ** 2).mean(), rtol=1e-5)
    close(M.MeanAbsoluteError()(t, p), np.abs(p - t).mean(), rtol=1e-5)


# --- AUC ----------------------------------------------------------------------------------
def np_auc(labels, preds, weights=None, num_thresholds=200, curve="ROC",
           summation="interpolation"):
    """TF's AUC, computed the same way: confusion counts per threshold, then a Riemann sum."""
    labels, preds = np.ravel(labels).astype(bool), np.ravel(preds).astype(np.float64)
    w = np.ones_like(preds) if weights is None else np.ravel(weights).astype(np.float64)
    inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
    thresholds = np.array([-1e-7] + inner + [1 + 1e-7], dtype=np.float32)
    above = preds[None, :] > thresholds[:, None]
    tp = (above & labels).astype(float) @ w
    fp = (above & ~labels).astype(float) @ w
    fn = (~above & labels).astype(float) @ w
    tn = (~above & ~labels).astype(float) @ w

    def div(a, b):
        return np.where(b == 0, 0.0, a / np.where(b == 0, 1.0, b))
    if curve == "PR" and summation == "interpolation":
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        dp = p[:-1] - p[1:]
        slope = div(dtp, np.maximum(dp, 0))
        intercept = tp[1:] - slope * p[1:]
        ratio = np.where((p[:-1] > 0) & (p[1:] > 0), div(p[:-1], np.maximum(p[1:], 0)), 1.0)
        return np.sum(div(slope * (dtp + intercept * np.log(ratio)), np.maximum(tp[1:] + fn[1:], 0)))
    recall = div(tp, tp + fn)
    if curve == "ROC":
        x, y = div(fp, fp + tn), recall
    else:
        x, y = recall, div(tp, tp + fp)
    heights = {"interpolation": (y[:-1] + y[1:]) / 2, "minoring": np.minimum(y[:-1], y[1:]),
               "majoring": np.maximum(y[:-1], y[1:])}[summation]
    return np.sum((x[:-1] - x[1:]) * heights)


@pytest.mark.parametrize("curve, summation", [("ROC", "interpolation"), ("ROC", "minoring"),
                                              ("ROC", "majoring"), ("PR", "interpolation"),
                                              ("PR", "minoring"), ("PR", "majoring")])
def test_auc_matches_numpy_reference(curve, summation):
    labels = (RNG.uniform(size=40) > 0.6).astype(np.float32)
    preds = np.clip(labels * 0.3 + RNG.uniform(size=40) * 0.7, 0, 1).astype(np.float32)
    w = RNG.uniform(size=40).astype(np.float32)
    for num_thresholds in (200, 7):
        m = M.AUC(num_thresholds=num_thresholds, curve=curve, summation_method=summation)
        m.update_state(labels[:25], preds[:25], sample_weight=w[:25])
        m.update_state(labels[25:], preds[25:], sample_weight=w[25:])
        close(m.result(), np_auc(labels, preds, w, num_thresholds, curve, summation),
              rtol=1e-4, atol=1e-5)


def test_auc_basic_values():
    close(M.AUC()([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]), 1.0, atol=1e-6)
    close(M.AUC()([0, 0, 1, 1], [0.9, 0.8, 0.2, 0.1]), 0.0, atol=1e-6)
    close(M.AUC(num_thresholds=3)([0, 0, 1, 1], [0.0, 0.5, 0.3, 0.9]), 0.75)
    m = M.AUC(from_logits=True)
    logits = RNG.normal(size=20)
    labels = (RNG.uniform(size=20) > 0.5).astype(np.float32)
    close(m(labels, logits), np_auc(labels, 1 / (1 + np.exp(-logits))), rtol=1e-4)
    m = M.AUC(num_thresholds=5)
    assert len(m.thresholds) == 5 and m.thresholds[0] < 0 and m.thresholds[-1] > 1
    m([0, 1], [0.2, 0.7])
    m.reset_state()
    assert all(float(tf.reduce_sum(v)) == 0 for v in m.variables)


def test_auc_errors():
    with pytest.raises(ValueError, match="from_logits"):
        M.AUC()([0, 1], [0.5, 1.5])
    with pytest.raises(ValueError, match="num_thresholds"):
        M.AUC(num_thresholds=1)
    with pytest.raises(ValueError, match="'ROC' or 'PR'"):
        M.AUC(curve="DET")


# --- get, configs, errors -------------------------------------------------------------------
def test_get():
    assert M.get("accuracy") is M.accuracy
    assert M.get("acc") is M.accuracy
    assert M.get("sparse_categorical_accuracy") is M.sparse_categorical_accuracy
    assert M.get("categorical_accuracy") is M.categorical_accuracy
    assert M.get("binary_accuracy") is M.binary_accuracy
    assert M.get("mse") is tf.keras.losses.mean_squared_error
    assert isinstance(M.get("SparseCategoricalAccuracy"), M.SparseCategoricalAccuracy)
    m = M.Mean()
    assert M.get(m) is m
    with pytest.raises(ValueError) as info:
        M.get("acuracy")
    assert "Did you mean 'accuracy'" in str(info.value)
    assert "sparse_categorical_accuracy" in str(info.value) and "AUC" in str(info.value)


def test_configs_round_trip_with_fresh_state():
    for m in (M.Mean(name="loss"), M.BinaryAccuracy(threshold=0.3),
              M.SparseTopKCategoricalAccuracy(k=2), M.AUC(num_thresholds=9, curve="PR")):
        config = m.get_config()
        again = type(m).from_config(config)
        assert again.get_config() == config
        assert again is not m and again.variables[0] is not m.variables[0]
    assert M.BinaryAccuracy(threshold=0.3).get_config() == {
        "name": "binary_accuracy", "dtype": "float32", "threshold": 0.3}
    rebuilt = M.deserialize(M.serialize(M.SparseTopKCategoricalAccuracy(k=3)))
    assert rebuilt.get_config()["k"] == 3


def test_subclassing_metric():
    class Largest(M.Metric):
        def __init__(self, name="largest", dtype=None):
            super().__init__(name=name, dtype=dtype)
            self.largest = self.add_weight("largest", initializer="zeros")

        def update_state(self, values):
            self.largest.assign(tf.maximum(self.largest, tf.reduce_max(values)))

        def result(self):
            return tf.identity(self.largest)
    m = Largest()
    m([1.0, 4.0])
    close(m([2.0]), 4.0)
    assert m.trainable_variables == [] and len(m.variables) == 1
    w = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        m(w * 2.0)
    assert tape.gradient(m.result(), w) is None
    m.reset_state()
    assert float(m.result()) == 0.0


def test_errors_that_teach():
    with pytest.raises(ValueError) as info:
        M.SparseCategoricalAccuracy()(np.zeros((4, 3)), np.zeros((4, 3)))
    assert "categorical_accuracy" in str(info.value) and "(4, 3)" in str(info.value)
    with pytest.raises(ValueError) as info:
        M.Mean().update_state(np.ones((2, 3)), sample_weight=[1.0, 2.0, 3.0])
    assert "sample_weight" in str(info.value) and "mean" in str(info.value)
    with pytest.raises(ValueError, match="same shape"):
        M.Accuracy()([1, 2, 3], [1, 2])
    with pytest.raises(NotImplementedError, match="update_state"):
        M.Metric(name="bare").update_state(1.0)


def test_sparse_accuracies_of_rank_3_predictions():
    # Labels (2, 3) or (2, 3, 1) for scores (2, 3, 4): one hit or miss per position.
    rng = np.random.default_rng(3)
    scores = rng.random((2, 3, 4)).astype(np.float32)
    labels = rng.integers(0, 4, size=(2, 3))
    hits = (np.argmax(scores, -1) == labels).astype(np.float32)
    close(M.sparse_categorical_accuracy(labels[..., None], scores), hits)
    ranks = (scores > np.take_along_axis(scores, labels[..., None], -1)).sum(-1)
    top2 = (ranks < 2).astype(np.float32)
    got = M.sparse_top_k_categorical_accuracy(labels, scores, k=2)
    assert tuple(got.shape) == (2, 3)
    close(got, top2)
    metric = M.SparseTopKCategoricalAccuracy(k=2)
    metric.update_state(labels, scores)
    close(metric.result(), top2.mean())
