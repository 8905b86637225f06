"""Task 1: losses (``keras.losses`` and the TF-1 ``tf.losses`` functions).

Values are checked against NumPy references written here from the formulas;
gradients against finite differences in float64.
"""

import numpy as np
import pytest

import stage4_training as tf
from stage2_autodiff.testing import check_gradients

pytestmark = pytest.mark.stage4_task1

L = tf.keras.losses
EPS = 1e-7
RNG = np.random.default_rng(0)


def close(tensor, expected, rtol=1e-5, atol=1e-6):
    np.testing.assert_allclose(np.asarray(tensor.numpy(), dtype=np.float64), expected,
                               rtol=rtol, atol=atol)


# --- NumPy references -------------------------------------------------------------------
def np_mse(t, p):
    return np.mean((p - t) ** 2, axis=-1)


def np_mae(t, p):
    return np.mean(np.abs(p - t), axis=-1)


def np_huber(t, p, delta=1.0):
    e = np.abs(p - t)
    return np.mean(np.where(e <= delta, 0.5 * e ** 2, delta * e - 0.5 * delta ** 2), axis=-1)


def np_bce(t, p, from_logits=False, smoothing=0.0):
    t = t * (1 - smoothing) + 0.5 * smoothing
    if from_logits:     # the stable form of -(t log sigmoid(x) + (1 - t) log(1 - sigmoid(x)))
        return np.mean(np.maximum(p, 0) - p * t + np.log1p(np.exp(-np.abs(p))), axis=-1)
    p = np.clip(p, EPS, 1 - EPS)
    return np.mean(-(t * np.log(p + EPS) + (1 - t) * np.log(1 - p + EPS)), axis=-1)


def np_softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def np_cce(t, p, from_logits=False, smoothing=0.0):
    t = t * (1 - smoothing) + smoothing / t.shape[-1]
    if from_logits:
        return -np.sum(t * np.log(np_softmax(p)), axis=-1)
    p = np.clip(p / p.sum(-1, keepdims=True), EPS, 1 - EPS)
    return -np.sum(t * np.log(p), axis=-1)


def np_scce(labels, p, from_logits=False):
    if not from_logits:
        p = np.log(np.clip(p, EPS, 1 - EPS))
    q = np_softmax(p)
    return -np.log(np.take_along_axis(q, labels[..., None], -1)[..., 0])


def probabilities(*shape):
    return np_softmax(RNG.normal(size=shape)).astype(np.float32)


def reduce(per_sample, weight=None, reduction="sum_over_batch_size"):
    weighted = per_sample if weight is None else per_sample * weight
    if reduction == "none":
        return weighted
    if reduction == "sum":
        return weighted.sum()
    return weighted.sum() / weighted.size


# --- per-sample functions ------------------------------------------------------------------
def test_functions_match_numpy_references():
    t = RNG.normal(size=(4, 3)).astype(np.float32)
    p = RNG.normal(size=(4, 3)).astype(np.float32) * 2
    close(L.mean_squared_error(t, p), np_mse(t, p))
    close(L.mse(t, p), np_mse(t, p))
    close(L.mean_absolute_error(t, p), np_mae(t, p))
    close(L.mae(t, p), np_mae(t, p))
    close(L.huber(t, p), np_huber(t, p))
    close(L.huber(t, p, delta=0.3), np_huber(t, p, 0.3))
    labels = (RNG.uniform(size=(4, 3)) > 0.5).astype(np.float32)
    probs = RNG.uniform(size=(4, 3)).astype(np.float32)
    close(L.binary_crossentropy(labels, probs), np_bce(labels, probs), rtol=1e-4)
    close(L.binary_crossentropy(labels, p, from_logits=True), np_bce(labels, p, True), rtol=1e-4)
    onehot = np.eye(3, dtype=np.float32)[[0, 2, 1, 1]]
    q = probabilities(4, 3)
    close(L.categorical_crossentropy(onehot, q), np_cce(onehot, q), rtol=1e-4)
    close(L.categorical_crossentropy(onehot, p, from_logits=True), np_cce(onehot, p, True),
          rtol=1e-4)
    idx = np.array([0, 2, 1, 1])
    close(L.sparse_categorical_crossentropy(idx, q), np_scce(idx, q), rtol=1e-4)
    close(L.sparse_categorical_crossentropy(idx, p, from_logits=True), np_scce(idx, p, True),
          rtol=1e-4)


