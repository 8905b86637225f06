"""``tf.test``: stage 2's gradient checker and the GPU questions tests ask.

>>> import stage5_gpu as tf
>>> tf.test.is_gpu_available() == bool(tf.config.list_logical_devices("GPU"))
True
"""

import importlib.util

from stage2_autodiff.test import *  # noqa: F401,F403
from stage2_autodiff.test import compute_gradient, max_error  # noqa: F401

from . import devices as _devices

__all__ = ["compute_gradient", "max_error", "is_gpu_available", "is_built_with_cuda",
           "gpu_device_name"]


def is_gpu_available(cuda_only=False, min_cuda_compute_capability=None):
    """Whether ops can run on a GPU here (CuPy found a visible CUDA device).

    ``min_cuda_compute_capability`` (a ``(major, minor)`` pair) also asks the
    GPU to be at least that capable.

    >>> import stage5_gpu as tf
    >>> tf.test.is_gpu_available() in (True, False)
    True
    """
    if not _devices.num_gpus():
        return False
    if min_cuda_compute_capability is None:
        return True
    cupy = _devices.backends.cupy_backend().xp
    wanted = tuple(min_cuda_compute_capability)
    for index in _devices._gpu_indices():
        capability = cupy.cuda.Device(index).compute_capability     # e.g. "90"
        if (int(capability[:-1]), int(capability[-1])) >= wanted:
            return True
    return False


def is_built_with_cuda():
    """Whether GPU support is installed: here, whether the CuPy package is.

    >>> import stage5_gpu as tf
    >>> tf.test.is_built_with_cuda() in (True, False)
    True
    """
    return importlib.util.find_spec("cupy") is not None


def gpu_device_name():
    """``'/device:GPU:0'`` when a GPU is available, else ``''``.

    >>> import stage5_gpu as tf
    >>> tf.test.gpu_device_name() in ("", "/device:GPU:0")
    True
    """
    indices = _devices._gpu_indices()
    return "/device:GPU:%d" % indices[0] if indices else ""
