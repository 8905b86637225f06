"""A description of the machine a benchmark ran on, for the results file.

Numbers without the machine are meaningless: ratios travel between machines
better than seconds do, but BLAS, core count and Python version still matter.
"""

import datetime
import os
import platform
import sys

import numpy as np

__all__ = ["describe"]


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _blas():
    try:
        config = np.show_config(mode="dicts")
        blas = config["Build Dependencies"]["blas"]
        return "%s %s" % (blas.get("name", "?"), blas.get("version", ""))
    except Exception:   # older NumPy or an unusual build: not worth failing over
        return "unknown"


def _cores():
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    return "%s (usable by this process: %s)" % (os.cpu_count(), usable or "?")


def describe(peer_versions):
    """A list of ``(what, value)`` pairs: CPU, cores, OS, Python, NumPy, peers, date."""
    rows = [
        ("CPU", _cpu_model()),
        ("Cores", _cores()),
        ("OS", "%s %s" % (platform.system(), platform.release())),
        ("Python", sys.version.split()[0]),
        ("NumPy", "%s (BLAS: %s)" % (np.__version__, _blas().strip())),
    ]
    labels = {"torch": "PyTorch", "tensorflow": "TensorFlow"}
    for name in ("torch", "tensorflow"):
        rows.append((labels[name], peer_versions.get(name, "not installed")))
    rows.append(("Date", datetime.datetime.now().strftime("%Y-%m-%d %H:%M")))
    return rows
