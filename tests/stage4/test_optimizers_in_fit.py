"""Task 8: fit drives the optimizers (by name, and through LearningRateScheduler)."""

import json
import math
import warnings
import numpy as np
import pytest
import stage4_training as tf
from tests.stage4.test_optimizers import RNG  # noqa: F401
from tests.stage4.test_optimizers import O, S  # noqa: F401

pytestmark = pytest.mark.stage4_task8


def test_fit_trains_with_every_optimizer_by_name():
    x = RNG.normal(size=(32, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]])).astype("float32")
    for name in ("sgd", "adam", "adamw", "rmsprop", "adagrad", "SGD", "Adam"):
        tf.random.set_seed(1)
        model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(3,))])
        model.compile(optimizer=name, loss="mse")
        history = model.fit(x, y, batch_size=8, epochs=3, verbose=0)
        assert history.history["loss"][-1] < history.history["loss"][0], name
        assert int(model.optimizer.iterations) == 12


def test_learning_rate_scheduler_callback_drives_the_optimizer():
    model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(2,))])
    model.compile(optimizer=O.Adam(0.1), loss="mse")
    history = model.fit(np.ones((4, 2)), np.ones((4, 1)), epochs=3, verbose=0,
                        callbacks=[tf.keras.callbacks.LearningRateScheduler(lambda e, lr: lr / 2)])
    np.testing.assert_allclose(history.history["lr"], [0.05, 0.025, 0.0125], rtol=1e-6)
