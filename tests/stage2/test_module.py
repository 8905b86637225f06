"""tf.Module and tf.name_scope, as TensorFlow's "Introduction to modules" and
"Basic training loops" guides use them (the guides' code, with only the import
changed), plus the rules a user can observe: naming, sorted attribute order,
nested structures, sharing, cycles and errors."""

import numpy as np
import pytest

import stage2_autodiff as tf

pytestmark = pytest.mark.stage2_task1


class SimpleModule(tf.Module):
    def __init__(self, name=None):
        super().__init__(name=name)
        self.a_variable = tf.Variable(5.0, name="train_me")
        self.non_trainable_variable = tf.Variable(5.0, trainable=False, name="do_not_train_me")

    def __call__(self, x):
        return self.a_variable * x + self.non_trainable_variable


class Dense(tf.Module):
    def __init__(self, in_features, out_features, name=None):
        super().__init__(name=name)
        self.w = tf.Variable(tf.random.normal([in_features, out_features]), name="w")
        self.b = tf.Variable(tf.zeros([out_features]), name="b")

    def __call__(self, x):
        y = tf.matmul(x, self.w) + self.b
        return tf.nn.relu(y)


class SequentialModule(tf.Module):
    def __init__(self, name=None):
        super().__init__(name=name)
        self.dense_1 = Dense(in_features=3, out_features=3)
        self.dense_2 = Dense(in_features=3, out_features=2)

    def __call__(self, x):
        x = self.dense_1(x)
        return self.dense_2(x)


def test_the_guides_simple_module():
    simple_module = SimpleModule(name="simple")
    assert float(simple_module(tf.constant(5.0))) == 30.0
    assert [v.name for v in simple_module.trainable_variables] == ["train_me:0"]
    # sorted attribute names: a_variable before non_trainable_variable
    assert [v.name for v in simple_module.variables] == ["train_me:0", "do_not_train_me:0"]
    assert [v.name for v in simple_module.non_trainable_variables] == ["do_not_train_me:0"]
    assert isinstance(simple_module.variables, tuple)


def test_the_guides_sequential_module_finds_its_submodules_and_their_variables():
    tf.random.set_seed(0)
    my_model = SequentialModule(name="the_model")
    assert my_model.name == "the_model"
    assert my_model.submodules == (my_model.dense_1, my_model.dense_2)
    assert [v.name for v in my_model.variables] == ["b:0", "w:0", "b:0", "w:0"]
    first, second = my_model.dense_1, my_model.dense_2
    assert my_model.variables == (first.b, first.w, second.b, second.w)
    x = np.array([[2.0, 2.0, 2.0]], np.float32)
    hidden = np.maximum(x @ first.w.numpy() + first.b.numpy(), 0)
    expected = np.maximum(hidden @ second.w.numpy() + second.b.numpy(), 0)
    np.testing.assert_allclose(my_model(x).numpy(), expected, rtol=1e-6)


def test_nested_structures_are_walked_with_dict_keys_sorted():
    m = tf.Module(name="holder")
    m.things = {"z": tf.Variable(1.0, name="z"), "a": [tf.Variable(2.0, name="a0"),
                                                      (tf.Variable(3.0, name="a1"),)]}
    m.child = tf.Module(name="child")
    m.child.v = tf.Variable(4.0, name="v")
    assert [v.name for v in m.variables] == ["a0:0", "a1:0", "z:0", "v:0"]
    assert [sub.name for sub in m.submodules] == ["child"]


def test_a_variable_or_module_reached_twice_is_listed_once_and_cycles_end():
    shared = tf.Variable(1.0, name="shared")
    a, b = tf.Module(name="a"), tf.Module(name="b")
    a.v, a.other = shared, b
    b.v, b.back = shared, a          # a cycle
    assert a.variables == (shared,)
    assert a.submodules == (b,)


def test_submodules_lists_every_descendant_direct_ones_first():
    root = tf.Module(name="root")
    root.left, root.right = tf.Module(name="left"), tf.Module(name="right")
    root.left.deep = tf.Module(name="deep")
    assert [m.name for m in root.submodules] == ["left", "right", "deep"]


def test_module_names_come_from_the_class_and_must_be_identifiers():
    class ResidualBlockV2(tf.Module):
        pass
    assert ResidualBlockV2().name == "residual_block_v2"
    assert tf.Module().name == "module"
    with pytest.raises(ValueError, match="not a valid module name"):
        tf.Module(name="my module")
    with pytest.raises(ValueError, match="not a valid module name"):
        tf.Module(name="1st")


def test_name_scopes_name_variables():
    with tf.name_scope("outer") as scope:
        assert scope == "outer/"
        with tf.name_scope("inner") as inner:
            assert inner == "outer/inner/"
            assert tf.Variable(1.0, name="w").name == "outer/inner/w:0"
        assert tf.Variable(1.0).name == "outer/Variable:0"
    assert tf.Variable(1.0, name="w").name == "w:0"
    with tf.name_scope("outer"):
        with tf.name_scope("again/"):        # a full prefix: exactly that scope
            assert tf.Variable(1.0, name="w").name == "again/w:0"
    with pytest.raises(TypeError, match="string"):
        tf.name_scope(3)


def test_a_modules_name_scope_and_with_name_scope():
    class Lazy(tf.Module):
        @tf.Module.with_name_scope
        def __call__(self, x):
            if not hasattr(self, "w"):
                self.w = tf.Variable(tf.ones_like(x), name="w")
            return self.w * x

    with tf.name_scope("net"):
        model = Lazy(name="lazy")
    out = model(tf.constant([1.0, 2.0]))       # called outside "net": the scope is kept
    assert model.w.name == "net/lazy/w:0"
    np.testing.assert_allclose(out.numpy(), [1.0, 2.0])
    with model.name_scope:
        assert tf.Variable(0.0, name="extra").name == "net/lazy/extra:0"
