"""``GradientTape``: record the ops that run, then ask for gradients.

>>> import stage2_autodiff as tf
>>> x = tf.constant(3.0)
>>> with tf.GradientTape() as tape:
...     tape.watch(x)
...     y = x * x
>>> print(tape.gradient(y, x))
tf.Tensor(6.0, shape=(), dtype=float32)

Two things to know (the most common surprises in TensorFlow, too):

* **Only watched values get gradients.** A tape follows the computation
  forward from what it watches: tensors passed to ``watch`` and trainable
  variables it reads. ``tape.gradient(y, c)`` for a constant ``c`` that was never
  watched is ``None`` -- not zero -- because the tape never saw ``c`` used.
* **A non-persistent tape answers one question.** It frees its recording during
  the first ``gradient`` call; use ``GradientTape(persistent=True)`` to ask
  several times.

A target that is not a scalar is summed: the gradient of ``y`` is that of
``reduce_sum(y)`` (TensorFlow's rule: the output gradient defaults to ones).
Pass ``output_gradients`` to weight the elements differently.
"""

import enum

import numpy as np

import stage1_tensors as _tf1
from stage1_tensors.backends import backend_of
from stage1_tensors.convert import constant, convert_to_tensor
from stage1_tensors.errors import InvalidArgumentError
from stage1_tensors.tensor import Tensor

from . import nest
from .backprop import _sum, ones_for, reverse_accumulate, zeros_for
from .recording import pop_tape, push_tape
from .variables import Variable

__all__ = ["GradientTape", "UnconnectedGradients"]


class UnconnectedGradients(enum.Enum):
    """What ``gradient`` returns for a source the target does not depend on.

    >>> import stage2_autodiff as tf
    >>> x, y = tf.constant(1.0), tf.constant(2.0)
    >>> with tf.GradientTape() as tape:
    ...     tape.watch([x, y])
    ...     z = x * 2.0
    >>> tape.gradient(z, y, unconnected_gradients=tf.UnconnectedGradients.ZERO)
    tf.Tensor(0.0, shape=(), dtype=float32)
    """

    NONE = "none"
    ZERO = "zero"


class _Paused:
    """Context manager: the tape records nothing inside (see ``stop_recording``)."""

    __slots__ = ("_tape", "_was")

    def __init__(self, tape):
        self._tape = tape

    def __enter__(self):
        self._was = self._tape._recording
        self._tape._recording = False

    def __exit__(self, *exc):
        self._tape._recording = self._was


