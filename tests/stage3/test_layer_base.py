"""Task 1: the Layer base class — lazy build, add_weight, tracking, training=."""

import numpy as np
import pytest

import stage3_layers as tf
from tests.stage3.test_seeds import MySimpleLayer   # the seed's layer, verbatim

pytestmark = pytest.mark.stage3_task2


class Scale(tf.keras.layers.Layer):
    def build(self, input_shape):
        self.w = self.add_weight("w", shape=[input_shape[-1]], initializer="ones")
        self.built_with = tuple(input_shape)

    def call(self, x):
        return x * self.w


def test_build_happens_on_first_call_with_the_input_shape():
    layer = Scale()
    assert not layer.built and layer.weights == []
    layer(tf.ones([5, 3]))
    assert layer.built and layer.built_with == (5, 3)
    assert [tuple(v.shape) for v in layer.weights] == [(3,)]
    w = layer.w
    layer(tf.ones([7, 3]))           # any batch size, same variable
    assert layer.w is w and len(layer.weights) == 1


def test_seed_simple_layer_without_super_init():
    layer = MySimpleLayer(4)
    out = layer(tf.ones([2, 3]))
    assert out.shape == (2, 4)
    assert [v.name for v in layer.variables] == ["my_simple_layer/kernel:0"]
    assert layer.trainable_variables[0] is layer.kernel
    np.testing.assert_allclose(out.numpy(), np.ones((2, 3)) @ layer.kernel.numpy(), rtol=1e-6)


def test_add_weight_options():
    layer = tf.keras.layers.Layer(name="box")
    a = layer.add_weight("a", shape=(2, 3), initializer="zeros")
    b = layer.add_weight("b", shape=(), initializer=tf.keras.initializers.Constant(3.0),
                         trainable=False)
    c = layer.add_weight("c", shape=[2], dtype="int32")
    d = layer.add_weight("d", shape=[1], initializer=lambda shape, dtype: tf.ones(shape, dtype))
    assert a.name == "box/a:0" and a.dtype == tf.float32 and a.trainable
    assert float(b) == 3.0 and not b.trainable
    assert c.dtype == tf.int32 and c.numpy().tolist() == [0, 0]
    assert d.numpy().tolist() == [1.0]
    assert layer.trainable_weights == [a, c, d]
    assert layer.non_trainable_weights == [b]
    assert layer.weights == [a, c, d, b]


class Block(tf.keras.layers.Layer):
    def __init__(self):
        super().__init__()
        self.stack = [tf.keras.layers.Dense(3), tf.keras.layers.Dense(3)]
        self.heads = {"a": tf.keras.layers.Dense(2)}
        self.extra = []
        self.scale = tf.Variable(2.0, name="scale")

    def call(self, x):
        for layer in self.stack:
            x = layer(x)
        for layer in self.extra:
            x = layer(x)
        return self.heads["a"](x) * self.scale


@pytest.mark.stage3_task3
def test_tracking_lists_dicts_late_appends_and_attribute_variables():
    block = Block()
    block.extra.append(tf.keras.layers.Dense(3))      # appended after assignment
    block(tf.ones([1, 4]))
    names = [v.name for v in block.trainable_variables]
    assert names[0] == "scale:0"
    assert len(names) == 1 + 4 * 2
    assert len(block.submodules) == 4


@pytest.mark.stage3_task4
def test_nested_models_and_reuse_share_variables():
    shared = tf.keras.layers.Dense(4)

    class Twice(tf.keras.Model):
        def __init__(self):
            super().__init__()
            self.first = shared
            self.second = shared
            self.inner = tf.keras.Sequential([tf.keras.layers.Dense(4)])

        def call(self, x):
            return self.inner(self.second(self.first(x)))

    model = Twice()
    model(tf.ones([2, 4]))
    assert len(model.variables) == 4     # shared kernel+bias once, inner kernel+bias
    assert len({id(v) for v in model.variables}) == 4
    assert model.variables[0] is shared.kernel


