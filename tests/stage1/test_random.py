"""Random ops: distributions, dtypes and TensorFlow's seed rules (task 6)."""

import numpy as np
import pytest

import stage1_tensors as tf
from stage1_tensors import dispatch, random
from tests.helpers import assert_teaches

pytestmark = pytest.mark.stage1_task6


@pytest.fixture(autouse=True)
def fresh_seed():
    tf.random.set_seed(1234)
    yield
    tf.random.set_seed(None)


def test_global_seed_makes_the_sequence_reproducible():
    first = [tf.random.normal([3]).numpy(), tf.random.uniform([2]).numpy()]
    tf.random.set_seed(1234)
    again = [tf.random.normal([3]).numpy(), tf.random.uniform([2]).numpy()]
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    # ...while consecutive calls differ.
    assert not np.array_equal(tf.random.normal([3]).numpy(), first[0])


def test_different_global_seeds_differ():
    a = tf.random.normal([5]).numpy()
    tf.random.set_seed(99)
    assert not np.array_equal(a, tf.random.normal([5]).numpy())


def test_op_seed_is_independent_of_other_random_calls():
    a = tf.random.uniform([4], seed=7).numpy()
    tf.random.set_seed(1234)
    tf.random.normal([10])                      # an unrelated draw in between
    tf.random.uniform([3], seed=8)
    np.testing.assert_array_equal(tf.random.uniform([4], seed=7).numpy(), a)


def test_op_seed_without_global_seed_is_deterministic():
    tf.random.set_seed(None)
    a = tf.random.normal([3], seed=5).numpy()
    tf.random.set_seed(None)
    np.testing.assert_array_equal(tf.random.normal([3], seed=5).numpy(), a)
    assert random.get_seed(5) == (random.DEFAULT_GLOBAL_SEED, 5)


def test_no_seed_at_all_gives_fresh_numbers():
    tf.random.set_seed(None)
    a = tf.random.normal([8]).numpy()
    tf.random.set_seed(None)
    assert not np.array_equal(a, tf.random.normal([8]).numpy())


@pytest.mark.parametrize("dtype", [tf.float16, tf.float32, tf.float64])
def test_normal_statistics_and_dtype(dtype):
    x = tf.random.normal([20000], mean=3.0, stddev=2.0, dtype=dtype)
    assert x.dtype == dtype and x.shape == (20000,)
    values = x.numpy().astype(np.float64)
    assert abs(values.mean() - 3.0) < 0.1 and abs(values.std() - 2.0) < 0.1


def test_truncated_normal_stays_within_two_stddevs():
    x = tf.random.truncated_normal([5000], mean=1.0, stddev=0.5).numpy()
    assert x.dtype == np.float32
    assert np.all(np.abs(x - 1.0) <= 1.0 + 1e-6)
    assert abs(x.std() - 0.5 * 0.88) < 0.03      # the truncated normal's std is 0.88 sigma


@pytest.mark.parametrize("dtype", [tf.float16, tf.float32, tf.float64])
def test_uniform_floats(dtype):
    x = tf.random.uniform([10000], minval=-2.0, maxval=3.0, dtype=dtype)
    values = x.numpy()
    assert x.dtype == dtype
    assert values.min() >= -2.0 and values.max() <= 3.0
    assert abs(values.astype(np.float64).mean() - 0.5) < 0.1
    unit = tf.random.uniform([1000]).numpy()
    assert unit.dtype == np.float32 and unit.min() >= 0 and unit.max() < 1


@pytest.mark.parametrize("dtype", [tf.int32, tf.int64])
def test_uniform_integers(dtype):
    x = tf.random.uniform([2000], minval=-3, maxval=4, dtype=dtype)
    assert x.dtype == dtype
    assert set(x.numpy().tolist()) == set(range(-3, 4))


def test_shapes_may_be_tensors_and_empty():
    assert tf.random.normal(tf.constant([2, 3])).shape == (2, 3)
    assert tf.random.uniform([0, 4]).shape == (0, 4)
    assert tf.random.normal([]).shape == ()


def test_shuffle_permutes_the_first_axis(on):
    x = on(np.arange(12).reshape(6, 2))
    y = tf.random.shuffle(x).numpy()
    assert sorted(y[:, 0].tolist()) == [0, 2, 4, 6, 8, 10]
    np.testing.assert_array_equal(y[:, 1], y[:, 0] + 1)
    assert tf.random.shuffle(tf.constant(3)).numpy() == 3


def test_categorical_follows_the_softmax():
    logits = tf.constant([[0.0, np.log(3.0)], [-1e9, 0.0]])
    samples = tf.random.categorical(logits, 4000)
    assert samples.dtype == tf.int64 and samples.shape == (2, 4000)
    values = samples.numpy()
    assert abs(values[0].mean() - 0.75) < 0.03
    assert values[1].min() == 1
    assert tf.random.categorical(logits, 2, dtype=tf.int32).dtype == tf.int32


