"""Object-based checkpoints: ``Checkpoint``, ``CheckpointManager``, ``latest_checkpoint``.

A ``Checkpoint`` saves the variables it can reach from the objects you give it,
each under the path of attribute names that leads to it (``trackable.py``), and
restores by matching those paths again, so it does not matter how the objects
were made, only how they are connected:

>>> import tempfile
>>> import stage4_training as tf
>>> d = tempfile.mkdtemp()
>>> step = tf.Variable(7)
>>> path = tf.train.Checkpoint(step=step).save(d + "/ckpt")
>>> path[len(d):]
'/ckpt-1'
>>> _ = step.assign(0)
>>> _ = tf.train.Checkpoint(step=step).restore(path).assert_consumed()
>>> int(step)
7

A value whose variable does not exist yet (a model not built, an optimizer
before its first step) waits, and lands when the variable is created.
The files and why a crash cannot break them: ``checkpoint_format.py``.
"""

import os
import types

import numpy as np
from stage1_tensors import Tensor
from stage1_tensors.errors import FailedPreconditionError
from stage2_autodiff import Variable

from .. import distribute, trackable
from .._errors import as_int
from . import checkpoint_format

__all__ = ["Checkpoint", "CheckpointManager", "latest_checkpoint", "list_variables",
           "load_variable"]


