"""conv2d, max_pool2d, avg_pool2d and their backprop ops against loop references.

The references (here and in tests/helpers.py) are written the slow, obvious way
(a loop over every output pixel) on tiny shapes, independently of the vectorised
kernels.
"""

import numpy as np
import pytest

import stage1_tensors as tf
from stage1_tensors.errors import InvalidArgumentError
from tests.helpers import conv_output_and_padding, reference_conv2d, reference_pool

pytestmark = pytest.mark.stage1_task8


# The forward references live in tests/helpers.py (the stage-3 layer tests use them too).
_pads = conv_output_and_padding
ref_conv2d = reference_conv2d
ref_pool = reference_pool


def _pool_windows(x, k, stride, padding):
    n, h, w, c = x.shape
    oh, top, _ = _pads(h, k[0], stride[0], 1, padding)
    ow, left, _ = _pads(w, k[1], stride[1], 1, padding)
    for i in range(oh):
        for j in range(ow):
            rows = [r for r in range(i * stride[0] - top, i * stride[0] - top + k[0]) if 0 <= r < h]
            cols = [s for s in range(j * stride[1] - left, j * stride[1] - left + k[1]) if 0 <= s < w]
            yield i, j, rows, cols
    return oh, ow


def ref_max_pool_grad(x, grad, k, stride, padding):
    dx = np.zeros_like(x, dtype=np.float64)
    for i, j, rows, cols in _pool_windows(x, k, stride, padding):
        for b in range(x.shape[0]):
            for ch in range(x.shape[3]):
                window = x[b, rows][:, cols][:, :, ch]
                r, s = np.unravel_index(np.argmax(window), window.shape)   # first max
                dx[b, rows[r], cols[s], ch] += grad[b, i, j, ch]
    return dx


def ref_avg_pool_grad(shape, grad, k, stride, padding):
    x = np.zeros(shape)
    dx = np.zeros(shape)
    for i, j, rows, cols in _pool_windows(x, k, stride, padding):
        share = grad[:, i, j] / (len(rows) * len(cols))
        for r in rows:
            for s in cols:
                dx[:, r, s] += share
    return dx


CONV_CASES = [
    # input shape, filter shape, strides, padding, dilations
    ((1, 5, 5, 1), (3, 3, 1, 1), (1, 1), "VALID", (1, 1)),
    ((2, 5, 5, 3), (3, 3, 3, 4), (1, 1), "SAME", (1, 1)),
    ((2, 6, 7, 2), (3, 2, 2, 3), (2, 2), "SAME", (1, 1)),
    ((1, 7, 6, 2), (2, 3, 2, 2), (2, 3), "VALID", (1, 1)),
    ((1, 4, 4, 1), (2, 2, 1, 1), (2, 2), "SAME", (1, 1)),        # no padding needed
    ((1, 5, 4, 2), (4, 4, 2, 1), (3, 1), "SAME", (1, 1)),        # odd total padding
    ((1, 7, 7, 2), (3, 3, 2, 2), (1, 1), "SAME", (2, 2)),        # dilated
    ((1, 8, 7, 1), (2, 3, 1, 2), (2, 1), "VALID", (2, 1)),
    ((0, 4, 4, 2), (3, 3, 2, 2), (1, 1), "SAME", (1, 1)),        # empty batch
    ((1, 1, 1, 3), (1, 1, 3, 2), (1, 1), "VALID", (1, 1)),
    ((2, 5, 4, 16), (3, 2, 16, 3), (1, 1), "SAME", (1, 1)),      # enough channels for
    ((1, 7, 6, 17), (2, 3, 17, 2), (1, 1), "VALID", (2, 2)),     # the shifted-rows kernels
]


@pytest.fixture(params=["im2col", "shifted_rows"])
def strategy(request, monkeypatch):
    """Runs a test once with each way of computing stride-1 convolutions."""
    from stage1_tensors.ops import conv_ops
    monkeypatch.setattr(conv_ops, "_MIN_CHANNELS_FOR_SHIFTED_ROWS",
                        10 ** 9 if request.param == "im2col" else 1)
    return request.param


