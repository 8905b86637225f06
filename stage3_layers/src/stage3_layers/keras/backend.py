"""The little state Keras keeps outside layers: name counters and the call context.

* **Names.** Each new layer gets a unique default name from its class:
  ``dense``, ``dense_1``, ... ``clear_session()`` starts the counting again.
* **The call context.** While a layer runs, the stack of layers being called
  gives variable names their prefix (``my_model/dense/kernel:0``) and carries
  the ``training`` flag down to sublayers called without one.

>>> from stage3_layers.keras import backend
>>> backend.clear_session()
>>> backend.unique_name("dense"), backend.unique_name("dense")
('dense', 'dense_1')
"""

import re

__all__ = ["unique_name", "clear_session", "snake_case", "learning_phase",
           "floatx", "set_floatx"]

_name_counts = {}
_floatx = "float32"

# One entry per layer currently inside __call__: (scope name or None, training).
call_stack = []


def snake_case(name):
    """``"BatchNormalization"`` -> ``"batch_normalization"``, as Keras names layers.

    >>> from stage3_layers.keras import backend
    >>> backend.snake_case("MNISTModel"), backend.snake_case("Conv2D")
    ('mnist_model', 'conv2d')
    """
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def unique_name(base):
    """``base`` the first time, then ``base_1``, ``base_2``, ...

    >>> from stage3_layers.keras import backend
    >>> backend.clear_session()
    >>> backend.unique_name("conv2d")
    'conv2d'
    """
    count = _name_counts.get(base, 0)
    _name_counts[base] = count + 1
    return base if count == 0 else "%s_%d" % (base, count)


def clear_session():
    """Forgets the layer names handed out so far (new layers start at ``dense`` again).

    >>> import stage3_layers as tf
    >>> tf.keras.backend.clear_session()
    >>> tf.keras.layers.Dense(1).name
    'dense'
    """
    _name_counts.clear()


def learning_phase():
    """The ``training`` flag of the innermost layer call: True, False, or None outside.

    >>> from stage3_layers.keras import backend
    >>> print(backend.learning_phase())
    None
    """
    for _, training in reversed(call_stack):
        if training is not None:
            return training
    return None


def name_scope():
    """The variable-name prefix of the layers being called, e.g. ``"my_model/"``.

    >>> from stage3_layers.keras import backend
    >>> backend.name_scope()
    ''
    """
    return "".join(name + "/" for name, _ in call_stack if name)


def floatx():
    """The default float dtype of layers (``"float32"``).

    >>> from stage3_layers.keras import backend
    >>> backend.floatx()
    'float32'
    """
    return _floatx


def set_floatx(value):
    """Sets the default float dtype of layers created from now on.

    >>> from stage3_layers.keras import backend
    >>> backend.set_floatx("float64"); backend.floatx()
    'float64'
    >>> backend.set_floatx("float32")
    """
    global _floatx
    if value not in ("float16", "float32", "float64"):
        raise ValueError("set_floatx: expected 'float16', 'float32' or 'float64', "
                         "got %r" % (value,))
    _floatx = value
