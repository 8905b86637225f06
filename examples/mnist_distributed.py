"""Trains the MNIST MLP on several processes, one replica each.

    OMP_NUM_THREADS=1 .venv/bin/mpiexec -n 2 .venv/bin/python examples/mnist_distributed.py

The same script runs as one process (``python examples/mnist_distributed.py``);
with N processes each trains on 1/N of every batch of 256 and the replicas
stay identical. Only rank 0 prints, and only rank 0 writes the checkpoint.
"""

import os
import sys
import tempfile

import stage5_gpu as tf


def main(epochs=2, rows=8192):
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    (x, y), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
    x = x[:rows].reshape(-1, 784).astype("float32") / 255.0
    x_test = x_test.reshape(-1, 784).astype("float32") / 255.0
    tf.random.set_seed(0)
    with strategy.scope():
        model = tf.keras.Sequential([
            tf.keras.layers.Dense(128, activation="relu", input_shape=(784,)),
            tf.keras.layers.Dense(10),
        ])
        model.compile(optimizer=tf.keras.optimizers.Adam(1e-3), metrics=["accuracy"],
                      loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(x, y[:rows], batch_size=256, epochs=epochs, verbose=2)
    loss, accuracy = model.evaluate(x_test, y_test, batch_size=1000, verbose=0)
    folder = os.environ.get("CHECKPOINT_DIR") or tempfile.gettempdir()
    path = tf.train.Checkpoint(model=model).save(os.path.join(folder, "mnist-ddp"))
    if strategy.cluster_resolver.task_id == 0:
        print("%d replicas: test accuracy %.4f (loss %.4f); checkpoint %s"
              % (strategy.num_replicas_in_sync, accuracy, loss, path))


if __name__ == "__main__":
    main(epochs=int(sys.argv[1]) if len(sys.argv) > 1 else 2)
