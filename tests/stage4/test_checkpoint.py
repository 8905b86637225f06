"""Task 6: object-based checkpoints (Checkpoint, CheckpointManager, latest_checkpoint).

Public behaviour only: a student's own file format passes these. Keys are the
attribute names from the Checkpoint's keywords down to each variable.
"""

import os

import numpy as np
import pytest

import stage4_training as tf
from stage4_training import trackable

pytestmark = pytest.mark.stage4_task6

layers = tf.keras.layers


def values(variables):
    return [np.array(v.numpy()) for v in variables]


def assert_same_values(a, b):
    a, b = values(a), values(b)
    assert len(a) == len(b)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)


def mlp(input_shape=None):
    kwargs = {"input_shape": input_shape} if input_shape else {}
    return tf.keras.Sequential([layers.Dense(4, activation="relu", **kwargs),
                                layers.BatchNormalization(), layers.Dense(2)])


class TwoTowers(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.left = layers.Dense(3)
        self.right = [layers.Dense(3), {"head": layers.Dense(1)}]
        self.scale = tf.Variable(2.0)

    def call(self, x):
        return self.right[1]["head"](self.left(x) + self.right[0](x)) * self.scale


class TinyMomentum:
    """An optimizer test double speaking the checkpoint protocol: ``iterations``,
    a ``momentum`` slot per variable made on the first step and announced with
    ``trackable.slot_created``."""

    def __init__(self, learning_rate=0.1):
        self.learning_rate = learning_rate
        self.iterations = tf.Variable(0, dtype="int64", trainable=False)
        self._slots = {}

    def apply_gradients(self, pairs):
        for gradient, variable in pairs:
            if id(variable) not in self._slots:
                slot = tf.Variable(tf.zeros_like(variable), trainable=False)
                self._slots[id(variable)] = (variable, slot)
                trackable.slot_created(self, variable, "momentum", slot)
            slot = self._slots[id(variable)][1]
            slot.assign(slot * 0.9 + gradient)
            variable.assign_sub(self.learning_rate * slot)
        self.iterations.assign_add(1)

    def _checkpoint_children(self):
        return {"iter": self.iterations}

    def _slot_variables(self):
        return [(variable, "momentum", slot) for variable, slot in self._slots.values()]


def train_step(model, optimizer, x):
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(model(x) ** 2)
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))


X = np.linspace(-1, 1, 12).reshape(4, 3).astype(np.float32)


# --- round trips -------------------------------------------------------------------
def test_variables_round_trip_with_their_dtypes(tmp_path):
    saved = {"f": tf.Variable([[1.5, 2.5]]), "i": tf.Variable(7, dtype="int64"),
             "d": tf.Variable(np.arange(3.0)), "b": tf.Variable([True, False])}
    path = tf.train.Checkpoint(**saved).save(str(tmp_path / "ckpt"))
    fresh = {k: tf.Variable(tf.zeros_like(v)) for k, v in saved.items()}
    tf.train.Checkpoint(**fresh).restore(path).assert_consumed()
    for key in saved:
        assert fresh[key].dtype == saved[key].dtype
        np.testing.assert_array_equal(fresh[key].numpy(), saved[key].numpy())


def test_built_sequential_round_trip_gives_the_same_predictions(tmp_path):
    model = mlp(input_shape=(3,))
    model(X, training=True)          # moves BatchNormalization's moving statistics
    path = tf.train.Checkpoint(model=model).save(str(tmp_path / "ckpt"))
    fresh = mlp(input_shape=(3,))
    tf.train.Checkpoint(model=fresh).restore(path).assert_consumed()
    assert_same_values(fresh.variables, model.variables)
    np.testing.assert_array_equal(fresh(X).numpy(), model(X).numpy())


def test_subclassed_model_with_lists_dicts_and_a_variable_round_trips(tmp_path):
    model = TwoTowers()
    model(X)
    path = tf.train.Checkpoint(model=model).write(str(tmp_path / "weights"))
    fresh = TwoTowers()
    fresh(X)
    tf.train.Checkpoint(model=fresh).read(path).assert_consumed()
    np.testing.assert_array_equal(fresh(X).numpy(), model(X).numpy())


def test_keys_are_the_attribute_paths(tmp_path):
    model = TwoTowers()
    model(X)
    path = tf.train.Checkpoint(model=model, step=tf.Variable(3)).write(str(tmp_path / "w"))
    keys = dict(tf.train.list_variables(path))
    for key in ["step", "model/scale", "model/left/kernel", "model/left/bias",
                "model/right/0/kernel", "model/right/1/head/kernel"]:
        assert key in keys, (key, sorted(keys))
    assert keys["model/left/kernel"] == [3, 3]
    assert tf.train.load_variable(path, "step") == 3


