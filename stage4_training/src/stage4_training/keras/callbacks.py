"""``keras.callbacks``: code that ``fit`` calls at fixed points of its loop.

A callback is an object with hooks; ``fit`` calls them in this order::

    on_train_begin
      for each epoch:  on_epoch_begin(epoch)
        for each batch:  on_train_batch_begin(batch) ... train_step ... on_train_batch_end(batch, logs)
        (validation:     on_test_begin, on_test_batch_begin/end per batch, on_test_end)
                       on_epoch_end(epoch, logs)      logs: loss, metrics, val_loss, val_...
    on_train_end

``evaluate`` calls ``on_test_*`` and ``predict`` calls ``on_predict_*``. Each
callback sees the model as ``self.model`` and the run's settings as
``self.params`` (``epochs``, ``steps``, ``verbose``); setting
``self.model.stop_training = True`` ends ``fit`` after the current batch.
``logs`` are dicts of Python floats.

>>> import stage4_training as tf
>>> class Recorder(tf.keras.callbacks.Callback):
...     def on_epoch_end(self, epoch, logs=None):
...         print("epoch", epoch, sorted(logs))
>>> model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(2,))])
>>> model.compile(optimizer="sgd", loss="mse")
>>> _ = model.fit(tf.ones([4, 2]), tf.ones([4, 1]), epochs=2, verbose=0, callbacks=[Recorder()])
epoch 0 ['loss']
epoch 1 ['loss']
"""

import csv
import math
import os
import sys
import warnings

import numpy as np

from .progbar import Progbar

__all__ = ["Callback", "CallbackList", "History", "ProgbarLogger", "ModelCheckpoint",
           "EarlyStopping", "TensorBoard", "LambdaCallback", "CSVLogger", "TerminateOnNaN",
           "LearningRateScheduler"]

_HOOKS = ("on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end",
          "on_train_batch_begin", "on_train_batch_end", "on_test_begin", "on_test_end",
          "on_test_batch_begin", "on_test_batch_end", "on_predict_begin", "on_predict_end",
          "on_predict_batch_begin", "on_predict_batch_end")


class Callback:
    """Base class: override the hooks you need; the others do nothing.

    ``on_batch_begin``/``on_batch_end`` are the older names of the training
    batch hooks (``on_train_batch_*`` calls them).

    >>> import stage4_training as tf
    >>> callback = tf.keras.callbacks.Callback()
    >>> callback.set_params({"epochs": 3}); callback.params
    {'epochs': 3}
    """

    def __init__(self):
        self.model = None
        self.params = {}

    def set_params(self, params):
        """Keeps the run's settings (``epochs``, ``steps``, ``verbose``) as ``self.params``."""
        self.params = params

    def set_model(self, model):
        """Keeps the model being trained as ``self.model``."""
        self.model = model

    def on_batch_begin(self, batch, logs=None):
        """Old name of ``on_train_batch_begin``."""

    def on_batch_end(self, batch, logs=None):
        """Old name of ``on_train_batch_end``."""

    def on_epoch_begin(self, epoch, logs=None):
        """Called at the start of epoch ``epoch`` (0-based)."""

    def on_epoch_end(self, epoch, logs=None):
        """Called at the end of epoch ``epoch`` with its logs (train and val_ metrics)."""

    def on_train_batch_begin(self, batch, logs=None):
        """Called before training batch ``batch`` of an epoch."""
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        """Called after training batch ``batch``, with the running logs of the epoch."""
        self.on_batch_end(batch, logs=logs)

    def on_test_batch_begin(self, batch, logs=None):
        """Called before a batch of ``evaluate`` (or of validation in ``fit``)."""

    def on_test_batch_end(self, batch, logs=None):
        """Called after a batch of ``evaluate``, with the running logs."""

    def on_predict_batch_begin(self, batch, logs=None):
        """Called before a batch of ``predict``."""

    def on_predict_batch_end(self, batch, logs=None):
        """Called after a batch of ``predict`` (``logs["outputs"]`` holds its output)."""

    def on_train_begin(self, logs=None):
        """Called once when ``fit`` starts."""

    def on_train_end(self, logs=None):
        """Called once when ``fit`` ends, with the last epoch's logs."""

    def on_test_begin(self, logs=None):
        """Called when ``evaluate`` (or a validation pass) starts."""

    def on_test_end(self, logs=None):
        """Called when ``evaluate`` ends, with its logs."""

    def on_predict_begin(self, logs=None):
        """Called when ``predict`` starts."""

    def on_predict_end(self, logs=None):
        """Called when ``predict`` ends."""


