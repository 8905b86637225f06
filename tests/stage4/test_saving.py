"""Task 9: Model.save / keras.models.load_model and save_weights / load_weights.

Round trips must give the same predictions, the same compile settings, and
custom classes back by registration or custom_objects; loading must never
unpickle.
"""

import os
import zipfile

import numpy as np
import pytest

import stage4_training as tf

pytestmark = pytest.mark.stage4_task9

layers = tf.keras.layers


@pytest.fixture(params=["model.keras", "model_folder"])
def path(request, tmp_path):
    """Both kinds of path: a single ``.keras`` file and a folder."""
    return str(tmp_path / request.param)


def data(n=12, features=3, seed=0):
    rng = np.random.RandomState(seed)
    return rng.normal(size=(n, features)).astype(np.float32), rng.randint(0, 2, size=n)


def trained_sequential():
    model = tf.keras.Sequential([
        layers.Dense(8, activation="relu", input_shape=(3,)),
        layers.BatchNormalization(),
        layers.Dropout(0.2),
        layers.Dense(2, activation="softmax"),
    ], name="classifier")
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.01),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    x, y = data()
    model.fit(x, y, epochs=2, batch_size=4, verbose=0)
    return model


def assert_same_predictions(a, b, x):
    np.testing.assert_allclose(a.predict(x, verbose=0), b.predict(x, verbose=0),
                               rtol=1e-6, atol=1e-6)


def all_files(root):
    if os.path.isfile(root):
        return [root]
    return [os.path.join(folder, name) for folder, _, names in os.walk(root) for name in names]


# --- round trips -----------------------------------------------------------------------
def test_sequential_round_trip(path):
    model = trained_sequential()
    model.save(path)
    loaded = tf.keras.models.load_model(path)
    assert isinstance(loaded, tf.keras.Sequential) and isinstance(loaded, tf.keras.Model)
    assert loaded.name == "classifier"
    assert [type(layer).__name__ for layer in loaded.layers] == [
        "Dense", "BatchNormalization", "Dropout", "Dense"]
    x, _ = data(5, seed=1)
    assert_same_predictions(model, loaded, x)
    for a, b in zip(model.get_weights(), loaded.get_weights()):   # moving statistics too
        np.testing.assert_array_equal(a, b)


def test_a_loaded_model_is_compiled_and_evaluates_at_once(path):
    model = trained_sequential()
    x, y = data(8, seed=2)
    expected = model.evaluate(x, y, verbose=0)
    model.save(path)
    loaded = tf.keras.models.load_model(path)
    assert type(loaded.optimizer).__name__ == "Adam"
    assert float(np.asarray(loaded.optimizer.learning_rate)) == pytest.approx(0.01)
    assert loaded.evaluate(x, y, verbose=0) == pytest.approx(expected, rel=1e-5)
    assert loaded.metrics_names == ["loss", "accuracy"]
    loaded.fit(x, y, epochs=1, verbose=0)        # and can go on training


def test_loss_objects_keep_their_settings(path):
    model = tf.keras.Sequential([layers.Dense(3, input_shape=(2,))])
    model.compile(optimizer=tf.keras.optimizers.SGD(0.1),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=[tf.keras.metrics.SparseCategoricalAccuracy()])
    x, y = data(6, features=2)
    expected = model.evaluate(x, y, verbose=0)
    model.save(path)
    loaded = tf.keras.models.load_model(path)
    assert loaded.evaluate(x, y, verbose=0) == pytest.approx(expected, rel=1e-5)
    assert loaded.metrics_names == ["loss", "sparse_categorical_accuracy"]


def test_a_model_compiled_without_a_loss_loads_compiled(path):
    # compile(optimizer=...) alone is allowed (a loss may come from add_loss);
    # the loaded model is compiled again with the same optimizer and no loss.
    model = tf.keras.Sequential([layers.Dense(1, input_shape=(2,))])
    model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.3))
    model.save(path)
    loaded = tf.keras.models.load_model(path)
    assert type(loaded.optimizer).__name__ == "SGD"
    assert float(np.asarray(loaded.optimizer.learning_rate)) == pytest.approx(0.3)
    assert_same_predictions(model, loaded, data(3, features=2)[0])