class Checkpoint:
    """Saves and restores the variables reachable from ``**objects``; the keyword
    names become the first step of each variable's key.

    Give it models, layers, optimizers, metrics, variables, other checkpoints,
    or lists and dicts of them. Attributes set later count too.

    >>> import tempfile
    >>> import stage4_training as tf
    >>> model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(2,))])
    >>> checkpoint = tf.train.Checkpoint(model=model, step=tf.Variable(0))
    >>> checkpoint.step
    <tf.Variable 'Variable:0' shape=() dtype=int32, numpy=0>
    """

    def __init__(self, **objects):
        for name, value in objects.items():
            if name == "save_counter":
                raise ValueError("Checkpoint: 'save_counter' is the checkpoint's own "
                                 "variable; give your object another name")
            if not (trackable.is_trackable(value) or _is_plain_object(value)):
                raise ValueError(
                    "Checkpoint was expecting a trackable object for %r (a Variable, a "
                    "layer or model, an optimizer, a Checkpoint, or a list/dict of them), "
                    "got %r of type %s" % (name, value, type(value).__name__))
            setattr(self, name, value)

    def _checkpoint_children(self):
        """The objects given to the checkpoint (its public attributes), and its save counter."""
        named = {name: value for name, value in vars(self).items() if not name.startswith("_")}
        if "_save_counter" in vars(self):
            named["save_counter"] = self._save_counter
        return named

    @property
    def save_counter(self):
        """How many times ``save`` has run (an int64 ``Variable``, saved with the rest).

        >>> import tempfile
        >>> import stage4_training as tf
        >>> checkpoint = tf.train.Checkpoint(v=tf.Variable(1.0))
        >>> _ = checkpoint.save(tempfile.mkdtemp() + "/ckpt")
        >>> int(checkpoint.save_counter)
        1
        """
        if "_save_counter" not in vars(self):
            self._save_counter = Variable(0, dtype="int64", trainable=False, name="save_counter")
        return self._save_counter

    # --- saving -------------------------------------------------------------
    def write(self, file_prefix):
        """Saves the checkpoint as ``file_prefix`` (no number, no ``save_counter`` change).

        >>> import tempfile
        >>> import stage4_training as tf
        >>> d = tempfile.mkdtemp()
        >>> path = tf.train.Checkpoint(v=tf.Variable(1.0)).write(d + "/weights")
        >>> path == d + "/weights"
        True
        """
        file_prefix = _path(file_prefix, "Checkpoint.write", "file_prefix")
        self._write_files(file_prefix)
        distribute.get_strategy()._barrier()    # the other replicas wait until it is there
        return file_prefix

    def _write_files(self, file_prefix):
        if distribute.get_strategy()._is_chief:  # under tf.distribute, replica 0 alone writes
            graph = trackable.object_graph(self)
            arrays = {key: np.asarray(variable) for key, variable in graph.variables.items()}
            try:
                checkpoint_format.write_checkpoint(file_prefix, arrays, graph.objects)
            except OSError as error:    # a folder that is a file, no permission, a full disk
                raise FailedPreconditionError(
                    "Checkpoint.write: cannot write the checkpoint %s: %s (the previous "
                    "checkpoint files are untouched)" % (file_prefix, error),
                    op="Checkpoint.write") from error

    def save(self, file_prefix):
        """Saves as ``file_prefix-N``, N the new ``save_counter``, and records it as
        the latest in the directory (for ``tf.train.latest_checkpoint``).

        >>> import tempfile
        >>> import stage4_training as tf
        >>> d = tempfile.mkdtemp()
        >>> checkpoint = tf.train.Checkpoint(v=tf.Variable(1.0))
        >>> [p[len(d):] for p in (checkpoint.save(d + "/ckpt"), checkpoint.save(d + "/ckpt"))]
        ['/ckpt-1', '/ckpt-2']
        >>> tf.train.latest_checkpoint(d) == d + "/ckpt-2"
        True
        """
        file_prefix = _path(file_prefix, "Checkpoint.save", "file_prefix")
        self.save_counter.assign_add(1)
        path = "%s-%d" % (file_prefix, int(self.save_counter))
        self._write_files(path)
        strategy = distribute.get_strategy()
        if strategy._is_chief:
            checkpoint_format.write_state(os.path.dirname(path), path, [path])
        # Under tf.distribute the others wait until the files *and* the record of
        # the latest are written: when save returns, every replica can restore it.
        strategy._barrier()
        return path

    # --- restoring ------------------------------------------------------------
    def read(self, save_path):
        """Restores from ``save_path`` like ``restore``, but leaves ``save_counter``
        alone (for checkpoints made with ``write``).

        >>> import tempfile
        >>> import stage4_training as tf
        >>> v = tf.Variable(1.0)
        >>> path = tf.train.Checkpoint(v=v).write(tempfile.mkdtemp() + "/weights")
        >>> _ = v.assign(5.0)
        >>> tf.train.Checkpoint(v=v).read(path).assert_consumed() is not None, float(v)
        (True, 1.0)
        """
        save_path = _path(save_path, "Checkpoint.read", "save_path")
        values = checkpoint_format.read_checkpoint(save_path)
        values.pop("save_counter", None)
        return CheckpointLoadStatus(self, save_path, values)

    def restore(self, save_path):
        """Restores the values saved at ``save_path`` into the variables with the same keys.

        Values whose variables do not exist yet wait for them. Returns a status to
        check with ``assert_consumed()`` & co. ``save_path=None`` restores nothing
        (handy with ``manager.latest_checkpoint`` on a first run).

        >>> import tempfile
        >>> import stage4_training as tf
        >>> d = tempfile.mkdtemp()
        >>> model = tf.keras.Sequential([tf.keras.layers.Dense(1, kernel_initializer="ones")])
        >>> _ = model(tf.ones([1, 2]))
        >>> path = tf.train.Checkpoint(model=model).save(d + "/ckpt")
        >>> fresh = tf.keras.Sequential([tf.keras.layers.Dense(1)])   # not built yet
        >>> status = tf.train.Checkpoint(model=fresh).restore(path)
        >>> fresh(tf.ones([1, 2]))                                     # built: the values land
        tf.Tensor([[2.]], shape=(1, 1), dtype=float32)
        >>> _ = status.assert_consumed()
        """
        if save_path is None:
            return InitializationOnlyStatus()
        _ = self.save_counter      # made now (if new), so it is restored with the rest
        save_path = _path(save_path, "Checkpoint.restore", "save_path")
        return CheckpointLoadStatus(self, save_path, checkpoint_format.read_checkpoint(save_path))


