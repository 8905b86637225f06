"""``tf.distribute`` as one process sees it: the *default strategy*.

Training code asks "which strategy am I under?" at the few places where data
parallelism changes what happens. Without any strategy the answer is the
default one below: one replica (this process), and every question has the
one-process answer. Stage 5's MPI strategies (``MultiWorkerMirroredStrategy``)
subclass ``Strategy`` and give other answers; nothing else in stages 4 and 5
changes. These are the questions, and who asks them:

========================================  ===============================  =================
hook                                      asked by                         default answer
========================================  ===============================  =================
``_aggregate_gradients(gradients)``       ``Optimizer.apply_gradients``    the gradients
``_scale_loss(loss)``                     ``Model.compute_loss``           the loss
``_distribute_batches(batches)``          ``fit``, ``evaluate``            the batches
``_predict_batch(batch, predict)``        ``predict``                      ``predict(batch)``
``_metric_results(metrics)``              ``Model.get_metrics_result``     each ``result()``
``_broadcast_from_chief(array)``          ``fit``'s shuffle order          the array
``_is_chief``                             checkpoints, summaries, saving,  True
                                          the progress bar
``_barrier()``                            after a chief-only write         nothing to wait for
========================================  ===============================  =================

>>> import stage4_training as tf
>>> strategy = tf.distribute.get_strategy()
>>> strategy.num_replicas_in_sync
1
>>> float(strategy.reduce("SUM", tf.constant([1.0, 2.0]), axis=0))
3.0
"""

import contextlib
import threading

import numpy as np

import stage3_layers as tf

__all__ = ["Strategy", "ReduceOp", "get_strategy", "has_strategy", "get_replica_context",
           "InputContext"]


class ReduceOp:
    """How ``Strategy.reduce`` combines the replicas' values: ``SUM`` or ``MEAN``."""
    SUM = "SUM"
    MEAN = "MEAN"


class _Stack(threading.local):
    def __init__(self):
        self.strategies = []


_stack = _Stack()

# The strategy that started this process's place in a cluster of processes
# (stage 5's MultiWorkerMirroredStrategy registers itself): being the chief
# is a property of the process, so it holds outside any scope too.
_cluster = None


def _register_cluster(strategy):
    global _cluster
    _cluster = strategy


class InputContext:
    """What one input pipeline needs to know to read its share of the data:
    ``num_input_pipelines``, ``input_pipeline_id`` and ``num_replicas_in_sync``.

    >>> import stage4_training as tf
    >>> context = tf.distribute.InputContext(num_input_pipelines=2, input_pipeline_id=1)
    >>> context.get_per_replica_batch_size(64)
    32
    """

    def __init__(self, num_input_pipelines=1, input_pipeline_id=0, num_replicas_in_sync=None):
        self.num_input_pipelines = int(num_input_pipelines)
        self.input_pipeline_id = int(input_pipeline_id)
        self.num_replicas_in_sync = int(num_replicas_in_sync or num_input_pipelines)
        if not 0 <= self.input_pipeline_id < self.num_input_pipelines:
            raise ValueError("InputContext: input_pipeline_id must be in [0, %d), got %d"
                             % (self.num_input_pipelines, self.input_pipeline_id))

    def get_per_replica_batch_size(self, global_batch_size):
        """The global batch divided among the replicas (it must divide evenly)."""
        if global_batch_size % self.num_replicas_in_sync:
            raise ValueError("InputContext: the global batch size %d is not divisible by the "
                             "%d replicas" % (global_batch_size, self.num_replicas_in_sync))
        return global_batch_size // self.num_replicas_in_sync

    def __repr__(self):
        return ("InputContext(num_input_pipelines=%d, input_pipeline_id=%d, "
                "num_replicas_in_sync=%d)" % (self.num_input_pipelines,
                                              self.input_pipeline_id,
                                              self.num_replicas_in_sync))


