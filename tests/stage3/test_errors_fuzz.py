"""Errors teach in stage 3 too: every built-in layer's constructor fuzzed with
bad arguments, then the new layer called once on a good input.

The same rule as stage 1's fuzz (``tests/stage1/test_errors_fuzz.py``, whose
judge and argument pools this file reuses): a bad argument raises a TypeError,
a ValueError or an op error whose message names the layer class (or the
layer), never an internal exception, and never a hang. A bad argument may be
refused by the constructor (as Keras does for most) or by the first call, when
the layer builds; either way the message teaches. Also fuzzed:
``Layer.add_weight`` and every initializer's ``__call__``.
"""

import inspect
import random as pyrandom
import re

import numpy as np
import pytest

import stage3_layers as tf
from tests.stage1 import test_errors_fuzz as fuzz

L = tf.keras.layers
_contained = fuzz._contained     # the same memory cap, warning filter and seed restore

# class name: (good positional arguments, a good input shape, its task marker)
LAYERS = {
    "Dense": ((3,), (2, 4), "stage3_task3"),
    "Flatten": ((), (2, 3, 4), "stage3_task3"),
    "Reshape": (((2, -1),), (2, 4), "stage3_task3"),
    "Activation": (("relu",), (2, 4), "stage3_task3"),
    "Dropout": ((0.5,), (2, 4), "stage3_task3"),
    "Conv2D": ((2, 3), (1, 5, 5, 2), "stage3_task5"),
    "MaxPooling2D": ((), (1, 4, 4, 2), "stage3_task5"),
    "AveragePooling2D": ((), (1, 4, 4, 2), "stage3_task5"),
    "BatchNormalization": ((), (2, 4), "stage3_task6"),
    "LayerNormalization": ((), (2, 4), "stage3_task6"),
    "Embedding": ((10, 3), (2, 4), "stage3_task7"),
    "SimpleRNN": ((3,), (2, 5, 4), "stage3_task7"),
    "LSTM": ((3,), (2, 5, 4), "stage3_task7"),
    "GRU": ((3,), (2, 5, 4), "stage3_task7"),
    # tests/stage3/test_more_layers*.py: a list of shapes is a list of inputs
    "ReLU": ((), (2, 4), "stage3_task3"),
    "LeakyReLU": ((), (2, 4), "stage3_task3"),
    "Softmax": ((), (2, 4), "stage3_task3"),
    "ELU": ((), (2, 4), "stage3_task3"),
    "PReLU": ((), (2, 4), "stage3_task3"),
    "Add": ((), [(2, 4), (2, 4)], "stage3_task3"),
    "Subtract": ((), [(2, 4), (2, 4)], "stage3_task3"),
    "Multiply": ((), [(2, 4), (2, 4)], "stage3_task3"),
    "Average": ((), [(2, 4), (2, 4)], "stage3_task3"),
    "Maximum": ((), [(2, 4), (2, 4)], "stage3_task3"),
    "Minimum": ((), [(2, 4), (2, 4)], "stage3_task3"),
    "Concatenate": ((), [(2, 4), (2, 3)], "stage3_task3"),
    "Lambda": ((tf.negative,), (2, 4), "stage3_task3"),
    "TimeDistributed": ((L.Dense(2),), (2, 3, 4), "stage3_task3"),
    "Conv1D": ((2, 3), (1, 5, 2), "stage3_task5"),
    "Conv2DTranspose": ((2, 3), (1, 4, 4, 2), "stage3_task5"),
    "DepthwiseConv2D": ((3,), (1, 5, 5, 2), "stage3_task5"),
    "SeparableConv2D": ((2, 3), (1, 5, 5, 2), "stage3_task5"),
    "GlobalAveragePooling1D": ((), (2, 5, 4), "stage3_task5"),
    "GlobalMaxPooling1D": ((), (2, 5, 4), "stage3_task5"),
    "GlobalAveragePooling2D": ((), (1, 4, 4, 2), "stage3_task5"),
    "GlobalMaxPooling2D": ((), (1, 4, 4, 2), "stage3_task5"),
    "UpSampling2D": ((), (1, 4, 4, 2), "stage3_task5"),
    "ZeroPadding2D": ((), (1, 4, 4, 2), "stage3_task5"),
    "Cropping2D": ((), (1, 4, 4, 2), "stage3_task5"),
    "Bidirectional": ((L.LSTM(3),), (2, 5, 4), "stage3_task7"),
}