def test_nested_checkpoints_plain_objects_and_containers(tmp_path):
    class Holder:
        def __init__(self):
            self.w = tf.Variable([1.0, 2.0])
            self.items = [tf.Variable(3.0), {"deep": tf.Variable(4.0)}]
            self._hidden = tf.Variable(99.0)     # private attributes of plain objects: not saved

    def make():
        return tf.train.Checkpoint(inner=tf.train.Checkpoint(v=tf.Variable(5.0)),
                                   holder=Holder(), pairs={"a": [tf.Variable(6.0)]})

    saved = make()
    for v in trackable.object_graph(saved).variables.values():
        v.assign(v + 10)
    path = saved.write(str(tmp_path / "w"))
    fresh = make()
    fresh.read(path).assert_consumed()
    assert float(fresh.inner.v) == 15.0
    assert fresh.holder.w.numpy().tolist() == [11.0, 12.0]
    assert float(fresh.holder.items[1]["deep"]) == 14.0
    assert float(fresh.pairs["a"][0]) == 16.0
    assert float(fresh.holder._hidden) == 99.0
    assert "holder/_hidden" not in dict(tf.train.list_variables(path))


def test_a_variable_reachable_twice_is_saved_once_under_its_first_path(tmp_path):
    shared = tf.Variable(1.0)
    layer = layers.Dense(1)
    layer.build((None, 1))
    path = tf.train.Checkpoint(a=shared, b=[shared], layer=layer, again={"l": layer}).write(
        str(tmp_path / "w"))
    keys = [key for key, _ in tf.train.list_variables(path)]
    assert keys == ["a", "layer/bias", "layer/kernel"]
    other = tf.Variable(0.0)
    status = tf.train.Checkpoint(a=other, b=[other]).read(path)
    assert float(other) == 1.0
    status.assert_existing_objects_matched()


def test_keys_do_not_depend_on_the_order_objects_were_made(tmp_path):
    first, second = tf.Variable(1.0), tf.Variable(2.0)
    path = tf.train.Checkpoint(x=first, y=second).write(str(tmp_path / "w"))
    y, x = tf.Variable(0.0), tf.Variable(0.0)
    tf.train.Checkpoint(y=y, x=x).read(path).assert_consumed()
    assert (float(x), float(y)) == (1.0, 2.0)


def test_metric_state_round_trips(tmp_path):
    mean = tf.keras.metrics.Mean()
    mean.update_state([1.0, 2.0, 6.0])
    path = tf.train.Checkpoint(metric=mean).save(str(tmp_path / "ckpt"))
    fresh = tf.keras.metrics.Mean()
    tf.train.Checkpoint(metric=fresh).restore(path).assert_consumed()
    assert float(fresh.result()) == 3.0
    fresh.update_state(7.0)
    assert float(fresh.result()) == 4.0


# --- the optimizer: iterations and slots ------------------------------------------
def test_optimizer_slots_and_iterations_round_trip(tmp_path):
    model, optimizer = mlp(input_shape=(3,)), TinyMomentum()
    for _ in range(3):
        train_step(model, optimizer, X)
    path = tf.train.Checkpoint(model=model, optimizer=optimizer).save(str(tmp_path / "ckpt"))
    keys = dict(tf.train.list_variables(path))
    assert "optimizer/iter" in keys
    assert sum("momentum" in key for key in keys) == 6     # one per trainable variable

    fresh_model, fresh_optimizer = mlp(input_shape=(3,)), TinyMomentum()
    status = tf.train.Checkpoint(model=fresh_model, optimizer=fresh_optimizer).restore(path)
    status.assert_existing_objects_matched()
    assert int(fresh_optimizer.iterations) == 3
    with pytest.raises(AssertionError):
        status.assert_consumed()        # the slots wait for the first step
    # One more step each: identical only if the slots were restored before it.
    train_step(model, optimizer, X)
    train_step(fresh_model, fresh_optimizer, X)
    status.assert_consumed()
    assert_same_values(fresh_model.variables, model.variables)
    assert_same_values([s for _, _, s in fresh_optimizer._slot_variables()],
                       [s for _, _, s in optimizer._slot_variables()])


