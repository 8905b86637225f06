"""``Model.compile / fit / evaluate / predict``: the training loop, as a method.

``fit`` is the loop a student writes by hand, with the bookkeeping around it.
One training step, ``train_step(data)``, is exactly the hand-written step::

    with tf.GradientTape() as tape:                      # forward, recorded
        y_pred = model(x, training=True)
        loss = loss_fn(y, y_pred)
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    accuracy.update_state(y, y_pred)                     # running metrics

and ``fit`` calls it for every batch of every epoch, telling the callbacks
(progress bar, history, checkpoints ...) at each step::

    for epoch in range(initial_epoch, epochs):
        reset the metrics; callbacks.on_epoch_begin(epoch)
        for step, batch in enumerate(batches of this epoch):
            logs = train_step(batch); callbacks.on_train_batch_end(step, logs)
        logs += val_ metrics of evaluate(validation data)
        callbacks.on_epoch_end(epoch, logs)

Override ``train_step`` (or ``test_step``, ``predict_step``) to change a step;
``fit`` keeps doing the rest.

>>> import numpy as np
>>> import stage4_training as tf
>>> tf.random.set_seed(0)
>>> model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(1,))])
>>> model.compile(optimizer=tf.keras.optimizers.SGD(0.1), loss="mse")
>>> x = np.array([[0.0], [1.0], [2.0], [3.0]], "float32")
>>> history = model.fit(x, 2 * x + 1, epochs=200, verbose=0)
>>> round(history.history["loss"][-1], 4)
0.0
>>> model.predict(np.array([[10.0]]), verbose=0).round(2)
array([[21.]], dtype=float32)
"""

import numpy as np

import functools

import stage3_layers as tf
from stage3_layers.keras import models as stage3_models

from .. import distribute
from . import callbacks as callbacks_module
from . import compile_utils, data_adapter, optimizers, saving
from . import metrics as metrics_module
from .utils import unpack_x_y_sample_weight
from .._errors import TEACHABLE, restate

__all__ = ["Model", "register_step_tracer"]


# --- how a step becomes a graph: the extension point stage 5 fills -----------------
# Keras runs train_step (and test_step, predict_step) through tf.function unless
# the model is compiled with run_eagerly=True. Stage 4 has no tracer, so here
# every step runs eagerly; stage 5 registers its ``function`` as the tracer.
_step_tracer = None


def register_step_tracer(trace):
    """Makes ``trace(step, jit_compile=...)`` the way a model compiled with
    ``run_eagerly=False`` turns its ``train_step``, ``test_step`` and
    ``predict_step`` into the callables ``fit``, ``evaluate`` and ``predict``
    call for each batch (``make_train_function`` and the others). ``None``
    takes the tracer away. Stage 5 registers ``tf.function``; returns the
    tracer registered before.

    >>> from stage4_training.keras import training
    >>> previous = training.register_step_tracer(None)
    >>> training.register_step_tracer(previous) is None
    True
    """
    global _step_tracer
    previous, _step_tracer = _step_tracer, trace
    return previous