def test_load_without_compile(path):
    model = trained_sequential()
    model.save(path)
    loaded = tf.keras.models.load_model(path, compile=False)
    assert_same_predictions(model, loaded, data(3)[0])
    with pytest.raises(RuntimeError, match="compile"):
        loaded.evaluate(*data(3), verbose=0)


def test_an_uncompiled_model_saves_and_loads(path):
    model = tf.keras.Sequential([layers.Dense(2, input_shape=(3,))])
    model.save(path)
    assert_same_predictions(model, tf.keras.models.load_model(path), data(3)[0])


def test_a_model_built_by_calling_it_round_trips(path):
    model = tf.keras.Sequential([layers.Dense(4), layers.Dense(1)])
    x = data(3)[0]
    model(x)
    model.save(path)
    assert_same_predictions(model, tf.keras.models.load_model(path), x)


def test_conv_and_recurrent_models_round_trip(tmp_path):
    conv = tf.keras.Sequential([
        layers.Conv2D(2, 3, padding="same", activation="relu", input_shape=(6, 6, 1)),
        layers.MaxPool2D(), layers.Flatten(), layers.Dense(3)])
    rnn = tf.keras.Sequential([layers.Embedding(10, 4, input_shape=(5,)),
                               layers.LSTM(3, return_sequences=True), layers.GRU(2)])
    rng = np.random.RandomState(0)
    for model, x in ((conv, rng.normal(size=(2, 6, 6, 1)).astype(np.float32)),
                     (rnn, rng.randint(0, 10, size=(2, 5)))):
        path = str(tmp_path / (model.name + ".keras"))
        model.save(path)
        assert_same_predictions(model, tf.keras.models.load_model(path), x)


def test_saving_again_overwrites(path):
    model = trained_sequential()
    model.save(path)
    model.layers[0].set_weights([w + 1 for w in model.layers[0].get_weights()])
    model.save(path)
    assert_same_predictions(model, tf.keras.models.load_model(path), data(3)[0])
    with pytest.raises(FileExistsError):
        model.save(path, overwrite=False)


def test_writes_leave_no_temporary_files(tmp_path):
    model = trained_sequential()
    model.save(str(tmp_path / "a.keras"))
    model.save(str(tmp_path / "a.keras"))
    model.save(str(tmp_path / "folder"))
    model.save(str(tmp_path / "folder"))
    model.save_weights(str(tmp_path / "w.npz"))
    model.save_weights(str(tmp_path / "w.npz"))
    assert sorted(os.listdir(tmp_path)) == ["a.keras", "folder", "w.npz"]


# --- your own classes --------------------------------------------------------------------
@tf.keras.utils.register_keras_serializable(package="Tests")
class ScaledDense(layers.Layer):
    """A custom layer with a constructor argument, registered for saving."""

    def __init__(self, units, scale=1.0, **kwargs):
        super().__init__(**kwargs)
        self.units, self.scale = units, scale

    def build(self, input_shape):
        self.kernel = self.add_weight("kernel", shape=[input_shape[-1], self.units])

    def call(self, x):
        return self.scale * tf.matmul(x, self.kernel)

    def get_config(self):
        return {**super().get_config(), "units": self.units, "scale": self.scale}


@tf.keras.utils.register_keras_serializable(package="Tests")
class TwoTower(tf.keras.Model):
    """A subclassed model that describes itself with get_config/from_config."""

    def __init__(self, hidden, outputs=1, **kwargs):
        super().__init__(**kwargs)
        self.hidden, self.outputs = hidden, outputs
        self.left = layers.Dense(hidden, activation="tanh")
        self.right = layers.Dense(hidden, activation="relu")
        self.head = layers.Dense(outputs)

    def call(self, x):
        return self.head(self.left(x) + self.right(x))

    def get_config(self):
        return {"hidden": self.hidden, "outputs": self.outputs, "name": self.name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def test_registered_custom_layer_round_trips(path):
    model = tf.keras.Sequential([ScaledDense(3, scale=2.5, input_shape=(4,)),
                                 layers.Dense(1)])
    model.save(path)
    loaded = tf.keras.models.load_model(path)
    assert isinstance(loaded.layers[0], ScaledDense) and loaded.layers[0].scale == 2.5
    assert_same_predictions(model, loaded, data(3, features=4)[0])


def test_registered_subclassed_model_round_trips(path):
    model = TwoTower(5, name="towers")
    x, y = data(6)
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, y.astype(np.float32), verbose=0)
    model.save(path)
    loaded = tf.keras.models.load_model(path)
    assert isinstance(loaded, TwoTower) and loaded.hidden == 5 and loaded.name == "towers"
    assert_same_predictions(model, loaded, x)
    assert loaded.evaluate(x, y.astype(np.float32), verbose=0) == pytest.approx(
        model.evaluate(x, y.astype(np.float32), verbose=0), rel=1e-5)