def _adam():
    if not hasattr(tf.keras.optimizers, "Adam"):
        pytest.skip("tf.keras.optimizers.Adam has not landed yet")
    return tf.keras.optimizers.Adam(learning_rate=0.01)


def test_adam_slots_restore_before_its_first_step(tmp_path):
    model, optimizer = mlp(input_shape=(3,)), _adam()
    for _ in range(3):
        train_step(model, optimizer, X)
    path = tf.train.Checkpoint(model=model, optimizer=optimizer).save(str(tmp_path / "ckpt"))
    keys = [key for key, _ in tf.train.list_variables(path)]
    assert sum(key.endswith("/m") for key in keys) == sum(key.endswith("/v") for key in keys) == 6

    fresh_model, fresh_optimizer = mlp(), _adam()           # nothing built, no slots
    status = tf.train.Checkpoint(model=fresh_model, optimizer=fresh_optimizer).restore(path)
    fresh_model(X)
    train_step(model, optimizer, X)
    train_step(fresh_model, fresh_optimizer, X)
    status.assert_consumed()
    assert int(fresh_optimizer.iterations) == 4
    np.testing.assert_allclose(fresh_model(X).numpy(), model(X).numpy(), rtol=1e-6)


# --- deferred restoration ---------------------------------------------------------
def test_restore_into_an_unbuilt_sequential_lands_when_it_builds(tmp_path):
    model = mlp()
    model(X)
    path = tf.train.Checkpoint(model=model).save(str(tmp_path / "ckpt"))
    fresh = mlp()
    status = tf.train.Checkpoint(model=fresh).restore(path)
    status.assert_existing_objects_matched()      # nothing exists yet, so nothing unmatched
    with pytest.raises(AssertionError, match="kernel"):
        status.assert_consumed()
    np.testing.assert_array_equal(fresh(X).numpy(), model(X).numpy())
    status.assert_consumed()


def test_restore_into_an_unbuilt_subclassed_model(tmp_path):
    model = TwoTowers()
    model(X)
    path = tf.train.Checkpoint(model=model).save(str(tmp_path / "ckpt"))
    fresh = TwoTowers()
    status = tf.train.Checkpoint(model=fresh).restore(path)
    assert float(fresh.scale) == float(model.scale)           # it existed: restored now
    np.testing.assert_array_equal(fresh(X).numpy(), model(X).numpy())
    status.assert_consumed().assert_nontrivial_match()


def test_deferred_values_wait_even_when_the_checkpoint_object_is_dropped(tmp_path):
    model = mlp()
    model(X)
    path = tf.train.Checkpoint(model=model).save(str(tmp_path / "ckpt"))
    fresh = mlp()
    tf.train.Checkpoint(model=fresh).restore(path)            # checkpoint and status dropped
    import gc
    gc.collect()
    np.testing.assert_array_equal(fresh(X).numpy(), model(X).numpy())


def test_layers_added_later_to_a_sequential_get_their_values(tmp_path):
    model = mlp()
    model(X)
    path = tf.train.Checkpoint(model=model).save(str(tmp_path / "ckpt"))
    fresh = tf.keras.Sequential()
    status = tf.train.Checkpoint(model=fresh).restore(path)
    for layer in [layers.Dense(4, activation="relu"), layers.BatchNormalization(), layers.Dense(2)]:
        fresh.add(layer)
    np.testing.assert_array_equal(fresh(X).numpy(), model(X).numpy())
    status.assert_consumed()


def test_a_shape_mismatch_names_the_key_and_both_shapes(tmp_path):
    small = layers.Dense(2)
    small.build((None, 3))
    path = tf.train.Checkpoint(layer=small).save(str(tmp_path / "ckpt"))
    big = layers.Dense(5)
    big.build((None, 3))
    before = big.kernel.numpy()
    with pytest.raises(ValueError) as info:
        tf.train.Checkpoint(layer=big).restore(path)
    message = str(info.value)
    assert "layer/kernel" in message and "(3, 2)" in message and "(3, 5)" in message
    np.testing.assert_array_equal(big.kernel.numpy(), before)    # nothing half-restored


def test_a_shape_mismatch_found_when_the_layer_builds(tmp_path):
    small = layers.Dense(2)
    small.build((None, 3))
    path = tf.train.Checkpoint(layer=small).save(str(tmp_path / "ckpt"))
    big = layers.Dense(5)
    status = tf.train.Checkpoint(layer=big).restore(path)
    with pytest.raises(ValueError, match=r"layer/kernel.*\(3, 2\).*\(3, 5\)"):
        big.build((None, 3))
    del status


