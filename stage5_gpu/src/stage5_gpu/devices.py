"""Devices: where a tensor lives and where an op runs.

A device is named as TensorFlow names it, ``/job:localhost/replica:0/task:0/
device:GPU:0``; ``tf.device`` also takes the short forms ``"/gpu:0"``,
``"GPU:0"``, ``"/device:CPU:0"`` (any case). Placement follows TensorFlow 2's
eager rules:

* an op runs where its inputs are; inside ``with tf.device(name):`` it runs on
  that device instead, and its inputs are copied there;
* inputs on different devices are copied to the op's device (with no scope:
  the first input that is on a GPU);
* ops with no tensor inputs (``zeros``, ``random.normal``) and constants are
  made on the scope's device, or with no scope on GPU:0 if there is a visible
  GPU, else on the CPU;
* *soft placement* (on by default): a scope naming a device that is not there,
  or an op with no kernel for it, runs on the CPU. With it off
  (``tf.config.set_soft_device_placement(False)``) such an op raises.

Stage 1 gives the mechanism: a per-thread default-backend stack
(``backends.default_backend_scope``) and a placement hook
(``convert.set_placer``); this module is the policy. Copies are an op,
``CopyToDevice``, so the tape sees them; its gradient copies back.

>>> import stage5_gpu as tf
>>> with tf.device("/cpu:0"):
...     x = tf.zeros([2])
>>> x.device
'/job:localhost/replica:0/task:0/device:CPU:0'
>>> x.cpu().device
'/job:localhost/replica:0/task:0/device:CPU:0'
"""

import contextlib
import functools
import threading

import numpy as np

from stage1_tensors import backends, convert
from stage1_tensors.dispatch import execute
from stage1_tensors.errors import InvalidArgumentError
from stage1_tensors.registry import define_op
from stage1_tensors.tensor import Tensor
from stage2_autodiff.registry import register_gradient

__all__ = ["device", "parse_device", "device_name", "num_gpus", "available_devices",
           "set_soft_device_placement", "get_soft_device_placement", "copy_to_device"]

_PREFIX = "/job:localhost/replica:0/task:0/device:"
_SHORT_TYPES = ("CPU", "GPU", "TPU")


# --- names ---------------------------------------------------------------------
def parse_device(name):
    """``(device_type, index)`` for a device string; ``(None, None)`` for a
    string naming no device (``""``, ``"/job:localhost"``). Index None means
    "any" (``"/gpu"``). A malformed string raises ValueError, as TensorFlow's.

    >>> from stage5_gpu.devices import parse_device
    >>> parse_device("/gpu:1"), parse_device("/job:localhost/replica:0/task:0/device:CPU:0")
    (('GPU', 1), ('CPU', 0))
    """
    if not isinstance(name, str):
        raise TypeError("a device name must be a string such as '/cpu:0' or 'GPU:0', "
                        "got %r (%s)" % (name, type(name).__name__))
    device_type = index = None
    for part in name.split("/"):
        fields = part.split(":")
        key = fields[0].lower()
        if part == "":
            continue
        if len(fields) == 2 and key in ("job", "replica", "task"):
            if key != "job":
                _number(fields[1], key, name)
            continue
        if key == "device" and len(fields) == 3 or fields[0].upper() in _SHORT_TYPES \
                and len(fields) <= 2:
            if device_type is not None:
                raise ValueError("device name %r names more than one device type" % name)
            kind, number = (fields[1], fields[2]) if key == "device" else \
                (fields[0], fields[1] if len(fields) == 2 else "*")
            device_type = kind.upper()
            index = None if number == "*" else _number(number, "device index", name)
            continue
        raise ValueError(
            "unknown part %r in device name %r; write a device as '/cpu:0', 'GPU:1', "
            "'/device:GPU:0' or '/job:localhost/replica:0/task:0/device:CPU:0'"
            % (part, name))
    return device_type, index


def _number(text, what, name):
    if not text.isdigit():
        raise ValueError("the %s in device name %r must be a non-negative integer, "
                         "got %r" % (what, name, text))
    return int(text)


def device_name(device_type, index=0):
    """TensorFlow's full name of a device.

    >>> from stage5_gpu.devices import device_name
    >>> device_name("GPU", 1)
    '/job:localhost/replica:0/task:0/device:GPU:1'
    """
    return "%s%s:%d" % (_PREFIX, device_type, index)


# --- the devices there are -------------------------------------------------------
@functools.lru_cache(maxsize=None)
def _physical_gpu_count():
    if backends.cupy_backend() is None:
        return 0
    return int(backends.cupy_backend().xp.cuda.runtime.getDeviceCount())


