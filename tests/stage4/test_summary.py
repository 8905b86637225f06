"""Task 7: summaries are real TensorBoard event files.

Everything is written with our API and read back with TensorBoard's own
reader (``EventFileLoader`` for raw events, ``EventAccumulator`` as the
TensorBoard server reads runs); the record framing is checked with an
independent CRC-32C computed here.
"""

import glob
import os
import struct
import threading
import zlib

import numpy as np
import pytest

import stage4_training as tf

pytestmark = pytest.mark.stage4_task7

event_file_loader = pytest.importorskip("tensorboard.backend.event_processing.event_file_loader")
from tensorboard.backend.event_processing import event_accumulator  # noqa: E402
from tensorboard.util import tensor_util  # noqa: E402


def event_files(logdir):
    return sorted(glob.glob(os.path.join(str(logdir), "events.out.tfevents.*")))


def raw_events(logdir):
    (path,) = event_files(logdir)
    return list(event_file_loader.RawEventFileLoader(path).Load())


def events(logdir):
    (path,) = event_files(logdir)
    from tensorboard.compat.proto import event_pb2
    return [event_pb2.Event.FromString(raw) for raw in raw_events(logdir)]


def accumulate(logdir):
    acc = event_accumulator.EventAccumulator(str(logdir), size_guidance={
        event_accumulator.TENSORS: 0, event_accumulator.SCALARS: 0})
    acc.Reload()
    return acc


def values(logdir, tag):
    acc = accumulate(logdir)
    return [(e.step, tensor_util.make_ndarray(e.tensor_proto)) for e in acc.Tensors(tag)]


