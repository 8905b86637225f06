"""Errors teach, across the whole op set: every public function, fuzzed with bad calls.

DESIGN.md, principle 6: a wrong call fails at the call, naming the op, and no
internal exception (AttributeError, IndexError, KeyError, NumPy's AxisError ...)
reaches the user. This file proves it for *every* public callable of
``stage1_tensors`` (top level, ``math.``, ``nn.``, ``random.``, ``linalg.``,
``image.``) and the Tensor
operators. The functions are found automatically, so a new op is fuzzed without
editing this file.

Each function is called, from its signature, with arguments drawn from pools:
one pool per kind of parameter (axes, shapes, paddings, data formats, dtypes,
counts, scalars, flags, einsum equations) and a general pool of tensors and
non-tensors (wrong dtypes, empty and 0-d tensors, strings, ``None``, objects,
ragged lists, huge numbers). The calls are a deterministic sweep (one parameter
at a time over its whole pool) plus seeded random combinations. The rule:

* the call returns a Tensor (or a list/tuple of them, or the documented result), or
* it raises an ``errors.OpError``, a ``TypeError`` or a ``ValueError`` whose message
  names the function (Python's own signature errors do: ``reshape() missing ...``);
* never another exception, never a hang, and never a change to an input tensor.
"""

import contextlib
import inspect
import operator
import random as pyrandom
import re
import signal
import warnings

try:
    import resource
except ImportError:        # Windows: no address-space cap, the huge shapes still fail
    resource = None

import numpy as np
import pytest

import stage1_tensors as tf
from stage1_tensors import dtypes as tf_dtypes
from stage1_tensors import errors

pytestmark = pytest.mark.stage1_task9

RANDOM_CALLS = 40          # seeded random combinations per function, after the sweep
SECONDS_PER_CALL = 2.0     # a call that takes longer counts as a hang


# --- argument pools (each pool's first value is a plausible good one) ---------------
def _t(value, dtype):
    return tf.constant(np.asarray(value, dtype=dtype))


_gen = np.random.default_rng(7)
F32 = _t(_gen.standard_normal((2, 3)), np.float32)
TENSORS = [
    F32,
    _t(1.5, np.float32),                                       # 0-d
    _t(np.zeros((0,)), np.float32),                            # empty
    _t(np.zeros((0, 3)), np.float32),
    _t(_gen.standard_normal((1, 4, 4, 2)), np.float32),        # an NHWC image batch
    _t(_gen.standard_normal((2, 2, 2, 3)), np.float32),        # a conv filter
    _t(_gen.standard_normal((2, 1, 3)), np.float32),           # broadcasts with F32
    _t(_gen.standard_normal((4, 5)), np.float32),              # broadcasts with nothing
    _t([[0, 1, 2], [2, 1, 0]], np.int32),
    _t([0, 1], np.int64),
    _t([5, -1], np.int32),                                     # out-of-range indices
    _t([[True, False, True], [False, True, True]], np.bool_),
    _t(_gen.standard_normal((2, 3)), np.float16),
    _t(_gen.standard_normal((2, 3)), np.float64),
    _t([[1, 2, 3], [4, 5, 6]], np.uint8),
    _t([np.nan, np.inf, -np.inf], np.float32),
    1.5, 2, True, [1.0, 2.0], [[1, 2], [3, 4]],
    np.ones((2, 3), np.float32), np.float64(2.0),
]
BAD = [
    None, "abc", b"x", object(), [[1, 2], [3]], [1, "a"], {}, {"a": 1}, (lambda: 0),
    1j, np.array(["a", "b"]), np.array([object()], dtype=object),
    np.ones(2, np.complex64), np.array(["2020-01-01"], dtype="datetime64[D]"),
    2 ** 70, -2 ** 70, float("nan"), float("inf"), [None], [], (), {1, 2},
    slice(1), Ellipsis, tf.float32, np.float32, [F32, TENSORS[1]], [F32, "a"],
]
GENERAL = TENSORS + BAD
TENSORS_ONLY = [t for t in TENSORS if isinstance(t, tf.Tensor)]

AXES = [0, -1, 1, 5, -7, None, 1.5, "0", True, [0, 0], [0, 5], [0, 1], (0,),
        tf.constant(0), tf.constant([0, 1]), tf.constant(0.5), np.int64(1), [], 2 ** 70,
        [[0]], object(), [None]]
