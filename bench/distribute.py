"""tf.distribute over MPI: all-reduce cost and weak scaling (issue 12's targets).

    python bench/distribute.py            # launches mpiexec itself (1 and 2 ranks)
    python bench/distribute.py --write    # also refresh its block of bench/RESULTS.md

1. The MLP's gradients (784-128-10: 101,770 floats in 4 arrays) summed by the
   strategy (``_all_reduce_sum``: pack into one bucket, one Allreduce, unpack)
   against raw mpi4py ``Allreduce`` of the same 4 buffers, and of one
   ready-made flat buffer; then a table over gradient sizes 10^4..10^7 floats.
2. Weak scaling: the time of one ``fit`` step with 256 rows per rank, on 1 and
   on 2 ranks (one BLAS thread per rank); efficiency = t(1 rank) / t(2 ranks);
   with eager steps (the target's row) and with traced ones.

Each configuration runs ``ROUNDS`` times, 1 and 2 ranks alternately, and every
number reported is the median over the rounds.
"""

import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def _median_time(fn, comm, repeats):
    times = []
    for _ in range(repeats):
        comm.Barrier()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def worker(out):
    import stage5_gpu as tf
    from mpi4py import MPI
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    comm = MPI.COMM_WORLD
    report = {"ranks": comm.Get_size()}
    rng = np.random.default_rng(comm.Get_rank())
    if comm.Get_size() > 1:
        shapes = [(784, 128), (128,), (128, 10), (10,)]
        grads = [rng.standard_normal(s).astype("float32") for s in shapes]

        def raw_each():
            for g in grads:
                comm.Allreduce(MPI.IN_PLACE, g.copy(), op=MPI.SUM)
        flat = np.concatenate([g.ravel() for g in grads])
        report["mlp"] = {
            "strategy": _median_time(lambda: strategy._all_reduce_sum(grads), comm, 300),
            "raw_each": _median_time(raw_each, comm, 300),
            "raw_flat": _median_time(lambda: comm.Allreduce(MPI.IN_PLACE, flat, op=MPI.SUM),
                                     comm, 300),
        }
        sizes = {}
        for n in (10 ** 4, 10 ** 5, 10 ** 6, 10 ** 7):
            buffer = rng.standard_normal(n).astype("float32")
            repeats = 200 if n <= 10 ** 5 else 30
            sizes[n] = {
                "strategy": _median_time(lambda: strategy._all_reduce_sum([buffer]), comm,
                                         repeats),
                "raw": _median_time(lambda: comm.Allreduce(MPI.IN_PLACE, buffer, op=MPI.SUM),
                                    comm, repeats),
            }
        report["sizes"] = sizes
    # weak scaling: 256 rows per rank
    per_rank, steps = 256, 40
    rows = per_rank * comm.Get_size()
    x = rng.random((rows * steps, 784), dtype=np.float32)
    y = rng.integers(0, 10, rows * steps)
    for key, run_eagerly in (("step", True), ("traced_step", False)):
        with strategy.scope():
            model = tf.keras.Sequential([tf.keras.layers.Dense(128, activation="relu",
                                                               input_shape=(784,)),
                                         tf.keras.layers.Dense(10)])
            model.compile(optimizer="adam", run_eagerly=run_eagerly,
                          loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        model.fit(x[:rows * 4], y[:rows * 4], batch_size=rows, epochs=1, verbose=0)  # warm up
        epochs = []
        for _ in range(7):      # the median epoch of 40 steps
            comm.Barrier()
            start = time.perf_counter()
            model.fit(x, y, batch_size=rows, epochs=1, verbose=0, shuffle=False)
            comm.Barrier()
            epochs.append((time.perf_counter() - start) / steps)
        report[key] = float(np.median(epochs))
    if comm.Get_rank() == 0:
        with open(out, "w") as file:
            json.dump(report, file)


ROUNDS = 3


def _median_report(reports):
    """One report whose every number is the median of those runs' numbers."""
    first = reports[0]
    if isinstance(first, dict):
        return {key: _median_report([r[key] for r in reports]) for key in first}
    if isinstance(first, (int, float)) and not isinstance(first, bool):
        return float(np.median(reports)) if isinstance(first, float) else first
    return first


def _verdict(met, what, number):
    return "- **%s** %s: %s" % ("MET" if met else "MISSED", what, number)


def section(reports, date):
    """The markdown block for RESULTS.md: three tables and the issue's two targets."""
    two = reports[2]
    mlp = two["mlp"]
    lines = ["## tf.distribute: all-reduce and weak scaling over MPI", "",
             "Measured %s, wall clock, 2 MPI ranks on this machine (mpiexec, MPICH), one "
             "BLAS thread per rank; medians of repeated collectives after a barrier, "
             "and of %d rounds run 1 and 2 ranks alternately." % (date, ROUNDS),
             "",
             "| all-reduce of the MLP's 4 gradients (101,770 floats) | time | "
             "vs raw per buffer | vs raw flat |",
             "|---|---|---|---|"]
    for key, label in (("strategy", "strategy `_all_reduce_sum` (one bucket)"),
                       ("raw_each", "raw `Allreduce` per buffer"),
                       ("raw_flat", "raw `Allreduce` of one ready flat buffer")):
        lines.append("| %s | %.1f µs | %.2fx | %.2fx |" % (
            label, mlp[key] * 1e6, mlp[key] / mlp["raw_each"], mlp[key] / mlp["raw_flat"]))
    lines += ["", "| floats in one gradient | strategy | raw in-place `Allreduce` | ratio |",
              "|---|---|---|---|"]
    for n, row in two["sizes"].items():
        lines.append("| %s | %.1f µs | %.1f µs | %.2fx |" % (
            "{:,}".format(int(n)), row["strategy"] * 1e6, row["raw"] * 1e6,
            row["strategy"] / row["raw"]))
    t1, t2 = reports[1]["step"], two["step"]
    efficiency = t1 / t2
    lines += ["", "| fit step, 256 rows per rank | 1 rank | 2 ranks | weak-scaling efficiency |",
              "|---|---|---|---|",
              "| MLP 784-128-10, Adam | %.2f ms | %.2f ms | %.0f%% |" % (
                  t1 * 1e3, t2 * 1e3, 100 * efficiency),
              "| the same, traced steps (`run_eagerly=False`) | %.2f ms | %.2f ms | %.0f%% |" % (
                  reports[1]["traced_step"] * 1e3, two["traced_step"] * 1e3,
                  100 * reports[1]["traced_step"] / two["traced_step"]),
              "", "Targets:", ""]
    ratio = mlp["strategy"] / mlp["raw_each"]
    lines.append(_verdict(ratio <= 1.1, "gradient all-reduce within 1.1x of raw `Allreduce` "
                          "on the same buffers", "%.2fx" % ratio))
    lines.append(_verdict(efficiency >= 0.85, "weak-scaling efficiency on 2 ranks >= 85% "
                          "(batch 256 per rank)", "%.0f%%" % (100 * efficiency)))
    return "\n".join(lines)


def main(argv):
    mpiexec = os.path.join(os.path.dirname(sys.executable), "mpiexec")
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    # 1 and 2 ranks alternately, ROUNDS times, and the median of each: on a shared
    # machine whose speed drifts over minutes, one run of each compares two moments.
    runs = {1: [], 2: []}
    for _ in range(ROUNDS):
        for ranks in (1, 2):
            out = tempfile.mktemp(suffix=".json")
            subprocess.run([mpiexec, "-n", str(ranks), sys.executable, __file__, "--worker",
                            out], check=True, env=env)
            with open(out) as file:
                runs[ranks].append(json.load(file))
            os.remove(out)
    reports = {ranks: _median_report(found) for ranks, found in runs.items()}
    text = section(reports, time.strftime("%Y-%m-%d %H:%M"))
    print(text)
    if "--write" in argv:
        sys.path.insert(0, HERE)
        import machine
        import peers
        import report
        report.update_results(os.path.join(HERE, "RESULTS.md"), "distribute", text,
                              machine.describe(peers.versions()))
        print("Wrote bench/RESULTS.md")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--worker":
        worker(sys.argv[2])
    else:
        main(sys.argv[1:])
