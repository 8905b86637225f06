"""The files of a checkpoint, and how they are written so a crash cannot break them.

A checkpoint saved under the prefix ``ckpts/ckpt-3`` is two files::

    ckpts/ckpt-3.index                 JSON: the keys, and where each value is
    ckpts/ckpt-3.data-1f0c9a2e.npz     the values, one NumPy array per variable
    ckpts/checkpoint                   (a directory's state: the latest, and all kept)

The index names its data file, the file's size and its sha256, and for each key
the array that holds its value (with shape and dtype); its own sha256 comes
last, so an edit to the index shows too. The data file's name is
new at every save, so saving again under the same prefix never touches the
files the current index points to.

Every file is written *atomically*: to a temporary file in the same directory,
flushed and ``fsync``-ed to disk, renamed over its final name (``os.replace``,
atomic on POSIX and Windows), and then the directory is ``fsync``-ed so the
rename itself survives a power cut. The index goes last, so a process killed
at any moment leaves either the old checkpoint or the new one, never a mix.

Reading checks everything before a value is used: the index parses, the data
file has the size and sha256 the index says, and NumPy reads it without
unpickling anything (``allow_pickle=False``); otherwise a ``DataLossError``
(a ``ValueError``) names the file.

>>> import tempfile, os, numpy as np
>>> from stage4_training.train import checkpoint_format as fmt
>>> prefix = os.path.join(tempfile.mkdtemp(), "ckpt-1")
>>> fmt.write_checkpoint(prefix, {"w": np.arange(3.0)}, {"": "dict"})
>>> fmt.read_checkpoint(prefix)
{'w': array([0., 1., 2.])}
"""

import glob
import hashlib
import json
import os
import queue
import secrets
import threading
import zipfile
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from stage1_tensors.errors import NotFoundError, OpError

__all__ = ["DataLossError", "write_checkpoint", "read_checkpoint", "read_index", "checkpoint_exists",
           "remove_checkpoint", "write_state", "read_state", "atomic_write"]

FORMAT = "stage4_training checkpoint"
VERSION = 1
STATE_FILE = "checkpoint"


class DataLossError(OpError, ValueError):
    """A checkpoint file is truncated, corrupted or not what its index says
    (TensorFlow's name for it). It is a ``ValueError``.

    >>> from stage4_training.train.checkpoint_format import DataLossError
    >>> issubclass(DataLossError, ValueError)
    True
    """


# --- writing ----------------------------------------------------------------
def atomic_write(path, write):
    """Calls ``write(file)`` on a temporary file, then puts it at ``path`` in one step.

    A crash (or an exception in ``write``) leaves ``path`` as it was. Returns what
    ``write`` returns.

    >>> import tempfile, os
    >>> from stage4_training.train.checkpoint_format import atomic_write
    >>> path = os.path.join(tempfile.mkdtemp(), "note.txt")
    >>> atomic_write(path, lambda file: file.write(b"hello"))
    5
    >>> open(path).read()
    'hello'
    """
    temporary = "%s.tmp-%s" % (path, secrets.token_hex(4))
    try:
        with open(temporary, "xb") as file:
            result = write(file)
            file.flush()
            os.fsync(file.fileno())       # the bytes are on disk ...
        os.replace(temporary, path)       # ... before the name points at them
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise
    _fsync_directory(os.path.dirname(path))  # and the new name is on disk too
    return result