class CallbackList:
    """Calls each hook on every callback in turn; ``fit`` talks to this one object.

    ``add_history`` / ``add_progbar`` put a ``History`` / ``ProgbarLogger`` in
    (if the list has none), as ``fit`` does.

    >>> import stage4_training as tf
    >>> calls = []
    >>> callbacks = tf.keras.callbacks.CallbackList(
    ...     [tf.keras.callbacks.LambdaCallback(on_epoch_end=lambda e, logs: calls.append(e))])
    >>> callbacks.on_epoch_end(0, {}); calls
    [0]
    """

    def __init__(self, callbacks=None, add_history=False, add_progbar=False, model=None,
                 **params):
        self.callbacks = list(callbacks or [])
        for callback in self.callbacks:
            if not isinstance(callback, Callback):
                raise TypeError("callbacks must be keras.callbacks.Callback objects, got %r "
                                "(wrap a function in LambdaCallback(on_epoch_end=...))"
                                % (callback,))
        self.history = next((c for c in self.callbacks if isinstance(c, History)), None)
        if add_history and self.history is None:
            self.history = History()
            self.callbacks.append(self.history)
        if add_progbar and not any(isinstance(c, ProgbarLogger) for c in self.callbacks):
            # First, so the bar's line is printed before other callbacks' messages.
            self.callbacks.insert(0, ProgbarLogger())
        self.model = None
        self.params = {}
        if model is not None:
            self.set_model(model)
        if params:
            self.set_params(params)

    def append(self, callback):
        self.callbacks.append(callback)

    def set_params(self, params):
        self.params = params
        for callback in self.callbacks:
            callback.set_params(params)

    def set_model(self, model):
        self.model = model
        if self.history is not None:
            model.history = self.history
        for callback in self.callbacks:
            callback.set_model(model)

    def __iter__(self):
        return iter(self.callbacks)


def _hook(name):
    """A ``CallbackList`` method that calls hook ``name`` on every callback."""
    if "batch" in name or "epoch" in name:
        def hook(self, index, logs=None):
            for callback in self.callbacks:
                getattr(callback, name)(index, {} if logs is None else logs)
    else:
        def hook(self, logs=None):
            for callback in self.callbacks:
                getattr(callback, name)({} if logs is None else logs)
    hook.__name__ = name
    hook.__doc__ = "Calls ``%s`` on every callback." % name
    return hook


for _name in _HOOKS:
    setattr(CallbackList, _name, _hook(_name))
CallbackList.on_batch_begin = CallbackList.on_train_batch_begin
CallbackList.on_batch_end = CallbackList.on_train_batch_end
del _name


class History(Callback):
    """Records each epoch's logs: ``history.history["loss"]`` is the list of epoch losses.

    ``fit`` returns its ``History`` (also ``model.history``).

    >>> import stage4_training as tf
    >>> model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(2,))])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> history = model.fit(tf.ones([4, 2]), tf.ones([4, 1]), epochs=3, verbose=0)
    >>> history.epoch, len(history.history["loss"])
    ([0, 1, 2], 3)
    """

    def __init__(self):
        super().__init__()
        self.epoch = []
        self.history = {}

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        self.model.history = self