def test_per_sample_shapes_drop_the_last_axis():
    assert L.mean_squared_error(np.zeros((5, 3)), np.ones((5, 3))).shape == (5,)
    assert L.sparse_categorical_crossentropy([1, 0], probabilities(2, 4)).shape == (2,)
    # labels of shape (batch, 1) are accepted by the sparse cross-entropy
    assert L.sparse_categorical_crossentropy([[1], [0]], probabilities(2, 4)).shape == (2,)
    # sequences: (batch, time, classes) against (batch, time)
    seq = probabilities(2, 5, 3)
    labels = RNG.integers(0, 3, size=(2, 5))
    out = L.sparse_categorical_crossentropy(labels, seq)
    assert out.shape == (2, 5)
    close(out, np_scce(labels, seq), rtol=1e-4)


def test_clipping_at_zero_and_one():
    # A certain right answer costs ~0, a certain wrong one -log(1e-7), never inf.
    assert np.isfinite(L.binary_crossentropy([[1.0, 0.0]], [[0.0, 1.0]]).numpy()).all()
    close(L.binary_crossentropy([[1.0]], [[0.0]]), [-np.log(2 * EPS)], rtol=1e-3)
    close(L.binary_crossentropy([[1.0]], [[1.0]]), [0.0], atol=1e-6)
    close(L.categorical_crossentropy([[1.0, 0.0]], [[0.0, 1.0]]), [-np.log(EPS)], rtol=1e-3)
    close(L.sparse_categorical_crossentropy([0], [[0.0, 1.0]]), [-np.log(EPS)], rtol=1e-3)
    close(L.sparse_categorical_crossentropy([1], [[0.0, 1.0]]), [0.0], atol=1e-6)


def test_gradient_is_finite_at_saturated_probabilities():
    p = tf.Variable([[0.0, 1.0]])
    with tf.GradientTape() as tape:
        loss = L.BinaryCrossentropy()([[1.0, 0.0]], p)
    assert np.isfinite(tape.gradient(loss, p).numpy()).all()


def test_from_logits_is_stable_for_large_logits():
    logits = np.array([[1000.0, -1000.0, 0.0]], dtype=np.float32)
    close(L.sparse_categorical_crossentropy([1], logits, from_logits=True), [2000.0])
    close(L.categorical_crossentropy([[0.0, 1.0, 0.0]], logits, from_logits=True), [2000.0])
    close(L.binary_crossentropy([[1.0, 1.0, 1.0]], logits, from_logits=True),
          [(0 + 1000 + np.log(2)) / 3], rtol=1e-5)


def test_label_smoothing():
    labels = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], dtype=np.float32)
    q = probabilities(2, 3)
    close(L.BinaryCrossentropy(label_smoothing=0.2, reduction="none")(labels, q),
          np_bce(labels, q, smoothing=0.2), rtol=1e-4)
    close(L.CategoricalCrossentropy(label_smoothing=0.1, reduction="none")(labels, q),
          np_cce(labels, q, smoothing=0.1), rtol=1e-4)
    logits = RNG.normal(size=(2, 3)).astype(np.float32)
    close(L.CategoricalCrossentropy(from_logits=True, label_smoothing=0.3)(labels, logits),
          np_cce(labels, logits, True, 0.3).mean(), rtol=1e-4)


# --- classes and reductions ---------------------------------------------------------------------
CASES = [
    (L.MeanSquaredError, {}, np_mse, "float"),
    (L.MeanAbsoluteError, {}, np_mae, "float"),
    (L.Huber, {"delta": 0.5}, lambda t, p: np_huber(t, p, 0.5), "float"),
    (L.BinaryCrossentropy, {}, np_bce, "binary"),
    (L.BinaryCrossentropy, {"from_logits": True}, lambda t, p: np_bce(t, p, True), "binary_logits"),
    (L.CategoricalCrossentropy, {}, np_cce, "onehot"),
    (L.CategoricalCrossentropy, {"from_logits": True}, lambda t, p: np_cce(t, p, True),
     "onehot_logits"),
    (L.SparseCategoricalCrossentropy, {}, np_scce, "sparse"),
    (L.SparseCategoricalCrossentropy, {"from_logits": True}, lambda t, p: np_scce(t, p, True),
     "sparse_logits"),
]