def test_a_dtype_mismatch_is_refused(tmp_path):
    path = tf.train.Checkpoint(v=tf.Variable([1.0, 2.0])).write(str(tmp_path / "w"))
    with pytest.raises(ValueError, match="float64"):
        tf.train.Checkpoint(v=tf.Variable(np.zeros(2))).read(path)


# --- save, write, read, numbering -------------------------------------------------
def test_save_numbers_by_save_counter_which_is_saved_too(tmp_path):
    prefix = str(tmp_path / "ckpt")
    checkpoint = tf.train.Checkpoint(v=tf.Variable(1.0))
    paths = [checkpoint.save(prefix) for _ in range(3)]
    assert paths == [prefix + "-1", prefix + "-2", prefix + "-3"]
    assert int(checkpoint.save_counter) == 3
    assert tf.train.latest_checkpoint(str(tmp_path)) == prefix + "-3"
    again = tf.train.Checkpoint(v=tf.Variable(0.0))
    again.restore(paths[1]).assert_consumed()
    assert int(again.save_counter) == 2
    assert again.save(prefix) == prefix + "-3"


def test_write_does_not_number_and_read_ignores_the_save_counter(tmp_path):
    v = tf.Variable(1.0)
    checkpoint = tf.train.Checkpoint(v=v)
    checkpoint.save(str(tmp_path / "ckpt"))
    path = checkpoint.write(str(tmp_path / "plain"))
    assert path == str(tmp_path / "plain")
    assert int(checkpoint.save_counter) == 1
    v.assign(3.0)
    fresh = tf.train.Checkpoint(v=v)
    fresh.read(path).assert_consumed()
    assert float(v) == 1.0 and int(fresh.save_counter) == 0
    assert tf.train.latest_checkpoint(str(tmp_path)) == str(tmp_path / "ckpt-1")


def test_saving_again_under_the_same_prefix_replaces_the_checkpoint(tmp_path):
    v = tf.Variable(1.0)
    path = tf.train.Checkpoint(v=v).write(str(tmp_path / "w"))
    v.assign(2.0)
    tf.train.Checkpoint(v=v).write(path)
    v.assign(0.0)
    tf.train.Checkpoint(v=v).read(path).assert_consumed()
    assert float(v) == 2.0


def test_a_fresh_process_saving_under_an_existing_number_overwrites_it(tmp_path):
    prefix = str(tmp_path / "ckpt")
    tf.train.Checkpoint(v=tf.Variable(1.0)).save(prefix)
    assert tf.train.Checkpoint(v=tf.Variable(2.0)).save(prefix) == prefix + "-1"
    v = tf.Variable(0.0)
    tf.train.Checkpoint(v=v).restore(tf.train.latest_checkpoint(str(tmp_path)))
    assert float(v) == 2.0


def test_checkpoint_refuses_what_it_cannot_track():
    with pytest.raises(ValueError, match="'n'"):
        tf.train.Checkpoint(n=5)
    with pytest.raises(ValueError, match="'t'"):
        tf.train.Checkpoint(t=tf.constant(1.0))


def test_restoring_a_missing_checkpoint_names_it(tmp_path):
    with pytest.raises((OSError, LookupError, ValueError)) as info:
        tf.train.Checkpoint(v=tf.Variable(1.0)).restore(str(tmp_path / "nothing-1"))
    assert "nothing-1" in str(info.value)


# --- the status ---------------------------------------------------------------------
def test_status_when_the_checkpoint_has_values_nobody_takes(tmp_path):
    path = tf.train.Checkpoint(a=tf.Variable(1.0), b=tf.Variable(2.0)).write(str(tmp_path / "w"))
    status = tf.train.Checkpoint(a=tf.Variable(0.0)).read(path)
    with pytest.raises(AssertionError, match="b"):
        status.assert_consumed()
    assert status.assert_existing_objects_matched() is status
    assert status.assert_nontrivial_match() is status
    assert status.expect_partial() is status


def test_status_when_a_variable_gets_no_value(tmp_path):
    path = tf.train.Checkpoint(a=tf.Variable(1.0)).write(str(tmp_path / "w"))
    status = tf.train.Checkpoint(a=tf.Variable(0.0), extra=tf.Variable(0.0)).read(path)
    with pytest.raises(AssertionError, match="extra"):
        status.assert_consumed()
    with pytest.raises(AssertionError, match="extra"):
        status.assert_existing_objects_matched()
    status.assert_nontrivial_match()


