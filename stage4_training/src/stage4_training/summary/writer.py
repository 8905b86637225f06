"""Summary writers: who writes where, and whether a summary op writes at all.

``create_file_writer(logdir)`` makes a writer with an event file of its own in
``logdir``. A summary op (``scalar``, ``histogram`` ...) writes to the *default*
writer of its thread, the innermost ``with writer.as_default():`` (or the one
``set_as_default()`` chose), at the step it is given, or the default step
(``experimental.set_step``, or ``as_default(step=...)``). ``record_if`` turns
recording off and on. All of this state is per thread, as in TensorFlow.

>>> import os, tempfile
>>> import stage4_training as tf
>>> logdir = tempfile.mkdtemp()
>>> writer = tf.summary.create_file_writer(logdir)
>>> with writer.as_default(step=3):
...     tf.summary.scalar("loss", 0.5)
True
>>> tf.summary.scalar("loss", 0.5, step=4)      # no default writer here: nothing written
False
>>> writer.flush()
>>> [name.split(".")[:3] for name in os.listdir(logdir)]
[['events', 'out', 'tfevents']]
"""

import atexit
import contextlib
import itertools
import os
import socket
import threading
import time
import weakref

from .. import distribute
from . import protobuf as pb
from .records import frame

__all__ = ["SummaryWriter", "create_file_writer", "create_noop_writer", "current_writer",
           "current_step", "set_step", "get_step", "record_if", "should_record_summaries",
           "recording_conditions", "flush", "event"]

FILE_VERSION = "brain.Event:2"
_counter = itertools.count()
_open_writers = weakref.WeakSet()     # flushed when the program ends


class _ThreadState(threading.local):
    def __init__(self):
        self.writers = []             # the as_default() stack; [0] is set_as_default's
        self.base_writer = None
        self.step = None              # experimental.set_step
        self.steps = []               # as_default(step=...) stack
        self.conditions = []          # record_if stack


_state = _ThreadState()


def event(step, summary=b"", file_version=None, wall_time=None):
    """One serialized ``Event``: wall_time=1 (double), step=2 (int64),
    file_version=3 (string), summary=5 (a serialized ``Summary``).

    >>> event(7, file_version="brain.Event:2", wall_time=1.0).hex()
    '09000000000000f03f10071a0d627261696e2e4576656e743a32'
    """
    return pb.message(pb.field_double(1, time.time() if wall_time is None else wall_time),
                      pb.field_int(2, step),
                      pb.field_bytes(3, file_version or ""),
                      pb.field_message(5, summary))


class SummaryWriter:
    """Writes events to one event file in ``logdir`` (made on first use).

    Events wait in memory until ``max_queue`` are pending, ``flush()`` or
    ``close()`` is called, or the program ends.

    >>> import tempfile
    >>> import stage4_training as tf
    >>> writer = tf.summary.create_file_writer(tempfile.mkdtemp())
    >>> isinstance(writer, tf.summary.SummaryWriter), writer.path is None
    (True, True)
    >>> writer.init()
    >>> writer.path.split("/")[-1].startswith("events.out.tfevents.")
    True
    """

    def __init__(self, logdir, max_queue=None, flush_millis=None, filename_suffix=None):
        if not isinstance(logdir, (str, os.PathLike)) or not os.fspath(logdir):
            raise TypeError("create_file_writer: logdir must be a folder path (a str), got %r"
                            % (logdir,))
        self.logdir = os.fspath(logdir)
        self._max_queue = 10 if max_queue is None else int(max_queue)
        self._suffix = filename_suffix or ".v2"
        self._pending = []
        self._file = None
        self._closed = False
        self._lock = threading.Lock()
        _open_writers.add(self)

    @property
    def path(self):
        """The event file's path (``None`` until the writer first writes)."""
        return self._file.name if self._file is not None else None

    def _open(self):
        os.makedirs(self.logdir, exist_ok=True)
        name = "events.out.tfevents.%d.%s.%d.%d%s" % (
            int(time.time()), socket.gethostname(), os.getpid(), next(_counter), self._suffix)
        self._file = open(os.path.join(self.logdir, name), "wb")
        self._file.write(frame(event(0, file_version=FILE_VERSION)))

    def init(self):
        """Creates the event file now (TF makes it on creation; we do it here or on first write)."""
        with self._lock:
            self._check_open("init")
            if self._file is None:
                self._open()

    def write_event(self, serialized_event):
        """Queues one serialized ``Event``."""
        with self._lock:
            self._check_open("write")
            self._pending.append(serialized_event)
            full = len(self._pending) >= self._max_queue
        if full:
            self.flush()

    def flush(self):
        """Writes the queued events to the file (and the file to the OS)."""
        with self._lock:
            if self._closed:
                return
            if self._file is None:
                self._open()
            for serialized in self._pending:
                self._file.write(frame(serialized))
            self._pending = []
            self._file.flush()

    def close(self):
        """Flushes and closes the file; the writer cannot write afterwards."""
        self.flush()
        with self._lock:
            if self._file is not None:
                self._file.close()
            self._closed = True

    def _check_open(self, what):
        if self._closed:
            raise RuntimeError("SummaryWriter.%s: the writer for %s is closed; create a new "
                               "one with tf.summary.create_file_writer" % (what, self.logdir))

    @contextlib.contextmanager
    def as_default(self, step=None):
        """Makes this the default writer inside the ``with`` block (and ``step``
        its default step, if given)."""
        self._check_open("as_default")
        _state.writers.append(self)
        _state.steps.append(step)
        try:
            yield self
        finally:
            _state.writers.pop()
            _state.steps.pop()
            self.flush()

    def set_as_default(self, step=None):
        """Makes this the default writer of this thread from now on."""
        self._check_open("set_as_default")
        _state.base_writer = self
        if step is not None:
            set_step(step)

    def __repr__(self):
        return "<SummaryWriter logdir=%r>" % self.logdir


