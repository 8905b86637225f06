"""From what ``fit`` is given to batches: arrays are sliced, a ``Dataset`` is iterated.

``fit(x, y, batch_size=32, shuffle=True)`` on NumPy arrays (or tensors) cuts
them into batches of ``batch_size`` rows, in a new random order each epoch
(drawn from ``tf.random``, so ``tf.random.set_seed`` fixes it); the last batch
may be smaller. A ``tf.data.Dataset`` is already batched: each element is one
batch, ``x``, ``(x, y)`` or ``(x, y, sample_weight)``. Floats of 64 bits
become the model's ``float32``, as in Keras.

``validation_split=0.2`` keeps the *last* 20% of the rows (before any
shuffling) for validation.

>>> import numpy as np
>>> from stage4_training.keras.data_adapter import DataHandler
>>> data = DataHandler(np.arange(10.0), np.arange(10), batch_size=4, shuffle=False)
>>> data.steps, [tuple(x.shape) for x, y in data.epoch()]
(3, [(4,), (4,), (2,)])
"""

import math
import warnings

import numpy as np

import stage3_layers as tf
from stage2_autodiff import nest

from .. import distribute

__all__ = ["DataHandler", "train_validation_split", "is_dataset", "single_batch", "as_tensors"]


def is_dataset(value):
    """Whether ``value`` is a ``tf.data.Dataset`` (batched data that ``fit`` iterates)."""
    try:
        from ..data.dataset import Dataset
    except ImportError:          # the data package not written yet
        return False
    return isinstance(value, Dataset)


def _as_array(value, what, who):
    """A NumPy array for one input: tensors read out, 64-bit floats made float32."""
    if isinstance(value, tf.Tensor) or hasattr(value, "numpy"):
        value = value.numpy()
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as error:
        raise ValueError("%s: cannot read %s as an array: %s" % (who, what, error)) from None
    if array.dtype == object:
        raise ValueError("%s: %s must be numbers (NumPy arrays, tensors or nested lists of "
                         "equal lengths), got an object array" % (who, what))
    if array.dtype == np.float64:
        array = array.astype(np.float32)
    if array.ndim == 0:
        raise ValueError("%s: %s must have a batch axis; got a scalar" % (who, what))
    return array


def _several(value):
    """Whether ``value`` is a list of arrays, one per input of a model with
    several inputs (a nested list of numbers is one array)."""
    return (isinstance(value, (list, tuple)) and len(value) > 0 and
            all(isinstance(v, (np.ndarray, tf.Tensor)) for v in value))


def _arrays(value, what, who):
    """``value`` as an array, a dict of arrays (a model with named inputs) or a
    list of arrays (a model with several inputs)."""
    if value is None:
        return None
    if isinstance(value, dict):
        if not value:
            raise ValueError("%s: %s is an empty dict; give an array, a tensor, or a dict "
                             "{input name: array}" % (who, what))
        return {key: _as_array(v, "%s[%r]" % (what, key), who) for key, v in value.items()}
    if _several(value):
        return [_as_array(v, "%s[%d]" % (what, i), who) for i, v in enumerate(value)]
    return _as_array(value, what, who)


def _flat(value):
    if value is None:
        return []
    if isinstance(value, dict):
        return list(value.values())
    return list(value) if isinstance(value, list) else [value]


def _take(value, index):
    """Rows ``index`` of an array (or of each array of a dict or list), still
    NumPy: a view when ``index`` is a slice. They become tensors in ``as_tensors``."""
    if value is None:
        return None
    if isinstance(value, dict):
        return {key: v[index] for key, v in value.items()}
    if isinstance(value, list):
        return [v[index] for v in value]
    return value[index]


def as_tensors(batch):
    """A batch as ``train_step`` takes it: every array a tensor (tensors, as a
    ``Dataset`` gives them, pass through).

    ``fit`` calls this *after* a ``tf.distribute`` strategy has picked this
    replica's rows of the global batch, so a replica copies only its own
    rows (on 2 MPI ranks this took a training step of the MNIST MLP from
    4.0 to 3.2 ms; bench/distribute.py).

    >>> import numpy as np
    >>> from stage4_training.keras.data_adapter import as_tensors
    >>> as_tensors((np.zeros([2, 3], np.float32), np.arange(2)))[1]
    tf.Tensor([0 1], shape=(2,), dtype=int64)
    """
    parts = nest.flatten(batch)
    return nest.pack_sequence_as(batch, [tf.convert_to_tensor(p) for p in parts])


def _check_cardinality(x, y, sample_weight, who):
    sizes = {name: [len(a) for a in _flat(v)]
             for name, v in (("x", x), ("y", y), ("sample_weight", sample_weight))
             if v is not None}
    distinct = {n for ns in sizes.values() for n in ns}
    if len(distinct) > 1:
        lines = "\n".join("  %s sizes: %s" % (name, ", ".join(map(str, ns)))
                          for name, ns in sizes.items())
        raise ValueError("%s: Data cardinality is ambiguous:\n%s\nMake sure all arrays "
                         "contain the same number of samples." % (who, lines))
    return distinct.pop() if distinct else 0


