"""Gradients of the shape, indexing and creation ops vs finite differences (task 4).

Each op is checked to second order: the op's output is squared first, so the
gradient depends on the input and the gradient of the gradient runs through
the op's gradient rule again (which is what makes the rules differentiable).
"""

import numpy as np
import pytest

import stage2_autodiff as tf
from stage2_autodiff.testing import check_gradients

pytestmark = pytest.mark.stage2_task4


def squared(fn):
    """``fn`` with each output squared (lists stay lists)."""
    def wrapped(*args):
        out = fn(*args)
        if isinstance(out, (list, tuple)):
            return [o * o for o in out]
        return out * out
    return wrapped


def check(fn, *args):
    check_gradients(squared(fn), list(args), order=2, rtol=1e-5, atol=1e-6)


SHAPE_CASES = [
    ("reshape", lambda x: tf.reshape(x, [3, -1]), (2, 3)),
    ("reshape_scalar", lambda x: tf.reshape(x, [1, 1]), ()),
    ("expand_dims", lambda x: tf.expand_dims(x, -1), (2, 3)),
    ("squeeze", lambda x: tf.squeeze(x, axis=[0]), (1, 3)),
    ("squeeze_all", tf.squeeze, (1, 2, 1)),
    ("identity", tf.identity, (3,)),
    ("transpose_default", tf.transpose, (2, 3, 4)),
    ("transpose_perm", lambda x: tf.transpose(x, [1, 2, 0]), (2, 3, 4)),
    ("reverse", lambda x: tf.reverse(x, [0, -1]), (2, 3)),
    ("broadcast_to", lambda x: tf.broadcast_to(x, [2, 3, 4]), (3, 1)),
    ("broadcast_to_scalar", lambda x: tf.broadcast_to(x, [2, 2]), ()),
    ("tile", lambda x: tf.tile(x, [2, 3]), (2, 2)),
    ("tile_3d", lambda x: tf.tile(x, [1, 2, 2]), (2, 1, 3)),
    ("slice", lambda x: tf.slice(x, [1, 0], [1, -1]), (3, 4)),
    ("pad", lambda x: tf.pad(x, [[1, 0], [2, 1]], constant_values=3.0), (2, 3)),
    ("pad_reflect", lambda x: tf.pad(x, [[2, 1], [1, 0]], mode="REFLECT"), (3, 2)),
    ("pad_reflect_1d", lambda x: tf.pad(x, [[3, 3]], mode="REFLECT"), (4,)),
    ("pad_symmetric", lambda x: tf.pad(x, [[2, 2], [0, 1]], mode="SYMMETRIC"), (2, 3)),
    ("pad_symmetric_1d", lambda x: tf.pad(x, [[1, 3]], mode="SYMMETRIC"), (3,)),
    ("split_equal", lambda x: tf.split(x, 2, axis=1), (2, 4)),
    ("split_sizes", lambda x: tf.split(x, [1, -1], axis=0), (3, 2)),
    ("unstack", lambda x: tf.unstack(x, axis=1), (2, 3)),
    ("fill", lambda v: tf.fill([2, 3], v), ()),
]


@pytest.mark.parametrize("name,fn,shape", SHAPE_CASES, ids=[c[0] for c in SHAPE_CASES])
def test_shape_op_gradients(rng, name, fn, shape):
    check(fn, rng.normal(size=shape))


@pytest.mark.parametrize("shapes,axis", [([(2, 3), (2, 1), (2, 2)], 1), ([(1, 2), (3, 2)], 0),
                                         ([(2, 2)], -1), ([(2, 0), (2, 2)], 1)])
def test_concat_gradient(rng, shapes, axis):
    check(lambda *xs: tf.concat(list(xs), axis), *[rng.normal(size=s) for s in shapes])


@pytest.mark.parametrize("shape,axis", [((3,), 0), ((2, 3), 1), ((2, 3), -1), ((), 0)])
def test_stack_gradient(rng, shape, axis):
    check(lambda a, b: tf.stack([a, b], axis=axis), rng.normal(size=shape), rng.normal(size=shape))


def test_unused_outputs_of_unstack_and_split_get_zero_gradients(rng):
    x = tf.constant(rng.normal(size=(3, 2)))
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        first = tf.unstack(x)[0]
        last = tf.split(x, [2, 1])[1]
    np.testing.assert_array_equal(tape.gradient(first, x).numpy(), [[1, 1], [0, 0], [0, 0]])
    np.testing.assert_array_equal(tape.gradient(last, x).numpy(), [[0, 0], [0, 0], [1, 1]])


