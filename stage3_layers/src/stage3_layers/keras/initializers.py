"""Initializers: where a layer's first weights come from.

An initializer is a callable ``init(shape, dtype) -> Tensor``. The random ones
draw from ``tf.random``, so ``tf.random.set_seed(s)`` makes a model's initial
weights reproducible. Most are *variance scaling*: they pick the spread of the
weights from the number of inputs (``fan_in``) and outputs (``fan_out``) of a
unit, so signals neither explode nor vanish through many layers.

>>> import stage3_layers as tf
>>> tf.keras.initializers.Ones()(shape=(2, 2))
tf.Tensor([[1. 1.]
           [1. 1.]], shape=(2, 2), dtype=float32)
>>> tf.keras.initializers.get("glorot_uniform")
GlorotUniform()
"""

import functools
import math

import numpy as np

import stage2_autodiff as tf
from stage1_tensors.errors import OpError

from . import backend

__all__ = ["weight_shape", "Initializer", "Zeros", "Ones", "Constant", "RandomNormal",
           "RandomUniform", "TruncatedNormal", "VarianceScaling", "GlorotUniform",
           "GlorotNormal", "HeNormal", "HeUniform", "LecunNormal", "LecunUniform",
           "Orthogonal", "Identity", "get", "serialize"]

# A normal distribution cut at two standard deviations keeps this fraction of
# its spread; dividing by it gives the truncated draws the intended stddev.
_TRUNCATED_STDDEV_CORRECTION = 0.87962566103423978


def _dtype(dtype):
    return tf.as_dtype(dtype or backend.floatx())


def _floating(dtype, who):
    dtype = _dtype(dtype)
    if not dtype.is_floating:
        raise ValueError("%s only makes floating-point values, but dtype %s was "
                         "asked for; use Zeros, Ones or Constant" % (who, dtype.name))
    return dtype


def weight_shape(shape, who):
    """``shape`` as a tuple of non-negative Python ints, or a ValueError naming
    ``who`` (the initializer or layer asking) and saying what a shape looks like.

    A weight's shape is a list, tuple or ``TensorShape`` of sizes, or a 1-D
    integer tensor; ``None``, a string, a number alone, a nested list, a
    negative or unknown size are refused here, before any op sees them.

    >>> from stage3_layers.keras.initializers import weight_shape
    >>> weight_shape([2, 3], "GlorotUniform")
    (2, 3)
    >>> weight_shape(None, "GlorotUniform")
    Traceback (most recent call last):
    ...
    ValueError: GlorotUniform: a weight shape must be a list or tuple of sizes >= 0 such as (3, 4), got None
    """
    def refuse():
        text = repr(shape)
        if len(text) > 60:
            text = text[:57] + "..."
        raise ValueError("%s: a weight shape must be a list or tuple of sizes >= 0 such "
                         "as (3, 4), got %s" % (who, text))
    if isinstance(shape, tf.TensorShape):
        if shape.rank is None:
            refuse()
        shape = list(shape)
    elif isinstance(shape, (tf.Tensor, np.ndarray)):
        array = shape.numpy() if isinstance(shape, tf.Tensor) else shape
        if array.ndim != 1 or array.dtype.kind not in "iu":
            refuse()
        shape = array.tolist()
    if not isinstance(shape, (list, tuple)):
        refuse()
    sizes = []
    for size in shape:
        if (isinstance(size, (bool, np.bool_)) or not isinstance(size, (int, np.integer))
                or size < 0):
            refuse()
        sizes.append(int(size))
    return tuple(sizes)


def _naming_the_initializer(call):
    """Wraps an initializer's ``__call__``: the shape is checked first
    (``weight_shape``), and any TypeError, ValueError or op error after that is
    restated with the initializer's class name (``GlorotUniform: as_dtype:
    cannot interpret 'foo' as a dtype ...``), keeping its class."""
    @functools.wraps(call)
    def __call__(self, shape, dtype=None, **kwargs):
        name = type(self).__name__
        shape = weight_shape(shape, name)
        try:
            return call(self, shape, dtype=dtype, **kwargs)
        except (TypeError, ValueError, OpError) as error:
            message = str(error)
            if message.startswith(name):
                raise
            message = "%s: %s" % (name, message)
            if isinstance(error, OpError):
                raise type(error)(message, op=error.op) from error
            raise (TypeError if isinstance(error, TypeError) else ValueError)(
                message) from error
    return __call__


