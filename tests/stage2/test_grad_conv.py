"""Gradients of conv2d and pooling (and of their backprop ops) against finite differences."""

import numpy as np
import pytest

import stage2_autodiff as tf
from stage2_autodiff.testing import check_gradients

pytestmark = pytest.mark.stage2_task5

CONV_CASES = [
    # input shape, filter shape, strides, padding, dilations, data_format
    ((1, 4, 4, 1), (2, 2, 1, 2), 1, "VALID", 1, "NHWC"),
    ((2, 5, 4, 2), (3, 3, 2, 1), 2, "SAME", 1, "NHWC"),
    ((1, 5, 5, 1), (2, 3, 1, 1), [2, 1], "SAME", 1, "NHWC"),
    ((1, 5, 5, 1), (2, 2, 1, 1), 1, "VALID", 2, "NHWC"),
    ((1, 3, 4, 2), (2, 2, 3, 1), 1, [[0, 0], [0, 0], [1, 0], [0, 2]], 1, "NCHW"),
    ((1, 3, 4, 1), (3, 2, 1, 1), 1, [[0, 0], [1, 1], [0, 1], [0, 0]], 1, "NHWC"),
    ((1, 3, 3, 16), (2, 2, 16, 1), 1, "SAME", 1, "NHWC"),   # 16 channels: shifted rows
]


@pytest.mark.parametrize("x_shape,f_shape,strides,padding,dilations,data_format", CONV_CASES)
def test_conv2d_gradients_second_order(x_shape, f_shape, strides, padding, dilations,
                                       data_format, rng):
    # conv2d is bilinear, so its second-order check exercises the gradients of
    # Conv2DBackpropInput and Conv2DBackpropFilter.
    def f(x, w):
        return tf.nn.conv2d(x, w, strides, padding, data_format=data_format,
                            dilations=dilations)
    check_gradients(f, [rng.standard_normal(x_shape), rng.standard_normal(f_shape)], order=2)


def test_conv2d_backprop_op_gradients(rng):
    f_shape, x_shape, dy_shape = (3, 3, 2, 2), (1, 5, 5, 2), (1, 3, 3, 2)
    check_gradients(lambda w, dy: tf.nn.conv2d_backprop_input(x_shape, w, dy, 2, "SAME"),
                    [rng.standard_normal(f_shape), rng.standard_normal(dy_shape)], order=2)
    check_gradients(lambda x, dy: tf.nn.conv2d_backprop_filter(x, f_shape, dy, 2, "SAME"),
                    [rng.standard_normal(x_shape), rng.standard_normal(dy_shape)], order=2)


POOL_CASES = [
    ((1, 4, 4, 1), 2, 2, "VALID", "NHWC"),
    ((2, 5, 5, 2), 3, 2, "SAME", "NHWC"),
    ((1, 5, 4, 1), [2, 3], [1, 2], "SAME", "NHWC"),
    ((1, 2, 5, 4), 2, [2, 1], "VALID", "NCHW"),
]


@pytest.mark.parametrize("shape,ksize,strides,padding,data_format", POOL_CASES)
def test_pool_gradients(shape, ksize, strides, padding, data_format, rng):
    x = rng.permutation(np.arange(np.prod(shape), dtype=np.float64)).reshape(shape) * 0.1
    # distinct values spaced 0.1 apart: the finite-difference step never changes a max
    check_gradients(lambda v: tf.nn.max_pool2d(v, ksize, strides, padding, data_format), [x],
                    order=2)
    check_gradients(lambda v: tf.nn.avg_pool2d(v, ksize, strides, padding, data_format), [x],
                    order=2)


@pytest.mark.parametrize("shape,ksize,strides,padding,data_format", POOL_CASES)
def test_pool_grad_op_gradients(shape, ksize, strides, padding, data_format, rng):
    x = rng.permutation(np.arange(np.prod(shape), dtype=np.float64)).reshape(shape)
    y = tf.nn.max_pool2d(x, ksize, strides, padding, data_format)
    g = rng.standard_normal(tuple(y.shape))
    check_gradients(lambda dy: tf.nn.max_pool_grad(x, y, dy, ksize, strides, padding,
                                                   data_format), [g], order=2)
    check_gradients(lambda dx: tf.nn.max_pool_grad_grad(x, y, dx, ksize, strides, padding,
                                                        data_format),
                    [rng.standard_normal(shape)], order=2)
    check_gradients(lambda dy: tf.nn.avg_pool_grad(shape, dy, ksize, strides, padding,
                                                   data_format), [g], order=2)


def test_max_pool_gradient_routes_to_the_winner_only():
    x = tf.constant(np.array([1.0, 5.0, 3.0, 2.0]).reshape(1, 2, 2, 1))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.nn.max_pool2d(x, 2, 2, "VALID")
    assert tape.gradient(y, x).numpy().ravel().tolist() == [0.0, 1.0, 0.0, 0.0]


def test_cnn_step_float32():
    # a tiny conv -> relu -> pool -> softmax loss, as a layer stack would run it
    rng = np.random.default_rng(0)
    images = tf.constant(rng.standard_normal((2, 6, 6, 1)).astype(np.float32))
    kernel = tf.constant(rng.standard_normal((3, 3, 1, 4)).astype(np.float32))
    labels = tf.constant([0, 3])
    with tf.GradientTape() as tape:
        tape.watch(kernel)
        h = tf.nn.max_pool2d(tf.nn.relu(tf.nn.conv2d(images, kernel, 1, "SAME")), 6, 6, "VALID")
        loss = tf.reduce_sum(tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=labels, logits=tf.reshape(h, [2, 4])))
    grad = tape.gradient(loss, kernel)
    assert grad.dtype == tf.float32 and grad.shape == (3, 3, 1, 4)
    assert np.isfinite(grad.numpy()).all() and np.abs(grad.numpy()).sum() > 0
