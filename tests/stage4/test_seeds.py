"""Task 10: the seeds' stage-4 samples run with only the import line changed, and
reproduce what the seeds say they print.

Seed 003 §"Train a model" (the MNIST loop with ``GradientDescentOptimizer`` and
``minimize``), §"Variables and optimizers" (the 2000-point regression reaching
W≈3, B≈2), §"Object-based saving", §"Object-oriented metrics" and §"Summaries
and TensorBoard"; seed 004 §"Linear Regression" and §"MNIST Classifier" (run
eagerly: ``@tf.function`` is stage 5's, so the decorator line is left out).
The seed code is copied as it is (two-space indents and all); only the data
sizes are cut where a full run would take minutes, as the comments say.
"""

import glob
import os

import numpy as np
import pytest

import stage4_training as tf

pytestmark = pytest.mark.stage4_task10

tfe = tf.contrib.eager


@pytest.fixture(scope="module")
def mnist():
    return tf.keras.datasets.mnist.load_data()


def _events(logdir):
    """(tag, step, value) of every scalar in the event files under ``logdir``, read
    by TensorBoard's own reader."""
    from tensorboard.backend.event_processing import event_accumulator
    accumulator = event_accumulator.EventAccumulator(
        logdir, size_guidance={event_accumulator.SCALARS: 0, event_accumulator.TENSORS: 0})
    accumulator.Reload()
    found = []
    for tag in accumulator.Tags().get("scalars", []):
        found += [(tag, e.step, e.value) for e in accumulator.Scalars(tag)]
    from tensorboard.util import tensor_util
    for tag in accumulator.Tags().get("tensors", []):
        found += [(tag, e.step, float(tensor_util.make_ndarray(e.tensor_proto)))
                  for e in accumulator.Tensors(tag)]
    return sorted(found, key=lambda event: event[1])


# --- seed 003, "Variables and optimizers" -------------------------------------------
def test_seed003_regression_with_gradient_descent_reaches_w3_b2(capsys):
    global_step = tf.train.get_or_create_global_step()
    start = int(global_step)

    class Model(tf.keras.Model):
      def __init__(self):
        super(Model, self).__init__()
        self.W = tfe.Variable(5., name='weight')
        self.B = tfe.Variable(10., name='bias')
      def predict(self, inputs):
        return inputs * self.W + self.B

    # A toy dataset of points around 3 * x + 2
    NUM_EXAMPLES = 2000
    training_inputs = tf.random_normal([NUM_EXAMPLES])
    noise = tf.random_normal([NUM_EXAMPLES])
    training_outputs = training_inputs * 3 + 2 + noise

    # The loss function to be optimized
    def loss(model, inputs, targets):
      error = model.predict(inputs) - targets
      return tf.reduce_mean(tf.square(error))

    def grad(model, inputs, targets):
      with tf.GradientTape() as tape:
        loss_value = loss(model, inputs, targets)
      return tape.gradient(loss_value, [model.W, model.B])

    model = Model()
    optimizer = tf.train.GradientDescentOptimizer(learning_rate=0.01)

    print("Initial loss: {:.3f}".format(loss(model, training_inputs, training_outputs)))

    # Training loop
    for i in range(300):
      grads = grad(model, training_inputs, training_outputs)
      optimizer.apply_gradients(zip(grads, [model.W, model.B]),
                                global_step=tf.train.get_or_create_global_step())
      if i % 20 == 0:
        print("Loss at step {:03d}: {:.3f}".format(i, loss(model, training_inputs, training_outputs)))

    print("Final loss: {:.3f}".format(loss(model, training_inputs, training_outputs)))
    print("W = {}, B = {}".format(model.W.numpy(), model.B.numpy()))

    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 + 15 + 2
    assert lines[0].startswith("Initial loss: ") and lines[1].startswith("Loss at step 000: ")
    losses = [float(line.rsplit(":", 1)[1]) for line in lines[:-1]]
    assert losses[0] > 50                                   # the seed: 69.066
    assert all(b <= a for a, b in zip(losses[1:-1], losses[2:-1]))   # it only goes down
    assert 0.8 < losses[-1] < 1.2                           # the noise's variance, as the seed's 0.996
    assert abs(float(model.W) - 3) < 0.1 and abs(float(model.B) - 2) < 0.1
    assert int(global_step) == start + 300                  # apply_gradients counted each step


