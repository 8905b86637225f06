"""Task 8: the seeds' ``tf.function`` samples run with only the import line changed.

Seed 004 §"Using tf.function with Eager Execution" (``compute_sum``) and
§"MNIST Classifier with Eager Execution" with its ``@tf.function train_step``.
The seed code is copied as it is; only the data sizes are cut so the test stays
short, as the comments say.
"""

import numpy as np
import pytest

import stage5_gpu as tf

pytestmark = pytest.mark.stage5_task8


def test_seed004_compute_sum(capsys):
    @tf.function
    def compute_sum(a, b):
        return a + b
    a = tf.constant([1, 2, 3])
    b = tf.constant([4, 5, 6])
    result = compute_sum(a, b)
    print(result) # tf.Tensor([5 7 9], shape=(3,), dtype=int32)
    assert capsys.readouterr().out == "tf.Tensor([5 7 9], shape=(3,), dtype=int32)\n"


def test_seed004_mnist_classifier_with_tf_function(capsys):
    from stage5_gpu.keras import datasets, layers, models
    # Load and preprocess data
    (x_train, y_train), (x_test, y_test) = datasets.mnist.load_data()
    x_train, x_test = x_train / 255.0, x_test / 255.0
    # 3200 training and 1000 test images of the 70000 keep the test short.
    x_train, y_train, x_test, y_test = x_train[:3200], y_train[:3200], x_test[:1000], y_test[:1000]
    # Build model
    model = models.Sequential([
    layers.Flatten(input_shape=(28, 28)),
    layers.Dense(128, activation='relu'),
    layers.Dense(10, activation='softmax')
    ])
    # Custom training loop
    optimizer = tf.keras.optimizers.Adam(learning_rate=0.001)
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy()
    @tf.function
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

    lines = capsys.readouterr().out.splitlines()
    assert len(train_dataset) == 100 and int(optimizer.iterations) == 200
    assert train_step.experimental_get_tracing_count() == 1    # every batch is 32
    first, second = (float(line.rsplit(" ", 1)[1]) for line in lines[:2])
    assert second < first < 1.0
    assert float(accuracy.result()) > 0.85 and lines[2].startswith("Test accuracy: 0.")