def test_random_ops_run_through_the_dispatcher_with_attrs():
    seen = []
    with dispatch.observing(lambda op, inputs, attrs, outputs: seen.append((op.name, attrs))):
        tf.random.normal([2], seed=3)
        tf.random.uniform([2], maxval=5, dtype=tf.int32)
    assert [name for name, _ in seen] == ["RandomStandardNormal", "RandomUniformInt"]
    assert seen[0][1] == {"shape": (2,), "dtype": "float32", "seed": 3}
    for _, attrs in seen:
        hash(tuple(attrs.items()))


def test_raw_array_helpers_share_the_seeded_generators():
    a = random.uniform_array(np, (3,), "float32", seed=11)
    b = random.normal_array(np, (2, 2), "float64")
    assert a.dtype == np.float32 and a.shape == (3,) and b.dtype == np.float64
    tf.random.set_seed(1234)
    np.testing.assert_array_equal(random.uniform_array(np, (3,), "float32", seed=11), a)


def test_tf1_aliases():
    tf.set_random_seed(5)
    a = tf.random_normal([3]).numpy()
    tf.random.set_seed(5)
    np.testing.assert_array_equal(tf.random.normal([3]).numpy(), a)
    assert tf.random_uniform([2], maxval=3, dtype=tf.int64).dtype == tf.int64


BAD_CALLS = [
    ("normal_int_dtype", lambda: tf.random.normal([2], dtype=tf.int32),
     ["random.normal", "floating", "int32"]),
    ("uniform_int_needs_maxval", lambda: tf.random.uniform([2], dtype=tf.int32),
     ["random.uniform", "maxval"]),
    ("uniform_empty_range", lambda: tf.random.uniform([2], 3, 3, dtype=tf.int64),
     ["random.uniform", "minval < maxval"]),
    ("uniform_bad_int_dtype", lambda: tf.random.uniform([2], 0, 3, dtype=tf.uint8),
     ["random.uniform", "uint8"]),
    ("negative_shape", lambda: tf.random.normal([-1]), ["random.normal", "negative"]),
    ("seed_not_int", lambda: tf.random.normal([1], seed=1.5), ["random.normal", "seed"]),
    ("categorical_rank", lambda: tf.random.categorical([0.0, 1.0], 2),
     ["random.categorical", "2-D"]),
    ("categorical_int_logits", lambda: tf.random.categorical([[0, 1]], 2),
     ["random.categorical", "int32"]),
    ("set_seed_not_int", lambda: tf.random.set_seed("x"), ["set_seed", "int"]),
    ("normal_mean_shape", lambda: tf.random.normal([2, 3], mean=[1.0, 2.0]),
     ["random.normal: add", "(2, 3)", "(2,)"]),
    ("uniform_minval_object", lambda: tf.random.uniform([2], minval=None),
     ["random.uniform", "minval", "number or a tensor"]),
    ("categorical_ragged", lambda: tf.random.categorical([[1.0], [1.0, 2.0]], 1),
     ["random.categorical", "cannot convert"]),
    ("uniform_array_shape", lambda: tf.random.uniform_array(np, [-1, 2]),
     ["random.uniform_array", "negative"]),
    ("normal_array_seed", lambda: tf.random.normal_array(np, [2], seed=1.5),
     ["random.normal_array", "seed"]),
    ("uniform_dtype", lambda: tf.random.uniform([2], dtype="foo"),
     ["random.uniform", "dtype must be a dtype", "'foo'"]),
]


@pytest.mark.parametrize("name,call,words", BAD_CALLS, ids=[c[0] for c in BAD_CALLS])
def test_bad_calls_raise_teaching_errors(name, call, words):
    assert_teaches(call, words)


def test_generators_serve_each_array_module(backend, on):
    xp = backend.xp
    u = random.uniform_array(xp, (3, 2), "float16", seed=2)
    z = random.normal_array(xp, (4,), "float64")
    assert isinstance(u, xp.ndarray) and u.dtype == np.float16 and u.shape == (3, 2)
    assert isinstance(z, xp.ndarray) and z.dtype == np.float64
    tf.random.set_seed(1234)
    np.testing.assert_array_equal(tf.constant(random.uniform_array(xp, (3, 2), "float16",
                                                                   seed=2)).numpy(),
                                  tf.constant(u).numpy())
    shuffled = tf.random.shuffle(on(np.arange(5)))
    assert shuffled.device == on(np.arange(1)).device
    assert sorted(shuffled.numpy().tolist()) == [0, 1, 2, 3, 4]
    samples = tf.random.categorical(on(np.zeros((2, 3), np.float32)), 5)
    assert samples.device == shuffled.device and samples.shape == (2, 5)


# --- tests the mutation run asked for (each kills mutants that lived) ---------------

def test_categorical_follows_the_softmax_of_three_classes():
    # (with two classes a wrong sign of the Gumbel noise gives the same odds)
    p = np.array([0.1, 0.2, 0.7])
    samples = tf.random.categorical(tf.constant([np.log(p)]), 20000).numpy()
    frequencies = np.bincount(samples[0], minlength=3) / samples.size
    np.testing.assert_allclose(frequencies, p, atol=0.015)
