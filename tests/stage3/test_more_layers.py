"""Task 3, more layers: activation layers, merge layers, Lambda and TimeDistributed.

Values against NumPy written out here, gradients against finite differences
(float64), configs through JSON, and errors that teach.
"""

import json

import numpy as np
import pytest

import stage3_layers as tf
from stage2_autodiff.testing import check_gradients
from tests.stage3.test_config import assert_same_layer, through_json

pytestmark = pytest.mark.stage3_task3

L = tf.keras.layers


# --- activation layers -----------------------------------------------------------
def _relu(x, max_value=None, negative_slope=0.0, threshold=0.0):
    out = np.where(x > threshold, x, negative_slope * (x - threshold))
    return out if max_value is None else np.minimum(out, max_value)


ACTIVATIONS = [
    (lambda: L.ReLU(), lambda x: np.maximum(x, 0)),
    (lambda: L.ReLU(max_value=1.0), lambda x: _relu(x, max_value=1.0)),
    (lambda: L.ReLU(negative_slope=0.2, threshold=0.5),
     lambda x: _relu(x, negative_slope=0.2, threshold=0.5)),
    (lambda: L.LeakyReLU(), lambda x: np.where(x > 0, x, 0.3 * x)),
    (lambda: L.LeakyReLU(alpha=0.1), lambda x: np.where(x > 0, x, 0.1 * x)),
    (lambda: L.ELU(), lambda x: np.where(x > 0, x, np.exp(x) - 1)),
    (lambda: L.ELU(alpha=0.5), lambda x: np.where(x > 0, x, 0.5 * (np.exp(x) - 1))),
    (lambda: L.Softmax(), lambda x: np.exp(x) / np.exp(x).sum(-1, keepdims=True)),
    (lambda: L.Softmax(axis=1), lambda x: np.exp(x) / np.exp(x).sum(1, keepdims=True)),
    (lambda: L.Softmax(axis=[1, 2]),
     lambda x: np.exp(x) / np.exp(x).sum((1, 2), keepdims=True)),
]


@pytest.mark.parametrize("make, reference", ACTIVATIONS)
def test_activation_layers_match_numpy_and_round_trip(rng, make, reference):
    x = rng.normal(size=(2, 3, 4)).astype(np.float32)
    layer = make()
    np.testing.assert_allclose(layer(x).numpy(), reference(x.astype(np.float64)),
                               rtol=1e-5, atol=1e-6)
    assert layer.weights == []
    assert_same_layer(layer, x)


@pytest.mark.parametrize("make", [lambda: L.ReLU(max_value=2.0, negative_slope=0.1),
                                  lambda: L.LeakyReLU(0.2), lambda: L.ELU(0.7),
                                  lambda: L.Softmax(axis=1), lambda: L.Softmax(axis=[1, 2])])
def test_activation_layers_gradients(layer_gradients, rng, make):
    x = rng.normal(size=(2, 3, 4)) * 2
    x[np.abs(x) < 0.05] = 0.3          # away from the kinks
    x[np.abs(x - 2.0) < 0.05] = 1.5
    layer = make()
    layer._dtype = "float64"
    layer_gradients(layer, x)


def test_prelu_learns_one_alpha_per_value_or_shared(rng, layer_gradients):
    x = rng.normal(size=(2, 4, 5, 3)).astype(np.float32)
    layer = L.PReLU(alpha_initializer=tf.keras.initializers.Constant(0.25))
    out = layer(x).numpy()
    assert tuple(layer.alpha.shape) == (4, 5, 3) and layer.alpha.name == "p_re_lu/alpha:0"
    np.testing.assert_allclose(out, np.where(x > 0, x, 0.25 * x), rtol=1e-6)
    shared = L.PReLU(shared_axes=[1, 2])
    shared(x)
    assert tuple(shared.alpha.shape) == (1, 1, 3)
    alpha = rng.uniform(0.1, 0.5, size=(1, 1, 3)).astype(np.float32)
    shared.set_weights([alpha])
    np.testing.assert_allclose(shared(x).numpy(), np.where(x > 0, x, alpha * x), rtol=1e-6)
    copy = assert_same_layer(shared, x)
    assert copy.shared_axes == [1, 2]
    grads_x = rng.normal(size=(2, 3, 4))
    grads_x[np.abs(grads_x) < 0.05] = 0.5
    layer_gradients(L.PReLU(shared_axes=[1], alpha_initializer="ones", dtype="float64"),
                    grads_x)