def _fsync_directory(directory):
    if os.name == "nt":                   # Windows cannot open a directory; its rename is durable
        return
    fd = os.open(directory or ".", os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_checkpoint(prefix, arrays, objects):
    """Saves ``arrays`` ({key: ndarray}) under ``prefix``: the data file, then the index.

    ``objects`` ({path: class name}) is the object graph, kept in the index for
    people and tools to read. Stale data files of an older save under the same
    prefix are removed once the new index is in place.
    """
    directory, name = os.path.split(prefix)
    os.makedirs(directory or ".", exist_ok=True)
    data_name = "%s.data-%s.npz" % (name, secrets.token_hex(4))
    entries, members = {}, {}
    for number, (key, array) in enumerate(arrays.items()):
        entries[key] = {"array": "v%d" % number, "shape": list(array.shape),
                        "dtype": array.dtype.name}
        members["v%d" % number] = array
    data = atomic_write(os.path.join(directory, data_name), lambda file: _write_npz(file, members))
    index = {"format": FORMAT, "version": VERSION,
             "data": {"file": data_name, "size": data["size"], "sha256": data["sha256"]},
             "variables": entries, "objects": objects}
    index["index_sha256"] = _sha256_of_index(index)
    text = json.dumps(index, indent=1).encode("utf-8")
    atomic_write(prefix + ".index", lambda file: file.write(text))
    for stale in _files_of(prefix, data_name):
        os.remove(stale)


def _write_npz(file, arrays):
    """Writes ``arrays`` as an uncompressed .npz (what ``np.savez`` writes) without
    copying them, hashing the bytes on a second thread as they go out."""
    out = _HashingWriter(file)
    try:
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
            for name, array in arrays.items():
                if not array.flags.c_contiguous:
                    array = array.copy(order="C")
                with archive.open(name + ".npy", "w", force_zip64=True) as member:
                    np.lib.format.write_array_header_1_0(
                        member, np.lib.format.header_data_from_array_1_0(array))
                    member.write(memoryview(array.reshape(-1)).cast("B"))
    finally:
        sha256 = out.finish()
    return {"size": out.position, "sha256": sha256}


class _HashingWriter:
    """A write-only file that passes bytes on to ``file`` and hashes them (sha256)
    on a helper thread, so hashing costs no time on top of writing. It cannot seek,
    so ``zipfile`` writes each member's sizes after its data instead of going back."""

    def __init__(self, file):
        self._file, self.position = file, 0
        self._sha256, self._chunks = hashlib.sha256(), queue.SimpleQueue()
        self._thread = threading.Thread(target=self._hash, daemon=True)
        self._thread.start()

    def _hash(self):
        for chunk in iter(self._chunks.get, None):
            self._sha256.update(chunk)

    def write(self, data):
        self._chunks.put(data)
        written = self._file.write(data)
        self.position += written
        return written

    def tell(self):
        return self.position

    def flush(self):
        self._file.flush()

    def finish(self):
        self._chunks.put(None)
        self._thread.join()
        return self._sha256.hexdigest()


# --- reading ----------------------------------------------------------------
def checkpoint_exists(prefix):
    """Whether a complete checkpoint is saved under ``prefix`` (its index exists)."""
    return os.path.isfile(prefix + ".index")


def read_checkpoint(prefix):
    """The values saved under ``prefix``, {key: ndarray}, each checked against the index.

    Raises ``NotFoundError`` when there is no such checkpoint and ``DataLossError``
    (naming the file) when a file is damaged or was changed.
    """
    index_path = prefix + ".index"
    index = _read_index(index_path)
    data_path = os.path.join(os.path.dirname(index_path), index["data"]["file"])
    if not os.path.isfile(data_path):
        raise NotFoundError("checkpoint %s: its data file %s is missing" % (prefix, data_path))
    size = os.path.getsize(data_path)
    if size != index["data"]["size"]:
        raise DataLossError("checkpoint data file %s has %d bytes but its index %s says %d: "
                            "the file is truncated or damaged"
                            % (data_path, size, index_path, index["data"]["size"]))
    # Hash the file on a second thread while NumPy reads it on this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        digest = pool.submit(_sha256_of, data_path)
        try:
            arrays, problem = _read_npz(data_path, index["variables"]), None
        except DataLossError as error:
            arrays, problem = None, error
        if digest.result() != index["data"]["sha256"]:
            raise DataLossError("checkpoint data file %s does not match the sha256 in its "
                                "index %s: the file is damaged or was changed"
                                % (data_path, index_path))
    if problem is not None:
        raise problem
    return arrays


def read_index(prefix):
    """The index of the checkpoint under ``prefix`` (a dict), checked; see ``read_checkpoint``."""
    return _read_index(prefix + ".index")


def _read_index(path):
    try:
        with open(path, "rb") as file:
            text = file.read()
    except FileNotFoundError:
        raise NotFoundError("no checkpoint at %s (the file %s does not exist)"
                            % (path[:-len(".index")], path)) from None
    try:
        index = json.loads(text.decode("utf-8"))
        if index.get("format") != FORMAT:
            raise ValueError("it is not a %s" % FORMAT)
        if index.get("version") != VERSION:
            raise ValueError("its format version is %r; this code reads version %d"
                             % (index.get("version"), VERSION))
        if index.get("index_sha256") != _sha256_of_index(index):
            raise ValueError("its content does not match its index_sha256 (it was edited)")
        data = index["data"]
        name = data["file"]
        if not isinstance(name, str) or os.path.basename(name) != name or name in ("", ".", ".."):
            raise ValueError("its data file %r is not a file name" % (name,))
        if not isinstance(data["size"], int) or not isinstance(data["sha256"], str):
            raise ValueError("its data size or sha256 is missing")
        for key, entry in index["variables"].items():
            if not (isinstance(entry["array"], str) and isinstance(entry["dtype"], str)
                    and all(isinstance(d, int) for d in entry["shape"])):
                raise ValueError("the entry for %r is malformed" % key)
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise DataLossError("checkpoint index %s is damaged or not a checkpoint index: %s"
                            % (path, error)) from None
    return index


def _sha256_of_index(index):
    """The sha256 of the index's content (all but this field), so an edit shows."""
    content = {key: value for key, value in index.items() if key != "index_sha256"}
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode("utf-8")).hexdigest()