def make_data(kind, batch=6, classes=4):
    if kind == "float":
        return (RNG.normal(size=(batch, classes)).astype(np.float32),
                RNG.normal(size=(batch, classes)).astype(np.float32))
    if kind.startswith("binary"):
        t = (RNG.uniform(size=(batch, classes)) > 0.5).astype(np.float32)
        p = RNG.normal(size=(batch, classes)) if kind.endswith("logits") \
            else RNG.uniform(size=(batch, classes))
        return t, p.astype(np.float32)
    idx = RNG.integers(0, classes, size=batch)
    p = RNG.normal(size=(batch, classes)).astype(np.float32) if kind.endswith("logits") \
        else probabilities(batch, classes)
    return (np.eye(classes, dtype=np.float32)[idx] if kind.startswith("onehot") else idx), p


@pytest.mark.parametrize("cls, kwargs, ref, kind", CASES,
                         ids=[c[0].__name__ + ("_logits" if c[1].get("from_logits") else "")
                              for c in CASES])
@pytest.mark.parametrize("reduction", ["auto", "sum_over_batch_size", "sum", "none"])
def test_every_loss_every_reduction_and_weight_form(cls, kwargs, ref, kind, reduction):
    t, p = make_data(kind)
    per_sample = ref(t, p)
    loss = cls(reduction=reduction, **kwargs)
    red = "sum_over_batch_size" if reduction == "auto" else reduction
    close(loss(t, p), reduce(per_sample, None, red), rtol=1e-4)
    w = RNG.uniform(size=6).astype(np.float32)
    close(loss(t, p, sample_weight=w), reduce(per_sample, w, red), rtol=1e-4)
    close(loss(t, p, sample_weight=w[:, None]), reduce(per_sample, w, red), rtol=1e-4)
    close(loss(t, p, sample_weight=2.0), reduce(per_sample, 2.0, red), rtol=1e-4)
    close(loss(tf.constant(t), tf.constant(p), sample_weight=tf.constant(w)),
          reduce(per_sample, w, red), rtol=1e-4)


def test_sum_over_batch_size_divides_by_the_number_of_losses_not_the_weights():
    loss = L.MeanSquaredError()
    t, p = np.zeros((4, 1), np.float32), np.array([[1.0], [2.0], [3.0], [4.0]], np.float32)
    # weighted sum 1*1 + 4*1 = 5, over 4 samples (zero weights still count)
    close(loss(t, p, sample_weight=[1.0, 1.0, 0.0, 0.0]), 5.0 / 4)


def test_per_time_step_weights_and_sequence_losses():
    t = RNG.integers(0, 3, size=(2, 5))
    p = probabilities(2, 5, 3)
    w = RNG.uniform(size=(2, 5)).astype(np.float32)
    per_step = np_scce(t, p)
    close(L.SparseCategoricalCrossentropy()(t, p, sample_weight=w), (per_step * w).mean(),
          rtol=1e-4)
    # one weight per sequence scales every step of it
    ws = np.array([0.5, 2.0], np.float32)
    close(L.SparseCategoricalCrossentropy(reduction="sum")(t, p, sample_weight=ws),
          (per_step * ws[:, None]).sum(), rtol=1e-4)


def test_a_trailing_axis_of_one_is_squeezed_not_broadcast():
    t = np.array([1.0, 2.0, 3.0], np.float32)
    p = np.array([[1.0], [2.0], [5.0]], np.float32)
    # (3,) against (3, 1) must not broadcast to (3, 3): one loss per sample
    assert L.MeanSquaredError(reduction="none")(t, p).shape == ()      # both (3,): mean over them
    close(L.MeanSquaredError()(t[:, None], p), 4.0 / 3)
    close(L.MeanSquaredError()(t, p), 4.0 / 3)
    close(L.SparseCategoricalCrossentropy()(np.array([[1], [0]]), [[0.5, 0.5], [0.5, 0.5]]),
          np.log(2))


