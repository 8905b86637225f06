"""``keras.datasets.mnist``: the MNIST digits from the IDX files vendored with the course.

Keras downloads ``mnist.npz`` on first use; here nothing is ever downloaded.
The four original files of Yann LeCun's MNIST database ship inside this
package (``mnist_data/``, 11 MB of gzip), and ``load_data`` reads them, or the
same four files (gzip or not) from a folder you name.

An IDX file is a tiny header and raw bytes, all big-endian::

    offset  type    value
    0       int32   magic: 0x00000803 for images (3 dimensions), 0x00000801 for labels
    4       int32   number of items (60000 or 10000)
    8       int32   rows (28)       \\ images only
    12      int32   columns (28)    /
    16      uint8[] the pixels, row by row, image after image (labels: from offset 8)

Every file's sha256 is checked before it is parsed, so a damaged or different
file is named, never silently read.

>>> import stage4_training as tf
>>> (x_train, y_train), _ = tf.keras.datasets.mnist.load_data()
>>> x_train.dtype, int(y_train[0]), int(x_train[0].max())
(dtype('uint8'), 5, 255)
"""

import gzip
import hashlib
import os

import numpy as np

__all__ = ["load_data"]

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mnist_data")

FILES = {"x_train": "train-images-idx3-ubyte", "y_train": "train-labels-idx1-ubyte",
         "x_test": "t10k-images-idx3-ubyte", "y_test": "t10k-labels-idx1-ubyte"}
# The sha256 of each file as distributed (gzip), from shared/data/mnist/README.md, and of
# its decompressed bytes (computed once with `gunzip -c FILE | sha256sum`), for folders
# that hold the raw files.
SHA256 = {
    "train-images-idx3-ubyte.gz": "0b367032e93c5d0cea0925647cfdb18614af8ee15f83e6f2fc2ad904a6835971",
    "train-labels-idx1-ubyte.gz": "1787548bbe0bff1ec2ecdc0ef292b02df999e2d1a6002d27500982c652b17203",
    "t10k-images-idx3-ubyte.gz": "1a1a05eab793c14bb050b398624a11b0ffd1a2953baed553b1b9bd079e2a20be",
    "t10k-labels-idx1-ubyte.gz": "b91679a0acfe4ba0e50a2437a903084cba1f5f92592b016a25a7dfd00455798b",
    "train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}
MAGIC = {0x00000803: 3, 0x00000801: 1}      # magic number -> number of dimensions


def load_data(path=None):
    """``((x_train, y_train), (x_test, y_test))`` as Keras returns them: uint8 arrays of
    shapes (60000, 28, 28), (60000,), (10000, 28, 28), (10000,).

    ``path`` (our addition: Keras's ``path`` names its download cache) is a folder
    holding the four IDX files, gzip-compressed (``train-images-idx3-ubyte.gz`` ...)
    or not; by default the copy vendored in this package.

    >>> import stage4_training as tf
    >>> tf.keras.datasets.mnist.load_data("/no/such/folder")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    FileNotFoundError: mnist.load_data: no train-images-idx3-ubyte.gz (nor train-images-idx3-ubyte) in /no/such/folder...
    """
    folder = HERE if path is None else os.fspath(path)
    arrays = {key: _read_idx(folder, name) for key, name in FILES.items()}
    for split in ("train", "test"):
        if len(arrays["x_" + split]) != len(arrays["y_" + split]):
            raise ValueError("mnist.load_data: %d %s images but %d labels in %s"
                             % (len(arrays["x_" + split]), split, len(arrays["y_" + split]),
                                folder))
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def _read_idx(folder, name):
    """The array in ``folder/name.gz`` (or ``folder/name``), after checking its sha256."""
    for filename, opener in ((name + ".gz", gzip.decompress), (name, lambda data: data)):
        filepath = os.path.join(folder, filename)
        if os.path.exists(filepath):
            break
    else:
        raise FileNotFoundError(
            "mnist.load_data: no %s.gz (nor %s) in %s; it needs the four MNIST IDX files %s "
            "there (the course vendors them in %s)" % (name, name, folder,
                                                       ", ".join(FILES.values()), HERE))
    with open(filepath, "rb") as file:
        data = file.read()
    digest = hashlib.sha256(data).hexdigest()
    if digest != SHA256[filename]:
        raise ValueError("mnist.load_data: %s is damaged or not the MNIST file: its sha256 is "
                         "%s, MNIST's is %s" % (filepath, digest, SHA256[filename]))
    return _parse(opener(data), filepath)


def _parse(data, filepath):
    """An IDX file's bytes -> a uint8 array with the shape its header gives."""
    if len(data) < 8:
        raise ValueError("mnist.load_data: %s is too short for an IDX header" % filepath)
    magic = int.from_bytes(data[0:4], "big")
    if magic not in MAGIC:
        raise ValueError("mnist.load_data: %s has magic number 0x%08x, not an IDX file of "
                         "unsigned bytes (0x00000801 or 0x00000803)" % (filepath, magic))
    rank = MAGIC[magic]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(rank)]
    start = 4 + 4 * rank
    if len(data) - start != int(np.prod(dims)):
        raise ValueError("mnist.load_data: %s should hold %s bytes after its header (shape %s), "
                         "it holds %d" % (filepath, int(np.prod(dims)), dims, len(data) - start))
    return np.frombuffer(data, dtype=np.uint8, offset=start).reshape(dims).copy()