def crc32c(data):
    """Bitwise CRC-32C, written independently of the library's table version."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFF


def masked(crc):
    return ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF


def test_the_file_is_named_as_tf_names_it_and_starts_with_the_file_version(tmp_path):
    writer = tf.summary.create_file_writer(str(tmp_path))
    with writer.as_default():
        tf.summary.scalar("loss", 1.0, step=0)
    (path,) = event_files(tmp_path)
    assert os.path.basename(path).startswith("events.out.tfevents.") and path.endswith(".v2")
    first = events(tmp_path)[0]
    assert first.file_version == "brain.Event:2" and first.wall_time > 0


def test_every_record_is_framed_with_masked_crc32c(tmp_path):
    with tf.summary.create_file_writer(str(tmp_path)).as_default():
        for step in range(3):
            tf.summary.scalar("x", float(step), step=step)
    data = open(event_files(tmp_path)[0], "rb").read()
    offset, count = 0, 0
    while offset < len(data):
        length_bytes = data[offset:offset + 8]
        (length,) = struct.unpack("<Q", length_bytes)
        assert struct.unpack("<I", data[offset + 8:offset + 12])[0] == masked(crc32c(length_bytes))
        payload = data[offset + 12:offset + 12 + length]
        assert struct.unpack("<I", data[offset + 12 + length:offset + 16 + length])[0] == \
            masked(crc32c(payload))
        offset += 16 + length
        count += 1
    assert offset == len(data) and count == 4          # the file version, then 3 scalars


def test_scalars_read_back_with_tags_steps_and_values(tmp_path):
    with tf.summary.create_file_writer(str(tmp_path)).as_default():
        for step, value in enumerate([0.5, 0.25, tf.constant(0.125)]):
            assert tf.summary.scalar("loss", value, step=step * 10)
    got = values(tmp_path, "loss")
    assert [s for s, _ in got] == [0, 10, 20]
    assert [float(v) for _, v in got] == [0.5, 0.25, 0.125]
    assert accumulate(tmp_path).SummaryMetadata("loss").plugin_data.plugin_name == "scalars"


def test_histograms_count_every_value_in_equal_buckets(tmp_path):
    data = np.random.default_rng(0).normal(size=1000)
    with tf.summary.create_file_writer(str(tmp_path)).as_default():
        tf.summary.histogram("w", data, step=3)
        tf.summary.histogram("w5", data, step=3, buckets=5)
        tf.summary.histogram("same", [2.0, 2.0, 2.0], step=3)
    (step, table), = values(tmp_path, "w")
    assert step == 3 and table.shape == (30, 3)
    assert table[:, 2].sum() == 1000
    assert table[0, 0] == data.min() and table[-1, 1] == data.max()
    np.testing.assert_allclose(np.diff(table[:, 0]), (data.max() - data.min()) / 30)
    expected, _ = np.histogram(data, bins=5, range=(data.min(), data.max()))
    np.testing.assert_array_equal(values(tmp_path, "w5")[0][1][:, 2], expected)
    assert values(tmp_path, "same")[0][1][:, 2].sum() == 3
    assert accumulate(tmp_path).SummaryMetadata("w").plugin_data.plugin_name == "histograms"


def test_histogram_of_one_repeated_value_puts_them_all_in_the_last_bucket(tmp_path):
    with tf.summary.create_file_writer(str(tmp_path)).as_default():
        tf.summary.histogram("same", [2.5, 2.5, 2.5], step=0)
        tf.summary.histogram("same4", np.full((2, 3), -1.0), step=0, buckets=4)
    (_, table), = values(tmp_path, "same")
    assert table.shape == (30, 3)                   # as TensorFlow 2: every bucket [v, v]
    assert (table[:, 0] == 2.5).all() and (table[:, 1] == 2.5).all()
    assert table[:, 2].tolist() == [0.0] * 29 + [3.0]
    (_, table), = values(tmp_path, "same4")
    assert table.tolist() == [[-1.0, -1.0, 0.0]] * 3 + [[-1.0, -1.0, 6.0]]


def test_a_negative_step_is_written_as_an_int64(tmp_path):
    done = []

    def write():                 # in a thread: a broken varint loop must not hang the tests
        with tf.summary.create_file_writer(str(tmp_path)).as_default():
            done.append(tf.summary.scalar("x", 1.0, step=-3))
    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    thread.join(20)
    assert done == [True]
    assert [e.step for e in events(tmp_path)] == [0, -3]
    from tensorboard.compat.proto import event_pb2
    for raw in raw_events(tmp_path):             # every event as protobuf itself encodes it
        assert event_pb2.Event.FromString(raw).SerializeToString() == raw


def _decode_png(data):
    """Width, height and pixels of an 8-bit PNG with filter 0 rows (what we write)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    offset, chunks = 8, {}
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset:offset + 4])
        kind = data[offset + 4:offset + 8]
        body = data[offset + 8:offset + 8 + length]
        assert struct.unpack(">I", data[offset + 8 + length:offset + 12 + length])[0] == \
            zlib.crc32(kind + body) & 0xFFFFFFFF
        chunks[kind] = chunks.get(kind, b"") + body
        offset += 12 + length
    width, height, depth, color, compression, filtering, interlace = struct.unpack(
        ">IIBBBBB", chunks[b"IHDR"])
    # PNG knows only compression 0 (zlib) and filter method 0; 0 = not interlaced.
    assert (depth, compression, filtering, interlace) == (8, 0, 0, 0)
    channels = {0: 1, 2: 3, 6: 4}[color]
    rows = np.frombuffer(zlib.decompress(chunks[b"IDAT"]), np.uint8).reshape(height, -1)
    assert (rows[:, 0] == 0).all()
    return width, height, rows[:, 1:].reshape(height, width, channels)


def test_images_decode_to_the_same_pixels(tmp_path):
    rng = np.random.default_rng(1)
    pictures = rng.integers(0, 256, size=(4, 5, 7, 3)).astype(np.uint8)
    gray = rng.random((1, 3, 2, 1))
    with tf.summary.create_file_writer(str(tmp_path)).as_default():
        tf.summary.image("rgb", pictures, step=1, max_outputs=2)
        tf.summary.image("gray", gray, step=1)
    (_, blob), = values(tmp_path, "rgb")
    assert blob[0] == b"7" and blob[1] == b"5" and len(blob) == 4
    for i in range(2):
        width, height, pixels = _decode_png(blob[2 + i])
        assert (width, height) == (7, 5)
        np.testing.assert_array_equal(pixels, pictures[i])
    (_, blob), = values(tmp_path, "gray")
    np.testing.assert_array_equal(_decode_png(blob[2])[2],
                                  np.round(gray[0] * 255).astype(np.uint8))


def test_text(tmp_path):
    with tf.summary.create_file_writer(str(tmp_path)).as_default():
        tf.summary.text("notes", "hello **world**", step=2)
    (step, value), = values(tmp_path, "notes")
    assert step == 2 and value == b"hello **world**"


