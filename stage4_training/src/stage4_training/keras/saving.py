"""Saving a whole model, and its weights, in a safe format of our own.

``model.save(path)`` writes three things:

``config.json``
    the architecture: ``{"class_name", "config"}`` from ``get_config()`` (a
    ``Sequential`` lists its layers; a subclassed model gives its constructor
    arguments), the input shape it was built for, and the compile
    arguments (optimizer, loss, metrics, as names or configs);
``metadata.json``
    the format's name and version, and each weight's name, shape and dtype;
``model.weights.npz``
    the weights, one NumPy array each, in ``model.weights`` order.

A path ending in ``.keras`` becomes one zip file holding the three; any other
path becomes a folder of them. Loading reads JSON and ``np.load(...,
allow_pickle=False)``: it never unpickles, so a file cannot run code. Every write
goes to a temporary file first, is flushed to disk (``fsync``) and then
renamed over the old one (``os.replace``), so a crash leaves the old file or
the new one, never half of one.

``load_model`` makes the model again from its config (finding custom classes
by registered name or in ``custom_objects``), builds it, assigns the weights
and compiles it, so it can ``evaluate`` and ``predict`` at once. The
optimizer starts afresh: its settings are kept, its slot variables are not.

>>> import os, tempfile
>>> import numpy as np
>>> import stage4_training as tf
>>> model = tf.keras.Sequential([tf.keras.layers.Dense(2, input_shape=(3,))])
>>> model.compile(optimizer="sgd", loss="mse")
>>> path = os.path.join(tempfile.mkdtemp(), "tiny.keras")
>>> model.save(path)
>>> again = tf.keras.models.load_model(path)
>>> x = np.ones((1, 3), "float32")
>>> np.array_equal(again.predict(x, verbose=0), model.predict(x, verbose=0))
True
"""

import io
import json
import os
import shutil
import tempfile
import warnings
import zipfile

import numpy as np

from stage3_layers.keras import serialization

__all__ = ["save_model", "load_model", "save_weights", "load_weights", "FORMAT"]

FORMAT = "stage4_training.keras"
FORMAT_VERSION = 1
_CONFIG, _METADATA, _WEIGHTS = "config.json", "metadata.json", "model.weights.npz"


