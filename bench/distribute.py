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
3. The machine's own ceiling: two processes that each run the 1-rank step at
   the same time, with no strategy and no communication (only a barrier around
   each timed epoch). Two processes on two cores slow each other down (shared
   caches, memory bandwidth, a virtual machine's neighbours); what the strategy
   costs on top of that is t(2 ranks) / t(2 independent processes). The same two
   processes once more, each step followed by a raw mpi4py ``Allreduce`` of the
   gradients' bytes, are the floor of any synchronous data-parallel framework here.

Each configuration runs ``ROUNDS`` times, 1 rank, 2 ranks and 2 independent
processes in turn, and every number reported is the median over the rounds.
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


def worker(out, independent=False):
    import stage5_gpu as tf
    from mpi4py import MPI
    comm = MPI.COMM_WORLD
    if independent:
        # Each process trains alone: the default strategy (one replica), its
        # own 256 rows. Only the barriers of the timing loop are shared.
        strategy = tf.distribute.get_strategy()
        report = {"ranks": 1, "processes": comm.Get_size()}
    else:
        strategy = tf.distribute.MultiWorkerMirroredStrategy()
        report = {"ranks": comm.Get_size()}
    rng = np.random.default_rng(comm.Get_rank())
    if report["ranks"] > 1:
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
    rows = per_rank * report["ranks"]
    x = rng.random((rows * steps, 784), dtype=np.float32)
    y = rng.integers(0, 10, rows * steps)
    class RawAllreduce(tf.keras.callbacks.Callback):
        """After every step, a raw mpi4py Allreduce of the gradients' bytes: what
        synchronous data parallelism costs with no framework around it."""
        flat = np.ones(101_770, np.float32)

        def on_train_batch_end(self, batch, logs=None):
            comm.Allreduce(MPI.IN_PLACE, self.flat, op=MPI.SUM)

    if independent:
        modes = (("step", True, []), ("step_raw_allreduce", True, [RawAllreduce()]))
    else:
        modes = (("step", True, []), ("traced_step", False, []))
    for key, run_eagerly, callbacks in modes:
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
            model.fit(x, y, batch_size=rows, epochs=1, verbose=0, shuffle=False,
                      callbacks=callbacks)
            comm.Barrier()
            epochs.append((time.perf_counter() - start) / steps)
        # The mean over the processes (with a strategy every rank's step is the
        # same, as each waits for the others at every all-reduce).
        report[key] = float(np.mean(comm.allgather(float(np.median(epochs)))))
    if comm.Get_rank() == 0:
        with open(out, "w") as file:
            json.dump(report, file)


ROUNDS = 5


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
             "and of %d rounds that run 1 rank, 2 ranks and 2 independent processes in turn." % (date, ROUNDS),
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
    alone = reports["independent"]["step"]
    raw = reports["independent"]["step_raw_allreduce"]
    efficiency = t1 / t2
    lines += ["", "| fit step, 256 rows per rank | 1 rank | 2 ranks | weak-scaling efficiency |",
              "|---|---|---|---|",
              "| MLP 784-128-10, Adam | %.2f ms | %.2f ms | %.0f%% |" % (
                  t1 * 1e3, t2 * 1e3, 100 * efficiency),
              "| the same, traced steps (`run_eagerly=False`) | %.2f ms | %.2f ms | %.0f%% |" % (
                  reports[1]["traced_step"] * 1e3, two["traced_step"] * 1e3,
                  100 * reports[1]["traced_step"] / two["traced_step"]),
              "| the machine's ceiling: 2 independent 1-rank processes at once, no "
              "communication | %.2f ms | %.2f ms each | %.0f%% |" % (
                  t1 * 1e3, alone * 1e3, 100 * t1 / alone),
              "| the floor of any framework: the same 2 processes, each step followed by "
              "a raw mpi4py `Allreduce` of the gradients' 101,770 floats | %.2f ms | "
              "%.2f ms each | %.0f%% |" % (t1 * 1e3, raw * 1e3, 100 * t1 / raw),
              "",
              "What the strategy itself costs on 2 ranks: %.2f ms a step, against %.2f ms "
              "for two processes that do not communicate (%.2fx) and %.2f ms for two that "
              "only all-reduce the same bytes raw (%.2fx)."
              % (t2 * 1e3, alone * 1e3, t2 / alone, raw * 1e3, t2 / raw),
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
    runs = {1: [], 2: [], "independent": []}
    for _ in range(ROUNDS):
        for key, ranks, mode in ((1, 1, "--worker"), (2, 2, "--worker"),
                                 ("independent", 2, "--independent")):
            out = tempfile.mktemp(suffix=".json")
            subprocess.run([mpiexec, "-n", str(ranks), sys.executable, __file__, mode, out],
                           check=True, env=env)
            with open(out) as file:
                runs[key].append(json.load(file))
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
    if len(sys.argv) > 2 and sys.argv[1] in ("--worker", "--independent"):
        worker(sys.argv[2], independent=sys.argv[1] == "--independent")
    else:
        main(sys.argv[1:])
