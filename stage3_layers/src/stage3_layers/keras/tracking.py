"""Finding the layers and variables a layer owns, by walking its attributes.

There is no global collection of variables. A layer's state is whatever its
attributes hold: a ``Variable``, another ``Layer``, or lists, tuples and dicts of
them (nested as deep as you like). We walk those attributes when asked, in the
order they were assigned, so a list filled *after* it was assigned is seen too,
and a layer that never called ``super().__init__()`` is tracked all the same.

>>> import stage3_layers as tf
>>> from stage3_layers.keras import tracking
>>> class Pair(tf.keras.layers.Layer):
...     def __init__(self):
...         super().__init__()
...         self.blocks = [tf.keras.layers.Dense(2), {"head": tf.keras.layers.Dense(1)}]
>>> [type(layer).__name__ for layer in tracking.sublayers(Pair())]
['Dense', 'Dense']
"""

from stage2_autodiff import Variable

__all__ = ["sublayers", "attribute_variables", "tracked", "walk"]

# Bookkeeping attributes of Layer that hold no state of the user's model.
_SKIP = frozenset(["_own_weights", "_build_input_shape", "_output_shape",
                   "_output_raw_shape", "input_spec", "_name", "_dtype",
                   "_callable_losses", "_call_losses", "_inbound_nodes", "_symbolic_shape",
                   "_ends"])
_CONTAINERS = (list, tuple, dict)
# base_layer.py puts Layer here (it cannot be imported from this module: cycle).
tracked_types = (Variable,)


def walk(value, found, seen):
    """Appends to ``found`` every Layer or Variable inside ``value`` (not below a Layer)."""
    kind = type(value)
    if kind in _CONTAINERS:            # exactly list/tuple/dict: shapes are not walked
        key = id(value)
        if key not in seen:
            seen.add(key)
            for item in (value.values() if kind is dict else value):
                walk(item, found, seen)
    elif isinstance(value, tracked_types):
        key = id(value)
        if key not in seen:
            seen.add(key)
            found.append(value)


def tracked(layer):
    """Layers and Variables held by ``layer``'s attributes, in assignment order."""
    found, seen = [], {id(layer)}
    for name, value in vars(layer).items():
        if name not in _SKIP:
            walk(value, found, seen)
    return found


def sublayers(layer):
    """The layers ``layer`` holds directly (not their sublayers), in assignment order.

    A layer held twice (reused) appears once.
    """
    return [x for x in tracked(layer) if not isinstance(x, Variable)]


def attribute_variables(layer):
    """The variables assigned to ``layer``'s attributes (e.g. ``self.w = tf.Variable(1.)``)."""
    return [x for x in tracked(layer) if isinstance(x, Variable)]
