"""Stage 5 cases: what tracing into a graph saves over eager execution.

The computations are those of stages 2 and 3, built by their own case builders
(no copies): each case keeps its hand-written NumPy floor, our eager version
("ours") and PyTorch eager ("torch"), and adds "function": the same Python
function of ours wrapped in ``tf.function``. The first call traces (the warm-up
run); the timed calls run the optimised graph's schedule. Where JAX is
installed, "jax" is the same computation under ``jax.jit`` (``value_and_grad``);
where TensorFlow is, "tensorflow" is it under the real ``tf.function`` (a
``GradientTape`` inside the traced function, as seed 004 writes a train step).

* the 50-step Elman RNN forward+backward (stage 2's case);
* the MLP 784-128-10 forward+backward at batch 32 and 256 (stage 3's case);
* the tanh model forward+backward at n=4 (stage 2's case): all overhead;
* the cost of one trace of the MLP step (trace, optimise, compile), against
  one eager call of it;
* an 8-op elementwise chain on 10^6 floats, fused and unfused;
* one MNIST epoch of ``fit`` (stage 4's case) with eager steps ("ours") and
  with steps traced by ``compile(run_eagerly=False)`` ("function").
"""

import numpy as np

import peers
import stage2_cases
import stage3_cases
import stage4_cases
from cases import Case, Skip, Target, agree, build_or_skip

STAGE = 5
TITLE = "Stage 5: eager vs tf.function (traced graphs)"


def cases(quick=False):
    """The stage-5 cases, in the order they are reported."""
    import stage5_gpu as tf
    if not hasattr(tf, "function"):
        yield Skip("stage 5 cases", "stage5_gpu has no function yet")
        return
    torch = peers.torch()
    repeat = 5 if quick else 9
    min_time = 0.02 if quick else 0.1
    yield build_or_skip(
        "Elman RNN forward+backward (%d steps, hidden %d, batch %d)" % (
            stage2_cases.RNN_STEPS, stage2_cases.RNN_HIDDEN, stage2_cases.RNN_BATCH),
        lambda: _traced(tf, stage2_cases._rnn_case(tf, torch, repeat, min_time), "rnn",
                        (_jax_rnn, _tf_rnn), [
            Target("function", "numpy", 1.1, "RNN fwd+bwd under function <= 1.1x the NumPy floor"),
            Target("function", "ours", 1.0, "function no slower than eager")]))
    for batch in (32, 256):
        yield build_or_skip(
            "MLP 784-128-10 forward+backward, batch %d" % batch,
            lambda b=batch: _traced(tf, stage3_cases._mlp_case(tf, torch, b, 99, repeat, min_time),
                                    "mlp", (_jax_mlp, _tf_mlp), [Target("function", "numpy", 1.1,
                                                   "MLP batch %d under function <= 1.1x the "
                                                   "NumPy floor" % b)]))
    yield build_or_skip(
        "tanh(x*w + b) forward+backward, n=4",
        lambda: _traced(tf, stage2_cases._tanh_case(tf, torch, 4, repeat, min_time), "tanh", (None, None), [
            Target("function", "torch", 0.5, "n=4 fwd+bwd under function <= 0.5x PyTorch")]))
    yield build_or_skip("one trace of the MLP step (trace + optimise + compile), batch 32",
                        lambda: _trace_cost(tf, torch, repeat))
    yield build_or_skip("8 elementwise ops on 10^6 float32, fused vs unfused (CPU)",
                        lambda: _fusion_case(tf, torch, repeat))
    (x, y), _ = tf.keras.datasets.mnist.load_data()
    rows = 6000 if quick else 60000
    x, y = (x[:rows].reshape(-1, 784) / 255.0).astype(np.float32), y[:rows].astype(np.int64)
    for batch in (32, 128):
        yield build_or_skip(
            "MNIST epoch of fit, 784-128-10 + Adam, batch %d: eager vs traced steps" % batch,
            lambda b=batch: _fit_case(tf, torch, x, y, b, 2 if quick else 3))


def _traced(tf, case, name, peer_versions, targets):
    """``case`` with a "function" implementation: its eager "ours" under tf.function;
    "jax", ``jax_version(jax, case.data)`` under ``jax.jit``, if JAX is installed;
    "tensorflow", ``tf_version(tensorflow, case.data)``, if TensorFlow is."""
    jax_version, tf_version = peer_versions
    eager = case.impls["ours"]
    traced = tf.function(eager)
    results = {"ours": eager(), "function": traced()}
    case.impls["function"] = traced
    jax = peers.jax()
    if jax is not None and jax_version is not None:
        jitted = jax_version(jax, case.data)
        case.impls["jax"] = lambda: jax.block_until_ready(jitted())
        loss, grads = jitted()
        results["jax"] = [np.asarray(loss)] + [np.asarray(g) for g in grads]
    tensorflow = peers.tensorflow()
    if tensorflow is not None and tf_version is not None:
        step = tf_version(tensorflow, case.data)
        # .numpy() of the loss waits for the result, as block_until_ready does.
        case.impls["tensorflow"] = lambda: step()[0].numpy()
        loss, grads = step()
        results["tensorflow"] = [loss.numpy()] + [g.numpy() for g in grads]
    agree(name + " (function)", results, rtol=1e-4, atol=1e-5)
    case.targets = targets
    return case


