"""The summary ops: ``scalar``, ``histogram``, ``text``, ``image``.

Each turns its data into one ``Summary.Value`` the way TensorFlow 2 does, as a
*tensor* plus metadata naming the TensorBoard plugin that shows it:

=========  ===================================================  ==========
op         tensor                                               plugin
=========  ===================================================  ==========
scalar     float32, shape ()                                    scalars
histogram  float64, shape (buckets, 3): left edge, right, count histograms
text       string, shape ()                                     text
image      string, shape (2 + k,): width, height, k PNG files   images
=========  ===================================================  ==========

and writes an ``Event`` holding it to the default writer, if there is one and
recording is on. Each returns whether it wrote.

>>> import tempfile
>>> import stage4_training as tf
>>> with tf.summary.create_file_writer(tempfile.mkdtemp()).as_default():
...     tf.summary.histogram("weights", [0.0, 0.5, 1.0], step=1)
True
"""

import numpy as np

from stage1_tensors.tensor import Tensor

from . import protobuf as pb
from . import writer as writers
from .png import encode_png

__all__ = ["scalar", "histogram", "text", "image", "write_value", "histogram_buckets"]

DT_FLOAT, DT_DOUBLE, DT_STRING = 1, 2, 7
DATA_CLASS_SCALAR, DATA_CLASS_TENSOR, DATA_CLASS_BLOB_SEQUENCE = 1, 2, 3
DEFAULT_BUCKETS = 30


def _array(data, op):
    if isinstance(data, Tensor) or hasattr(data, "numpy"):
        data = data.numpy()
    try:
        array = np.asarray(data)
    except (TypeError, ValueError) as error:
        raise TypeError("summary.%s: cannot read data %r as an array: %s" % (op, data, error)) from None
    return array


def _step(step, op):
    step = writers.current_step() if step is None else step
    if step is None:
        raise ValueError("summary.%s: no step set. Please specify one either through the `step` "
                         "argument or through tf.summary.experimental.set_step()" % op)
    if isinstance(step, Tensor) or hasattr(step, "numpy"):
        step = step.numpy()
    try:
        return int(step)
    except (TypeError, ValueError):
        raise TypeError("summary.%s: step must be an integer, got %r" % (op, step)) from None


def _tensor_proto(dtype, shape, float_vals=(), double_vals=(), string_vals=(), content=b""):
    dims = b"".join(pb.field_message(2, pb.field_int(1, d), always=True) for d in shape)
    return pb.message(pb.field_int(1, dtype), pb.field_message(2, dims, always=True),
                      pb.field_bytes(4, content), pb.field_packed_floats(5, float_vals),
                      pb.field_packed_doubles(6, double_vals),
                      b"".join(pb.field_bytes(8, s, always=True) for s in string_vals))


def _metadata(plugin, data_class, description=None):
    plugin_data = pb.field_bytes(1, plugin)
    return pb.message(pb.field_message(1, plugin_data), pb.field_bytes(3, description or ""),
                      pb.field_int(4, data_class))


def write_value(name, tensor_proto, metadata, step, op):
    """Writes ``Summary{value: [{tag, metadata, tensor}]}`` at ``step``; whether it wrote."""
    if not isinstance(name, str) or not name:
        raise TypeError("summary.%s: name must be a non-empty string, got %r" % (op, name))
    if not writers.should_record_summaries():
        return False
    value = pb.message(pb.field_bytes(1, name), pb.field_message(8, tensor_proto),
                       pb.field_message(9, metadata))
    summary = pb.field_message(1, value)
    writers.current_writer().write_event(writers.event(_step(step, op), summary))
    return True


def scalar(name, data, step=None, description=None):
    """Writes a scalar (a float32 tensor of shape ``()``) under ``name``.

    >>> import tempfile
    >>> import stage4_training as tf
    >>> with tf.summary.create_file_writer(tempfile.mkdtemp()).as_default():
    ...     tf.summary.scalar("loss", tf.constant(0.25), step=10)
    True
    """
    array = _array(data, "scalar")
    if array.ndim != 0:
        raise ValueError("summary.scalar: data for %r must be a scalar, got shape %s"
                         % (name, array.shape))
    if array.dtype.kind not in "biuf":
        raise TypeError("summary.scalar: data for %r must be a number, got %s" % (name, array.dtype))
    proto = _tensor_proto(DT_FLOAT, (), float_vals=[float(array)])
    return write_value(name, proto, _metadata("scalars", DATA_CLASS_SCALAR, description), step,
                       "scalar")


