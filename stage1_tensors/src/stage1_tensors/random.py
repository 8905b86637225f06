"""The ``tf.random`` namespace: random tensors with TensorFlow's seed rules.

Random numbers come from one generator per array module (NumPy, CuPy) and, for
ops given a ``seed=``, one generator per op seed. The seeds decide everything:

* ``set_seed(s)`` makes the *sequence* of random results reproducible: set the
  same global seed again and the same calls give the same numbers again;
* an op-level ``seed=`` gives that op its own sequence, fixed by the pair
  (global seed, op seed), whatever other random ops run in between;
* with no seed at all the numbers differ from run to run.

>>> import stage1_tensors as tf
>>> tf.random.set_seed(42)
>>> a = tf.random.normal([2])
>>> tf.random.set_seed(42)
>>> bool(tf.reduce_sum(tf.random.normal([2]) - a) == 0.0)
True

Random ops run through the dispatcher like any op; their attributes are the
shape, the dtype and the op seed. ``uniform_array`` and ``normal_array`` give
other modules (dropout, initializers) raw arrays from the same generators.
"""

import numbers

import numpy as np

from .convert import convert_to_tensor
from .dispatch import execute
from .dtypes import FLOATING
from .errors import InvalidArgumentError, ResourceExhaustedError
from .ops.attrs import dtype_attr, int_attr, shape_attr
from .ops.error_scope import error_scope
from .registry import define_op
from .tensor import Tensor

__all__ = ["set_seed", "get_seed", "normal", "uniform", "truncated_normal", "shuffle",
           "categorical", "uniform_array", "normal_array"]

# TensorFlow's default graph seed: used when an op has a seed but the program has none.
DEFAULT_GLOBAL_SEED = 87654321

_global_seed = None
_unseeded_entropy = np.random.SeedSequence().entropy
_generators = {}      # (array module name, op seed) -> generator


def set_seed(seed):
    """Sets the global random seed; the random ops that follow become reproducible.

    ``set_seed(None)`` goes back to fresh, unpredictable numbers.

    >>> import stage1_tensors as tf
    >>> tf.random.set_seed(1); x = tf.random.uniform([3])
    >>> tf.random.set_seed(1); y = tf.random.uniform([3])
    >>> bool(tf.reduce_sum(x - y) == 0)
    True
    """
    global _global_seed, _unseeded_entropy
    if seed is None:
        _global_seed = None
        _unseeded_entropy = np.random.SeedSequence().entropy
    else:
        _global_seed = int_attr(seed, "seed", "random.set_seed")
    _generators.clear()


def get_seed(op_seed):
    """The (global seed, op seed) pair that decides an op's numbers, as in TensorFlow.

    >>> import stage1_tensors as tf
    >>> tf.random.set_seed(5)
    >>> tf.random.get_seed(None), tf.random.get_seed(7)
    ((5, None), (5, 7))
    """
    if op_seed is None:
        return _global_seed, None
    return (DEFAULT_GLOBAL_SEED if _global_seed is None else _global_seed), op_seed


def generator(xp, seed=None):
    """The generator that serves array module ``xp`` for op seed ``seed``.

    NumPy gets a ``numpy.random.Generator``; CuPy its own ``Generator``.

    >>> import numpy as np
    >>> from stage1_tensors import random
    >>> random.generator(np).random(2).shape
    (2,)
    """
    key = (xp.__name__, seed)
    found = _generators.get(key)
    if found is None:
        global_seed, op_seed = get_seed(seed)
        if global_seed is None:
            entropy = [_unseeded_entropy]
        else:
            entropy = [global_seed] if op_seed is None else [global_seed, op_seed]
            entropy = [s % 2 ** 64 for s in entropy]   # negative seeds are fine in TF
        sequence = np.random.SeedSequence(entropy)
        if xp is np:
            found = np.random.default_rng(sequence)
        else:
            found = xp.random.default_rng(int(sequence.generate_state(1)[0]))
        _generators[key] = found
    return found


def _draw_dtype(dtype):
    # Generators draw float32 or float64; float16 is drawn as float32 and rounded.
    return np.float64 if np.dtype(dtype) == np.float64 else np.float32


def uniform_array(xp, shape, dtype="float32", seed=None):
    """A raw array of ``xp`` with uniform numbers in [0, 1), from the seeded generators.

    >>> import numpy as np
    >>> from stage1_tensors import random
    >>> u = random.uniform_array(np, (2, 3), "float32")
    >>> u.shape, u.dtype, bool(((0 <= u) & (u < 1)).all())
    ((2, 3), dtype('float32'), True)
    """
    return _draw(xp, "random", shape, dtype, seed, "random.uniform_array")


def normal_array(xp, shape, dtype="float32", seed=None):
    """A raw array of ``xp`` with standard normal numbers, from the seeded generators.

    >>> import numpy as np
    >>> from stage1_tensors import random
    >>> random.normal_array(np, (4,), "float64").dtype
    dtype('float64')
    """
    return _draw(xp, "standard_normal", shape, dtype, seed, "random.normal_array")


