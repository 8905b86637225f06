"""Errors teach, for every layer: a bad input fails at the call with a message
that names the layer (and, for a shape problem, the shape it received), never
with a raw NumPy or Python exception from deep inside.

Each layer of the zoo is called with a table of bad inputs, before and after it
is built, and then with random shapes (hypothesis): whatever it accepts is fine,
whatever it refuses must be refused in words.
"""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import stage3_layers as tf

L = tf.keras.layers

# name: (make the layer, a good input shape, its task marker)
LAYERS = {
    "Dense": (lambda: L.Dense(3), (2, 4), "stage3_task3"),
    "Flatten": (lambda: L.Flatten(), (2, 3, 4), "stage3_task3"),
    "Reshape": (lambda: L.Reshape((2, -1)), (2, 4), "stage3_task3"),
    "Activation": (lambda: L.Activation("relu"), (2, 4), "stage3_task3"),
    "Dropout": (lambda: L.Dropout(0.5), (2, 4), "stage3_task3"),
    "Conv2D": (lambda: L.Conv2D(2, 3), (1, 5, 5, 2), "stage3_task5"),
    "MaxPool2D": (lambda: L.MaxPool2D(), (1, 4, 4, 2), "stage3_task5"),
    "AveragePooling2D": (lambda: L.AveragePooling2D(), (1, 4, 4, 2), "stage3_task5"),
    "BatchNormalization": (lambda: L.BatchNormalization(), (2, 4), "stage3_task6"),
    "LayerNormalization": (lambda: L.LayerNormalization(), (2, 4), "stage3_task6"),
    "Embedding": (lambda: L.Embedding(10, 3), (2, 4), "stage3_task7"),
    "SimpleRNN": (lambda: L.SimpleRNN(3), (2, 5, 4), "stage3_task7"),
    "LSTM": (lambda: L.LSTM(3), (2, 5, 4), "stage3_task7"),
    "GRU": (lambda: L.GRU(3), (2, 5, 4), "stage3_task7"),
}

# Layers that take any rank (elementwise, or a lookup per id).
ANY_RANK = {"Activation", "Dropout", "Embedding"}


def each_layer():
    return [pytest.param(name, marks=getattr(pytest.mark, marker), id=name)
            for name, (_, _, marker) in LAYERS.items()]


def make(name, built):
    factory, shape, _ = LAYERS[name]
    layer = factory()
    if built:
        layer(np.ones(shape, np.float32))
    return layer, shape


def refusal(layer, value, **kwargs):
    """The message of the ValueError that ``layer(value)`` raises (and it must raise)."""
    with pytest.raises(ValueError) as info:
        layer(value, **kwargs)
    message = str(info.value)
    assert repr(layer.name) in message, message
    return message


NOT_DATA = {
    "None": None,
    "a string": "abc",
    "a list of strings": ["a", "b"],
    "a ragged list": [[1.0], [1.0, 2.0]],
    "an object": object(),
}


@pytest.mark.parametrize("name", each_layer())
@pytest.mark.parametrize("built", [False, True], ids=["unbuilt", "built"])
@pytest.mark.parametrize("what", list(NOT_DATA))
def test_values_that_are_no_tensor_data_are_refused_naming_the_layer(name, built, what):
    layer, _ = make(name, built)
    message = refusal(layer, NOT_DATA[what])
    assert "cannot take this input" in message and "convert_to_tensor" in message


# Which wrong ranks each layer refuses, unbuilt and built. A Dense or a
# normalization layer takes any rank until it is built, then only the one it
# was built for; Flatten and Reshape need an axis besides the batch.
FIXED_RANK = {"Conv2D", "MaxPool2D", "AveragePooling2D", "SimpleRNN", "LSTM", "GRU"}
REFUSED = {
    name: ({"one axis more", "one axis less", "scalar"} if name in FIXED_RANK else {"scalar"},
           {"one axis more", "one axis less", "scalar"})
    for name in LAYERS if name not in ANY_RANK}
REFUSED["Flatten"] = ({"scalar"}, {"scalar"})
REFUSED["Reshape"] = ({"scalar", "one axis less"}, {"scalar", "one axis less"})


def refused_ranks():
    return [pytest.param(name, built, change, marks=getattr(pytest.mark, LAYERS[name][2]),
                         id="%s-%s-%s" % (name, "built" if built else "unbuilt", change))
            for name, by_state in REFUSED.items()
            for built in (False, True) for change in sorted(by_state[built])]


@pytest.mark.parametrize("name, built, change", refused_ranks())
def test_a_wrong_rank_is_refused_naming_the_shape(name, built, change):
    layer, shape = make(name, built)
    bad = {"one axis more": shape + (1,), "one axis less": shape[1:], "scalar": ()}[change]
    message = refusal(layer, np.ones(bad, np.float32))
    if name == "Reshape":
        assert "cannot reshape each example of shape %s" % (bad[1:],) in message
    elif bad:
        assert str(bad) in message, message


@pytest.mark.parametrize("name", [p for p in each_layer()
                                  if p.values[0] not in ANY_RANK | {"Flatten", "Reshape",
                                                                    "MaxPool2D",
                                                                    "AveragePooling2D"}])
def test_a_built_layer_refuses_another_last_axis_naming_expected_and_received(name):
    layer, shape = make(name, built=True)
    bad = shape[:-1] + (shape[-1] + 1,)
    message = refusal(layer, np.ones(bad, np.float32))
    assert "value %d" % shape[-1] in message and str(bad) in message, message
    assert "built for inputs of shape" in message