@pytest.mark.stage3_task4
def test_trainable_false_freezes_layer_and_sublayers():
    model = tf.keras.Sequential([tf.keras.layers.Dense(3), tf.keras.layers.Dense(2)])
    model(tf.ones([1, 2]))
    model.layers[0].trainable = False
    assert len(model.trainable_variables) == 2 and len(model.non_trainable_variables) == 2
    model.trainable = False
    assert model.trainable_variables == [] and len(model.non_trainable_variables) == 4
    assert all(not layer.trainable for layer in model.layers)
    model.trainable = True
    assert len(model.trainable_variables) == 4
    with tf.GradientTape() as tape:
        model.layers[1].trainable = False
        loss = tf.reduce_sum(model(tf.ones([1, 2])))
    grads = tape.gradient(loss, model.trainable_variables)
    assert len(grads) == 2 and all(g is not None for g in grads)


class Probe(tf.keras.layers.Layer):
    def call(self, x, training=None):
        self.seen = training
        return x


@pytest.mark.stage3_task4
def test_training_is_passed_down_to_sublayers():
    probe = Probe()

    class Outer(tf.keras.Model):
        def __init__(self):
            super().__init__()
            self.probe = probe

        def call(self, x):                 # no training argument here
            return self.probe(x)

    outer = Outer()
    outer(tf.ones([1]), training=True)
    assert probe.seen is True
    outer(tf.ones([1]), training=False)
    assert probe.seen is False
    outer(tf.ones([1]))
    assert probe.seen is None
    probe(tf.ones([1]), training=True)
    assert probe.seen is True


@pytest.mark.stage3_task3
def test_get_and_set_weights():
    layer = tf.keras.layers.Dense(2)
    layer(tf.ones([1, 3]))
    weights = layer.get_weights()
    assert [w.shape for w in weights] == [(3, 2), (2,)]
    layer.set_weights([np.ones((3, 2)), np.full(2, 0.5)])
    np.testing.assert_allclose(layer(tf.ones([1, 3])).numpy(), [[3.5, 3.5]])
    with pytest.raises(ValueError, match="set_weights got 1 arrays but the layer has 2"):
        layer.set_weights([np.ones((3, 2))])
    with pytest.raises(ValueError, match=r"dense/kernel:0 has shape \(3, 2\).*\(2, 3\)"):
        layer.set_weights([np.ones((2, 3)), np.ones(2)])


@pytest.mark.stage3_task3
def test_incompatible_shape_names_layer_expected_and_received():
    layer = tf.keras.layers.Dense(10)
    layer(tf.zeros([1, 784]))
    with pytest.raises(ValueError, match=r"layer 'dense'.*value 784.*shape \(1, 100\)"):
        layer(tf.zeros([1, 100]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="min_ndim=2"):
        layer(tf.zeros([784]))


def test_custom_layer_shape_error_mentions_build_shape():
    layer = MySimpleLayer(3)
    layer(tf.zeros([2, 4]))
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"'my_simple_layer'.*built for inputs of shape \(None, 4\)"
                             r".*received shape \(2, 5\).*matmul"):
        layer(tf.zeros([2, 5]))


def test_call_returning_none_explains():
    class Forgetful(tf.keras.layers.Layer):
        def call(self, x):
            x * 2

    with pytest.raises(ValueError, match="returned None.*forget a `return`"):
        Forgetful()(tf.ones([1]))


@pytest.mark.stage3_task3
def test_inputs_are_converted_and_floats_autocast():
    layer = tf.keras.layers.Dense(2)
    out = layer(np.ones((2, 3)))                    # float64 NumPy array
    assert out.dtype == tf.float32
    out = layer([[1.0, 2.0, 3.0]])
    assert out.dtype == tf.float32 and out.shape == (1, 2)
    double = tf.keras.layers.Dense(2, dtype="float64")
    assert double(tf.ones([1, 3])).dtype == tf.float64
    assert double.kernel.dtype == tf.float64


def test_unknown_constructor_argument_is_a_type_error():
    with pytest.raises(TypeError, match="unexpected keyword argument 'unit'"):
        tf.keras.layers.Dense(3, unit=4)


def test_names_are_unique_per_class():
    names = [tf.keras.layers.Dense(1).name for _ in range(3)]
    assert names == ["dense", "dense_1", "dense_2"]
    assert tf.keras.layers.BatchNormalization().name == "batch_normalization"
    assert tf.keras.layers.Dense(1, name="head").name == "head"


