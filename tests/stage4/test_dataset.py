"""Task 4: ``tf.data.Dataset``, a streaming input pipeline.

Sources, transformations, batching, shuffling under a seed, cardinality and its
errors, element specs, the prefetch thread (stopped at the end, when abandoned,
and after an error) and teaching errors, all through the public API.
"""

import gc
import threading
import time

import numpy as np
import pytest

import stage4_training as tf

pytestmark = pytest.mark.stage4_task4

Dataset = tf.data.Dataset


def values(ds):
    return [np.asarray(x).tolist() for x in ds.as_numpy_iterator()]


def prefetch_threads():
    return [t for t in threading.enumerate() if t.name.startswith("Dataset.prefetch")]


def wait_for_no_prefetch_threads():
    for _ in range(100):
        gc.collect()
        if not prefetch_threads():
            return True
        time.sleep(0.02)
    return False


# --- sources ----------------------------------------------------------------------
def test_from_tensor_slices_keeps_tuples_dicts_and_nesting():
    x = np.arange(6, dtype=np.float32).reshape(3, 2)
    ds = Dataset.from_tensor_slices((x, {"label": [0, 1, 2], "w": ([1.0, 2.0, 3.0],)}))
    elements = list(ds)
    assert len(elements) == 3
    first_x, first_rest = elements[0]
    assert isinstance(first_x, tf.Tensor) and first_x.shape == (2,)
    assert set(first_rest) == {"label", "w"} and isinstance(first_rest["w"], tuple)
    np.testing.assert_array_equal(elements[2][0].numpy(), x[2])
    assert int(elements[1][1]["label"]) == 1


def test_from_tensor_slices_refuses_different_lengths():
    with pytest.raises(ValueError, match="from_tensor_slices"):
        Dataset.from_tensor_slices((np.zeros(3), np.zeros(4)))


def test_from_tensors_is_one_element_and_range_has_tf_forms():
    assert len(Dataset.from_tensors([1, 2, 3])) == 1
    assert values(Dataset.range(4)) == [0, 1, 2, 3]
    assert values(Dataset.range(2, 8, 3)) == [2, 5]
    assert values(Dataset.range(5, 1, -2)) == [5, 3]
    assert Dataset.range(3).element_spec.dtype == tf.int64


def test_zip_and_concatenate():
    ds = Dataset.zip((Dataset.range(3), Dataset.range(10, 20)))
    assert values(ds.map(lambda a, b: a + b)) == [10, 12, 14]
    assert len(ds) == 3
    assert values(Dataset.range(2).concatenate(Dataset.range(5, 7))) == [0, 1, 5, 6]


def test_from_generator_with_a_signature():
    def gen():
        for i in range(3):
            yield i, [float(i)] * (i + 1)
    ds = Dataset.from_generator(gen, output_signature=(
        tf.TensorSpec(shape=(), dtype=tf.int32), tf.TensorSpec(shape=(None,), dtype=tf.float32)))
    got = [(int(a), b.numpy().tolist()) for a, b in ds]
    assert got == [(0, [0.0]), (1, [1.0, 1.0]), (2, [2.0, 2.0, 2.0])]
    assert ds.cardinality() == tf.data.UNKNOWN_CARDINALITY
    assert list(ds) and list(ds)           # a fresh generator per pass


# --- transformations ------------------------------------------------------------
def test_map_unpacks_tuples_and_passes_dicts():
    ds = Dataset.from_tensor_slices(([1, 2], [10, 20])).map(lambda x, y: x + y,
                                                           num_parallel_calls=tf.data.AUTOTUNE)
    assert values(ds) == [11, 22]
    ds = Dataset.from_tensor_slices({"a": [1, 2]}).map(lambda d: {"b": d["a"] * 3})
    assert [int(e["b"]) for e in ds] == [3, 6]


def test_filter_then_len_is_unknown():
    ds = Dataset.range(10).filter(lambda x: x % 3 == 0)
    assert values(ds) == [0, 3, 6, 9]
    assert ds.cardinality() == tf.data.UNKNOWN_CARDINALITY
    with pytest.raises(TypeError, match="unknown"):
        len(ds)


