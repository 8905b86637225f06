"""Where does one eager op's time go? A layer-by-layer breakdown and a profile.

    python bench/profile_dispatch.py            # the breakdown tables
    python bench/profile_dispatch.py --cprofile # plus cProfile's top functions

The breakdown times nested layers of a 2x2 float32 ``add``, from NumPy's own
``np.add`` up to ``a + b`` on Tensors, interleaved so that the differences
between rows are the cost of each layer:

    np.add(a, b)                 the floor: NumPy's C code
    kernel(np, a, b)             + our kernel function (one Python call)
    convert.op_inputs(op, ...)   converting and checking the inputs (alone)
    dispatch.wrap(array)         making the result Tensor (alone)
    dispatch.execute(op, ...)    the whole dispatcher
    tf.add(a, b)                 + the public function
    a + b                        + the operator method

Then the same op while a ``GradientTape`` watches its inputs (the observer and
the recording), and the tape's whole forward+backward of the stage-2 n=4 case.
"""

import argparse
import cProfile
import io
import os
import pstats
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402,F401  (makes the stage packages importable)
import timing  # noqa: E402
from timing import compare, format_seconds  # noqa: E402

import numpy as np  # noqa: E402


def _table(title, impls, repeat=21, min_time=0.01):
    timings = compare(impls, repeat=repeat, min_time=min_time)
    floor = next(iter(timings.values())).median
    print(title)
    width = max(len(k) for k in impls)
    previous = None
    for label, t in timings.items():
        alone = label.endswith("(alone)")
        step = "" if previous is None or alone else "  (+%s)" % format_seconds(
            max(t.median - previous, 0.0))
        print("  %-*s %9s  %5.2fx%s" % (width, label, format_seconds(t.median),
                                       t.median / floor, step))
        if not alone:
            previous = t.median
    print()
    return timings


def dispatch_breakdown():
    import stage1_tensors as tf
    from stage1_tensors import convert, dispatch
    from stage1_tensors.ops.binary_ops import AddV2
    a = np.ones((2, 2), np.float32)
    b = np.full((2, 2), 2.0, np.float32)
    ta, tb = tf.constant(a), tf.constant(b)
    kernel = AddV2.kernels["CPU"]
    inputs = (ta, tb)
    _table("2x2 float32 add, layer by layer (each row includes the ones above "
           "except the two marked 'alone')", {
               "np.add(a, b)": lambda: np.add(a, b),
               "kernel(np, a, b)": lambda: kernel(np, a, b),
               "convert.op_inputs (alone)": lambda: convert.op_inputs(AddV2, inputs),
               "dispatch.wrap (alone)": lambda: dispatch.wrap(a),
               "dispatch.execute(AddV2, ...)": lambda: dispatch.execute(AddV2, inputs),
               "tf.add(a, b)": lambda: tf.add(ta, tb),
               "a + b": lambda: ta + tb,
           })


def tape_breakdown():
    try:
        import stage2_autodiff as tf
        tf.GradientTape
    except (ImportError, AttributeError):
        print("(stage 2 has no GradientTape yet: no tape breakdown)\n")
        return
    a = tf.constant(np.ones((2, 2), np.float32))
    b = tf.constant(np.full((2, 2), 2.0, np.float32))
    watching = tf.GradientTape(persistent=True)
    idle = tf.GradientTape()

    def add_under_tape():
        watching._records.clear()   # keep the recording from growing without bound
        return tf.add(a, b)

    with idle:                      # a tape that watches nothing: observer cost only
        unwatched = compare({"x": lambda: tf.add(a, b)}, repeat=21, min_time=0.01)["x"]
    with watching:
        watching.watch(a)
        recorded = compare({"x": add_under_tape}, repeat=21, min_time=0.01)["x"]
    plain = compare({"x": lambda: tf.add(a, b)}, repeat=21, min_time=0.01)["x"]
    print("2x2 add with a tape active")
    for label, t in (("no tape", plain), ("tape active, inputs not watched", unwatched),
                     ("tape records the op", recorded)):
        print("  %-34s %9s  %5.2fx" % (label, format_seconds(t.median), t.median / plain.median))
    print()


def _tanh_n4():
    import stage2_autodiff as tf
    rng = np.random.default_rng(4)
    x, w0, b0 = (rng.standard_normal(4).astype(np.float32) for _ in range(3))
    tx, w, b = tf.constant(x), tf.Variable(w0), tf.Variable(b0)

    def step():
        with tf.GradientTape() as tape:
            f = tf.reduce_sum(tf.tanh(tx * w + b))
        return tape.gradient(f, [w, b])
    return tf, step


def count_ops():
    """How many ops the n=4 forward+backward dispatches, by name."""
    try:
        tf, step = _tanh_n4()
    except (ImportError, AttributeError):
        return
    from stage1_tensors import dispatch
    names = []
    step()
    with dispatch.observing(lambda op, i, a, o: names.append(op.name)):
        step()
    counts = {}
    for n in names:
        counts[n] = counts.get(n, 0) + 1
    print("ops dispatched by one n=4 tanh(x*w + b) forward+backward: %d (%s)\n"
          % (len(names), ", ".join("%s x%d" % kv for kv in counts.items())))


def profile(fn, title, calls=20000, top=18):
    pr = cProfile.Profile()
    for _ in range(100):
        fn()
    pr.enable()
    for _ in range(calls):
        fn()
    pr.disable()
    out = io.StringIO()
    pstats.Stats(pr, stream=out).sort_stats("tottime").print_stats(top)
    print("cProfile, %s, %d calls (times include profiler overhead)" % (title, calls))
    print("\n".join(line for line in out.getvalue().splitlines()
                    if line.strip() and not line.startswith(("   Ordered", "   List"))))
    print()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cprofile", action="store_true", help="also run cProfile")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="cpu",
                        help="cpu (default: robust while other programs run) or wall")
    args = parser.parse_args()
    timing.use_clock(args.clock)
    dispatch_breakdown()
    tape_breakdown()
    count_ops()
    if args.cprofile:
        import stage1_tensors as tf
        a = tf.constant(np.ones((2, 2), np.float32))
        profile(lambda: tf.add(a, a), "tf.add on 2x2 float32", calls=200000)
        try:
            _, step = _tanh_n4()
        except (ImportError, AttributeError):
            return
        profile(step, "the stage-2 n=4 forward+backward")


if __name__ == "__main__":
    main()