# --- seed 003, "Train a model" (MNIST, TF-1 optimizer) ------------------------------
def test_seed003_mnist_training_loop_lowers_the_loss(mnist, capsys):
    (images, labels), _ = mnist
    # The seed's dataset.train('./datasets') gives flat float images and int labels;
    # 2000 of them (not 60000) and 2 passes keep the test short.
    images = (images[:2000].reshape(-1, 784) / 255.0).astype(np.float32)
    labels = labels[:2000].astype(np.int32)
    dataset_train = (tf.data.Dataset.from_tensor_slices((images, labels))
                     .shuffle(2000, seed=0).repeat(2).batch(32))
    model = tf.keras.Sequential([
      tf.keras.layers.Dense(10, input_shape=(784,)),  # must declare input shape
      tf.keras.layers.Dense(10)
    ])

    def loss(model, x, y):
      prediction = model(x)
      return tf.losses.sparse_softmax_cross_entropy(labels=y, logits=prediction)

    def grad(model, inputs, targets):
      with tf.GradientTape() as tape:
        loss_value = loss(model, inputs, targets)
      return tape.gradient(loss_value, model.variables)

    optimizer = tf.train.GradientDescentOptimizer(learning_rate=0.1)  # the seed: 0.001 for 7500 steps

    x, y = iter(dataset_train).next()
    print("Initial loss: {:.3f}".format(loss(model, x, y)))
    initial = float(loss(model, x, y))
    assert x.shape == (32, 784) and y.shape == (32,)

    # Training loop
    for (i, (x, y)) in enumerate(dataset_train):
      # Calculate derivatives of the input function with respect to its parameters.
      grads = grad(model, x, y)
      # Apply the gradient to the model
      optimizer.apply_gradients(zip(grads, model.variables),
                                global_step=tf.train.get_or_create_global_step())
      if i % 200 == 0:
        print("Loss at step {:04d}: {:.3f}".format(i, loss(model, x, y)))

    print("Final loss: {:.3f}".format(loss(model, x, y)))
    assert i == 4000 // 32 - 1       # repeat(2) before batch(32): 4000 elements, 125 batches
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "Initial loss", "Loss at step 0000", "Final loss"]

    # minimize() is equivalent to the grad() and apply_gradients() calls.
    before = float(tf.train.get_or_create_global_step())
    for (i, (x, y)) in enumerate(dataset_train.take(20)):
      optimizer.minimize(lambda: loss(model, x, y),
                         global_step=tf.train.get_or_create_global_step())
    assert float(tf.train.get_or_create_global_step()) == before + 20
    full = tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=model(images))
    assert initial > 2.0 and float(full) < 0.8 * initial