def test_status_when_nothing_matches(tmp_path):
    path = tf.train.Checkpoint(a=tf.Variable(1.0)).save(str(tmp_path / "ckpt"))
    status = tf.train.Checkpoint(other=tf.Variable(0.0)).restore(path)
    with pytest.raises(AssertionError):
        status.assert_nontrivial_match()     # the save counter alone does not count


def test_restore_none_restores_nothing():
    v = tf.Variable(3.0)
    status = tf.train.Checkpoint(v=v).restore(None)
    assert float(v) == 3.0
    for check in (status.assert_consumed, status.assert_existing_objects_matched,
                  status.assert_nontrivial_match):
        with pytest.raises(AssertionError):
            check()
    assert status.expect_partial() is status


# --- CheckpointManager ------------------------------------------------------------
def files_of(directory, prefix):
    return [name for name in os.listdir(directory)
            if name == prefix or name.startswith(prefix + ".") or name.startswith(prefix + "/")]


def test_manager_keeps_the_newest_and_deletes_the_rest(tmp_path):
    d = str(tmp_path)
    v = tf.Variable(0.0)
    manager = tf.train.CheckpointManager(tf.train.Checkpoint(v=v), d, max_to_keep=2)
    assert manager.latest_checkpoint is None and manager.checkpoints == []
    for step in range(1, 5):
        v.assign(float(step))
        assert manager.save() == os.path.join(d, "ckpt-%d" % step)
    assert manager.checkpoints == [os.path.join(d, "ckpt-3"), os.path.join(d, "ckpt-4")]
    assert manager.latest_checkpoint == os.path.join(d, "ckpt-4")
    assert tf.train.latest_checkpoint(d) == os.path.join(d, "ckpt-4")
    assert files_of(d, "ckpt-1") == files_of(d, "ckpt-2") == []
    assert files_of(d, "ckpt-3") and files_of(d, "ckpt-4")
    fresh = tf.Variable(0.0)
    tf.train.Checkpoint(v=fresh).restore(manager.latest_checkpoint).assert_consumed()
    assert float(fresh) == 4.0


def test_manager_max_to_keep_none_keeps_all(tmp_path):
    manager = tf.train.CheckpointManager(tf.train.Checkpoint(v=tf.Variable(0.0)), str(tmp_path),
                                         max_to_keep=None)
    for _ in range(7):
        manager.save()
    assert len(manager.checkpoints) == 7
    assert all(files_of(str(tmp_path), "ckpt-%d" % n) for n in range(1, 8))


def test_a_new_manager_recovers_the_state_from_the_directory(tmp_path):
    d = str(tmp_path)
    checkpoint = tf.train.Checkpoint(v=tf.Variable(0.0))
    first = tf.train.CheckpointManager(checkpoint, d, max_to_keep=3, checkpoint_name="model")
    for _ in range(4):
        first.save()
    second = tf.train.CheckpointManager(tf.train.Checkpoint(v=tf.Variable(0.0)), d, max_to_keep=3,
                                        checkpoint_name="model")
    assert second.checkpoints == first.checkpoints
    assert second.latest_checkpoint == os.path.join(d, "model-4")
    second.save(checkpoint_number=10)
    assert second.checkpoints == [os.path.join(d, "model-%d" % n) for n in (3, 4, 10)]
    assert files_of(d, "model-2") == []
    assert tf.train.latest_checkpoint(d) == os.path.join(d, "model-10")


def test_restore_or_start_fresh_with_the_manager(tmp_path):
    d = str(tmp_path / "run")
    v = tf.Variable(1.0)
    checkpoint = tf.train.Checkpoint(v=v)
    manager = tf.train.CheckpointManager(checkpoint, d, max_to_keep=1)
    checkpoint.restore(manager.latest_checkpoint)        # None on the first run: a no-op
    manager.save()
    assert tf.train.latest_checkpoint(d) == os.path.join(d, "ckpt-1")


def test_latest_checkpoint_of_an_empty_or_missing_directory_is_none(tmp_path):
    assert tf.train.latest_checkpoint(str(tmp_path)) is None
    assert tf.train.latest_checkpoint(str(tmp_path / "missing")) is None


# --- damaged files are refused, naming the file -----------------------------------
def saved_files(directory, prefix):
    """The files a checkpoint wrote (whatever its format), full paths."""
    found = []
    for root, _, names in os.walk(directory):
        for name in names:
            path = os.path.join(root, name)
            if os.path.relpath(path, directory).startswith(prefix):
                found.append(path)
    assert found
    return found


