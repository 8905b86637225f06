"""Runs the benchmarks: every case against raw NumPy, and PyTorch/TensorFlow if installed.

    python bench/run.py                 # all stages, print the tables
    python bench/run.py --stage 1       # only stage 1 (repeatable: --stage 1 --stage 2)
    python bench/run.py --write         # also refresh bench/RESULTS.md
    python bench/run.py --quick         # fewer repeats and a shorter matmul chain
    python bench/run.py --clock cpu --threads 1   # stable numbers on a busy machine

Each stage's cases live in ``stageN_cases.py``; a stage whose package (or
whose needed feature) does not exist yet is skipped with a note, so the
harness runs at every point of the course. The ``--write`` option rewrites
only the generated blocks of ``RESULTS.md``; the hand-written analysis there
is kept.
"""

import argparse
import importlib
import importlib.util
import os
import sys
import time

# PyTorch's OpenMP threads spin for a while after each parallel op, starving
# NumPy's BLAS threads on small machines (and vice versa): interleaved timings
# then measure the fight, not the libraries (a 100x slowdown on 2 cores). Passive
# waiting makes each library's numbers what they would be on their own. It must
# be set before torch is imported.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def _limit_threads(argv):
    """Applies ``--threads N`` before NumPy or PyTorch load their thread pools.

    One thread per library is the robust choice on a busy machine: a BLAS
    thread that waits for a descheduled sibling spins, which makes multi-threaded
    timings swing by 10x while other programs run.
    """
    for i, arg in enumerate(argv):
        value = arg.split("=", 1)[1] if arg.startswith("--threads=") else (
            argv[i + 1] if arg == "--threads" and i + 1 < len(argv) else None)
        if value is not None and value.isdigit():
            for name in _THREAD_VARIABLES:
                os.environ[name] = value
            return int(value)
    return None


_THREADS = _limit_threads(sys.argv[1:]) if __name__ == "__main__" else None

_HERE = os.path.dirname(os.path.abspath(__file__))
_ROOT = os.path.dirname(_HERE)
_STAGE_DIRS = ("stage1_tensors", "stage2_autodiff", "stage3_layers", "stage4_training",
               "stage5_gpu")


def _make_importable():
    """Lets ``python bench/run.py`` find the stage packages without installing them."""
    sys.path.insert(0, _HERE)
    for name in _STAGE_DIRS:
        folder = os.path.join(_ROOT, name)
        if os.path.isdir(folder) and importlib.util.find_spec(name) is None:
            sys.path.append(folder)


_make_importable()

import machine  # noqa: E402
import peers  # noqa: E402
import report  # noqa: E402
from cases import Skip  # noqa: E402
import timing  # noqa: E402
from timing import compare  # noqa: E402

STAGES = {1: "stage1_cases", 2: "stage2_cases", 3: "stage3_cases", 4: "stage4_cases",
          5: "stage5_cases"}
RESULTS = os.path.join(_HERE, "RESULTS.md")


def run_stage(number, quick):
    """Times every case of one stage; returns (title, [(case, timings)], notes)."""
    try:
        module = importlib.import_module(STAGES[number])
    except ImportError as error:
        return "Stage %d" % number, [], ["not run: %s" % error]
    results, notes = [], []
    try:
        for case in module.cases(quick=quick):
            if isinstance(case, Skip):
                print("  %s: skipped (%s)" % (case.name, case.reason), flush=True)
                results.append((case, None))
                continue
            print("  %s ..." % case.name, end="", flush=True)
            start = time.perf_counter()
            timings = compare(case.impls, repeat=case.repeat,
                              min_time=case.min_time, warmup=case.warmup)
            print(" %.1f s" % (time.perf_counter() - start), flush=True)
            results.append((case, timings))
    except ImportError as error:   # the stage's package is not there yet
        notes.append("not run: %s" % error)
    return module.TITLE, results, notes


def _load():
    """The 1-minute load average: above ~0.5 on a small machine, numbers are noisy."""
    try:
        return "%.2f" % os.getloadavg()[0]
    except (AttributeError, OSError):
        return "unknown"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stage", type=int, action="append", choices=sorted(STAGES),
                        help="run only this stage's cases (repeatable)")
    parser.add_argument("--write", action="store_true",
                        help="refresh the generated parts of bench/RESULTS.md")
    parser.add_argument("--quick", action="store_true",
                        help="fewer repeats and a 20-step matmul chain (a smoke test; "
                             "not for RESULTS.md)")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                        help="wall time (default), or this process's CPU time, which other "
                             "programs running at the same time disturb much less")
    parser.add_argument("--threads", type=int, default=None,
                        help="threads for NumPy's BLAS and PyTorch (default: the libraries' own "
                             "choice); 1 gives stable numbers on a busy machine")
    args = parser.parse_args(argv)
    if args.threads is not None:
        if args.threads != _THREADS:
            parser.error("--threads must be given on the command line (it is applied "
                         "before NumPy is imported)")
        torch = peers.torch()
        if torch is not None:
            torch.set_num_threads(args.threads)
    if args.write and args.quick:
        parser.error("--quick numbers are too rough for RESULTS.md; drop one of them")

    timing.use_clock(args.clock)
    tensorflow = peers.tensorflow()   # look it up once, so every stage's notes mention it
    if tensorflow is not None and args.threads:
        # Before TensorFlow's runtime starts (its first op): its thread pools too.
        tensorflow.config.threading.set_intra_op_parallelism_threads(args.threads)
        tensorflow.config.threading.set_inter_op_parallelism_threads(args.threads)
    load = _load()
    date = "%s, %s clock, %s, load average %s at the start" % (
        time.strftime("%Y-%m-%d %H:%M"), args.clock,
        "%d thread(s) per library" % args.threads if args.threads else "default threads",
        load)
    sections = []
    for number in args.stage or sorted(STAGES):
        print("Stage %d" % number, flush=True)
        title, results, notes = run_stage(number, args.quick)
        notes = notes + peers.notes()
        if tensorflow is not None and "tensorflow" not in report._columns(results):
            notes.append("TensorFlow is installed, but no case of this stage has a "
                         "TensorFlow version yet")
        print()
        print(report.terminal_table(title, results))
        for note in notes:
            print("  note: %s" % note)
        print()
        sections.append(("stage%d" % number,
                         report.markdown_section(title, results, notes, date)))
    rows = machine.describe(peers.versions())
    print("Load average at the end: %s" % _load())
    print("Machine: " + "; ".join("%s %s" % row for row in rows))
    if args.write:
        for key, section in sections:
            report.update_results(RESULTS, key, section, rows)
        print("Wrote %s" % os.path.relpath(RESULTS))
    else:
        print("(run with --write to refresh bench/RESULTS.md)")


if __name__ == "__main__":
    main()
