"""Regularizers, constraints and ``Layer.losses`` / ``add_loss``.

Values are compared with NumPy written from Keras's formulas; the weight
penalties must be differentiable (they are recomputed from the variables each
time ``losses`` is read); call losses belong to the last top-level call; every
argument survives a JSON config round trip. Tests that need a built-in layer
carry that layer's task marker (the base class is task 2).
"""

import json

import numpy as np
import pytest

import stage3_layers as tf
from stage2_autodiff.testing import check_gradients

pytestmark = pytest.mark.stage3_task2

R = tf.keras.regularizers
C = tf.keras.constraints
L = tf.keras.layers
EPSILON = 1e-7          # Keras's backend.epsilon()


@pytest.fixture
def w(rng):
    return rng.standard_normal((4, 3)).astype(np.float32)


# --- regularizers ----------------------------------------------------------------
@pytest.mark.parametrize("regularizer, expected", [
    (R.L1(0.3), lambda x: 0.3 * np.abs(x).sum()),
    (R.L2(0.2), lambda x: 0.2 * np.square(x).sum()),
    (R.L1L2(l1=0.1, l2=0.05), lambda x: 0.1 * np.abs(x).sum() + 0.05 * np.square(x).sum()),
    (R.l1_l2(), lambda x: 0.01 * np.abs(x).sum() + 0.01 * np.square(x).sum()),
    (R.l1(), lambda x: 0.01 * np.abs(x).sum()),
    (R.l2(), lambda x: 0.01 * np.square(x).sum()),
    (R.L1L2(), lambda x: 0.0),
], ids=["L1", "L2", "L1L2", "l1_l2", "l1", "l2", "L1L2-zero"])
def test_regularizer_values_match_numpy(regularizer, expected, w):
    got = regularizer(tf.constant(w))
    assert got.shape == () and got.dtype == tf.float32
    np.testing.assert_allclose(got.numpy(), expected(w.astype(np.float64)), rtol=1e-5)


def test_regularizers_keep_float64():
    x = np.array([1.0, -2.0])
    got = R.L1L2(l1=0.5, l2=0.25)(tf.constant(x))
    assert got.dtype == tf.float64 and float(got) == 0.5 * 3 + 0.25 * 5


def test_default_factors_are_keras_ones():
    assert (R.L1().l1, R.L2().l2) == (0.01, 0.01)
    assert (R.L1L2().l1, R.L1L2().l2) == (0.0, 0.0)
    assert R.l1_l2().get_config() == {"l1": 0.01, "l2": 0.01}
    assert R.L2(l=0.3).l2 == 0.3            # Keras's old argument name


@pytest.mark.parametrize("make", [lambda: R.L1(0.3), lambda: R.L2(0.2),
                                  lambda: R.L1L2(0.1, 0.2)])
def test_regularizer_gradients_match_finite_differences(make, w):
    check_gradients(make(), [w.astype(np.float64)])


@pytest.mark.parametrize("identifier, cls, config", [
    ("l1", R.L1, {"l1": 0.01}), ("l2", R.L2, {"l2": 0.01}),
    ("l1_l2", R.L1L2, {"l1": 0.01, "l2": 0.01}), ("L2", R.L2, {"l2": 0.01}),
    ({"class_name": "L2", "config": {"l2": 0.5}}, R.L2, {"l2": 0.5}),
    (R.L1L2, R.L1L2, {"l1": 0.0, "l2": 0.0}),
])
def test_regularizer_get_accepts_names_configs_and_classes(identifier, cls, config):
    regularizer = R.get(identifier)
    assert type(regularizer) is cls and regularizer.get_config() == config


def test_regularizer_serialize_round_trips_through_json():
    for regularizer in (R.L1(0.3), R.L2(0.2), R.L1L2(0.1, 0.2)):
        data = json.loads(json.dumps(R.serialize(regularizer)))
        copy = R.deserialize(data)
        assert type(copy) is type(regularizer)
        assert copy.get_config() == regularizer.get_config()
        assert type(regularizer).from_config(regularizer.get_config()).get_config() == \
            regularizer.get_config()
    assert R.serialize(None) is None and R.get(None) is None

    def penalty(x):
        return tf.reduce_sum(x)
    assert R.get(penalty) is penalty


