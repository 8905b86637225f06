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

No replica waits forever: each waits in a collective at most
``timeout_seconds`` (then ``tf.errors.DeadlineExceededError`` names the ranks
that did not arrive), and a rank that dies is named by the ranks that waited
for it (``tf.errors.UnavailableError``).

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

import os
import signal
import sys
import threading
import time
import traceback
import zlib

import numpy as np

import stage4_training as _stage4
from stage1_tensors.dispatch import init_scope
from stage1_tensors.tensor import Tensor
from stage2_autodiff import variable_creator_scope
from stage2_autodiff import nest
from stage4_training import distribute as _stage4_distribute
from stage4_training.distribute import (InputContext, ReduceOp, Strategy,  # noqa: F401
                                        get_replica_context, get_strategy, has_strategy)

from .devices import copy_to_device
from .errors import DeadlineExceededError, UnavailableError
from .py_func import numpy_function

__all__ = ["Strategy", "MirroredStrategy", "MultiWorkerMirroredStrategy", "ReduceOp",
           "get_strategy", "has_strategy", "get_replica_context", "InputContext",
           "DistributedDataset", "shard_bounds", "experimental"]

tf = _stage4

# Gradients travel in buckets of at most this many bytes (PyTorch DDP's default,
# 25 MiB): one message per bucket instead of one per variable, so the fixed cost
# of a message is paid a few times per step rather than once per weight.
BUCKET_BYTES = 25 * 2 ** 20

# How long a replica waits in one collective for the others before it raises
# DeadlineExceededError (CommunicationOptions(timeout_seconds=...) changes it;
# TensorFlow's default waits forever, ours is bounded so that no run hangs).
DEFAULT_TIMEOUT_SECONDS = 300.0

# A replica whose collective has not finished looks around this often: is a
# rank dead, is the deadline past, does a rank ask where it is?
_LOOK_SECONDS = 0.05
# A waiting rank gives its core away after this many polls, as MPICH's own
# blocking waits do (MPIR_CVAR_POLLS_BEFORE_YIELD): on a machine with more
# ranks than cores the rank still computing gets it.
_POLLS_BEFORE_YIELD = 1000
_yield_the_cpu = getattr(os, "sched_yield", lambda: time.sleep(0))
# How long a rank past its deadline waits for the others to say where they are.
_ANSWER_SECONDS = 0.5
# The tags of those questions and answers, on a communicator of their own.
_QUESTION, _ANSWER = 1, 2
# How long a rank that raised lets mpiexec pass its traceback on before MPI_Abort.
_ABORT_DELAY_SECONDS = 0.2


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


def _rows_of(batch, start, stop):
    """Rows ``[start, stop)`` of every part of ``batch`` (scalars stay whole)."""
    return nest.pack_sequence_as(batch, [part[start:stop] if np.ndim(part) > 0 else part
                                         for part in nest.flatten(batch)])


def _rows(batch):
    """The global batch's number of rows (its first dimension, the same for every part)."""
    sizes = {int(np.shape(part)[0]) for part in nest.flatten(batch) if np.ndim(part) > 0}
    if len(sizes) != 1:
        raise ValueError("tf.distribute: every part of a batch must have the same number of "
                         "rows to be split among replicas; got %s" % sorted(sizes))
    return sizes.pop()


class CommunicationOptions:
    """How the replicas talk (``tf.distribute.experimental.CommunicationOptions``).

    ``timeout_seconds``: how long a replica waits in one collective (an
    all-reduce, a broadcast, a barrier) for the other ranks to arrive before it
    raises ``tf.errors.DeadlineExceededError`` naming those that did not;
    ``None`` means ``DEFAULT_TIMEOUT_SECONDS`` (300 s; TensorFlow's ``None``
    waits forever), ``0`` waits forever. ``bytes_per_pack``: the most bytes of
    gradients in one all-reduce (``0``: ``BUCKET_BYTES``, 25 MiB).
    ``implementation`` is accepted for TensorFlow's signature; MPI decides.

    >>> import stage5_gpu as tf
    >>> options = tf.distribute.experimental.CommunicationOptions(timeout_seconds=30)
    >>> tf.distribute.MultiWorkerMirroredStrategy(communication_options=options).timeout_seconds
    30.0
    """

    def __init__(self, bytes_per_pack=0, timeout_seconds=None, implementation=None):
        if bytes_per_pack < 0:
            raise ValueError("CommunicationOptions: bytes_per_pack must be >= 0 (0: the "
                             "default, %d), got %r" % (BUCKET_BYTES, bytes_per_pack))
        if timeout_seconds is not None and not timeout_seconds >= 0:
            raise ValueError("CommunicationOptions: timeout_seconds must be >= 0 (0: wait "
                             "forever) or None (%g s), got %r"
                             % (DEFAULT_TIMEOUT_SECONDS, timeout_seconds))
        self.bytes_per_pack = int(bytes_per_pack)
        self.timeout_seconds = timeout_seconds
        self.implementation = implementation

    def __repr__(self):
        return "CommunicationOptions(bytes_per_pack=%d, timeout_seconds=%r)" % (
            self.bytes_per_pack, self.timeout_seconds)