SHAPES = [[2, 3], [1], (), [-1, 3], [2, -3], [-5], [1.5, 2], ["a"], [[1, 2], [3, 4]],
          [[1, 2]], None, 2 ** 62, [2 ** 62, 2 ** 62], [10 ** 12], 3, -1, 0,
          tf.constant([2, 3]), tf.constant([2.0, 3.0]), [True, False], "ab", object(),
          [None, 2], [0, 0], [1, 1, 1, 1], [1, 2, 2, 1], [2, 2, 2, 2, 2],
          [[0, 0], [1, 1]], [[0, 0], [-1, 1]], [[1, 2, 3]], [2 ** 70]]
PADDINGS = ["SAME", "VALID", "same", "valid", "FULL", "", None, 3, ["SAME"],
            [[0, 0], [1, 1], [1, 1], [0, 0]], [[0, 0], [-1, 1], [1, 1], [0, 0]], [1, 1]]
MODES = ["CONSTANT", "REFLECT", "SYMMETRIC", "constant", "wrap", "", None, 3]
FORMATS = ["NHWC", "NCHW", "NWHC", "", None, 3, "nhwc", "NC", "NCW"]
DTYPES = [None, "float32", tf.int64, "int64", "complex64", "string", "foo", 3, float,
          np.float16, object(), tf.bool, "float16", "uint8", "int32", np.dtype("float64"),
          tf.constant(1.0), [tf.float32]]
COUNTS = [3, 0, 1, -1, 1.5, None, "3", 2 ** 62, 10 ** 12, True, tf.constant(2),
          tf.constant([2, 3]), np.int64(2), 2 ** 70, float("nan"), [2, 3], object()]
SCALARS = [0.5, 0, -1.0, 1.0, 2.0, float("nan"), float("inf"), None, "a", [1.0, 2.0],
           tf.constant([[1.0]]), tf.constant(1), 2 ** 70, 1j, True, object(),
           tf.constant([1.0, 2.0, 3.0]), np.float16(1.0)]
FLAGS = [True, False, None, "yes", 2, tf.constant(True), tf.constant([True, False]),
         object(), np.bool_(True)]
EQUATIONS = ["ij,jk->ik", "ij->", "i,i", "ij,jk", "", "->", "a..", "ij,jk->ikl", 3, None,
             "IJ", "ii->i", "ij->jj", "...i->...", "i,j,k->ijk", "ij,jk->ik->k"]

_POOL_OF = {}
for _pool, _names in [
        (AXES, "axis axes dim perm"),
        (SHAPES, "shape dims multiples paddings ksize strides dilations begin size "
                 "input_sizes filter_sizes output_shape orig_input_shape noise_shape "
                 "batch_shape num_or_size_splits"),
        (PADDINGS, "padding"), (MODES, "mode"), (FORMATS, "data_format"),
        (DTYPES, "dtype out_type output_type dtype_hint"),
        (COUNTS, "num num_samples depth num_segments num_rows num_columns seed op_seed "
                 "batch_dims"),
        (SCALARS, "rate alpha epsilon clip_norm clip_value_min clip_value_max mean stddev "
                  "minval maxval start stop limit delta on_value off_value "
                  "constant_values shift"),
        (FLAGS, "keepdims transpose_a transpose_b adjoint_a adjoint_b exclusive reverse "
                "conjugate approximate validate_indices"),
        (EQUATIONS, "equation"), ([np], "xp")]:
    for _name in _names.split():
        _POOL_OF[_name] = _pool
# Parameters that are tensors in most functions but a size in a few.
_TENSOR_NAMED = {"size": ("size", "shape", "rank"), "shape": ("shape", "rank", "size")}
_SKIP = {"name", "config", "device_policy", "execution_mode"}


def _pool(fn_name, param):
    if param in _TENSOR_NAMED and fn_name in _TENSOR_NAMED[param]:
        return GENERAL
    if fn_name == "fill" and param == "value":
        return SCALARS
    return _POOL_OF.get(param, GENERAL)