@pytest.mark.parametrize("bad", ["l3", "zeros", 3, 1.5, True, object(), [1, 2], {},
                                 {"class_name": "Nope", "config": {}}])
def test_regularizer_get_refuses_what_is_no_regularizer(bad):
    with pytest.raises(ValueError, match="regularizer"):
        R.get(bad)


@pytest.mark.parametrize("make", [lambda: R.L2("x"), lambda: R.L1(float("nan")),
                                  lambda: R.L1L2(l2=float("inf")), lambda: R.L2(True)])
def test_bad_penalty_factors_are_refused(make):
    with pytest.raises(ValueError, match="penalty"):
        make()


def test_a_regularizer_refuses_integer_weights():
    with pytest.raises(TypeError, match="L2.*int32"):
        R.L2()(tf.constant([1, 2]))


# --- constraints -----------------------------------------------------------------
def _norms(x, axis):
    return np.sqrt(np.square(x).sum(axis=axis, keepdims=True))


@pytest.mark.parametrize("axis", [0, 1, [0, 1]])
def test_max_norm_matches_keras(w, axis):
    x = 3 * w
    norms = _norms(x, tuple(axis) if isinstance(axis, list) else axis)
    expected = x * (np.clip(norms, 0, 2.0) / (EPSILON + norms))
    np.testing.assert_allclose(C.MaxNorm(2.0, axis=axis)(tf.constant(x)).numpy(),
                               expected, rtol=1e-5, atol=1e-6)


def test_max_norm_defaults_and_small_vectors_unchanged(w):
    small = 0.01 * w
    got = C.MaxNorm()(tf.constant(small)).numpy()       # max_value=2, axis=0
    np.testing.assert_allclose(got, small * _norms(small, 0) / (EPSILON + _norms(small, 0)),
                               rtol=1e-5)
    assert C.MaxNorm().get_config() == {"max_value": 2, "axis": 0}


@pytest.mark.parametrize("axis", [0, 1])
def test_unit_norm_matches_keras(w, axis):
    expected = w / (EPSILON + _norms(w, axis))
    np.testing.assert_allclose(C.UnitNorm(axis=axis)(tf.constant(w)).numpy(), expected,
                               rtol=1e-5, atol=1e-6)


def test_non_neg_zeroes_negative_weights(w):
    got = C.NonNeg()(tf.constant(w)).numpy()
    np.testing.assert_array_equal(got, w * (w >= 0))
    assert (got >= 0).all()


@pytest.mark.parametrize("rate", [1.0, 0.5])
def test_min_max_norm_matches_keras(w, rate):
    norms = _norms(w, 0)
    desired = rate * np.clip(norms, 0.5, 1.0) + (1 - rate) * norms
    expected = w * (desired / (EPSILON + norms))
    got = C.MinMaxNorm(min_value=0.5, max_value=1.0, rate=rate)(tf.constant(w)).numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_constraint_get_and_serialize_round_trip():
    assert isinstance(C.get("non_neg"), C.NonNeg)
    assert isinstance(C.get("MaxNorm"), C.MaxNorm)
    assert C.get(C.UnitNorm).get_config() == {"axis": 0}
    for constraint in (C.MaxNorm(3, axis=1), C.NonNeg(), C.UnitNorm(axis=[0, 1]),
                       C.MinMaxNorm(0.1, 2.0, 0.5, 1)):
        data = json.loads(json.dumps(C.serialize(constraint)))
        copy = C.get(data)
        assert type(copy) is type(constraint) and copy.get_config() == constraint.get_config()
    assert C.get(None) is None and C.serialize(None) is None


@pytest.mark.parametrize("bad", ["nope", 3, object(), {}, [0]])
def test_constraint_get_refuses_what_is_no_constraint(bad):
    with pytest.raises(ValueError, match="constraint"):
        C.get(bad)