# --- seed 003, "Object-based saving" ------------------------------------------------
def test_seed003_checkpoint_of_one_variable(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    x = tfe.Variable(10.)

    checkpoint = tfe.Checkpoint(x=x)  # save as "x"

    x.assign(2.)   # Assign a new value to the variables and save.
    save_path = checkpoint.save('./ckpt/')

    x.assign(11.)  # Change the variable after saving.

    # Restore values from the checkpoint
    checkpoint.restore(save_path)

    print(x)  # => 2.0
    assert float(x) == 2.0
    assert os.path.isdir(tmp_path / "ckpt")


def test_seed003_checkpoint_of_model_optimizer_and_step(tmp_path):
    def make():
        model = tf.keras.Sequential([tf.keras.layers.Dense(4, activation="relu"),
                                     tf.keras.layers.Dense(2)])
        return model, tf.train.AdamOptimizer(learning_rate=0.001)

    data = np.random.default_rng(0).normal(size=(8, 3)).astype(np.float32)

    def step(model, optimizer):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(data)))
        grads = tape.gradient(loss, model.variables)
        optimizer.apply_gradients(zip(grads, model.variables),
                                  global_step=tf.train.get_or_create_global_step())

    model, optimizer = make()
    for _ in range(3):
        step(model, optimizer)
    checkpoint_dir = str(tmp_path / "model_dir")
    checkpoint_prefix = os.path.join(checkpoint_dir, "ckpt")
    root = tfe.Checkpoint(optimizer=optimizer,
                          model=model,
                          optimizer_step=tf.train.get_or_create_global_step())

    root.save(file_prefix=checkpoint_prefix)
    saved_step = int(tf.train.get_or_create_global_step())
    expected = model(data).numpy()

    fresh_model, fresh_optimizer = make()
    tf.train.get_or_create_global_step().assign(0)
    root = tfe.Checkpoint(optimizer=fresh_optimizer,
                          model=fresh_model,
                          optimizer_step=tf.train.get_or_create_global_step())
    root.restore(tf.train.latest_checkpoint(checkpoint_dir))
    assert int(tf.train.get_or_create_global_step()) == saved_step
    np.testing.assert_allclose(fresh_model(data).numpy(), expected, rtol=1e-6)
    # The optimizer's state came back too: one more step each lands on the same weights.
    step(model, optimizer)
    step(fresh_model, fresh_optimizer)
    for a, b in zip(fresh_model.variables, model.variables):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6)


# --- seed 003, "Object-oriented metrics" --------------------------------------------
def test_seed003_metrics_mean():
    m = tfe.metrics.Mean("loss")
    m(0)
    m(5)
    assert float(m.result()) == 2.5  # => 2.5
    m([8, 9])
    assert float(m.result()) == 5.5  # => 5.5


# --- seed 003, "Summaries and TensorBoard" ------------------------------------------
def test_seed003_summaries_every_100_global_steps(tmp_path):
    logdir = str(tmp_path / "logs")
    iterations = 300
    loss = 0.5

    writer = tf.contrib.summary.create_file_writer(logdir)
    global_step=tf.train.get_or_create_global_step()  # return global step var
    start = int(global_step)

    writer.set_as_default()

    for _ in range(iterations):
      global_step.assign_add(1)
      # Must include a record_summaries method
      with tf.contrib.summary.record_summaries_every_n_global_steps(100):
        # your model code goes here
        tf.contrib.summary.scalar('loss', loss)

    writer.flush()
    events = _events(logdir)
    expected = [s for s in range(start + 1, start + iterations + 1) if s % 100 == 0]
    assert [step for _, step, _ in events] == expected
    assert all(tag == "loss" and value == pytest.approx(0.5) for tag, _, value in events)
    assert glob.glob(os.path.join(logdir, "events.out.tfevents.*"))