def _draw(xp, method, shape, dtype, seed, op_name):
    # These helpers are public (initializers and dropout call them), so their
    # arguments get the same checks as the ops' own.
    shape, seed = _shape(shape, op_name), _seed(seed, op_name)
    return _generate(xp, method, shape, _float_dtype(dtype, op_name), seed, op_name)


def _generate(xp, method, shape, dtype, seed, op_name):
    """Draws from the generator; the ops' kernels come here with checked attrs."""
    try:
        values = getattr(generator(xp, seed), method)(size=shape, dtype=_draw_dtype(dtype))
    except (MemoryError, ValueError):    # NumPy: "array is too big" or out of memory
        raise ResourceExhaustedError("%s: not enough memory for %s numbers of shape %s"
                                     % (op_name, dtype, list(shape)), op=op_name) from None
    return values.astype(dtype, copy=False)


# --- the ops ----------------------------------------------------------------------
RandomStandardNormal = define_op("RandomStandardNormal", "random.normal", inputs=(), stateful=True)
RandomUniform = define_op("RandomUniform", "random.uniform", inputs=(), stateful=True)
RandomUniformInt = define_op("RandomUniformInt", "random.uniform", inputs=(), stateful=True)
TruncatedNormal = define_op("TruncatedNormal", "random.truncated_normal", inputs=(), stateful=True)
RandomShuffle = define_op("RandomShuffle", "random.shuffle", inputs=("value",), stateful=True)
Multinomial = define_op("Multinomial", "random.categorical", inputs=("logits",),
                        dtypes=FLOATING, stateful=True)


@RandomStandardNormal.kernel
def _normal(xp, shape, dtype, seed):
    return _generate(xp, "standard_normal", shape, dtype, seed, "random.normal")


@RandomUniform.kernel
def _uniform(xp, shape, dtype, seed):
    return _generate(xp, "random", shape, dtype, seed, "random.uniform")


@RandomUniformInt.kernel
def _uniform_int(xp, shape, dtype, seed, minval, maxval):
    return generator(xp, seed).integers(minval, maxval, size=shape, dtype=dtype)


@TruncatedNormal.kernel
def _truncated_normal(xp, shape, dtype, seed):
    # Redraw every value farther than two standard deviations out until none is left.
    values = _generate(xp, "standard_normal", shape, "float64", seed, "random.truncated_normal")
    outside = xp.abs(values) > 2.0
    while bool(outside.any()):
        values[outside] = normal_array(xp, (int(outside.sum()),), "float64", seed)
        outside = xp.abs(values) > 2.0
    return values.astype(dtype)


@RandomShuffle.kernel
def _shuffle(xp, value, seed):
    if value.ndim == 0:
        return value
    order = xp.argsort(_generate(xp, "random", (value.shape[0],), "float64", seed,
                                 "random.shuffle"))
    return value[order]


@Multinomial.kernel
def _categorical(xp, logits, num_samples, seed, output_dtype):
    # The Gumbel-max trick: argmax(logits + Gumbel noise) samples softmax(logits).
    batch, classes = logits.shape
    u = _generate(xp, "random", (batch, num_samples, classes), "float64", seed,
                  "random.categorical")
    u = xp.maximum(u, np.finfo(np.float64).tiny)
    noisy = logits[:, None, :].astype(np.float64) - xp.log(-xp.log(u))
    return xp.argmax(noisy, axis=-1).astype(output_dtype)


# --- the public functions ------------------------------------------------------------
def _shape(shape, op_name):
    dims = shape_attr(shape, op_name)
    # (not a tuple: a shape that a graph computes, checked when it runs)
    if type(dims) is tuple and any(d < 0 for d in dims):
        raise InvalidArgumentError("%s: shape %s has a negative dimension"
                                   % (op_name, list(dims)), op=op_name)
    return dims


def _seed(seed, op_name):
    return None if seed is None else int_attr(seed, "seed", op_name)


def _float_dtype(dtype, op_name):
    dtype = dtype_attr(dtype, "dtype", op_name)
    if not dtype.is_floating:
        raise InvalidArgumentError(
            "%s: dtype must be a floating type (float16, float32, float64), got %s"
            % (op_name, dtype.name), op=op_name)
    return dtype.name


def _is_default(value, default):
    return not isinstance(value, Tensor) and np.ndim(value) == 0 and value == default


def normal(shape, mean=0.0, stddev=1.0, dtype="float32", seed=None, name=None):
    """Samples from a normal distribution with ``mean`` and ``stddev``.

    >>> import stage1_tensors as tf
    >>> tf.random.set_seed(0)
    >>> tf.random.normal([2, 3], mean=5.0).shape
    TensorShape([2, 3])
    """
    z = execute(RandomStandardNormal, (), {
        "shape": _shape(shape, "random.normal"),
        "dtype": _float_dtype(dtype, "random.normal"), "seed": _seed(seed, "random.normal")})
    with error_scope("random.normal"):
        return _scale(z, mean, stddev)