class _NoopWriter(SummaryWriter):
    """A writer that writes nothing (``create_noop_writer``)."""

    def __init__(self):
        self.logdir, self._closed, self._pending, self._file = None, False, [], None
        self._lock = threading.Lock()

    def write_event(self, serialized_event):
        pass

    def flush(self):
        pass

    def init(self):
        pass


def create_file_writer(logdir, max_queue=None, flush_millis=None, filename_suffix=None,
                       name=None, experimental_trackable=False):
    """A ``SummaryWriter`` for an event file in ``logdir`` (made if missing).
    ``flush_millis`` is accepted; events are flushed by count, ``flush()`` and at exit.

    >>> import tempfile
    >>> import stage4_training as tf
    >>> writer = tf.summary.create_file_writer(tempfile.mkdtemp())
    >>> with writer.as_default():
    ...     tf.summary.scalar("accuracy", 0.9, step=1)
    True
    """
    if not distribute.get_strategy()._is_chief:
        return _NoopWriter()    # under tf.distribute, replica 0 alone writes summaries
    return SummaryWriter(logdir, max_queue=max_queue, flush_millis=flush_millis,
                         filename_suffix=filename_suffix)


def create_noop_writer():
    """A writer whose summaries go nowhere (to switch logging off in one place).

    >>> import stage4_training as tf
    >>> with tf.summary.create_noop_writer().as_default():
    ...     tf.summary.scalar("x", 1.0, step=0)
    True
    """
    return _NoopWriter()


def current_writer():
    """The default writer of this thread, or None."""
    return _state.writers[-1] if _state.writers else _state.base_writer


def set_step(step):
    """Sets the default step of this thread's summaries (``None`` unsets it)."""
    _state.step = step


def get_step():
    """The default step set with ``set_step`` (None if none)."""
    return _state.step


def current_step():
    """The step a summary without ``step=`` uses: the innermost ``as_default(step=...)``'s,
    else ``set_step``'s (TF's ``as_default(step)`` sets the step for its block)."""
    for step in reversed(_state.steps):
        if step is not None:
            return step
    return _state.step


@contextlib.contextmanager
def record_if(condition):
    """Summaries inside record only while ``condition`` (a bool, or a callable
    asked at each summary) holds.

    >>> import tempfile
    >>> import stage4_training as tf
    >>> with tf.summary.create_file_writer(tempfile.mkdtemp()).as_default(step=0):
    ...     with tf.summary.record_if(False):
    ...         tf.summary.scalar("x", 1.0)
    False
    """
    _state.conditions.append(condition)
    try:
        yield
    finally:
        _state.conditions.pop()


def recording_conditions():
    """The ``record_if`` conditions of this thread, outermost first."""
    return list(_state.conditions)


def should_record_summaries():
    """Whether a summary op here would write: a default writer exists and every
    ``record_if`` condition holds.

    >>> import tempfile
    >>> import stage4_training as tf
    >>> with tf.summary.create_file_writer(tempfile.mkdtemp()).as_default():
    ...     with tf.summary.record_if(False):
    ...         tf.summary.should_record_summaries()
    False
    """
    return current_writer() is not None and all(
        bool(c()) if callable(c) else bool(c) for c in _state.conditions)


def flush(writer=None):
    """Flushes ``writer`` (default: the default writer).

    >>> import os, tempfile
    >>> import stage4_training as tf
    >>> logdir = tempfile.mkdtemp()
    >>> with tf.summary.create_file_writer(logdir, max_queue=100).as_default(step=0):
    ...     _ = tf.summary.scalar("x", 1.0)
    ...     tf.summary.flush()
    ...     os.path.getsize(os.path.join(logdir, os.listdir(logdir)[0])) > 0
    True
    """
    writer = writer if writer is not None else current_writer()
    if writer is not None:
        writer.flush()


@atexit.register
def _flush_all():
    for writer in list(_open_writers):
        try:
            writer.flush()
        except Exception:         # at exit, a writer whose folder is gone must not crash others
            pass