# --- the public callables, found automatically -----------------------------------
# What a few non-op functions return, as documented.
_RESULTS = {"executing_eagerly": bool, "enable_eager_execution": type(None),
            "set_seed": type(None), "set_random_seed": type(None),
            "as_dtype": tf.DType, "get_seed": tuple, "normal_array": np.ndarray,
            "uniform_array": np.ndarray}


def _public_functions():
    found, seen = [], set()
    # Namespaced homes first, so an op is reported under its TensorFlow name
    # (``random.normal``, not the TF-1 alias ``random_normal``).
    for prefix, module in [("nn.", tf.nn), ("random.", tf.random),
                           ("linalg.", getattr(tf, "linalg", None)),
                           ("image.", getattr(tf, "image", None)), ("math.", tf.math),
                           ("", tf)]:
        if module is None:
            continue
        names = getattr(module, "__all__", None) or [
            n for n in dir(module) if not n.startswith("_")]
        for name in sorted(names):
            fn = getattr(module, name)
            if not (inspect.isfunction(fn) or inspect.isbuiltin(fn)) or id(fn) in seen:
                continue
            seen.add(id(fn))
            found.append((prefix + name, fn))
    return found


PUBLIC = _public_functions()


# --- one call, judged -------------------------------------------------------------
class _Hang(Exception):
    pass


@contextlib.contextmanager
def _deadline(seconds):
    if not hasattr(signal, "setitimer"):     # Windows: no alarm clock, no hang check
        yield
        return

    def expire(signum, frame):
        raise _Hang()
    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _snapshots(args, kwargs):
    """(tensor or array, its array object, a copy of its contents) for every input."""
    found = []

    def visit(x, depth=0):
        if isinstance(x, tf.Tensor):
            found.append((x, x._value, np.array(x._value, copy=True)))
        elif isinstance(x, np.ndarray) and x.dtype != object:
            found.append((x, x, np.array(x, copy=True)))
        elif isinstance(x, (list, tuple)) and depth < 2:
            for item in x:
                visit(item, depth + 1)
    for x in list(args) + list(kwargs.values()):
        visit(x)
    return found


def _unchanged(snapshots):
    for x, array, copy in snapshots:
        now = x._value if isinstance(x, tf.Tensor) else x
        if now is not array or now.shape != copy.shape or now.dtype != copy.dtype:
            return False
        same = (np.array_equal(now, copy, equal_nan=True) if now.dtype.kind in "fc"
                else np.array_equal(now, copy))
        if not same:
            return False
    return True


def _good_result(result, expected):
    if expected is not None:
        return isinstance(result, expected)
    if isinstance(result, (list, tuple)):
        return all(_good_result(r, None) for r in result)
    return (isinstance(result, tf.Tensor)
            and getattr(result._value, "dtype", None) in tf_dtypes.ALL_NUMPY)


def _show(x):
    if isinstance(x, tf.Tensor):
        return "Tensor%s:%s" % (tuple(x._value.shape), x._value.dtype)
    if isinstance(x, np.ndarray):
        return "ndarray%s:%s" % (x.shape, x.dtype)
    if isinstance(x, (list, tuple)):
        inner = ", ".join(_show(i) for i in x)
        return "[%s]" % inner if isinstance(x, list) else "(%s)" % inner
    text = repr(x)
    return text if len(text) < 40 else text[:37] + "..."


def _judge(fn, names, args, kwargs, expected=None):
    """None when the call behaves, else a line describing the leak."""
    pattern = re.compile(r"(?<!\w)(?:%s)(?!\w)" % "|".join(re.escape(n) for n in names))
    snapshots = _snapshots(args, kwargs)
    problem = None
    try:
        with _deadline(SECONDS_PER_CALL):
            result = fn(*args, **kwargs)
    except _Hang:
        problem = "no answer within %.0f s (a hang)" % SECONDS_PER_CALL
    except (errors.OpError, TypeError, ValueError) as error:
        text = str(error)
        if isinstance(error, np.exceptions.AxisError) and not isinstance(error, errors.OpError):
            problem = "NumPy's AxisError: %s" % text
        elif not pattern.search(text):
            problem = "%s without the op's name: %s" % (type(error).__name__, text)
    except Exception as error:  # AttributeError, IndexError, KeyError, MemoryError ...
        problem = "%s leaked: %s" % (type(error).__name__, error)
    else:
        if not _good_result(result, expected):
            problem = "returned %s" % _show(result)
    if not _unchanged(snapshots):
        problem = (problem + "; " if problem else "") + "an input tensor changed"
    if problem is None:
        return None
    call = ", ".join([_show(a) for a in args] + ["%s=%s" % (k, _show(v))
                                                 for k, v in kwargs.items()])
    return "%s(%s) -> %s" % (names[0], call, problem[:300])