class ProgbarLogger(Callback):
    """Prints ``Epoch 1/5`` and the progress bar of each epoch (``fit`` adds it when
    ``verbose`` is not 0); also the bars of ``evaluate`` and ``predict``.

    >>> import stage4_training as tf
    >>> model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(2,))])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> _ = model.fit(tf.ones([4, 2]), tf.ones([4, 1]), epochs=2, verbose=2)  # doctest: +ELLIPSIS
    Epoch 1/2
    1/1 - 0s - ...step - loss: ...
    Epoch 2/2
    1/1 - 0s - ...step - loss: ...
    """

    def __init__(self, count_mode="steps"):
        super().__init__()
        if count_mode != "steps":
            raise ValueError("ProgbarLogger: only count_mode='steps' is supported, got %r"
                             % (count_mode,))
        self.progbar = None
        self.seen = 0
        self._in_fit = False

    def _start(self):
        self.seen = 0
        self.progbar = Progbar(self.params.get("steps"), verbose=self.params.get("verbose", 1))

    def on_train_begin(self, logs=None):
        self._in_fit = True

    def on_train_end(self, logs=None):
        self._in_fit = False

    def on_epoch_begin(self, epoch, logs=None):
        if self.params.get("verbose", 1):
            print("Epoch %d/%d" % (epoch + 1, self.params.get("epochs", 1)))
            sys.stdout.flush()
        self._start()

    def on_train_batch_end(self, batch, logs=None):
        self.seen = batch + 1
        self.progbar.update(self.seen, list((logs or {}).items()), finalize=False)

    def on_epoch_end(self, epoch, logs=None):
        self.progbar.update(self.seen, list((logs or {}).items()), finalize=True)

    # evaluate() and predict() on their own (validation inside fit shows no bar).
    def on_test_begin(self, logs=None):
        if not self._in_fit:
            self._start()

    def on_test_batch_end(self, batch, logs=None):
        if not self._in_fit:
            self.seen = batch + 1
            self.progbar.update(self.seen, list((logs or {}).items()), finalize=False)

    def on_test_end(self, logs=None):
        if not self._in_fit:
            self.progbar.update(self.seen, list((logs or {}).items()), finalize=True)

    def on_predict_begin(self, logs=None):
        self._start()

    def on_predict_batch_end(self, batch, logs=None):
        self.seen = batch + 1
        self.progbar.update(self.seen, finalize=False)

    def on_predict_end(self, logs=None):
        self.progbar.update(self.seen, finalize=True)


def _monitor_op(monitor, mode, who):
    """``np.less`` or ``np.greater``: is a smaller or a larger ``monitor`` better?"""
    if mode not in ("auto", "min", "max"):
        raise ValueError("%s: mode must be 'auto', 'min' or 'max', got %r" % (who, mode))
    if mode == "auto":
        # Keras's rule: accuracies (and AUC) grow as the model improves, the rest shrink.
        bigger = any(word in monitor for word in ("acc", "auc", "fmeasure"))
        mode = "max" if bigger else "min"
    return np.greater if mode == "max" else np.less