def damaged_checkpoint(tmp_path):
    v = tf.Variable(np.arange(1000, dtype=np.float32))
    prefix = tf.train.Checkpoint(v=v).write(str(tmp_path / "weights"))
    return prefix, saved_files(str(tmp_path), "weights")


def assert_refused(prefix, damaged_file):
    v = tf.Variable(np.zeros(1000, dtype=np.float32))
    with pytest.raises((ValueError, OSError, LookupError, tf.errors.OpError)) as info:
        tf.train.Checkpoint(v=v).read(prefix)
    message = str(info.value)
    assert os.path.basename(damaged_file) in message or os.path.basename(prefix) in message, message
    assert not np.any(v.numpy()), "a damaged checkpoint must not change any variable"


@pytest.mark.parametrize("where", [0.0, 0.5, 0.999])
def test_a_flipped_byte_anywhere_is_refused(tmp_path, where):
    prefix, files = damaged_checkpoint(tmp_path)
    for path in files:
        with open(path, "rb") as file:
            original = file.read()
        data = bytearray(original)
        data[int(where * (len(data) - 1))] ^= 0xFF
        with open(path, "wb") as file:
            file.write(bytes(data))
        assert_refused(prefix, path)
        with open(path, "wb") as file:
            file.write(original)
    tf.train.Checkpoint(v=tf.Variable(np.zeros(1000, dtype=np.float32))).read(prefix).assert_consumed()


@pytest.mark.parametrize("keep", [0, 0.5, -1])
def test_a_truncated_file_is_refused(tmp_path, keep):
    prefix, files = damaged_checkpoint(tmp_path)
    for path in files:
        with open(path, "rb") as file:
            original = file.read()
        with open(path, "wb") as file:
            file.write(original[:int(keep * len(original)) if keep >= 0 else len(original) - 1])
        assert_refused(prefix, path)
        with open(path, "wb") as file:
            file.write(original)


def test_a_deleted_file_is_refused(tmp_path):
    prefix, files = damaged_checkpoint(tmp_path)
    for path in files:
        os.rename(path, path + ".away")
        assert_refused(prefix, path)
        os.rename(path + ".away", path)


def test_a_custom_layers_attributes_are_saved_and_restored(tmp_path):
    class Scaled(layers.Layer):
        def __init__(self):
            super().__init__()
            self.inner = layers.Dense(2)
            self.gain = tf.Variable([1.5, -0.5])

        def call(self, x):
            return self.inner(x) * self.gain

    layer = Scaled()
    layer(X)
    path = tf.train.Checkpoint(layer=layer).write(str(tmp_path / "w"))
    keys = dict(tf.train.list_variables(path))
    assert "layer/gain" in keys and "layer/inner/kernel" in keys, sorted(keys)
    fresh = Scaled()
    fresh(X)
    tf.train.Checkpoint(layer=fresh).read(path).assert_consumed()
    np.testing.assert_array_equal(fresh(X).numpy(), layer(X).numpy())


def test_slots_of_variables_outside_the_checkpoint_are_left_out(tmp_path):
    a, b = tf.Variable([1.0, 2.0]), tf.Variable([3.0])
    optimizer = tf.keras.optimizers.SGD(0.1, momentum=0.9)
    optimizer.apply_gradients([(tf.constant([1.0, 1.0]), a), (tf.constant([1.0]), b)])
    path = tf.train.Checkpoint(optimizer=optimizer, a=a).write(str(tmp_path / "w"))
    keys = dict(tf.train.list_variables(path))
    slots = sorted(k for k in keys if ".OPTIMIZER_SLOT" in k)
    assert slots == ["a/.OPTIMIZER_SLOT/optimizer/momentum"], sorted(keys)
    assert keys[slots[0]] == [2]


def test_a_tf_modules_attributes_are_saved_and_restored(tmp_path):
    class Block(tf.Module):
        def __init__(self, start):
            super().__init__()
            self.w = tf.Variable([start, start + 1.0])
            self.inner = tf.Module()
            self.inner.b = tf.Variable(start * 10.0)

    block = Block(1.0)
    path = tf.train.Checkpoint(block=block).write(str(tmp_path / "w"))
    keys = dict(tf.train.list_variables(path))
    assert "block/w" in keys and "block/inner/b" in keys, sorted(keys)
    fresh = Block(0.0)
    tf.train.Checkpoint(block=fresh).read(path).assert_consumed()
    np.testing.assert_array_equal(fresh.w.numpy(), [1.0, 2.0])
    assert float(fresh.inner.b) == 10.0