def test_activation_layer_errors_teach():
    with pytest.raises(ValueError, match=r"ReLU.*max_value cannot be negative"):
        L.ReLU(max_value=-1.0)
    with pytest.raises(ValueError, match=r"ReLU.*negative_slope cannot be negative"):
        L.ReLU(negative_slope=-0.1)
    with pytest.raises(ValueError, match=r"ReLU.*threshold must be a number"):
        L.ReLU(threshold=None)
    with pytest.raises(ValueError, match=r"LeakyReLU.*alpha must be a number"):
        L.LeakyReLU(alpha=None)
    with pytest.raises(ValueError, match=r"Softmax.*axis must be an int"):
        L.Softmax(axis="last")
    for axis in (3, 2, -3):             # 2 and -3: just past the ends
        with pytest.raises(ValueError, match=r"softmax.*axis %d is out of range.*rank 2"
                           % axis):
            L.Softmax(axis=axis)(tf.zeros([2, 3]))
    with pytest.raises(ValueError, match=r"PReLU.*shared_axes.*ints >= 1"):
        L.PReLU(shared_axes=[0])
    with pytest.raises(ValueError, match=r"PReLU.*shared_axes.*axis 3.*only axes 1..2"):
        L.PReLU(shared_axes=[3])(tf.zeros([2, 3, 4]))


def test_prelu_is_built_for_the_sizes_of_the_axes_it_does_not_share():
    # Keras: after the first call, a PReLU takes only inputs whose sizes match
    # the axes its alpha covers; an axis in shared_axes may change size.
    shared = L.PReLU(shared_axes=[1])
    shared(tf.zeros([2, 4, 3]))
    assert tuple(shared.alpha.shape) == (1, 3)
    assert shared(tf.zeros([5, 7, 3])).shape == (5, 7, 3)
    with pytest.raises(ValueError, match=r"incompatible.*axis 2.*value 3.*\(2, 4, 7\)"):
        shared(tf.zeros([2, 4, 7]))
    plain = L.PReLU()
    plain(tf.zeros([2, 4, 3]))
    with pytest.raises(ValueError, match=r"incompatible.*axis 1.*value 4.*\(2, 5, 3\)"):
        plain(tf.zeros([2, 5, 3]))


def test_softmax_and_prelu_take_the_first_and_the_last_axis(rng):
    # Keras: axis=-rank is the first axis; shared_axes may name the last one.
    x = rng.normal(size=(3, 4)).astype(np.float32)
    np.testing.assert_allclose(L.Softmax(axis=-2)(x).numpy(),
                               np.exp(x) / np.exp(x).sum(0, keepdims=True), rtol=1e-5)
    y = rng.normal(size=(2, 3, 4)).astype(np.float32)
    layer = L.PReLU(shared_axes=[2], alpha_initializer=tf.keras.initializers.Constant(0.5))
    np.testing.assert_allclose(layer(y).numpy(), np.where(y > 0, y, 0.5 * y), rtol=1e-6)
    assert tuple(layer.alpha.shape) == (3, 1)


# --- merge layers -------------------------------------------------------------------
MERGES = [
    (L.Add, lambda xs: sum(xs)), (L.Multiply, lambda xs: np.prod(xs, axis=0)),
    (L.Average, lambda xs: np.mean(xs, axis=0)), (L.Maximum, lambda xs: np.max(xs, axis=0)),
    (L.Minimum, lambda xs: np.min(xs, axis=0)),
]


@pytest.mark.parametrize("cls, reference", MERGES)
def test_elementwise_merges_match_numpy_with_gradients(rng, cls, reference):
    xs = [rng.normal(size=(2, 3, 4)) for _ in range(3)]
    layer = cls()
    got = layer([x.astype(np.float32) for x in xs]).numpy()
    np.testing.assert_allclose(got, reference(xs), rtol=1e-5, atol=1e-6)
    assert type(through_json(layer)) is cls
    functional = getattr(L, cls.__name__.lower())
    np.testing.assert_allclose(functional([tf.constant(x) for x in xs]).numpy(),
                               reference(xs), rtol=1e-5, atol=1e-6)
    check_gradients(lambda a, b, c: cls(dtype="float64")([a, b, c]), xs)


def test_subtract_takes_two_and_sizes_of_one_broadcast(rng):
    a, b = rng.normal(size=(2, 3)), rng.normal(size=(2, 1))
    np.testing.assert_allclose(L.Subtract(dtype="float64")([a, b]).numpy(), a - b)
    check_gradients(lambda a, b: L.subtract([a, b], dtype="float64"), [a, b])
    with pytest.raises(ValueError, match=r"subtract.*exactly 2 inputs, got 3"):
        L.Subtract()([a, a, a])