def test_unregistered_classes_come_back_through_custom_objects(path):
    class Doubler(layers.Layer):
        def call(self, x):
            return 2.0 * x

    def shifted_relu(x):
        return tf.nn.relu(x - 0.5)

    model = tf.keras.Sequential([layers.Dense(3, activation=shifted_relu, input_shape=(2,)),
                                 Doubler()])
    model.save(path)
    loaded = tf.keras.models.load_model(
        path, custom_objects={"Doubler": Doubler, "shifted_relu": shifted_relu})
    assert isinstance(loaded.layers[1], Doubler)
    assert_same_predictions(model, loaded, data(4, features=2)[0])
    with tf.keras.utils.custom_object_scope({"Doubler": Doubler,
                                             "shifted_relu": shifted_relu}):
        assert_same_predictions(model, tf.keras.models.load_model(path),
                                data(4, features=2)[0])


@tf.keras.utils.register_keras_serializable(package="Tests")
class ScaledSquaredError(tf.keras.losses.Loss):
    """A registered custom loss with a setting of its own."""

    def __init__(self, scale=1.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale

    def call(self, y_true, y_pred):
        return self.scale * tf.reduce_mean(tf.square(y_true - y_pred), axis=-1)

    def get_config(self):
        return {**super().get_config(), "scale": self.scale}


@tf.keras.utils.register_keras_serializable(package="Tests")
class ScaledAbsoluteError(tf.keras.metrics.MeanMetricWrapper):
    """A registered custom metric with a setting of its own."""

    def __init__(self, scale=1.0, name="scaled_absolute_error", dtype=None):
        super().__init__(lambda y, p: scale * tf.reduce_mean(tf.abs(y - p), axis=-1),
                         name=name, dtype=dtype)
        self.scale = scale

    def get_config(self):
        return {"scale": self.scale, "name": self.name}


def test_registered_custom_loss_and_metric_objects_come_back_with_their_settings(path):
    model = tf.keras.Sequential([layers.Dense(2, input_shape=(3,))])
    model.compile(optimizer="sgd", loss=ScaledSquaredError(scale=3.0),
                  metrics=[ScaledAbsoluteError(scale=0.5, name="half_mae")])
    x = data(6)[0]
    y = np.random.RandomState(3).normal(size=(6, 2)).astype(np.float32)
    expected = model.evaluate(x, y, verbose=0)
    model.save(path)
    loaded = tf.keras.models.load_model(path)
    assert loaded.evaluate(x, y, verbose=0) == pytest.approx(expected, rel=1e-5)
    assert loaded.metrics_names == ["loss", "half_mae"]


def test_an_unknown_class_is_named_with_how_to_register_it(path):
    class Mystery(layers.Layer):
        def call(self, x):
            return x

    model = tf.keras.Sequential([layers.Dense(2, input_shape=(2,)), Mystery()])
    model.save(path)
    with pytest.raises(ValueError, match=r"(?s)Mystery.*custom_objects.*register_keras_serializable"):
        tf.keras.models.load_model(path)


def test_a_custom_class_without_get_config_cannot_be_saved(path):
    class Unsaveable(tf.keras.Model):
        def __init__(self, units):
            super().__init__()
            self.dense = layers.Dense(units)

        def call(self, x):
            return self.dense(x)

    model = Unsaveable(2)
    model(data(2)[0])
    with pytest.raises(NotImplementedError, match="get_config"):
        model.save(path)
    assert not os.path.exists(path)


def test_an_unbuilt_model_saves_its_architecture_with_a_warning(path):
    # As in Keras: a warning, and the loaded model builds on its first call.
    with pytest.warns(UserWarning, match="not built") as caught:
        tf.keras.Sequential([layers.Dense(2, kernel_initializer="ones")]).save(path)
    assert caught[0].filename == __file__      # the warning points at the save() call
    loaded = tf.keras.models.load_model(path)
    assert not loaded.built
    np.testing.assert_allclose(loaded(np.ones((1, 3), "float32")).numpy(), [[3.0, 3.0]])


def test_a_built_model_without_weights_saves_and_loads(path, tmp_path):
    model = tf.keras.Sequential([layers.Flatten(input_shape=(2, 2))])
    assert model.built and model.weights == []
    model.save(path)
    loaded = tf.keras.models.load_model(path)
    assert loaded(np.ones((1, 2, 2), "float32")).shape == (1, 4)
    weights = str(tmp_path / "weights.npz")
    model.save_weights(weights)
    loaded.load_weights(weights)


def test_save_weights_of_an_unbuilt_model_says_to_build_it(tmp_path):
    with pytest.raises(ValueError, match="not built.*build"):
        tf.keras.Sequential([layers.Dense(2)]).save_weights(str(tmp_path / "w.npz"))


# --- weights only -------------------------------------------------------------------------
def test_save_weights_and_load_weights(tmp_path):
    model = trained_sequential()
    path = str(tmp_path / "weights.npz")
    model.save_weights(path)
    other = tf.keras.Sequential([layers.Dense(8, activation="relu", input_shape=(3,)),
                                 layers.BatchNormalization(), layers.Dropout(0.2),
                                 layers.Dense(2, activation="softmax")])
    other.load_weights(path)
    assert_same_predictions(model, other, data(4)[0])
    with np.load(path, allow_pickle=False) as archive:     # a plain npz, no pickles
        assert len(archive.files) >= len(model.weights)


def test_load_weights_into_a_different_model_says_what_differs(tmp_path):
    path = str(tmp_path / "weights.npz")
    tf.keras.Sequential([layers.Dense(3, input_shape=(2,))]).save_weights(path)
    with pytest.raises(ValueError, match="shape"):
        tf.keras.Sequential([layers.Dense(4, input_shape=(2,))]).load_weights(path)
    with pytest.raises(ValueError, match="2 weight"):
        tf.keras.Sequential([layers.Dense(3, input_shape=(2,)),
                             layers.Dense(1)]).load_weights(path)
    with pytest.raises((FileNotFoundError, OSError)):
        tf.keras.Sequential([layers.Dense(3, input_shape=(2,))]).load_weights(
            str(tmp_path / "missing.npz"))


# --- never unpickle -------------------------------------------------------------------------
class Payload:
    """Unpickling this runs code: it creates the folder ``target``."""

    def __init__(self, target):
        self.target = target

    def __reduce__(self):
        return (os.mkdir, (self.target,))


def evil_npz(path, target, names):
    arrays = {name: np.array([Payload(target)], dtype=object) for name in names}
    np.savez(path, **arrays)


def test_load_weights_refuses_a_pickled_array(tmp_path):
    model = tf.keras.Sequential([layers.Dense(1, input_shape=(2,))])
    path, target = str(tmp_path / "weights.npz"), str(tmp_path / "pwned")
    model.save_weights(path)
    with np.load(path) as archive:
        names = archive.files
    evil_npz(path, target, names)
    with pytest.raises(ValueError, match="pickle"):
        model.load_weights(path)
    assert not os.path.exists(target)


def test_load_model_refuses_a_pickled_array(tmp_path):
    model = tf.keras.Sequential([layers.Dense(1, input_shape=(2,))])
    folder, target = str(tmp_path / "saved"), str(tmp_path / "pwned")
    model.save(folder)
    tampered = 0
    for name in all_files(folder):
        if name.endswith(".npz"):
            with np.load(name) as archive:
                names = archive.files
            evil_npz(name, target, names)
            tampered += 1
    assert tampered, "the saved model holds its weights in .npz files"
    with pytest.raises(ValueError, match="pickle"):
        tf.keras.models.load_model(folder)
    assert not os.path.exists(target)


@pytest.mark.internals
def test_the_keras_file_is_a_zip_of_json_and_npz(tmp_path):
    path = str(tmp_path / "m.keras")
    tf.keras.Sequential([layers.Dense(1, input_shape=(2,))]).save(path)
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == ["config.json", "metadata.json",
                                              "model.weights.npz"]