_visible_gpus = None     # None: all of them (config.set_visible_devices sets a list)


def _gpu_indices():
    """The indices of the GPUs ops may use (the visible ones)."""
    if _visible_gpus is None:
        return list(range(_physical_gpu_count()))
    return list(_visible_gpus)


def _set_visible_gpus(indices):
    global _visible_gpus
    _visible_gpus = list(indices)
    gpu = backends.cupy_backend() if _visible_gpus else None
    backends.set_default_backend(gpu if gpu is not None and 0 in _visible_gpus
                                 else backends.NUMPY)


def num_gpus():
    """How many GPUs ops can run on (``tfe.num_gpus()``): 0 without CuPy and a GPU.

    >>> import stage5_gpu as tf
    >>> tf.contrib.eager.num_gpus() == len(tf.config.list_logical_devices("GPU"))
    True
    """
    return len(_gpu_indices())


def available_devices():
    """The full names of the devices ops can run on, CPU first.

    >>> from stage5_gpu.devices import available_devices
    >>> available_devices()[0]
    '/job:localhost/replica:0/task:0/device:CPU:0'
    """
    return [device_name("CPU", 0)] + [device_name("GPU", i) for i in _gpu_indices()]


# --- soft placement ---------------------------------------------------------------
_soft_placement = [True]


def set_soft_device_placement(enabled):
    """Soft placement on (TensorFlow 2's default) or off; see the module docstring.

    >>> import stage5_gpu as tf
    >>> tf.config.set_soft_device_placement(True)
    """
    _soft_placement[0] = bool(enabled)


def get_soft_device_placement():
    """Whether soft placement is on.

    >>> import stage5_gpu as tf
    >>> tf.config.get_soft_device_placement()
    True
    """
    return _soft_placement[0]


# --- scopes -----------------------------------------------------------------------
class _Scopes(threading.local):
    def __init__(self):
        self.stack = []      # the (device_type, index) each open scope asked for


_scopes = _Scopes()


@contextlib.contextmanager
def device(device_name):
    """``with tf.device(name):`` runs the block's ops on that device.

    Scopes nest (the innermost wins; one naming no device type keeps the outer
    one's), belong to the thread that opened them, and ``tf.device(None)``
    goes back to default placement.

    >>> import stage5_gpu as tf
    >>> with tf.device("CPU:0"):
    ...     with tf.device(None):
    ...         y = tf.ones([1])
    >>> y.device.endswith("CPU:0")
    True
    """
    if callable(device_name):
        raise RuntimeError("tf.device does not take a function when executing "
                           "eagerly; give a device name such as '/gpu:0'")
    wanted = (None, None) if device_name is None else parse_device(device_name)
    if wanted[0] is None and device_name is not None and _scopes.stack:
        wanted = _scopes.stack[-1]           # a job-only name keeps the outer device
    _scopes.stack.append(wanted)
    try:
        # None: the process-wide default; a missing device: the CPU (with soft
        # placement off, the placer refuses the block's ops instead)
        backend = None if wanted[0] is None else _backend_for(wanted, None, strict=False)
        with backends.default_backend_scope(backend):
            yield
    finally:
        _scopes.stack.pop()


def _backend_for(wanted, op, strict=True):
    """``(backend, index)``'s backend where ``wanted`` resolves: the GPU backend,
    NUMPY, or, with soft placement off and the device missing, an error."""
    device_type, index = wanted
    if device_type == "CPU" and index in (None, 0):
        return backends.NUMPY
    if device_type == "GPU" and (0 if index is None else index) in _gpu_indices() \
            and (op is None or "GPU" in op.kernels):
        return backends.cupy_backend()
    if get_soft_device_placement() or not strict:
        return backends.NUMPY
    raise _unsatisfiable(wanted, op)


def _unsatisfiable(wanted, op):
    name = device_name(wanted[0], 0 if wanted[1] is None else wanted[1])
    devices = ", ".join(available_devices())
    if op is None:
        return RuntimeError("%s unknown device: there is none here; the devices are [%s] "
                            "(turn soft placement on with tf.config."
                            "set_soft_device_placement(True) to use the CPU instead)"
                            % (name, devices))
    return InvalidArgumentError(
        "Could not satisfy device specification '%s'. enable_soft_placement=0. "
        "All available devices [%s]. [Op:%s] (turn soft placement on with "
        "tf.config.set_soft_device_placement(True) to run it on the CPU)"
        % (name, devices, op.name), op=op.api_name)