def test_integer_labels_of_any_int_dtype_and_float_labels():
    q = probabilities(3, 4)
    labels = np.array([0, 3, 2])
    expected = np_scce(labels, q).mean()
    for dtype in (np.uint8, np.int32, np.int64, np.float32):
        close(L.SparseCategoricalCrossentropy()(labels.astype(dtype), q), expected, rtol=1e-4)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_result_dtype_follows_the_predictions(dtype):
    t, p = make_data("binary")
    for loss in (L.MeanSquaredError(), L.Huber(), L.BinaryCrossentropy(),
                 L.MeanAbsoluteError()):
        assert loss(t, p.astype(dtype)).dtype == tf.as_dtype(dtype)
    idx, q = make_data("sparse")
    assert L.SparseCategoricalCrossentropy()(idx, q.astype(dtype)).dtype == tf.as_dtype(dtype)
    assert L.CategoricalCrossentropy()(np.eye(4)[idx], q.astype(dtype)).dtype == \
        tf.as_dtype(dtype)
    assert L.MeanSquaredError()(t, p.astype(dtype), sample_weight=np.ones(6)).dtype == \
        tf.as_dtype(dtype)


# --- gradients ------------------------------------------------------------------------------------
GRADIENT_CASES = [
    ("mse", lambda p: L.MeanSquaredError()(T_FLOAT, p), "float"),
    ("mae", lambda p: L.MeanAbsoluteError()(T_FLOAT, p), "float"),
    ("huber", lambda p: L.Huber(delta=0.7)(T_FLOAT, p), "float"),
    ("bce", lambda p: L.BinaryCrossentropy(label_smoothing=0.1)(T_BINARY, p), "probs"),
    ("bce_logits", lambda p: L.BinaryCrossentropy(from_logits=True)(T_BINARY, p), "logits"),
    ("cce", lambda p: L.CategoricalCrossentropy()(T_ONEHOT, p), "probs"),
    ("cce_logits", lambda p: L.CategoricalCrossentropy(from_logits=True,
                                                       label_smoothing=0.2)(T_ONEHOT, p), "logits"),
    ("scce", lambda p: L.SparseCategoricalCrossentropy()(T_SPARSE, p), "probs"),
    ("scce_logits", lambda p: L.SparseCategoricalCrossentropy(from_logits=True)(
        T_SPARSE, p, sample_weight=W), "logits"),
    ("scce_sum", lambda p: L.SparseCategoricalCrossentropy(from_logits=True, reduction="sum")(
        T_SPARSE, p), "logits"),
    ("tf1_sparse", lambda p: tf.losses.sparse_softmax_cross_entropy(T_SPARSE, p), "logits"),
    ("tf1_mse", lambda p: tf.losses.mean_squared_error(T_FLOAT, p, weights=W[:, None]), "float"),
]
T_FLOAT = np.array([[0.3, -1.0, 2.0], [0.5, 0.1, -0.2]])
T_BINARY = np.array([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]])
T_ONEHOT = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
T_SPARSE = np.array([1, 2])
W = np.array([0.5, 2.0])


@pytest.mark.parametrize("name, f, kind", GRADIENT_CASES, ids=[c[0] for c in GRADIENT_CASES])
def test_gradients_match_finite_differences(name, f, kind):
    if kind == "probs":
        x = np.array([[0.2, 0.5, 0.3], [0.6, 0.1, 0.3]])    # away from the clipping edges
    elif kind == "logits":
        x = np.array([[0.2, -1.5, 0.3], [2.0, 0.1, -0.4]])
    else:
        x = np.array([[0.9, 0.4, 1.2], [-0.8, 0.3, 0.35]])  # away from MAE's/Huber's kinks
    check_gradients(f, [x])