@pytest.mark.parametrize("name", each_layer())
@pytest.mark.parametrize("dtype", ["int32", "bool"])
def test_integer_and_bool_inputs_work_or_are_refused_naming_layer_shape_and_dtype(name, dtype):
    layer, shape = make(name, built=True)
    x = np.ones(shape, dtype)
    try:
        out = layer(x)
    except ValueError as error:
        message = str(error)
        assert repr(layer.name) in message and str(shape) in message and dtype in message
    else:
        assert tuple(out.shape)[0] == shape[0]


def test_dense_casts_integer_features_as_keras_does():
    layer = L.Dense(2, kernel_initializer="ones")
    out = layer(np.array([[1, 2, 3]], np.int32))
    assert out.dtype == tf.float32
    np.testing.assert_array_equal(out.numpy(), [[6.0, 6.0]])


def test_an_op_error_inside_a_model_names_the_innermost_layer_once():
    model = tf.keras.Sequential([L.Dense(4), L.Embedding(3, 2)], name="outer")
    with pytest.raises(tf.errors.InvalidArgumentError) as info:
        model(np.ones((1, 4), np.float32) * 100)
    message = str(info.value)
    assert message.count("layer '") == 1 and "'embedding'" in message, message
    assert "'outer'" not in message


shapes = st.lists(st.integers(0, 4), min_size=0, max_size=5).map(tuple)


@pytest.mark.parametrize("name", each_layer())
@settings(derandomize=True, max_examples=25, deadline=None)
@given(shape=shapes, built=st.booleans())
def test_any_shape_is_computed_or_refused_in_words(name, built, shape):
    layer, _ = make(name, built)
    try:
        layer(np.zeros(shape, np.float32))
    except ValueError as error:
        assert repr(layer.name) in str(error), str(error)


# --- bad constructor arguments (issue 8): refused at once, naming the class --------
BAD_CONSTRUCTIONS = [
    ("BatchNormalization", lambda: L.BatchNormalization(momentum="a"), ValueError,
     "momentum must be in [0, 1] (a number)", "stage3_task6"),
    ("BatchNormalization", lambda: L.BatchNormalization(momentum=1.5), ValueError,
     "momentum must be in [0, 1] (a number)", "stage3_task6"),
    ("BatchNormalization", lambda: L.BatchNormalization(axis="a"), TypeError,
     "axis must be an int or a non-empty list of ints", "stage3_task6"),
    ("LayerNormalization", lambda: L.LayerNormalization(epsilon=-1.0), ValueError,
     "epsilon must be in (0, inf] (a number)", "stage3_task6"),
    ("Reshape", lambda: L.Reshape("ab"), TypeError, "target_shape must be a tuple of ints",
     "stage3_task3"),
    ("Reshape", lambda: L.Reshape(None), TypeError, "target_shape must be a tuple of ints",
     "stage3_task3"),
    ("Dense", lambda: L.Dense(3, activation="foo"), ValueError, "unknown activation 'foo'",
     "stage3_task3"),
    ("Conv2D", lambda: L.Conv2D(2, 3, kernel_initializer=3), ValueError,
     "cannot interpret 3 as an initializer", "stage3_task5"),
    ("LSTM", lambda: L.LSTM(0), ValueError, "units must be a positive integer",
     "stage3_task7"),
]


@pytest.mark.parametrize("name, make, error, words", [
    pytest.param(n, m, e, w, marks=getattr(pytest.mark, k), id="%s-%s" % (n, w[:20]))
    for n, m, e, w, k in BAD_CONSTRUCTIONS])
def test_a_bad_constructor_argument_is_refused_naming_the_class_and_what_is_valid(
        name, make, error, words):
    with pytest.raises(error) as info:
        make()
    message = str(info.value)
    assert message.startswith(name + ":") and words in message, message


@pytest.mark.stage3_task3
def test_activation_none_is_the_linear_activation_as_in_keras():
    x = np.array([[-2.0, 0.5]], np.float32)
    np.testing.assert_array_equal(L.Activation(None)(x).numpy(), x)


@pytest.mark.stage3_task2
@pytest.mark.parametrize("shape", ["ab", [[2], [3]], [2, -1], [None, 2], 3.5])
def test_add_weight_refuses_a_shape_that_is_no_list_of_sizes(shape):
    layer = L.Layer(name="host")
    with pytest.raises(ValueError) as info:
        layer.add_weight("w", shape=shape)
    message = str(info.value)
    assert "'host'" in message and "'w'" in message and "such as (3, 4)" in message
    assert layer.weights == []


@pytest.mark.stage3_task1
@pytest.mark.parametrize("name", ["Zeros", "Ones", "Constant", "RandomNormal",
                                  "GlorotUniform", "Orthogonal", "Identity"])
@pytest.mark.parametrize("shape", [None, "ab", [2, -1], [[2], [2]]])
def test_an_initializer_refuses_a_shape_that_is_no_list_of_sizes(name, shape):
    init = getattr(tf.keras.initializers, name)()
    with pytest.raises(ValueError) as info:
        init(shape=shape)
    assert str(info.value).startswith(name + ": a weight shape must be"), str(info.value)


@pytest.mark.stage3_task1
def test_an_initializer_error_after_the_shape_check_names_the_initializer():
    with pytest.raises(TypeError) as info:
        tf.keras.initializers.GlorotUniform()([2, 2], dtype="foo")
    assert str(info.value).startswith("GlorotUniform: ") and "'foo'" in str(info.value)
