"""GPU cases: the same stage-1/2 code on CuPy arrays, against raw CuPy.

Stage 1's kernels are written against an array module ``xp``; a tensor holding a
CuPy array runs them on the GPU with no other change. This measures what that
costs next to CuPy itself:

* a tiny add (launch latency plus our dispatch),
* the seed's chain (a 1000x1000 float32 matrix multiplied by itself 200 times),
* forward+backward of ``reduce_sum(tanh(x*w + b))`` at n=10^6 and 10^7 against a
  hand-written CuPy forward+backward (the floor).

Every timed call ends with a device synchronisation, so the numbers are real
latencies, not queue lengths. Run on a machine with CuPy and a CUDA GPU:
``python bench/gpu.py [--out FILE]``. Without a GPU it says so and exits 0.
"""

import argparse
import sys

import numpy as np

import machine
from timing import compare, format_seconds


def _cases(cp, tf):
    sync = cp.cuda.Device().synchronize
    rng = np.random.default_rng(0)

    a = cp.asarray(rng.standard_normal((2, 2)).astype(np.float32))
    ta = tf.constant(a)
    yield "add 2x2 float32", {
        "cupy": lambda: (cp.add(a, a), sync()),
        "ours": lambda: (tf.add(ta, ta), sync())}

    m = cp.asarray((rng.standard_normal((1000, 1000)) / 32).astype(np.float32))
    tm = tf.constant(m)

    def chain_cupy():
        y = m
        for _ in range(200):
            y = cp.matmul(y, m)
        sync()

    def chain_ours():
        y = tm
        for _ in range(200):
            y = tf.matmul(y, tm)
        sync()
    yield "matmul chain 1000x1000 x200", {"cupy": chain_cupy, "ours": chain_ours}

    for n in (10 ** 6, 10 ** 7):
        x = cp.asarray(rng.standard_normal(n).astype(np.float32))
        w = cp.asarray(rng.standard_normal(n).astype(np.float32))
        b = cp.asarray(rng.standard_normal(n).astype(np.float32))
        tx, vw, vb = tf.constant(x), tf.Variable(w), tf.Variable(b)

        def floor(x=x, w=w, b=b):
            y = cp.tanh(x * w + b)
            loss = y.sum()
            dz = 1.0 - y * y           # d loss / d (x*w + b)
            return loss, dz * x, dz, sync()

        def ours(tx=tx, vw=vw, vb=vb):
            with tf.GradientTape() as tape:
                loss = tf.reduce_sum(tf.tanh(tx * vw + vb))
            grads = tape.gradient(loss, [vw, vb])
            sync()
            return loss, grads
        yield "tanh fwd+bwd n=%d" % n, {"cupy floor": floor, "ours": ours}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", help="also write the table (Markdown) to this file")
    args = parser.parse_args(argv)
    try:
        import cupy as cp
        if cp.cuda.runtime.getDeviceCount() < 1:
            raise RuntimeError("no CUDA device")
    except Exception as error:  # no CuPy, no driver, no device: nothing to measure
        print("no GPU here (%s): nothing to measure" % error)
        return 0
    import stage2_autodiff as tf

    name = cp.cuda.runtime.getDeviceProperties(0)["name"].decode()
    lines = ["# GPU benchmark: %s" % name, ""]
    lines += ["- %s: %s" % row for row in machine.describe({})[:5]]
    lines += ["- GPU: %s, CuPy %s" % (name, cp.__version__), "",
              "| case | baseline | ours | ratio |", "|---|---|---|---|"]
    for case, impls in _cases(cp, tf):
        timings = compare(impls, repeat=7, min_time=0.05)
        base_label, ours_label = list(impls)
        base, ours = timings[base_label].median, timings[ours_label].median
        lines.append("| %s | %s (%s) | %s | %.2fx |" % (
            case, format_seconds(base), base_label, format_seconds(ours), ours / base))
        print(lines[-1], flush=True)
    if args.out:
        with open(args.out, "w") as f:
            f.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