class Initializer:
    """Base class: subclasses implement ``__call__(shape, dtype=None)``.

    >>> import stage3_layers as tf
    >>> class Twos(tf.keras.initializers.Initializer):
    ...     def __call__(self, shape, dtype=None, **kwargs):
    ...         return tf.fill(shape, tf.constant(2.0, dtype or "float32"))
    >>> tf.keras.layers.Dense(1, kernel_initializer=Twos())(tf.ones([1, 2]))
    tf.Tensor([[4.]], shape=(1, 1), dtype=float32)
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "__call__" in vars(cls):
            cls.__call__ = _naming_the_initializer(vars(cls)["__call__"])

    def __call__(self, shape, dtype=None, **kwargs):
        raise NotImplementedError("%s must implement __call__(shape, dtype=None)"
                                  % type(self).__name__)

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        args = ", ".join("%s=%r" % kv for kv in self.get_config().items())
        return "%s(%s)" % (type(self).__name__, args)


class Zeros(Initializer):
    """All zeros.

    >>> import stage3_layers as tf
    >>> tf.keras.initializers.Zeros()((2,), dtype="int32")
    tf.Tensor([0 0], shape=(2,), dtype=int32)
    """

    def __call__(self, shape, dtype=None, **kwargs):
        return tf.zeros(shape, dtype=_dtype(dtype))


class Ones(Initializer):
    """All ones.

    >>> import stage3_layers as tf
    >>> tf.keras.initializers.Ones()((3,))
    tf.Tensor([1. 1. 1.], shape=(3,), dtype=float32)
    """

    def __call__(self, shape, dtype=None, **kwargs):
        return tf.ones(shape, dtype=_dtype(dtype))


class Constant(Initializer):
    """Every element ``value``, or ``value`` itself when it is an array of the right shape.

    >>> import stage3_layers as tf
    >>> tf.keras.initializers.Constant(0.5)((2,))
    tf.Tensor([0.5 0.5], shape=(2,), dtype=float32)
    """

    def __init__(self, value=0):
        self.value = value

    def __call__(self, shape, dtype=None, **kwargs):
        dtype = _dtype(dtype)
        value = np.asarray(self.value, dtype=dtype.name)
        shape = tuple(shape)
        if value.shape != shape:
            if value.size != 1:
                raise ValueError("Constant: a value of shape %s cannot fill shape %s"
                                 % (value.shape, shape))
            # tf.fill, not np.full: a shape too big for memory is then refused
            # as the op error ResourceExhaustedError, like every other op's.
            return tf.fill(shape, tf.constant(value.reshape(())))
        return tf.constant(value)

    def get_config(self):
        return {"value": self.value}


class RandomNormal(Initializer):
    """Normal draws with ``mean`` and ``stddev``.

    >>> import stage3_layers as tf
    >>> tf.keras.initializers.RandomNormal(stddev=1.0)((2, 3)).shape
    TensorShape([2, 3])
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean, self.stddev, self.seed = mean, stddev, seed

    def __call__(self, shape, dtype=None, **kwargs):
        dtype = _floating(dtype, "RandomNormal")
        return tf.random.normal(shape, self.mean, self.stddev, dtype=dtype, seed=self.seed)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class RandomUniform(Initializer):
    """Uniform draws in ``[minval, maxval)``.

    >>> import stage3_layers as tf
    >>> w = tf.keras.initializers.RandomUniform(-1.0, 1.0)((100,))
    >>> bool(tf.reduce_max(w) < 1.0)
    True
    """

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval, self.maxval, self.seed = minval, maxval, seed

    def __call__(self, shape, dtype=None, **kwargs):
        dtype = _dtype(dtype)
        return tf.random.uniform(shape, self.minval, self.maxval, dtype=dtype,
                                 seed=self.seed)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