def test_nothing_is_written_without_a_writer_or_while_not_recording(tmp_path):
    seen = []                # a new thread: no default writer (another test may have set one)
    thread = threading.Thread(target=lambda: seen.append(tf.summary.scalar("x", 1.0, step=0)))
    thread.start()
    thread.join()
    assert seen == [False]
    with tf.summary.create_file_writer(str(tmp_path)).as_default():
        with tf.summary.record_if(False):
            assert tf.summary.scalar("off", 1.0, step=0) is False
        with tf.summary.record_if(lambda: True):
            assert tf.summary.scalar("on", 1.0, step=0) is True
    tags = accumulate(tmp_path).Tags()["tensors"]
    assert tags == ["on"]


def test_the_step_comes_from_the_argument_set_step_or_as_default(tmp_path):
    writer = tf.summary.create_file_writer(str(tmp_path))
    with writer.as_default():
        with pytest.raises(ValueError, match="step"):
            tf.summary.scalar("x", 1.0)
    with writer.as_default(step=7):
        tf.summary.scalar("a", 1.0)
    tf.summary.experimental.set_step(9)
    try:
        assert tf.summary.experimental.get_step() == 9
        with writer.as_default():
            tf.summary.scalar("b", 1.0)
    finally:
        tf.summary.experimental.set_step(None)
    assert values(tmp_path, "a")[0][0] == 7 and values(tmp_path, "b")[0][0] == 9


def test_nested_defaults_and_each_thread_has_its_own(tmp_path):
    outer = tf.summary.create_file_writer(str(tmp_path / "outer"))
    inner = tf.summary.create_file_writer(str(tmp_path / "inner"))
    seen = []
    with outer.as_default(step=0):
        with inner.as_default(step=0):
            tf.summary.scalar("in", 1.0)
        tf.summary.scalar("out", 1.0)
        thread = threading.Thread(target=lambda: seen.append(tf.summary.scalar("t", 1.0, step=0)))
        thread.start()
        thread.join()
    assert seen == [False]                          # the other thread has no default writer
    assert accumulate(tmp_path / "inner").Tags()["tensors"] == ["in"]
    assert accumulate(tmp_path / "outer").Tags()["tensors"] == ["out"]


def test_flush_makes_events_visible_and_a_closed_writer_refuses(tmp_path):
    writer = tf.summary.create_file_writer(str(tmp_path))
    writer.set_as_default()
    try:
        tf.summary.scalar("x", 1.0, step=1)
        writer.flush()
        assert len(events(tmp_path)) == 2
        writer.close()
        with pytest.raises(RuntimeError, match="closed"):
            tf.summary.scalar("x", 1.0, step=2)
    finally:
        tf.summary.create_noop_writer().set_as_default()


@pytest.mark.parametrize("call,error", [
    (lambda: tf.summary.scalar("x", [1.0, 2.0], step=0), ValueError),
    (lambda: tf.summary.scalar("x", "abc", step=0), TypeError),
    (lambda: tf.summary.scalar("", 1.0, step=0), TypeError),
    (lambda: tf.summary.scalar("x", 1.0, step="a"), TypeError),
    (lambda: tf.summary.image("x", np.zeros((2, 2, 3)), step=0), ValueError),
    (lambda: tf.summary.histogram("x", 1.0, step=0, buckets=0), ValueError),
    (lambda: tf.summary.text("x", 3, step=0), TypeError),
])
def test_bad_data_is_refused_naming_the_op(tmp_path, call, error):
    with tf.summary.create_file_writer(str(tmp_path)).as_default():
        with pytest.raises(error, match="summary"):
            call()


def test_create_file_writer_refuses_a_non_path():
    with pytest.raises(TypeError, match="create_file_writer"):
        tf.summary.create_file_writer(None)


def test_contrib_summary_records_only_in_a_recording_context(tmp_path):
    writer = tf.contrib.summary.create_file_writer(str(tmp_path))
    step = tf.Variable(0, dtype="int64")
    with writer.as_default():
        assert tf.contrib.summary.scalar("loss", 1.0, step=0) is False
        for _ in range(10):
            step.assign_add(1)
            with tf.contrib.summary.record_summaries_every_n_global_steps(4, global_step=step):
                tf.contrib.summary.scalar("loss", 0.5, family="train", step=int(step))
        with tf.contrib.summary.never_record_summaries():
            assert tf.contrib.summary.scalar("loss", 1.0, step=0) is False
    assert [s for s, _ in values(tmp_path, "train/loss")] == [4, 8]
