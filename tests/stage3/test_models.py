"""Task 2: Sequential and Model (subclassing, summary)."""

import numpy as np
import pytest

import stage3_layers as tf
from tests.stage3.test_seeds import MNISTModel

pytestmark = pytest.mark.stage3_task4


def summary_text(model):
    lines = []
    model.summary(print_fn=lines.append)
    return "\n".join(lines)


def test_sequential_with_input_shape_is_built_at_once():
    model = tf.keras.Sequential([
        tf.keras.layers.Dense(10, input_shape=(784,)),
        tf.keras.layers.Dense(10),
    ])
    assert model.built and len(model.variables) == 4
    assert summary_text(model) == """\
Model: "sequential"
_________________________________________________________________
Layer (type)                 Output Shape              Param #
=================================================================
dense (Dense)                (None, 10)                7850
_________________________________________________________________
dense_1 (Dense)              (None, 10)                110
=================================================================
Total params: 7,960
Trainable params: 7,960
Non-trainable params: 0
_________________________________________________________________"""


def test_sequential_add_pop_and_lazy_build():
    model = tf.keras.Sequential(name="stack")
    model.add(tf.keras.layers.Dense(4, activation="relu"))
    model.add(tf.keras.layers.Dense(2))
    assert not model.built
    with pytest.raises(ValueError, match="has not been built yet.*model.build"):
        model.summary()
    out = model(np.ones((3, 5), dtype=np.float32))
    assert out.shape == (3, 2) and model.built
    assert [layer.name for layer in model.layers] == ["dense", "dense_1"]
    model.pop()
    assert len(model.layers) == 1
    with pytest.raises(TypeError, match="expects a keras layer"):
        model.add("dense")


@pytest.mark.stage3_task6
def test_sequential_with_input_layer_and_nonlayers_counts():
    model = tf.keras.Sequential([tf.keras.Input(shape=(4, 4, 1)),
                                 tf.keras.layers.Conv2D(2, 3, padding="same"),
                                 tf.keras.layers.BatchNormalization(),
                                 tf.keras.layers.Flatten(),
                                 tf.keras.layers.Dense(3)])
    text = summary_text(model)
    assert "conv2d (Conv2D)              (None, 4, 4, 2)           20" in text
    assert "batch_normalization (BatchNo (None, 4, 4, 2)           8" in text
    assert "flatten (Flatten)            (None, 32)                0" in text
    assert "Total params: 127" in text
    assert "Trainable params: 123" in text and "Non-trainable params: 4" in text
    assert len(model.layers) == 4


def test_subclassed_model_summary_before_and_after_build():
    model = MNISTModel()
    with pytest.raises(ValueError, match="not been built yet.*call it on a batch"):
        model.summary()
    model(tf.zeros([2, 784]))
    text = summary_text(model)
    assert text.splitlines()[0] == 'Model: "mnist_model"'
    assert "dense (Dense)                (None, 10)                7850" in text
    assert "dense_1 (Dense)              (None, 10)                110" in text
    assert "Total params: 7,960" in text


def test_model_build_runs_the_model_on_zeros():
    model = MNISTModel()
    model.build((None, 784))
    assert model.built and len(model.trainable_variables) == 4
    assert model.layers[0].kernel.shape == (784, 10)


def test_output_shape_multiple_when_a_layer_sees_different_shapes():
    class Reuse(tf.keras.Model):
        def __init__(self):
            super().__init__()
            self.flat = tf.keras.layers.Flatten()

        def call(self, x):
            return self.flat(x), self.flat(tf.concat([x, x], axis=1))

    model = Reuse()
    model(tf.ones([1, 2, 2]))
    assert "flatten (Flatten)            multiple                  0" in summary_text(model)


def test_get_layer_and_a_model_of_non_symbolic_tensors_is_refused():
    model = tf.keras.Sequential([tf.keras.layers.Dense(2, name="a"),
                                 tf.keras.layers.Dense(1, name="b")])
    assert model.get_layer("b").name == "b" and model.get_layer(index=0).name == "a"
    with pytest.raises(ValueError, match="no layer named 'c'"):
        model.get_layer("c")
    with pytest.raises(TypeError, match="must be a KerasTensor"):
        tf.keras.Model(inputs=1, outputs=2)


def test_sequential_passes_training_to_its_layers():
    model = tf.keras.Sequential([tf.keras.layers.Dropout(0.5)])
    x = tf.ones([4, 50])
    assert np.all(model(x).numpy() == 1.0)
    assert set(np.unique(model(x, training=True).numpy())) <= {0.0, 2.0}


def test_models_nest_and_train_end_to_end():
    inner = tf.keras.Sequential([tf.keras.layers.Dense(8, activation="tanh")])

    class Outer(tf.keras.Model):
        def __init__(self):
            super().__init__()
            self.body = inner
            self.head = tf.keras.layers.Dense(1)

        def call(self, x):
            return self.head(self.body(x))

    model = Outer()
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 3)).astype(np.float32)
    y = (x @ np.array([[1.0], [-2.0], [0.5]], dtype=np.float32))
    losses = []
    for _ in range(60):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(x) - y))
        grads = tape.gradient(loss, model.trainable_variables)
        for v, g in zip(model.trainable_variables, grads):
            v.assign_sub(0.1 * g)
        losses.append(float(loss))
    assert len(model.trainable_variables) == 4
    assert losses[-1] < 0.2 * losses[0]


def test_pop_keeps_a_built_model_built_for_the_layers_left():
    # Keras: popping a layer of a built model leaves it built (its summary and
    # output are those of the layers left); popping the last one unbuilds it.
    model = tf.keras.Sequential([tf.keras.Input(shape=(3,)),
                                 tf.keras.layers.Dense(4, name="a"),
                                 tf.keras.layers.Dense(2, name="b")])
    model.pop()
    assert model.built and [layer.name for layer in model.layers] == ["a"]
    text = summary_text(model)
    assert "a (Dense)                    (None, 4)                 16" in text
    assert "Total params: 16" in text
    assert model(tf.ones([2, 3])).shape == (2, 4)
    model.pop()
    assert model.layers == [] and not model.built
    with pytest.raises(TypeError):
        model.pop()


def test_summary_of_a_model_with_an_unused_layer_and_of_one_without_layers():
    class Partly(tf.keras.Model):
        def __init__(self):
            super().__init__()
            self.used = tf.keras.layers.Dense(2)
            self.unused = tf.keras.layers.Dense(3)

        def call(self, x):
            return self.used(x)

    model = Partly()
    model(tf.ones([1, 4]))
    lines = summary_text(model).splitlines()
    # Keras shows a layer that call() never used with 0 parameters ("0 (unused)").
    [row] = [line for line in lines if line.startswith("dense_1 (Dense)")]
    assert row.split()[-1] == "0" or row.endswith("0 (unused)")
    assert "Total params: 10" in lines

    class Double(tf.keras.Model):
        def call(self, x):
            return x * 2.0

    empty = Double()
    empty(tf.ones([1, 2]))
    text = summary_text(empty)
    assert "Total params: 0" in text and "Trainable params: 0" in text