class GradientTape:
    """Records operations for automatic differentiation.

    ``persistent=True`` allows several ``gradient``/``jacobian`` calls;
    ``watch_accessed_variables=False`` turns off the automatic watching of the
    trainable variables that are read (then only ``watch`` decides).

    >>> import stage2_autodiff as tf
    >>> w = tf.Variable(2.0)
    >>> with tf.GradientTape(persistent=True) as tape:
    ...     y = w * w
    ...     z = y * y
    >>> tape.gradient(y, w), tape.gradient(z, w)
    (tf.Tensor(4.0, shape=(), dtype=float32), tf.Tensor(32.0, shape=(), dtype=float32))
    """

    def __init__(self, persistent=False, watch_accessed_variables=True):
        self._persistent = bool(persistent)
        self._watch_accessed = bool(watch_accessed_variables)
        self._recording = False
        self._used = False
        self._active = False
        self._variables = {}    # id -> watched variable, in order of first use
        self._release()

    def _release(self):
        """Drops the recording (what a non-persistent tape does after answering)."""
        self._records = []      # RecordedOps, in the order they ran
        self._ids = set()       # ids of watched tensors and variables
        self._watched = []      # keeps watched tensors alive, so their ids stay theirs
        self._reads = {}        # id(variable) -> snapshots of its reads, oldest first

    # --- the context manager -----------------------------------------------------
    def __enter__(self):
        if self._active:
            raise RuntimeError("this GradientTape is already recording; "
                               "tapes can nest, but one tape cannot be entered twice")
        self._active = True
        self._recording = not self._used
        push_tape(self)
        return self

    def __exit__(self, *exc):
        self._active = False
        self._recording = False
        pop_tape(self)

    def stop_recording(self):
        """``with tape.stop_recording():`` runs ops without recording them.

        >>> import stage2_autodiff as tf
        >>> x = tf.constant(2.0)
        >>> with tf.GradientTape() as tape:
        ...     tape.watch(x)
        ...     with tape.stop_recording():
        ...         y = x * x
        >>> print(tape.gradient(y, x))
        None
        """
        if not self._active:
            raise RuntimeError("stop_recording: this tape is not recording; "
                               "use it inside the tape's `with` block")
        return _Paused(self)

    def reset(self):
        """Forgets everything recorded so far, as if the tape had just been entered.

        >>> import stage2_autodiff as tf
        >>> x = tf.constant(2.0)
        >>> with tf.GradientTape() as tape:
        ...     tape.watch(x)
        ...     y = x * x
        ...     tape.reset()
        ...     tape.watch(x)
        ...     y = x * 3.0
        >>> print(tape.gradient(y, x))
        tf.Tensor(3.0, shape=(), dtype=float32)
        """
        self._release()
        self._variables = {}
        self._used = False
        self._recording = self._active

    # --- watching ----------------------------------------------------------------
    def watch(self, tensor):
        """Makes the tape follow ``tensor`` (a tensor, variable, or nested list of them).

        Integer and bool tensors carry no gradient and are not watched.

        >>> import stage2_autodiff as tf
        >>> x = tf.constant([1.0, 2.0])
        >>> with tf.GradientTape() as tape:
        ...     tape.watch(x)
        ...     y = x * x
        >>> print(tape.gradient(y, x))
        tf.Tensor([2. 4.], shape=(2,), dtype=float32)
        """
        for t in (tensor,) if isinstance(tensor, Tensor) else nest.flatten(tensor):
            if not isinstance(t, Tensor):
                raise TypeError(
                    "watch: expected a Tensor or Variable (or a list of them), got %r "
                    "(%s); convert it first with tf.constant" % (t, type(t).__name__))
            if t._value.dtype.kind not in "fc":    # (floats and complex numbers only)
                continue
            key = id(t)
            if key in self._ids:
                continue
            self._ids.add(key)
            if isinstance(t, Variable):
                self._variables[key] = t
            else:
                self._watched.append(t)

    def _watches_variable(self, variable):
        key = id(variable)
        if key in self._ids:
            return True
        if (self._watch_accessed and variable._trainable
                and variable._value.dtype.kind in "fc"):
            self._ids.add(key)
            self._variables[key] = variable
            return True
        return False

    def watched_variables(self):
        """The variables this tape watched, in the order it first saw them.

        >>> import stage2_autodiff as tf
        >>> a, b = tf.Variable(1.0, name="a"), tf.Variable(2.0, name="b", trainable=False)
        >>> with tf.GradientTape() as tape:
        ...     y = a * b
        >>> [v.name for v in tape.watched_variables()]
        ['a:0']
        """
        return tuple(self._variables.values())

    # --- asking for gradients -------------------------------------------------------
    def gradient(self, target, sources, output_gradients=None,
                 unconnected_gradients=UnconnectedGradients.NONE):
        """The gradient of ``target`` with respect to each of ``sources``.

        ``sources`` may be a tensor, a variable, or a nested list/tuple/dict of
        them; the answer has the same structure. A non-scalar ``target`` (or a
        list of targets) is summed, unless ``output_gradients`` gives the
        gradient to start from. Unconnected and integer sources give ``None``
        (zeros with ``unconnected_gradients="zero"``).

        >>> import stage2_autodiff as tf
        >>> x = tf.constant([1.0, 2.0, 3.0])
        >>> with tf.GradientTape() as tape:
        ...     tape.watch(x)
        ...     y = x * x                   # not a scalar: its sum is differentiated
        >>> tape.gradient(y, {"x": x})
        {'x': tf.Tensor([2. 4. 6.], shape=(3,), dtype=float32)}
        """
        self._start_answer("gradient")
        unconnected = _unconnected(unconnected_gradients, "gradient")
        flat_sources = sources
        if type(sources) is list:       # (the common call: a flat list of variables
            for s in sources:           # skips nest's walk and its checks)
                if type(s) is not Variable:
                    flat_sources = _check_sources(sources, "gradient")
                    break
        else:
            flat_sources = _check_sources(sources, "gradient")
        seeds = self._seeds(target, output_gradients)
        keys, source_ids = self._source_keys(flat_sources)
        release = not self._persistent
        # The backward pass itself is not recorded on this tape (outer tapes
        # do record it: that is how higher-order gradients work).
        was_recording, self._recording = self._recording, False
        try:
            found = reverse_accumulate(self._records, seeds, source_ids, release)
        finally:
            self._recording = was_recording
        if release:
            self._release()
        results = [_answer(s, found, k, unconnected) for s, k in zip(flat_sources, keys)]
        return results if flat_sources is sources else \
            nest.pack_sequence_as(sources, results)

    def jacobian(self, target, sources, unconnected_gradients=UnconnectedGradients.NONE,
                 parallel_iterations=None, experimental_use_pfor=True):
        """The full Jacobian: shape ``target.shape + source.shape`` per source.

        >>> import stage2_autodiff as tf
        >>> x = tf.constant([1.0, 2.0])
        >>> with tf.GradientTape() as tape:
        ...     tape.watch(x)
        ...     y = x * x
        >>> print(tape.jacobian(y, x))
        tf.Tensor([[2. 0.]
                   [0. 4.]], shape=(2, 2), dtype=float32)
        """
        self._start_answer("jacobian")
        unconnected = _unconnected(unconnected_gradients, "jacobian")
        flat_sources = _check_sources(sources, "jacobian")
        target = _as_target(target, "jacobian")
        rows = self._rows(target, flat_sources, _one_hot_rows(target))
        results = []
        for s, grads in zip(flat_sources, rows):
            results.append(_assemble(grads, tuple(target._value.shape), s,
                                     unconnected, batch=False))
        self._finish_answer()
        return nest.pack_sequence_as(sources, results)

    def batch_jacobian(self, target, source, unconnected_gradients=UnconnectedGradients.NONE,
                       parallel_iterations=None, experimental_use_pfor=True):
        """Per-example Jacobians: ``target`` [b, y...] and ``source`` [b, x...]
        give [b, y..., x...]. Example i of the target must depend only on
        example i of the source.

        >>> import stage2_autodiff as tf
        >>> x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
        >>> with tf.GradientTape() as tape:
        ...     tape.watch(x)
        ...     y = x * x
        >>> tape.batch_jacobian(y, x).shape
        TensorShape([2, 2, 2])
        """
        self._start_answer("batch_jacobian")
        unconnected = _unconnected(unconnected_gradients, "batch_jacobian")
        target = _as_target(target, "batch_jacobian")
        if not isinstance(source, Tensor):
            raise TypeError("batch_jacobian: source must be one Tensor or Variable, got %s"
                            % type(source).__name__)
        tshape, sshape = tuple(target._value.shape), tuple(source._value.shape)
        for what, shape in (("target", tshape), ("source", sshape)):
            if len(shape) < 2:          # as TF: a batch axis, then each example's values
                raise ValueError(
                    "batch_jacobian: the %s must have rank at least 2 (a batch axis, "
                    "then the values of each example), got shape %s; for a rank-1 "
                    "target use tape.jacobian" % (what, shape))
        if tshape[0] != sshape[0]:
            raise InvalidArgumentError(
                "batch_jacobian: target and source need the same first (batch) "
                "dimension, got shapes %s and %s" % (tshape, sshape))
        (grads,) = self._rows(target, [source], _one_hot_columns(target))
        self._finish_answer()
        return _assemble(grads, tshape, source, unconnected, batch=True)

    # --- helpers -------------------------------------------------------------------
    def _start_answer(self, what):
        if self._used:
            raise RuntimeError(
                "%s: a non-persistent GradientTape can only be used to compute one "
                "set of gradients (or jacobians); create it with "
                "tf.GradientTape(persistent=True) to ask several times" % what)
        if not self._persistent:
            self._used = True
            self._recording = False

    def _finish_answer(self):
        if not self._persistent:
            self._release()

    def _seeds(self, target, output_gradients):
        if output_gradients is None and isinstance(target, Tensor):
            return {id(target): ones_for(target)}       # the common case
        targets = nest.flatten(target)
        if output_gradients is None:
            grads = [None] * len(targets)
        else:
            grads = nest.flatten(output_gradients)
            if len(grads) != len(targets):
                raise InvalidArgumentError(
                    "gradient: got %d output_gradients for %d targets; give one "
                    "per target" % (len(grads), len(targets)))
        seeds = {}
        for t, g in zip(targets, grads):
            t = _as_target(t, "gradient")
            if g is None:
                g = ones_for(t)
            else:
                g = _output_gradient(g, t)
            k = id(t)
            seeds[k] = g if k not in seeds else seeds[k] + g
        return seeds

    def _source_keys(self, sources):
        """Where backprop leaves each source's gradient: per source, a tuple of
        ids (the source's own, and for a variable those of the snapshots its
        reads gave, see ``recording.py``), and the set of all of them."""
        reads = self._reads
        keys, ids = [], set()
        produced = None
        for s in sources:
            k = id(s)
            snapshots = reads.get(k)        # (only a variable this tape read has some)
            if snapshots is None and k not in self._ids:
                # As in TensorFlow, a tensor the tape neither watched nor computed
                # gets no gradient, even when a recorded op took it as an input.
                if produced is None:
                    produced = {id(o) for r in self._records for o in r.outputs}
                if k not in produced:
                    keys.append(())
                    continue
            ids.add(k)
            if snapshots is None:
                keys.append((k,))
            elif len(snapshots) == 1:       # (the usual variable: one read)
                k1 = id(snapshots[0])
                ids.add(k1)
                keys.append((k, k1))
            else:
                more = [id(t) for t in snapshots]
                ids.update(more)
                keys.append((k, *more))
        return keys, ids

    def _rows(self, target, sources, seeds):
        """Backpropagates each seed in turn; per source, the list of gradients."""
        keys, source_ids = self._source_keys(sources)
        rows = [[] for _ in sources]
        with _Paused(self):
            for seed in seeds:
                found = reverse_accumulate(self._records, {id(target): seed}, source_ids)
                for row, k in zip(rows, keys):
                    row.append(_total(found, k))
        return rows