class experimental:  # noqa: N801  (a namespace: tf.distribute.experimental)
    """``tf.distribute.experimental``: ``CommunicationOptions``."""
    CommunicationOptions = CommunicationOptions


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
            yield _rows_of(batch, start, stop)
        self._share = None

    def _predict_batch(self, batch, predict):
        rows = _rows(batch)
        if rows < self.num_replicas_in_sync:      # too few rows to share: all predict all
            return predict(batch)
        start, stop = shard_bounds(rows, self.num_replicas_in_sync, self._replica_id)
        local = predict(_rows_of(batch, start, stop))
        return nest.pack_sequence_as(local, [self._gather_rows(np.asarray(part), rows)
                                             for part in nest.flatten(local)])

    def _gather_rows(self, part, rows):
        """The replicas' shards of one batch of ``rows`` rows, joined in rank order
        (which is the batch's order): each shard is padded to the largest, all
        gathered, and the padding cut off again."""
        sizes = [stop - start for start, stop in (
            shard_bounds(rows, self.num_replicas_in_sync, r)
            for r in range(self.num_replicas_in_sync))]
        padded = np.zeros((max(sizes),) + part.shape[1:], part.dtype)
        padded[:len(part)] = part
        gathered = self._all_gather(padded)
        return np.concatenate([shard[:size] for shard, size in zip(gathered, sizes)])

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
        return self._sum_over_replicas(gradients)

    def _sum_over_replicas(self, tensors):
        """Each tensor summed over the replicas (one bucketed all-reduce), as tensors."""
        if self.num_replicas_in_sync == 1:
            return list(tensors)
        if not tf.executing_eagerly():
            # Inside a traced function the sum becomes one graph node that
            # calls MPI each time the graph runs.
            return numpy_function(lambda *arrays: self._all_reduce_sum(list(arrays)),
                                  list(tensors), [t.dtype for t in tensors])
        # np.asarray reads each tensor's array without copying it: packing the
        # bucket is the one copy, and _all_reduce_sum never writes its inputs.
        # A tensor on a GPU is staged through host memory: np.asarray copies it
        # to the host, MPI sums host buffers, and its sum goes back to its device.
        summed = self._all_reduce_sum([np.asarray(t) for t in tensors])
        # The sums are views of bucket buffers made for this call alone, so they
        # become tensors as they are, without tf.constant's copy (the MLP's
        # step: 0.1-0.2 ms less on 2 ranks, of 5-9 ms).
        return [Tensor(s) if t.device.endswith("CPU:0") else copy_to_device(Tensor(s), t.device)
                for t, s in zip(tensors, summed)]

    def _metric_results(self, metrics):
        if self.num_replicas_in_sync == 1:
            return Strategy._metric_results(self, metrics)
        # A metric's state (totals, counts, confusion counts) adds up across
        # replicas; its result is read from the summed state, then the state
        # goes back to this replica's own (eagerly, or as graph ops in a trace).
        state = [v for metric in metrics for v in metric.variables]
        local = [tf.identity(v) for v in state]
        for variable, total in zip(state, self._sum_over_replicas(local)):
            variable.assign(total)
        results = {metric.name: tf.identity(metric.result()) for metric in metrics}
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

    Without ``mpiexec`` it is a world of one. No rank waits forever for the
    others (see *When a replica fails* in the docs):

    - a rank that raises prints its traceback with its rank, then stops every
      rank (``MPI_Abort``);
    - a rank that does not arrive at a collective within ``timeout_seconds``
      (``communication_options``, default 300 s) makes the ranks waiting there
      raise ``tf.errors.DeadlineExceededError`` naming it;
    - a rank that is killed makes the ranks waiting for it raise
      ``tf.errors.UnavailableError`` naming it, when ``mpiexec`` lets them live
      on to say so (``mpiexec -disable-auto-cleanup``; by default ``mpiexec``
      kills them at once itself, and names the dead rank's process id).

    To name ranks, the strategy learns every rank's process id and host when it
    is made. ``cluster_resolver`` is accepted for TensorFlow's signature; MPI
    decides.

    >>> import stage5_gpu as tf
    >>> strategy = tf.distribute.MultiWorkerMirroredStrategy()
    >>> strategy.num_replicas_in_sync, strategy.cluster_resolver.task_id
    (1, 0)
    >>> strategy.timeout_seconds
    300.0
    """

    def __init__(self, cluster_resolver=None, communication_options=None):
        super().__init__()
        MPI = _mpi()
        self._MPI = MPI
        self._comm = MPI.COMM_WORLD
        options = communication_options or CommunicationOptions()
        self.timeout_seconds = float(DEFAULT_TIMEOUT_SECONDS if options.timeout_seconds is None
                                     else options.timeout_seconds)
        self._bucket_bytes = options.bytes_per_pack or BUCKET_BYTES
        self.cluster_resolver = _ClusterResolver(self._comm.Get_rank(), self._comm.Get_size())
        self._collectives = 0      # collectives begun: the same count on every rank
        self._waiting_in = None    # (number, name) of the collective this rank waits in
        self._watch = None         # a communicator of its own for "where are you?"
        self._sends = []           # questions and answers still on their way
        self._peers = None         # each rank's (process id, host), in rank order
        if self._comm.Get_size() > 1:
            _abort_all_on_error(self._comm)
            _listen_for_failure_notices()
            self._watch, request = self._comm.Idup()
            self._wait(request, "MultiWorkerMirroredStrategy()")
            self._peers = self._who_is_who()
            if self._replica_id == 0:   # mpiexec names a killed process by its pid alone
                names = ", ".join(self._name(rank) for rank in range(self.num_replicas_in_sync))
                sys.stderr.write("tf.distribute: MultiWorkerMirroredStrategy over %d ranks: %s\n"
                                 % (self.num_replicas_in_sync, names))
                sys.stderr.flush()
            _stage4_distribute._register_cluster(self)

    @property
    def num_replicas_in_sync(self):
        return self._comm.Get_size()

    @property
    def _replica_id(self):
        return self._comm.Get_rank()

    # --- the collectives, on MPI ------------------------------------------------------
    def _all_reduce_sum(self, arrays):
        """Sums each array over the replicas; arrays of one dtype travel together
        in buckets of up to ``BUCKET_BYTES`` (one all-reduce per bucket)."""
        arrays = [np.asarray(a) for a in arrays]
        if self.num_replicas_in_sync == 1:
            return arrays
        summed = [None] * len(arrays)
        for bucket in _buckets(arrays, self._bucket_bytes):
            flat = np.concatenate([arrays[i].ravel() for i in bucket])
            self._wait(self._comm.Iallreduce(self._MPI.IN_PLACE, flat, op=self._MPI.SUM),
                       "all-reduce")
            offset = 0
            for i in bucket:
                size = arrays[i].size
                summed[i] = flat[offset:offset + size].reshape(arrays[i].shape)
                offset += size
        return summed

    def _broadcast_from_chief(self, array):
        array = np.array(array, order="C")     # a copy MPI may write into
        if self.num_replicas_in_sync > 1:
            self._wait(self._comm.Ibcast(array, root=0), "broadcast")
        return array

    def _barrier(self):
        if self.num_replicas_in_sync > 1:
            self._wait(self._comm.Ibarrier(), "barrier")

    def _all_gather(self, array):
        gathered = np.empty((self.num_replicas_in_sync,) + array.shape, array.dtype)
        self._wait(self._comm.Iallgather(array, gathered), "all-gather")
        return gathered

    def _all_gather_text(self, text):
        data = np.frombuffer(text.encode(), dtype=np.uint8)
        sizes = self._all_gather(np.array([data.size], dtype=np.int64)).ravel()
        padded = np.zeros(int(sizes.max()), np.uint8)
        padded[:data.size] = data
        rows = self._all_gather(padded)
        return [bytes(row[:size]).decode() for row, size in zip(rows, sizes)]

    # --- waiting, with a deadline ------------------------------------------------------
    # Every collective is started non-blocking (Iallreduce, Ibcast, ...) and
    # waited for here: the wait polls the request, and while it is not done,
    # looks around every _LOOK_SECONDS. A collective that finishes at once
    # costs a few polls more than MPI's own blocking wait, nothing else.
    def _wait(self, request, name):
        """Returns when this rank's part of a collective is done (``request.Wait()``),
        or raises if a rank it waits for has died or the deadline has passed."""
        self._collectives += 1
        self._waiting_in = (self._collectives, name)
        started = time.monotonic()
        look_at = started + _LOOK_SECONDS
        polls = 0
        try:
            while not request.Test():
                polls += 1
                if polls % _POLLS_BEFORE_YIELD == 0:
                    _yield_the_cpu()
                now = time.monotonic()
                if now >= look_at:
                    self._look_around(now - started)
                    look_at = now + _LOOK_SECONDS
        except self._MPI.Exception as error:     # MPI noticed a failure itself
            self._raise_if_a_rank_ended()
            raise UnavailableError("tf.distribute: MPI failed on rank %d in %s #%d: %s" % (
                self._replica_id, name, self._collectives, error), op=name) from None
        self._waiting_in = None

    def _look_around(self, waited):
        self._answer_questions()
        self._raise_if_a_rank_ended()
        if self.timeout_seconds and waited > self.timeout_seconds:
            self._raise_deadline_exceeded(waited)

    def _who_is_who(self):
        """Every rank's (process id, host), so that a failure can be named by rank."""
        pids = self._all_gather(np.array([os.getpid()], np.int64)).ravel()
        hosts = self._all_gather_text(self._MPI.Get_processor_name())
        return [(int(pid), host) for pid, host in zip(pids, hosts)]

    def _name(self, rank):
        """``"rank 1 (pid 4242 on node1)"``, or ``"rank 1"`` before the ranks met."""
        if self._peers is None:
            return "rank %d" % rank
        return "rank %d (pid %d on %s)" % ((rank,) + self._peers[rank])

    def _raise_if_a_rank_ended(self):
        """Raises UnavailableError naming the ranks that ended: the ranks of this
        host whose processes are gone; and, once mpiexec has signalled that some
        rank ended (SIGUSR1) and none of this host did, the ranks that do not
        answer "where are you?" (a rank on another host cannot be looked at)."""
        if self._peers is None:
            return
        number, name = self._waiting_in
        here = self._peers[self._replica_id][1]
        ended = [rank for rank, (pid, host) in enumerate(self._peers)
                 if host == here and rank != self._replica_id and _process_ended(pid)]
        if ended:
            raise UnavailableError(
                "tf.distribute: %s ended (was killed, or exited) while rank %d waited for it "
                "in %s #%d; the other ranks cannot go on without it"
                % (" and ".join(self._name(rank) for rank in ended), self._replica_id,
                   name, number), op=name)
        if _failure_notices:
            del _failure_notices[:]
            answers = self._ask_where_everyone_is()
            silent = [self._name(rank) for rank in range(self.num_replicas_in_sync)
                      if rank != self._replica_id and rank not in answers]
            if silent:
                raise UnavailableError(
                    "tf.distribute: mpiexec reported that a rank ended while rank %d waited "
                    "in %s #%d, and %s did not answer (ended, or busy outside tf.distribute)"
                    % (self._replica_id, name, number, " and ".join(silent)), op=name)

    def _raise_deadline_exceeded(self, waited):
        """Asks the other ranks where they are, then raises DeadlineExceededError
        naming the ranks that did not answer from this collective."""
        number, name = self._waiting_in
        if self._watch is None:        # still making the strategy: nobody to ask yet
            raise DeadlineExceededError(
                "tf.distribute: rank %d waited %.1f s for the other ranks to make "
                "MultiWorkerMirroredStrategy(); some have not arrived"
                % (self._replica_id, waited), op=name)
        answers = self._ask_where_everyone_is()
        late, elsewhere = [], []
        for rank in range(self.num_replicas_in_sync):
            if rank == self._replica_id:
                continue
            if rank not in answers:
                late.append(self._name(rank))
            elif answers[rank] != self._waiting_in:
                elsewhere.append("%s waits in %s #%d instead" % (
                    self._name(rank), answers[rank][1], answers[rank][0]))
        if late:
            what = "%s %s not arrived there" % (" and ".join(late),
                                                "has" if len(late) == 1 else "have")
        elif elsewhere:
            what = "the ranks are in different collectives: " + "; ".join(elsewhere)
        else:
            what = "every rank is in it, but MPI has not finished it"
        raise DeadlineExceededError(
            "tf.distribute: rank %d waited %.1f s (timeout_seconds=%g) in %s #%d, and %s. "
            "A rank that has not arrived is busy or stuck outside tf.distribute (an endless "
            "loop, a sleep, a read) or its script has ended; if it is only slow, raise "
            "timeout_seconds (tf.distribute.experimental.CommunicationOptions)"
            % (self._replica_id, waited, self.timeout_seconds, name, number, what), op=name)

    def _ask_where_everyone_is(self):
        """Each other rank's answer, within _ANSWER_SECONDS, to "which collective
        are you waiting in?": ``{rank: (number, name)}``. Only a rank waiting in
        a collective answers, so the ranks missing from it have not arrived."""
        others = [rank for rank in range(self.num_replicas_in_sync) if rank != self._replica_id]
        for rank in others:
            self._sends.append(self._watch.isend(None, dest=rank, tag=_QUESTION))
        answers, status = {}, self._MPI.Status()
        until = time.monotonic() + _ANSWER_SECONDS
        while len(answers) < len(others) and time.monotonic() < until:
            self._answer_questions()          # the others may be asking too
            if self._watch.iprobe(source=self._MPI.ANY_SOURCE, tag=_ANSWER, status=status):
                rank = status.Get_source()
                answers[rank] = self._watch.recv(source=rank, tag=_ANSWER)
            else:
                time.sleep(0.001)
        return answers

    def _answer_questions(self):
        """Tells each rank that asked where this one waits."""
        if self._watch is None:
            return
        status = self._MPI.Status()
        while self._watch.iprobe(source=self._MPI.ANY_SOURCE, tag=_QUESTION, status=status):
            rank = status.Get_source()
            self._watch.recv(source=rank, tag=_QUESTION)
            self._sends.append(self._watch.isend(self._waiting_in, dest=rank, tag=_ANSWER))
        self._sends = [request for request in self._sends if not request.Test()]


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


def _buckets(arrays, bucket_bytes=BUCKET_BYTES):
    """Lists of indices of ``arrays``: same dtype, at most ``bucket_bytes`` each
    (an array larger than that travels alone).

    >>> import numpy as np
    >>> from stage5_gpu.distribute import _buckets
    >>> _buckets([np.zeros(2), np.zeros(2), np.zeros(2, np.int32), np.zeros(2)], 32)
    [[0, 1], [2], [3]]
    """
    buckets, open_ = [], {}
    for i, array in enumerate(arrays):
        key = array.dtype.str
        bucket = open_.get(key)
        if bucket is None or bucket[1] + array.nbytes > bucket_bytes:
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
        sys.stderr.write("[rank %d of %d] %s" % (rank, size, text)
                         + "tf.distribute: rank %d of %d raised %s; stopping all %d ranks "
                         "(MPI_Abort)\n" % (rank, size, kind.__name__, size))
        sys.stderr.flush()
        # mpiexec passes a rank's output on in its own time, and MPI_Abort stops
        # the passing too: give it a moment, or the last lines may be lost.
        time.sleep(_ABORT_DELAY_SECONDS)
        comm.Abort(1)

    sys.excepthook = excepthook


def _process_ended(pid):
    """Whether process ``pid`` of this host has ended: gone, or a zombie (dead,
    not yet reaped by the mpiexec proxy that started it).

    >>> import os
    >>> from stage5_gpu.distribute import _process_ended
    >>> _process_ended(os.getpid())
    False
    """
    if not os.path.isdir("/proc"):      # no process table to read (macOS): ask the kernel
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            pass
        return False
    try:
        with open("/proc/%d/stat" % pid) as stat:
            state = stat.read().rpartition(")")[2].split()[0]   # after "pid (command)"
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")


# When mpiexec has signalled (SIGUSR1) that some rank ended.
_failure_notices = []


def _listen_for_failure_notices():
    """Under ``mpiexec -disable-auto-cleanup``, mpiexec tells the ranks left that
    one has ended with a SIGUSR1, whose default action would end them too, in
    silence. Note its time instead: the next wait names the rank that ended.
    (Only where SIGUSR1 is unhandled, from the main thread, which Python needs.)"""
    if (not hasattr(signal, "SIGUSR1")
            or threading.current_thread() is not threading.main_thread()
            or signal.getsignal(signal.SIGUSR1) is not signal.SIG_DFL):
        return
    signal.signal(signal.SIGUSR1, lambda signum, frame: _failure_notices.append(time.monotonic()))