INITIALIZERS = ["zeros", "glorot_uniform", "uniform", "orthogonal"]
ACTIVATIONS = ["relu", None, "linear", "foo", "", 3, object(), (lambda x: x), [None]]
FLAGS = fuzz.FLAGS
# A pool per constructor argument, by name; any other argument gets GENERAL.
POOL_OF = {
    "units": fuzz.COUNTS, "filters": fuzz.COUNTS, "input_dim": fuzz.COUNTS,
    "output_dim": fuzz.COUNTS, "groups": fuzz.COUNTS, "input_length": fuzz.COUNTS,
    "seed": fuzz.COUNTS,
    "kernel_size": fuzz.SHAPES + fuzz.COUNTS, "strides": fuzz.SHAPES + fuzz.COUNTS,
    "pool_size": fuzz.SHAPES + fuzz.COUNTS, "dilation_rate": fuzz.SHAPES + fuzz.COUNTS,
    "target_shape": fuzz.SHAPES, "noise_shape": fuzz.SHAPES,
    "axis": fuzz.AXES, "padding": fuzz.PADDINGS,
    "data_format": ["channels_last", "channels_first", "NHWC", "", None, 3],
    "rate": fuzz.SCALARS, "momentum": fuzz.SCALARS, "epsilon": fuzz.SCALARS,
    "dropout": fuzz.SCALARS, "recurrent_dropout": fuzz.SCALARS,
    "activation": ACTIVATIONS, "recurrent_activation": ACTIVATIONS,
    "dtype": fuzz.DTYPES, "name": [None, "w", "", 3, object()],
}
for _flag in ("use_bias", "center", "scale", "mask_zero", "return_sequences",
              "return_state", "go_backwards", "stateful", "unroll", "time_major",
              "unit_forget_bias", "reset_after", "trainable"):
    POOL_OF[_flag] = FLAGS
GENERAL = ([None, "abc", 3, -1, 1.5, object(), [1, 2], {}, (lambda: 0), float("nan"),
            True, fuzz.F32] + INITIALIZERS)
RANDOM_CALLS = 30


def _snake(name):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _parameters(cls):
    every = inspect.signature(cls.__init__).parameters.values()
    return [p for p in every if p.name != "self" and p.kind not in (p.VAR_KEYWORD,
                                                                    p.VAR_POSITIONAL)]


def _calls(name):
    """(args, kwargs) for ``name``'s constructor: the sweep, then seeded random mixes."""
    good, _, _ = LAYERS[name]
    params = _parameters(getattr(L, name))
    extra = [inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY)
             for n in ("name", "dtype", "trainable")]
    params = params + extra
    positional = params[:len(good)]
    optional = params[len(good):]
    pools = {p.name: POOL_OF.get(p.name, GENERAL) for p in params}
    yield list(good), {}
    for i, p in enumerate(positional):
        for value in pools[p.name]:
            args = list(good)
            args[i] = value
            yield args, {}
    for p in optional:
        for value in pools[p.name]:
            yield list(good), {p.name: value}
    rng = pyrandom.Random(name)
    for _ in range(RANDOM_CALLS):
        args = [rng.choice(pools[p.name]) if rng.random() < 0.3 else g
                for p, g in zip(positional, good)]
        kwargs = {p.name: rng.choice(pools[p.name]) for p in optional if rng.random() < 0.2}
        yield args, kwargs


def _make_and_call(name, shape):
    def run(*args, **kwargs):
        layer = getattr(L, name)(*args, **kwargs)
        inputs = ([np.ones(s, np.float32) for s in shape] if isinstance(shape, list)
                  else np.ones(shape, np.float32))
        out = layer(inputs)
        return out if isinstance(out, tf.Tensor) else tf.constant(0.0)
    return run


def each_layer():
    return [pytest.param(name, marks=getattr(pytest.mark, marker), id=name)
            for name, (_, _, marker) in LAYERS.items()]