@pytest.mark.stage3_task4
def test_weight_names_follow_the_call_scope():
    class MyModel(tf.keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = tf.keras.layers.Dense(2)

        def call(self, x):
            return self.dense(x)

    model = MyModel()
    model(tf.ones([1, 2]))
    assert [v.name for v in model.variables] == ["my_model/dense/kernel:0",
                                                 "my_model/dense/bias:0"]


@pytest.mark.stage3_task3
def test_count_params_needs_a_build():
    layer = tf.keras.layers.Dense(3)
    with pytest.raises(ValueError, match="not built yet"):
        layer.count_params()
    layer(tf.ones([1, 4]))
    assert layer.count_params() == 15


def test_gradients_reach_custom_layer_weights(layer_gradients):
    class Affine(tf.keras.layers.Layer):
        def build(self, shape):
            self.w = self.add_weight("w", [shape[-1], 2])
            self.b = self.add_weight("b", [2], initializer="random_normal")

        def call(self, x):
            return tf.tanh(tf.matmul(x, self.w) + self.b)

    rng = np.random.default_rng(0)
    layer_gradients(Affine(dtype="float64"), rng.normal(size=(3, 4)))


def test_a_layer_is_a_tf_module():
    # Keras layers are tf.Modules: a tf.Module holding layers finds their variables,
    # and a layer has a name_scope.
    dense = tf.keras.layers.Layer(name="head")
    dense.kernel = dense.add_weight("kernel", shape=[3, 2])
    dense.bias = dense.add_weight("bias", shape=[2], initializer="zeros")
    assert isinstance(dense, tf.Module)
    holder = tf.Module(name="holder")
    holder.head = dense
    assert holder.submodules == (dense,)
    assert set(id(v) for v in holder.variables) == {id(dense.kernel), id(dense.bias)}
    with dense.name_scope:
        assert tf.Variable(1.0, name="extra").name == "head/extra:0"


class Pair(tf.keras.layers.Layer):
    """A layer of the base class alone holding custom sublayers in a list and a dict."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.parts = [Scale(), Scale()]
        self.heads = {"out": Scale()}

    def build(self, input_shape):
        self.offset = self.add_weight("offset", shape=[input_shape[-1]], initializer="zeros")
        self.count = self.add_weight("count", shape=(), initializer="zeros", trainable=False)

    def call(self, x):
        for part in self.parts:
            x = part(x)
        return self.heads["out"](x) + self.offset


def test_nested_custom_layers_list_their_own_weights_then_their_sublayers():
    pair = Pair()
    pair(tf.ones([2, 3]))
    def ids(variables):
        return [id(v) for v in variables]
    inner = [pair.parts[0].w, pair.parts[1].w, pair.heads["out"].w]
    assert ids(pair.trainable_weights) == ids([pair.offset] + inner)
    assert ids(pair.non_trainable_weights) == ids([pair.count])
    assert ids(pair.weights) == ids([pair.offset] + inner + [pair.count])
    assert len(pair.submodules) == 3
    # Keras: a frozen layer lists its own weights first, then its sublayers'.
    pair.trainable = False
    assert pair.trainable_weights == []
    assert ids(pair.non_trainable_weights) == ids([pair.offset, pair.count] + inner)


def test_set_weights_of_nested_custom_layers_goes_in_the_weights_order():
    pair = Pair()
    x = tf.constant([[1.0, 2.0, 3.0]])
    pair(x)
    values = [np.array([0.5, 0.0, -1.0]), np.full(3, 2.0), np.array([1.0, 2.0, 3.0]),
              np.full(3, -1.0), np.array(7.0)]
    pair.set_weights(values)
    for got, want in zip(pair.get_weights(), values):
        np.testing.assert_array_equal(got, want.astype(np.float32))
    expected = np.array([1.0, 2.0, 3.0]) * 2.0 * np.array([1.0, 2.0, 3.0]) * -1.0 \
        + np.array([0.5, 0.0, -1.0])
    np.testing.assert_allclose(pair(x).numpy(), [expected])
    with pytest.raises(ValueError):
        pair.set_weights(values[:-1])
    with pytest.raises(ValueError):
        pair.set_weights([np.zeros(4)] + values[1:])