# --- placement: stage 5's policy, through stage 1's hook ----------------------------
def _place(op, backend, values):
    """Where ``op`` runs: the scope's device, else (for inputs on different
    devices) the first GPU input's device; the inputs are copied there."""
    wanted = _scopes.stack[-1] if _scopes.stack else (None, None)
    if wanted[0] is None and op is None:           # a new constant: the default device
        return backend, [_to_device(values[0], backend, 0)]
    if wanted[0] is not None:
        target = _backend_for(wanted, op)
        index = wanted[1] or 0
    else:
        on_gpu = [v for v in values if backends.backend_of(v) is not backends.NUMPY]
        if not on_gpu or len(on_gpu) == len(values) and _one_device(on_gpu):
            return backend, values
        target = backends.backend_of(on_gpu[0])
        index = on_gpu[0].device.id
    if target is backends.NUMPY:
        index = 0
    return target, [_to_device(v, target, index) for v in values]


def _one_device(values):
    return len({v.device.id for v in values}) == 1


def _to_device(value, target, index, copy=False):
    """``value`` (an array) on ``target``'s device ``index``; copied when it is
    elsewhere, or when ``copy`` asks for a fresh array."""
    source = backends.backend_of(value)
    if target is backends.NUMPY:
        if source is backends.NUMPY:
            return np.array(value, copy=True) if copy else value
        return source.to_numpy(value)              # device -> host
    cupy = target.xp
    if source is target and value.device.id == index and not copy:
        return value
    with cupy.cuda.Device(index):                  # host (or another GPU) -> GPU index
        return cupy.array(value, copy=True)


convert.set_placer(_place)


# --- copies: an op the tape sees -----------------------------------------------------
CopyToDevice = define_op("CopyToDevice", "copy_to_device", inputs=("input",))


@CopyToDevice.kernel
def _copy_to_device(xp, x, device):
    device_type, index = parse_device(device)
    target = backends.NUMPY if device_type == "CPU" else backends.cupy_backend()
    return _to_device(x, target, index, copy=True)


def _copy_gradient(op, grad):
    return execute(CopyToDevice, (grad,), {"device": op.inputs[0].device})


register_gradient("CopyToDevice", _copy_gradient)


def copy_to_device(tensor, name):
    """A copy of ``tensor`` on the device called ``name`` (which must exist).

    >>> import stage5_gpu as tf
    >>> from stage5_gpu.devices import copy_to_device
    >>> copy_to_device(tf.constant([1.0]), "/cpu:0").device
    '/job:localhost/replica:0/task:0/device:CPU:0'
    """
    device_type, index = parse_device(name)
    full = device_name(device_type or "CPU", index or 0)
    if full not in available_devices():
        raise RuntimeError(
            "Error copying tensor to device: %s. %s unknown device; the devices here are "
            "[%s]" % (full, full, ", ".join(available_devices()))
            + ("" if device_type != "GPU" else
               " (a GPU needs CuPy and a CUDA device; tf.config.list_physical_devices"
               "('GPU') lists the ones found)"))
    if not isinstance(tensor, Tensor):
        raise TypeError("copy_to_device: expected a tensor, got %s"
                        % type(tensor).__name__)
    return execute(CopyToDevice, (tensor,), {"device": full})


def _cpu(self):
    """A copy of this tensor in host memory (``x.cpu()``).

    >>> import stage5_gpu as tf
    >>> tf.constant([1.0, 2.0]).cpu()
    tf.Tensor([1. 2.], shape=(2,), dtype=float32)
    """
    return copy_to_device(self, "/cpu:0")


def _gpu(self, gpu_index=0):
    """A copy of this tensor on GPU ``gpu_index`` (``x.gpu()``); without that
    GPU a RuntimeError lists the devices there are.

    >>> import stage5_gpu as tf
    >>> if tf.config.list_logical_devices("GPU"):
    ...     assert tf.constant([1.0]).gpu().device.endswith("GPU:0")
    """
    if isinstance(gpu_index, bool) or not isinstance(gpu_index, (int, np.integer)):
        raise TypeError("gpu: gpu_index must be an int, got %r" % (gpu_index,))
    return copy_to_device(self, "/gpu:%d" % gpu_index)


Tensor.cpu = _cpu
Tensor.gpu = _gpu

# With a visible GPU and no scope, new tensors go to GPU:0, as in TensorFlow.
if _gpu_indices():
    _set_visible_gpus(_gpu_indices())
