"""``tf.config``: the devices there are, which ones ops may use, soft placement.

>>> import stage5_gpu as tf
>>> tf.config.list_physical_devices("CPU")
[PhysicalDevice(name='/physical_device:CPU:0', device_type='CPU')]
>>> tf.config.list_logical_devices("CPU")
[LogicalDevice(name='/device:CPU:0', device_type='CPU')]
"""

import collections

from .. import devices as _devices
from ..devices import get_soft_device_placement, set_soft_device_placement  # noqa: F401
from . import experimental  # noqa: F401

__all__ = ["PhysicalDevice", "LogicalDevice", "list_physical_devices",
           "list_logical_devices", "set_visible_devices", "get_visible_devices",
           "set_soft_device_placement", "get_soft_device_placement", "experimental"]

PhysicalDevice = collections.namedtuple("PhysicalDevice", ["name", "device_type"])
PhysicalDevice.__doc__ = """A device the machine has, as ``list_physical_devices`` lists it.

>>> import stage5_gpu as tf
>>> tf.config.PhysicalDevice("/physical_device:CPU:0", "CPU").device_type
'CPU'
"""
LogicalDevice = collections.namedtuple("LogicalDevice", ["name", "device_type"])
LogicalDevice.__doc__ = """A device ops can run on (a visible one), as ``list_logical_devices`` lists it.

>>> import stage5_gpu as tf
>>> tf.config.LogicalDevice("/device:CPU:0", "CPU").name
'/device:CPU:0'
"""


def _type_filter(device_type, where):
    if device_type is None:
        return None
    if not isinstance(device_type, str):
        raise TypeError("%s: device_type must be a string such as 'GPU' or 'CPU', got %r"
                        % (where, device_type))
    return device_type.upper()


def _physical(gpu_indices, device_type, where):
    wanted = _type_filter(device_type, where)
    found = [PhysicalDevice("/physical_device:CPU:0", "CPU")]
    found += [PhysicalDevice("/physical_device:GPU:%d" % i, "GPU") for i in gpu_indices]
    return [d for d in found if wanted is None or d.device_type == wanted]


def list_physical_devices(device_type=None):
    """The devices this machine has (GPUs need CuPy and CUDA), optionally of one type.

    >>> import stage5_gpu as tf
    >>> [d.device_type for d in tf.config.list_physical_devices()][0]
    'CPU'
    """
    return _physical(range(_devices._physical_gpu_count()), device_type,
                     "list_physical_devices")


def get_visible_devices(device_type=None):
    """The physical devices ops may use (all, unless ``set_visible_devices`` hid some).

    >>> import stage5_gpu as tf
    >>> tf.config.get_visible_devices("CPU")
    [PhysicalDevice(name='/physical_device:CPU:0', device_type='CPU')]
    """
    return _physical(_devices._gpu_indices(), device_type, "get_visible_devices")


def list_logical_devices(device_type=None):
    """The devices ops can run on: one per visible physical device.

    >>> import stage5_gpu as tf
    >>> tf.config.list_logical_devices("GPU") == [] or True
    True
    """
    return [LogicalDevice(d.name.replace("/physical_device:", "/device:"), d.device_type)
            for d in get_visible_devices(device_type)]


def set_visible_devices(devices, device_type=None):
    """Lets ops use only ``devices`` (a PhysicalDevice or a list of them) of
    ``device_type``; ``set_visible_devices([], "GPU")`` keeps everything on the CPU.

    >>> import stage5_gpu as tf
    >>> tf.config.set_visible_devices(tf.config.list_physical_devices())
    """
    wanted = _type_filter(device_type, "set_visible_devices")
    if isinstance(devices, PhysicalDevice):
        devices = [devices]
    try:
        devices = list(devices)
    except TypeError:
        raise TypeError("set_visible_devices: expected a PhysicalDevice or a list of them "
                        "(from tf.config.list_physical_devices), got %r" % (devices,)) from None
    known = list_physical_devices()
    for d in devices:
        if d not in known:
            raise ValueError("set_visible_devices: %r is not a device of this machine; "
                             "the devices are %s" % (d, known))
        if wanted is not None and d.device_type != wanted:
            raise ValueError("set_visible_devices: %r is not of device_type %r"
                             % (d, device_type))
    if wanted in (None, "CPU") and not any(d.device_type == "CPU" for d in devices):
        raise ValueError("set_visible_devices: the CPU must stay visible; "
                         "pass device_type='GPU' to choose the GPUs only")
    if wanted in (None, "GPU"):
        _devices._set_visible_gpus(int(d.name.rsplit(":", 1)[1]) for d in devices
                                   if d.device_type == "GPU")