class CheckpointLoadStatus:
    """What ``Checkpoint.restore`` returns: which saved values found a variable.

    It assigns the values whose variables exist at once; the rest wait (as long
    as the checkpoint, this status or the objects restored into live) and land
    when their variables are created. The ``assert_*`` methods return the status
    or raise ``AssertionError`` saying which keys are left.

    >>> import tempfile
    >>> import stage4_training as tf
    >>> path = tf.train.Checkpoint(a=tf.Variable(1.0)).write(tempfile.mkdtemp() + "/c")
    >>> status = tf.train.Checkpoint(a=tf.Variable(0.0), b=tf.Variable(0.0)).read(path)
    >>> status.assert_consumed()  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: these variables got no value from the checkpoint ... ['b']...
    """

    def __init__(self, root, save_path, values):
        self._root, self._save_path = root, save_path
        self._saved = frozenset(values)
        self._waiting = dict(values)       # key -> value not yet in a variable
        self._matched = set()
        self._holders = []
        self.fill_new_variables()
        if self._waiting:                  # wait: be told of each new variable, and
            trackable.wait_for_variables(self)     # live as long as the objects do
            for obj in [root] + [child for _, child in trackable.children(root)]:
                if hasattr(obj, "__dict__"):
                    vars(obj).setdefault("_checkpoint_waiting", []).append(self)
                    self._holders.append(obj)

    def fill_new_variables(self):
        """Assigns each waiting value whose variable exists now (checking all
        shapes and dtypes before assigning any)."""
        variables = trackable.object_graph(self._root).variables
        ready = [(key, variables[key], value) for key, value in self._waiting.items()
                 if key in variables]
        for key, variable, value in ready:
            _check_fits(key, variable, value, self._save_path)
        for key, variable, value in ready:
            _assign(variable, value)
            del self._waiting[key]
            self._matched.add(key)
        if not self._waiting:
            trackable.stop_waiting(self)
            for obj in self._holders:
                vars(obj)["_checkpoint_waiting"].remove(self)
            self._holders = []

    def _unrestored(self):
        """Keys of existing variables that got no value from the checkpoint."""
        variables = trackable.object_graph(self._root).variables
        return sorted(key for key in variables     # (the save_counter may be new: fine)
                      if key not in self._matched and key != "save_counter")

    def assert_consumed(self):
        """Every saved value found its variable, and every variable got a value.

        >>> import tempfile
        >>> import stage4_training as tf
        >>> path = tf.train.Checkpoint(a=tf.Variable(1.0), b=tf.Variable(2.0)).write(tempfile.mkdtemp() + "/c")
        >>> tf.train.Checkpoint(a=tf.Variable(0.0)).read(path).assert_consumed()  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        AssertionError: checkpoint ... has values no variable took yet: ['b']...
        """
        if self._waiting:
            raise AssertionError(
                "checkpoint %s has values no variable took yet: %s. If their variables are "
                "created later (build the model, run a training step) they will land then; "
                "if you restore only part of a checkpoint on purpose, use "
                "assert_existing_objects_matched() or expect_partial()"
                % (self._save_path, sorted(self._waiting)))
        return self.assert_existing_objects_matched()

    def assert_existing_objects_matched(self):
        """Every variable that exists now got a value (saved values may still wait).

        >>> import tempfile
        >>> import stage4_training as tf
        >>> path = tf.train.Checkpoint(a=tf.Variable(1.0), b=tf.Variable(2.0)).write(tempfile.mkdtemp() + "/c")
        >>> status = tf.train.Checkpoint(a=tf.Variable(0.0)).read(path)
        >>> status.assert_existing_objects_matched() is status
        True
        """
        unrestored = self._unrestored()
        if unrestored:
            raise AssertionError(
                "these variables got no value from the checkpoint %s: %s; the checkpoint "
                "has the keys %s" % (self._save_path, unrestored, sorted(self._saved)))
        return self

    def assert_nontrivial_match(self):
        """At least one value was restored (besides the ``save_counter``).

        >>> import tempfile
        >>> import stage4_training as tf
        >>> path = tf.train.Checkpoint(a=tf.Variable(1.0)).write(tempfile.mkdtemp() + "/c")
        >>> tf.train.Checkpoint(other=tf.Variable(0.0)).read(path).assert_nontrivial_match()  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        AssertionError: nothing was restored from the checkpoint ...
        """
        if not self._matched - {"save_counter"}:
            raise AssertionError(
                "nothing was restored from the checkpoint %s: none of its keys %s matches a "
                "variable here (keys are the attribute names from the Checkpoint's keywords "
                "down to each variable)" % (self._save_path, sorted(self._saved)))
        return self

    def expect_partial(self):
        """Says that not using every saved value is fine (TensorFlow would stop
        warning about them); returns the status.

        >>> import stage4_training as tf
        >>> status = tf.train.Checkpoint().restore(None)
        >>> status.expect_partial() is status
        True
        """
        return self


