"""tf.distribute: data-parallel training over MPI (one process per replica).

The multi-process tests launch ``mpiexec -n 2`` on the helper script
``mpi/train_mlp.py`` and compare with the same script in one process.
"""

import json
import os
import re
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

import stage5_gpu as tf
from stage5_gpu.distribute import shard_bounds

pytestmark = pytest.mark.stage5_task6

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "mpi", "train_mlp.py")
MPIEXEC = os.path.join(os.path.dirname(sys.executable), "mpiexec")
ENV = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")

needs_mpiexec = pytest.mark.skipif(not os.path.exists(MPIEXEC),
                                   reason="mpiexec not installed (pip install mpich mpi4py)")


def launch(args, ranks, timeout=120, options=(), env=ENV):
    """Runs ``python args`` under ``mpiexec -n ranks options`` (``ranks=0``: no
    mpiexec) with ``env``; the result and the seconds it took. A run past
    ``timeout`` is stopped, every rank with it, and the test fails: nothing is
    left running."""
    command = (([MPIEXEC] + list(options) + ["-n", str(ranks)] if ranks else [])
               + [sys.executable] + args)
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env=env, start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        stdout, stderr = stop(process)
        pytest.fail("%s ran past %d s (a hang?); stopped it.\nstdout:\n%s\nstderr:\n%s"
                    % (" ".join(command), timeout, stdout, stderr))
    result = subprocess.CompletedProcess(command, process.returncode, stdout, stderr)
    return result, time.monotonic() - started


def stop(process):
    """Stops mpiexec and its ranks (each rank is a session of its own, so killing
    mpiexec's group would leave them running): mpiexec passes a first Ctrl-C on
    to the ranks and kills them at a second one."""
    for _ in range(2):
        process.send_signal(signal.SIGINT)
        try:
            return process.communicate(timeout=5)
        except subprocess.TimeoutExpired:
            pass
    os.killpg(process.pid, signal.SIGKILL)
    return process.communicate()


def results(folder, rank):
    weights = np.load(os.path.join(folder, "rank%d.npz" % rank))
    with open(os.path.join(folder, "rank%d.json" % rank)) as file:
        return [weights[k] for k in sorted(weights)], json.load(file)


# --- one process -------------------------------------------------------------------
def test_shard_bounds_cover_the_batch_in_order():
    for rows in (2, 7, 64, 65):
        for replicas in (1, 2, 3):
            if rows < replicas:
                continue
            bounds = [shard_bounds(rows, replicas, r) for r in range(replicas)]
            assert bounds[0][0] == 0 and bounds[-1][1] == rows
            assert all(a[1] == b[0] for a, b in zip(bounds, bounds[1:]))
            sizes = [b - a for a, b in bounds]
            assert max(sizes) - min(sizes) <= 1


def test_a_batch_smaller_than_the_replicas_is_refused():
    with pytest.raises(ValueError, match="at least 2"):
        shard_bounds(1, 2, 0)


def test_default_and_mirrored_strategy_answer_for_one_replica():
    for strategy in (tf.distribute.get_strategy(), tf.distribute.MirroredStrategy()):
        assert strategy.num_replicas_in_sync == 1
        with strategy.scope():
            assert tf.distribute.get_strategy() is strategy
            v = tf.Variable([1.0, 2.0])
        out = strategy.run(lambda a: a * 2.0, args=(v,))
        np.testing.assert_allclose(strategy.reduce("SUM", out, axis=0).numpy(), 6.0)
        np.testing.assert_allclose(strategy.reduce("MEAN", out, axis=0).numpy(), 3.0)
    with pytest.raises(ValueError, match="SUM"):
        tf.distribute.get_strategy().reduce("MAX", tf.constant(1.0))


def test_multi_worker_strategy_without_mpiexec_is_a_world_of_one():
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    assert strategy.num_replicas_in_sync == 1
    assert strategy.cluster_resolver.task_id == 0
    dataset = tf.data.Dataset.from_tensor_slices(np.arange(10.0)).batch(4)
    shards = [b.numpy().tolist() for b in strategy.experimental_distribute_dataset(dataset)]
    assert shards == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]


def test_compute_average_loss_divides_by_the_global_batch():
    loss = tf.nn.compute_average_loss(tf.constant([1.0, 2.0, 3.0]),
                                      sample_weight=tf.constant([1.0, 0.0, 1.0]),
                                      global_batch_size=8)
    np.testing.assert_allclose(loss.numpy(), 0.5)
    with pytest.raises(ValueError, match="global_batch_size"):
        tf.nn.compute_average_loss(tf.constant([1.0]), global_batch_size=0)