class Strategy:
    """How replicas of one model train together. This base class is the
    *default strategy*: a single replica, this process.

    >>> import stage4_training as tf
    >>> strategy = tf.distribute.get_strategy()
    >>> with strategy.scope():
    ...     tf.distribute.has_strategy()
    False
    >>> strategy.run(lambda x: x * 2, args=(tf.constant(3.0),))
    tf.Tensor(6.0, shape=(), dtype=float32)
    """

    # --- who we are ---------------------------------------------------------------
    @property
    def num_replicas_in_sync(self):
        """How many replicas train in step (one per process under MPI)."""
        return 1

    @property
    def _replica_id(self):
        return 0

    @property
    def _is_chief(self):
        """Whether this replica is the chief, replica 0: the one that writes
        checkpoints, summaries and saved models, and prints progress."""
        return (_cluster or self)._replica_id == 0

    # --- the user's API ---------------------------------------------------------------
    @contextlib.contextmanager
    def scope(self):
        """While inside, ``get_strategy()`` is this strategy: variables made here
        are the strategy's, and ``fit`` trains with it."""
        _stack.strategies.append(self)
        try:
            yield self
        finally:
            _stack.strategies.pop()

    def run(self, fn, args=(), kwargs=None):
        """Runs ``fn(*args, **kwargs)`` as this process's replica, inside ``scope()``."""
        with self.scope():
            return fn(*args, **(kwargs or {}))

    def reduce(self, reduce_op, value, axis=None):
        """Combines one value per replica into one: ``"SUM"`` or ``"MEAN"`` across
        the replicas, and across ``axis`` of each value too when it is given."""
        reduce_op = _reduce_op(reduce_op, "reduce")
        value = tf.convert_to_tensor(value)
        count = 1
        if axis is not None:
            count = value.shape[axis]
            value = tf.reduce_sum(value, axis=axis)
        (total,) = self._all_reduce_sum([np.asarray(value.numpy())])
        total = tf.constant(total, dtype=value.dtype)
        if reduce_op == ReduceOp.MEAN:
            return total / tf.cast(count * self.num_replicas_in_sync, total.dtype)
        return total

    def experimental_distribute_dataset(self, dataset, options=None):
        """The dataset as this replica reads it: its share of every batch."""
        return dataset

    # --- the transport (what a multi-process strategy provides) --------------------
    def _all_reduce_sum(self, arrays):
        """Element-wise sums over the replicas of each array (one replica: itself)."""
        return arrays

    def _broadcast_from_chief(self, array):
        """Replica 0's ``array`` on every replica."""
        return array

    def _barrier(self):
        """Returns when every replica has reached it."""
        if _cluster is not None and _cluster is not self:
            _cluster._barrier()

    # --- the hooks training asks ---------------------------------------------------
    def _aggregate_gradients(self, gradients):
        return gradients

    def _scale_loss(self, loss):
        return loss

    def _distribute_batches(self, batches):
        return batches

    def _predict_batch(self, batch, predict):
        """The outputs (NumPy) of ``predict`` for the whole of one global batch."""
        return predict(batch)

    def _metric_results(self, metrics):
        return {metric.name: metric.result() for metric in metrics}

    def __repr__(self):
        return "<%s num_replicas_in_sync=%d>" % (type(self).__name__, self.num_replicas_in_sync)


def _reduce_op(reduce_op, who):
    name = getattr(reduce_op, "name", reduce_op)
    if isinstance(name, str) and name.upper() in (ReduceOp.SUM, ReduceOp.MEAN):
        return name.upper()
    raise ValueError("%s: reduce_op must be \"SUM\" or \"MEAN\" (tf.distribute.ReduceOp), "
                     "got %r" % (who, reduce_op))


_DEFAULT = Strategy()


def get_strategy():
    """The strategy of the innermost ``strategy.scope()``, else the default one.

    >>> import stage4_training as tf
    >>> tf.distribute.get_strategy().num_replicas_in_sync
    1
    """
    return _stack.strategies[-1] if _stack.strategies else _DEFAULT


def has_strategy():
    """Whether some strategy other than the default one is in scope.

    >>> import stage4_training as tf
    >>> tf.distribute.has_strategy()
    False
    """
    return get_strategy() is not _DEFAULT


def get_replica_context():
    """The strategy the current replica runs under (we keep one object for both
    TF's replica and cross-replica contexts).

    >>> import stage4_training as tf
    >>> tf.distribute.get_replica_context().num_replicas_in_sync
    1
    """
    return get_strategy()
