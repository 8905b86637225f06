"""Stage 3 cases: a training step's forward+backward through Keras-style layers.

* A 784-128-10 MLP (Dense+relu, Dense, softmax cross-entropy) at batch 32 and
  256: a few big matmuls, so the layers and the tape should cost little over
  the hand-written NumPy forward+backward (the "NumPy" column, the floor).
* A small CNN (two 3x3 Conv2D layers with 32 channels and relu, then Flatten and
  Dense(10)) on 28x28x1 images at batch 32: convolution kernels dominate; the
  floor is a hand-written NumPy im2col forward+backward.

All implementations start from the same weights (PyTorch's are transposed to
its layouts) and their losses and gradients are checked to agree.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

import peers
from cases import Case, Skip, Target, agree, build_or_skip

STAGE = 3
TITLE = "Stage 3: layers, forward + backward of a training step"

CNN_BATCH, CNN_SIZE, CNN_FILTERS, CNN_CLASSES = 32, 28, 32, 10


def cases(quick=False):
    """The stage-3 cases, in the order they are reported."""
    import stage3_layers as tf
    if not hasattr(getattr(tf, "keras", None), "layers"):
        yield Skip("stage 3 cases", "stage3_layers has no keras.layers yet")
        return
    torch = peers.torch()
    repeat = 5 if quick else 9
    min_time = 0.02 if quick else 0.1
    for batch, limit in ((32, 1.3), (256, 1.2)):
        yield build_or_skip("MLP 784-128-10 forward+backward, batch %d" % batch,
                       lambda b=batch, m=limit: _mlp_case(tf, torch, b, m, repeat, min_time))
    yield build_or_skip("CNN 2x Conv2D(32, 3x3) + Dense(10) forward+backward, 28x28x1, batch %d"
                   % CNN_BATCH, lambda: _cnn_case(tf, torch, repeat, min_time))


def _softmax_xent_floor(logits, labels):
    """Mean sparse softmax cross-entropy and its gradient w.r.t. the logits."""
    m = logits.max(axis=1, keepdims=True)
    e = np.exp(logits - m)
    s = e.sum(axis=1, keepdims=True)
    rows = np.arange(len(labels))
    loss = np.mean(np.log(s[:, 0]) + m[:, 0] - logits[rows, labels])
    d = e / s
    d[rows, labels] -= 1
    return loss, d / np.float32(len(labels))


def _ours_loss(tf, logits, labels):
    return tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=labels, logits=logits))


def _mlp_case(tf, torch, batch, limit, repeat, min_time):
    rng = np.random.default_rng(batch)
    x = rng.random((batch, 784), dtype=np.float32)
    y = rng.integers(0, 10, batch)
    w1 = (rng.standard_normal((784, 128)) * 0.05).astype(np.float32)
    b1 = (rng.standard_normal(128) * 0.05).astype(np.float32)
    w2 = (rng.standard_normal((128, 10)) * 0.1).astype(np.float32)
    b2 = (rng.standard_normal(10) * 0.1).astype(np.float32)

    def numpy_floor():
        z1 = x @ w1 + b1
        h = np.maximum(z1, 0)
        loss, dlogits = _softmax_xent_floor(h @ w2 + b2, y)
        dh = dlogits @ w2.T
        dz1 = dh * (z1 > 0)
        return loss, x.T @ dz1, dz1.sum(axis=0), h.T @ dlogits, dlogits.sum(axis=0)

    model = tf.keras.Sequential([tf.keras.layers.Dense(128, activation="relu"),
                                 tf.keras.layers.Dense(10)])
    tx, ty = tf.constant(x), tf.constant(y)
    model(tx)
    model.set_weights([w1, b1, w2, b2])

    def ours():
        with tf.GradientTape() as tape:
            loss = _ours_loss(tf, model(tx), ty)
        return [loss] + tape.gradient(loss, model.trainable_variables)

    impls = {"numpy": numpy_floor, "ours": ours}
    if torch:
        net = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(),
                                  torch.nn.Linear(128, 10))
        with torch.no_grad():
            for param, value in zip(net.parameters(), (w1.T, b1, w2.T, b2)):
                param.copy_(torch.from_numpy(np.ascontiguousarray(value)))
        px, py = torch.from_numpy(x), torch.from_numpy(y)
        params = list(net.parameters())

        def torch_autograd():
            loss = torch.nn.functional.cross_entropy(net(px), py)
            return [loss] + list(torch.autograd.grad(loss, params))
        impls["torch"] = torch_autograd
    results = {k: fn() for k, fn in impls.items()}
    if torch:
        r = results["torch"]
        results["torch"] = [r[0], r[1].T, r[2], r[3].T, r[4]]
    agree("mlp", results, rtol=1e-3, atol=1e-5)
    case = Case("", impls,
                [Target("ours", "numpy", limit,
                        "MLP batch %d <= %.1fx the NumPy floor" % (batch, limit))],
                repeat=repeat, min_time=min_time)
    case.data = {"x": x, "y": y, "w1": w1, "b1": b1, "w2": w2, "b2": b2}   # for stage 5's peers
    return case


def _conv_valid(x, k):
    """A 'VALID' stride-1 NHWC convolution by im2col; returns (output, columns)."""
    kh, kw, c, f = k.shape
    windows = sliding_window_view(x, (kh, kw), axis=(1, 2))     # B, Ho, Wo, C, kh, kw
    b, ho, wo = windows.shape[:3]
    cols = windows.transpose(0, 1, 2, 4, 5, 3).reshape(b * ho * wo, kh * kw * c)
    return (cols @ k.reshape(kh * kw * c, f)).reshape(b, ho, wo, f), cols


def _cnn_floor_fn(x, y, k1, c1, k2, c2, w, bias):
    def numpy_floor():
        z1, cols1 = _conv_valid(x, k1)
        z1 += c1
        h1 = np.maximum(z1, 0)
        z2, cols2 = _conv_valid(h1, k2)
        z2 += c2
        h2 = np.maximum(z2, 0)
        flat = h2.reshape(len(x), -1)
        loss, dlogits = _softmax_xent_floor(flat @ w + bias, y)
        dz2 = (dlogits @ w.T).reshape(h2.shape) * (z2 > 0)
        dk2 = (cols2.T @ dz2.reshape(-1, k2.shape[-1])).reshape(k2.shape)
        # The input gradient of a VALID convolution is a FULL convolution of the
        # output gradient with the flipped kernel (in and out channels swapped).
        padded = np.pad(dz2, ((0, 0), (2, 2), (2, 2), (0, 0)))
        dh1, _ = _conv_valid(padded, k2[::-1, ::-1].transpose(0, 1, 3, 2))
        dz1 = dh1 * (z1 > 0)
        dk1 = (cols1.T @ dz1.reshape(-1, k1.shape[-1])).reshape(k1.shape)
        return (loss, dk1, dz1.sum(axis=(0, 1, 2)), dk2, dz2.sum(axis=(0, 1, 2)),
                flat.T @ dlogits, dlogits.sum(axis=0))
    return numpy_floor


def _cnn_case(tf, torch, repeat, min_time):
    rng = np.random.default_rng(3)
    f, n = CNN_FILTERS, CNN_SIZE - 4
    x = rng.random((CNN_BATCH, CNN_SIZE, CNN_SIZE, 1), dtype=np.float32)
    y = rng.integers(0, CNN_CLASSES, CNN_BATCH)
    k1 = (rng.standard_normal((3, 3, 1, f)) * 0.3).astype(np.float32)
    c1 = (rng.standard_normal(f) * 0.1).astype(np.float32)
    k2 = (rng.standard_normal((3, 3, f, f)) * 0.1).astype(np.float32)
    c2 = (rng.standard_normal(f) * 0.1).astype(np.float32)
    w = (rng.standard_normal((n * n * f, CNN_CLASSES)) * 0.01).astype(np.float32)
    bias = np.zeros(CNN_CLASSES, np.float32)

    layers = tf.keras.layers
    model = tf.keras.Sequential([layers.Conv2D(f, 3, activation="relu"),
                                 layers.Conv2D(f, 3, activation="relu"),
                                 layers.Flatten(), layers.Dense(CNN_CLASSES)])
    tx, ty = tf.constant(x), tf.constant(y)
    model(tx)
    model.set_weights([k1, c1, k2, c2, w, bias])

    def ours():
        with tf.GradientTape() as tape:
            loss = _ours_loss(tf, model(tx), ty)
        return [loss] + tape.gradient(loss, model.trainable_variables)

    impls = {"numpy": _cnn_floor_fn(x, y, k1, c1, k2, c2, w, bias), "ours": ours}
    if torch:
        impls["torch"], from_torch = _torch_cnn(torch, x, y, k1, c1, k2, c2, w, bias, n)
    results = {k: fn() for k, fn in impls.items()}
    notes = []
    agree("cnn", {k: results[k] for k in ("numpy", "ours")}, rtol=1e-4, atol=1e-6)
    if torch:
        # oneDNN's convolution gradients differ from a plain float32 im2col by up
        # to ~2e-3 of their size (other algorithms, other summation orders);
        # ours match the NumPy floor to ~1e-7, so PyTorch is checked more loosely.
        agree("cnn (PyTorch)", {"numpy": results["numpy"],
                                "torch": from_torch(results["torch"])}, rtol=1e-2, atol=2e-3)
        notes.append("PyTorch's conv gradients agree with the NumPy floor only to ~2e-3 "
                     "(oneDNN), ours to ~1e-7")
    return Case("", impls, [Target("ours", "torch", 3.0, "CNN fwd+bwd <= 3x PyTorch")],
                notes=notes, repeat=repeat, min_time=min_time)


def _torch_cnn(torch, x, y, k1, c1, k2, c2, w, bias, n):
    """PyTorch's version in its own NCHW layout, and a converter of its gradients to ours."""
    nn = torch.nn
    f = k1.shape[-1]
    net = nn.Sequential(nn.Conv2d(1, f, 3), nn.ReLU(), nn.Conv2d(f, f, 3), nn.ReLU(),
                        nn.Flatten(), nn.Linear(n * n * f, CNN_CLASSES))
    # Our Flatten runs over (H, W, C), PyTorch's over (C, H, W): permute the rows.
    w_chw = w.reshape(n, n, f, CNN_CLASSES).transpose(2, 0, 1, 3).reshape(-1, CNN_CLASSES)
    values = (k1.transpose(3, 2, 0, 1), c1, k2.transpose(3, 2, 0, 1), c2, w_chw.T, bias)
    with torch.no_grad():
        for param, value in zip(net.parameters(), values):
            param.copy_(torch.from_numpy(np.ascontiguousarray(value)))
    px = torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))
    py = torch.from_numpy(y)
    params = list(net.parameters())

    def torch_autograd():
        loss = torch.nn.functional.cross_entropy(net(px), py)
        return [loss] + list(torch.autograd.grad(loss, params))

    def to_ours(r):
        gw = r[5].numpy().T.reshape(f, n, n, CNN_CLASSES).transpose(1, 2, 0, 3)
        return [r[0], r[1].numpy().transpose(2, 3, 1, 0), r[2],
                r[3].numpy().transpose(2, 3, 1, 0), r[4], gw.reshape(-1, CNN_CLASSES), r[6]]
    return torch_autograd, to_ours
