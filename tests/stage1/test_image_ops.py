"""tf.image: resize, flips, rot90, convert_image_dtype, per_image_standardization
against NumPy and TensorFlow's documented values (task 8)."""

import math

import numpy as np
import pytest

import stage1_tensors as tf
from tests.helpers import assert_teaches

pytestmark = pytest.mark.stage1_task8


# --- references, one output pixel at a time (TensorFlow's kernels, spelled out) -----------
def reference_bilinear(x, new_h, new_w):
    """NHWC bilinear resize with half-pixel centres, as TensorFlow's ResizeBilinear."""
    b, h, w, c = x.shape
    out = np.zeros((b, new_h, new_w, c), np.float64)

    def taps(i, n_in, n_out):
        where = (i + 0.5) * (n_in / n_out) - 0.5
        low = math.floor(where)
        return max(low, 0), min(math.ceil(where), n_in - 1), where - low

    for i in range(new_h):
        top, bottom, dy = taps(i, h, new_h)
        for j in range(new_w):
            left, right, dx = taps(j, w, new_w)
            upper = x[:, top, left] + (x[:, top, right] - x[:, top, left]) * dx
            lower = x[:, bottom, left] + (x[:, bottom, right] - x[:, bottom, left]) * dx
            out[:, i, j] = upper + (lower - upper) * dy
    return out


def reference_nearest(x, new_h, new_w):
    b, h, w, c = x.shape
    rows = [min(math.floor((i + 0.5) * h / new_h), h - 1) for i in range(new_h)]
    cols = [min(math.floor((j + 0.5) * w / new_w), w - 1) for j in range(new_w)]
    return x[:, rows][:, :, cols]


SIZES = [((4, 4), (8, 8)), ((4, 6), (2, 3)), ((3, 5), (7, 2)), ((1, 1), (3, 2)),
         ((5, 5), (5, 5)), ((2, 3), (1, 1))]


# --- resize ----------------------------------------------------------------------------
def test_resize_documented_values():
    image = np.arange(4.0, dtype=np.float32).reshape(1, 2, 2, 1)
    got = tf.image.resize(image, [4, 4]).numpy()[0, :, :, 0]
    np.testing.assert_allclose(got, [[0.0, 0.25, 0.75, 1.0], [0.5, 0.75, 1.25, 1.5],
                                     [1.5, 1.75, 2.25, 2.5], [2.0, 2.25, 2.75, 3.0]])
    got = tf.image.resize(image, [4, 4], method="nearest").numpy()[0, :, :, 0]
    np.testing.assert_array_equal(got, [[0, 0, 1, 1], [0, 0, 1, 1], [2, 2, 3, 3],
                                        [2, 2, 3, 3]])