def test_batch_with_and_without_the_remainder():
    assert values(Dataset.range(7).batch(3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert values(Dataset.range(7).batch(3, drop_remainder=True)) == [[0, 1, 2], [3, 4, 5]]
    assert len(Dataset.range(7).batch(3)) == 3 and len(Dataset.range(7).batch(3, True)) == 2
    assert Dataset.range(7).batch(3).element_spec.shape.as_list() == [None]
    assert Dataset.range(7).batch(3, drop_remainder=True).element_spec.shape.as_list() == [3]


def test_batch_stacks_the_elements_of_a_map_or_a_generator():
    ds = Dataset.range(5).map(lambda x: (x, {"square": x * x}))
    batches = list(ds.batch(2))
    assert len(batches) == 3 and isinstance(batches[0], tuple)
    first, rest = batches[0]
    assert first.numpy().tolist() == [0, 1] and rest["square"].numpy().tolist() == [0, 1]
    last, rest = batches[2]                           # the remainder: one element
    assert last.shape == (1,) and last.numpy().tolist() == [4]
    assert rest["square"].numpy().tolist() == [16]
    made = Dataset.from_generator(lambda: iter([[1, 2], [3, 4], [5, 6]]),
                                  output_signature=tf.TensorSpec([2], tf.int32))
    assert values(made.batch(2)) == [[[1, 2], [3, 4]], [[5, 6]]]
    assert values(made.batch(1)) == [[[1, 2]], [[3, 4]], [[5, 6]]]


def test_batching_elements_of_different_shapes_is_refused():
    ds = Dataset.from_generator(lambda: iter([[1], [2, 2]]),
                                output_signature=tf.TensorSpec([None], tf.int32))
    with pytest.raises(tf.errors.InvalidArgumentError, match="(?i)different shapes"):
        list(ds.batch(2))


def test_padded_batch_and_unbatch():
    ds = Dataset.from_generator(lambda: iter([[1], [2, 2], [3, 3, 3]]),
                                output_signature=tf.TensorSpec([None], tf.int32))
    assert values(ds.padded_batch(2)) == [[[1, 0], [2, 2]], [[3, 3, 3]]]
    assert values(ds.padded_batch(3, padded_shapes=[4], padding_values=-1)) == [
        [[1, -1, -1, -1], [2, 2, -1, -1], [3, 3, 3, -1]]]
    assert values(Dataset.range(6).batch(4).unbatch()) == list(range(6))


def test_repeat_take_skip_enumerate():
    assert values(Dataset.range(3).repeat(2)) == [0, 1, 2, 0, 1, 2]
    assert values(Dataset.range(3).repeat().take(7)) == [0, 1, 2, 0, 1, 2, 0]
    assert values(Dataset.range(5).skip(2).take(2)) == [2, 3]
    assert [(int(i), int(x)) for i, x in Dataset.range(10, 12).enumerate()] == [(0, 10), (1, 11)]
    infinite = Dataset.range(3).repeat()
    assert infinite.cardinality() == tf.data.INFINITE_CARDINALITY
    with pytest.raises(TypeError, match="infinite"):
        len(infinite)
    assert len(infinite.take(5)) == 5


def test_cache_runs_the_pipeline_once():
    calls = []

    def record(x):
        calls.append(int(x))
        return x
    ds = Dataset.range(3).map(record).cache()
    assert values(ds) == values(ds) == [0, 1, 2]
    assert calls == [0, 1, 2]


# --- shuffling --------------------------------------------------------------------
def test_shuffle_is_a_permutation_reproducible_under_a_seed():
    a = values(Dataset.range(50).shuffle(20, seed=3))
    b = values(Dataset.range(50).shuffle(20, seed=3))
    assert a == b and sorted(a) == list(range(50)) and a != list(range(50))
    assert values(Dataset.range(50).shuffle(20, seed=4)) != a


def test_shuffle_reshuffles_each_iteration_unless_told_not_to():
    ds = Dataset.range(30).shuffle(30, seed=1)
    first, second = values(ds), values(ds)
    assert first != second and sorted(first) == sorted(second)
    fixed = Dataset.range(30).shuffle(30, seed=1, reshuffle_each_iteration=False)
    assert values(fixed) == values(fixed)


def test_shuffle_with_a_buffer_of_one_keeps_the_order_and_a_small_buffer_moves_little():
    assert values(Dataset.range(10).shuffle(1, seed=0)) == list(range(10))
    order = values(Dataset.range(100).shuffle(2, seed=0))
    # An element can only come out after the ones more than a buffer ahead were read.
    assert all(position >= element - 1 for position, element in enumerate(order))


def test_the_global_seed_makes_shuffles_reproducible():
    tf.random.set_seed(11)
    a = values(Dataset.range(20).shuffle(20))
    tf.random.set_seed(11)
    assert values(Dataset.range(20).shuffle(20)) == a


# --- iterators, specs, numpy ------------------------------------------------------
def test_iter_next_forms_and_stop_iteration():
    ds = Dataset.range(2)
    it = iter(ds)
    assert int(it.next()) == 0 and int(next(it)) == 1
    with pytest.raises(StopIteration):
        next(it)


def test_element_spec_and_as_numpy_iterator():
    ds = Dataset.from_tensor_slices((np.zeros((4, 3), np.float32), np.arange(4))).batch(2)
    spec = ds.element_spec
    assert spec[0].shape.as_list() == [None, 3] and spec[0].dtype == tf.float32
    assert spec[1].dtype == tf.int64
    arrays = list(ds.as_numpy_iterator())
    assert isinstance(arrays[0][0], np.ndarray) and arrays[0][0].shape == (2, 3)


# --- prefetch ---------------------------------------------------------------------
def test_prefetch_yields_the_same_elements_and_stops_its_thread():
    ds = Dataset.range(20).map(lambda x: x * 2).prefetch(3)
    assert values(ds) == [2 * i for i in range(20)]
    assert wait_for_no_prefetch_threads()


def test_prefetch_runs_ahead_on_another_thread():
    seen = []
    ds = Dataset.range(5).map(lambda x: seen.append(threading.current_thread().name) or x)
    it = iter(ds.prefetch(2))
    next(it)
    for _ in range(100):
        if len(seen) >= 3:
            break
        time.sleep(0.01)
    assert len(seen) >= 3 and set(seen) == {"Dataset.prefetch"}   # made ahead, elsewhere
    del it
    assert wait_for_no_prefetch_threads()


def test_an_abandoned_prefetch_stops_its_thread():
    it = iter(Dataset.range(10 ** 6).prefetch(4))
    next(it)
    assert prefetch_threads()
    del it
    assert wait_for_no_prefetch_threads()


def test_an_error_in_the_pipeline_reaches_the_caller_through_prefetch():
    def boom(x):
        if int(x) == 3:
            raise ValueError("element three is bad")
        return x
    with pytest.raises(ValueError, match="element three"):
        list(Dataset.range(10).map(boom).prefetch(2))
    assert wait_for_no_prefetch_threads()
    with pytest.raises(ValueError, match="element three"):
        list(Dataset.range(10).map(boom))


def test_prefetch_of_one_runs_ahead_too():
    seen = []
    ds = Dataset.range(5).map(lambda x: seen.append(threading.current_thread().name) or x)
    it = iter(ds.prefetch(1))
    assert int(next(it)) == 0
    for _ in range(100):
        if len(seen) >= 2:
            break
        time.sleep(0.01)
    assert len(seen) >= 2 and set(seen) == {"Dataset.prefetch"}   # one element ready ahead
    assert [int(x) for x in it] == [1, 2, 3, 4]
    assert wait_for_no_prefetch_threads()


def test_the_prefetch_thread_never_keeps_the_program_alive():
    # A script may stop reading half way and never close its iterator; Python
    # waits at exit for every thread that is not a daemon, so a producer that is
    # not one would hang the program there.
    it = iter(Dataset.range(10 ** 6).prefetch(2))
    assert int(next(it)) == 0
    daemons = [t.daemon for t in prefetch_threads()]
    del it                               # stopped before asserting: a failure must not hang
    assert wait_for_no_prefetch_threads()
    assert daemons and all(daemons)


# --- teaching errors --------------------------------------------------------------
@pytest.mark.parametrize("call,match", [
    (lambda: Dataset.range(3).batch(0), "batch"),
    (lambda: Dataset.range(3).batch("2"), "batch"),
    (lambda: Dataset.range(3).shuffle(0), "shuffle"),
    (lambda: Dataset.range(3).map(3), "map"),
    (lambda: Dataset.range(3).take(1.5), "take"),
    (lambda: Dataset.range(3).prefetch(-5), "prefetch"),
])
def test_bad_arguments_are_named(call, match):
    with pytest.raises((TypeError, ValueError), match=match):
        call()


def test_a_filter_predicate_must_give_a_scalar_bool():
    with pytest.raises((TypeError, ValueError), match="filter"):
        list(Dataset.from_tensor_slices([[1, 2], [3, 4]]).filter(lambda x: x > 1))