class ModelCheckpoint(Callback):
    """Saves the model (or only its weights) after each epoch, or every ``save_freq`` batches.

    ``filepath`` may hold ``{epoch:02d}`` (1-based) and any log key, e.g.
    ``"ckpt/model-{epoch:02d}-{val_loss:.2f}.keras"``. With
    ``save_best_only=True`` it saves only when ``monitor`` improved (``mode``
    "min"/"max", or "auto": max for accuracies, min otherwise). Weights are
    written with ``model.save_weights`` (an ``.npz`` file), a whole model with
    ``model.save``.

    >>> import os, tempfile
    >>> import stage4_training as tf
    >>> folder = tempfile.mkdtemp()
    >>> model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(2,))])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> save = tf.keras.callbacks.ModelCheckpoint(os.path.join(folder, "w-{epoch:02d}.npz"),
    ...                                           monitor="loss", save_weights_only=True)
    >>> _ = model.fit(tf.ones([4, 2]), tf.ones([4, 1]), epochs=2, verbose=0, callbacks=[save])
    >>> sorted(os.listdir(folder))
    ['w-01.npz', 'w-02.npz']
    """

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False,
                 save_weights_only=False, mode="auto", save_freq="epoch",
                 initial_value_threshold=None):
        super().__init__()
        self.filepath = os.fspath(filepath)
        self.monitor = monitor
        self.verbose = verbose
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.monitor_op = _monitor_op(monitor, mode, "ModelCheckpoint")
        if save_freq != "epoch" and not (isinstance(save_freq, int) and save_freq > 0):
            raise ValueError("ModelCheckpoint: save_freq must be 'epoch' or a positive "
                             "number of batches, got %r" % (save_freq,))
        self.save_freq = save_freq
        if initial_value_threshold is not None:
            self.best = initial_value_threshold
        else:
            self.best = np.inf if self.monitor_op is np.less else -np.inf
        self._batches_seen = 0
        self._epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq == "epoch":
            return
        self._batches_seen += 1
        if self._batches_seen % self.save_freq == 0:
            self._save(self._epoch, logs, batch=batch)

    def on_epoch_end(self, epoch, logs=None):
        if self.save_freq == "epoch":
            self._save(epoch, logs)

    def _path(self, epoch, logs, batch=None):
        values = dict(logs or {})
        if batch is not None:
            values["batch"] = batch + 1
        try:
            return self.filepath.format(epoch=epoch + 1, **values)
        except KeyError as error:
            raise KeyError("ModelCheckpoint: filepath %r names %s, which is not in the logs "
                           "(they hold %s)" % (self.filepath, error, sorted(values))) from None

    def _save(self, epoch, logs, batch=None):
        logs = logs or {}
        path = self._path(epoch, logs, batch)
        if self.save_best_only:
            current = logs.get(self.monitor)
            if current is None:
                warnings.warn("ModelCheckpoint: can save the best model only with %r in the "
                              "logs, which hold %s; skipping" % (self.monitor, sorted(logs)))
                return
            if not self.monitor_op(current, self.best):
                if self.verbose:
                    print("\nEpoch %d: %s did not improve from %.5f"
                          % (epoch + 1, self.monitor, self.best))
                return
            if self.verbose:
                print("\nEpoch %d: %s improved from %.5f to %.5f, saving model to %s"
                      % (epoch + 1, self.monitor, self.best, current, path))
            self.best = current
        elif self.verbose:
            print("\nEpoch %d: saving model to %s" % (epoch + 1, path))
        folder = os.path.dirname(path)
        if folder:
            os.makedirs(folder, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(path)
        else:
            self.model.save(path)


class EarlyStopping(Callback):
    """Stops ``fit`` when ``monitor`` has not improved for ``patience`` epochs.

    An improvement is a change of more than ``min_delta`` in the right
    direction (``mode`` as in ``ModelCheckpoint``). ``baseline``: training
    stops unless the model beats it within ``patience`` epochs.
    ``restore_best_weights=True`` puts back the weights of the best epoch
    when it stops. ``stopped_epoch`` is the (0-based) epoch it stopped after.

    >>> import stage4_training as tf
    >>> stop = tf.keras.callbacks.EarlyStopping(monitor="loss", patience=0)
    >>> model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(2,))])
    >>> model.compile(optimizer=tf.keras.optimizers.SGD(0.0), loss="mse")  # never improves
    >>> history = model.fit(tf.ones([4, 2]), tf.ones([4, 1]), epochs=10, verbose=0,
    ...                     callbacks=[stop])
    >>> len(history.history["loss"]), stop.stopped_epoch
    (2, 1)
    """

    def __init__(self, monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto",
                 baseline=None, restore_best_weights=False, start_from_epoch=0):
        super().__init__()
        self.monitor = monitor
        self.patience = patience
        self.verbose = verbose
        self.baseline = baseline
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = start_from_epoch
        self.monitor_op = _monitor_op(monitor, mode, "EarlyStopping")
        self.min_delta = abs(min_delta) if self.monitor_op is np.greater else -abs(min_delta)
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def on_train_begin(self, logs=None):
        self.wait = 0
        self.stopped_epoch = 0
        if self.baseline is not None:
            self.best = self.baseline          # it must beat the baseline to count
        else:
            self.best = np.inf if self.monitor_op is np.less else -np.inf
        self.best_weights = None
        self.best_epoch = 0

    def _is_improvement(self, value, reference):
        return bool(self.monitor_op(value - self.min_delta, reference))

    def on_epoch_end(self, epoch, logs=None):
        current = (logs or {}).get(self.monitor)
        if current is None:
            warnings.warn("EarlyStopping: monitor %r is not in the logs, which hold %s"
                          % (self.monitor, sorted(logs or {})))
            return
        if epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self.model.get_weights()   # if it never improves
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            self.wait = 0
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            return
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = epoch
            self.model.stop_training = True
            if self.restore_best_weights:
                if self.verbose:
                    print("Restoring model weights from the end of the best epoch: %d."
                          % (self.best_epoch + 1))
                self.model.set_weights(self.best_weights)

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose:
            print("Epoch %d: early stopping" % (self.stopped_epoch + 1))


class TensorBoard(Callback):
    """Writes the epoch logs as TensorBoard scalars: ``log_dir/train`` gets
    ``epoch_loss``, ``epoch_accuracy``...; ``log_dir/validation`` the ``val_``
    ones under the same names, so TensorBoard draws them on one chart.

    ``update_freq="batch"`` (or a number N) also writes ``batch_loss`` ... every
    N training batches, at the optimizer's step. Run ``make tensorboard LOGDIR=...``
    to look at them.

    >>> import os, tempfile
    >>> import stage4_training as tf
    >>> logs = tempfile.mkdtemp()
    >>> model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(2,))])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> _ = model.fit(tf.ones([4, 2]), tf.ones([4, 1]), epochs=2, verbose=0,
    ...               validation_split=0.5, callbacks=[tf.keras.callbacks.TensorBoard(logs)])
    >>> sorted(os.listdir(logs))
    ['train', 'validation']
    """

    def __init__(self, log_dir="logs", histogram_freq=0, write_graph=True,
                 write_images=False, update_freq="epoch", **kwargs):
        super().__init__()
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = histogram_freq
        if update_freq == "batch":
            update_freq = 1
        if update_freq != "epoch" and not (isinstance(update_freq, int) and update_freq > 0):
            raise ValueError("TensorBoard: update_freq must be 'epoch', 'batch' or a "
                             "positive number of batches, got %r" % (update_freq,))
        self.update_freq = update_freq
        self._writers = {}
        self._batches_seen = 0

    def _writer(self, name):
        from .. import summary
        if name not in self._writers:
            self._writers[name] = summary.create_file_writer(os.path.join(self.log_dir, name))
        return self._writers[name]

    def _write(self, name, prefix, values, step):
        from .. import summary
        if not values:
            return
        with self._writer(name).as_default():
            for key, value in values.items():
                summary.scalar(prefix + key, value, step=step)

    def on_train_begin(self, logs=None):
        self._batches_seen = 0
        self._writer("train")

    def on_train_batch_end(self, batch, logs=None):
        if self.update_freq == "epoch":
            return
        self._batches_seen += 1
        if self._batches_seen % self.update_freq == 0:
            self._write("train", "batch_", _scalars(logs), self._batches_seen)

    def on_epoch_end(self, epoch, logs=None):
        logs = _scalars(logs)
        train = {k: v for k, v in logs.items() if not k.startswith("val_")}
        validation = {k[4:]: v for k, v in logs.items() if k.startswith("val_")}
        self._write("train", "epoch_", train, epoch)
        self._write("validation", "epoch_", validation, epoch)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._histograms(epoch)
        for writer in self._writers.values():
            writer.flush()

    def _histograms(self, epoch):
        from .. import summary
        with self._writer("train").as_default():
            for variable in self.model.weights:
                summary.histogram(variable.name.replace(":", "_"), variable, step=epoch)

    def on_train_end(self, logs=None):
        for writer in self._writers.values():
            writer.flush()
            close = getattr(writer, "close", None)
            if close is not None:
                close()
        self._writers = {}


def _scalars(logs):
    out = {}
    for key, value in (logs or {}).items():
        try:
            out[key] = float(value)
        except (TypeError, ValueError):
            pass
    return out


class LambdaCallback(Callback):
    """A callback made of functions: ``LambdaCallback(on_epoch_end=lambda epoch, logs: ...)``.

    ``on_epoch_*`` and ``on_batch_*`` take ``(epoch_or_batch, logs)``,
    ``on_train_begin``/``on_train_end`` take ``(logs)``.

    >>> import stage4_training as tf
    >>> log = tf.keras.callbacks.LambdaCallback(on_train_begin=lambda logs: print("start"))
    >>> log.on_train_begin({})
    start
    """

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_batch_begin=None,
                 on_batch_end=None, on_train_begin=None, on_train_end=None, **kwargs):
        super().__init__()
        given = dict(on_epoch_begin=on_epoch_begin, on_epoch_end=on_epoch_end,
                     on_batch_begin=on_batch_begin, on_batch_end=on_batch_end,
                     on_train_begin=on_train_begin, on_train_end=on_train_end, **kwargs)
        for name, function in given.items():
            if name not in _HOOKS + ("on_batch_begin", "on_batch_end"):
                raise TypeError("LambdaCallback: unknown hook %r; the hooks are %s"
                                % (name, ", ".join(_HOOKS)))
            if function is not None:
                setattr(self, name, function)