class InitializationOnlyStatus:
    """What ``restore(None)`` returns: nothing was restored, so the assertions fail.

    >>> import stage4_training as tf
    >>> tf.train.Checkpoint().restore(None).assert_consumed()
    Traceback (most recent call last):
    ...
    AssertionError: No checkpoint specified (save_path=None); nothing is being restored.
    """

    def assert_consumed(self):
        """Raises: nothing was restored."""
        raise AssertionError("No checkpoint specified (save_path=None); nothing is being restored.")

    assert_existing_objects_matched = assert_nontrivial_match = assert_consumed

    def expect_partial(self):
        """Returns the status."""
        return self


def _is_plain_object(value):
    """An object of the user's own class, whose public attributes a checkpoint walks."""
    return hasattr(value, "__dict__") and not isinstance(
        value, (type, types.ModuleType, types.FunctionType, types.MethodType))


def _check_fits(key, variable, value, save_path):
    if tuple(variable.shape) != value.shape or variable.dtype.name != value.dtype.name:
        raise ValueError(
            "checkpoint %s: the value saved for %r has shape %s and dtype %s, but the "
            "variable %s here has shape %s and dtype %s; the model must be built the "
            "same way as the one that was saved"
            % (save_path, key, value.shape, value.dtype.name, variable.name,
               tuple(variable.shape), variable.dtype.name))


def _assign(variable, value):
    # ``assign`` copies an ndarray it is given (its caller might change it later);
    # this array is ours alone, so hand it over as a tensor and spare the copy.
    if isinstance(variable._value, np.ndarray):
        variable.assign(Tensor(value))
    else:
        variable.assign(value)


class CheckpointManager:
    """Saves numbered checkpoints into ``directory`` and keeps the newest ``max_to_keep``
    (``None`` keeps all). A new manager on the same directory picks up its state.

    >>> import tempfile
    >>> import stage4_training as tf
    >>> d = tempfile.mkdtemp()
    >>> manager = tf.train.CheckpointManager(tf.train.Checkpoint(v=tf.Variable(1.0)), d, max_to_keep=2)
    >>> for _ in range(3):
    ...     _ = manager.save()
    >>> [p[len(d):] for p in manager.checkpoints]
    ['/ckpt-2', '/ckpt-3']
    """

    def __init__(self, checkpoint, directory, max_to_keep=5, checkpoint_name="ckpt"):
        if max_to_keep is not None:
            max_to_keep = as_int(max_to_keep, "CheckpointManager: max_to_keep (or None to keep "
                                 "all)", at_least=1)
        self._checkpoint = checkpoint
        self._directory = os.fspath(directory)
        self._max_to_keep = max_to_keep
        self._prefix = os.path.join(self._directory, checkpoint_name)
        state = checkpoint_format.read_state(self._directory)
        found = state[1] if state else []
        self._checkpoints = [p for p in found if checkpoint_format.checkpoint_exists(p)]

    @property
    def directory(self):
        """Where the checkpoints go."""
        return self._directory

    @property
    def checkpoints(self):
        """The kept checkpoints' paths, oldest first."""
        return list(self._checkpoints)

    @property
    def latest_checkpoint(self):
        """The newest kept checkpoint's path, or None.

        >>> import tempfile
        >>> import stage4_training as tf
        >>> manager = tf.train.CheckpointManager(tf.train.Checkpoint(), tempfile.mkdtemp())
        >>> print(manager.latest_checkpoint)
        None
        """
        return self._checkpoints[-1] if self._checkpoints else None

    def save(self, checkpoint_number=None):
        """Saves ``<directory>/<checkpoint_name>-N`` (N the ``save_counter``, or
        ``checkpoint_number``), records it, then deletes the oldest beyond ``max_to_keep``.

        >>> import tempfile
        >>> import stage4_training as tf
        >>> d = tempfile.mkdtemp()
        >>> manager = tf.train.CheckpointManager(tf.train.Checkpoint(), d)
        >>> manager.save(checkpoint_number=100)[len(d):]
        '/ckpt-100'
        """
        self._checkpoint.save_counter.assign_add(1)
        if checkpoint_number is None:
            checkpoint_number = self._checkpoint.save_counter
        path = "%s-%d" % (self._prefix, int(checkpoint_number))
        self._checkpoint._write_files(path)
        kept = [p for p in self._checkpoints if p != path] + [path]
        dropped = kept[:-self._max_to_keep] if self._max_to_keep else []
        kept = kept[len(dropped):]
        # Record first, delete after: the state file never names a deleted checkpoint.
        self._checkpoints = kept
        if distribute.get_strategy()._is_chief:
            checkpoint_format.write_state(self._directory, path, kept)
            for old in dropped:
                checkpoint_format.remove_checkpoint(old)
        distribute.get_strategy()._barrier()    # (as in Checkpoint.save)
        return path


