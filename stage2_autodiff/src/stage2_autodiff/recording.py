"""Recording: how a ``GradientTape`` sees the ops that run.

Stage 1's dispatcher calls its *observers* after every op. While at least one
tape is active (in any thread) this module installs one observer, ``_observe``;
when the last tape closes it removes it again, so code without a tape pays
nothing at all.

Tapes are thread-local: each thread has its own stack of active tapes, and an
op is recorded only by the tapes of the thread that ran it. A tape records an
op when one of the op's inputs is *watched* by it: a tensor passed to
``tape.watch``, a trainable variable it read, or the output of an op it already
recorded. The op's (floating-point) outputs then become watched in turn, which
is how the tape follows the computation forward from its sources.

Variables are special: ``assign`` gives a variable a new array, so the tape must
remember the array that was *read*. A variable input is therefore replaced by a
snapshot Tensor sharing its current array, and the tape notes which variable
each snapshot came from (``tape._reads``: id of the variable -> its snapshots).
No op is recorded for the read: ``gradient`` adds up the gradients of a
variable's snapshots itself, which saves a record (forward and backward) per
variable and step.

>>> import stage2_autodiff as tf
>>> x = tf.constant(3.0)
>>> with tf.GradientTape() as tape:
...     tape.watch(x)
...     y = x * x
>>> [op.type for op in tape._records]
['Mul']
"""

import threading

from stage1_tensors import dispatch
from stage1_tensors.dispatch import wrap
from stage1_tensors.tensor import Tensor

from .registry import _NOT_DIFFERENTIABLE
from .variables import Variable

__all__ = ["RecordedOp", "record_operation", "push_tape", "pop_tape",
           "active_tapes", "paused_tapes", "isolated_tapes"]


class RecordedOp:
    """One recorded op, as a gradient function sees it.

    ``type`` is the op name (``"Mul"``), ``inputs`` and ``outputs`` are tuples of
    Tensors, ``attrs`` the op's attributes. ``grad_fn`` overrides the registered
    gradient (``custom_gradient`` uses it). During backprop,
    ``skip_input_indices`` lists the inputs whose gradient nobody needs (as in
    TensorFlow), so an expensive gradient function may return None for them.

    >>> import stage2_autodiff as tf
    >>> x = tf.constant([1.0, 2.0])
    >>> with tf.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = tf.reduce_sum(x, axis=0)
    >>> op = tape._records[0]
    >>> op.type, op.get_attr("axis"), op.outputs[0] is y
    ('Sum', (0,), True)
    """

    __slots__ = ("type", "inputs", "outputs", "attrs", "grad_fn",
                 "skip_input_indices")

    def __init__(self, op_type, inputs, outputs, attrs, grad_fn=None):
        self.type = op_type
        self.inputs = inputs
        self.outputs = outputs
        self.attrs = attrs
        self.grad_fn = grad_fn
        self.skip_input_indices = ()

    @property
    def name(self):
        return self.type

    def get_attr(self, name):
        """The attribute ``name`` the op ran with."""
        try:
            return self.attrs[name]
        except KeyError:
            raise ValueError("op %s has no attribute %r; it has %s"
                             % (self.type, name, sorted(self.attrs))) from None

    def __repr__(self):
        return "<recorded %s: %d inputs, %d outputs>" % (
            self.type, len(self.inputs), len(self.outputs))


class _ThreadTapes(threading.local):
    def __init__(self):
        self.tapes = []         # this thread's active tapes, innermost last
        self.variable_readers = []  # dicts collecting variables read (custom_gradient)
        self.single = None      # the tape, when the observer's short path applies


def _set_single():
    # The observer's short path (one tape, no custom_gradient collecting
    # reads) is decided here, when tapes come and go, rather than on every op:
    # a thread-local attribute costs ~50 ns to read.
    local = _local
    local.single = local.tapes[0] if len(local.tapes) == 1 \
        and not local.variable_readers else None