# --- the calls ------------------------------------------------------------------
def _calls(label, fn):
    """Deterministic (args, kwargs) pairs for ``fn``: baseline, sweep, random, arity."""
    short = label.rsplit(".", 1)[-1]
    every = inspect.signature(fn).parameters.values()
    params = [p for p in every if p.name not in _SKIP and p.kind is not p.VAR_KEYWORD]
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
                  and p.default is p.empty]
    optional = [p for p in params if p.kind is p.KEYWORD_ONLY
                or (p.kind is p.POSITIONAL_OR_KEYWORD and p.default is not p.empty)]
    varargs = any(p.kind is p.VAR_POSITIONAL for p in params)
    pools = {p.name: _pool(short, p.name) for p in params}

    def build(chosen):
        args = [chosen[p.name] for p in positional]
        if varargs:
            args += chosen.get("*", [F32])
        kwargs = {p.name: chosen[p.name] for p in optional if p.name in chosen}
        return args, kwargs

    baseline = {p.name: pools[p.name][0] for p in positional}
    yield build(baseline)
    for p in positional + optional:                       # the sweep
        for value in pools[p.name][1:] if p in positional else pools[p.name]:
            yield build(dict(baseline, **{p.name: value}))
    if varargs:
        for count in (0, 1, 3):
            for value in TENSORS + BAD[:6]:
                yield build(dict(baseline, **{"*": [value] + [F32] * (count - 1)}
                                 if count else dict(baseline, **{"*": []})))
    rng = pyrandom.Random(label)                          # seeded by the name
    for _ in range(RANDOM_CALLS):
        chosen = {p.name: rng.choice(pools[p.name]) for p in positional}
        for p in optional:
            if rng.random() < 0.3:
                chosen[p.name] = rng.choice(pools[p.name])
        if varargs:
            chosen["*"] = [rng.choice(TENSORS) for _ in range(rng.randint(0, 3))]
        yield build(chosen)
    if not varargs:                                       # Python's own arity errors
        yield [], {}
        yield [F32] * (len(every) + 1), {}


@pytest.fixture(autouse=True)
def _contained():
    """Caps memory (a huge shape must fail, not swap), hides NumPy warnings and
    restores the random module's global state that ``set_seed`` changes."""
    state = (tf.random._global_seed, tf.random._unseeded_entropy, dict(tf.random._generators))
    limits = None
    try:                        # Linux: 4 GiB more address space than in use now
        with open("/proc/self/statm") as f:
            used = int(f.read().split()[0]) * resource.getpagesize()
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = used + (4 << 30)
        if hard == resource.RLIM_INFINITY or cap < hard:
            resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
            limits = (soft, hard)
    except (OSError, AttributeError, ValueError):
        pass                    # elsewhere the huge shapes are far beyond any machine
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            yield
    finally:
        if limits is not None:
            resource.setrlimit(resource.RLIMIT_AS, limits)
        (tf.random._global_seed, tf.random._unseeded_entropy) = state[:2]
        tf.random._generators.clear()
        tf.random._generators.update(state[2])


def _report(leaks):
    unique = list(dict.fromkeys(leaks))
    return "%d bad call(s) leak:\n  %s" % (len(unique), "\n  ".join(unique[:12]))


@pytest.mark.parametrize("label,fn", PUBLIC, ids=[label for label, _ in PUBLIC])
def test_every_public_function_fails_only_with_teaching_errors(label, fn):
    names = [label.rsplit(".", 1)[-1], fn.__name__, label]
    expected = _RESULTS.get(label.rsplit(".", 1)[-1])
    leaks = [leak for args, kwargs in _calls(label, fn)
             if (leak := _judge(fn, names, args, kwargs, expected)) is not None]
    assert not leaks, _report(leaks)