@pytest.mark.parametrize("x_shape,f_shape,strides,padding,dilations", CONV_CASES)
def test_conv2d_matches_loop_reference(x_shape, f_shape, strides, padding, dilations, on, rng,
                                       strategy):
    x = rng.standard_normal(x_shape)
    f = rng.standard_normal(f_shape)
    got = tf.nn.conv2d(on(x), on(f), strides=list(strides), padding=padding,
                       dilations=list(dilations))
    expected = ref_conv2d(x, f, strides, padding, dilations)
    assert got.shape == expected.shape and got.dtype == tf.float64
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-10, atol=1e-12)


def test_conv2d_float32_strides_forms_and_nchw(on, rng):
    x = rng.standard_normal((2, 6, 5, 3)).astype(np.float32)
    f = rng.standard_normal((3, 3, 3, 4)).astype(np.float32)
    expected = ref_conv2d(x, f, (2, 2), "SAME")
    for strides in (2, [2], [2, 2], [1, 2, 2, 1]):
        got = tf.nn.conv2d(on(x), on(f), strides=strides, padding="SAME")
        assert got.dtype == tf.float32
        np.testing.assert_allclose(got.numpy(), expected, rtol=1e-4, atol=1e-5)
    nchw = tf.nn.conv2d(on(x.transpose(0, 3, 1, 2)), on(f), strides=[1, 1, 2, 2],
                        padding="SAME", data_format="NCHW")
    np.testing.assert_allclose(nchw.numpy(), expected.transpose(0, 3, 1, 2), rtol=1e-4,
                               atol=1e-5)


def test_conv2d_stride_1_nchw_float32_both_ways(on, rng, strategy):
    # NCHW inputs reach the kernels as transposed (non-contiguous) views.
    x = rng.standard_normal((2, 6, 5, 16)).astype(np.float32)
    f = rng.standard_normal((3, 3, 16, 4)).astype(np.float32)
    expected = ref_conv2d(x, f, (1, 1), "SAME")
    dy = rng.standard_normal(expected.shape).astype(np.float32)
    for fmt, to, back in (("NHWC", lambda a: a, lambda a: a),
                          ("NCHW", lambda a: a.transpose(0, 3, 1, 2),
                           lambda a: a.transpose(0, 2, 3, 1))):
        got = tf.nn.conv2d(on(to(x)), on(f), 1, "SAME", data_format=fmt)
        assert got.dtype == tf.float32
        np.testing.assert_allclose(back(got.numpy()), expected, rtol=1e-4, atol=1e-4)
        dx = tf.nn.conv2d_backprop_input(to(x).shape, on(f), on(to(dy)), 1, "SAME",
                                         data_format=fmt)
        df = tf.nn.conv2d_backprop_filter(on(to(x)), f.shape, on(to(dy)), 1, "SAME",
                                          data_format=fmt)
        inner = (expected * dy).sum()
        np.testing.assert_allclose((back(dx.numpy()) * x).sum(), inner, rtol=1e-4)
        np.testing.assert_allclose((df.numpy() * f).sum(), inner, rtol=1e-4)


def test_conv2d_explicit_padding(on, rng, strategy):
    x = rng.standard_normal((1, 4, 5, 2))
    f = rng.standard_normal((3, 3, 2, 1))
    got = tf.nn.conv2d(on(x), on(f), 1, [[0, 0], [2, 0], [1, 3], [0, 0]])
    padded = np.pad(x, ((0, 0), (2, 0), (1, 3), (0, 0)))
    np.testing.assert_allclose(got.numpy(), ref_conv2d(padded, f, (1, 1), "VALID"), rtol=1e-10)