def _scale(z, mean, stddev):
    # Plain ops, so a tape sees (and differentiates) the mean and the stddev.
    if not _is_default(stddev, 1.0):
        z = z * stddev
    if not _is_default(mean, 0.0):
        z = z + mean
    return z


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype="float32", seed=None, name=None):
    """Like ``normal``, but values beyond two standard deviations are redrawn.

    >>> import stage1_tensors as tf
    >>> x = tf.random.truncated_normal([1000], seed=1)
    >>> bool(abs(x.numpy()).max() <= 2.0)
    True
    """
    z = execute(TruncatedNormal, (), {
        "shape": _shape(shape, "random.truncated_normal"),
        "dtype": _float_dtype(dtype, "random.truncated_normal"),
        "seed": _seed(seed, "random.truncated_normal")})
    with error_scope("random.truncated_normal"):
        return _scale(z, mean, stddev)


def uniform(shape, minval=0, maxval=None, dtype="float32", seed=None, name=None):
    """Samples uniformly from [minval, maxval) (maxval defaults to 1 for floats).

    Integer dtypes (int32, int64) need an explicit ``maxval``.

    >>> import stage1_tensors as tf
    >>> x = tf.random.uniform([4], minval=2, maxval=5, dtype=tf.int32, seed=3)
    >>> x.dtype, sorted(set(x.numpy().tolist()) - {2, 3, 4})
    (tf.int32, [])
    """
    op_name = "random.uniform"
    dtype = dtype_attr(dtype, "dtype", op_name)
    shape, seed = _shape(shape, op_name), _seed(seed, op_name)
    if dtype.is_integer:
        if dtype.name not in ("int32", "int64"):
            raise InvalidArgumentError("%s: integer dtype must be int32 or int64, got %s"
                                       % (op_name, dtype.name), op=op_name)
        if maxval is None:
            raise InvalidArgumentError(
                "%s: maxval must be given for integer dtype %s (the values are drawn "
                "from [minval, maxval))" % (op_name, dtype.name), op=op_name)
        low, high = (int_attr(v, w, op_name) for v, w in ((minval, "minval"),
                                                         (maxval, "maxval")))
        if low >= high:
            raise InvalidArgumentError("%s: need minval < maxval, got %d and %d"
                                       % (op_name, low, high), op=op_name)
        return execute(RandomUniformInt, (), {"shape": shape, "dtype": dtype.name,
                                              "seed": seed, "minval": low, "maxval": high})
    u = execute(RandomUniform, (), {"shape": shape, "dtype": _float_dtype(dtype, op_name),
                                    "seed": seed})
    maxval = 1.0 if maxval is None else maxval
    if not _is_default(maxval, 1.0) or not _is_default(minval, 0):
        for value, what in ((minval, "minval"), (maxval, "maxval")):
            if not isinstance(value, (Tensor, numbers.Real, np.ndarray)) or isinstance(value,
                                                                                       bool):
                raise InvalidArgumentError("%s: %s must be a number or a tensor, got %r"
                                           % (op_name, what, value), op=op_name)
        with error_scope(op_name):
            u = u * (maxval - minval) + minval
    return u


def shuffle(value, seed=None, name=None):
    """The tensor with its first dimension randomly permuted.

    >>> import stage1_tensors as tf
    >>> x = tf.random.shuffle(tf.range(5), seed=1)
    >>> sorted(x.numpy().tolist())
    [0, 1, 2, 3, 4]
    """
    return execute(RandomShuffle, (value,), {"seed": _seed(seed, "random.shuffle")})


def categorical(logits, num_samples, dtype=None, seed=None, name=None):
    """Draws class indices from the softmax of each row of 2-D ``logits``.

    Returns shape ``[batch, num_samples]``, int64 by default.

    >>> import stage1_tensors as tf
    >>> tf.random.categorical([[0.0, -1e9, -1e9]], 3)
    tf.Tensor([[0 0 0]], shape=(1, 3), dtype=int64)
    """
    op_name = "random.categorical"
    with error_scope(op_name):
        logits = convert_to_tensor(logits)
    if logits.ndim != 2:
        raise InvalidArgumentError("%s: logits must be 2-D [batch, classes], got shape %s"
                                   % (op_name, tuple(logits.shape)), op=op_name)
    out = "int64" if dtype is None else dtype_attr(dtype, "dtype", op_name).name
    if out not in ("int32", "int64"):
        raise InvalidArgumentError("%s: dtype must be int32 or int64, got %s"
                                   % (op_name, out), op=op_name)
    num = int_attr(num_samples, "num_samples", op_name)
    if num < 0 or (num and not logits.shape[1]):
        raise InvalidArgumentError("%s: need num_samples >= 0 and at least one class, got %d "
                                   "and logits of shape %s" % (op_name, num, tuple(logits.shape)),
                                   op=op_name)
    return execute(Multinomial, (logits,), {"num_samples": num,
                                            "seed": _seed(seed, op_name),
                                            "output_dtype": out})