def _sha256_of(path):
    with open(path, "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def _read_npz(path, entries):
    """The arrays of the .npz at ``path`` for each index entry; never unpickles."""
    try:
        npz = np.load(path, allow_pickle=False)
        if not isinstance(npz, np.lib.npyio.NpzFile):
            raise ValueError("it is not an .npz archive")
        with npz:
            if any(info.compress_type != zipfile.ZIP_STORED for info in npz.zip.infolist()):
                raise ValueError("it holds compressed members (a checkpoint never does)")
            arrays = {}
            for key, entry in entries.items():
                array = npz[entry["array"]]
                if list(array.shape) != entry["shape"] or array.dtype.name != entry["dtype"]:
                    raise ValueError("the array for %r is %s %s, but the index says %s %s"
                                     % (key, array.dtype.name, tuple(array.shape),
                                        entry["dtype"], tuple(entry["shape"])))
                arrays[key] = array
    except (ValueError, OSError, EOFError, KeyError, zipfile.BadZipFile) as error:
        raise DataLossError("checkpoint data file %s cannot be read: %s" % (path, error)) from None
    return arrays


# --- removing ------------------------------------------------------------------
def _files_of(prefix, keep=None):
    """The data files (and leftover temporary files) saved under ``prefix``, but ``keep``."""
    pattern = glob.escape(prefix)
    found = glob.glob(pattern + ".data-*.npz") + glob.glob(pattern + ".*.tmp-*")
    return [path for path in found if os.path.basename(path) != keep]


def remove_checkpoint(prefix):
    """Deletes the checkpoint under ``prefix``: its index first (so no index ever
    points at a missing data file), then its data files."""
    if os.path.exists(prefix + ".index"):
        os.remove(prefix + ".index")
    for path in _files_of(prefix):
        os.remove(path)


# --- the directory's state file -----------------------------------------------
def write_state(directory, latest, all_paths):
    """Writes ``directory/checkpoint``, TensorFlow's text form of "the latest
    checkpoint and all those kept" (paths relative to ``directory``).

    >>> import tempfile, os
    >>> from stage4_training.train.checkpoint_format import write_state, read_state
    >>> d = tempfile.mkdtemp()
    >>> write_state(d, os.path.join(d, "ckpt-2"), [os.path.join(d, "ckpt-1"), os.path.join(d, "ckpt-2")])
    >>> print(open(os.path.join(d, "checkpoint")).read(), end="")
    model_checkpoint_path: "ckpt-2"
    all_model_checkpoint_paths: "ckpt-1"
    all_model_checkpoint_paths: "ckpt-2"
    >>> [os.path.basename(p) for p in read_state(d)[1]]
    ['ckpt-1', 'ckpt-2']
    """
    def relative(path):
        return os.path.relpath(path, directory or ".")
    lines = ["model_checkpoint_path: %s" % json.dumps(relative(latest))]
    lines += ["all_model_checkpoint_paths: %s" % json.dumps(relative(p)) for p in all_paths]
    text = ("\n".join(lines) + "\n").encode("utf-8")
    atomic_write(os.path.join(directory, STATE_FILE), lambda file: file.write(text))


def read_state(directory):
    """``(latest, all_paths)`` from ``directory/checkpoint``, or None if it has none."""
    path = os.path.join(directory, STATE_FILE)
    try:
        with open(path, "rb") as file:
            lines = file.read().decode("utf-8").splitlines()
    except FileNotFoundError:
        return None
    except UnicodeDecodeError:
        lines = ["?"]
    latest, all_paths = None, []
    try:
        for line in filter(None, (line.strip() for line in lines)):
            field, _, value = line.partition(":")
            value = os.path.join(directory, json.loads(value))
            if field == "model_checkpoint_path":
                latest = value
            elif field == "all_model_checkpoint_paths":
                all_paths.append(value)
            else:
                raise ValueError("unknown field %r" % field)
    except (ValueError, TypeError) as error:
        raise DataLossError("checkpoint state file %s is damaged: %s" % (path, error)) from None
    return latest, all_paths