@pytest.mark.parametrize("name", each_layer())
def test_every_layer_constructor_and_first_call_fail_only_with_teaching_errors(name):
    _, shape, _ = LAYERS[name]
    names = [name, _snake(name), "layer"]
    run = _make_and_call(name, shape)
    leaks = [leak for args, kwargs in _calls(name)
             if (leak := fuzz._judge(run, names, args, kwargs)) is not None]
    assert not leaks, fuzz._report(leaks)


@pytest.mark.stage3_task7
def test_the_fuzz_covers_every_built_in_layer():
    aliases = {"AvgPool2D", "MaxPool2D", "Convolution1D", "Convolution2D",
               "Convolution2DTranspose", "SeparableConvolution2D", "GlobalAvgPool1D",
               "GlobalMaxPool1D", "GlobalAvgPool2D", "GlobalMaxPool2D"}
    untested = {"Layer", "InputLayer", "InputSpec", "RNN", "Wrapper"}   # base classes and wrappers
    cells = {n for n in dir(L) if n.endswith("Cell")}
    public = {n for n in dir(L) if inspect.isclass(getattr(L, n))}
    assert public - aliases - untested - cells - set(LAYERS) == set()


@pytest.mark.stage3_task2
def test_add_weight_fails_only_with_teaching_errors():
    leaks = []
    for shape in fuzz.SHAPES:
        for initializer in INITIALIZERS + [None, "foo", 3]:
            leak = fuzz._judge(
                lambda **kw: tf.keras.layers.Layer().add_weight(**kw),
                ["add_weight"], (), {"name": "w", "shape": shape, "initializer": initializer},
                tf.Variable)
            if leak is not None:
                leaks.append(leak)
    for dtype in fuzz.DTYPES:
        leak = fuzz._judge(lambda **kw: tf.keras.layers.Layer().add_weight(**kw),
                           ["add_weight"], (), {"shape": [2], "dtype": dtype}, tf.Variable)
        if leak is not None:
            leaks.append(leak)
    assert not leaks, fuzz._report(leaks)


INITIALIZER_CLASSES = sorted(
    n for n in dir(tf.keras.initializers)
    if inspect.isclass(getattr(tf.keras.initializers, n))
    and n != "Initializer" and n[0].isupper()
    and issubclass(getattr(tf.keras.initializers, n), tf.keras.initializers.Initializer))


@pytest.mark.stage3_task1
@pytest.mark.parametrize("cls", INITIALIZER_CLASSES)
def test_every_initializer_call_fails_only_with_teaching_errors(cls):
    init = getattr(tf.keras.initializers, cls)()
    leaks = []
    for shape in fuzz.SHAPES:
        for dtype in [None, "float32", "float64", "int32", "foo", 3, "string"]:
            leak = fuzz._judge(init, [cls], (shape,), {"dtype": dtype})
            if leak is not None:
                leaks.append(leak)
    assert not leaks, fuzz._report(leaks)


def _penalties_and_projections():
    """Every built-in regularizer and constraint class (not the two base classes)."""
    found = []
    for module in (tf.keras.regularizers, tf.keras.constraints):
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isclass(obj) and name[0].isupper() and name not in (
                    "Regularizer", "Constraint"):
                found.append(pytest.param(obj, id=name))
    return found


@pytest.mark.stage3_task2
@pytest.mark.parametrize("cls", _penalties_and_projections())
def test_every_regularizer_and_constraint_fails_only_with_teaching_errors(cls):
    name = cls.__name__
    weights = np.ones((3, 2), np.float32)

    def made_and_called(**kwargs):
        return cls(**kwargs)(tf.constant(weights))

    leaks = []
    for p in _parameters(cls):
        for value in GENERAL:
            leaks.append(fuzz._judge(made_and_called, [name], (), {p.name: value}))
    for x in [3, "abc", None, np.ones(3, np.int32), [[1.0]], object(), fuzz.F32]:
        leaks.append(fuzz._judge(lambda x: cls()(x), [name], (x,), {}))
    leaks = [leak for leak in leaks if leak is not None]
    assert not leaks, fuzz._report(leaks)
