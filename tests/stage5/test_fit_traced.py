"""Task 4: ``fit``, ``evaluate`` and ``predict`` with traced steps. A model compiled
with ``run_eagerly=False`` runs ``train_step`` (and ``test_step``, ``predict_step``)
through ``tf.function``, as Keras does by default: the same numbers as eager
steps, one trace per batch signature, Python side effects at trace time only."""

import warnings

import numpy as np
import pytest

import stage5_gpu as tf

pytestmark = pytest.mark.stage5_task4


def data(rows=200, features=6, classes=3):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((rows, features)).astype("float32")
    y = rng.integers(0, classes, rows)
    weights = rng.random(rows).astype("float32")
    return x, y, weights


def classifier(**compile_args):
    tf.random.set_seed(7)
    model = tf.keras.Sequential([
        tf.keras.layers.Dense(16, activation="relu", input_shape=(6,),
                              kernel_regularizer=tf.keras.regularizers.l2(0.01)),
        tf.keras.layers.BatchNormalization(),
        tf.keras.layers.Dense(3)])
    model.compile(optimizer=tf.keras.optimizers.SGD(0.1, momentum=0.9),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"], **compile_args)
    return model


class Regression(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.dense = tf.keras.layers.Dense(1, kernel_initializer="zeros")
        self.tracker = tf.keras.metrics.Mean(name="loss")
        self.python_calls = 0

    def call(self, x):
        return self.dense(x)

    def train_step(self, data):
        self.python_calls += 1                # a Python side effect: trace time only
        x, y = data
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean((self(x, training=True) - y) ** 2)
        gradients = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(gradients, self.trainable_variables))
        self.tracker.update_state(loss)
        return {"loss": self.tracker.result()}


def train(model, epochs=3):
    x, y, weights = data()
    schedule = tf.keras.callbacks.LearningRateScheduler(lambda epoch, lr: 0.1 / (1 + epoch))
    history = model.fit(x, y, sample_weight=weights, batch_size=32, epochs=epochs,
                        validation_split=0.2, shuffle=False, verbose=0, callbacks=[schedule])
    return (history.history, [w.numpy() for w in model.weights],
            model.evaluate(x, y, batch_size=64, verbose=0),
            model.predict(x[:10], batch_size=4, verbose=0))


def test_traced_steps_train_to_the_numbers_of_eager_steps():
    history, weights, evaluated, predicted = train(classifier(run_eagerly=False))
    e_history, e_weights, e_evaluated, e_predicted = train(classifier())
    assert list(history) == list(e_history)        # the same logs, in the same order
    for key in e_history:
        np.testing.assert_allclose(history[key], e_history[key], rtol=1e-5, atol=1e-6)
    for a, e in zip(weights, e_weights):           # BatchNorm's moving statistics too
        np.testing.assert_allclose(a, e, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(evaluated, e_evaluated, rtol=1e-5)
    np.testing.assert_allclose(predicted, e_predicted, rtol=1e-5, atol=1e-6)


def test_run_eagerly_says_how_the_steps_run():
    assert classifier().run_eagerly                       # our default: eager
    assert not classifier(run_eagerly=False).run_eagerly
    assert classifier(run_eagerly=True).run_eagerly
    assert not classifier(jit_compile=True).run_eagerly   # jit_compile implies a graph
    model = Regression()
    model.compile(optimizer="sgd", run_eagerly=False)
    x, _, _ = data(rows=8)
    model.fit(x, x[:, :1], batch_size=4, epochs=1, verbose=0)
    assert model.python_calls == 1                        # traced once
    model.run_eagerly = True                              # settable, as in Keras
    assert model.run_eagerly
    model.fit(x, x[:, :1], batch_size=4, epochs=1, verbose=0)
    assert model.python_calls == 3                        # and now every step runs Python


def test_a_traced_step_is_traced_once_per_batch_shape():
    model = classifier(run_eagerly=False)
    x, y, _ = data(rows=100)
    with warnings.catch_warnings():
        warnings.simplefilter("error")                    # no retracing warning either
        model.fit(x, y, batch_size=32, epochs=3, verbose=0)
        model.fit(x, y, batch_size=32, epochs=2, verbose=0)
    # 100 rows: batches of 32 and a last one of 4, for every epoch of both calls
    assert model.make_train_function().experimental_get_tracing_count() == 2
    # a new compile makes new step functions
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", run_eagerly=False)
    assert model.make_train_function().experimental_get_tracing_count() == 0


def test_a_custom_train_step_runs_its_python_once_per_trace():
    x, _, _ = data(rows=60)
    y = x[:, :1] * 2.0 - x[:, 1:2]
    results = []
    for run_eagerly in (False, True):
        model = Regression()
        model.compile(optimizer=tf.keras.optimizers.SGD(0.05), run_eagerly=run_eagerly)
        history = model.fit(x, y, batch_size=20, epochs=4, shuffle=False, verbose=0)
        results.append((history.history["loss"], model.dense.kernel.numpy(),
                        model.python_calls))
    (traced_loss, traced_kernel, traced_calls), (loss, kernel, calls) = results
    np.testing.assert_allclose(traced_loss, loss, rtol=1e-5)
    np.testing.assert_allclose(traced_kernel, kernel, rtol=1e-5, atol=1e-7)
    assert calls == 12                      # eager: 3 batches x 4 epochs
    assert traced_calls == 1                # traced: once, for the one batch shape


def test_dropout_in_a_traced_step_draws_a_new_mask_every_step():
    tf.random.set_seed(3)
    model = tf.keras.Sequential([tf.keras.layers.Dropout(0.5, input_shape=(50,)),
                                 tf.keras.layers.Dense(1, kernel_initializer="ones",
                                                       use_bias=False)])
    model.compile(optimizer=tf.keras.optimizers.SGD(0.0), loss="mse", run_eagerly=False)
    x, y = np.ones((1, 50), "float32"), np.zeros((1, 1), "float32")
    losses = [model.train_on_batch(x, y) for _ in range(6)]
    assert len(set(losses)) > 1             # not one mask baked into the graph
    # inference steps do not drop: the output is the sum of the 50 inputs
    np.testing.assert_allclose(model.predict_on_batch(x), [[50.0]])
    assert model.test_on_batch(x, y) == pytest.approx(2500.0)


def test_a_model_trained_with_traced_steps_saves_and_restores(tmp_path):
    model = classifier(run_eagerly=False)
    x, y, _ = data(rows=64)
    model.fit(x, y, batch_size=32, epochs=1, verbose=0)
    path = str(tmp_path / "model.keras")
    model.save(path)
    restored = tf.keras.models.load_model(path)
    np.testing.assert_allclose(restored.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-6)
    checkpoint = tf.train.Checkpoint(model=model, optimizer=model.optimizer)
    saved = checkpoint.save(str(tmp_path / "ckpt"))
    before = [w.numpy() for w in model.weights]
    model.fit(x, y, batch_size=32, epochs=1, verbose=0)
    checkpoint.restore(saved)
    for a, b in zip(model.weights, before):
        np.testing.assert_array_equal(a.numpy(), b)


def test_a_test_step_traced_with_an_unknown_batch_size_averages_by_rows():
    # One trace for every batch size (TensorSpec with None): the loss and metrics
    # are still means over rows, the last, smaller batch weighted by its rows.
    x, y, _ = data(rows=70)
    model = classifier()
    model.fit(x, y, batch_size=32, epochs=1, verbose=0)
    eager = model.evaluate(x, y, batch_size=32, verbose=0)
    step = tf.function(model.test_step, input_signature=[(
        tf.TensorSpec([None, 6], tf.float32), tf.TensorSpec([None], tf.int64))])
    model.test_step = step
    model.make_test_function(force=True)       # evaluate made its callable already
    np.testing.assert_allclose(model.evaluate(x, y, batch_size=32, verbose=0), eager,
                               rtol=1e-6)
    assert step.experimental_get_tracing_count() == 1


def test_traced_steps_update_every_kind_of_metric_as_eager_steps_do():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((64, 4)).astype("float32")
    y = (x[:, :1] + 0.3 * x[:, 1:2] > 0).astype("float32")
    histories = []
    for run_eagerly in (True, False):
        tf.random.set_seed(0)
        model = tf.keras.Sequential([tf.keras.layers.Dense(1, activation="sigmoid",
                                                           input_shape=(4,))])
        model.compile(optimizer="sgd", loss="binary_crossentropy", run_eagerly=run_eagerly,
                      metrics=["accuracy", tf.keras.metrics.AUC(), "mae",
                               tf.keras.metrics.Precision(), tf.keras.metrics.Recall(),
                               tf.keras.metrics.TruePositives(thresholds=[0.3, 0.6])])
        histories.append(model.fit(x, y, batch_size=16, epochs=2, verbose=0).history)
    assert histories[0].keys() == histories[1].keys()
    for key in histories[0]:
        np.testing.assert_allclose(histories[1][key], histories[0][key], rtol=1e-5)


LOSS_CASES = [("sparse_categorical_crossentropy", "softmax", "labels",
               ["accuracy", "sparse_top_k_categorical_accuracy"]),
              ("categorical_crossentropy", "softmax", "one_hot",
               ["accuracy", "top_k_categorical_accuracy"]),
              ("binary_crossentropy", "sigmoid", "binary", ["binary_accuracy"]),
              ("mse", None, "real", ["mae"]),
              ("mae", None, "real", ["mse"]),
              ("huber", None, "real", []),
              ("hinge", None, "binary", []),
              ("squared_hinge", "tanh", "binary", []),
              ("categorical_hinge", None, "one_hot", []),
              ("kl_divergence", "softmax", "one_hot", []),
              ("poisson", "softplus", "binary", []),
              ("log_cosh", None, "real", []),
              ("cosine_similarity", None, "real", []),
              ("mape", None, "real", []),
              ("msle", "softplus", "binary", [])]


@pytest.mark.parametrize("loss, activation, targets, metrics", LOSS_CASES)
def test_every_compiled_loss_trains_the_same_traced(loss, activation, targets, metrics):
    rng = np.random.default_rng(2)
    x = rng.standard_normal((40, 4)).astype("float32")
    y = {"labels": rng.integers(0, 3, 40),
         "one_hot": np.eye(3, dtype="float32")[rng.integers(0, 3, 40)],
         "binary": (rng.random((40, 3)) > 0.5).astype("float32"),
         "real": rng.standard_normal((40, 3)).astype("float32")}[targets]
    histories = []
    for run_eagerly in (True, False):
        tf.random.set_seed(0)
        model = tf.keras.Sequential([tf.keras.layers.Dense(3, activation=activation,
                                                           input_shape=(4,))])
        model.compile(optimizer="adam", loss=loss, metrics=list(metrics),
                      run_eagerly=run_eagerly)
        histories.append(model.fit(x, y, batch_size=16, epochs=2, verbose=0).history)
    assert list(histories[1]) == list(histories[0])
    for key in histories[0]:
        np.testing.assert_allclose(histories[1][key], histories[0][key], rtol=1e-5)


def test_a_train_step_traced_with_unknown_sizes_trains_right_and_says_it_retraces():
    # A gradient computed inside a function uses static shapes here, so a train
    # step traced with TensorSpec([None, ...]) cannot serve every batch size:
    # function sees that the graph holds its traced sizes, warns once, and
    # traces per batch shape instead; the training equals eager training.
    x, y, _ = data(rows=70)
    histories = []
    for traced in (False, True):
        model = classifier()
        if traced:
            step = tf.function(model.train_step, input_signature=[(
                tf.TensorSpec([None, 6], tf.float32), tf.TensorSpec([None], tf.int64))])
            model.train_step = step
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            histories.append(model.fit(x, y, batch_size=32, epochs=2, shuffle=False,
                                       verbose=0).history)
    for key in histories[0]:
        np.testing.assert_allclose(histories[1][key], histories[0][key], rtol=1e-5)
    said = [str(w.message) for w in caught if "traced once per input shape" in str(w.message)]
    assert len(said) == 1
