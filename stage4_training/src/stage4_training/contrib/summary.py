"""``tf.contrib.summary``: the TF-1 summary API that seed 003 uses.

The same writers and event files as ``tf.summary``; what differs is *when* an
op records. TF-1 recorded only inside a recording context, and its ops take the
global step by default::

    writer = tf.contrib.summary.create_file_writer(logdir)
    global_step = tf.train.get_or_create_global_step()
    writer.set_as_default()
    for _ in range(iterations):
        global_step.assign_add(1)
        with tf.contrib.summary.record_summaries_every_n_global_steps(100):
            tf.contrib.summary.scalar('loss', loss)     # written at steps 100, 200, ...

>>> import tempfile
>>> import stage4_training as tf
>>> with tf.contrib.summary.create_file_writer(tempfile.mkdtemp()).as_default():
...     print(tf.contrib.summary.scalar("loss", 1.0))   # not inside a recording context
...     with tf.contrib.summary.always_record_summaries():
...         print(tf.contrib.summary.scalar("loss", 1.0))
False
True
"""

import contextlib

from ..summary import ops as _ops
from ..summary import writer as _writer
from ..summary.writer import create_file_writer, flush  # noqa: F401
from ..train.global_step import get_or_create_global_step

__all__ = ["create_file_writer", "create_summary_file_writer", "record_summaries_every_n_global_steps",
           "always_record_summaries", "never_record_summaries", "should_record_summaries",
           "scalar", "histogram", "image", "flush"]

create_summary_file_writer = create_file_writer


class _Recording:
    """A TF-1 recording condition (kept apart from ``tf.summary.record_if``'s)."""

    def __init__(self, condition):
        self.condition = condition

    def __call__(self):
        return bool(self.condition())

    def __bool__(self):
        return self()


@contextlib.contextmanager
def record_summaries_every_n_global_steps(n, global_step=None):
    """Inside, summaries record when ``global_step % n == 0`` (the global step by default).

    >>> import tempfile
    >>> import stage4_training as tf
    >>> step = tf.Variable(0, dtype="int64")
    >>> written = []
    >>> with tf.contrib.summary.create_file_writer(tempfile.mkdtemp()).as_default():
    ...     for _ in range(6):
    ...         _ = step.assign_add(1)
    ...         with tf.contrib.summary.record_summaries_every_n_global_steps(3, step):
    ...             written.append(tf.contrib.summary.scalar("loss", 1.0, step=int(step)))
    >>> written
    [False, False, True, False, False, True]
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError("record_summaries_every_n_global_steps: n must be a positive integer, "
                         "got %r" % (n,))
    step = global_step if global_step is not None else get_or_create_global_step()
    with _writer.record_if(_Recording(lambda: int(step) % n == 0)):
        yield


@contextlib.contextmanager
def always_record_summaries():
    """Inside, every summary records.

    >>> import tempfile
    >>> import stage4_training as tf
    >>> with tf.contrib.summary.create_file_writer(tempfile.mkdtemp()).as_default():
    ...     with tf.contrib.summary.always_record_summaries():
    ...         tf.contrib.summary.should_record_summaries()
    True
    """
    with _writer.record_if(_Recording(lambda: True)):
        yield


@contextlib.contextmanager
def never_record_summaries():
    """Inside, no summary records.

    >>> import tempfile
    >>> import stage4_training as tf
    >>> with tf.contrib.summary.create_file_writer(tempfile.mkdtemp()).as_default():
    ...     with tf.contrib.summary.never_record_summaries():
    ...         tf.contrib.summary.scalar("loss", 1.0, step=0)
    False
    """
    with _writer.record_if(_Recording(lambda: False)):
        yield


def should_record_summaries():
    """TF-1's rule: a default writer, a recording context, and all conditions true.

    >>> import tempfile
    >>> import stage4_training as tf
    >>> with tf.contrib.summary.create_file_writer(tempfile.mkdtemp()).as_default():
    ...     tf.contrib.summary.should_record_summaries()    # no recording context
    False
    """
    return (any(isinstance(c, _Recording) for c in _writer.recording_conditions())
            and _writer.should_record_summaries())


def _step(step):
    return int(get_or_create_global_step()) if step is None else step


def _tag(name, family):
    return "%s/%s" % (family, name) if family else name


def scalar(name, tensor, family=None, step=None):
    """A scalar summary at ``step`` (the global step by default); whether it wrote.

    >>> import tempfile
    >>> import stage4_training as tf
    >>> with tf.contrib.summary.create_file_writer(tempfile.mkdtemp()).as_default():
    ...     with tf.contrib.summary.always_record_summaries():
    ...         tf.contrib.summary.scalar("loss", 0.5, family="train")
    True
    """
    if not should_record_summaries():
        return False
    return _ops.scalar(_tag(name, family), tensor, step=_step(step))


def histogram(name, tensor, family=None, step=None):
    """A histogram summary at ``step`` (the global step by default); whether it wrote.

    >>> import tempfile
    >>> import stage4_training as tf
    >>> with tf.contrib.summary.create_file_writer(tempfile.mkdtemp()).as_default():
    ...     with tf.contrib.summary.always_record_summaries():
    ...         tf.contrib.summary.histogram("w", [1.0, 2.0, 2.0])
    True
    """
    if not should_record_summaries():
        return False
    return _ops.histogram(_tag(name, family), tensor, step=_step(step))


def image(name, tensor, bad_color=None, max_images=3, family=None, step=None):
    """An image summary at ``step`` (the global step by default); whether it wrote.

    >>> import tempfile
    >>> import stage4_training as tf
    >>> with tf.contrib.summary.create_file_writer(tempfile.mkdtemp()).as_default():
    ...     with tf.contrib.summary.always_record_summaries():
    ...         tf.contrib.summary.image("x", tf.ones([1, 4, 4, 1]))
    True
    """
    if not should_record_summaries():
        return False
    return _ops.image(_tag(name, family), tensor, step=_step(step), max_outputs=max_images)