def test_compute_average_loss_wants_one_loss_per_example():
    # As in TensorFlow: a scalar (an already reduced loss) is refused.
    with pytest.raises(ValueError, match="rank 1"):
        tf.nn.compute_average_loss(tf.constant(3.0))
    np.testing.assert_allclose(tf.nn.compute_average_loss(tf.constant([1.0, 3.0])).numpy(), 2.0)


def test_compute_average_loss_counts_an_unknown_batch_when_the_graph_runs():
    average = tf.function(tf.nn.compute_average_loss,
                          input_signature=[tf.TensorSpec([None], tf.float32)])
    for losses in ([1.0, 3.0], [1.0, 2.0, 3.0, 6.0]):
        np.testing.assert_allclose(average(tf.constant(losses)).numpy(), np.mean(losses))
    assert average.experimental_get_tracing_count() == 1


def test_without_mpi4py_the_error_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "mpi4py", None)
    with pytest.raises(ImportError, match=r"stage5_gpu\[mpi\]"):
        tf.distribute.MultiWorkerMirroredStrategy()


def test_communication_options_set_the_timeout_and_the_bucket_size():
    default = tf.distribute.MultiWorkerMirroredStrategy()
    assert default.timeout_seconds == tf.distribute.DEFAULT_TIMEOUT_SECONDS == 300.0
    options = tf.distribute.experimental.CommunicationOptions(bytes_per_pack=1024,
                                                              timeout_seconds=2.5)
    strategy = tf.distribute.MultiWorkerMirroredStrategy(communication_options=options)
    assert strategy.timeout_seconds == 2.5 and strategy._bucket_bytes == 1024
    forever = tf.distribute.experimental.CommunicationOptions(timeout_seconds=0)
    assert tf.distribute.MultiWorkerMirroredStrategy(
        communication_options=forever).timeout_seconds == 0
    for bad in ({"timeout_seconds": -1}, {"timeout_seconds": float("nan")},
                {"bytes_per_pack": -1}):
        with pytest.raises(ValueError, match="CommunicationOptions"):
            tf.distribute.experimental.CommunicationOptions(**bad)


def test_buckets_hold_one_dtype_up_to_the_bucket_size():
    from stage5_gpu.distribute import _buckets
    arrays = [np.zeros(4, np.float32), np.zeros(4, np.float32), np.zeros(1, np.int64),
              np.zeros(8, np.float32), np.zeros(2, np.float32)]
    assert _buckets(arrays, 32) == [[0, 1], [2], [3], [4]]
    assert _buckets(arrays) == [[0, 1, 3, 4], [2]]


def test_a_process_that_ended_is_told_from_a_live_one_zombies_included():
    from stage5_gpu.distribute import _process_ended
    assert not _process_ended(os.getpid())
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert not _process_ended(child.pid)
        child.kill()
        deadline = time.monotonic() + 10
        while not _process_ended(child.pid):   # dead but not yet reaped: a zombie
            assert time.monotonic() < deadline
            time.sleep(0.01)
    finally:
        child.kill()
        child.wait()
    assert _process_ended(child.pid)           # reaped: gone


def test_the_new_errors_are_op_errors():
    for error in (tf.errors.DeadlineExceededError, tf.errors.UnavailableError):
        assert issubclass(error, tf.errors.OpError)
        assert error("late", op="all-reduce").op == "all-reduce"


def test_inside_a_strategy_variables_pass_through_variable_creator_scope():
    seen = []

    def creator(next_creator, **kwargs):
        seen.append(kwargs["name"])
        return next_creator(**kwargs)

    with tf.variable_creator_scope(creator):
        tf.Variable(1.0, name="a")
    assert seen == ["a"]


# --- two processes -----------------------------------------------------------------
@needs_mpiexec
@pytest.mark.parametrize("mode", ["fit", "fit_traced", "loop", "function"])
def test_two_ranks_train_to_the_weights_of_one_process(tmp_path, mode):
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    single, _ = launch([SCRIPT, str(one), mode, "single"], ranks=0)
    assert single.returncode == 0, single.stderr
    pair, _ = launch([SCRIPT, str(two), mode], ranks=2)
    assert pair.returncode == 0, pair.stderr
    reference, ref_report = results(one, 0)
    rank0, report0 = results(two, 0)
    rank1, report1 = results(two, 1)
    assert report0["replicas"] == 2
    for a, b, c in zip(reference, rank0, rank1):
        np.testing.assert_array_equal(b, c)          # the replicas stay identical
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6)
    if mode in ("fit", "fit_traced"):
        for key in ("history", "evaluate"):
            assert report0[key] == report1[key]      # metrics reduced across ranks
        np.testing.assert_allclose(report0["history"]["loss"], ref_report["history"]["loss"],
                                   rtol=1e-5)
        np.testing.assert_allclose(report0["evaluate"], ref_report["evaluate"], rtol=1e-5)
        # predict: each rank predicts its shard, and every rank gets all 101 rows
        predicted = [np.load(os.path.join(folder, "predict%d.npy" % r))
                     for folder, r in ((one, 0), (two, 0), (two, 1))]
        assert all(p.shape == (101, 10) for p in predicted)
        np.testing.assert_array_equal(predicted[1], predicted[2])
        np.testing.assert_allclose(predicted[1], predicted[0], rtol=1e-4, atol=1e-5)
        if mode == "fit":           # eager steps: the Python of each ran on a shard
            assert ref_report["rows_predicted"] == 101
            assert (report0["rows_predicted"], report1["rows_predicted"]) == (51, 50)
        assert pair.stdout.count("Epoch 1/2") == 1   # one progress report: the chief's
    else:
        np.testing.assert_allclose(report0["losses"], ref_report["losses"], rtol=1e-5)