# --- seed 004, "Linear Regression with Eager Execution" -----------------------------
def test_seed004_linear_regression(capsys):
    # Constants: Input data
    x_train = tf.constant([1.0, 2.0, 3.0, 4.0, 5.0], dtype=tf.float32)
    y_train = tf.constant([2.0, 4.0, 6.0, 8.0, 10.0], dtype=tf.float32) # y = 2x
    # Variables: Trainable parameters
    w = tf.Variable(0.0, dtype=tf.float32)
    b = tf.Variable(0.0, dtype=tf.float32)
    # Model
    def model(x):
        return w * x + b
    # Loss function
    def loss_fn(y_pred, y_true):
        return tf.reduce_mean(tf.square(y_pred - y_true))
    # Optimizer
    optimizer = tf.keras.optimizers.SGD(learning_rate=0.01)
    # Training loop
    for epoch in range(100):
        with tf.GradientTape() as tape:
            y_pred = model(x_train)
            loss = loss_fn(y_pred, y_train)
        gradients = tape.gradient(loss, [w, b])
        optimizer.apply_gradients(zip(gradients, [w, b]))
        if epoch % 10 == 0:
            print(f"Epoch {epoch}, Loss: {loss:.4f}, w: {w.numpy():.4f}, b: {b.numpy():.4f}")
    # Final parameters
    print(f"Learned w: {w.numpy():.4f}, b: {b.numpy():.4f}") # Approx. w=2, b=0

    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 11 and lines[0] == "Epoch 0, Loss: 44.0000, w: 0.4400, b: 0.1200"
    # The same 100 steps in NumPy (float32), so the printed values are exact.
    wn, bn, x, y = np.float32(0), np.float32(0), x_train.numpy(), y_train.numpy()
    for _ in range(100):
        error = wn * x + bn - y
        wn, bn = (wn - np.float32(0.01) * np.mean(2 * error * x, dtype=np.float32),
                  bn - np.float32(0.01) * np.mean(2 * error, dtype=np.float32))
    assert lines[-1] == f"Learned w: {wn:.4f}, b: {bn:.4f}"
    assert abs(float(w) - 2) < 0.15 and abs(float(b)) < 0.4     # "Approx. w=2, b=0"
    assert int(optimizer.iterations) == 100


# --- seed 004, "MNIST Classifier with Eager Execution" ------------------------------
def test_seed004_mnist_classifier(mnist, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    from stage4_training.keras import datasets, layers, models
    # Load and preprocess data
    (x_train, y_train), (x_test, y_test) = datasets.mnist.load_data()
    x_train, x_test = x_train / 255.0, x_test / 255.0
    # 4000 training and 1000 test images of the 70000 keep the test short.
    x_train, y_train, x_test, y_test = x_train[:4000], y_train[:4000], x_test[:1000], y_test[:1000]
    # Build model
    model = models.Sequential([
    layers.Flatten(input_shape=(28, 28)),
    layers.Dense(128, activation='relu'),
    layers.Dense(10, activation='softmax')
    ])
    # Custom training loop
    optimizer = tf.keras.optimizers.Adam(learning_rate=0.001)
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy()
    # (the seed decorates this with @tf.function, which stage 5 adds)
    def train_step(x, y):
        with tf.GradientTape() as tape:
            predictions = model(x, training=True)
            loss = loss_fn(y, predictions)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        return loss
    # Training
    batch_size = 32
    train_dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train)).batch(batch_size).shuffle(10000)
    test_dataset = tf.data.Dataset.from_tensor_slices((x_test, y_test)).batch(batch_size)
    for epoch in range(2):
        total_loss = 0
        for x_batch, y_batch in train_dataset:
            loss = train_step(x_batch, y_batch)
            total_loss += loss
        print(f"Epoch {epoch+1}, Loss: {total_loss.numpy()/len(train_dataset):.4f}")
    # Evaluation
    accuracy = tf.keras.metrics.SparseCategoricalAccuracy()
    for x_batch, y_batch in test_dataset:
        predictions = model(x_batch, training=False)
        accuracy.update_state(y_batch, predictions)
    print(f"Test accuracy: {accuracy.result().numpy():.4f}")
    # Save model
    model.save('mnist_model')

    lines = capsys.readouterr().out.splitlines()
    assert len(train_dataset) == 125 and int(optimizer.iterations) == 250
    first, second = (float(line.rsplit(" ", 1)[1]) for line in lines[:2])
    assert second < first < 1.0
    assert float(accuracy.result()) > 0.88 and lines[2].startswith("Test accuracy: 0.")
    loaded = tf.keras.models.load_model('mnist_model')
    np.testing.assert_allclose(loaded.predict(x_test[:64], verbose=0),
                               model(x_test[:64]).numpy(), rtol=1e-5, atol=1e-7)
