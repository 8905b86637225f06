"""Task 5: ``keras.datasets.mnist.load_data`` reads the vendored IDX files.

The facts checked (label counts, the mean pixel) are computed here from the
files with gzip and NumPy, independently of the loader, and agree with the
published MNIST statistics; damaged, truncated and missing files are named.
"""

import gzip
import os
import shutil

import numpy as np
import pytest

import stage4_training as tf

pytestmark = pytest.mark.stage4_task5

NAMES = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte",
         "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]


@pytest.fixture(scope="module")
def mnist():
    return tf.keras.datasets.mnist.load_data()


@pytest.fixture(scope="module")
def vendored():
    """The folder of the vendored .gz files (found from the loaded package's files)."""
    import stage4_training.keras.datasets as datasets
    folder = os.path.join(os.path.dirname(datasets.__file__), "mnist_data")
    assert sorted(os.listdir(folder)) == sorted(n + ".gz" for n in NAMES)
    return folder


def test_shapes_and_dtypes_as_keras(mnist):
    (x_train, y_train), (x_test, y_test) = mnist
    assert x_train.shape == (60000, 28, 28) and y_train.shape == (60000,)
    assert x_test.shape == (10000, 28, 28) and y_test.shape == (10000,)
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype(np.uint8)}
    assert x_train.min() == 0 and x_train.max() == 255 and set(np.unique(y_test)) == set(range(10))


def test_label_counts_and_mean_pixel_are_mnists(mnist):
    (x_train, y_train), _ = mnist
    assert np.bincount(y_train).tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265,
                                             5851, 5949]
    assert round(float(x_train.mean()), 3) == 33.318


def test_the_arrays_are_the_files_bytes(mnist, vendored):
    (x_train, y_train), (x_test, y_test) = mnist
    with gzip.open(os.path.join(vendored, "t10k-labels-idx1-ubyte.gz")) as f:
        raw = f.read()
    np.testing.assert_array_equal(np.frombuffer(raw[8:], np.uint8), y_test)
    with gzip.open(os.path.join(vendored, "train-images-idx3-ubyte.gz")) as f:
        head = f.read(16 + 784)
    np.testing.assert_array_equal(np.frombuffer(head[16:], np.uint8).reshape(28, 28), x_train[0])


def test_a_folder_of_raw_files_loads_the_same(mnist, vendored, tmp_path):
    for name in NAMES:
        with gzip.open(os.path.join(vendored, name + ".gz")) as f:
            (tmp_path / name).write_bytes(f.read())
    (x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data(str(tmp_path))
    np.testing.assert_array_equal(y_train, mnist[0][1])
    np.testing.assert_array_equal(x_test, mnist[1][0])


def _copy(vendored, tmp_path):
    for name in NAMES:
        shutil.copy(os.path.join(vendored, name + ".gz"), tmp_path)
    return tmp_path


def test_a_missing_file_is_named_with_the_folder(vendored, tmp_path):
    folder = _copy(vendored, tmp_path)
    os.remove(folder / "t10k-labels-idx1-ubyte.gz")
    with pytest.raises(FileNotFoundError, match="t10k-labels-idx1-ubyte") as error:
        tf.keras.datasets.mnist.load_data(str(folder))
    assert str(folder) in str(error.value)


def test_a_changed_byte_is_refused_naming_the_file(vendored, tmp_path):
    folder = _copy(vendored, tmp_path)
    target = folder / "train-labels-idx1-ubyte.gz"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0xFF
    target.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="train-labels-idx1-ubyte.gz.*sha256"):
        tf.keras.datasets.mnist.load_data(str(folder))


def test_a_truncated_raw_file_is_refused(vendored, tmp_path):
    for name in NAMES:
        with gzip.open(os.path.join(vendored, name + ".gz")) as f:
            (tmp_path / name).write_bytes(f.read())
    path = tmp_path / "t10k-images-idx3-ubyte"
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(ValueError, match="t10k-images-idx3-ubyte"):
        tf.keras.datasets.mnist.load_data(str(tmp_path))