@pytest.mark.parametrize("x_shape,f_shape,strides,padding,dilations", CONV_CASES)
def test_conv2d_backprop_ops_are_adjoints(x_shape, f_shape, strides, padding, dilations, on,
                                          rng, strategy):
    # <conv2d(x, f), dy> = <x, backprop_input(f, dy)> = <f, backprop_filter(x, dy)>
    x = rng.standard_normal(x_shape)
    f = rng.standard_normal(f_shape)
    y = ref_conv2d(x, f, strides, padding, dilations)
    dy = rng.standard_normal(y.shape)
    dx = tf.nn.conv2d_backprop_input(list(x_shape), on(f), on(dy), strides, padding,
                                     dilations=list(dilations))
    df = tf.nn.conv2d_backprop_filter(on(x), list(f_shape), on(dy), strides, padding,
                                      dilations=list(dilations))
    assert dx.shape == x_shape and df.shape == f_shape
    np.testing.assert_allclose((dx.numpy() * x).sum(), (y * dy).sum(), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose((df.numpy() * f).sum(), (y * dy).sum(), rtol=1e-9, atol=1e-9)
    # and entry by entry: the filter gradient is the correlation of x with dy
    expected_df = np.zeros(f_shape)
    for idx in np.ndindex(*f_shape):
        basis = np.zeros(f_shape)
        basis[idx] = 1
        expected_df[idx] = (ref_conv2d(x, basis, strides, padding, dilations) * dy).sum()
    np.testing.assert_allclose(df.numpy(), expected_df, rtol=1e-9, atol=1e-9)


def test_conv2d_backprop_input_entrywise_and_nchw(on, rng):
    x_shape, f_shape = (1, 5, 4, 2), (3, 2, 2, 3)
    f = rng.standard_normal(f_shape)
    dy = rng.standard_normal((1, 3, 2, 3))
    expected = np.zeros(x_shape)
    for idx in np.ndindex(*x_shape):
        basis = np.zeros(x_shape)
        basis[idx] = 1
        expected[idx] = (ref_conv2d(basis, f, (2, 2), "SAME") * dy).sum()
    got = tf.nn.conv2d_backprop_input(x_shape, on(f), on(dy), 2, "SAME")
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-10, atol=1e-12)
    nchw = tf.nn.conv2d_backprop_input((1, 2, 5, 4), on(f), on(dy.transpose(0, 3, 1, 2)),
                                       2, "SAME", data_format="NCHW")
    np.testing.assert_allclose(nchw.numpy(), expected.transpose(0, 3, 1, 2), rtol=1e-10)
    transposed = tf.nn.conv2d_transpose(on(dy), on(f), x_shape, strides=2)
    np.testing.assert_allclose(transposed.numpy(), expected, rtol=1e-10)


POOL_CASES = [
    # input shape, ksize, strides, padding
    ((1, 4, 4, 1), (2, 2), (2, 2), "VALID"),
    ((2, 5, 5, 3), (2, 2), (2, 2), "SAME"),
    ((1, 5, 7, 2), (3, 3), (2, 2), "SAME"),
    ((1, 6, 5, 1), (3, 2), (1, 2), "VALID"),
    ((2, 3, 3, 2), (3, 3), (1, 1), "SAME"),
    ((1, 7, 4, 1), (4, 1), (3, 1), "SAME"),
    ((0, 4, 4, 2), (2, 2), (1, 1), "VALID"),
]


@pytest.mark.parametrize("shape,ksize,strides,padding", POOL_CASES)
def test_pools_match_loop_reference(shape, ksize, strides, padding, on, rng):
    x = rng.standard_normal(shape)
    got_max = tf.nn.max_pool2d(on(x), list(ksize), list(strides), padding)
    got_avg = tf.nn.avg_pool2d(on(x), list(ksize), list(strides), padding)
    np.testing.assert_allclose(got_max.numpy(), ref_pool(x, ksize, strides, padding, np.max))
    # avg divides by the number of real cells only: padding does not dilute it
    np.testing.assert_allclose(got_avg.numpy(), ref_pool(x, ksize, strides, padding, np.mean),
                               rtol=1e-12)