FAULTY = """
import os, signal, sys, time
import numpy as np
import stage5_gpu as tf
how = sys.argv[1]
timeout = float(sys.argv[2]) if len(sys.argv) > 2 else None
options = tf.distribute.experimental.CommunicationOptions(timeout_seconds=timeout)
strategy = tf.distribute.MultiWorkerMirroredStrategy(communication_options=options)
rank = strategy.cluster_resolver.task_id
print("rank %d pid %d" % (rank, os.getpid()), flush=True)
with strategy.scope():
    v = tf.Variable(np.zeros([3 if how != "shapes" or rank == 0 else 4], "float32"))
    optimizer = tf.keras.optimizers.SGD(0.1)
for step in range(1000):
    if rank == 1 and step == 3:
        if how == "raise":
            raise RuntimeError("rank one fails on purpose")
        if how == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        if how == "exit":
            os._exit(3)                        # ends without a word, not by a signal
        if how == "notice":                    # as mpiexec tells of a rank that ended
            os.kill(strategy._peers[0][0], signal.SIGUSR1)
            time.sleep(60)
        if how == "sleep":
            time.sleep(60)
        if how == "spin":
            while True:
                pass
    strategy.run(optimizer.apply_gradients, args=([(tf.ones_like(v), v)],))   # an all-reduce
"""


@needs_mpiexec
@pytest.mark.parametrize("how", ["raise", "kill", "shapes"])
def test_a_failing_rank_stops_every_rank_with_an_error_naming_it(tmp_path, how):
    script = tmp_path / "faulty.py"
    script.write_text(FAULTY)
    result, seconds = launch([str(script), how], ranks=2, timeout=90)
    assert result.returncode != 0
    assert seconds < 60
    output = result.stdout + result.stderr
    if how == "raise":
        assert "rank 1 of 2 raised RuntimeError" in output
        assert "rank one fails on purpose" in output
    elif how == "kill":
        # A killed process cannot speak, and mpiexec kills the other ranks of its
        # host at once (SIGKILL): mpiexec alone reports, by process id, and the
        # chief's first line says which rank that process was. (The banner's wording
        # and whether it names the PID vary between MPICH builds.)
        assert re.search(r"signal 9|exit code: 9", output, re.IGNORECASE), output
        assert "tf.distribute: MultiWorkerMirroredStrategy over 2 ranks: rank 0 (pid " in output
        banner = re.search(r"PID (\d+) RUNNING", output)
        if banner:
            assert re.search(r"rank 1 \(pid %s on " % banner.group(1), output), output
    else:
        assert "disagree" in output and "rank 1: float32[4]" in output


def pid_of(rank, output):
    return int(re.search(r"rank %d pid (\d+)" % rank, output).group(1))


@needs_mpiexec
def test_a_rank_that_ends_is_named_by_the_rank_waiting_for_it(tmp_path):
    # Rank 1's process ends (not by a signal) at step 3. Under -disable-auto-cleanup
    # mpiexec lets rank 0 live on (it tells it with SIGUSR1); rank 0, waiting in its
    # all-reduce, sees rank 1's process gone and names it.
    script = tmp_path / "faulty.py"
    script.write_text(FAULTY)
    result, seconds = launch([str(script), "exit"], ranks=2, timeout=30,
                             options=["-disable-auto-cleanup"])
    output = result.stdout + result.stderr
    assert result.returncode != 0 and seconds < 20, output
    assert "[rank 0 of 2]" in output and "UnavailableError" in output, output
    assert re.search(r"rank 1 \(pid %d on \S+\) ended \(was killed, or exited\) while "
                     r"rank 0 waited for it in all-reduce #\d+" % pid_of(1, output), output)