def latest_checkpoint(checkpoint_dir):
    """The path of the newest checkpoint recorded in ``checkpoint_dir``, or None.

    >>> import tempfile
    >>> import stage4_training as tf
    >>> d = tempfile.mkdtemp()
    >>> print(tf.train.latest_checkpoint(d))
    None
    >>> tf.train.Checkpoint(v=tf.Variable(1.0)).save(d + "/ckpt") == tf.train.latest_checkpoint(d)
    True
    """
    checkpoint_dir = _path(checkpoint_dir, "latest_checkpoint", "checkpoint_dir")
    if not os.path.isdir(checkpoint_dir):
        return None
    state = checkpoint_format.read_state(checkpoint_dir)
    if state is None or state[0] is None or not checkpoint_format.checkpoint_exists(state[0]):
        return None
    return state[0]


def _path(value, who, what):
    """``value`` as a path string, or a TypeError naming ``who`` and ``what``."""
    if isinstance(value, (str, os.PathLike)) and not isinstance(value, bytes):
        path = os.fspath(value)
        if isinstance(path, str) and path:
            return path
    raise TypeError("%s: %s must be a non-empty path (a str or os.PathLike), got %r"
                    % (who, what, value))


def _resolve(ckpt_dir_or_file):
    path = _path(ckpt_dir_or_file, "checkpoint", "ckpt_dir_or_file")
    if os.path.isdir(path):
        latest = latest_checkpoint(path)
        if latest is None:
            raise checkpoint_format.NotFoundError("no checkpoint recorded in the directory %s" % path)
        return latest
    return path


def list_variables(ckpt_dir_or_file):
    """The ``(key, shape)`` of every value in a checkpoint (or a directory's latest), sorted.

    >>> import tempfile
    >>> import stage4_training as tf
    >>> path = tf.train.Checkpoint(step=tf.Variable(0), w=[tf.Variable([1.0, 2.0])]).write(tempfile.mkdtemp() + "/c")
    >>> tf.train.list_variables(path)
    [('step', []), ('w/0', [2])]
    """
    entries = checkpoint_format.read_index(_resolve(ckpt_dir_or_file))["variables"]
    return sorted((key, list(entry["shape"])) for key, entry in entries.items())


def load_variable(ckpt_dir_or_file, name):
    """The value saved under the key ``name``, as a NumPy array.

    >>> import tempfile
    >>> import stage4_training as tf
    >>> path = tf.train.Checkpoint(w=tf.Variable([1.0, 2.0])).write(tempfile.mkdtemp() + "/c")
    >>> tf.train.load_variable(path, "w")
    array([1., 2.], dtype=float32)
    """
    path = _resolve(ckpt_dir_or_file)
    values = checkpoint_format.read_checkpoint(path)
    if name not in values:
        raise checkpoint_format.NotFoundError(
            "checkpoint %s has no key %r; its keys are %s" % (path, name, sorted(values)))
    return values[name]