@pytest.mark.parametrize("axis", [-1, 1, 0])
def test_concatenate_matches_numpy_with_gradients(rng, axis):
    shapes = {-1: [(2, 3, 1), (2, 3, 4)], 1: [(2, 1, 4), (2, 2, 4)], 0: [(1, 3, 4), (2, 3, 4)]}
    xs = [rng.normal(size=s) for s in shapes[axis]]
    layer = L.Concatenate(axis=axis, dtype="float64")
    np.testing.assert_allclose(layer(xs).numpy(), np.concatenate(xs, axis=axis))
    assert through_json(layer).axis == axis
    check_gradients(lambda a, b: L.concatenate([a, b], axis=axis, dtype="float64"), xs)


def test_concatenate_along_the_first_axis_counted_from_the_end(rng):
    xs = [rng.normal(size=(1, 3)).astype(np.float32), rng.normal(size=(2, 3)).astype(np.float32)]
    np.testing.assert_array_equal(L.Concatenate(axis=-2)(xs).numpy(), np.concatenate(xs, 0))


def test_merge_errors_teach():
    with pytest.raises(ValueError, match=r"'add'.*list of tensors.*Add\(\)\(\[x1, x2\]\)"):
        L.Add()(tf.zeros([2, 3]))
    with pytest.raises(ValueError, match=r"'add_1'.*at least 2 inputs, got 1"):
        L.Add()([tf.zeros([2, 3])])
    with pytest.raises(ValueError, match=r"multiply.*same shape.*\(2, 3\), \(2, 4\)"):
        L.Multiply()([tf.zeros([2, 3]), tf.zeros([2, 4])])
    with pytest.raises(ValueError, match=r"maximum.*same shape.*\(2, 3\), \(2, 3, 1\)"):
        L.Maximum()([tf.zeros([2, 3]), tf.zeros([2, 3, 1])])
    with pytest.raises(ValueError, match=r"concatenat.*matching shapes except for the "
                                         r"concatenation axis \(axis=-1\).*\(2, 3\), \(3, 3\)"):
        L.Concatenate()([tf.zeros([2, 3]), tf.zeros([3, 3])])
    with pytest.raises(ValueError, match=r"Concatenate: axis must be an int"):
        L.Concatenate(axis="0")
    # every axis but the concatenation axis must match, the last one included
    with pytest.raises(ValueError, match=r"matching shapes except for the concatenation "
                                         r"axis \(axis=1\).*\(2, 3, 4\), \(2, 3, 5\)"):
        L.Concatenate(axis=1)([tf.zeros([2, 3, 4]), tf.zeros([2, 3, 5])])
    for axis in (2, -3):                # just past the ends of rank 2
        with pytest.raises(ValueError, match=r"matching shapes except for the concatenation "
                                             r"axis \(axis=%d\)" % axis):
            L.Concatenate(axis=axis)([tf.zeros([2, 3]), tf.zeros([2, 3])])
    with pytest.raises(ValueError, match=r"'add_\d+'.*one dtype, got float32, int32"):
        L.Add()([tf.zeros([2]), tf.zeros([2], tf.int32)])


def test_a_residual_block_merges_inside_a_layer_of_yours(rng):
    class Residual(L.Layer):
        def __init__(self):
            super().__init__()
            self.dense = L.Dense(4, kernel_initializer="zeros", bias_initializer="ones")

        def call(self, x):
            return L.add([x, self.dense(x)])

    x = rng.normal(size=(3, 4)).astype(np.float32)
    np.testing.assert_allclose(Residual()(x).numpy(), x + 1, rtol=1e-6)


# --- Lambda -------------------------------------------------------------------------
def cube(x):
    return x ** 3


def scaled(x, factor=1.0):
    return x * factor


def test_lambda_runs_its_function_with_arguments(rng):
    x = rng.normal(size=(2, 3)).astype(np.float32)
    np.testing.assert_allclose(L.Lambda(cube)(x).numpy(), x ** 3, rtol=1e-6)
    layer = L.Lambda(scaled, arguments={"factor": 3.0})
    np.testing.assert_allclose(layer(x).numpy(), 3 * x, rtol=1e-6)
    assert layer.weights == []
    check_gradients(lambda v: L.Lambda(cube, dtype="float64")(v), [x.astype(np.float64)])
    summed = L.Lambda(tf.reduce_sum, arguments={"axis": 1})
    np.testing.assert_allclose(summed(x).numpy(), x.sum(1), rtol=1e-6)


