"""Task 9: the ModelCheckpoint callback (it saves with Model.save / save_weights,
so it is graded with saving, after the training loop of task 8)."""

import glob
import os

import numpy as np
import pytest

import stage4_training as tf
from tests.stage4.test_callbacks import converging_model, diverging_model, kernel  # noqa: F401
from tests.stage4.test_fit import blobs, classifier, zero_model  # noqa: F401
from tests.stage4.test_optimizers import O  # noqa: F401

pytestmark = pytest.mark.stage4_task9

layers = tf.keras.layers


def test_model_checkpoint_writes_weights_each_epoch(tmp_path):
    model, x, y = converging_model()
    path = str(tmp_path / "weights-{epoch:02d}-{loss:.4f}.npz")
    model.fit(x, y, epochs=3, verbose=0, callbacks=[
        tf.keras.callbacks.ModelCheckpoint(path, monitor="loss", save_weights_only=True)])
    names = sorted(os.listdir(tmp_path))
    assert names == ["weights-01-1.0000.npz", "weights-02-0.2500.npz", "weights-03-0.0625.npz"]
    fresh, _, _ = converging_model()
    fresh.load_weights(str(tmp_path / names[0]))
    assert kernel(fresh) == pytest.approx(0.5)          # w at the end of epoch 1


def test_model_checkpoint_best_only(tmp_path):
    model, x, y = diverging_model()
    path = str(tmp_path / "best-{epoch:02d}.npz")
    checkpoint = tf.keras.callbacks.ModelCheckpoint(path, monitor="loss", save_best_only=True,
                                                    save_weights_only=True)
    model.fit(x, y, epochs=4, verbose=0, callbacks=[checkpoint])
    assert sorted(os.listdir(tmp_path)) == ["best-01.npz"]
    assert checkpoint.best == pytest.approx(1.0)


def test_model_checkpoint_best_only_with_a_fixed_name_keeps_the_best(tmp_path):
    model, x, y = converging_model()
    path = str(tmp_path / "best.npz")
    model.fit(x, y, epochs=3, verbose=0, validation_data=(x, y), callbacks=[
        tf.keras.callbacks.ModelCheckpoint(path, save_best_only=True, save_weights_only=True)])
    fresh, _, _ = converging_model()
    fresh.load_weights(path)
    assert kernel(fresh) == pytest.approx(kernel(model))


def test_model_checkpoint_saves_whole_models(tmp_path):
    x, y = blobs(8)
    model = classifier()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    path = str(tmp_path / "model-{epoch:02d}-{val_loss:.2f}.keras")
    model.fit(x, y, epochs=2, verbose=0, validation_split=0.25,
              callbacks=[tf.keras.callbacks.ModelCheckpoint(path)])
    saved = sorted(glob.glob(str(tmp_path / "model-*.keras")))
    assert len(saved) == 2 and os.path.basename(saved[0]).startswith("model-01-")
    loaded = tf.keras.models.load_model(saved[-1])
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-6)


def test_model_checkpoint_every_n_batches(tmp_path):
    model = zero_model()
    model.compile(optimizer="sgd", loss="mse")
    path = str(tmp_path / "w-{epoch}-{batch}.npz")
    model.fit(np.zeros((8, 1)), np.zeros((8, 1)), batch_size=2, epochs=1, verbose=0,
              callbacks=[tf.keras.callbacks.ModelCheckpoint(path, save_weights_only=True,
                                                            save_freq=2)])
    assert sorted(os.listdir(tmp_path)) == ["w-1-2.npz", "w-1-4.npz"]


# --- CSVLogger, TerminateOnNaN, LearningRateScheduler ----------------------------------------


def test_saving_a_compiled_model_keeps_its_optimizer_settings(tmp_path):
    model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(2,))])
    model.compile(optimizer=O.RMSprop(0.02, momentum=0.3), loss="mse")
    model.save(str(tmp_path / "m.keras"))
    loaded = tf.keras.models.load_model(str(tmp_path / "m.keras"))
    assert type(loaded.optimizer) is O.RMSprop
    assert loaded.optimizer.get_config() == model.optimizer.get_config()