def _jax_rnn(jax, data):
    """The Elman RNN's loss and gradients, jitted."""
    jnp = jax.numpy
    xs = [jnp.asarray(x) for x in data["xs"]]
    h0 = jnp.asarray(data["h0"])

    def loss(wx, wh, b):
        h = h0
        for x in xs:
            h = jnp.tanh(x @ wx + h @ wh + b)
        return h.sum()
    step = jax.jit(jax.value_and_grad(loss, argnums=(0, 1, 2)))
    params = [jnp.asarray(data[k]) for k in ("wx", "wh", "b")]
    return lambda: step(*params)


def _jax_mlp(jax, data):
    """The MLP's mean softmax cross-entropy and gradients, jitted."""
    jnp = jax.numpy
    x, y = jnp.asarray(data["x"]), jnp.asarray(data["y"])

    def loss(w1, b1, w2, b2):
        logits = jnp.maximum(x @ w1 + b1, 0) @ w2 + b2
        picked = jnp.take_along_axis(logits, y[:, None], axis=1)[:, 0]
        return jnp.mean(jax.nn.logsumexp(logits, axis=1) - picked)
    step = jax.jit(jax.value_and_grad(loss, argnums=(0, 1, 2, 3)))
    params = [jnp.asarray(data[k]) for k in ("w1", "b1", "w2", "b2")]
    return lambda: step(*params)


def _tf_rnn(tensorflow, data):
    """The Elman RNN's loss and gradients in real TensorFlow, under tf.function."""
    xs = [tensorflow.constant(x) for x in data["xs"]]
    h0 = tensorflow.constant(data["h0"])
    params = [tensorflow.Variable(data[k]) for k in ("wx", "wh", "b")]

    @tensorflow.function
    def step():
        wx, wh, b = params
        with tensorflow.GradientTape() as tape:
            h = h0
            for x in xs:        # a Python loop: unrolled into the graph, as ours is
                h = tensorflow.tanh(tensorflow.matmul(x, wx) + tensorflow.matmul(h, wh) + b)
            loss = tensorflow.reduce_sum(h)
        return loss, tape.gradient(loss, params)
    return step


def _tf_mlp(tensorflow, data):
    """The MLP's mean softmax cross-entropy and gradients in real TensorFlow."""
    x, y = tensorflow.constant(data["x"]), tensorflow.constant(data["y"])
    params = [tensorflow.Variable(data[k]) for k in ("w1", "b1", "w2", "b2")]

    @tensorflow.function
    def step():
        w1, b1, w2, b2 = params
        with tensorflow.GradientTape() as tape:
            logits = tensorflow.matmul(tensorflow.nn.relu(tensorflow.matmul(x, w1) + b1), w2) + b2
            loss = tensorflow.reduce_mean(
                tensorflow.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
        return loss, tape.gradient(loss, params)
    return step


def _fusion_case(tf, torch, repeat):
    """tanh(exp(-x*x)*2+1)*x - x: NumPy (a temporary per op), our graph with the
    chain fused (one buffer) and without, and PyTorch eager."""
    x0 = np.random.default_rng(8).normal(size=10 ** 6).astype(np.float32)

    def numpy_chain():
        return np.tanh(np.exp(-(x0 * x0)) * np.float32(2) + np.float32(1)) * x0 - x0

    def chain(x):
        return tf.tanh(tf.exp(-(x * x)) * 2.0 + 1.0) * x - x
    x = tf.constant(x0)
    fused = tf.function(chain)
    unfused = tf.function(chain, experimental_passes={"fuse_elementwise": False})
    impls = {"numpy": numpy_chain, "ours": lambda: chain(x), "function": lambda: fused(x),
             "unfused": lambda: unfused(x)}
    if torch:
        px = torch.from_numpy(x0)
        impls["torch"] = lambda: torch.tanh(torch.exp(-(px * px)) * 2 + 1) * px - px
    agree("fusion", {k: fn() for k, fn in impls.items()}, rtol=1e-5, atol=1e-6)
    return Case("", impls, [Target("function", "unfused", 0.8,
                                   "fused chain <= 0.8x the unfused graph (CPU)")],
                notes=["the issue's 4x target is for a GPU (a generated CuPy kernel); this "
                       "is the CPU fusion, which saves the temporaries"],
                repeat=repeat, min_time=0.2)


def _trace_cost(tf, torch, repeat):
    """Tracing anew each time: what a retrace costs, against one eager call."""
    case = stage3_cases._mlp_case(tf, torch, 32, 99, repeat, 0.1)
    eager = case.impls["ours"]

    def trace_once():
        return tf.function(eager).get_concrete_function()
    impls = {"numpy": case.impls["numpy"], "ours": eager, "trace": trace_once}
    return Case("", impls, notes=["'trace' is a whole trace: the Python function run on "
                                  "symbolic tensors, the passes, and the schedule built"],
                repeat=repeat, min_time=0.1)


def _fit_case(tf, torch, x, y, batch, repeat):
    """Stage 4's epoch case with "function": fit compiled with run_eagerly=False."""
    case = stage4_cases._epoch_case(tf, torch, x, y, batch, None, None, repeat, traced=True)
    case.targets = [Target("function", "ours", 1.0, "fit with traced steps no slower than "
                           "eager fit (batch %d)" % batch)]
    return case