def test_gradient_through_a_model_with_the_tape():
    model = tf.keras.Sequential([tf.keras.layers.Dense(3)])
    x = tf.constant(RNG.normal(size=(4, 2)).astype(np.float32))
    loss_fn = L.SparseCategoricalCrossentropy(from_logits=True)
    with tf.GradientTape() as tape:
        loss = loss_fn([0, 1, 2, 1], model(x))
    grads = tape.gradient(loss, model.trainable_variables)
    assert all(g is not None and np.isfinite(g.numpy()).all() for g in grads)


# --- objects: names, configs, get -----------------------------------------------------------------
def test_names_and_configs():
    assert L.MeanSquaredError().name == "mean_squared_error"
    assert L.MeanAbsoluteError().name == "mean_absolute_error"
    assert L.Huber().name == "huber_loss"
    assert L.BinaryCrossentropy().name == "binary_crossentropy"
    assert L.CategoricalCrossentropy().name == "categorical_crossentropy"
    assert L.SparseCategoricalCrossentropy().name == "sparse_categorical_crossentropy"
    assert L.SparseCategoricalCrossentropy(name="xent").name == "xent"
    config = L.BinaryCrossentropy(from_logits=True, label_smoothing=0.1,
                                  reduction="sum").get_config()
    assert config == {"reduction": "sum", "name": "binary_crossentropy", "from_logits": True,
                      "label_smoothing": 0.1, "axis": -1}
    again = L.BinaryCrossentropy.from_config(config)
    assert again.get_config() == config
    t, p = make_data("binary_logits")
    close(again(t, p), np_bce(t, p, True, 0.1).sum(), rtol=1e-5)
    assert L.Huber(delta=2.0).get_config()["delta"] == 2.0
    assert L.SparseCategoricalCrossentropy().get_config() == {
        "reduction": "auto", "name": "sparse_categorical_crossentropy", "from_logits": False}


def test_get():
    assert L.get("sparse_categorical_crossentropy") is L.sparse_categorical_crossentropy
    assert L.get("mse") is L.mean_squared_error
    assert L.get("mae") is L.mean_absolute_error
    assert L.get("binary_crossentropy") is L.binary_crossentropy
    assert isinstance(L.get("SparseCategoricalCrossentropy"), L.SparseCategoricalCrossentropy)
    loss = L.Huber()
    assert L.get(loss) is loss
    fn = lambda t, p: p  # noqa: E731
    assert L.get(fn) is fn
    assert L.get(None) is None
    rebuilt = L.get(L.serialize(L.Huber(delta=3.0)))
    assert isinstance(rebuilt, L.Huber) and rebuilt.get_config()["delta"] == 3.0


def test_subclassing_loss():
    class Cubed(L.Loss):
        def call(self, y_true, y_pred):
            return tf.reduce_mean(tf.abs(y_pred - y_true) ** 3, axis=-1)
    loss = Cubed(reduction="sum")
    close(loss(tf.zeros([2, 1]), tf.constant([[1.0], [2.0]])), 9.0)
    assert loss.name == "cubed"


def test_tf_losses_has_keras_losses():
    assert tf.losses.SparseCategoricalCrossentropy is L.SparseCategoricalCrossentropy
    assert tf.losses.Huber is L.Huber
    assert tf.losses.binary_crossentropy is L.binary_crossentropy
    assert tf.losses.Reduction.SUM == "sum"


# --- the TF-1 functions ------------------------------------------------------------------------------
def test_tf1_sparse_softmax_cross_entropy_is_the_mean():
    logits = RNG.normal(size=(5, 4)).astype(np.float32)
    labels = np.array([0, 3, 1, 1, 2])
    per = np_scce(labels, logits, True)
    close(tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits), per.mean(),
          rtol=1e-5)
    close(tf.losses.sparse_softmax_cross_entropy(labels=labels[:, None], logits=logits),
          per.mean(), rtol=1e-5)
    # the default reduction divides by the number of non-zero weights
    w = np.array([1.0, 0.0, 2.0, 0.0, 1.0], np.float32)
    close(tf.losses.sparse_softmax_cross_entropy(labels, logits, weights=w),
          (per * w).sum() / 3, rtol=1e-5)
    close(tf.losses.sparse_softmax_cross_entropy(labels, logits, weights=w,
                                                 reduction="weighted_mean"),
          (per * w).sum() / w.sum(), rtol=1e-5)
    close(tf.losses.sparse_softmax_cross_entropy(labels, logits, reduction="none"), per,
          rtol=1e-5)
    close(tf.losses.sparse_softmax_cross_entropy(labels, logits, reduction="weighted_sum"),
          per.sum(), rtol=1e-5)
    assert tf.losses.sparse_softmax_cross_entropy(labels.astype(np.uint8), logits).shape == ()