def _unconnected(value, method):
    if value is UnconnectedGradients.NONE:
        return value
    try:
        return UnconnectedGradients(value)
    except ValueError:
        raise ValueError("%s: unconnected_gradients must be UnconnectedGradients.NONE or "
                         ".ZERO ('none' or 'zero'), got %r" % (method, value)) from None


def _check_sources(sources, method):
    if isinstance(sources, Tensor):
        return [sources]
    flat = nest.flatten(sources)
    for s in flat:
        if not isinstance(s, Tensor):
            raise TypeError(
                "%s: sources must be Tensors or Variables (or nested lists, "
                "tuples or dicts of them), got %r (%s)" % (method, s, type(s).__name__))
    return flat


def _as_target(t, method):
    if isinstance(t, Tensor):
        return t
    raise TypeError("%s: the target must be a Tensor (the result of ops "
                    "recorded on the tape), got %r (%s)" % (method, t, type(t).__name__))


def _output_gradient(g, target):
    """``g`` as the starting gradient of ``target``: its shape and dtype, or an error."""
    if not isinstance(g, Tensor):
        try:
            g = convert_to_tensor(g, dtype=target.dtype)
        except InvalidArgumentError as error:
            raise InvalidArgumentError(
                "gradient: output_gradients %s" % str(error).split(": ", 1)[-1]) from None
    if g._value.dtype != target._value.dtype:
        raise InvalidArgumentError(
            "gradient: output_gradients has dtype %s but its target has %s; they must "
            "match (convert it with tf.cast)" % (g.dtype.name, target.dtype.name))
    if g._value.shape != target._value.shape:
        raise InvalidArgumentError(
            "gradient: output_gradients of shape %s for a target of shape %s;"
            " they must have the same shape"
            % (tuple(g._value.shape), tuple(target._value.shape)))
    return g