# --- gather, gather_nd, scatter_nd, unsorted_segment_sum -----------------------------------
@pytest.mark.parametrize("pshape,indices,axis,batch_dims", [
    ((4,), [3, 0, 3], 0, 0), ((3, 2), [[0, 2], [2, 2]], 0, 0), ((2, 4), [1, 1, 3], 1, 0),
    ((2, 3, 4), [[0, 3], [1, 1]], -1, 0), ((3, 2), 1, 0, 0),
    ((2, 4), [[0, 0, 3], [1, 2, 2]], 1, 1), ((2, 3, 4), [[1, 1], [0, 3]], 2, 1),
    ((2, 3, 4, 2), [[[3], [0], [0]], [[1], [1], [2]]], 2, 2), ((2, 3, 4), [[0, 2], [1, 1]], 1, 1)])
def test_gather_gradient(rng, pshape, indices, axis, batch_dims):
    idx = np.asarray(indices, np.int32)
    check(lambda p: tf.gather(p, idx, axis=axis, batch_dims=batch_dims), rng.normal(size=pshape))


def test_gather_gradient_with_int64_indices(rng):
    idx = np.array([[2, 0], [2, 2]], np.int64)
    check(lambda p: tf.gather(p, idx, axis=1), rng.normal(size=(2, 3, 2)))


@pytest.mark.parametrize("pshape,indices", [((3, 2), [[0, 1], [2, 0], [0, 1]]),
                                            ((3, 2), [[2], [0], [2]]),
                                            ((2, 2, 2), [[[1, 1, 0]], [[0, 0, 1]]])])
def test_gather_nd_gradient(rng, pshape, indices):
    idx = np.asarray(indices, np.int32)
    check(lambda p: tf.gather_nd(p, idx), rng.normal(size=pshape))


def test_scatter_nd_and_unsorted_segment_sum_gradients(rng):
    idx = np.array([[1], [3], [1]], np.int32)
    check(lambda u: tf.scatter_nd(idx, u, [4, 2]), rng.normal(size=(3, 2)))
    ids = np.array([0, 2, 0, 1], np.int64)
    check(lambda d: tf.unsorted_segment_sum(d, ids, 3), rng.normal(size=(4, 2)))


# --- where, indexing, boolean_mask --------------------------------------------------
@pytest.mark.parametrize("cshape,xshape,yshape", [((3,), (3,), (3,)), ((2, 3), (3,), (2, 1)),
                                                  ((2, 1), (), (1, 4))])
def test_select_gradient_goes_to_the_chosen_branch(rng, cshape, xshape, yshape):
    c = rng.random(size=cshape) > 0.5
    check(lambda x, y: tf.where(c, x, y), rng.normal(size=xshape), rng.normal(size=yshape))


KEYS = [1, -1, (slice(None), 0), (slice(None, None, -2),), (Ellipsis, None, slice(1, 3)),
        ([0, 0, 2],), (slice(None), [1, 1]), ([1, 0], [2, 2]),
        (np.array([[True, False, True], [False, True, True], [True, True, False]]),)]


@pytest.mark.parametrize("key", KEYS, ids=repr)
def test_indexing_gradient(rng, key):
    check(lambda x: x[key], rng.normal(size=(3, 3)))


def test_boolean_mask_gradient(rng):
    mask = np.array([True, False, True, True])
    check(lambda x: tf.boolean_mask(x, mask), rng.normal(size=(4, 2)))
    check(lambda x: tf.boolean_mask(x, mask, axis=1), rng.normal(size=(2, 4)))


# --- ops without gradients ---------------------------------------------------------------
def test_integer_and_constant_results_have_no_gradient(rng):
    x = tf.constant(rng.normal(size=(2, 3)))
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        results = [tf.cast(tf.shape(x), tf.float64), tf.zeros_like(x), tf.ones_like(x),
                   tf.cast(tf.where(x > 0.0), tf.float64)]
    for r in results:
        assert tape.gradient(r, x) is None


@pytest.mark.parametrize("name", ["Shape", "Size", "Rank", "Where", "OneHot", "Zeros", "Ones",
                                  "ZerosLike", "OnesLike", "Eye", "Range", "LinSpace",
                                  "RandomStandardNormal", "RandomUniform", "RandomUniformInt",
                                  "TruncatedNormal", "RandomShuffle", "Multinomial"])
def test_declared_without_gradient(name):
    assert not tf.registry.is_differentiable(name)
    assert tf.registry.gradient_function(name) is None


def test_random_normal_is_differentiable_in_mean_and_stddev():
    mean, std = tf.constant(1.0), tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch([mean, std])
        x = tf.random.normal([1000], mean=mean, stddev=std, seed=1)
        total = tf.reduce_sum(x)
    d_mean, d_std = tape.gradient(total, [mean, std])
    assert float(d_mean) == 1000.0
    np.testing.assert_allclose(float(d_std), float(tf.reduce_sum((x - 1.0) / 2.0)), rtol=1e-4)