_local = _ThreadTapes()
_lock = threading.Lock()
_active = 0                     # active tapes in all threads together


def active_tapes():
    """This thread's active tapes, outermost first."""
    return _local.tapes


def push_tape(tape):
    """Makes ``tape`` record this thread's ops (installs the observer if needed)."""
    global _active
    _local.tapes.append(tape)
    _set_single()
    with _lock:
        _active += 1
        if _active == 1:
            dispatch.add_observer(_observe)


def pop_tape(tape):
    """Stops ``tape`` recording (removes the observer when no tape is left)."""
    global _active
    tapes = _local.tapes
    for i in range(len(tapes) - 1, -1, -1):
        if tapes[i] is tape:
            del tapes[i]
            break
    else:
        return
    _set_single()
    with _lock:
        _active -= 1
        if _active == 0:
            dispatch.remove_observer(_observe)


def _observe(op, inputs, attrs, outputs):
    # Called after every op of every thread while any tape exists, so it
    # returns as early as it can: no tape in this thread, or none recording
    # (and no custom_gradient collecting the variables its function reads).
    tape = _local.single
    if tape is not None:
        # The common case, one tape and no custom_gradient, takes a short
        # path: this runs for every op, so every step it saves counts.
        if not tape._recording or op.name in _NOT_DIFFERENTIABLE:
            return
        for x in inputs:
            if type(x) is not Tensor and isinstance(x, Variable):
                inputs = _snapshots(tape, inputs)
                break
        ids = tape._ids
        for x in inputs:
            if id(x) in ids:
                break
        else:
            return
        if type(outputs) is list:
            _record_on(tape, op.name, inputs, tuple(outputs), attrs)
        else:
            tape._records.append(RecordedOp(op.name, inputs, (outputs,), attrs))
            if outputs._value.dtype.kind in "fc":    # (see _record_on)
                ids.add(id(outputs))
        return
    tapes = _local.tapes
    if not tapes:
        return
    for tape in tapes:
        if tape._recording:
            break
    else:
        if not _local.variable_readers:
            return
    if op.name not in _NOT_DIFFERENTIABLE:
        record_operation(op.name, inputs, attrs,
                         (outputs,) if type(outputs) is not list else tuple(outputs))


def _record_on(tape, op_type, inputs, outputs, attrs, grad_fn=None, record=None):
    """Appends the op to ``tape`` (reusing ``record`` if given) and watches its
    outputs; returns the record."""
    if record is None:
        record = RecordedOp(op_type, inputs, outputs, attrs, grad_fn)
    tape._records.append(record)
    ids = tape._ids
    for o in outputs:
        # Only floating-point (and complex) results carry gradients (as in
        # TensorFlow): an integer or bool output stops the trail here.
        if o._value.dtype.kind in "fc":
            ids.add(id(o))
    return record


def record_operation(op_type, inputs, attrs, outputs, grad_fn=None):
    """Records one op on every active tape of this thread that watches an input.

    ``inputs`` and ``outputs`` are tuples of Tensors (variables allowed among
    the inputs). Returns nothing; the op's outputs become watched.
    """
    tapes = _local.tapes
    for x in inputs:
        if type(x) is not Tensor and isinstance(x, Variable):
            inputs = _read_variables(inputs, tapes)
            break
    record = None
    for tape in tapes:
        if not tape._recording:
            continue
        ids = tape._ids
        for x in inputs:
            if id(x) in ids:
                record = _record_on(tape, op_type, inputs, outputs, attrs, grad_fn, record)
                break


def _snapshot(tape, variable):
    """``_read_variables`` for a single tape and a single variable: the snapshot
    the tape sees for ``variable``, noted in ``tape._reads`` if it is new."""
    reads = tape._reads.get(id(variable))
    if reads is not None and reads[-1]._value is variable._value:  # not assigned since
        return reads[-1]
    snapshot = wrap(variable._value)
    if tape._watches_variable(variable):
        _note_read(tape, variable, snapshot, reads)
    return snapshot


