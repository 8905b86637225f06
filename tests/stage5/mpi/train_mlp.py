"""Trains the MNIST MLP for a few steps, with or without MPI, and saves what it ends with.

    python train_mlp.py OUT MODE            one process (the reference)
    mpiexec -n 2 python train_mlp.py OUT MODE

MODE is ``fit`` (``model.fit`` under ``strategy.scope()``), ``fit_traced`` (the
same, compiled with ``run_eagerly=False``: each step a traced graph), ``loop`` (a custom
loop: ``experimental_distribute_dataset``, ``strategy.run``, ``apply_gradients``)
or ``function`` (the same loop with its step traced by ``tf.function``: the
gradients' all-reduce becomes a node of the graph).
Every rank seeds ``tf.random`` differently (rank 0 like the single process), so
equal weights on every rank show that the variables were mirrored from rank 0.
Writes ``OUT/rank<r>.npz`` (the weights), ``OUT/rank<r>.json`` (losses, metrics)
and, in the fit modes, ``OUT/predict<r>.npy`` (``predict`` of the first 101 rows).
"""

import json
import os
import sys

import numpy as np

import stage5_gpu as tf

GLOBAL_BATCH, STEPS, ROWS = 64, 8, 512


def data():
    (x, y), _ = tf.keras.datasets.mnist.load_data()
    x = x[:ROWS].reshape(ROWS, 784).astype("float32") / 255.0
    return x, y[:ROWS].astype("int64")


class Counting(tf.keras.Sequential):
    """Counts the rows its (eager) predict steps see: under a strategy, a shard."""
    rows_predicted = 0

    def predict_step(self, data):
        x = data[0] if isinstance(data, tuple) else data
        self.rows_predicted += int(x.shape[0])
        return super().predict_step(data)


def model():
    return Counting([
        tf.keras.layers.Dense(128, activation="relu", input_shape=(784,)),
        tf.keras.layers.Dense(10),
    ])


def main(out, mode, distributed):
    strategy = (tf.distribute.MultiWorkerMirroredStrategy() if distributed
                else tf.distribute.get_strategy())
    rank = strategy.cluster_resolver.task_id if distributed else 0
    tf.random.set_seed(1234 + 1000 * rank)          # rank 0 as the single process
    x, y = data()
    report = {"replicas": strategy.num_replicas_in_sync}
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    with strategy.scope():
        net = model()
        optimizer = tf.keras.optimizers.Adam(1e-3)
        if mode in ("fit", "fit_traced"):
            net.compile(optimizer=optimizer, loss=loss_fn, metrics=["accuracy"],
                        run_eagerly=mode == "fit")
    if mode in ("fit", "fit_traced"):
        history = net.fit(x, y, batch_size=GLOBAL_BATCH, epochs=2, shuffle=True, verbose=2)
        report["history"] = {k: [float(v) for v in vs] for k, vs in history.history.items()}
        report["evaluate"] = [float(v) for v in net.evaluate(x, y, batch_size=100, verbose=0)]
        # 101 rows in batches of 30, 30, 30 and 11: shards of 15/15 and 6/5 rows
        np.save(os.path.join(out, "predict%d.npy" % rank),
                net.predict(x[:101], batch_size=30, verbose=0))
        report["rows_predicted"] = net.rows_predicted
    else:
        dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(GLOBAL_BATCH).take(STEPS)
        losses = []

        def step(images, labels):
            with tf.GradientTape() as tape:
                per_example = tf.keras.losses.sparse_categorical_crossentropy(
                    labels, net(images), from_logits=True)
                loss = tf.nn.compute_average_loss(per_example, global_batch_size=GLOBAL_BATCH)
            grads = tape.gradient(loss, net.trainable_variables)
            optimizer.apply_gradients(zip(grads, net.trainable_variables))
            return loss

        if mode == "function":
            step = tf.function(step)
        for images, labels in strategy.experimental_distribute_dataset(dataset):
            per_replica = strategy.run(step, args=(images, labels))
            losses.append(float(strategy.reduce("SUM", per_replica, axis=None)))
        report["losses"] = losses
    report["device"] = net.trainable_variables[0].device     # GPU:0 where there is one
    np.savez(os.path.join(out, "rank%d.npz" % rank),
             *[v.numpy() for v in net.trainable_variables])
    with open(os.path.join(out, "rank%d.json" % rank), "w") as file:
        json.dump(report, file)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], distributed=len(sys.argv) < 4 or sys.argv[3] != "single")