def test_constraint_axis_errors_name_the_constraint():
    with pytest.raises(ValueError, match="MaxNorm.*axis"):
        C.MaxNorm(axis="rows")
    with pytest.raises(ValueError, match="UnitNorm.*axis 2.*shape"):
        C.UnitNorm(axis=2)(tf.ones([2, 2]))


# --- variables keep their constraint ---------------------------------------------
def test_variable_keeps_its_constraint():
    constraint = C.NonNeg()
    v = tf.Variable([1.0, -1.0], constraint=constraint)
    assert v.constraint is constraint and tf.Variable(1.0).constraint is None
    with pytest.raises(ValueError, match="constraint"):
        tf.Variable(1.0, constraint=3)


def test_add_weight_resolves_regularizer_and_constraint_identifiers():
    layer = L.Layer(name="holder")
    v = layer.add_weight("v", shape=[3], initializer="ones", regularizer="l2",
                         constraint="non_neg")
    assert isinstance(v.constraint, C.NonNeg)
    [loss] = layer.losses
    np.testing.assert_allclose(float(loss), 0.01 * 3, rtol=1e-6)
    with pytest.raises(ValueError, match="holder.*regularizer"):
        layer.add_weight("u", shape=[2], regularizer="l3")
    with pytest.raises(ValueError, match="holder.*constraint"):
        layer.add_weight("u", shape=[2], constraint=7)


# --- Layer.losses and add_loss ---------------------------------------------------
class Scale(L.Layer):
    """A layer of the base class alone: one weight with a regularizer."""

    def __init__(self, regularizer=None, **kwargs):
        super().__init__(**kwargs)
        self.regularizer = regularizer

    def build(self, input_shape):
        self.w = self.add_weight("w", shape=[input_shape[-1]], initializer="ones",
                                 regularizer=self.regularizer)

    def call(self, x):
        return x * self.w


