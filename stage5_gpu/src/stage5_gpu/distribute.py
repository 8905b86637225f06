"""Data-parallel training on many processes, over MPI: ``tf.distribute``.

Run the same script as N processes (``mpiexec -n 4 python train.py``); each
process is one *replica* holding a whole copy of the model. Under
``MultiWorkerMirroredStrategy`` the replicas train as one model would on the
global batch, in four moves:

1. **mirrored variables**: a variable made in ``strategy.scope()`` starts, on
   every replica, from replica 0's initial value (a broadcast), so the copies
   begin equal;
2. **sharded batches**: every replica reads the same global batch of B rows and
   keeps its own contiguous shard of about B/N rows;
3. **all-reduced gradients**: each replica scales its loss by its share of the
   global batch (rows it holds / B), takes the gradient, and ``apply_gradients``
   sums the gradients of all replicas (an *all-reduce*, packed into a few large
   messages). The sum is the gradient of the global batch's mean loss, the same
   on every replica, so the same update keeps the copies equal;
4. **one voice**: metrics are read from the sum of every replica's metric state;
   replica 0 (the *chief*) alone prints, writes checkpoints, summaries and saved
   models, and the others wait for it.

The messages are MPI's (``mpi4py``): we explain all-reduce, we do not write
networking. Stage 4's default strategy asks these same questions of one
replica; this module answers them for N (see ``stage4_training.distribute``).

>>> import stage5_gpu as tf
>>> strategy = tf.distribute.MirroredStrategy()     # one process: one replica
>>> strategy.num_replicas_in_sync
1
>>> with strategy.scope():
...     v = tf.Variable(2.0)
>>> float(strategy.reduce("SUM", strategy.run(lambda: v * 3), axis=None))
6.0
"""

import sys
import threading
import traceback
import zlib

import numpy as np

import stage4_training as _stage4
from stage1_tensors.dispatch import init_scope
from stage2_autodiff import variable_creator_scope
from stage2_autodiff import nest
from stage4_training import distribute as _stage4_distribute
from stage4_training.distribute import (InputContext, ReduceOp, Strategy,  # noqa: F401
                                        get_replica_context, get_strategy, has_strategy)

from .py_func import numpy_function

__all__ = ["Strategy", "MirroredStrategy", "MultiWorkerMirroredStrategy", "ReduceOp",
           "get_strategy", "has_strategy", "get_replica_context", "InputContext",
           "DistributedDataset", "shard_bounds"]

tf = _stage4

# Gradients travel in buckets of at most this many bytes (PyTorch DDP's default,
# 25 MiB): one message per bucket instead of one per variable, so the fixed cost
# of a message is paid a few times per step rather than once per weight.
BUCKET_BYTES = 25 * 2 ** 20


def _mpi():
    """mpi4py's ``MPI`` module, or an ImportError saying what to install."""
    try:
        from mpi4py import MPI
    except ImportError as error:
        raise ImportError(
            "tf.distribute.MultiWorkerMirroredStrategy talks through MPI, and mpi4py is not "
            "installed (%s). Install the extra: pip install -e './stage5_gpu[mpi]' (mpi4py "
            "and the mpich wheel, which brings mpiexec), then run the script as "
            "mpiexec -n 2 python train.py" % error) from None
    return MPI


def shard_bounds(rows, num_replicas, replica_id):
    """The rows ``[start, stop)`` of a global batch of ``rows`` that replica
    ``replica_id`` of ``num_replicas`` trains on: contiguous shards whose sizes
    differ by at most one, the larger ones first.

    >>> from stage5_gpu.distribute import shard_bounds
    >>> [shard_bounds(10, 3, r) for r in range(3)]
    [(0, 4), (4, 7), (7, 10)]
    """
    if rows < num_replicas:
        raise ValueError(
            "tf.distribute: a global batch of %d rows cannot give each of the %d replicas "
            "a row; use a batch size of at least %d (or drop_remainder=True when batching)"
            % (rows, num_replicas, num_replicas))
    base, extra = divmod(rows, num_replicas)
    start = replica_id * base + min(replica_id, extra)
    return start, start + base + (1 if replica_id < extra else 0)


