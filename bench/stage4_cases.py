"""Stage 4 cases: training an MNIST classifier, the input pipeline, checkpoints.

* One epoch of seed 004's classifier (784-128-10, relu, softmax cross-entropy,
  Adam) on the vendored MNIST training images at batch 128 and 32, four ways:
  hand-written NumPy forward, backward and Adam (the floor, "NumPy"), our
  ``Model.fit`` ("ours"), our hand-written ``GradientTape`` loop ("tape") and
  PyTorch CPU doing the same work with ``torch.optim.Adam`` ("PyTorch"). The
  four start from the same weights and are checked to take the same first steps.
* The input pipeline: one epoch of ``Dataset.from_tensor_slices((x, y))
  .shuffle(60000).batch(128)`` against slicing NumPy by hand with a permutation,
  and against the training epoch it feeds ("tape"): the pipeline should never be
  the bottleneck.
* A 50 MB model (13 float32 variables of 1M values) saved with
  ``Checkpoint.write`` (atomic: temporary files, fsync, rename) against a plain
  ``np.savez``, and read back with ``Checkpoint.read`` against ``np.load``.
"""

import atexit
import os
import shutil
import tempfile

import numpy as np

import peers
from cases import Case, Skip, Target, agree, build_or_skip

STAGE = 4
TITLE = "Stage 4: training (fit, the tape loop, Dataset, checkpoints)"

LR, BETA_1, BETA_2, EPSILON = 1e-3, 0.9, 0.999, 1e-7


def cases(quick=False):
    """The stage-4 cases, in the order they are reported."""
    import stage4_training as tf
    if not hasattr(tf.keras.optimizers, "Adam") or not hasattr(tf.data, "Dataset"):
        yield Skip("stage 4 cases", "stage4_training has no optimizers or Dataset yet")
        return
    torch = peers.torch()
    (x, y), _ = tf.keras.datasets.mnist.load_data()
    x = (x.reshape(-1, 784) / 255.0).astype(np.float32)
    y = y.astype(np.int64)
    if quick:
        x, y = x[:6000], y[:6000]
    repeat = 2 if quick else 3
    for batch, fit_limit, tape_limit in ((128, 1.2, 1.1), (32, None, None)):
        yield build_or_skip("MNIST epoch, 784-128-10 + Adam, batch %d" % batch,
                            lambda b=batch, f=fit_limit, t=tape_limit:
                            _epoch_case(tf, torch, x, y, b, f, t, repeat))
    yield build_or_skip("Dataset epoch: from_tensor_slices.shuffle(60000).batch(128)",
                        lambda: _dataset_case(tf, x, y, repeat))
    yield build_or_skip("Checkpoint write of a 50 MB model (atomic) vs np.savez",
                        lambda: _checkpoint_case(tf, repeat, read=False))
    yield build_or_skip("Checkpoint read of a 50 MB model vs np.load",
                        lambda: _checkpoint_case(tf, repeat, read=True))


def _initial_weights():
    rng = np.random.default_rng(4)
    limit1, limit2 = np.sqrt(6 / (784 + 128)), np.sqrt(6 / (128 + 10))
    return [rng.uniform(-limit1, limit1, (784, 128)).astype(np.float32), np.zeros(128, np.float32),
            rng.uniform(-limit2, limit2, (128, 10)).astype(np.float32), np.zeros(10, np.float32)]


def _numpy_trainer(x, y, batch):
    """One epoch of forward, backward and Adam in NumPy: the floor."""
    params = [w.copy() for w in _initial_weights()]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    step = [0]

    def train(steps=None):
        for start in range(0, len(x), batch)[:steps]:
            xb, yb = x[start:start + batch], y[start:start + batch]
            w1, b1, w2, b2 = params
            z1 = xb @ w1 + b1
            h = np.maximum(z1, 0)
            logits = h @ w2 + b2
            e = np.exp(logits - logits.max(axis=1, keepdims=True))
            d = e / e.sum(axis=1, keepdims=True)
            d[np.arange(len(yb)), yb] -= 1
            d /= np.float32(len(yb))
            dz1 = (d @ w2.T) * (z1 > 0)
            grads = [xb.T @ dz1, dz1.sum(axis=0), h.T @ d, d.sum(axis=0)]
            step[0] += 1
            t = step[0]
            rate = LR * np.sqrt(1 - BETA_2 ** t) / (1 - BETA_1 ** t)
            for p, g, mi, vi in zip(params, grads, m, v):
                mi += (g - mi) * (1 - BETA_1)
                vi += (g * g - vi) * (1 - BETA_2)
                p -= rate * mi / (np.sqrt(vi) + EPSILON)
        return params
    return train


def _ours_model(tf):
    model = tf.keras.Sequential([tf.keras.layers.Dense(128, activation="relu", input_shape=(784,)),
                                 tf.keras.layers.Dense(10)])
    model.set_weights(_initial_weights())
    return model


def _fit_trainer(tf, x, y, batch, run_eagerly=None):
    model = _ours_model(tf)
    model.compile(optimizer=tf.keras.optimizers.Adam(LR, epsilon=EPSILON),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  run_eagerly=run_eagerly)

    def train(steps=None):
        n = len(x) if steps is None else steps * batch
        model.fit(x[:n], y[:n], batch_size=batch, epochs=1, shuffle=False, verbose=0)
        return model.get_weights()
    return train