class CSVLogger(Callback):
    """Writes one CSV row per epoch: ``epoch`` (0-based) and every log, columns sorted.

    ``append=True`` adds to an existing file (without a second header).

    >>> import os, tempfile
    >>> import stage4_training as tf
    >>> path = os.path.join(tempfile.mkdtemp(), "log.csv")
    >>> model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(2,))])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> _ = model.fit(tf.ones([4, 2]), tf.ones([4, 1]), epochs=2, verbose=0,
    ...               callbacks=[tf.keras.callbacks.CSVLogger(path)])
    >>> [line.split(",")[0] for line in open(path).read().splitlines()]
    ['epoch', '0', '1']
    """

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        self.filename = os.fspath(filename)
        self.sep = separator
        self.append = append
        self.keys = None
        self._file = None
        self._writer = None

    def on_train_begin(self, logs=None):
        has_rows = (self.append and os.path.exists(self.filename)
                    and os.path.getsize(self.filename) > 0)
        self._header_written = has_rows
        self._file = open(self.filename, "a" if self.append else "w", newline="")
        self.keys = None
        self._writer = None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
        if self._writer is None:
            self._writer = csv.DictWriter(self._file, fieldnames=["epoch"] + self.keys,
                                          delimiter=self.sep)
            if not self._header_written:
                self._writer.writeheader()
        row = {"epoch": epoch}
        row.update((key, logs.get(key, "NA")) for key in self.keys)
        self._writer.writerow(row)
        self._file.flush()

    def on_train_end(self, logs=None):
        if self._file is not None:
            self._file.close()
            self._file = None