def _rows(batch):
    """The global batch's number of rows (its first dimension, the same for every part)."""
    sizes = {int(np.shape(part)[0]) for part in nest.flatten(batch) if np.ndim(part) > 0}
    if len(sizes) != 1:
        raise ValueError("tf.distribute: every part of a batch must have the same number of "
                         "rows to be split among replicas; got %s" % sorted(sizes))
    return sizes.pop()


class DistributedDataset:
    """A dataset as one replica reads it: for each global batch of the dataset,
    this replica's shard (``strategy.experimental_distribute_dataset(ds)``).

    Every replica iterates the whole dataset in the same order (seed shuffles
    with ``tf.random.set_seed`` on every replica), so the shards of one step
    make up that step's global batch exactly.
    """

    def __init__(self, strategy, dataset):
        self._strategy = strategy
        self._dataset = dataset

    def __iter__(self):
        return iter(self._strategy._distribute_batches(self._dataset))

    def __repr__(self):
        return "<DistributedDataset of %r, %d replicas>" % (self._dataset,
                                                             self._strategy.num_replicas_in_sync)


class _MirroringStrategy(Strategy):
    """What the two mirrored strategies share: the answers of ``Strategy``'s
    hooks for N replicas, given the collectives a subclass provides
    (``_all_reduce_sum``, ``_broadcast_from_chief``, ``_barrier``, and the two
    gathers below; stage 4's base class gives the one-replica forms)."""

    def __init__(self):
        self._share = None          # this replica's rows / the global batch's, this step
        self._checked = set()       # gradient layouts already checked across replicas

    # --- scope: mirrored variables ----------------------------------------------
    def scope(self):
        return _Scope(self)

    def _mirrored_creator(self, next_creator, **kwargs):
        variable = next_creator(**kwargs)
        if self.num_replicas_in_sync > 1:
            self._check_same(variable.name, [variable], "a variable made in strategy.scope()")
            with init_scope():     # the broadcast happens now, even while tracing
                variable.assign(self._broadcast_from_chief(np.asarray(variable.numpy())))
        return variable

    def experimental_distribute_dataset(self, dataset, options=None):
        """``dataset`` as this replica reads it: its shard of each global batch."""
        return DistributedDataset(self, dataset)

    # --- the hooks stage 4's training asks ---------------------------------------
    def _distribute_batches(self, batches):
        for batch in batches:
            rows = _rows(batch)
            start, stop = shard_bounds(rows, self.num_replicas_in_sync, self._replica_id)
            self._share = (stop - start) / rows
            yield nest.pack_sequence_as(batch, [part[start:stop] if np.ndim(part) > 0 else part
                                                for part in nest.flatten(batch)])
        self._share = None

    def _scale_loss(self, loss):
        share = self._share if self._share is not None else 1.0 / self.num_replicas_in_sync
        return loss * tf.constant(share, dtype=loss.dtype) if share != 1.0 else loss

    def _aggregate_gradients(self, gradients):
        if self.num_replicas_in_sync == 1:
            return gradients
        layout = tuple((tuple(g.shape), g.dtype.name) for g in gradients)
        if layout not in self._checked:     # the first all-reduce of this model: same model?
            self._check_same("the gradients", gradients, "apply_gradients")
            self._checked.add(layout)
        if not tf.executing_eagerly():
            # Inside a traced function the sum becomes one graph node that
            # calls MPI each time the graph runs.
            return numpy_function(lambda *arrays: self._all_reduce_sum(list(arrays)),
                                  list(gradients), [g.dtype for g in gradients])
        # np.asarray reads each tensor's array without copying it: packing the
        # bucket is the one copy, and _all_reduce_sum never writes its inputs.
        summed = self._all_reduce_sum([np.asarray(g) for g in gradients])
        return [tf.constant(s) for s in summed]

    def _metric_results(self, metrics):
        if self.num_replicas_in_sync == 1:
            return Strategy._metric_results(self, metrics)
        # A metric's state (totals, counts, confusion counts) adds up across
        # replicas; its result is read from the summed state.
        state = [v for metric in metrics for v in metric.variables]
        local = [np.asarray(v.numpy()) for v in state]
        for variable, total in zip(state, self._all_reduce_sum(local)):
            variable.assign(total)
        results = {metric.name: metric.result() for metric in metrics}
        for variable, value in zip(state, local):
            variable.assign(value)
        return results

    def _all_gather(self, array):
        """Every replica's ``array``, stacked in rank order."""
        return array[None]

    def _all_gather_text(self, text):
        """Every replica's string, in rank order."""
        return [text]

    # --- checks ----------------------------------------------------------------------
    def _check_same(self, what, tensors, where):
        """Raises on every replica if the replicas' ``tensors`` differ in shape or
        dtype (different models, or a different batch layout)."""
        layout = ";".join("%s%s" % (t.dtype.name, list(t.shape)) for t in tensors)
        digest = np.array([zlib.crc32(layout.encode())], dtype=np.int64)
        digests = self._all_gather(digest)
        if len(set(digests.ravel().tolist())) > 1:
            layouts = self._all_gather_text(layout)
            lines = ["  rank %d: %s" % (rank, text[:300]) for rank, text in enumerate(layouts)]
            raise ValueError(
                "tf.distribute (%s): the replicas disagree about %s. Every replica must build "
                "the same model from the same code; shapes and dtypes per rank:\n%s"
                % (where, what, "\n".join(lines)))


