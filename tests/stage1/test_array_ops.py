"""Shape ops against NumPy, and the errors they raise for bad shapes and axes (task 5)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import stage1_tensors as tf
from tests.helpers import assert_teaches

pytestmark = pytest.mark.stage1_task5


def check(got, expected, dtype=None):
    expected = np.asarray(expected)
    assert isinstance(got, tf.Tensor)
    assert got.shape == expected.shape
    assert got.dtype == (dtype or expected.dtype)
    np.testing.assert_array_equal(got.numpy(), expected)


# --- reshape, transpose, expand_dims, squeeze ----------------------------------------
@pytest.mark.parametrize("shape,new", [((6,), (2, 3)), ((2, 3), (-1,)), ((2, 3, 4), (4, -1)),
                                       ((), (1, 1)), ((0, 3), (3, 0)), ((0, 3), (-1, 3))])
def test_reshape(on, rng, shape, new):
    x = rng.normal(size=shape).astype(np.float32)
    check(tf.reshape(on(x), new), x.reshape(new))
    check(tf.reshape(on(x), tf.constant(list(new), dtype=tf.int32)), x.reshape(new))


@pytest.mark.parametrize("shape,perm", [((2, 3), None), ((2, 3, 4), (1, 0, 2)),
                                        ((2, 3, 4), [2, 0, 1]), ((), None), ((0, 2), (1, 0)),
                                        ((5,), [0])])
def test_transpose(on, rng, shape, perm):
    x = rng.integers(0, 9, size=shape).astype(np.int32)
    check(tf.transpose(on(x), perm=perm), np.transpose(x, perm))


@pytest.mark.parametrize("shape,axis", [((), 0), ((), -1), ((2, 3), 0), ((2, 3), 2),
                                        ((2, 3), -1), ((2, 3), -3), ((0,), 1)])
def test_expand_dims(on, rng, shape, axis):
    x = rng.normal(size=shape)
    check(tf.expand_dims(on(x), axis), np.expand_dims(x, axis))


@pytest.mark.parametrize("shape,axis", [((1, 2, 1, 3), None), ((1, 2, 1, 3), [0]),
                                        ((1, 2, 1, 3), [-2, 0]), ((1,), None), ((), None),
                                        ((1, 0), 0), ((1, 1), -1)])
def test_squeeze(on, rng, shape, axis):
    x = rng.normal(size=shape).astype(np.float32)
    expected = np.squeeze(x, axis=None if axis is None else tuple(np.atleast_1d(axis)))
    check(tf.squeeze(on(x), axis=axis), expected)


# --- joining and splitting -------------------------------------------------------
@pytest.mark.parametrize("shapes,axis", [([(2, 3), (4, 3)], 0), ([(2, 3), (2, 1), (2, 0)], 1),
                                         ([(2, 3), (2, 2)], -1), ([(3,)], 0),
                                         ([(0, 2), (1, 2)], 0), ([(1, 2, 3)] * 3, -2)])
def test_concat(on, rng, shapes, axis):
    xs = [rng.normal(size=s).astype(np.float32) for s in shapes]
    check(tf.concat([on(x) for x in xs], axis), np.concatenate(xs, axis))


def test_concat_of_one_tensor_is_that_tensor():
    check(tf.concat(tf.constant([[1, 2]]), 0), np.array([[1, 2]], np.int32))


def test_concat_converts_python_lists_and_mixed_values():
    check(tf.concat([[1, 2], tf.constant([3])], 0), np.array([1, 2, 3], np.int32))
    check(tf.concat([tf.constant([1.0]), [2]], axis=0), np.array([1, 2], np.float32))


@pytest.mark.parametrize("shape,n,axis", [((3,), 2, 0), ((2, 3), 4, 1), ((2, 3), 2, -1),
                                          ((2, 3), 3, -3), ((), 3, 0), ((0, 2), 2, 1)])
def test_stack_and_unstack_are_inverse(on, rng, shape, n, axis):
    xs = [rng.normal(size=shape) for _ in range(n)]
    stacked = tf.stack([on(x) for x in xs], axis=axis)
    check(stacked, np.stack(xs, axis))
    parts = tf.unstack(stacked, axis=axis)
    assert isinstance(parts, list) and len(parts) == n
    for part, x in zip(parts, xs):
        check(part, x)
    assert len(tf.unstack(stacked, num=n, axis=axis)) == n


def test_unstack_of_an_empty_axis_is_an_empty_list():
    assert tf.unstack(tf.zeros([0, 3])) == []


@pytest.mark.parametrize("shape,splits,axis", [((6,), 3, 0), ((2, 6), 2, 1), ((2, 6), [1, 5], -1),
                                               ((4, 2), [1, -1, 1], 0), ((4,), [4], 0),
                                               ((3, 2), [0, 3], 0), ((4,), 1, 0)])
def test_split(on, rng, shape, splits, axis):
    x = rng.normal(size=shape).astype(np.float32)
    got = tf.split(on(x), splits, axis=axis)
    if isinstance(splits, int):
        expected = np.split(x, splits, axis)
    else:
        sizes = list(splits)
        if -1 in sizes:
            sizes[sizes.index(-1)] = x.shape[axis] - sum(s for s in sizes if s != -1)
        expected = np.split(x, np.cumsum(sizes)[:-1], axis)
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        check(g, e)


@pytest.mark.stage1_task6
def test_split_accepts_a_scalar_tensor_count():
    assert len(tf.split(tf.range(6), tf.constant(3))) == 3


@pytest.mark.parametrize("shape,multiples", [((2, 3), [1, 2]), ((2,), [3]), ((), []),
                                             ((2, 1, 3), [2, 3, 1]), ((2, 3), [0, 1]),
                                             ((0, 2), [3, 2])])
def test_tile(on, rng, shape, multiples):
    x = rng.integers(0, 9, size=shape).astype(np.int64)
    check(tf.tile(on(x), multiples), np.tile(x, multiples) if multiples else x)


@pytest.mark.parametrize("shape,target", [((3,), (2, 3)), ((2, 1), (2, 4)), ((), (2, 2)),
                                          ((1, 3), (0, 3)), ((2, 3), (2, 3)),
                                          ((1,), (4, 1, 5, 1))])
def test_broadcast_to(on, rng, shape, target):
    x = rng.normal(size=shape).astype(np.float32)
    check(tf.broadcast_to(on(x), target), np.broadcast_to(x, target))


# --- gathering and scattering ----------------------------------------------------------
@pytest.mark.parametrize("shape,indices,axis", [
    ((5,), [4, 0, 0], 0), ((3, 4), [[0, 2], [1, 1]], 1), ((3, 4), 2, 0), ((3, 4), [2], -1),
    ((2, 3, 4), [[3, 0, 1]], -1), ((3, 4), np.zeros((0,), np.int32), 0),
    ((3, 4), np.array([1, 2], np.int64), 0)])
def test_gather(on, rng, shape, indices, axis):
    x = rng.normal(size=shape).astype(np.float32)
    idx = indices if isinstance(indices, np.ndarray) else np.asarray(indices, np.int32)
    check(tf.gather(on(x), on(idx), axis=axis), np.take(x, idx, axis=axis))


@pytest.mark.parametrize("pshape,ishape,axis,batch_dims", [
    ((2, 5), (2, 3), 1, 1), ((2, 3, 5), (2, 4), 2, 1), ((2, 3, 5, 2), (2, 3, 4), 2, 2),
    ((2, 3, 5), (2, 3), 1, 1), ((2, 5), (2, 3), -1, -1)])
def test_gather_with_batch_dims(rng, pshape, ishape, axis, batch_dims):
    params = rng.normal(size=pshape)
    norm_axis = axis % len(pshape)
    indices = rng.integers(0, pshape[norm_axis], size=ishape).astype(np.int32)
    bd = batch_dims % len(ishape)
    # Reference: one np.take per batch entry.
    batch = pshape[:bd]
    flat_p = params.reshape((-1,) + pshape[bd:])
    flat_i = indices.reshape((-1,) + ishape[bd:])
    parts = [np.take(p, i, axis=norm_axis - bd) for p, i in zip(flat_p, flat_i)]
    expected = np.stack(parts).reshape(batch + parts[0].shape)
    check(tf.gather(params, indices, axis=axis, batch_dims=batch_dims), expected)


@pytest.mark.parametrize("pshape,indices", [((2, 3), [[1, 2], [0, 0]]), ((2, 3), [[1]]),
                                            ((2, 3, 4), [[[0, 1]], [[1, 2]]]),
                                            ((4,), [[3], [0]]), ((2, 3), np.zeros((0, 2)))])
def test_gather_nd(on, rng, pshape, indices):
    params = rng.normal(size=pshape).astype(np.float32)
    idx = np.asarray(indices).astype(np.int32)
    expected = params[tuple(np.moveaxis(idx, -1, 0))]
    check(tf.gather_nd(on(params), on(idx)), expected)


def test_scatter_nd_adds_repeated_indices_and_undoes_gather_nd():
    got = tf.scatter_nd([[0, 1], [2, 2], [0, 1]], [1.0, 2.0, 3.0], [3, 3])
    expected = np.zeros((3, 3), np.float32)
    expected[0, 1], expected[2, 2] = 4.0, 2.0
    check(got, expected)
    rows = tf.scatter_nd([[1]], [[5, 6]], [3, 2])
    check(rows, np.array([[0, 0], [5, 6], [0, 0]], np.int32))


def test_unsorted_segment_sum(on, rng):
    data = rng.normal(size=(6, 2)).astype(np.float32)
    ids = np.array([0, 3, 0, 1, 3, 3], np.int64)
    expected = np.zeros((4, 2), np.float32)
    np.add.at(expected, ids, data)
    got = tf.unsorted_segment_sum(on(data), on(ids), 4)
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-6)


@pytest.mark.parametrize("indices,depth,axis", [([0, 2, 1], 3, -1), ([[0, 1], [1, 0]], 2, 0),
                                                ([[0, 1], [1, 5]], 3, 1), (2, 4, -1),
                                                ([-1, 1], 2, -1), ([], 3, -1)])
def test_one_hot(indices, depth, axis):
    idx = np.asarray(indices, dtype=np.int32)
    table = np.eye(depth, dtype=np.float32)
    expected = np.where(((idx >= 0) & (idx < depth))[..., None], table[np.clip(idx, 0, max(depth - 1, 0))], 0)
    expected = np.moveaxis(expected, -1, axis).astype(np.float32)
    check(tf.one_hot(idx, depth, axis=axis), expected)


def test_one_hot_values_and_dtypes():
    check(tf.one_hot([1, 0], 2, on_value=5, off_value=-1), np.array([[-1, 5], [5, -1]], np.int32))
    check(tf.one_hot([1], 2, dtype=tf.int64), np.array([[0, 1]], np.int64))
    check(tf.one_hot([1], 2, on_value=tf.constant(2.0, tf.float64)),
          np.array([[0, 2]], np.float64))


def test_identity_keeps_values_but_is_a_new_tensor(on):
    x = on(np.array([1.0, 2.0], np.float32))
    y = tf.identity(x)
    assert y is not x
    check(y, np.array([1.0, 2.0], np.float32))


# --- pad ------------------------------------------------------------------------
@pytest.mark.parametrize("shape,paddings", [((2, 3), [[1, 0], [2, 2]]), ((3,), [[0, 0]]),
                                            ((), []), ((2, 2, 2), [[1, 1], [0, 1], [1, 0]]),
                                            ((0, 2), [[1, 1], [0, 0]])])
@pytest.mark.parametrize("mode", ["CONSTANT", "REFLECT", "SYMMETRIC", "constant"])
def test_pad(on, rng, shape, paddings, mode):
    x = rng.integers(-5, 5, size=shape).astype(np.int32)
    if mode.upper() != "CONSTANT" and 0 in shape:
        pytest.skip("mirroring needs non-empty axes")
    np_pad = np.asarray(paddings, dtype=int).reshape(len(shape), 2)
    got = tf.pad(on(x), paddings, mode=mode)
    check(got, np.pad(x, np_pad, mode=mode.lower()) if shape else x)


def test_pad_constant_values(on):
    x = np.ones((1, 2), np.float32)
    check(tf.pad(on(x), [[1, 0], [0, 1]], constant_values=7.5),
          np.pad(x, [[1, 0], [0, 1]], constant_values=7.5))
    check(tf.pad(tf.constant([1, 2]), tf.constant([[1, 1]]), constant_values=tf.constant(9)),
          np.array([9, 1, 2, 9], np.int32))


# --- shape, size, rank, where, reverse, slice, boolean_mask ------------------------
@pytest.mark.parametrize("shape", [(), (0,), (2, 3), (1, 0, 4)])
def test_shape_size_rank(on, shape):
    x = on(np.zeros(shape, np.float32))
    check(tf.shape(x), np.array(shape, np.int32))
    check(tf.shape(x, out_type=tf.int64), np.array(shape, np.int64))
    check(tf.size(x), np.array(int(np.prod(shape)), np.int32))
    check(tf.rank(x), np.array(len(shape), np.int32))


@pytest.mark.parametrize("shape", [(), (5,), (2, 3), (0, 2), (2, 2, 2)])
def test_where_with_one_argument_gives_int64_coordinates(on, rng, shape):
    c = rng.random(size=shape) > 0.5
    check(tf.where(on(c)), np.argwhere(c).astype(np.int64))
    numbers = rng.integers(0, 2, size=shape).astype(np.float32)
    check(tf.where(on(numbers)), np.argwhere(numbers))


@pytest.mark.parametrize("cshape,xshape,yshape", [((3,), (3,), (3,)), ((2, 1), (1, 3), ()),
                                                  ((), (2,), (2,)), ((2, 3), (3,), (2, 1)),
                                                  ((0,), (0,), ())])
def test_where_selects_with_broadcasting(on, rng, cshape, xshape, yshape):
    c = rng.random(size=cshape) > 0.5
    x = rng.normal(size=xshape).astype(np.float32)
    y = rng.normal(size=yshape).astype(np.float32)
    check(tf.where(on(c), on(x), on(y)), np.where(c, x, y))


def test_where_with_a_python_scalar_branch():
    check(tf.where([True, False], tf.constant([1.0, 2.0]), 0.0), np.array([1, 0], np.float32))


@pytest.mark.parametrize("shape,axis", [((3,), [0]), ((2, 3), [1]), ((2, 3), [0, -1]),
                                        ((2, 3, 4), [-2]), ((2, 3), [])])
def test_reverse(on, rng, shape, axis):
    x = rng.normal(size=shape)
    check(tf.reverse(on(x), axis), np.flip(x, tuple(axis)) if axis else x)


@pytest.mark.parametrize("shape,begin,size", [((4,), [1], [2]), ((3, 4), [1, 0], [-1, 2]),
                                              ((3, 4), [0, 0], [3, 4]), ((3, 4), [3, 4], [0, 0]),
                                              ((2, 3, 4), [1, 1, 1], [1, -1, 3])])
def test_slice(on, rng, shape, begin, size):
    x = rng.normal(size=shape).astype(np.float32)
    key = tuple(slice(b, None if s == -1 else b + s) for b, s in zip(begin, size))
    check(tf.slice(on(x), begin, size), x[key])


@pytest.mark.parametrize("shape,mshape,axis", [((4,), (4,), None), ((3, 2), (3,), 0),
                                               ((3, 2), (3, 2), None), ((2, 3, 2), (3,), 1),
                                               ((2, 3, 2), (3, 2), -2)])
def test_boolean_mask(rng, shape, mshape, axis):
    x = rng.normal(size=shape).astype(np.float32)
    mask = rng.random(size=mshape) > 0.4
    a = 0 if axis is None else axis % len(shape)
    expected = x[(slice(None),) * a + (mask,)]
    check(tf.boolean_mask(x, mask, axis=axis), expected)


# --- property: concat/split and stack/unstack round trips ---------------------------------
@settings(derandomize=True, max_examples=25, deadline=None)
@given(hnp.arrays(np.float32, hnp.array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=4),
                  elements=st.floats(-10, 10, width=32)), st.data())
def test_split_then_concat_is_identity(x, data):
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1))
    cut = data.draw(st.integers(0, x.shape[axis]))
    parts = tf.split(x, [cut, x.shape[axis] - cut], axis=axis)
    np.testing.assert_array_equal(tf.concat(parts, axis).numpy(), x)
    perm = data.draw(st.permutations(range(x.ndim)))
    np.testing.assert_array_equal(tf.transpose(x, perm).numpy(), np.transpose(x, perm))


# --- errors that teach ---------------------------------------------------------------
BAD_CALLS = [
    ("reshape", lambda: tf.reshape(tf.zeros([2, 3]), [4, 2]), ["reshape", "(2, 3)", "6"]),
    ("reshape_two_unknowns", lambda: tf.reshape(tf.zeros([4]), [-1, -1]), ["reshape"]),
    ("transpose_perm", lambda: tf.transpose(tf.zeros([2, 3]), [0, 0]),
     ["transpose", "perm", "(2, 3)"]),
    ("transpose_short_perm", lambda: tf.transpose(tf.zeros([2, 3]), [0]), ["transpose"]),
    ("expand_dims_axis", lambda: tf.expand_dims(tf.zeros([2]), 3), ["expand_dims", "axis 3", "-2..1"]),
    ("squeeze_not_one", lambda: tf.squeeze(tf.zeros([2, 3]), axis=1), ["squeeze", "size is 3"]),
    ("squeeze_axis", lambda: tf.squeeze(tf.zeros([1]), axis=2), ["squeeze", "axis 2"]),
    ("concat_shapes", lambda: tf.concat([tf.zeros([2, 3]), tf.zeros([2, 4])], 0),
     ["concat", "(2, 3)", "(2, 4)", "axis 0"]),
    ("concat_ranks", lambda: tf.concat([tf.zeros([2, 3]), tf.zeros([3])], 0), ["concat"]),
    ("concat_axis", lambda: tf.concat([tf.zeros([2])], 1), ["concat", "axis 1"]),
    ("concat_scalars", lambda: tf.concat([1.0, 2.0], 0), ["concat", "stack"]),
    ("concat_empty", lambda: tf.concat([], 0), ["concat", "non-empty"]),
    ("concat_dtypes", lambda: tf.concat([tf.zeros([1]), tf.constant([1])], 0),
     ["concat", "float32", "int32"]),
    ("concat_not_a_list", lambda: tf.concat(5, 0), ["concat", "list"]),
    ("stack_shapes", lambda: tf.stack([tf.zeros([2]), tf.zeros([3])]), ["stack", "(2,)", "(3,)"]),
    ("stack_axis", lambda: tf.stack([tf.zeros([2])], axis=3), ["stack", "axis 3"]),
    ("unstack_scalar", lambda: tf.unstack(tf.constant(1.0)), ["unstack", "scalar"]),
    ("unstack_num", lambda: tf.unstack(tf.zeros([3]), num=2), ["unstack", "num=2"]),
    ("split_uneven", lambda: tf.split(tf.zeros([5]), 2), ["split", "size 5", "2 equal"]),
    ("split_sizes", lambda: tf.split(tf.zeros([5]), [2, 2]), ["split", "[2, 2]", "5"]),
    ("split_axis", lambda: tf.split(tf.zeros([4]), 2, axis=1), ["split", "axis 1"]),
    ("tile_len", lambda: tf.tile(tf.zeros([2, 3]), [2]), ["tile", "[2]", "(2, 3)"]),
    ("tile_negative", lambda: tf.tile(tf.zeros([2]), [-1]), ["tile"]),
    ("broadcast_to", lambda: tf.broadcast_to(tf.zeros([3]), [2, 4]),
     ["broadcast_to", "(3,)", "(2, 4)"]),
    ("gather_index", lambda: tf.gather([1, 2, 3], [0, 7]), ["gather", "indices[1] = 7", "[0, 3)"]),
    ("gather_negative", lambda: tf.gather([1, 2, 3], [-1]), ["gather", "-1", "[0, 3)"]),
    ("gather_axis", lambda: tf.gather(tf.zeros([2, 3]), [0], axis=2), ["gather", "axis 2"]),
    ("gather_float_indices", lambda: tf.gather([1, 2], [0.0]), ["gather", "indices", "float32"]),
    ("gather_batch_dims", lambda: tf.gather(tf.zeros([2, 3]), tf.zeros([3, 1], tf.int32),
                                            axis=1, batch_dims=1), ["gather", "batch_dims=1"]),
    ("gather_nd_depth", lambda: tf.gather_nd(tf.zeros([2, 3]), [[0, 0, 0]]), ["gather_nd", "rank"]),
    ("gather_nd_range", lambda: tf.gather_nd(tf.zeros([2, 3]), [[0, 3]]),
     ["gather_nd", "3", "[0, 3)"]),
    ("scatter_nd_shape", lambda: tf.scatter_nd([[0]], [1.0, 2.0], [3]), ["scatter_nd", "updates"]),
    ("segment_range", lambda: tf.unsorted_segment_sum([1, 2], [0, 5], 2),
     ["unsorted_segment_sum", "5", "[0, 2)"]),
    ("one_hot_axis", lambda: tf.one_hot([0, 1], 2, axis=3), ["one_hot", "axis 3"]),
    ("one_hot_float_indices", lambda: tf.one_hot([0.0], 2), ["one_hot", "float32"]),
    ("pad_pairs", lambda: tf.pad(tf.zeros([2, 3]), [[1, 1]]), ["pad", "(2, 3)"]),
    ("pad_negative", lambda: tf.pad(tf.zeros([2]), [[-1, 0]]), ["pad", "non-negative"]),
    ("pad_odd", lambda: tf.pad(tf.zeros([2]), [1, 2, 3]), ["pad", "[rank, 2]"]),
    ("pad_mode", lambda: tf.pad(tf.zeros([2]), [[1, 1]], mode="WRAP"), ["pad", "REFLECT"]),
    ("pad_reflect_too_far", lambda: tf.pad(tf.zeros([2]), [[2, 0]], mode="REFLECT"),
     ["pad", "REFLECT", "at most 1"]),
    ("pad_constant_dtype", lambda: tf.pad(tf.constant([1]), [[1, 0]], constant_values=0.5),
     ["pad", "int32"]),
    ("where_one_branch", lambda: tf.where([True], x=[1.0]), ["where", "both"]),
    ("where_cond_dtype", lambda: tf.where([1, 0], [1.0, 2.0], [3.0, 4.0]), ["where", "condition"]),
    ("where_broadcast", lambda: tf.where([True, False], [1.0, 2.0, 3.0], 0.0), ["where", "broadcast"]),
    ("reverse_axis", lambda: tf.reverse(tf.zeros([2]), [1]), ["reverse", "axis 1"]),
    ("reverse_twice", lambda: tf.reverse(tf.zeros([2, 2]), [0, -2]), ["reverse", "twice"]),
    ("slice_out", lambda: tf.slice(tf.zeros([3]), [2], [2]), ["slice", "begin 2", "size 3"]),
    ("slice_rank", lambda: tf.slice(tf.zeros([3]), [0, 0], [1, 1]), ["slice", "(3,)"]),
    ("boolean_mask_shape", lambda: tf.boolean_mask(tf.zeros([3]), [True, False]),
     ["boolean_mask", "(2,)", "(3,)"]),
    ("boolean_mask_dtype", lambda: tf.boolean_mask(tf.zeros([2]), [1, 0]), ["boolean_mask", "bool"]),
    ("shape_not_ints", lambda: tf.reshape(tf.zeros([2]), ["a", 2]), ["reshape", "list of ints"]),
    ("axis_not_int", lambda: tf.expand_dims(tf.zeros([2]), 0.5), ["expand_dims", "axis", "int"]),
    ("shape_out_type", lambda: tf.shape(tf.zeros([2]), out_type=tf.float32), ["shape", "int32"]),
    ("concat_dict", lambda: tf.concat({"a": 1}, 0), ["concat", "list of tensors", "{'a': 1}"]),
    ("stack_set", lambda: tf.stack({1, 2}), ["stack", "list of tensors"]),
    ("boolean_mask_none", lambda: tf.boolean_mask(None, [True]),
     ["boolean_mask", "cannot convert None"]),
    ("one_hot_nan_into_ints", lambda: tf.one_hot([0], 2, on_value=float("nan"), dtype=tf.int32),
     ["one_hot", "on_value=nan", "int32"]),
    ("one_hot_complex_on_value", lambda: tf.one_hot([0], 2, on_value=1j, dtype=tf.float32),
     ["one_hot", "on_value=1j", "float32"]),
    ("one_hot_dtype", lambda: tf.one_hot([0], 2, dtype="complex32"),
     ["one_hot", "dtype must be a dtype", "'complex32'", "float32"]),
    ("size_out_type", lambda: tf.size(tf.zeros([2]), out_type="foo"), ["size", "out_type", "'foo'"]),
]


@pytest.mark.parametrize("name,call,words", BAD_CALLS, ids=[c[0] for c in BAD_CALLS])
def test_bad_calls_raise_teaching_errors(name, call, words):
    assert_teaches(call, words)


def test_reshape_and_broadcast_to_refuse_a_nested_shape():
    with pytest.raises(tf.errors.InvalidArgumentError, match="reshape: a shape must be a flat"):
        tf.reshape(tf.ones([6]), [[2], [3]])
    with pytest.raises(tf.errors.InvalidArgumentError, match="broadcast_to: a shape must be"):
        tf.broadcast_to(1.0, [[2], [3]])


# --- tests the mutation run asked for (each kills mutants that lived) ---------------

def test_gather_with_batch_dims_of_an_empty_batch():
    params = tf.constant(np.zeros((0, 5), np.float32))
    indices = tf.constant(np.zeros((0, 3), np.int32))
    got = tf.gather(params, indices, axis=1, batch_dims=1)
    assert got.shape == (0, 3) and got.dtype == tf.float32
    got = tf.gather(tf.constant(np.zeros((0, 4, 2))), tf.constant(np.zeros((0, 3), np.int32)),
                    axis=1, batch_dims=1)
    assert got.shape == (0, 3, 2)


def test_gather_nd_with_empty_index_vectors_takes_all_of_params():
    # indices of depth 0 (last dimension 0) each pick the whole of params, as in TF
    params = np.array([[1, 2], [3, 4]], np.int32)
    got = tf.gather_nd(params, np.zeros((3, 0), np.int32))
    assert got.shape == (3, 2, 2) and got.dtype == tf.int32
    np.testing.assert_array_equal(got.numpy(), np.broadcast_to(params, (3, 2, 2)))
    got = tf.gather_nd(params, np.zeros((2, 1, 0), np.int64))
    assert got.shape == (2, 1, 2, 2)