def test_lambda_output_shape():
    assert tuple(L.Lambda(cube, output_shape=(3,)).compute_output_shape((5, 3))) == (5, 3)
    halve = L.Lambda(lambda x: x[:, :2], output_shape=lambda s: (s[0], 2))
    assert tuple(halve.compute_output_shape((5, 4))) == (5, 2)
    assert tuple(L.Lambda(lambda x: x[:, :2]).compute_output_shape((5, 4))) == (5, 2)


def test_lambda_saves_a_named_function_by_name_and_finds_it_only_by_name(rng):
    layer = L.Lambda(scaled, arguments={"factor": 2.0}, output_shape=(3,))
    data = json.loads(json.dumps(L.serialize(layer)))
    assert data["config"]["function"] == "scaled"
    assert data["config"]["arguments"] == {"factor": 2.0}
    copy = L.deserialize(data, custom_objects={"scaled": scaled})
    assert copy.function is scaled and copy.arguments == {"factor": 2.0}
    assert copy.output_shape == (3,)
    with pytest.raises(ValueError, match=r"unknown function 'scaled'.*custom_objects"):
        L.deserialize(data)
    builtin = json.loads(json.dumps(L.serialize(L.Lambda(tf.nn.relu))))
    assert L.deserialize(builtin).function is tf.nn.relu


def test_lambda_refuses_to_save_a_python_lambda_and_never_loads_code():
    with pytest.raises(ValueError, match=r"Python lambda.*cannot be saved.*bytecode.*def"):
        L.Lambda(lambda x: x + 1).get_config()
    keras_style = {"class_name": "Lambda", "config": {
        "name": "lambda", "function": ["4wEAAAAAAAAA", None, None], "function_type": "lambda",
        "arguments": {}, "output_shape": None, "output_shape_type": "raw"}}
    with pytest.raises(ValueError, match=r"stores its function as code.*never runs code"):
        L.deserialize(keras_style)


def test_lambda_errors_teach():
    with pytest.raises(TypeError, match=r"Lambda: function must be callable"):
        L.Lambda("cube")
    with pytest.raises(TypeError, match=r"Lambda: arguments must be a dict"):
        L.Lambda(cube, arguments=[1])
    with pytest.raises(TypeError, match=r"Lambda: output_shape must be a shape"):
        L.Lambda(cube, output_shape="3")


# --- TimeDistributed ----------------------------------------------------------------
def test_time_distributed_applies_one_dense_to_every_step(rng, layer_gradients):
    x = rng.normal(size=(2, 5, 3)).astype(np.float32)
    layer = L.TimeDistributed(L.Dense(4))
    out = layer(x).numpy()
    kernel, bias = layer.get_weights()
    assert kernel.shape == (3, 4) and len(layer.weights) == 2
    np.testing.assert_allclose(out, x @ kernel + bias, rtol=1e-5, atol=1e-6)
    assert [v.name for v in layer.weights] == ["time_distributed/dense/kernel:0",
                                               "time_distributed/dense/bias:0"]
    copy = assert_same_layer(layer, x)
    assert type(copy.layer) is L.Dense and copy.layer.units == 4
    layer_gradients(L.TimeDistributed(L.Dense(2, dtype="float64"), dtype="float64"),
                    rng.normal(size=(2, 3, 2, 3)))


def test_time_distributed_errors_teach():
    with pytest.raises(TypeError, match=r"TimeDistributed wraps a layer.*Dense\(8\)"):
        L.TimeDistributed("dense")
    with pytest.raises(ValueError, match=r"time_distributed.*min_ndim=3.*\(batch, time, \.\.\.\)"):
        L.TimeDistributed(L.Dense(2))(tf.zeros([2, 3]))


def test_prelu_shares_alpha_over_the_named_axes():
    layer = tf.keras.layers.PReLU(shared_axes=[1, 2])
    out = layer(tf.constant(-np.ones((2, 4, 5, 3), np.float32)))
    assert tuple(layer.alpha.shape) == (1, 1, 3)
    assert tuple(out.shape) == (2, 4, 5, 3)


def test_merge_layers_broadcast_sizes_of_one_and_refuse_other_mismatches():
    out = tf.keras.layers.Add()([tf.ones([2, 3]), tf.ones([2, 1])])
    np.testing.assert_allclose(out.numpy(), np.full((2, 3), 2.0))
    with pytest.raises(ValueError, match="same shape"):
        tf.keras.layers.Add()([tf.ones([2, 3]), tf.ones([2, 2])])


def test_softmax_refuses_an_axis_equal_to_the_rank_naming_the_layer():
    layer = tf.keras.layers.Softmax(axis=2, name="probs")
    with pytest.raises(ValueError, match="'probs'.*out of range"):
        layer(tf.ones([2, 3]))