# --- writing atomically ------------------------------------------------------
def _write_atomically(path, write):
    """Runs ``write(file)`` on a temporary file beside ``path``, then renames it to ``path``."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=os.path.basename(path) + ".", suffix=".tmp",
                                         dir=folder)
    try:
        with os.fdopen(handle, "wb") as file:
            write(file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def _npz_bytes(arrays):
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def _weight_arrays(model):
    """``{"w0000": array, ...}`` in ``model.weights`` order, and their description."""
    weights = model.weights
    arrays = {"w%04d" % i: np.asarray(v.numpy()) for i, v in enumerate(weights)}
    described = [{"name": v.name, "shape": list(v.shape), "dtype": v.dtype.name}
                 for v in weights]
    return arrays, described


def _load_npz(source, what):
    """The arrays of an ``.npz`` (a path or bytes), refusing anything pickled."""
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    try:
        with np.load(source, allow_pickle=False) as archive:
            return {key: archive[key] for key in archive.files}
    except ValueError as error:
        if "allow_pickle" in str(error) or "Object arrays" in str(error):
            raise ValueError("refusing to load %s: it holds a pickled (object) array. These "
                             "files hold only plain numeric arrays, and loading never "
                             "unpickles, because unpickling can run arbitrary code"
                             % what) from None
        raise ValueError("%s is not a readable .npz weights file: %s" % (what, error)) from None
    except (OSError, zipfile.BadZipFile) as error:
        raise ValueError("%s is not a readable .npz weights file: %s" % (what, error)) from None


# --- weights only --------------------------------------------------------------
def save_weights(model, filepath, overwrite=True):
    """Writes ``model.weights`` to ``filepath`` as one ``.npz`` archive (atomically).

    The archive holds ``w0000``, ``w0001``, ... in ``model.weights`` order and
    ``names``, the variables' names (a string array, no pickle).

    >>> import os, tempfile
    >>> import stage4_training as tf
    >>> model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(2,))])
    >>> path = os.path.join(tempfile.mkdtemp(), "weights.npz")
    >>> model.save_weights(path)
    >>> model.load_weights(path)
    """
    filepath = os.fspath(filepath)
    if not overwrite and os.path.exists(filepath):
        raise FileExistsError("save_weights: %s exists and overwrite=False" % filepath)
    if not model.built:
        raise ValueError("save_weights: model %r is not built yet, so it has no weights "
                         "yet; call it on a batch or build it (model.build(input_shape)) "
                         "first" % model.name)
    arrays, described = _weight_arrays(model)
    arrays["names"] = np.array([d["name"] for d in described], dtype=str)
    data = _npz_bytes(arrays)
    _write_atomically(filepath, lambda file: file.write(data))


def _assign(model, arrays, described, source):
    weights = model.weights
    if len(weights) != len(arrays):
        raise ValueError(
            "%s holds %d weight arrays, but model %r has %d weights (%s). Was it saved from "
            "a model with the same layers? An unbuilt model has no weights yet: call it "
            "on a batch or build it first"
            % (source, len(arrays), model.name, len(weights),
               ", ".join(v.name for v in weights) or "none"))
    for i, (variable, value) in enumerate(zip(weights, arrays)):
        if tuple(value.shape) != tuple(variable.shape):
            saved = described[i] if i < len(described) else "#%d" % i
            raise ValueError("%s: weight %d (%s) has shape %s, but the model's %s has shape "
                             "%s" % (source, i, saved, tuple(value.shape), variable.name,
                                     tuple(variable.shape)))
    for variable, value in zip(weights, arrays):
        variable.assign(value.astype(variable.dtype.name))


def load_weights(model, filepath):
    """Assigns the weights of a ``save_weights`` file, by position, checking shapes.

    >>> import os, tempfile
    >>> import numpy as np
    >>> import stage4_training as tf
    >>> a = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(2,))])
    >>> b = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(2,))])
    >>> path = os.path.join(tempfile.mkdtemp(), "weights.npz")
    >>> a.save_weights(path); b.load_weights(path)
    >>> all(np.array_equal(x, y) for x, y in zip(a.get_weights(), b.get_weights()))
    True
    """
    filepath = os.fspath(filepath)
    if not os.path.isfile(filepath):
        raise FileNotFoundError("load_weights: no file %s" % filepath)
    arrays = _load_npz(filepath, filepath)
    names = [str(n) for n in arrays.pop("names", [])]
    ordered = [arrays[key] for key in sorted(k for k in arrays if k.startswith("w"))]
    _assign(model, ordered, names, filepath)


# --- whole models ----------------------------------------------------------------
def _compile_config(model):
    compiled = getattr(model, "_compiled", None)
    if compiled is None:
        return None
    given = compiled.config
    from . import utils

    def plain(obj):
        if isinstance(obj, (list, tuple)):
            return [plain(o) for o in obj]
        if isinstance(obj, dict):
            return {k: plain(v) for k, v in obj.items()}
        return utils.serialize_keras_object(obj)
    return {key: plain(value) for key, value in given.items()}


def save_model(model, filepath, overwrite=True, include_optimizer=True):
    """Saves ``model`` (architecture, weights, compile arguments) to ``filepath``.

    ``"name.keras"`` gives one zip file, any other path a folder. The model
    must be built (called on data, or ``input_shape=`` given) and its class
    must ``get_config`` (built-in layers and ``Sequential`` do).

    >>> import os, tempfile
    >>> import stage4_training as tf
    >>> model = tf.keras.Sequential([tf.keras.layers.Dense(2, input_shape=(3,))])
    >>> path = os.path.join(tempfile.mkdtemp(), "model.keras")
    >>> tf.keras.models.save_model(model, path)
    >>> os.path.exists(path)
    True
    """
    filepath = os.fspath(filepath)
    if not overwrite and os.path.exists(filepath):
        raise FileExistsError("save: %s exists and overwrite=False" % filepath)
    if not model.built:
        # Keras saves it too, with this warning: the file holds the architecture
        # and no weights, and the model it loads builds on its first call.
        warnings.warn("save: model %r is not built yet, so it has no weights to save; only "
                      "its architecture is saved. Call it on a batch of data (or fit it, or "
                      "give the first layer input_shape=) first to save its weights"
                      % model.name, UserWarning, stacklevel=3)     # at model.save's caller
    try:
        architecture = serialization.serialize(model)
    except NotImplementedError as error:
        raise NotImplementedError("save: cannot save %s's architecture: %s"
                                  % (type(model).__name__, error)) from None
    shape = model._build_input_shape
    arrays, described = _weight_arrays(model)
    config = {"class_name": architecture["class_name"], "config": architecture["config"],
              "build_input_shape": _shape_list(shape),
              "compile_config": _compile_config(model) if include_optimizer else None}
    metadata = {"format": FORMAT, "format_version": FORMAT_VERSION, "weights": described}
    files = {_CONFIG: json.dumps(config, indent=2, default=_json_default).encode(),
             _METADATA: json.dumps(metadata, indent=2).encode(),
             _WEIGHTS: _npz_bytes(arrays)}
    if filepath.endswith(".keras"):
        _write_atomically(filepath, lambda file: _write_zip(file, files))
    else:
        _write_folder(filepath, files)


def _json_default(value):
    """JSON for what configs may hold besides plain data: NumPy numbers, arrays, objects."""
    if isinstance(value, (np.generic, np.ndarray)):
        return value.tolist()
    if hasattr(value, "numpy"):
        return np.asarray(value.numpy()).tolist()
    if hasattr(value, "get_config"):
        return {"class_name": serialization.registered_name(type(value)),
                "config": value.get_config()}
    raise TypeError("save: cannot write %r into the model's config as JSON" % (value,))


def _shape_list(shape):
    if shape is None:
        return None
    try:
        dims = list(shape.as_list()) if hasattr(shape, "as_list") else list(shape)
    except (TypeError, ValueError):
        return None
    if not all(d is None or isinstance(d, int) for d in dims):
        return None        # several inputs: the model builds on its first call instead
    return [None] + dims[1:] if dims else dims


def _write_zip(file, files):
    with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)


def _write_folder(path, files):
    """Writes ``files`` into a new folder, then swaps it in for ``path`` by renames."""
    if os.path.isfile(path):
        raise FileExistsError("save: %s is a file; give a folder path, or a path ending in "
                              ".keras for a single-file model" % path)
    parent = os.path.dirname(os.path.abspath(path))
    os.makedirs(parent, exist_ok=True)
    temporary = tempfile.mkdtemp(prefix=os.path.basename(path) + ".", suffix=".tmp",
                                 dir=parent)
    try:
        for name, data in files.items():
            _write_atomically(os.path.join(temporary, name), lambda f, d=data: f.write(d))
        old = None
        if os.path.exists(path):
            old = temporary + ".old"
            os.replace(path, old)
        os.replace(temporary, path)
        if old is not None:
            shutil.rmtree(old)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise


def _read_files(filepath):
    if os.path.isdir(filepath):
        files = {}
        for name in (_CONFIG, _METADATA, _WEIGHTS):
            full = os.path.join(filepath, name)
            if not os.path.isfile(full):
                raise ValueError("load_model: %s is not a saved model: it has no %s"
                                 % (filepath, name))
            with open(full, "rb") as file:
                files[name] = file.read()
        return files
    if not os.path.exists(filepath):
        raise FileNotFoundError("load_model: no file or folder %s" % filepath)
    try:
        with zipfile.ZipFile(filepath) as archive:
            return {name: archive.read(name) for name in (_CONFIG, _METADATA, _WEIGHTS)}
    except (zipfile.BadZipFile, KeyError) as error:
        raise ValueError("load_model: %s is not a saved model (a .keras zip with %s, %s and "
                         "%s): %s" % (filepath, _CONFIG, _METADATA, _WEIGHTS, error)) from None


def load_model(filepath, custom_objects=None, compile=True):
    """The model ``save`` wrote: made again from its config, built, its weights
    assigned and (``compile=True``) compiled as it was.

    ``custom_objects`` maps names to your own classes and functions (not needed
    for those registered with ``keras.utils.register_keras_serializable``).

    >>> import os, tempfile
    >>> import numpy as np
    >>> import stage4_training as tf
    >>> model = tf.keras.Sequential([tf.keras.layers.Dense(2, input_shape=(3,))])
    >>> path = os.path.join(tempfile.mkdtemp(), "model.keras")
    >>> model.save(path)
    >>> loaded = tf.keras.models.load_model(path)
    >>> x = np.ones((1, 3), np.float32)
    >>> bool(np.array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0)))
    True
    """
    filepath = os.fspath(filepath)
    files = _read_files(filepath)
    try:
        config = json.loads(files[_CONFIG])
        metadata = json.loads(files[_METADATA])
    except ValueError as error:
        raise ValueError("load_model: %s has a broken JSON file: %s" % (filepath, error)) from None
    if metadata.get("format") != FORMAT:
        raise ValueError("load_model: %s was not written by this library's model.save "
                         "(format %r, expected %r)" % (filepath, metadata.get("format"), FORMAT))
    # Stage 4's Model and Sequential (the ones that train) stand in for stage 3's.
    from .models import Model, Sequential
    custom_objects = {"Model": Model, "Sequential": Sequential, **(custom_objects or {})}
    model = serialization.deserialize(
        {"class_name": config["class_name"], "config": config["config"]}, custom_objects)
    shape = config.get("build_input_shape")
    if not model.built and shape is not None:
        model.build(tuple(shape))
    arrays = _load_npz(files[_WEIGHTS], "the weights of %s" % filepath)
    ordered = [arrays[key] for key in sorted(arrays)]
    _assign(model, ordered, [w.get("name") for w in metadata.get("weights", [])], filepath)
    compile_config = config.get("compile_config")
    if compile and compile_config:
        _compile_from_config(model, compile_config, custom_objects)
    return model


def _compile_from_config(model, compile_config, custom_objects):
    from . import losses, metrics, optimizers, utils

    with serialization.custom_object_scope(custom_objects):
        def loss(value):
            if isinstance(value, (list, tuple)):
                return [loss(v) for v in value]
            if isinstance(value, dict) and "class_name" in value:
                found = utils.get_registered_object(value["class_name"])
                return (found.from_config(value["config"]) if found is not None
                        else losses.deserialize(value))
            if isinstance(value, str):
                found = utils.get_registered_object(value)
                return found if found is not None else value
            return value

        def metric(value):
            if isinstance(value, (list, tuple)):
                return [metric(v) for v in value]
            if isinstance(value, dict) and "class_name" in value:
                found = utils.get_registered_object(value["class_name"])
                return (found.from_config(value["config"]) if found is not None
                        else metrics.deserialize(value))
            if isinstance(value, str):
                found = utils.get_registered_object(value)
                return found if found is not None else value
            return value

        optimizer = compile_config.get("optimizer")
        if isinstance(optimizer, dict):
            optimizer = optimizers.deserialize(optimizer)
        model.compile(optimizer=optimizer if optimizer is not None else "rmsprop",
                      loss=loss(compile_config.get("loss")),
                      metrics=metric(compile_config.get("metrics")),
                      loss_weights=compile_config.get("loss_weights"))