# --- Tensor operators and Python protocols --------------------------------------
# The ops' public names; Python turns a reflected comparison ``3 < t`` into
# ``t > 3``, so those messages name the mirrored op.
_BINARY = [("add", operator.add), ("subtract", operator.sub), ("multiply", operator.mul),
           ("divide|truediv", operator.truediv), ("floordiv", operator.floordiv),
           ("floormod|mod", operator.mod), ("pow", operator.pow),
           ("matmul", operator.matmul), ("logical_and", operator.and_),
           ("logical_or", operator.or_), ("logical_xor", operator.xor),
           ("less|greater", operator.lt), ("less_equal|greater_equal", operator.le),
           ("greater|less", operator.gt), ("greater_equal|less_equal", operator.ge),
           ("equal", operator.eq), ("not_equal", operator.ne)]


@pytest.mark.parametrize("names,op", _BINARY, ids=[n.split("|")[0] for n, _ in _BINARY])
def test_tensor_operators_fail_only_with_teaching_errors(names, op):
    names = names.split("|")
    comparison = op in (operator.eq, operator.ne)
    leaks = []
    for x in TENSORS_ONLY:
        for y in GENERAL:
            for args in ((x, y), (y, x)):
                if op is operator.mod and isinstance(args[0], (str, bytes)):
                    continue        # "abc" % t is Python's string formatting, not ours
                expected = (tf.Tensor, bool) if comparison else None
                leak = _judge(op, names, args, {}, expected)
                if leak is not None:
                    leaks.append(leak)
    assert not leaks, _report(leaks)


KEYS = [0, -1, 5, -7, slice(None), (0, 1), (0, 0, 0), None, Ellipsis, 1.5, "a", [0, 1],
        [[0]], tf.constant([0, 1]), tf.constant([True, False]), np.array([True]),
        slice(0, 2, 0), (Ellipsis, Ellipsis), object(), [0, 5], tf.constant(1.5), 2 ** 70,
        {}, (slice(None), None, 0), slice("a"), (slice(None), [0, 1], [0, 1]),
        np.array([[True, False, True]]), tf.constant([5]), [True, False, True], (1, Ellipsis)]


def test_indexing_fails_only_with_teaching_errors():
    leaks = []
    for x in TENSORS_ONLY:
        for key in KEYS:
            leak = _judge(operator.getitem, ["strided_slice", "getitem", "gather",
                                             "boolean_mask", "gather_nd"], (x, key), {})
            if leak is not None:
                leaks.append(leak)
    assert not leaks, _report(leaks)


_PROTOCOLS = [("bool", bool, bool), ("int", int, int), ("float", float, float),
              ("index", operator.index, int), ("len", len, int),
              ("iter", lambda t: list(iter(t)), list), ("neg", operator.neg, tf.Tensor),
              ("abs", abs, tf.Tensor), ("invert", operator.invert, tf.Tensor),
              ("numpy", lambda t: t.numpy(), (np.ndarray, np.generic)),
              ("format", lambda t: format(t, ".2f"), str)]


@pytest.mark.parametrize("name,protocol,result", _PROTOCOLS, ids=[p[0] for p in _PROTOCOLS])
def test_python_protocols_fail_only_with_teaching_errors(name, protocol, result):
    names = {"neg": ["negative", "neg"], "invert": ["logical_not", "invert"],
             "index": ["index", "integer"], "len": ["len"], "iter": ["iteration", "iter"],
             "format": ["format"]}.get(name, [name])
    leaks = [leak for x in TENSORS_ONLY
             if (leak := _judge(protocol, names, (x,), {}, result)) is not None]
    assert not leaks, _report(leaks)


def test_the_fuzz_reaches_every_public_function():
    """The discovery really walks the namespaces (a guard against an empty fuzz)."""
    labels = {label for label, _ in PUBLIC}
    for must in ("math.add", "math.reduce_sum", "linalg.matmul", "nn.conv2d", "nn.softmax",
                 "random.normal", "linalg.einsum", "pad", "math.reduce_std", "constant",
                 "linalg.inv", "linalg.norm", "image.resize", "math.bincount",
                 "tensor_scatter_nd_update"):
        assert must in labels, must
    assert len(PUBLIC) > 120
