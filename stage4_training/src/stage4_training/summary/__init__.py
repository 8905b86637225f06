"""``tf.summary``: values for TensorBoard, written as real event files.

>>> import tempfile
>>> import stage4_training as tf
>>> writer = tf.summary.create_file_writer(tempfile.mkdtemp())
>>> with writer.as_default():
...     for step in range(3):
...         _ = tf.summary.scalar("loss", 1.0 / (step + 1), step=step)

The layout of the files: ``records.py`` (TFRecord framing, masked CRC-32C),
``protobuf.py`` (the wire format), ``writer.py`` (``Event``\\ s, writers, the
default writer and step), ``ops.py`` (what each summary writes).
"""

import types as _types

from .ops import histogram, image, scalar, text
from .writer import (SummaryWriter, create_file_writer, create_noop_writer, flush, record_if,
                     should_record_summaries)
from .writer import get_step as _get_step
from .writer import set_step as _set_step

experimental = _types.SimpleNamespace(set_step=_set_step, get_step=_get_step)

__all__ = ["create_file_writer", "create_noop_writer", "SummaryWriter", "scalar", "histogram",
           "text", "image", "record_if", "should_record_summaries", "flush", "experimental"]
