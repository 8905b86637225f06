"""Array backends: which array module (``xp``) and device hold a tensor's value.

Stage 1 computes with NumPy. Kernels are written against an *array module*
argument ``xp`` instead of ``numpy`` itself, so the very same kernel runs on CuPy
when a tensor's value is a CuPy array. This module answers, for a value, "which
device type and which ``xp``?". CuPy is never imported unless a CuPy array shows up.

>>> import numpy as np
>>> from stage1_tensors import backends
>>> backends.backend_of(np.zeros(2)).device_type
'CPU'
"""

import contextlib
import threading

import numpy as np

__all__ = ["Backend", "backend_of", "default_backend", "default_backend_scope",
           "set_default_backend", "cupy_backend", "NUMPY"]


class Backend:
    """One kind of array: its device type ("CPU", "GPU") and its array module.

    >>> from stage1_tensors.backends import NUMPY
    >>> NUMPY.device_type, NUMPY.xp.__name__
    ('CPU', 'numpy')
    """

    __slots__ = ("device_type", "xp", "_device_index", "_to_numpy")

    def __init__(self, device_type, xp, device_index, to_numpy):
        self.device_type = device_type
        self.xp = xp
        self._device_index = device_index
        self._to_numpy = to_numpy

    def device_name(self, value):
        """TensorFlow's full device name for an array of this backend."""
        return "/job:localhost/replica:0/task:0/device:%s:%d" % (
            self.device_type, self._device_index(value))

    def to_numpy(self, value):
        return self._to_numpy(value)

    def __repr__(self):
        return "Backend(%s, %s)" % (self.device_type, self.xp.__name__)


NUMPY = Backend("CPU", np, lambda value: 0, lambda value: value)

# Array type -> Backend. NumPy scalars (np.float32(1.0)) are what NumPy returns
# for 0-d results, so they count as NumPy values too.
_BY_TYPE = {np.ndarray: NUMPY}
for _t in (np.float16, np.float32, np.float64, np.int8, np.int16, np.int32,
           np.int64, np.uint8, np.bool_, np.complex64, np.complex128):
    _BY_TYPE[_t] = NUMPY

_cupy_backend = None


def cupy_backend():
    """The CuPy backend, or None when CuPy or a GPU is missing.

    >>> from stage1_tensors import backends
    >>> backends.cupy_backend() is None or backends.cupy_backend().device_type == "GPU"
    True
    """
    global _cupy_backend
    if _cupy_backend is None:
        try:
            import cupy
            if cupy.cuda.runtime.getDeviceCount() < 1:
                return None
        except Exception:  # no CuPy, no driver, no device: all mean "no GPU"
            return None
        _cupy_backend = Backend("GPU", cupy, lambda value: value.device.id,
                                cupy.asnumpy)
        _BY_TYPE[cupy.ndarray] = _cupy_backend
    return _cupy_backend


def backend_of(value):
    """The Backend of an array value (NumPy or CuPy); None for anything else.

    >>> import numpy as np
    >>> from stage1_tensors import backends
    >>> backends.backend_of(np.float32(1.0)).xp is np
    True
    """
    found = _BY_TYPE.get(type(value))
    if found is None and type(value).__module__.startswith("cupy"):
        backend = cupy_backend()
        if backend is not None and isinstance(value, backend.xp.ndarray):
            return backend
    return found


# Ops with no tensor inputs (zeros, random.normal) run on the default backend:
# the innermost one this thread pushed with ``default_backend_scope``, else the
# process-wide one. Stage 5's device scopes push here. ``_scoped`` maps a thread
# id to its pushed backends; it is empty (falsy) unless some thread is inside a
# scope, so the dispatcher pays one test for the feature (``convert.op_inputs``).
_scoped = {}
_process_default = [NUMPY]
_get_ident = threading.get_ident


def default_backend():
    """The backend that ops without tensor inputs create their results on.

    >>> from stage1_tensors import backends
    >>> backends.default_backend().device_type
    'CPU'
    """
    stack = _scoped.get(_get_ident()) if _scoped else None
    return (stack[-1] if stack else None) or _process_default[0]


@contextlib.contextmanager
def default_backend_scope(backend):
    """Inside the block, this thread's ops without tensor inputs use ``backend``
    (None: the process-wide default). Scopes nest; other threads are not affected.

    >>> from stage1_tensors import backends
    >>> with backends.default_backend_scope(backends.NUMPY):
    ...     backends.default_backend() is backends.NUMPY
    True
    """
    ident = _get_ident()
    stack = _scoped.setdefault(ident, [])
    stack.append(backend)
    try:
        yield backend
    finally:
        stack.pop()
        if not stack and _scoped.get(ident) is stack:
            del _scoped[ident]


def set_default_backend(backend):
    """Makes ``backend`` the process-wide default (where a thread outside any
    scope creates new tensors); returns the previous one.

    >>> from stage1_tensors import backends
    >>> backends.set_default_backend(backends.NUMPY) is backends.NUMPY
    True
    """
    previous, _process_default[0] = _process_default[0], backend
    return previous
