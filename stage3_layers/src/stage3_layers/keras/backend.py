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

import stage2_autodiff as tf

__all__ = ["unique_name", "clear_session", "snake_case", "learning_phase",
           "floatx", "set_floatx", "epsilon", "set_epsilon", "random_normal",
           "random_uniform"]

_name_counts = {}
_floatx = "float32"
_epsilon = 1e-7

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


def epsilon():
    """The small number Keras adds to avoid dividing by zero (``1e-07``).

    >>> from stage3_layers.keras import backend
    >>> backend.epsilon()
    1e-07
    """
    return _epsilon


def set_epsilon(value):
    """Sets the value ``epsilon()`` returns.

    >>> from stage3_layers.keras import backend
    >>> backend.set_epsilon(1e-5); backend.epsilon()
    1e-05
    >>> backend.set_epsilon(1e-7)
    """
    global _epsilon
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ValueError("set_epsilon: expected a positive number such as 1e-7, got %r"
                         % (value,))
    _epsilon = float(value)


def random_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal draws of ``shape``: ``tf.random.normal`` with ``floatx()`` as the default dtype.

    >>> import stage3_layers as tf
    >>> tf.keras.backend.random_normal((2, 3), seed=1).shape
    TensorShape([2, 3])
    """
    return tf.random.normal(shape, mean=mean, stddev=stddev, dtype=dtype or floatx(),
                            seed=seed)


def random_uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Uniform draws in ``[minval, maxval)``: ``tf.random.uniform`` with ``floatx()``
    as the default dtype.

    >>> import stage3_layers as tf
    >>> x = tf.keras.backend.random_uniform((100,), seed=1)
    >>> bool(tf.reduce_min(x) >= 0.0), bool(tf.reduce_max(x) < 1.0)
    (True, True)
    """
    return tf.random.uniform(shape, minval=minval, maxval=maxval, dtype=dtype or floatx(),
                             seed=seed)