class _Scope:
    """``strategy.scope()``: stage 4's scope (``get_strategy()`` answers this
    strategy) plus a variable creator that mirrors every variable made inside."""

    def __init__(self, strategy):
        self._strategy = strategy
        self._contexts = []

    def __enter__(self):
        for context in (Strategy.scope(self._strategy),
                        variable_creator_scope(self._strategy._mirrored_creator)):
            context.__enter__()
            self._contexts.append(context)
        return self._strategy

    def __exit__(self, *exc):
        while self._contexts:
            self._contexts.pop().__exit__(*exc)
        return False


class MultiWorkerMirroredStrategy(_MirroringStrategy):
    """One replica per MPI process: launched as ``mpiexec -n N python train.py``,
    every process runs the script, ranks and world size come from MPI.

    Without ``mpiexec`` it is a world of one. If any replica raises, every one
    is stopped (``MPI_Abort``) after the error is printed with its rank, so no
    replica waits forever for a message that will never come.

    ``communication_options`` and ``cluster_resolver`` are accepted for
    TensorFlow's signature; MPI decides both.

    >>> import stage5_gpu as tf
    >>> strategy = tf.distribute.MultiWorkerMirroredStrategy()
    >>> strategy.num_replicas_in_sync, strategy.cluster_resolver.task_id
    (1, 0)
    """

    def __init__(self, cluster_resolver=None, communication_options=None):
        super().__init__()
        MPI = _mpi()
        self._MPI = MPI
        self._comm = MPI.COMM_WORLD
        self.cluster_resolver = _ClusterResolver(self._comm.Get_rank(), self._comm.Get_size())
        if self._comm.Get_size() > 1:
            _abort_all_on_error(self._comm)
            _stage4_distribute._register_cluster(self)

    @property
    def num_replicas_in_sync(self):
        return self._comm.Get_size()

    @property
    def _replica_id(self):
        return self._comm.Get_rank()

    # --- the three collectives, on MPI -------------------------------------------
    def _all_reduce_sum(self, arrays):
        """Sums each array over the replicas; arrays of one dtype travel together
        in buckets of up to ``BUCKET_BYTES`` (one ``Allreduce`` per bucket)."""
        arrays = [np.asarray(a) for a in arrays]
        if self.num_replicas_in_sync == 1:
            return arrays
        summed = [None] * len(arrays)
        for bucket in _buckets(arrays):
            flat = np.concatenate([arrays[i].ravel() for i in bucket])
            self._comm.Allreduce(self._MPI.IN_PLACE, flat, op=self._MPI.SUM)
            offset = 0
            for i in bucket:
                size = arrays[i].size
                summed[i] = flat[offset:offset + size].reshape(arrays[i].shape)
                offset += size
        return summed

    def _broadcast_from_chief(self, array):
        array = np.array(array, order="C")     # a copy MPI may write into
        if self.num_replicas_in_sync > 1:
            self._comm.Bcast(array, root=0)
        return array

    def _barrier(self):
        if self.num_replicas_in_sync > 1:
            self._comm.Barrier()

    def _all_gather(self, array):
        gathered = np.empty((self.num_replicas_in_sync,) + array.shape, array.dtype)
        self._comm.Allgather(array, gathered)
        return gathered

    def _all_gather_text(self, text):
        data = np.frombuffer(text.encode(), dtype=np.uint8)
        sizes = self._all_gather(np.array([data.size], dtype=np.int64)).ravel()
        padded = np.zeros(int(sizes.max()), np.uint8)
        padded[:data.size] = data
        rows = self._all_gather(padded)
        return [bytes(row[:size]).decode() for row, size in zip(rows, sizes)]


