"""Helpers of the stage-5 tests: trace a function into a graph and run it."""

import numpy as np

import stage5_gpu as tf
from stage5_gpu.runner import compile_graph
from stage5_gpu.tracing import Tracer


def trace(fn, *examples):
    """The graph of ``fn`` traced on ``examples`` (its outputs set)."""
    with Tracer(getattr(fn, "__name__", "f")) as tracer:
        args = [tracer.placeholder(tf.constant(e)) for e in examples]
        tracer.set_outputs(fn(*args))
    return tracer.graph


def run(graph, *arrays):
    return compile_graph(graph).run([np.asarray(a) for a in arrays])


def labels(graph):
    return [n.label for n in graph.op_nodes()]