class TerminateOnNaN(Callback):
    """Stops ``fit`` at the first batch whose loss is NaN or infinite.

    >>> import stage4_training as tf
    >>> stop = tf.keras.callbacks.TerminateOnNaN()
    >>> model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(1,))])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> stop.set_model(model)
    >>> stop.on_batch_end(3, {"loss": float("nan")})
    Batch 3: Invalid loss, terminating training
    >>> model.stop_training
    True
    """

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(float(loss)):
            print("Batch %d: Invalid loss, terminating training" % batch)
            self.model.stop_training = True


def _get_learning_rate(optimizer):
    rate = optimizer.learning_rate
    return float(rate.numpy() if hasattr(rate, "numpy") else rate)


def _set_learning_rate(optimizer, value):
    rate = getattr(optimizer, "learning_rate")
    if hasattr(rate, "assign"):
        rate.assign(value)
    else:
        optimizer.learning_rate = value


class LearningRateScheduler(Callback):
    """Sets the optimizer's learning rate at each epoch's start to
    ``schedule(epoch, lr)`` (or ``schedule(epoch)``); the logs get ``lr``.

    >>> import stage4_training as tf
    >>> model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(2,))])
    >>> model.compile(optimizer=tf.keras.optimizers.SGD(0.1), loss="mse")
    >>> halve = tf.keras.callbacks.LearningRateScheduler(lambda epoch, lr: lr / 2)
    >>> history = model.fit(tf.ones([4, 2]), tf.ones([4, 1]), epochs=2, verbose=0,
    ...                     callbacks=[halve])
    >>> [round(lr, 4) for lr in history.history["lr"]]
    [0.05, 0.025]
    """

    def __init__(self, schedule, verbose=0):
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = self.model.optimizer
        current = _get_learning_rate(optimizer)
        try:
            rate = self.schedule(epoch, current)
        except TypeError:           # a schedule of the epoch alone
            rate = self.schedule(epoch)
        rate = float(rate.numpy() if hasattr(rate, "numpy") else rate)
        if not math.isfinite(rate):
            raise ValueError("LearningRateScheduler: the schedule returned %r for epoch %d; "
                             "it must return a finite float" % (rate, epoch))
        _set_learning_rate(optimizer, rate)
        if self.verbose:
            print("\nEpoch %d: LearningRateScheduler setting learning rate to %s."
                  % (epoch + 1, rate))

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["lr"] = _get_learning_rate(self.model.optimizer)