def _tape_trainer(tf, x, y, batch):
    model = _ours_model(tf)
    optimizer = tf.keras.optimizers.Adam(LR, epsilon=EPSILON)
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    batches = [(tf.constant(x[i:i + batch]), tf.constant(y[i:i + batch]))
               for i in range(0, len(x), batch)]

    def train(steps=None):
        for xb, yb in batches[:steps]:
            with tf.GradientTape() as tape:
                loss = loss_fn(yb, model(xb, training=True))
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return model.get_weights()
    return train


def _torch_trainer(torch, x, y, batch):
    net = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
    w1, b1, w2, b2 = _initial_weights()
    with torch.no_grad():
        for param, value in zip(net.parameters(), (w1.T, b1, w2.T, b2)):
            param.copy_(torch.from_numpy(np.ascontiguousarray(value)))
    optimizer = torch.optim.Adam(net.parameters(), lr=LR, eps=EPSILON)
    batches = [(torch.from_numpy(x[i:i + batch]), torch.from_numpy(y[i:i + batch]))
               for i in range(0, len(x), batch)]

    def train(steps=None):
        for xb, yb in batches[:steps]:
            optimizer.zero_grad()
            loss = torch.nn.functional.cross_entropy(net(xb), yb)
            loss.backward()
            optimizer.step()
        p = [t.detach().numpy() for t in net.parameters()]
        return [p[0].T, p[1], p[2].T, p[3]]
    return train


def _epoch_case(tf, torch, x, y, batch, fit_limit, tape_limit, repeat, traced=False):
    """``traced``: also "function", ``fit`` compiled with ``run_eagerly=False``
    (stage 5's traced steps), with no targets of its own (stage 5 adds them)."""
    trainers = {"numpy": _numpy_trainer, "ours": lambda *a: _fit_trainer(tf, *a),
                "tape": lambda *a: _tape_trainer(tf, *a)}
    if traced:
        trainers["function"] = lambda *a: _fit_trainer(tf, *a, run_eagerly=False)
    if torch:
        trainers["torch"] = lambda *a: _torch_trainer(torch, *a)
    # The same first three steps, from the same weights (fresh trainers: timing goes on
    # with its own), or the timings compare different work.
    first = {k: make(x, y, batch)(3) for k, make in trainers.items()}
    agree("mnist batch %d" % batch, {k: v for k, v in first.items() if k != "torch"},
          rtol=1e-3, atol=1e-5)
    if "torch" in first:
        # Adam moves a weight by about lr whatever the gradient's size, so where a gradient
        # is ~0 a different rounding (PyTorch adds epsilon after the bias correction) can
        # flip that step: PyTorch agrees to 2 lr.
        agree("mnist batch %d (PyTorch)" % batch, {"numpy": first["numpy"], "torch": first["torch"]},
              rtol=1e-3, atol=2 * LR)
    impls = {k: (lambda train=make(x, y, batch): train()) for k, make in trainers.items()}
    targets = []
    if fit_limit:
        targets.append(Target("ours", "torch", fit_limit,
                              "fit epoch at batch %d <= %.1fx PyTorch" % (batch, fit_limit)))
        targets.append(Target("tape", "torch", tape_limit,
                              "tape-loop epoch at batch %d <= %.1fx PyTorch" % (batch, tape_limit)))
    return Case("", impls, targets, repeat=repeat, min_time=0.0, warmup=0,
                notes=["%d images per epoch" % len(x)])


def _dataset_case(tf, x, y, repeat):
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(60000, seed=0).batch(128)
    rng = np.random.default_rng(0)

    def by_hand():
        order = rng.permutation(len(x))
        for start in range(0, len(x), 128):
            index = order[start:start + 128]
            x[index], y[index]

    def ours():
        for _ in dataset:
            pass

    train = _tape_trainer(tf, x, y, 128)
    impls = {"numpy": by_hand, "ours": ours, "tape": lambda: train()}
    return Case("", impls, [Target("ours", "tape", 0.05,
                                   "a shuffled-batch epoch <= 5% of the training epoch it feeds")],
                repeat=repeat, min_time=0.0, warmup=1)


def _checkpoint_case(tf, repeat, read):
    rng = np.random.default_rng(5)
    arrays = {"w%d" % i: rng.standard_normal(1_000_000).astype(np.float32) for i in range(13)}
    variables = {key: tf.Variable(value) for key, value in arrays.items()}
    checkpoint = tf.train.Checkpoint(**variables)
    folder = tempfile.mkdtemp(prefix="bench-ckpt-")
    prefix, npz = os.path.join(folder, "model"), os.path.join(folder, "plain.npz")
    checkpoint.write(prefix)
    np.savez(npz, **arrays)

    if read:
        def numpy_read():
            with np.load(npz, allow_pickle=False) as f:
                return {k: f[k] for k in f.files}

        def ours():
            checkpoint.read(prefix).assert_consumed()
        impls = {"numpy": numpy_read, "ours": ours}
        target = Target("ours", "numpy", 1.2, "checkpoint read <= 1.2x np.load")
    else:
        impls = {"numpy": lambda: np.savez(npz, **arrays), "ours": lambda: checkpoint.write(prefix)}
        target = Target("ours", "numpy", 1.5, "checkpoint write <= 1.5x np.savez")
    atexit.register(shutil.rmtree, folder, True)
    return Case("", impls, [target], repeat=repeat + 2, min_time=0.0, warmup=1,
                notes=["on the local disk (%s); np.savez does not fsync, the checkpoint "
                       "does" % os.path.dirname(folder)])