class ActivityPenalty(L.Layer):
    """Adds ``rate * sum(x ** 2)`` of each input it is called on."""

    def __init__(self, rate=0.1, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate

    def call(self, x):
        self.add_loss(self.rate * tf.reduce_sum(tf.square(x)))
        return x


def test_weight_regularization_follows_the_current_weights_and_has_gradients(rng):
    layer = Scale(R.L2(0.1))
    layer(tf.ones([1, 3]))
    value = rng.standard_normal(3).astype(np.float32)
    layer.w.assign(value)
    [loss] = layer.losses
    np.testing.assert_allclose(float(loss), 0.1 * np.square(value).sum(), rtol=1e-6)
    with tf.GradientTape() as tape:
        total = tf.add_n(layer.losses)
    np.testing.assert_allclose(tape.gradient(total, layer.w).numpy(), 0.2 * value, rtol=1e-6)


def test_call_losses_belong_to_the_last_top_level_call():
    layer = ActivityPenalty(0.5)
    assert layer.losses == []
    layer(tf.constant([1.0, 2.0]))
    layer(tf.constant([3.0]))
    [loss] = layer.losses
    assert float(loss) == 0.5 * 9


def test_add_loss_takes_functions_outside_call_and_refuses_tensors_there():
    layer = L.Layer(name="free")
    v = tf.Variable(2.0)
    layer.add_loss(lambda: v * 3.0)
    layer.add_loss([None, lambda: tf.constant(1.0)])
    assert [float(x) for x in layer.losses] == [6.0, 1.0]
    v.assign(1.0)
    assert float(layer.losses[0]) == 3.0          # recomputed when read
    with pytest.raises(ValueError, match="free.*inside call.*zero-argument"):
        layer.add_loss(tf.constant(1.0))


def test_a_layer_called_twice_in_one_call_keeps_both_call_losses():
    # Keras: the losses of one forward pass are all kept, also those of a layer
    # that pass calls twice (a shared layer); only the next top-level call resets them.
    shared = ActivityPenalty(0.5)

    class Twice(L.Layer):
        def __init__(self):
            super().__init__()
            self.shared = shared

        def call(self, x):
            return self.shared(self.shared(x) * 2.0)

    outer = Twice()
    outer(tf.constant([1.0, 2.0]))
    assert sorted(float(v) for v in outer.losses) == [0.5 * 5, 0.5 * 20]
    assert sorted(float(v) for v in shared.losses) == [0.5 * 5, 0.5 * 20]
    outer(tf.constant([1.0]))
    assert sorted(float(v) for v in outer.losses) == [0.5 * 1, 0.5 * 4]


def test_add_loss_of_a_python_number_inside_call_is_a_float_tensor():
    class Constant(L.Layer):
        def call(self, x):
            self.add_loss(0.25)
            self.add_loss(np.float64(0.5))
            return x

    layer = Constant()
    layer(tf.constant([1.0]))
    losses = layer.losses
    assert [float(v) for v in losses] == [0.25, 0.5]
    assert all(v.dtype == tf.float32 and v.shape == () for v in losses)


def test_add_loss_refuses_a_loss_that_is_not_a_scalar():
    class Bad(L.Layer):
        def call(self, x):
            self.add_loss(x)
            return x

    with pytest.raises(ValueError, match="scalar.*reduce"):
        Bad()(tf.constant([1.0, 2.0]))


@pytest.mark.parametrize("base", [
    pytest.param(L.Layer, id="nested-layers"),
    pytest.param(tf.keras.Model, id="subclassed-model", marks=pytest.mark.stage3_task4),
])
def test_losses_are_collected_from_sublayers_depth_first(base):
    class Block(base):
        def __init__(self):
            super().__init__()
            self.scale = Scale(R.L1(0.5))
            self.penalty = ActivityPenalty(0.25)

        def call(self, x):
            return self.penalty(self.scale(x))

    class Net(base):
        def __init__(self):
            super().__init__()
            self.blocks = [Block(), Block()]

        def call(self, x):
            self.add_loss(tf.constant(1.0))
            for block in self.blocks:
                x = block(x)
            return x

    net = Net()
    x = tf.constant([[1.0, -2.0]])
    net(x)
    losses = [float(v) for v in net.losses]
    # the model's own loss, then layer by layer, depth first: each block's Scale
    # (its weight penalty), then its ActivityPenalty (its call loss)
    assert losses == [1.0, 0.5 * 2, 0.25 * 5, 0.5 * 2, 0.25 * 5]
    net(x)
    assert len(net.losses) == 5          # the second call replaced the first's
    assert [float(v) for v in net.blocks[0].losses] == [0.5 * 2, 0.25 * 5]


def test_base_layer_activity_regularizer_divides_by_the_batch_size(rng):
    x = rng.standard_normal((4, 3)).astype(np.float32)
    layer = L.Layer(activity_regularizer=R.L2(0.1))
    assert isinstance(layer.activity_regularizer, R.L2)
    layer(tf.constant(x))
    [loss] = layer.losses
    np.testing.assert_allclose(float(loss), 0.1 * np.square(x).sum() / 4, rtol=1e-5)
    layer.activity_regularizer = "l1"
    layer(tf.constant(x))
    np.testing.assert_allclose(float(layer.losses[0]), 0.01 * np.abs(x).sum() / 4,
                               rtol=1e-5)


def test_activity_regularizer_errors_name_the_layer():
    with pytest.raises(TypeError, match="act.*activity_regularizer"):
        L.Layer(name="act", activity_regularizer=lambda: 0)(tf.constant([[1.0]]))
    with pytest.raises(ValueError, match="Layer.*regularizer"):
        L.Layer(activity_regularizer="l3")


def test_a_failing_weight_regularizer_names_the_layer_and_weight():
    layer = Scale(lambda: 0.0, name="scaled")
    layer(tf.ones([1, 2]))
    with pytest.raises(TypeError, match="scaled.*regularizer of 'w'"):
        layer.losses


def test_base_config_carries_the_activity_regularizer():
    layer = L.Layer(name="a", activity_regularizer=R.L1(0.5))
    config = json.loads(json.dumps(layer.get_config()))
    assert config["activity_regularizer"] == {"class_name": "L1", "config": {"l1": 0.5}}
    copy = L.Layer.from_config(config)
    assert copy.activity_regularizer.get_config() == {"l1": 0.5}


# --- built-in layers -------------------------------------------------------------
@pytest.mark.stage3_task3
def test_dense_kernel_regularizer_is_its_loss_with_a_gradient(rng):
    layer = L.Dense(3, kernel_regularizer=R.L2(0.1))
    layer(tf.constant(rng.standard_normal((2, 4)).astype(np.float32)))
    kernel = layer.kernel.numpy()
    [loss] = layer.losses
    np.testing.assert_allclose(float(loss), 0.1 * np.square(kernel).sum(), rtol=1e-5)
    with tf.GradientTape() as tape:
        total = tf.add_n(layer.losses)
    grads = tape.gradient(total, [layer.kernel, layer.bias])
    np.testing.assert_allclose(grads[0].numpy(), 0.2 * kernel, rtol=1e-5)
    assert grads[1] is None              # the bias has no regularizer


@pytest.mark.stage3_task3
def test_dense_passes_every_option_to_its_weights_and_outputs(rng):
    x = rng.standard_normal((2, 4)).astype(np.float32)
    layer = L.Dense(3, kernel_regularizer="l2", bias_regularizer=R.L1(0.5),
                    activity_regularizer=R.L2(0.2), kernel_constraint="max_norm",
                    bias_constraint=C.NonNeg(), bias_initializer="ones")
    y = layer(tf.constant(x)).numpy()
    assert isinstance(layer.kernel.constraint, C.MaxNorm)
    assert isinstance(layer.bias.constraint, C.NonNeg)
    got = [float(v) for v in layer.losses]
    expected = [0.2 * np.square(y).sum() / 2, 0.01 * np.square(layer.kernel.numpy()).sum(),
                0.5 * 3]
    np.testing.assert_allclose(got, expected, rtol=1e-5)


@pytest.mark.stage3_task3
def test_dense_config_round_trips_its_regularizers_and_constraints(rng):
    layer = L.Dense(3, kernel_regularizer=R.L1L2(0.1, 0.2), bias_regularizer="l2",
                    activity_regularizer=R.L1(0.3), kernel_constraint=C.MaxNorm(1.5),
                    bias_constraint=C.UnitNorm())
    config = layer.get_config()
    assert config["kernel_regularizer"] == {"class_name": "L1L2",
                                            "config": {"l1": 0.1, "l2": 0.2}}
    assert config["kernel_constraint"] == {"class_name": "MaxNorm",
                                           "config": {"max_value": 1.5, "axis": 0}}
    copy = L.deserialize(json.loads(json.dumps(L.serialize(layer))))
    assert copy.get_config() == config
    x = tf.constant(rng.standard_normal((2, 4)).astype(np.float32))
    layer(x)
    copy(x)
    copy.set_weights(layer.get_weights())
    copy(x)
    np.testing.assert_allclose([float(v) for v in copy.losses],
                               [float(v) for v in layer.losses], rtol=1e-6)
    assert isinstance(copy.kernel.constraint, C.MaxNorm)
    assert L.Dense(2).get_config()["kernel_regularizer"] is None


@pytest.mark.stage3_task4
def test_losses_are_collected_through_sequential(rng):
    x = tf.constant(rng.standard_normal((5, 4)).astype(np.float32))
    model = tf.keras.Sequential([L.Dense(3, kernel_regularizer=R.L2(0.1)),
                                 ActivityPenalty(0.5),
                                 L.Dense(1, bias_regularizer=R.L1(0.2),
                                         bias_initializer="ones")])
    hidden = model.layers[0](x)
    model(x)
    expected = [0.1 * np.square(model.layers[0].kernel.numpy()).sum(),
                0.5 * np.square(hidden.numpy()).sum(), 0.2]
    np.testing.assert_allclose([float(v) for v in model.losses], expected, rtol=1e-5)
    with tf.GradientTape() as tape:
        total = tf.add_n(model.losses)
    grad = tape.gradient(total, model.layers[0].kernel)
    np.testing.assert_allclose(grad.numpy(), 0.2 * model.layers[0].kernel.numpy(), rtol=1e-5)


@pytest.mark.stage3_task6
@pytest.mark.parametrize("make", [L.BatchNormalization, L.LayerNormalization])
def test_normalization_layers_regularize_and_constrain_gamma_and_beta(make, rng):
    layer = make(gamma_regularizer=R.L2(0.5), beta_regularizer=R.L1(0.25),
                 gamma_constraint="non_neg", beta_constraint=C.MaxNorm(1.0))
    layer(tf.constant(rng.standard_normal((4, 3)).astype(np.float32)))
    np.testing.assert_allclose([float(v) for v in layer.losses], [0.5 * 3, 0.0])
    assert isinstance(layer.gamma.constraint, C.NonNeg)
    assert isinstance(layer.beta.constraint, C.MaxNorm)
    copy = L.deserialize(json.loads(json.dumps(L.serialize(layer))))
    assert copy.get_config() == layer.get_config()


@pytest.mark.stage3_task7
def test_embedding_regularizes_and_constrains_its_table():
    layer = L.Embedding(5, 2, embeddings_initializer="ones", embeddings_regularizer="l2",
                        embeddings_constraint="unit_norm", activity_regularizer=R.L1(1.0))
    layer(tf.constant([[0, 1, 1]]))
    np.testing.assert_allclose([float(v) for v in layer.losses], [6.0, 0.01 * 10], rtol=1e-6)
    assert isinstance(layer.embeddings.constraint, C.UnitNorm)
    copy = L.deserialize(json.loads(json.dumps(L.serialize(layer))))
    assert copy.get_config() == layer.get_config()


@pytest.mark.stage3_task7
@pytest.mark.parametrize("make", [L.SimpleRNN, L.LSTM, L.GRU])
def test_recurrent_layers_pass_options_to_the_cell_weights(make, rng):
    layer = make(2, kernel_regularizer=R.L2(0.1), recurrent_regularizer=R.L1(0.2),
                 bias_regularizer=R.L2(0.3), activity_regularizer=R.L2(0.4),
                 kernel_constraint="non_neg", recurrent_constraint=C.MaxNorm(1.0),
                 bias_constraint="unit_norm")
    x = tf.constant(rng.standard_normal((3, 4, 5)).astype(np.float32))
    y = layer(x).numpy()
    cell = layer.cell
    expected = [0.4 * np.square(y).sum() / 3, 0.1 * np.square(cell.kernel.numpy()).sum(),
                0.2 * np.abs(cell.recurrent_kernel.numpy()).sum(),
                0.3 * np.square(cell.bias.numpy()).sum()]
    np.testing.assert_allclose([float(v) for v in layer.losses], expected, rtol=1e-5)
    assert isinstance(cell.kernel.constraint, C.NonNeg)
    assert isinstance(cell.recurrent_kernel.constraint, C.MaxNorm)
    assert isinstance(cell.bias.constraint, C.UnitNorm)
    assert isinstance(layer.kernel_regularizer, R.L2)
    copy = L.deserialize(json.loads(json.dumps(L.serialize(layer))))
    assert copy.get_config() == layer.get_config()


@pytest.mark.parametrize("rate", [1.0, 0.5])
def test_min_max_norm_pulls_short_and_long_columns_into_the_range(rate):
    # Column norms 0.1 (raised towards 0.5), 0.6 (inside: kept) and 3.0 (lowered to 1.0).
    w = np.array([[0.1, 0.6, 3.0]], np.float32)
    got = C.MinMaxNorm(min_value=0.5, max_value=1.0, rate=rate)(tf.constant(w)).numpy()
    norms = np.abs(w)
    desired = rate * np.clip(norms, 0.5, 1.0) + (1 - rate) * norms
    np.testing.assert_allclose(got, w * desired / (EPSILON + norms), rtol=1e-5)
    assert np.allclose(np.abs(got)[0, 1], 0.6, rtol=1e-5)