class TruncatedNormal(Initializer):
    """Normal draws, redrawn when further than two ``stddev`` from the ``mean``.

    >>> import stage3_layers as tf
    >>> w = tf.keras.initializers.TruncatedNormal(stddev=1.0)((1000,))
    >>> bool(tf.reduce_max(tf.abs(w)) <= 2.0)
    True
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean, self.stddev, self.seed = mean, stddev, seed

    def __call__(self, shape, dtype=None, **kwargs):
        dtype = _floating(dtype, "TruncatedNormal")
        return tf.random.truncated_normal(shape, self.mean, self.stddev, dtype=dtype,
                                          seed=self.seed)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


def compute_fans(shape):
    """``(fan_in, fan_out)`` of a weight of ``shape``; a conv kernel's
    ``(kh, kw, in, out)`` counts ``kh * kw`` per channel.

    >>> from stage3_layers.keras import initializers
    >>> initializers.compute_fans((784, 128)), initializers.compute_fans((3, 3, 1, 32))
    ((784, 128), (9, 288))
    """
    shape = tuple(shape)
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = int(np.prod(shape[:-2]))
    return shape[-2] * receptive, shape[-1] * receptive


class VarianceScaling(Initializer):
    """Draws with variance ``scale / n``, where ``n`` is ``fan_in``, ``fan_out``
    or their average (``mode``); ``distribution`` is ``"truncated_normal"``,
    ``"untruncated_normal"`` or ``"uniform"``.

    >>> import stage3_layers as tf
    >>> tf.keras.initializers.VarianceScaling(2.0, "fan_in")((4, 4)).shape
    TensorShape([4, 4])
    """

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal",
                 seed=None):
        if scale <= 0:
            raise ValueError("VarianceScaling: scale must be positive, got %r" % (scale,))
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError("VarianceScaling: mode must be 'fan_in', 'fan_out' or "
                             "'fan_avg', got %r" % (mode,))
        if distribution == "normal":
            distribution = "truncated_normal"
        if distribution not in ("truncated_normal", "untruncated_normal", "uniform"):
            raise ValueError("VarianceScaling: distribution must be 'truncated_normal', "
                             "'untruncated_normal' or 'uniform', got %r" % (distribution,))
        self.scale, self.mode, self.distribution, self.seed = scale, mode, distribution, seed

    def __call__(self, shape, dtype=None, **kwargs):
        dtype = _floating(dtype, type(self).__name__)
        fan_in, fan_out = compute_fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out,
             "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        variance = self.scale / max(1.0, n)
        if self.distribution == "truncated_normal":
            stddev = math.sqrt(variance) / _TRUNCATED_STDDEV_CORRECTION
            return tf.random.truncated_normal(shape, 0.0, stddev, dtype=dtype, seed=self.seed)
        if self.distribution == "untruncated_normal":
            return tf.random.normal(shape, 0.0, math.sqrt(variance), dtype=dtype,
                                    seed=self.seed)
        limit = math.sqrt(3.0 * variance)
        return tf.random.uniform(shape, -limit, limit, dtype=dtype, seed=self.seed)

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode,
                "distribution": self.distribution, "seed": self.seed}


def _preset(name, scale, mode, distribution, doc):
    def __init__(self, seed=None):
        VarianceScaling.__init__(self, scale, mode, distribution, seed)

    def get_config(self):
        return {"seed": self.seed} if self.seed is not None else {}
    return type(name, (VarianceScaling,), {"__init__": __init__, "get_config": get_config,
                                           "__doc__": doc, "__module__": __name__})


GlorotUniform = _preset("GlorotUniform", 1.0, "fan_avg", "uniform", """\
Uniform in ``[-limit, limit]`` with ``limit = sqrt(6 / (fan_in + fan_out))``; the default.

    >>> import stage3_layers as tf
    >>> w = tf.keras.initializers.GlorotUniform()((784, 128))
    >>> bool(tf.reduce_max(tf.abs(w)) <= (6 / (784 + 128)) ** 0.5)
    True
    """)
GlorotNormal = _preset("GlorotNormal", 1.0, "fan_avg", "truncated_normal", """\
Truncated normal with ``stddev = sqrt(2 / (fan_in + fan_out))``.

    >>> import stage3_layers as tf
    >>> tf.keras.initializers.GlorotNormal()((2, 2)).shape
    TensorShape([2, 2])
    """)
HeNormal = _preset("HeNormal", 2.0, "fan_in", "truncated_normal", """\
Truncated normal with ``stddev = sqrt(2 / fan_in)`` (for ReLU layers), as TensorFlow:
the draws are cut at two standard deviations and rescaled so that this *is* their stddev.

    >>> import stage3_layers as tf
    >>> tf.keras.initializers.HeNormal()((3, 3, 1, 8)).shape
    TensorShape([3, 3, 1, 8])
    """)
HeUniform = _preset("HeUniform", 2.0, "fan_in", "uniform", """\
Uniform in ``[-limit, limit]`` with ``limit = sqrt(6 / fan_in)``.

    >>> import stage3_layers as tf
    >>> tf.keras.initializers.HeUniform()((4, 2)).shape
    TensorShape([4, 2])
    """)
LecunNormal = _preset("LecunNormal", 1.0, "fan_in", "truncated_normal", """\
Truncated normal with ``stddev = sqrt(1 / fan_in)`` (for SELU layers).

    >>> import stage3_layers as tf
    >>> tf.keras.initializers.LecunNormal()((4, 2)).shape
    TensorShape([4, 2])
    """)
LecunUniform = _preset("LecunUniform", 1.0, "fan_in", "uniform", """\
Uniform in ``[-limit, limit]`` with ``limit = sqrt(3 / fan_in)``.

    >>> import stage3_layers as tf
    >>> tf.keras.initializers.LecunUniform()((4, 2)).shape
    TensorShape([4, 2])
    """)


class Orthogonal(Initializer):
    """A random orthogonal matrix (times ``gain``): the QR decomposition of normal
    draws. Recurrent kernels start this way so repeated steps keep the scale.

    >>> import numpy as np
    >>> import stage3_layers as tf
    >>> q = tf.keras.initializers.Orthogonal()((3, 3)).numpy()
    >>> bool(np.allclose(q @ q.T, np.eye(3), atol=1e-5))
    True
    """

    def __init__(self, gain=1.0, seed=None):
        self.gain, self.seed = gain, seed

    def __call__(self, shape, dtype=None, **kwargs):
        dtype = _floating(dtype, "Orthogonal")
        shape = tuple(shape)
        if len(shape) < 2:
            raise ValueError("Orthogonal needs a shape of rank >= 2, got %s" % (shape,))
        rows = int(np.prod(shape[:-1]))
        cols = shape[-1]
        draws = tf.random.normal((max(rows, cols), min(rows, cols)), dtype="float64",
                                 seed=self.seed).numpy()
        # Not differentiated, done once: NumPy's QR is fine here.
        q, r = np.linalg.qr(draws)
        q *= np.sign(np.diag(r))      # makes the result uniformly distributed
        if rows < cols:
            q = q.T
        return tf.constant((self.gain * q).reshape(shape).astype(dtype.name))

    def get_config(self):
        return {"gain": self.gain, "seed": self.seed}


class Identity(Initializer):
    """The identity matrix (times ``gain``), for 2-D shapes.

    >>> import stage3_layers as tf
    >>> tf.keras.initializers.Identity()((2, 2))
    tf.Tensor([[1. 0.]
               [0. 1.]], shape=(2, 2), dtype=float32)
    """

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None, **kwargs):
        dtype = _dtype(dtype)
        if len(shape) != 2:
            raise ValueError("Identity needs a 2-D shape, got %s" % (tuple(shape),))
        return tf.constant((self.gain * np.eye(*shape)).astype(dtype.name))

    def get_config(self):
        return {"gain": self.gain}


# The lower-case names Keras accepts as strings (and as module attributes).
_BY_NAME = {
    "zeros": Zeros, "ones": Ones, "constant": Constant,
    "random_normal": RandomNormal, "normal": RandomNormal,
    "random_uniform": RandomUniform, "uniform": RandomUniform,
    "truncated_normal": TruncatedNormal, "variance_scaling": VarianceScaling,
    "glorot_uniform": GlorotUniform, "glorot_normal": GlorotNormal,
    "he_normal": HeNormal, "he_uniform": HeUniform,
    "lecun_normal": LecunNormal, "lecun_uniform": LecunUniform,
    "orthogonal": Orthogonal, "identity": Identity,
}
globals().update(_BY_NAME)


def get(identifier):
    """An initializer from a name (``"he_normal"``, ``"HeNormal"``), an instance,
    a class, or a function ``(shape, dtype) -> tensor``; None stays None.

    >>> import stage3_layers as tf
    >>> tf.keras.initializers.get("HeNormal")
    HeNormal()
    """
    if identifier is None or isinstance(identifier, Initializer):
        return identifier
    if isinstance(identifier, str):
        key = backend.snake_case(identifier) if identifier[:1].isupper() else identifier
        cls = _BY_NAME.get(key)
        if cls is None:
            raise ValueError("unknown initializer %r; known ones are %s"
                             % (identifier, ", ".join(sorted(_BY_NAME))))
        return cls()
    if isinstance(identifier, type) and issubclass(identifier, Initializer):
        return identifier()
    if isinstance(identifier, dict) and "class_name" in identifier:
        return get(identifier["class_name"]).from_config(identifier.get("config", {}))
    if callable(identifier):
        return identifier
    raise ValueError("cannot interpret %r as an initializer; give a name such as "
                     "'glorot_uniform', an initializer object or a function"
                     % (identifier,))


def serialize(initializer):
    """``{"class_name": ..., "config": ...}`` for an initializer.

    >>> from stage3_layers.keras import initializers
    >>> initializers.serialize(initializers.Constant(2.0))
    {'class_name': 'Constant', 'config': {'value': 2.0}}
    """
    if not isinstance(initializer, Initializer):      # a function: saved by its name
        return getattr(initializer, "_keras_registered_name", None) or initializer.__name__
    name = getattr(type(initializer), "_keras_registered_name", None)
    return {"class_name": name or type(initializer).__name__,
            "config": initializer.get_config()}