def _snapshots(tape, inputs):
    """``inputs`` with each variable replaced by ``tape``'s snapshot of it."""
    reads = tape._reads
    replaced = []
    for x in inputs:
        if type(x) is not Tensor and isinstance(x, Variable):
            # A weight read again, unassigned (every step of an RNN), reuses
            # its snapshot; this test is _snapshot's first, without the call.
            seen = reads.get(id(x))
            x = seen[-1] if seen is not None and seen[-1]._value is x._value \
                else _snapshot(tape, x)
        replaced.append(x)
    return tuple(replaced)


def _note_read(tape, variable, snapshot, reads):
    """Remembers that ``snapshot`` is a read of ``variable`` and watches it."""
    if reads is None:
        tape._reads[id(variable)] = [snapshot]
    else:                   # assigned since the last read: a second snapshot
        reads.append(snapshot)
    tape._ids.add(id(snapshot))


def _read_variables(inputs, tapes):
    """``inputs`` with each variable replaced by a snapshot of its array.

    A variable read again before it changes gives the same snapshot: a loop
    that reads its weights at every step (an RNN) has one snapshot per weight,
    and the gradients of all the uses add up at that snapshot. Nested tapes
    share snapshots, so an inner tape's gradient, recorded by the outer tape,
    is a function of the very snapshot the outer tape knows as the variable.
    """
    replaced = []
    readers = _local.variable_readers
    for x in inputs:
        if isinstance(x, Variable):
            key = id(x)
            if readers and x._trainable:
                readers[-1].setdefault(key, x)
            snapshot = None
            for tape in tapes:
                reads = tape._reads.get(key)
                if reads is not None and reads[-1]._value is x._value:  # not assigned since
                    snapshot = reads[-1]
                    break
            else:
                snapshot = wrap(x._value)
            for tape in tapes:
                if tape._recording:
                    reads = tape._reads.get(key)
                    if (reads is None or reads[-1] is not snapshot) \
                            and tape._watches_variable(x):
                        _note_read(tape, x, snapshot, reads)
            x = snapshot
        replaced.append(x)
    return tuple(replaced)


class paused_tapes:
    """``with paused_tapes() as reads:`` no tape of this thread records inside;
    ``reads`` collects the trainable variables that ops read meanwhile
    (``custom_gradient`` needs both)."""

    __slots__ = ("_saved", "reads")

    def __enter__(self):
        tapes = _local.tapes
        self._saved = [(t, t._recording) for t in tapes]
        for t in tapes:
            t._recording = False
        self.reads = {}
        _local.variable_readers.append(self.reads)
        _set_single()
        return self.reads

    def __exit__(self, *exc):
        _local.variable_readers.pop()
        _set_single()
        for t, was in self._saved:
            t._recording = was


class isolated_tapes:
    """``with isolated_tapes():`` this thread's active tapes are set aside: they
    record nothing inside, while a tape opened inside works as if it were the
    only one. Stage 5 traces a function this way: a tape around the call sees
    the whole function as one op, a tape inside it records the traced ops.

    >>> import stage2_autodiff as tf
    >>> from stage2_autodiff.recording import isolated_tapes
    >>> x = tf.constant(2.0)
    >>> with tf.GradientTape() as outer:
    ...     outer.watch(x)
    ...     with isolated_tapes():
    ...         with tf.GradientTape() as inner:
    ...             inner.watch(x)
    ...             y = x * x
    ...         dy = inner.gradient(y, x)
    >>> float(dy), outer.gradient(y, x) is None
    (4.0, True)
    """

    __slots__ = ("_saved",)

    def __enter__(self):
        local = _local
        self._saved = (local.tapes, local.variable_readers)
        local.tapes, local.variable_readers = [], []
        _set_single()
        return self

    def __exit__(self, *exc):
        local = _local
        local.tapes, local.variable_readers = self._saved
        _set_single()