class MirroredStrategy(_MirroringStrategy):
    """Synchronous training on the devices of one process. Here: the CPU, one
    replica (stage 5a's GPUs will give one replica per local GPU); its answers
    are those of one replica, so code written for it runs unchanged.

    >>> import stage5_gpu as tf
    >>> tf.distribute.MirroredStrategy().num_replicas_in_sync
    1
    """

    def __init__(self, devices=None, cross_device_ops=None):
        super().__init__()
        devices = list(devices) if devices is not None else ["/cpu:0"]
        if len(devices) != 1:
            raise ValueError(
                "MirroredStrategy: one replica per device needs several local devices; this "
                "process has one (/cpu:0), got devices=%r. For several processes use "
                "MultiWorkerMirroredStrategy under mpiexec" % (devices,))
        self.extended_devices = tuple(devices)


def _buckets(arrays):
    """Lists of indices of ``arrays``: same dtype, at most ``BUCKET_BYTES`` each
    (an array larger than that travels alone)."""
    buckets, open_ = [], {}
    for i, array in enumerate(arrays):
        key = array.dtype.str
        bucket = open_.get(key)
        if bucket is None or bucket[1] + array.nbytes > BUCKET_BYTES:
            bucket = open_[key] = ([], 0)
            buckets.append(bucket[0])
        bucket[0].append(i)
        open_[key] = (bucket[0], bucket[1] + array.nbytes)
    return buckets


class _ClusterResolver:
    """Where this process stands: ``task_type`` ``"worker"``, ``task_id`` its
    rank, ``num_workers`` the world size (TF's ``cluster_resolver`` fields)."""

    def __init__(self, rank, size):
        self.task_type = "worker"
        self.task_id = rank
        self.num_workers = size

    def __repr__(self):
        return "<ClusterResolver worker %d of %d>" % (self.task_id, self.num_workers)


_abort_lock = threading.Lock()
_abort_installed = False


def _abort_all_on_error(comm):
    """An uncaught exception on one rank prints its traceback with the rank,
    then stops every rank (``MPI_Abort``): the others would otherwise wait in
    their next collective forever."""
    global _abort_installed
    with _abort_lock:
        if _abort_installed:
            return
        _abort_installed = True
    previous = sys.excepthook
    rank, size = comm.Get_rank(), comm.Get_size()

    def excepthook(kind, value, trace):
        if issubclass(kind, KeyboardInterrupt):
            return previous(kind, value, trace)
        text = "".join(traceback.format_exception(kind, value, trace))
        sys.stderr.write("[rank %d of %d] %s" % (rank, size, text))
        sys.stderr.write("tf.distribute: rank %d of %d raised %s; stopping all %d ranks "
                         "(MPI_Abort)\n" % (rank, size, kind.__name__, size))
        sys.stderr.flush()
        comm.Abort(1)

    sys.excepthook = excepthook