def train_validation_split(x, y, sample_weight, validation_split, who="fit"):
    """The first ``1 - validation_split`` of the rows for training, the rest for
    validation (no shuffling first, as in Keras).

    >>> import numpy as np
    >>> from stage4_training.keras.data_adapter import train_validation_split
    >>> train, val = train_validation_split(np.arange(10), np.arange(10), None, 0.2)
    >>> train[0].tolist(), val[0].tolist()
    ([0, 1, 2, 3, 4, 5, 6, 7], [8, 9])
    """
    if not 0 < validation_split < 1:
        raise ValueError("%s: validation_split must be a fraction in (0, 1), got %r"
                         % (who, validation_split))
    if is_dataset(x):
        raise ValueError("%s: validation_split works on arrays only, not on a Dataset; "
                         "pass validation_data=another_dataset instead" % who)
    x, y = _arrays(x, "x", who), _arrays(y, "y", who)
    sample_weight = _arrays(sample_weight, "sample_weight", who)
    n = _check_cardinality(x, y, sample_weight, who)
    split_at = int(math.floor(n * (1.0 - validation_split)))
    if split_at == 0 or split_at == n:
        raise ValueError("%s: validation_split=%r of %d samples leaves %s empty; use more "
                         "data or another fraction" % (who, validation_split, n,
                                                       "training" if split_at == 0 else
                                                       "validation"))

    def part(value, rows):
        return _take(value, rows)
    train = tuple(part(v, slice(0, split_at)) for v in (x, y, sample_weight))
    validation = tuple(part(v, slice(split_at, None)) for v in (x, y, sample_weight))
    return train, validation


def single_batch(x, y=None, sample_weight=None, who="train_on_batch"):
    """One batch as ``train_step`` takes it: ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)``."""
    x, y = _arrays(x, "x", who), _arrays(y, "y", who)
    sample_weight = _arrays(sample_weight, "sample_weight", who)
    _check_cardinality(x, y, sample_weight, who)
    everything = slice(None)
    parts = [_take(x, everything)]
    if y is not None:
        parts.append(_take(y, everything))
        if sample_weight is not None:
            parts.append(_take(sample_weight, everything))
    return as_tensors(tuple(parts))


class DataHandler:
    """The batches of one epoch after another, and how many there are (``steps``).

    ``steps_per_epoch`` caps an epoch at that many batches; the data then
    carries on where the last epoch stopped (as Keras does), and running out
    of a finite ``Dataset`` ends training with a warning.
    """

    def __init__(self, x, y=None, sample_weight=None, batch_size=None, steps_per_epoch=None,
                 shuffle=False, who="fit"):
        self.who = who
        self.steps_per_epoch = steps_per_epoch
        self.ran_out = False
        self._stream = None          # the iterator that spans epochs (steps_per_epoch)
        if steps_per_epoch is not None and (isinstance(steps_per_epoch, bool) or
                                            not isinstance(steps_per_epoch, int) or
                                            steps_per_epoch < 1):
            raise ValueError("%s: steps must be a positive integer, got %r"
                             % (who, steps_per_epoch))
        if is_dataset(x):
            if y is not None or sample_weight is not None:
                raise ValueError("%s: when x is a Dataset, y and sample_weight must be None; "
                                 "the Dataset's elements are (x, y) or (x, y, sample_weight) "
                                 "batches" % who)
            if batch_size is not None:
                raise ValueError("%s: do not give batch_size when x is a Dataset; it is "
                                 "batched already (dataset.batch(%d))" % (who, batch_size))
            self.dataset = x
            cardinality = int(x.cardinality())
            if cardinality == -1 and steps_per_epoch is None:
                raise ValueError("%s: the Dataset repeats forever, so an epoch never ends; "
                                 "give steps_per_epoch= (steps= for evaluate/predict)" % who)
            self.steps = steps_per_epoch or (cardinality if cardinality >= 0 else None)
            return
        if x is None:
            raise ValueError("%s: no data; give x (and y), e.g. %s(x_train, y_train), or a "
                             "Dataset of (x, y) batches" % (who, who))
        self.dataset = None
        self.x, self.y = _arrays(x, "x", who), _arrays(y, "y", who)
        self.sample_weight = _arrays(sample_weight, "sample_weight", who)
        if self.sample_weight is not None and self.y is None:
            raise ValueError("%s: sample_weight needs targets y" % who)
        self.size = _check_cardinality(self.x, self.y, self.sample_weight, who)
        if batch_size is None:
            batch_size = 32
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) \
                or batch_size < 1:
            raise ValueError("%s: batch_size must be a positive integer, got %r"
                             % (who, batch_size))
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.steps = steps_per_epoch or math.ceil(self.size / self.batch_size)

    # --- one epoch ------------------------------------------------------------
    def epoch(self):
        """The batches of the next epoch."""
        if self.steps_per_epoch is None:
            return self._one_pass()
        if self._stream is None:
            self._stream = self._passes()
        return self._take_steps()

    def _take_steps(self):
        for _ in range(self.steps_per_epoch):
            try:
                yield next(self._stream)
            except StopIteration:
                self.ran_out = True
                warnings.warn("%s: the input ran out of data after fewer than "
                              "steps_per_epoch * epochs batches; training stops. Make the "
                              "Dataset .repeat() or lower steps_per_epoch" % self.who)
                return

    def _passes(self):
        if self.dataset is not None:
            yield from self.dataset          # once: a finite Dataset can run out
            return
        while True:
            yield from self._one_pass()

    def _one_pass(self):
        if self.dataset is not None:
            yield from self.dataset
            return
        order = np.arange(self.size)
        if self.shuffle:
            order = tf.random.shuffle(tf.range(self.size)).numpy()
            # Replicas of a tf.distribute strategy must cut the same global batches.
            order = distribute.get_strategy()._broadcast_from_chief(order)
        for start in range(0, self.size, self.batch_size):
            rows = order[start:start + self.batch_size]
            if not self.shuffle:
                rows = slice(start, start + self.batch_size)    # a view, not a copy
            batch = [_take(self.x, rows)]
            if self.y is not None:
                batch.append(_take(self.y, rows))
                if self.sample_weight is not None:
                    batch.append(_take(self.sample_weight, rows))
            yield tuple(batch)