def _total(found, keys):
    """The gradient of one source: the sum of what backprop found under its keys
    (a variable read, assigned and read again has two snapshots), or None."""
    if len(keys) == 2:                  # (the usual variable: itself and one read)
        a, b = found[keys[0]], found[keys[1]]
        return b if a is None else a if b is None else _sum([a, b])
    grads = [g for g in map(found.__getitem__, keys) if g is not None]
    if not grads:
        return None
    return grads[0] if len(grads) == 1 else _sum(grads)


def _answer(source, found, keys, unconnected):
    """What ``gradient`` answers for ``source``."""
    grad = _total(found, keys)
    if source._value.dtype.kind not in "fc":
        return None                         # integers and bools have no gradient
    if grad is None:
        return zeros_for(source) if unconnected is UnconnectedGradients.ZERO else None
    return grad


def _one_hot_rows(target):
    """Output gradients selecting each element of ``target`` in turn."""
    value = target._value
    xp = backend_of(value).xp
    for i in range(value.size):
        seed = xp.zeros(value.size, dtype=value.dtype)
        seed[i] = 1
        yield constant(seed.reshape(value.shape))


def _one_hot_columns(target):
    """Output gradients selecting element j of every example at once."""
    value = target._value
    xp = backend_of(value).xp
    per_example = value[0].size if value.shape[0] else 0
    for j in range(per_example):
        seed = xp.zeros((value.shape[0], per_example), dtype=value.dtype)
        seed[:, j] = 1
        yield constant(seed.reshape(value.shape))


def _assemble(grads, tshape, source, unconnected, batch):
    """Stacks per-element gradients into a Jacobian tensor."""
    sshape = tuple(source._value.shape)
    shape = tshape + (sshape[1:] if batch else sshape)
    if source._value.dtype.kind not in "fc" or all(g is None for g in grads):
        if unconnected is UnconnectedGradients.ZERO or not grads:
            return constant(np.zeros(shape, source._value.dtype))
        return None
    grads = [zeros_for(source) if g is None else g for g in grads]
    stacked = _tf1.stack(grads, axis=1 if batch else 0)
    return _tf1.reshape(stacked, shape)