@needs_mpiexec
def test_when_mpiexec_reports_a_rank_ended_the_silent_ranks_are_named(tmp_path):
    # What a rank on another host sees: mpiexec's SIGUSR1 says some rank ended,
    # and no process of this host did; rank 0 asks, and rank 1 (asleep) is silent.
    script = tmp_path / "faulty.py"
    script.write_text(FAULTY)
    result, seconds = launch([str(script), "notice"], ranks=2, timeout=30)
    output = result.stdout + result.stderr
    assert result.returncode != 0 and seconds < 20, output
    assert re.search(r"UnavailableError: tf.distribute: mpiexec reported that a rank ended "
                     r"while rank 0 waited in all-reduce #\d+, and rank 1 \(pid %d on \S+\) "
                     r"did not answer" % pid_of(1, output), output), output


@needs_mpiexec
@pytest.mark.parametrize("how", ["sleep", "spin"])
def test_a_rank_that_never_arrives_makes_the_others_raise_at_the_timeout(tmp_path, how):
    # Rank 1 sleeps (or loops) at step 3 instead of reaching the all-reduce: rank 0
    # waits timeout_seconds there, asks where everyone is, and names rank 1.
    script = tmp_path / "faulty.py"
    script.write_text(FAULTY)
    result, seconds = launch([str(script), how, "1.5"], ranks=2, timeout=30)
    output = result.stdout + result.stderr
    assert result.returncode != 0 and seconds < 20, output
    assert "[rank 0 of 2]" in output and "DeadlineExceededError" in output, output
    assert re.search(r"rank 0 waited 1\.\d s \(timeout_seconds=1\.5\) in all-reduce #\d+, "
                     r"and rank 1 \(pid %d on \S+\) has not arrived there"
                     % pid_of(1, output), output), output
    assert "raised DeadlineExceededError; stopping all 2 ranks" in output


SAVING_WHEN_A_RANK_DIES = """
import os, signal, sys, time
import numpy as np
import stage5_gpu as tf
strategy = tf.distribute.MultiWorkerMirroredStrategy()
rank = strategy.cluster_resolver.task_id
directory, delay = sys.argv[1], float(sys.argv[2])
with strategy.scope():
    v = tf.Variable(np.zeros(2 ** 20))            # 8 MB: a save takes a while
    w = tf.Variable(np.zeros((3, 4), np.float32))
checkpoint = tf.train.Checkpoint(v=v, net={"w": w})
for step in range(1000):
    v.assign(np.full(2 ** 20, float(step)))
    w.assign(np.full((3, 4), float(step), np.float32))
    checkpoint.save(os.path.join(directory, "ckpt"))   # rank 0 writes, all wait
    if rank == 1 and step == 2:
        time.sleep(delay)                              # while rank 0 writes save 4
        os.kill(os.getpid(), signal.SIGKILL)
"""


@needs_mpiexec
@pytest.mark.parametrize("delay", [0.0, 0.003, 0.01])
def test_a_rank_dying_while_rank_0_saves_leaves_a_whole_checkpoint(tmp_path, delay):
    # Rank 1 is killed while rank 0 is (most likely) writing a save; mpiexec then
    # kills rank 0 wherever it is. The checkpoint the directory names must restore
    # and hold one save's values throughout (never half of one and half of another).
    script = tmp_path / "saving.py"
    script.write_text(SAVING_WHEN_A_RANK_DIES)
    folder = tmp_path / "checkpoints"
    folder.mkdir()
    result, seconds = launch([str(script), str(folder), str(delay)], ranks=2, timeout=90)
    assert result.returncode != 0 and seconds < 60
    latest = tf.train.latest_checkpoint(str(folder))
    assert latest is not None, sorted(p.name for p in folder.iterdir())
    v = tf.Variable(np.full(2 ** 20, -1.0))
    w = tf.Variable(np.full((3, 4), -1.0, np.float32))
    tf.train.Checkpoint(v=v, net={"w": w}).restore(latest).assert_consumed()
    step = float(v.numpy()[0])
    assert step >= 2                       # the saves every rank finished are there
    assert np.all(v.numpy() == step) and np.all(w.numpy() == step)


@needs_mpiexec
def test_the_example_trains_mnist_on_two_ranks_and_rank_0_alone_writes(tmp_path):
    example = os.path.join(HERE, "..", "..", "examples", "mnist_distributed.py")
    env = dict(ENV, CHECKPOINT_DIR=str(tmp_path))
    result = subprocess.run([MPIEXEC, "-n", "2", sys.executable, example, "1"],
                            capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("Epoch 1/1") == 1 and "2 replicas: test accuracy" in result.stdout
    accuracy = float(result.stdout.split("test accuracy ")[1].split()[0])
    assert accuracy > 0.8
    checkpoint = tf.train.Checkpoint(v=tf.Variable(0.0))
    assert tf.train.latest_checkpoint(str(tmp_path)) == str(tmp_path / "mnist-ddp-1")
    assert sorted(p.name for p in tmp_path.iterdir() if "mnist-ddp" in p.name) == sorted(
        p.name for p in tmp_path.iterdir() if p.name.startswith("mnist-ddp-1"))
    del checkpoint