def test_tf1_elementwise_losses():
    labels = RNG.normal(size=(4, 3)).astype(np.float32)
    pred = RNG.normal(size=(4, 3)).astype(np.float32) * 2
    close(tf.losses.mean_squared_error(labels, pred), ((pred - labels) ** 2).mean())
    close(tf.losses.absolute_difference(labels, pred), np.abs(pred - labels).mean())
    e = np.abs(pred - labels)
    q = np.minimum(e, 1.5)
    close(tf.losses.huber_loss(labels, pred, delta=1.5), (0.5 * q ** 2 + 1.5 * (e - q)).mean())
    binary = (labels > 0).astype(np.float32)
    close(tf.losses.sigmoid_cross_entropy(binary, pred), np_bce(binary, pred, True).mean() * 1,
          rtol=1e-4)
    smoothed = binary * 0.8 + 0.1
    close(tf.losses.sigmoid_cross_entropy(binary, pred, label_smoothing=0.2),
          np.mean(-(smoothed * np.log(1 / (1 + np.exp(-pred)))
                    + (1 - smoothed) * np.log(1 - 1 / (1 + np.exp(-pred))))), rtol=1e-4)
    onehot = np.eye(3, dtype=np.float32)[[0, 2, 1, 1]]
    close(tf.losses.softmax_cross_entropy(onehot, pred), np_cce(onehot, pred, True).mean(),
          rtol=1e-5)
    close(tf.losses.softmax_cross_entropy(onehot, pred, label_smoothing=0.3),
          np_cce(onehot, pred, True, 0.3).mean(), rtol=1e-5)
    w = np.array([[1.0], [0.0], [2.0], [0.0]], np.float32)   # one weight per row
    sq = (pred - labels) ** 2
    close(tf.losses.mean_squared_error(labels, pred, weights=w), (sq * w).sum() / 6)


def test_tf1_softmax_cross_entropy_gives_no_gradient_to_the_labels():
    labels = tf.constant([[0.0, 1.0]])
    with tf.GradientTape() as tape:
        tape.watch(labels)
        loss = tf.losses.softmax_cross_entropy(labels, [[1.0, 2.0]])
    assert tape.gradient(loss, labels) is None


# --- errors that teach --------------------------------------------------------------------------------
def test_bad_reduction_names_the_loss_and_the_valid_ones():
    with pytest.raises(ValueError) as info:
        L.SparseCategoricalCrossentropy(reduction="mean")
    message = str(info.value)
    assert "SparseCategoricalCrossentropy" in message and "'mean'" in message
    for valid in ("auto", "none", "sum", "sum_over_batch_size"):
        assert valid in message


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(ValueError) as info:
        L.get("sparse_categorical_crossentrophy")
    message = str(info.value)
    assert "sparse_categorical_crossentrophy" in message
    assert "Did you mean 'sparse_categorical_crossentropy'" in message
    assert "mean_squared_error" in message and "Huber" in message
    with pytest.raises(ValueError):
        L.get(42)


