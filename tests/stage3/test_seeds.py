"""Task 8: the seeds' stage-3 samples run with only the import line changed.

Seed 003 §"Build a model" (and its "Train a model" blank-image call) and the
model parts of seed 004 §"MNIST Classifier".
"""

import numpy as np
import pytest

import stage3_layers as tf

pytestmark = pytest.mark.stage3_task8


# --- seed 003, "Build a model", verbatim ----------------------------------------------
class MySimpleLayer(tf.keras.layers.Layer):
  def __init__(self, output_units):
    self.output_units = output_units

  def build(self, input):
    # The build method gets called the first time your layer is used.
    # Creating variables on build() allows you to make their shape depend
    # on the input shape and hence remove the need for the user to specify
    # full shapes. It is possible to create variables during __init__() if
    # you already know their full shapes.
    self.kernel = self.add_variable(
      "kernel", [input.shape[-1], self.output_units])

  def call(self, input):
    # Override call() instead of __call__ so we can perform some bookkeeping.
    return tf.matmul(input, self.kernel)


class MNISTModel(tf.keras.Model):
  def __init__(self):
    super(MNISTModel, self).__init__()
    self.dense1 = tf.keras.layers.Dense(units=10)
    self.dense2 = tf.keras.layers.Dense(units=10)

  def call(self, input):
    """Run the model."""
    result = self.dense1(input)
    result = self.dense2(result)
    result = self.dense2(result)  # reuse variables from dense2 layer
    return result
# ---------------------------------------------------------------------------------------


def test_seed003_my_simple_layer():
    layer = MySimpleLayer(5)
    out = layer(tf.ones([3, 4]))
    assert out.shape == (3, 5)
    assert len(layer.variables) == 1 and layer.variables[0].shape == (4, 5)


def test_seed003_sequential():
    model = tf.keras.Sequential([
      tf.keras.layers.Dense(10, input_shape=(784,)),  # must declare input shape
      tf.keras.layers.Dense(10)
    ])
    assert model.built and len(model.variables) == 4
    assert model(tf.zeros([2, 784])).shape == (2, 10)


def test_seed003_mnist_model_and_blank_image(capsys):
    model = MNISTModel()
    # Create a tensor representing a blank image
    batch = tf.zeros([1, 1, 784])
    print(batch.shape)  # => (1, 1, 784)
    result = model(batch)
    print(result)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "(1, 1, 784)"
    assert out[1] == "tf.Tensor([[[0. 0. 0. 0. 0. 0. 0. 0. 0. 0.]]], shape=(1, 1, 10), dtype=float32)"
    np.testing.assert_array_equal(result.numpy(), np.zeros((1, 1, 10), np.float32))
    # dense2 is reused: its variables appear once.
    assert len(model.variables) == 4
    assert model.dense2.kernel.shape == (10, 10)


def test_seed003_gradients_of_the_model_variables():
    model = MNISTModel()
    rng = np.random.default_rng(0)
    images = rng.uniform(size=(8, 784)).astype(np.float32)
    labels = rng.integers(0, 10, size=8).astype(np.int32)

    def loss(model, x, y):
        prediction = model(x)
        return tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=y, logits=prediction))

    with tf.GradientTape() as tape:
        loss_value = loss(model, images, labels)
    grads = tape.gradient(loss_value, model.variables)
    assert [g.shape for g in grads] == [v.shape for v in model.variables]
    for g, v in zip(grads, model.variables):
        v.assign_sub(0.001 * g)          # the seed's learning rate
    assert float(loss(model, images, labels)) < float(loss_value)


def test_seed003_model_with_variables_as_attributes():
    class Model(tf.keras.Model):
      def __init__(self):
        super(Model, self).__init__()
        self.W = tf.Variable(5., name='weight')
        self.B = tf.Variable(10., name='bias')
      def predict(self, inputs):
        return inputs * self.W + self.B

    model = Model()
    assert [v.name for v in model.variables] == ["weight:0", "bias:0"]
    assert float(model.predict(tf.constant(2.0))) == 20.0


def test_seed004_mnist_classifier_model():
    from stage3_layers.keras import layers, models
    x_train = np.random.default_rng(0).integers(0, 256, size=(32, 28, 28)) / 255.0
    # Build model
    model = models.Sequential([
    layers.Flatten(input_shape=(28, 28)),
    layers.Dense(128, activation='relu'),
    layers.Dense(10, activation='softmax')
    ])
    predictions = model(x_train, training=True)
    assert predictions.shape == (32, 10) and predictions.dtype == tf.float32
    np.testing.assert_allclose(predictions.numpy().sum(axis=1), np.ones(32), rtol=1e-5)
    assert model.count_params() == 101770
    assert len(model.trainable_variables) == 4
    y = np.arange(32) % 10
    with tf.GradientTape() as tape:
        predictions = model(x_train, training=True)
        picked = tf.gather(predictions, y, axis=1, batch_dims=1)
        loss = -tf.reduce_mean(tf.math.log(picked))
    gradients = tape.gradient(loss, model.trainable_variables)
    assert all(g is not None and g.shape == v.shape
               for g, v in zip(gradients, model.trainable_variables))
    assert model(x_train, training=False).shape == (32, 10)