@pytest.mark.parametrize("shape,ksize,strides,padding", POOL_CASES)
def test_pool_grads_match_loop_reference(shape, ksize, strides, padding, on, rng):
    x = rng.standard_normal(shape)
    y = tf.nn.max_pool2d(on(x), ksize, strides, padding)
    grad = rng.standard_normal(tuple(y.shape))
    got = tf.nn.max_pool_grad(on(x), y, on(grad), ksize, strides, padding)
    np.testing.assert_allclose(got.numpy(), ref_max_pool_grad(x, grad, ksize, strides, padding),
                               rtol=1e-12)
    got = tf.nn.avg_pool_grad(shape, on(grad), ksize, strides, padding)
    np.testing.assert_allclose(got.numpy(), ref_avg_pool_grad(shape, grad, ksize, strides,
                                                              padding), rtol=1e-12)
    # max_pool_grad_grad is max_pool_grad's adjoint in its grad argument
    g_in = rng.standard_normal(shape)
    gg = tf.nn.max_pool_grad_grad(on(x), y, on(g_in), ksize, strides, padding)
    lhs = (ref_max_pool_grad(x, grad, ksize, strides, padding) * g_in).sum()
    np.testing.assert_allclose((gg.numpy() * grad).sum(), lhs, rtol=1e-10, atol=1e-12)


def test_max_pool_ties_route_to_the_first_max():
    x = np.ones((1, 2, 2, 1))
    y = tf.nn.max_pool2d(x, 2, 2, "VALID")
    got = tf.nn.max_pool_grad(x, y, np.ones((1, 1, 1, 1)), 2, 2, "VALID").numpy()
    np.testing.assert_array_equal(got[0, :, :, 0], [[1, 0], [0, 0]])


def test_pools_nchw_ints_and_aliases(on, rng):
    x = rng.standard_normal((2, 5, 6, 3)).astype(np.float32)
    expected = ref_pool(x, (3, 3), (2, 2), "SAME", np.max)
    got = tf.nn.max_pool2d(on(x.transpose(0, 3, 1, 2)), 3, 2, "SAME", data_format="NCHW")
    np.testing.assert_allclose(got.numpy(), expected.transpose(0, 3, 1, 2))
    got = tf.nn.avg_pool(on(x), [1, 3, 3, 1], [1, 2, 2, 1], "SAME")
    np.testing.assert_allclose(got.numpy(), ref_pool(x, (3, 3), (2, 2), "SAME", np.mean),
                               rtol=1e-5)
    ints = tf.nn.max_pool(tf.constant(np.arange(16, dtype=np.int32).reshape(1, 4, 4, 1)), 2, 2, "SAME")
    assert ints.dtype == tf.int32
    assert ints.numpy().ravel().tolist() == [5, 7, 13, 15]


F = np.ones((3, 3, 2, 4), np.float32)
X = np.ones((1, 5, 5, 2), np.float32)