def test_mismatched_shapes_name_the_loss_and_the_shapes():
    with pytest.raises(ValueError) as info:
        L.MeanSquaredError()(np.zeros((4, 3)), np.zeros((4, 2)))
    message = str(info.value)
    assert "MeanSquaredError" in message and "(4, 3)" in message and "(4, 2)" in message
    with pytest.raises(ValueError) as info:
        L.SparseCategoricalCrossentropy()(np.array([0, 1, 2]), probabilities(4, 3))
    assert "SparseCategoricalCrossentropy" in str(info.value) and "(4, 3)" in str(info.value)
    with pytest.raises(ValueError) as info:
        L.CategoricalCrossentropy()(np.array([0, 1, 2]), probabilities(3, 3))
    assert "sparse_categorical_crossentropy" in str(info.value)
    with pytest.raises(ValueError) as info:
        L.SparseCategoricalCrossentropy()([0, 7], probabilities(2, 3))
    assert "7" in str(info.value) and "SparseCategoricalCrossentropy" in str(info.value)


def test_bad_sample_weight_names_the_loss():
    with pytest.raises(ValueError) as info:
        L.MeanSquaredError()(np.zeros((4, 3)), np.ones((4, 3)), sample_weight=[1.0, 2.0, 3.0])
    message = str(info.value)
    assert "MeanSquaredError" in message and "sample_weight" in message and "(3,)" in message


def test_bad_label_smoothing_and_tf1_errors():
    with pytest.raises(ValueError, match="label_smoothing"):
        L.BinaryCrossentropy(label_smoothing=1.5)
    with pytest.raises(ValueError, match="softmax_cross_entropy"):
        tf.losses.sparse_softmax_cross_entropy(labels=[0.0, 1.0], logits=probabilities(2, 2))
    with pytest.raises(ValueError, match="same shape"):
        tf.losses.mean_squared_error(np.zeros((2, 3)), np.zeros((2, 1)))
    with pytest.raises(ValueError, match="weighted_sum_by_nonzero_weights"):
        tf.losses.mean_squared_error([1.0], [1.0], reduction="average")


def test_empty_batch_gives_zero():
    out = L.MeanSquaredError()(np.zeros((0, 3), np.float32), np.zeros((0, 3), np.float32))
    assert float(out) == 0.0


@pytest.mark.internals
def test_reduction_helpers():
    from stage4_training.keras.losses.reduction import (compute_weighted_loss,
                                                         reduce_weighted_loss)
    close(reduce_weighted_loss(tf.constant([[1.0, 2.0], [3.0, 6.0]]), "sum"), 12.0)
    close(compute_weighted_loss(tf.constant([1.0, 3.0]), [[1.0], [0.0]], "none"), [1.0, 0.0])


def test_losses_leave_their_inputs_unchanged():
    logits = np.array([[1000.0, -1000.0, 0.0]], np.float32)     # a batch of one example
    kept = logits.copy()
    tensor = tf.constant(kept)
    L.SparseCategoricalCrossentropy(from_logits=True)([1], logits)
    L.SparseCategoricalCrossentropy(from_logits=True)([1], tensor)
    tf.losses.sparse_softmax_cross_entropy([0], logits)
    np.testing.assert_array_equal(logits, kept)
    np.testing.assert_array_equal(tensor.numpy(), kept)


def test_log_cosh_averages_over_the_last_axis_of_rank_3_inputs():
    y_pred = np.random.default_rng(5).normal(size=(2, 3, 4))
    expected = np.mean(np.log(np.cosh(y_pred)), axis=-1)
    got = L.log_cosh(np.zeros((2, 3, 4)), y_pred)
    assert tuple(got.shape) == (2, 3)
    close(got, expected)


def test_tf1_compute_weighted_loss_with_a_scalar_weight_counts_every_loss():
    # TF-1: a scalar weight is broadcast to every loss before the counting.
    losses = tf.constant([1.0, 2.0, 3.0])
    close(tf.losses.compute_weighted_loss(losses, weights=2.0), 12.0 / 3)
    close(tf.losses.compute_weighted_loss(losses, weights=2.0, reduction="weighted_mean"),
          12.0 / 6)
    close(tf.losses.compute_weighted_loss(losses, weights=0.0), 0.0)


def test_sparse_categorical_crossentropy_of_one_sample_is_a_scalar():
    # Keras: a scalar label with a vector of probabilities gives a scalar loss.
    probabilities = np.array([0.1, 0.2, 0.7])
    got = L.sparse_categorical_crossentropy(2, probabilities)
    assert tuple(got.shape) == ()
    close(got, -np.log(0.7))