@pytest.mark.parametrize("shape,size", SIZES, ids=str)
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.uint8, np.int32])
def test_resize_bilinear_matches_the_reference(on, rng, shape, size, dtype):
    x = (rng.uniform(0, 100, size=(2,) + shape + (3,))).astype(dtype)
    got = tf.image.resize(on(x), size)
    assert got.dtype == tf.float32 and got.shape == (2,) + size + (3,)
    np.testing.assert_allclose(got.numpy(), reference_bilinear(x.astype(np.float64), *size),
                               rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize("shape,size", SIZES, ids=str)
@pytest.mark.parametrize("dtype", [np.float32, np.uint8, np.int64])
def test_resize_nearest_matches_the_reference_and_keeps_the_dtype(on, rng, shape, size,
                                                                   dtype):
    x = rng.uniform(0, 100, size=(2,) + shape + (2,)).astype(dtype)
    got = tf.image.resize(on(x), size, method=tf.image.ResizeMethod.NEAREST_NEIGHBOR)
    assert got.dtype == tf.as_dtype(dtype)
    np.testing.assert_array_equal(got.numpy(), reference_nearest(x, *size))


def test_resize_takes_single_images_and_preserves_the_aspect_ratio(rng):
    x = rng.uniform(size=(4, 8, 3)).astype(np.float32)
    single = tf.image.resize(x, [6, 5])
    np.testing.assert_allclose(single.numpy(), reference_bilinear(x[None], 6, 5)[0],
                               rtol=1e-5, atol=1e-6)
    assert tf.image.resize(x, [6, 6], preserve_aspect_ratio=True).shape == (3, 6, 3)
    assert tf.image.resize(x, [100, 4], preserve_aspect_ratio=True).shape == (2, 4, 3)


def test_resize_bad_calls_teach():
    x = tf.constant(np.zeros((4, 4, 1), np.float32))
    with pytest.raises(ValueError, match="resize: 'image' must have 3 or 4"):
        tf.image.resize(np.zeros((4, 4), np.float32), [2, 2])
    with pytest.raises(ValueError, match="resize: 'size' must be .*2 elements"):
        tf.image.resize(x, [2, 2, 2])
    with pytest.raises(ValueError, match="resize: method 'bicubic'"):
        tf.image.resize(x, [2, 2], method="bicubic")
    assert_teaches(lambda: tf.image.resize(x, [0, 2]), ["positive"], op="resize")
    assert_teaches(lambda: tf.image.resize(np.zeros((0, 4, 1)), [2, 2]), ["empty"],
                   op="resize")
    with pytest.raises(tf.errors.UnimplementedError, match="resize: antialias"):
        tf.image.resize(x, [2, 2], antialias=True)


# --- flips and rotations ------------------------------------------------------------
@pytest.mark.parametrize("shape", [(3, 4, 2), (2, 3, 4, 1)], ids=str)
@pytest.mark.parametrize("dtype", [np.float32, np.uint8, np.bool_])
def test_flips_and_rotations_match_numpy(on, rng, shape, dtype):
    x = (rng.uniform(size=shape) * 200).astype(dtype)
    h, w = len(shape) - 3, len(shape) - 2
    np.testing.assert_array_equal(tf.image.flip_left_right(on(x)).numpy(), np.flip(x, w))
    np.testing.assert_array_equal(tf.image.flip_up_down(on(x)).numpy(), np.flip(x, h))
    for k in range(-1, 6):
        got = tf.image.rot90(on(x), k=k)
        assert got.dtype == tf.as_dtype(dtype)
        np.testing.assert_array_equal(got.numpy(), np.rot90(x, k, axes=(h, w)))


def test_flips_and_rotations_refuse_other_ranks():
    for fn in (tf.image.flip_left_right, tf.image.flip_up_down, tf.image.rot90):
        with pytest.raises(ValueError, match="%s: 'image' must have 3 or 4" % fn.__name__):
            fn(np.zeros((2, 2)))
        with pytest.raises(ValueError, match="%s: 'image' must have 3 or 4" % fn.__name__):
            fn(np.zeros((1, 1, 2, 2, 1)))
    assert_teaches(lambda: tf.image.rot90(np.zeros((2, 2, 1)), k=1.5), ["k must be an int"],
                   op="rot90")


# --- convert_image_dtype -------------------------------------------------------------------
def test_convert_image_dtype_documented_and_round_trip_values():
    to_float = tf.image.convert_image_dtype(np.array([0, 51, 255], np.uint8), tf.float32)
    assert to_float.dtype == tf.float32
    np.testing.assert_allclose(to_float.numpy(), [0.0, 0.2, 1.0], rtol=1e-6)
    back = tf.image.convert_image_dtype(to_float, tf.uint8)
    np.testing.assert_array_equal(back.numpy(), [0, 51, 255])
    np.testing.assert_array_equal(
        tf.image.convert_image_dtype(np.array([0, 1, 255], np.uint8), tf.int32).numpy(),
        [0, 1 << 23, 255 << 23])
    np.testing.assert_array_equal(
        tf.image.convert_image_dtype(np.array([0, 1 << 23, (1 << 31) - 1], np.int32),
                                     tf.uint8).numpy(), [0, 1, 255])
    half = tf.image.convert_image_dtype(np.array([0.25], np.float64), tf.float16)
    assert half.dtype == tf.float16 and half.numpy()[0] == 0.25
    same = tf.constant([1.0])
    assert tf.image.convert_image_dtype(same, tf.float32) is same


def test_convert_image_dtype_saturates_when_asked():
    x = np.array([-0.5, 0.5, 1.5], np.float32)
    np.testing.assert_array_equal(
        tf.image.convert_image_dtype(x, tf.uint8, saturate=True).numpy(), [0, 127, 255])


def test_convert_image_dtype_refuses_bools():
    assert_teaches(lambda: tf.image.convert_image_dtype([True], tf.float32), ["bool"],
                   op="convert_image_dtype")
    assert_teaches(lambda: tf.image.convert_image_dtype([1.0], tf.bool), ["bool"],
                   op="convert_image_dtype")


# --- per_image_standardization --------------------------------------------------------------
def test_per_image_standardization_documented_values():
    image = np.arange(1, 13, dtype=np.int32).reshape(2, 2, 3)
    got = tf.image.per_image_standardization(image)
    assert got.dtype == tf.float32
    np.testing.assert_allclose(got.numpy().reshape(-1), [
        -1.593255, -1.3035723, -1.0138896, -0.7242068, -0.4345241, -0.14484136,
        0.14484136, 0.4345241, 0.7242068, 1.0138896, 1.3035723, 1.593255], rtol=1e-5)


@pytest.mark.parametrize("shape", [(4, 5, 3), (2, 4, 5, 3), (2, 2, 3, 3, 1)], ids=str)
def test_per_image_standardization_matches_numpy(on, rng, shape):
    x = rng.normal(3.0, 2.0, size=shape).astype(np.float64)
    mean = x.mean(axis=(-1, -2, -3), keepdims=True)
    std = np.maximum(x.std(axis=(-1, -2, -3), keepdims=True),
                     1 / np.sqrt(np.prod(shape[-3:])))
    np.testing.assert_allclose(tf.image.per_image_standardization(on(x)).numpy(),
                               (x - mean) / std, rtol=1e-5, atol=1e-5)
    flat = np.full(shape, 7.0)           # a uniform image: divided by 1/sqrt(N), not 0
    np.testing.assert_array_equal(tf.image.per_image_standardization(flat).numpy(), 0.0)


def test_per_image_standardization_needs_three_axes():
    with pytest.raises(ValueError, match="per_image_standardization: 'image' must have at "
                                         "least 3"):
        tf.image.per_image_standardization(np.zeros((2, 2)))


# --- tests the mutation run asked for (each kills mutants that lived) ---------------

@pytest.mark.parametrize("hw,size,expected", [((8, 2), (4, 4), (4, 1)), ((2, 8), (4, 4), (1, 4)),
                                              ((6, 9), (4, 4), (3, 4))])
def test_resize_preserving_the_aspect_ratio_can_give_a_side_of_one(hw, size, expected):
    image = tf.constant(np.arange(hw[0] * hw[1], dtype=np.float32).reshape(hw + (1,)))
    got = tf.image.resize(image, size, preserve_aspect_ratio=True)
    assert got.shape == expected + (1,)


def test_per_image_standardization_of_a_batch_floors_the_stddev_per_image():
    # TF: (x - mean) / max(stddev, 1 / sqrt(pixels of one image)), image by image
    images = np.zeros((2, 2, 2, 1), np.float32)
    images[:, 0, 0, 0] = [0.01, 0.02]             # tiny spread: the floor 1/sqrt(4) applies
    got = tf.image.per_image_standardization(tf.constant(images)).numpy()
    for image, out in zip(images, got):
        floor = 1.0 / math.sqrt(image.size)
        expected = (image - image.mean()) / max(image.std(), floor)
        np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-7)