ERRORS = [
    (lambda: tf.nn.conv2d(X, np.ones((3, 3, 3, 4), np.float32), 1, "SAME"),
     r"conv2d: the input's channels \(2, input shape \(1, 5, 5, 2\).*filter shape \(3, 3, 3, 4\)"),
    (lambda: tf.nn.conv2d(X[0], F, 1, "SAME"), r"conv2d: input must have rank 4.*\(5, 5, 2\)"),
    (lambda: tf.nn.conv2d(X, F[0], 1, "SAME"), "conv2d: filters must have rank 4"),
    (lambda: tf.nn.conv2d(X, np.ones((0, 3, 2, 4), np.float32), 1, "SAME"),
     r"conv2d: the filter must not have zero elements.*\(0, 3, 2, 4\)"),
    (lambda: tf.nn.conv2d(np.ones((1, 5, 5, 0), np.float32), np.ones((3, 3, 0, 4), np.float32),
                          1, "VALID"), "conv2d: the filter must not have zero elements"),
    (lambda: tf.nn.conv2d_backprop_filter(X, (3, 3, 2, 0), np.ones((1, 5, 5, 0), np.float32),
                                          1, "SAME"),
     "conv2d_backprop_filter: the filter must not have zero elements"),
    (lambda: tf.nn.conv2d(X, F, 1, "same"), r"padding must be \"SAME\".*\"VALID\".*'same'"),
    (lambda: tf.nn.conv2d(X, F, 1, "FULL"), "padding must be"),
    (lambda: tf.nn.conv2d(X, F, 1, [[1, 1], [0, 0], [0, 0], [0, 0]]), "explicit"),
    (lambda: tf.nn.conv2d(X, np.ones((6, 6, 2, 1), np.float32), 1, "VALID"),
     r"conv2d: the window \(6\) is larger than the height of the input \(5\)"),
    (lambda: tf.nn.conv2d(X, F, 1, "VALID", dilations=3),
     r"window \(3 with dilation 3\) is larger"),
    (lambda: tf.nn.conv2d(X, F, 0, "SAME"), "strides must be positive"),
    (lambda: tf.nn.conv2d(X, F, [1, 2, 3], "SAME"), "strides must be an int or a list of 1, 2 or 4"),
    (lambda: tf.nn.conv2d(X, F, [2, 1, 1, 1], "SAME"), "batch and channel"),
    (lambda: tf.nn.conv2d(X, F, 1, "SAME", data_format="NWHC"), "data_format"),
    (lambda: tf.nn.conv2d(tf.ones([1, 5, 5, 2], dtype=tf.int32), F.astype(np.int32), 1, "SAME"),
     "conv2d: .*int32.*valid dtypes"),
    (lambda: tf.nn.conv2d(X, F.astype(np.float64), 1, "SAME"), "same dtype"),
    (lambda: tf.nn.max_pool2d(X, 6, 1, "VALID"), r"max_pool2d: the window \(6\) is larger"),
    (lambda: tf.nn.avg_pool2d(X, [2, 7], 1, "VALID"), r"avg_pool2d: the window \(7\).*width"),
    (lambda: tf.nn.avg_pool2d(X[0], 2, 1, "VALID"), "avg_pool2d: input must have rank 4"),
    (lambda: tf.nn.max_pool2d(X, 2, 1, [[0, 0], [1, 1], [1, 1], [0, 0]]), "padding must be"),
    (lambda: tf.nn.avg_pool2d(tf.ones([1, 2, 2, 1], dtype=tf.int32), 2, 1, "VALID"),
     "avg_pool2d: .*int32"),
    (lambda: tf.nn.conv2d_backprop_input([1, 5, 5, 2], F, np.ones((1, 4, 4, 4), np.float32),
                                         1, "SAME"),
     r"out_backprop has shape \(1, 4, 4, 4\).*gives \(1, 5, 5, 4\)"),
    (lambda: tf.nn.conv2d_backprop_filter(X, [3, 3, 2], np.ones((1, 5, 5, 4), np.float32),
                                          1, "SAME"), "filter_sizes must be 4"),
    (lambda: tf.nn.avg_pool_grad([1, 4, 4, 1], np.ones((1, 3, 3, 1), np.float32), 2, 2, "SAME"),
     r"grad has shape \(1, 3, 3, 1\)"),
    # a data_format that is not a string is refused, not compared elementwise
    (lambda: tf.nn.conv2d(X, F, 1, "SAME", data_format=tf.constant([1.0])), "^conv2d: data_format"),
    (lambda: tf.nn.max_pool(X[0], 2, 1, "VALID"), "^max_pool: max_pool2d: input must have rank 4"),
    (lambda: tf.nn.avg_pool(X, 2, 1, "same"), "^avg_pool: avg_pool2d: padding must be"),
    (lambda: tf.nn.conv2d_transpose(X, F, [1, 5, 5], 1), "^conv2d_transpose: output_shape must be 4"),
    (lambda: tf.nn.conv2d_transpose(X, F, [1, 5, 5, 2], 1, data_format="CHWN"),
     "^conv2d_transpose: conv2d_backprop_input: data_format"),
]


@pytest.mark.parametrize("call,message", ERRORS)
def test_bad_calls_raise_teaching_errors(call, message):
    with pytest.raises(InvalidArgumentError, match=message):
        call()
