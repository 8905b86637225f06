"""``tf.config.experimental``: GPU memory statistics (and the device listings).

Memory statistics exist for GPUs only; they come from CuPy's memory pool, which
keeps the memory freed arrays give back for the next arrays. ``current`` is the
memory arrays use now, ``peak`` the most they used since the last
``reset_memory_stats``. On the CPU both raise ValueError, as in TensorFlow.

>>> import stage5_gpu as tf
>>> try:
...     tf.config.experimental.get_memory_info("CPU:0")
... except ValueError as error:
...     print("ValueError")
ValueError
"""

from .. import devices as _devices

__all__ = ["get_memory_info", "reset_memory_stats", "get_memory_usage"]

_peaks = {}           # GPU index -> peak bytes used since the last reset
_tracking = [False]


def _gpu_index(device, where):
    """The GPU index that ``device`` names; ValueError for anything else."""
    try:
        device_type, index = _devices.parse_device(device)
    except TypeError as error:
        raise ValueError("%s: %s" % (where, error)) from None
    if device_type is None or index is None:
        raise ValueError("%s: invalid device name %r: name one device with its index, "
                         "such as 'GPU:0'" % (where, device))
    if device_type != "GPU":
        raise ValueError("%s: memory statistics are kept for GPUs only, not for %s:%d; "
                         "NumPy arrays on the CPU live in ordinary host memory"
                         % (where, device_type, index))
    if index not in _devices._gpu_indices():
        raise ValueError("%s: no device found with the name %r; the devices are [%s]"
                         % (where, device, ", ".join(_devices.available_devices())))
    return index


def _pool():
    """CuPy's default memory pool, with an allocator that keeps each GPU's peak."""
    cupy = _devices.backends.cupy_backend().xp
    pool = cupy.get_default_memory_pool()
    if not _tracking[0]:
        def malloc(size):
            memory = pool.malloc(size)
            index = cupy.cuda.Device().id
            _peaks[index] = max(_peaks.get(index, 0), pool.used_bytes())
            return memory
        cupy.cuda.set_allocator(malloc)
        _tracking[0] = True
    return cupy, pool


def get_memory_info(device):
    """``{'current': bytes, 'peak': bytes}`` of a GPU such as ``"GPU:0"``.

    >>> import stage5_gpu as tf
    >>> if tf.config.list_logical_devices("GPU"):
    ...     assert set(tf.config.experimental.get_memory_info("GPU:0")) == {"current", "peak"}
    """
    index = _gpu_index(device, "get_memory_info")
    cupy, pool = _pool()
    with cupy.cuda.Device(index):
        current = pool.used_bytes()
    peak = max(_peaks.get(index, 0), current)
    return {"current": int(current), "peak": int(peak)}


def get_memory_usage(device):
    """The ``current`` bytes of ``get_memory_info`` (TensorFlow's older name).

    >>> import stage5_gpu as tf
    >>> if tf.config.list_logical_devices("GPU"):
    ...     assert tf.config.experimental.get_memory_usage("GPU:0") >= 0
    """
    return get_memory_info(device)["current"]


def reset_memory_stats(device):
    """Starts a GPU's ``peak`` again from its ``current`` use.

    >>> import stage5_gpu as tf
    >>> if tf.config.list_logical_devices("GPU"):
    ...     tf.config.experimental.reset_memory_stats("GPU:0")
    """
    index = _gpu_index(device, "reset_memory_stats")
    cupy, pool = _pool()
    with cupy.cuda.Device(index):
        _peaks[index] = pool.used_bytes()


if _devices.num_gpus():      # keep peaks from the start when there is a GPU
    _pool()
