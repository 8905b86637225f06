"""Task 6: a process killed at any moment of a save leaves a restorable checkpoint.

A child process saves, and is killed with SIGKILL (no clean-up, no ``finally``)
just before its N-th file-system call of the save: each ``open`` for writing,
``fsync``, ``replace``/``rename`` and ``remove``, or halfway through its N-th
``write`` (half the bytes reach the file, then the process dies). N runs over every such call
the save makes, so every step of whatever protocol the checkpoint code uses is
interrupted once. After each kill the checkpoint the directory points at must
restore, and hold either all the old values or all the new ones.

Only the public API is used in the child; the file-system calls are counted by
wrapping Python's own ``os`` and ``open``, not anything of the checkpoint code.
"""

import os
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import stage4_training as tf

pytestmark = pytest.mark.stage4_task6

CHILD = textwrap.dedent(r"""
    import builtins, os, signal, sys
    import numpy as np
    import stage4_training as tf

    mode, directory, kill_at, value = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    v = tf.Variable(np.zeros(50000))          # 400 kB: the data write is not a single syscall
    w = tf.Variable(np.zeros((3, 4), np.float32))
    checkpoint = tf.train.Checkpoint(v=v, net={"w": w})
    if mode == "save":        # continue the numbering after the checkpoint there
        checkpoint.restore(tf.train.latest_checkpoint(directory))
    v.assign(np.full(50000, value))
    w.assign(np.full((3, 4), value, np.float32))

    calls = [0]
    def counted(function, writes_only=False):
        def wrapper(*args, **kwargs):
            if writes_only:
                mode_ = args[1] if len(args) > 1 else kwargs.get("mode", "r")
                if not any(c in mode_ for c in "wxa+"):
                    return function(*args, **kwargs)
            calls[0] += 1
            if calls[0] == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)
            return function(*args, **kwargs)
        return wrapper
    class KilledMidWrite:
        # A file whose counted write() is cut in half by the kill.
        def __init__(self, file):
            self._file = file
        def write(self, data):
            calls[0] += 1
            if calls[0] == kill_at:
                self._file.write(bytes(data)[:len(data) // 2])
                self._file.flush()
                os.kill(os.getpid(), signal.SIGKILL)
            return self._file.write(data)
        def __enter__(self):
            return self
        def __exit__(self, *exc):
            return self._file.__exit__(*exc)
        def __iter__(self):
            return iter(self._file)
        def __getattr__(self, name):
            return getattr(self._file, name)

    real_open = builtins.open
    def opened(*args, **kwargs):
        file = real_open(*args, **kwargs)
        mode_ = args[1] if len(args) > 1 else kwargs.get("mode", "r")
        return KilledMidWrite(file) if any(c in mode_ for c in "wxa+") else file
    for name in ("fsync", "replace", "rename", "remove", "unlink"):
        setattr(os, name, counted(getattr(os, name)))
    builtins.open = counted(opened, writes_only=True)

    if mode == "save":
        checkpoint.save(os.path.join(directory, "ckpt"))
    else:                     # write over the same prefix again
        checkpoint.write(os.path.join(directory, "ckpt-1"))
    print(calls[0])
""")


def run_child(tmp_path, mode, directory, kill_at, value):
    script = tmp_path / "child.py"
    if not script.exists():
        script.write_text(CHILD)
    return subprocess.run([sys.executable, str(script), mode, str(directory), str(kill_at),
                           str(value)], capture_output=True, text=True, timeout=60)


def restored_value(path):
    v = tf.Variable(np.zeros(50000))
    w = tf.Variable(np.zeros((3, 4), np.float32))
    tf.train.Checkpoint(v=v, net={"w": w}).read(path).assert_existing_objects_matched()
    values = set(np.unique(v.numpy())) | set(np.unique(w.numpy()))
    assert len(values) == 1, "a mix of old and new values: %s" % sorted(values)
    return values.pop()


def first_checkpoint(directory):
    v = tf.Variable(np.full(50000, 1.0))
    w = tf.Variable(np.full((3, 4), 1.0, np.float32))
    return tf.train.Checkpoint(v=v, net={"w": w}).save(os.path.join(directory, "ckpt"))


@pytest.mark.parametrize("mode", ["save", "write"])
def test_a_save_killed_at_any_step_keeps_a_restorable_checkpoint(tmp_path, mode):
    # How many file-system calls one whole save makes (a run nobody kills).
    probe = tmp_path / "probe"
    first_checkpoint(probe)
    done = run_child(tmp_path, mode, probe, 0, 2.0)
    assert done.returncode == 0, done.stderr
    total = int(done.stdout.split()[-1])
    assert total >= 2          # at least a data file and an index

    outcomes = set()
    for kill_at in range(1, total + 1):
        directory = tmp_path / ("kill-%d" % kill_at)
        old = first_checkpoint(directory)
        child = run_child(tmp_path, mode, directory, kill_at, 2.0)
        assert child.returncode == -signal.SIGKILL, (kill_at, child.stderr)
        latest = tf.train.latest_checkpoint(str(directory))
        assert latest is not None, "killed before call %d: no checkpoint left" % kill_at
        value = restored_value(latest)
        assert value in (1.0, 2.0)
        if value == 1.0 and mode == "save":
            assert latest == old
        outcomes.add(value)
        # The one saved before is still whole, whatever the directory points at now.
        if mode == "save" or value == 1.0:
            assert restored_value(old if mode == "save" else latest) == 1.0
    assert 1.0 in outcomes     # killed early: the old checkpoint stands


def test_after_a_killed_save_the_next_save_works(tmp_path):
    directory = tmp_path / "ckpts"
    first_checkpoint(directory)
    child = run_child(tmp_path, "save", directory, 2, 2.0)
    assert child.returncode == -signal.SIGKILL
    finished = run_child(tmp_path, "save", directory, 0, 3.0)
    assert finished.returncode == 0, finished.stderr
    assert restored_value(tf.train.latest_checkpoint(str(directory))) == 3.0