def histogram_buckets(values, buckets=DEFAULT_BUCKETS):
    """TensorFlow 2's buckets: ``buckets`` equal widths from min to max (the last one
    closed), as rows ``(left, right, count)``; all values equal: every bucket is
    ``[v, v]`` and the last holds them all; no values: zeros.

    >>> histogram_buckets([0.0, 1.0, 1.0, 2.0], buckets=2).tolist()
    [[0.0, 1.0, 1.0], [1.0, 2.0, 3.0]]
    """
    values = np.asarray(values, dtype=np.float64).ravel()
    if values.size == 0:
        return np.zeros((buckets, 3))
    low, high = values.min(), values.max()
    counts = np.zeros(buckets)
    if low == high:
        counts[-1] = values.size
        edges = np.full(buckets + 1, low)
    else:
        width = (high - low) / buckets
        index = np.minimum(np.floor((values - low) / width).astype(np.int64), buckets - 1)
        counts = np.bincount(index, minlength=buckets).astype(np.float64)
        edges = np.linspace(low, high, buckets + 1)
    return np.stack([edges[:-1], edges[1:], counts], axis=1)


def histogram(name, data, step=None, buckets=None, description=None):
    """Writes the distribution of ``data``'s values (any shape) as ``buckets`` buckets (30).

    >>> import tempfile
    >>> import stage4_training as tf
    >>> with tf.summary.create_file_writer(tempfile.mkdtemp()).as_default():
    ...     tf.summary.histogram("weights", tf.random.normal([100]), step=0, buckets=10)
    True
    """
    array = _array(data, "histogram")
    if array.dtype.kind not in "biuf":
        raise TypeError("summary.histogram: data for %r must be numbers, got %s" % (name, array.dtype))
    if buckets is not None and (isinstance(buckets, bool) or not isinstance(buckets, int)
                                or buckets < 1):
        raise ValueError("summary.histogram: buckets must be a positive integer, got %r" % (buckets,))
    table = histogram_buckets(array, buckets or DEFAULT_BUCKETS)
    proto = _tensor_proto(DT_DOUBLE, table.shape, double_vals=table.ravel().tolist())
    return write_value(name, proto, _metadata("histograms", DATA_CLASS_TENSOR, description),
                       step, "histogram")


def text(name, data, step=None, description=None):
    """Writes a string (TensorBoard's Text tab renders it as Markdown).

    >>> import tempfile
    >>> import stage4_training as tf
    >>> with tf.summary.create_file_writer(tempfile.mkdtemp()).as_default():
    ...     tf.summary.text("notes", "learning rate **halved**", step=3)
    True
    """
    if isinstance(data, Tensor) or hasattr(data, "numpy"):
        data = data.numpy()
    if isinstance(data, np.ndarray) and data.ndim == 0:
        data = data.item()
    if not isinstance(data, (str, bytes)):
        raise TypeError("summary.text: data for %r must be a string, got %r" % (name, data))
    proto = _tensor_proto(DT_STRING, (), string_vals=[data])
    return write_value(name, proto, _metadata("text", DATA_CLASS_TENSOR, description), step, "text")


def image(name, data, step=None, max_outputs=3, description=None):
    """Writes up to ``max_outputs`` images of ``data``, shape ``[k, h, w, c]`` (c = 1, 3
    or 4), floats in [0, 1] or uint8, each as a PNG file.

    >>> import tempfile
    >>> import stage4_training as tf
    >>> with tf.summary.create_file_writer(tempfile.mkdtemp()).as_default():
    ...     tf.summary.image("digits", tf.zeros([2, 28, 28, 1]), step=0)
    True
    """
    array = _array(data, "image")
    if array.ndim != 4 or array.shape[-1] not in (1, 3, 4):
        raise ValueError("summary.image: data for %r must have shape [k, height, width, "
                         "channels] with 1, 3 or 4 channels, got %s" % (name, array.shape))
    if array.dtype.kind == "f":
        array = np.clip(np.round(array * 255.0), 0, 255).astype(np.uint8)
    elif array.dtype != np.uint8:
        raise TypeError("summary.image: data for %r must be float (0..1) or uint8, got %s"
                        % (name, array.dtype))
    k, height, width = array.shape[:3]
    pngs = [encode_png(picture) for picture in array[:max_outputs]]
    proto = _tensor_proto(DT_STRING, (2 + len(pngs),), string_vals=[str(width), str(height)] + pngs)
    return write_value(name, proto, _metadata("images", DATA_CLASS_BLOB_SEQUENCE, description),
                       step, "image")
