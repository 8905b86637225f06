"""Training tf.Modules with a GradientTape, as TensorFlow's "Basic training loops"
guide does (its code, with only the import changed)."""

import pytest

import stage2_autodiff as tf

pytestmark = pytest.mark.stage2_task4


def test_the_basic_training_loop_on_a_module_fits_a_line():
    class MyModel(tf.Module):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.w = tf.Variable(5.0)
            self.b = tf.Variable(0.0)

        def __call__(self, x):
            return self.w * x + self.b

    tf.random.set_seed(1)
    x = tf.random.normal(shape=[1000])
    y = x * 3.0 + 2.0 + tf.random.normal(shape=[1000]) * 0.1
    model = MyModel()
    assert model.name == "my_model" and len(model.variables) == 2
    for _ in range(200):
        with tf.GradientTape() as t:
            current_loss = tf.reduce_mean(tf.square(y - model(x)))
        dw, db = t.gradient(current_loss, [model.w, model.b])
        model.w.assign_sub(0.1 * dw)
        model.b.assign_sub(0.1 * db)
    assert abs(float(model.w) - 3.0) < 0.05 and abs(float(model.b) - 2.0) < 0.05


class SimpleModule(tf.Module):
    def __init__(self, name=None):
        super().__init__(name=name)
        self.a_variable = tf.Variable(5.0, name="train_me")
        self.non_trainable_variable = tf.Variable(5.0, trainable=False, name="do_not_train_me")

    def __call__(self, x):
        return self.a_variable * x + self.non_trainable_variable


def test_gradients_reach_a_modules_trainable_variables():
    model = SimpleModule()
    with tf.GradientTape() as tape:
        y = model(tf.constant(3.0))
    grads = tape.gradient(y, model.trainable_variables)
    assert [float(g) for g in grads] == [3.0]
