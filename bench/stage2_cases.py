"""Stage 2 cases: what recording a tape and running it backwards cost.

Each case computes a forward pass *and* the gradients, four ways: a hand-written
NumPy forward+backward (the floor: no tape, no bookkeeping, only the arithmetic
a human would write), our ``GradientTape``, and PyTorch's autograd when it is
installed. The baseline column "NumPy" is that hand-written floor.

* ``f(w, b) = reduce_sum(tanh(x*w + b))`` at n=4: all overhead (recording four
  ops, then four gradient functions), compared with PyTorch's C++ autograd.
* The same at n=100,000: the arithmetic dominates; the tape should add little.
* A 50-step Elman RNN (hidden 32, batch 8): many small ops, the typical shape
  of a recurrent model, where eager overhead decides the speed.
"""

import numpy as np

import peers
from cases import Case, Skip, Target, agree, build_or_skip

STAGE = 2
TITLE = "Stage 2: forward + backward with GradientTape"

RNN_STEPS, RNN_HIDDEN, RNN_BATCH, RNN_INPUT = 50, 32, 8, 32


def cases(quick=False):
    """The stage-2 cases, in the order they are reported."""
    import stage2_autodiff as tf
    if not hasattr(tf, "GradientTape"):
        yield Skip("stage 2 cases", "stage2_autodiff has no GradientTape yet")
        return
    torch = peers.torch()
    repeat = 5 if quick else 9
    min_time = 0.02 if quick else 0.05
    for n in (4, 100_000):
        yield build_or_skip("tanh(x*w + b) forward+backward, n=%d" % n,
                       lambda n=n: _tanh_case(tf, torch, n, repeat, min_time))
    yield build_or_skip("Elman RNN forward+backward (%d steps, hidden %d, batch %d)"
                   % (RNN_STEPS, RNN_HIDDEN, RNN_BATCH),
                   lambda: _rnn_case(tf, torch, repeat, min_time))


def _tanh_case(tf, torch, n, repeat, min_time):
    rng = np.random.default_rng(n)
    x, w0, b0 = (rng.standard_normal(n).astype(np.float32) for _ in range(3))

    def numpy_floor():
        t = np.tanh(x * w0 + b0)
        f = t.sum()
        dz = 1 - t * t               # d tanh(z) / dz, times df/dt = 1
        return f, dz * x, dz

    tx, w, b = tf.constant(x), tf.Variable(w0), tf.Variable(b0)

    def ours():
        with tf.GradientTape() as tape:
            f = tf.reduce_sum(tf.tanh(tx * w + b))
        dw, db = tape.gradient(f, [w, b])
        return f, dw, db

    impls = {"numpy": numpy_floor, "ours": ours}
    if torch:
        px = torch.from_numpy(x.copy())
        pw = torch.from_numpy(w0.copy()).requires_grad_()
        pb = torch.from_numpy(b0.copy()).requires_grad_()

        def torch_autograd():
            f = torch.tanh(px * pw + pb).sum()
            dw, db = torch.autograd.grad(f, [pw, pb])
            return f, dw, db
        impls["torch"] = torch_autograd
    agree("tanh n=%d" % n, {k: fn() for k, fn in impls.items()}, rtol=1e-3, atol=1e-3)
    if n == 4:
        targets = [Target("ours", "torch", 0.5, "n=4 fwd+bwd <= 0.5x PyTorch")]
    else:
        targets = [Target("ours", "numpy", 1.5, "n=100k fwd+bwd <= 1.5x the NumPy floor")]
    return Case("", impls, targets, repeat=repeat, min_time=min_time)


def _rnn_case(tf, torch, repeat, min_time):
    """h_t = tanh(x_t Wx + h_{t-1} Wh + b), loss = sum(h_T); gradients for Wx, Wh, b."""
    rng = np.random.default_rng(7)
    scale = np.float32(1 / np.sqrt(RNN_HIDDEN))
    xs = [rng.standard_normal((RNN_BATCH, RNN_INPUT)).astype(np.float32)
          for _ in range(RNN_STEPS)]
    wx0 = (rng.standard_normal((RNN_INPUT, RNN_HIDDEN)) * scale).astype(np.float32)
    wh0 = (rng.standard_normal((RNN_HIDDEN, RNN_HIDDEN)) * scale).astype(np.float32)
    b0 = np.zeros(RNN_HIDDEN, np.float32)
    h0 = np.zeros((RNN_BATCH, RNN_HIDDEN), np.float32)

    def numpy_floor():
        hs = [h0]
        for x in xs:
            hs.append(np.tanh(x @ wx0 + hs[-1] @ wh0 + b0))
        loss = hs[-1].sum()
        dwx, dwh, db = np.zeros_like(wx0), np.zeros_like(wh0), np.zeros_like(b0)
        dh = np.ones_like(h0)
        for t in range(RNN_STEPS, 0, -1):
            dz = dh * (1 - hs[t] * hs[t])
            dwx += xs[t - 1].T @ dz
            dwh += hs[t - 1].T @ dz
            db += dz.sum(axis=0)
            dh = dz @ wh0.T
        return loss, dwx, dwh, db

    txs = [tf.constant(x) for x in xs]
    wx, wh, b = tf.Variable(wx0), tf.Variable(wh0), tf.Variable(b0)
    th0 = tf.constant(h0)

    def ours():
        with tf.GradientTape() as tape:
            h = th0
            for x in txs:
                h = tf.tanh(tf.matmul(x, wx) + tf.matmul(h, wh) + b)
            loss = tf.reduce_sum(h)
        return [loss] + tape.gradient(loss, [wx, wh, b])

    impls = {"numpy": numpy_floor, "ours": ours}
    if torch:
        pxs = [torch.from_numpy(x) for x in xs]
        pwx, pwh, pb = (torch.from_numpy(a.copy()).requires_grad_() for a in (wx0, wh0, b0))
        ph0 = torch.from_numpy(h0)

        def torch_autograd():
            h = ph0
            for x in pxs:
                h = torch.tanh(x @ pwx + h @ pwh + pb)
            loss = h.sum()
            return [loss] + list(torch.autograd.grad(loss, [pwx, pwh, pb]))
        impls["torch"] = torch_autograd
    agree("rnn", {k: fn() for k, fn in impls.items()}, rtol=1e-3, atol=1e-3)
    case = Case("", impls, [Target("ours", "torch", 1.0, "RNN fwd+bwd no slower than PyTorch")],
                repeat=repeat, min_time=min_time)
    case.data = {"xs": xs, "wx": wx0, "wh": wh0, "b": b0, "h0": h0}   # for stage 5's peers
    return case
