"""``tensor[key]`` against NumPy's indexing, and its errors (task 5)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import stage1_tensors as tf
from stage1_tensors import dispatch
from stage1_tensors.ops.indexing_ops import strided_slice_grad
from tests.helpers import assert_teaches

pytestmark = pytest.mark.stage1_task5

X = np.arange(2 * 3 * 4, dtype=np.float32).reshape(2, 3, 4)

KEYS = [
    0, -1, 1, (1, 2), (0, -1, -2), (slice(None),), slice(1, None), slice(None, None, -1),
    (slice(None), slice(None, None, 2)), (slice(None), slice(2, 0, -1), slice(None, None, 3)),
    (Ellipsis, 1), (Ellipsis, slice(1, 3)), (0, Ellipsis, 0), (None,), (None, 0, None),
    (slice(None), None, Ellipsis, None), (Ellipsis, None), (slice(-100, 100),),
    (slice(5, 1),), ([1, 0, 1],), (slice(None), [2, 0]), ([0, 1], [2, 1]),
    ([[0, 1], [1, 0]], slice(None), 0), (Ellipsis, [3, 3]), ([0, 1], Ellipsis, [1, 3]),
    (np.array([True, False]),), (slice(None), np.array([True, False, True])),
    (X[..., 0] > 5,), (X > 10,), (np.array([], np.int64),), (0, [], slice(None)),
]


@pytest.mark.parametrize("key", KEYS, ids=repr)
def test_getitem_matches_numpy(on, key):
    got = on(X)[key]
    expected = X[key]
    assert got.shape == expected.shape
    assert got.dtype == tf.float32
    np.testing.assert_array_equal(got.numpy(), expected)


def test_keys_may_hold_tensors():
    x = tf.constant(X)
    np.testing.assert_array_equal(x[tf.constant(1)].numpy(), X[1])
    np.testing.assert_array_equal(x[tf.constant(-1, tf.int64), 2].numpy(), X[-1, 2])
    np.testing.assert_array_equal(x[:, tf.constant([2, 0])].numpy(), X[:, [2, 0]])
    mask = tf.constant(X) > 3.0
    np.testing.assert_array_equal(x[mask].numpy(), X[X > 3])
    np.testing.assert_array_equal(x[tf.constant(0):tf.constant(1)].numpy(), X[0:1])
    np.testing.assert_array_equal(x[np.int64(1), np.int32(0)].numpy(), X[1, 0])


def test_indexing_is_one_op_through_the_dispatcher():
    seen = []
    with dispatch.observing(lambda op, inputs, attrs, outputs: seen.append((op.name, attrs))):
        tf.constant(X)[0, 1:, [1, 2]]
    assert [name for name, _ in seen] == ["StridedSlice"]
    hash(seen[0][1]["key"])          # attrs are hashable, index arrays included


def test_scalar_results_and_iteration():
    v = tf.constant([10, 20, 30])
    assert v[1].shape == () and int(v[1]) == 20
    assert [int(t) for t in v] == [10, 20, 30]
    assert int(tf.constant(5)[()]) == 5
    assert tf.constant(5)[None].shape == (1,)


def test_strided_slice_grad_scatters_into_zeros():
    got = strided_slice_grad(tf.ones([2]), (5,), (slice(0, 4, 2),))
    np.testing.assert_array_equal(got.numpy(), [1, 0, 1, 0, 0])
    repeated = strided_slice_grad(tf.constant([1.0, 2.0, 3.0]), (3,), ([0, 0, 2],))
    np.testing.assert_array_equal(repeated.numpy(), [3, 0, 3])
    masked = strided_slice_grad(tf.constant([5.0, 6.0]), (2, 2), (np.array([[True, False], [False, True]]),))
    np.testing.assert_array_equal(masked.numpy(), [[5, 0], [0, 6]])


@settings(derandomize=True, max_examples=40, deadline=None)
@given(hnp.arrays(np.int32, hnp.array_shapes(min_dims=1, max_dims=3, max_side=5),
                  elements=st.integers(-9, 9)), st.data())
def test_basic_slices_match_numpy(x, data):
    key = tuple(data.draw(st.one_of(
        st.integers(-n, n - 1) if n else st.just(slice(None)),
        st.builds(slice, st.none() | st.integers(-6, 6), st.none() | st.integers(-6, 6),
                  st.none() | st.integers(-3, 3).filter(bool)))) for n in x.shape)
    got = tf.constant(x)[key]
    np.testing.assert_array_equal(got.numpy(), x[key])


BAD_KEYS = [
    ("int_out_of_range", 3, ["index 3", "axis 0", "size 2", "-2..1"]),
    ("negative_out_of_range", (0, -4), ["index -4", "axis 1", "size 3"]),
    ("after_ellipsis", (Ellipsis, 4), ["index 4", "axis 2", "size 4"]),
    ("array_out_of_range", (slice(None), [0, 5]), ["index 5", "axis 1"]),
    ("too_many", (0, 0, 0, 0), ["too many indices", "(2, 3, 4)"]),
    ("float", 1.5, ["cannot index with 1.5", "float"]),
    ("string", "a", ["cannot index", "str"]),
    ("float_slice", slice(0.5, 2), ["slice bounds must be integers"]),
    ("zero_step", slice(None, None, 0), ["step cannot be zero"]),
    ("two_ellipses", (Ellipsis, 0, Ellipsis), ["single ellipsis"]),
    ("python_bool", True, ["Python bool"]),
    ("float_tensor", tf.constant([1.0]), ["integer or bool"]),
    ("mask_shape", np.array([True, False, True]), ["boolean mask", "(3,)", "(2,)"]),
    ("dict", {}, ["cannot index", "dict"]),
]


@pytest.mark.parametrize("name,key,words", BAD_KEYS, ids=[k[0] for k in BAD_KEYS])
def test_bad_keys_raise_teaching_errors(on, name, key, words):
    assert_teaches(lambda: on(X)[key], words + ["strided_slice"])