def _named(method):
    """``method`` whose bad-argument errors start with ``Model.<method>`` (the
    layer, loss or op that failed deep inside still says what and why)."""
    @functools.wraps(method)
    def named(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except TEACHABLE as error:
            raise restate(error, "%s.%s" % (type(self).__name__, method.__name__)) from None
    return named


def _in_strategy_scope(method):
    """Runs a training-loop method inside the model's ``tf.distribute`` strategy
    (captured by ``compile``), so that every hook it reaches asks that strategy."""
    @functools.wraps(method)
    def scoped(self, *args, **kwargs):
        with self.distribute_strategy.scope():
            return method(self, *args, **kwargs)
    return scoped


def _verbosity(verbose):
    if not distribute.get_strategy()._is_chief:
        return 0        # one progress bar, the chief's, not one per replica
    if verbose == "auto":
        return 1
    if verbose not in (0, 1, 2):
        raise ValueError("verbose must be 0 (silent), 1 (progress bar), 2 (one line per "
                         "epoch) or 'auto', got %r" % (verbose,))
    return verbose


def _python_logs(logs):
    """Tensors in ``logs`` as Python floats (or NumPy arrays when not scalars)."""
    out = {}
    for key, value in dict(logs).items():
        if hasattr(value, "numpy"):
            value = value.numpy()
        if isinstance(value, np.ndarray) and value.ndim == 0 or isinstance(value, np.generic):
            value = float(value)
        out[key] = value
    return out


def _should_validate(epoch, validation_freq):
    if isinstance(validation_freq, int) and not isinstance(validation_freq, bool):
        if validation_freq < 1:
            raise ValueError("fit: validation_freq must be a positive integer or a list of "
                             "epochs, got %r" % (validation_freq,))
        return (epoch + 1) % validation_freq == 0
    return epoch + 1 in validation_freq


def _concatenate(outputs):
    """Batch outputs joined along the batch axis (lists and dicts of outputs kept)."""
    first = outputs[0]
    if isinstance(first, (list, tuple)):
        return [_concatenate([o[i] for o in outputs]) for i in range(len(first))]
    if isinstance(first, dict):
        return {k: _concatenate([o[k] for o in outputs]) for k in first}
    return np.concatenate([np.asarray(o) for o in outputs], axis=0)


class Model(stage3_models.Model):
    """Stage 3's ``Model`` that also trains: ``compile``, ``fit``, ``evaluate``,
    ``predict``, the ``*_on_batch`` forms, and ``save``.

    >>> import stage4_training as tf
    >>> class Linear(tf.keras.Model):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.dense = tf.keras.layers.Dense(1)
    ...     def call(self, x):
    ...         return self.dense(x)
    >>> model = Linear()
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> float(model.train_on_batch(tf.ones([2, 3]), tf.ones([2, 1]))) > 0
    True
    """

    # Class-level defaults: a subclass that never calls super().__init__() works too.
    optimizer = None
    stop_training = False
    history = None
    _run_eagerly = None       # compile(run_eagerly=...): None is our default, eager
    _jit_compile = None
    train_function = test_function = predict_function = None   # made on first use
    _compiled = None          # compile_utils.CompiledState (its metrics are not weights)
    _distribute_strategy = None

    # --- compile ------------------------------------------------------------------
    @_named
    def compile(self, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None,
                weighted_metrics=None, run_eagerly=None, steps_per_execution=None,
                jit_compile=None, **kwargs):
        """Chooses the optimizer, the loss and the metrics ``fit`` will use.

        Each may be a name (``"adam"``, ``"sparse_categorical_crossentropy"``,
        ``"accuracy"``) or an object. ``"accuracy"`` becomes the accuracy that
        fits the loss and the shapes (see ``compile_utils``). ``loss_weights``
        scales the loss.

        ``run_eagerly=False`` (or ``jit_compile=True``) asks for each step to
        run as a traced graph, which needs a tracer (stage 5's ``function``);
        in stage 4 alone the steps run eagerly whatever it says. Unlike
        TensorFlow, whose default is a graph, ours (``None``) is eager, so a
        step can be stepped through and printed from. ``steps_per_execution``
        is accepted for TensorFlow's signature: one step per call here.

        >>> import stage4_training as tf
        >>> model = tf.keras.Sequential([tf.keras.layers.Dense(3, input_shape=(4,))])
        >>> model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
        ...               metrics=["accuracy"])
        >>> type(model.optimizer).__name__
        'Adam'
        """
        if kwargs:
            raise TypeError("compile() got unexpected keyword arguments %s; it takes "
                            "optimizer, loss, metrics, loss_weights, run_eagerly, "
                            "jit_compile" % sorted(kwargs))
        if weighted_metrics:
            raise ValueError("compile: weighted_metrics are not supported; metrics take the "
                             "sample_weight of each batch already")
        self.optimizer = optimizers.get(optimizer)
        self._compiled = compile_utils.CompiledState(loss, metrics, loss_weights)
        # Kept inside the state object: a dict attribute would be walked for layers,
        # and metric objects would then count as the model's weights.
        self._compiled.config = {"optimizer": self.optimizer, "loss": loss,
                                 "metrics": metrics, "loss_weights": loss_weights}
        self.loss = loss
        self.stop_training = False
        self._distribute_strategy = distribute.get_strategy()
        self._run_eagerly, self._jit_compile = run_eagerly, jit_compile
        self._forget_step_functions()

    # --- the step functions: eager, or traced --------------------------------------
    @property
    def run_eagerly(self):
        """Whether ``fit``, ``evaluate`` and ``predict`` run their steps eagerly
        (op by op) rather than as traced graphs: ``True`` unless the model was
        compiled with ``run_eagerly=False`` or ``jit_compile=True`` and a tracer
        is registered (stage 5). Settable, as in Keras.

        >>> import stage4_training as tf
        >>> model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(1,))])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> model.run_eagerly        # the default here (TensorFlow's is a graph)
        True
        """
        wants_graph = self._run_eagerly is False or (self._run_eagerly is None
                                                     and bool(self._jit_compile))
        return _step_tracer is None or not wants_graph

    @run_eagerly.setter
    def run_eagerly(self, value):
        self._run_eagerly = value
        self._forget_step_functions()

    def _forget_step_functions(self):
        self.train_function = self.test_function = self.predict_function = None

    def _step_function(self, attribute, step, force):
        """The callable kept in ``attribute`` (``train_function`` ...), made on
        first use (or when ``force``): ``step`` itself when running eagerly, else
        ``step`` traced by the registered tracer. A traced step keeps one graph
        per batch signature (shapes, dtypes), so a last, smaller batch traces
        once more; every later call reuses the graphs."""
        if getattr(self, attribute) is None or force:
            setattr(self, attribute, step if self.run_eagerly
                    else _step_tracer(step, jit_compile=self._jit_compile))
        return getattr(self, attribute)

    def make_train_function(self, force=False):
        """The callable ``fit`` and ``train_on_batch`` call for each batch:
        ``train_step``, traced unless ``run_eagerly`` (made once, kept until
        ``compile`` runs again or ``force=True``).

        >>> import stage4_training as tf
        >>> model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(1,))])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> model.make_train_function() == model.train_step
        True
        """
        return self._step_function("train_function", self.train_step, force)

    def make_test_function(self, force=False):
        """The callable ``evaluate`` and ``test_on_batch`` call for each batch:
        ``test_step``, traced unless ``run_eagerly``.

        >>> import stage4_training as tf
        >>> model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(1,))])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> model.make_test_function() == model.test_step
        True
        """
        return self._step_function("test_function", self.test_step, force)

    def make_predict_function(self, force=False):
        """The callable ``predict`` and ``predict_on_batch`` call for each batch:
        ``predict_step``, traced unless ``run_eagerly``.

        >>> import stage4_training as tf
        >>> model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(1,))])
        >>> model.make_predict_function() == model.predict_step
        True
        """
        return self._step_function("predict_function", self.predict_step, force)

    @property
    def distribute_strategy(self):
        """The ``tf.distribute`` strategy this model trains under: the one in scope
        when ``compile`` ran (the default strategy, one replica, if none was).

        >>> import stage4_training as tf
        >>> model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(1,))])
        >>> model.distribute_strategy.num_replicas_in_sync
        1
        """
        return self._distribute_strategy or distribute.get_strategy()

    def _assert_compiled(self, who):
        if self._compiled is None:
            raise RuntimeError(
                "You must compile your model before training/testing. Use "
                "`model.compile(optimizer, loss)` before calling %s()." % who)

    @property
    def metrics(self):
        """The metric objects: the loss's running mean first, then the compiled
        metrics (these two only once the model has trained or evaluated on a
        batch), then any ``Metric`` the model holds as an attribute (as a
        custom ``train_step`` uses), so ``fit`` resets them all each epoch.

        >>> import stage4_training as tf
        >>> model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(2,))])
        >>> model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
        >>> model.metrics
        []
        >>> _ = model.evaluate(tf.ones([2, 2]), tf.ones([2, 1]), verbose=0)
        >>> [m.name for m in model.metrics]
        ['loss', 'mae']
        """
        compiled = self._compiled.metrics if self._compiled is not None else []
        held = [m for m in self.submodules if isinstance(m, metrics_module.Metric)
                and all(m is not c for c in compiled)]
        return compiled + held

    @property
    def metrics_names(self):
        """The names of ``metrics``, in the order ``evaluate`` returns their values.

        >>> import stage4_training as tf
        >>> model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(2,))])
        >>> model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
        >>> _ = model.train_on_batch(tf.ones([2, 2]), tf.ones([2, 1]))
        >>> model.metrics_names
        ['loss', 'mae']
        """
        return [m.name for m in self.metrics]

    def reset_metrics(self):
        """Sets every metric back to its empty state (``fit`` does it each epoch).

        >>> import stage4_training as tf
        >>> model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(2,))])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> _ = model.evaluate(tf.ones([2, 2]), tf.ones([2, 1]), verbose=0)
        >>> model.reset_metrics(); float(model.metrics[0].result())
        0.0
        """
        for metric in self.metrics:
            metric.reset_state()

    # --- one step --------------------------------------------------------------
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None):
        """The loss of one batch (scaled by ``loss_weights``) plus ``sum(self.losses)``
        (weight regularizers, ``add_loss``), as Keras adds them; also adds it to the
        running mean shown as ``loss``.

        >>> import stage4_training as tf
        >>> model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(1,))])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> model.compute_loss(y=tf.constant([[1.0]]), y_pred=tf.constant([[3.0]]))
        tf.Tensor(4.0, shape=(), dtype=float32)
        """
        compiled = self._compiled
        if compiled.loss is None:
            raise ValueError("No loss found. You may have forgotten to provide a `loss` "
                             "argument in the `compile()` method, e.g. "
                             "model.compile(optimizer='adam', loss='mse').")
        if isinstance(y_pred, (list, tuple, dict)):
            raise NotImplementedError(
                "compile()'s loss handles a model with one output; this model returned %d. "
                "Override train_step (and test_step) to combine several losses yourself"
                % len(y_pred))
        if y is None:
            raise ValueError("the batch has no targets y: give fit/evaluate (x, y), or a "
                             "Dataset whose elements are (x, y) pairs")
        compiled.build(y, y_pred)
        loss = compiled.loss(y, y_pred, sample_weight=sample_weight)
        if compiled.loss_weight != 1.0:
            loss = loss * compiled.loss_weight
        regularization = self.losses
        if regularization:
            loss = loss + tf.add_n([tf.cast(r, loss.dtype) for r in regularization])
        rows = y_pred.shape[0]
        if rows is None:            # a traced step's unknown batch size: ask at run time
            rows = tf.shape(y_pred)[0]
        compiled.loss_tracker.update_state(loss, sample_weight=rows)
        return loss

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        """Adds one batch to every compiled metric; returns ``get_metrics_result()``.

        >>> import stage4_training as tf
        >>> model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(1,))])
        >>> model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
        >>> logs = model.compute_metrics(None, tf.constant([[1.0]]), tf.constant([[3.0]]))
        >>> float(logs["mae"])
        2.0
        """
        self._compiled.build(y, y_pred)
        for metric in self._compiled.metric_objects:
            metric.update_state(y, y_pred, sample_weight=sample_weight)
        return self.get_metrics_result()

    def get_metrics_result(self):
        """``{name: result}`` of every metric (the loss's running mean included).

        >>> import stage4_training as tf
        >>> model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(1,))])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> model.get_metrics_result()
        {}
        """
        # Under a strategy with several replicas, from the sum of their states.
        return distribute.get_strategy()._metric_results(self.metrics)

    def train_step(self, data):
        """One training step on one batch: forward under a tape, loss, gradients,
        ``optimizer.apply_gradients``, metrics. Returns the logs ``{name: value}``.

        ``data`` is what the batches are: ``(x, y)`` or ``(x, y, sample_weight)``.
        Override it for a custom step; ``fit`` calls it for each batch.

        >>> import stage4_training as tf
        >>> model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(1,),
        ...                                                   kernel_initializer="zeros")])
        >>> model.compile(optimizer=tf.keras.optimizers.SGD(0.5), loss="mse")
        >>> logs = model.train_step((tf.constant([[1.0]]), tf.constant([[2.0]])))
        >>> float(logs["loss"]), model.layers[0].kernel.numpy().tolist()
        (4.0, [[2.0]])
        """
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x, y, y_pred, sample_weight)
            # This replica's share of the global batch's loss (the whole of it with
            # one replica): the summed gradients are then those of the global batch.
            loss = distribute.get_strategy()._scale_loss(loss)
        variables = self.trainable_variables
        gradients = tape.gradient(loss, variables)
        self.optimizer.apply_gradients(
            [(g, v) for g, v in zip(gradients, variables) if g is not None])
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def test_step(self, data):
        """One evaluation step: forward in inference mode, loss and metrics, no update.

        >>> import stage4_training as tf
        >>> model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(1,),
        ...                                                   kernel_initializer="zeros")])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> float(model.test_step((tf.constant([[1.0]]), tf.constant([[2.0]])))["loss"])
        4.0
        """
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        y_pred = self(x, training=False)
        self.compute_loss(x, y, y_pred, sample_weight)
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def predict_step(self, data):
        """One prediction step: the model's output for the batch's ``x``.

        >>> import stage4_training as tf
        >>> model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(1,),
        ...                                                   kernel_initializer="ones")])
        >>> model.predict_step((tf.constant([[3.0]]),))
        tf.Tensor([[3.]], shape=(1, 1), dtype=float32)
        """
        x, _, _ = unpack_x_y_sample_weight(data)
        return self(x, training=False)

    # --- the loops --------------------------------------------------------------
    @_named
    @_in_strategy_scope
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1, **kwargs):
        """Trains the model for ``epochs`` passes over the data; returns a ``History``.

        ``x``, ``y``: NumPy arrays or tensors (cut into batches of
        ``batch_size``, default 32, reshuffled each epoch unless
        ``shuffle=False``), or ``x`` a ``Dataset`` of ``(x, y)`` or
        ``(x, y, sample_weight)`` batches. ``validation_split`` keeps the last
        fraction of the arrays for validation; ``validation_data`` gives it
        directly. Validation runs after every ``validation_freq`` epochs
        (an int, or a list of 1-based epochs). ``verbose``: 0 silent,
        1 progress bar, 2 one line per epoch.

        >>> import numpy as np
        >>> import stage4_training as tf
        >>> model = tf.keras.Sequential([tf.keras.layers.Dense(2, input_shape=(3,))])
        >>> model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
        ...               metrics=["accuracy"])
        >>> x, y = np.random.rand(10, 3), np.arange(10) % 2
        >>> history = model.fit(x, y, epochs=2, validation_split=0.2, verbose=0)
        >>> sorted(history.history), len(history.history["loss"])
        (['accuracy', 'loss', 'val_accuracy', 'val_loss'], 2)
        """
        self._assert_compiled("fit")
        if kwargs:
            raise TypeError("fit() got unexpected keyword arguments %s" % sorted(kwargs))
        if class_weight is not None:
            raise ValueError("fit: class_weight is not supported; give sample_weight= (one "
                             "weight per sample) instead")
        verbose = _verbosity(verbose)
        if validation_split and validation_data is None:
            (x, y, sample_weight), validation_data = data_adapter.train_validation_split(
                x, y, sample_weight, validation_split)
        data = data_adapter.DataHandler(x, y, sample_weight, batch_size, steps_per_epoch,
                                        shuffle=shuffle, who="fit")
        validation = None
        if validation_data is not None:
            validation = self._validation_handler(validation_data, validation_batch_size
                                                  or batch_size, validation_steps)
        callbacks = callbacks_module.CallbackList(
            callbacks, add_history=True, add_progbar=verbose != 0, model=self,
            verbose=verbose, epochs=epochs, steps=data.steps)

        self.stop_training = False
        callbacks.on_train_begin()
        epoch_logs = {}
        for epoch in range(initial_epoch, epochs):
            self.reset_metrics()
            callbacks.on_epoch_begin(epoch)
            logs = None
            train_function = self.make_train_function()
            batches = distribute.get_strategy()._distribute_batches(data.epoch())
            for step, batch in enumerate(batches):
                callbacks.on_train_batch_begin(step)
                logs = _python_logs(train_function(data_adapter.as_tensors(batch)))
                callbacks.on_train_batch_end(step, logs)
                if self.stop_training:
                    break
            if logs is None:
                if data.ran_out:
                    break
                raise ValueError("fit: epoch %d got no batches: the training data is empty"
                                 % (epoch + 1))
            epoch_logs = dict(logs)
            if validation is not None and _should_validate(epoch, validation_freq):
                val_logs = self._test_loop(validation, callbacks)
                epoch_logs.update(("val_" + name, value) for name, value in val_logs.items())
            callbacks.on_epoch_end(epoch, epoch_logs)
            if self.stop_training or data.ran_out:
                break
        callbacks.on_train_end(epoch_logs)
        return self.history

    def _validation_handler(self, validation_data, batch_size, steps):
        if data_adapter.is_dataset(validation_data):
            return data_adapter.DataHandler(validation_data, steps_per_epoch=steps,
                                            who="fit (validation_data)")
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (2, 3):
            raise ValueError("fit: validation_data must be (x_val, y_val), (x_val, y_val, "
                             "sample_weight) or a Dataset, got %r" % (type(validation_data),))
        return data_adapter.DataHandler(*validation_data, batch_size=batch_size,
                                        steps_per_epoch=steps, who="fit (validation_data)")

    def _test_loop(self, data, callbacks):
        """Runs ``test_step`` over one pass of ``data``; returns the final logs."""
        self.reset_metrics()
        callbacks.on_test_begin()
        logs = {}
        test_function = self.make_test_function()
        batches = distribute.get_strategy()._distribute_batches(data.epoch())
        for step, batch in enumerate(batches):
            callbacks.on_test_batch_begin(step)
            logs = _python_logs(test_function(data_adapter.as_tensors(batch)))
            callbacks.on_test_batch_end(step, logs)
        callbacks.on_test_end(logs)
        return logs

    def _flatten_logs(self, logs):
        """Logs as Keras returns them: a list in ``metrics_names`` order, or one number."""
        names = [n for n in self.metrics_names if n in logs]
        names += [n for n in logs if n not in names]
        values = [logs[n] for n in names]
        return values[0] if len(values) == 1 else values

    @_named
    @_in_strategy_scope
    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, callbacks=None, return_dict=False, **kwargs):
        """The loss and metrics over all of ``x``/``y`` (or a ``Dataset``), no training.

        Returns the loss alone when there are no metrics, else ``[loss, metric, ...]``
        in ``metrics_names`` order, or with ``return_dict=True`` a dict.

        >>> import stage4_training as tf
        >>> model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(1,),
        ...                                                   kernel_initializer="zeros")])
        >>> model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
        >>> model.evaluate(tf.ones([4, 1]), tf.ones([4, 1]) * 2, verbose=0)
        [4.0, 2.0]
        >>> model.evaluate(tf.ones([4, 1]), tf.ones([4, 1]) * 2, verbose=0, return_dict=True)
        {'loss': 4.0, 'mae': 2.0}
        """
        self._assert_compiled("evaluate")
        if kwargs:
            raise TypeError("evaluate() got unexpected keyword arguments %s" % sorted(kwargs))
        verbose = _verbosity(verbose)
        data = data_adapter.DataHandler(x, y, sample_weight, batch_size, steps,
                                        shuffle=False, who="evaluate")
        callbacks = callbacks_module.CallbackList(
            callbacks, add_progbar=verbose != 0, model=self, verbose=verbose, epochs=1,
            steps=data.steps)
        logs = self._test_loop(data, callbacks)
        if not logs:
            raise ValueError("evaluate: the data gave no batches (is it empty?)")
        return logs if return_dict else self._flatten_logs(logs)

    @_named
    @_in_strategy_scope
    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None, **kwargs):
        """The model's outputs for all of ``x`` (batch by batch), joined into one NumPy array.

        >>> import stage4_training as tf
        >>> model = tf.keras.Sequential([tf.keras.layers.Dense(2, input_shape=(3,))])
        >>> model.predict(tf.ones([70, 3]), batch_size=32, verbose=0).shape
        (70, 2)
        """
        if kwargs:
            raise TypeError("predict() got unexpected keyword arguments %s" % sorted(kwargs))
        verbose = _verbosity(verbose)
        data = data_adapter.DataHandler(x, batch_size=batch_size, steps_per_epoch=steps,
                                        shuffle=False, who="predict")
        callbacks = callbacks_module.CallbackList(
            callbacks, add_progbar=verbose != 0, model=self, verbose=verbose, epochs=1,
            steps=data.steps)
        callbacks.on_predict_begin()
        outputs = []
        predict_function = self.make_predict_function()

        def predict_batch(batch):
            return _to_numpy(predict_function(data_adapter.as_tensors(batch)))
        strategy = distribute.get_strategy()
        for step, batch in enumerate(data.epoch()):
            callbacks.on_predict_batch_begin(step)
            # Under several replicas each predicts its shard, and the shards are
            # gathered: every replica gets the outputs of the whole batch.
            batch_outputs = strategy._predict_batch(batch, predict_batch)
            outputs.append(batch_outputs)
            callbacks.on_predict_batch_end(step, {"outputs": batch_outputs})
        callbacks.on_predict_end()
        if not outputs:
            raise ValueError("predict: the data gave no batches (is it empty?)")
        return _concatenate(outputs)

    @_named
    @_in_strategy_scope
    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None,
                       reset_metrics=True, return_dict=False):
        """One ``train_step`` on exactly this batch; returns the loss (and metrics).

        With ``reset_metrics=False`` the metrics keep accumulating across calls.

        >>> import stage4_training as tf
        >>> model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(1,),
        ...                                                   kernel_initializer="zeros")])
        >>> model.compile(optimizer=tf.keras.optimizers.SGD(0.5), loss="mse")
        >>> model.train_on_batch(tf.ones([1, 1]), tf.ones([1, 1]) * 2)
        4.0
        """
        self._assert_compiled("train_on_batch")
        if reset_metrics:
            self.reset_metrics()
        batch = data_adapter.single_batch(x, y, sample_weight, "train_on_batch")
        logs = _python_logs(self.make_train_function()(batch))
        return logs if return_dict else self._flatten_logs(logs)

    @_named
    @_in_strategy_scope
    def test_on_batch(self, x, y=None, sample_weight=None, reset_metrics=True,
                      return_dict=False):
        """One ``test_step`` on exactly this batch: loss and metrics, no training.

        >>> import stage4_training as tf
        >>> model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(1,),
        ...                                                   kernel_initializer="zeros")])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> model.test_on_batch(tf.ones([1, 1]), tf.ones([1, 1]) * 3)
        9.0
        """
        self._assert_compiled("test_on_batch")
        if reset_metrics:
            self.reset_metrics()
        batch = data_adapter.single_batch(x, y, sample_weight, "test_on_batch")
        logs = _python_logs(self.make_test_function()(batch))
        return logs if return_dict else self._flatten_logs(logs)

    @_named
    @_in_strategy_scope
    def predict_on_batch(self, x):
        """The model's output for exactly this batch, as a NumPy array.

        >>> import stage4_training as tf
        >>> model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(2,),
        ...                                                   kernel_initializer="ones")])
        >>> model.predict_on_batch(tf.ones([1, 2]))
        array([[2.]], dtype=float32)
        """
        batch = data_adapter.single_batch(x, who="predict_on_batch")
        return _to_numpy(self.make_predict_function()(batch))

    # --- saving -------------------------------------------------------------------
    def save(self, filepath, overwrite=True, include_optimizer=True, save_format=None, **kwargs):
        """Saves architecture, weights and compile arguments (see ``keras.saving``):
        ``"name.keras"`` is one zip file, another path a folder.

        >>> import os, tempfile
        >>> import stage4_training as tf
        >>> model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(2,))])
        >>> model.save(os.path.join(tempfile.mkdtemp(), "model.keras"))
        """
        strategy = distribute.get_strategy()
        if strategy._is_chief:      # under tf.distribute, replica 0 alone writes
            saving.save_model(self, filepath, overwrite=overwrite,
                              include_optimizer=include_optimizer)
        strategy._barrier()

    def save_weights(self, filepath, overwrite=True, save_format=None):
        """Writes the weights alone to one ``.npz`` file, atomically (see ``keras.saving``).

        >>> import os, tempfile
        >>> import stage4_training as tf
        >>> model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(2,))])
        >>> model.save_weights(os.path.join(tempfile.mkdtemp(), "w.npz"))
        """
        strategy = distribute.get_strategy()
        if strategy._is_chief:
            saving.save_weights(self, filepath, overwrite=overwrite)
        strategy._barrier()

    def load_weights(self, filepath):
        """Assigns the weights ``save_weights`` wrote (same layers, same order).

        >>> import os, tempfile
        >>> import stage4_training as tf
        >>> model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(2,))])
        >>> path = os.path.join(tempfile.mkdtemp(), "w.npz")
        >>> model.save_weights(path); model.load_weights(path)
        """
        saving.load_weights(self, filepath)


def _to_numpy(value):
    if isinstance(value, (list, tuple)):
        return [_to_numpy(v) for v in value]
    if isinstance(value, dict):
        return {k: _to_numpy(v) for k, v in value.items()}
    return np.asarray(value.numpy() if hasattr(value, "numpy") else value)
