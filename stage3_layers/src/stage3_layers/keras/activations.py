"""Activations by name: ``Dense(128, activation="relu")`` looks ``"relu"`` up here.

Each one is a plain function of a tensor built from ``tf.nn`` ops, so it is
differentiable and runs wherever its input lives.

>>> import stage3_layers as tf
>>> tf.keras.activations.get("relu")(tf.constant([-1.0, 2.0]))
tf.Tensor([0. 2.], shape=(2,), dtype=float32)
>>> tf.keras.activations.get(None) is tf.keras.activations.linear
True
"""

import stage2_autodiff as tf

__all__ = ["relu", "sigmoid", "tanh", "softmax", "log_softmax", "gelu", "elu",
           "selu", "softplus", "softsign", "swish", "silu", "relu6", "exponential",
           "hard_sigmoid", "linear", "get", "serialize", "deserialize"]

def relu(x, alpha=0.0, max_value=None, threshold=0.0):
    """``max(x, 0)``; ``alpha`` gives negative inputs a slope, ``max_value`` caps.

    >>> import stage3_layers as tf
    >>> tf.keras.activations.relu(tf.constant([-2.0, 1.0, 9.0]), alpha=0.5, max_value=6.0)
    tf.Tensor([-1.  1.  6.], shape=(3,), dtype=float32)
    """
    if threshold != 0.0:
        x = tf.where(x > threshold, x, alpha * (x - threshold))
        return x if max_value is None else tf.minimum(x, max_value)
    out = tf.nn.relu(x) if alpha == 0.0 else tf.nn.leaky_relu(x, alpha=alpha)
    return out if max_value is None else tf.minimum(out, max_value)


def sigmoid(x):
    """``1 / (1 + exp(-x))``.

    >>> import stage3_layers as tf
    >>> tf.keras.activations.sigmoid(tf.constant([0.0]))
    tf.Tensor([0.5], shape=(1,), dtype=float32)
    """
    return tf.nn.sigmoid(x)


def tanh(x):
    """Hyperbolic tangent.

    >>> import stage3_layers as tf
    >>> tf.keras.activations.tanh(tf.constant([0.0]))
    tf.Tensor([0.], shape=(1,), dtype=float32)
    """
    return tf.nn.tanh(x)


def softmax(x, axis=-1):
    """``exp(x) / sum(exp(x))`` along ``axis``: a probability distribution.

    >>> import stage3_layers as tf
    >>> tf.keras.activations.softmax(tf.constant([[0.0, 0.0]]))
    tf.Tensor([[0.5 0.5]], shape=(1, 2), dtype=float32)
    """
    if x.ndim < 1:
        raise ValueError("softmax: the input must have rank >= 1, got a scalar")
    return tf.nn.softmax(x, axis=axis)


def log_softmax(x, axis=-1):
    """``log(softmax(x))``, computed stably.

    >>> import stage3_layers as tf
    >>> tf.keras.activations.log_softmax(tf.constant([0.0, 0.0])).shape
    TensorShape([2])
    """
    return tf.nn.log_softmax(x, axis=axis)


def gelu(x, approximate=False):
    """Gaussian error linear unit, ``x * P(X <= x)`` (exact unless ``approximate``).

    >>> import stage3_layers as tf
    >>> tf.keras.activations.gelu(tf.constant([0.0]))
    tf.Tensor([0.], shape=(1,), dtype=float32)
    """
    return tf.nn.gelu(x, approximate=approximate)


def elu(x, alpha=1.0):
    """``x`` if positive, else ``alpha * (exp(x) - 1)``.

    >>> import stage3_layers as tf
    >>> tf.keras.activations.elu(tf.constant([0.0, 1.0]))
    tf.Tensor([0. 1.], shape=(2,), dtype=float32)
    """
    out = tf.nn.elu(x)
    if alpha == 1.0:
        return out
    return tf.where(x > 0, out, out * alpha)


def selu(x):
    """Scaled ELU with the constants that make layers self-normalising.

    >>> import stage3_layers as tf
    >>> tf.keras.activations.selu(tf.constant([0.0]))
    tf.Tensor([0.], shape=(1,), dtype=float32)
    """
    return tf.nn.selu(x)


def softplus(x):
    """``log(1 + exp(x))``, a smooth ReLU.

    >>> import stage3_layers as tf
    >>> print(round(float(tf.keras.activations.softplus(tf.constant(0.0))), 4))
    0.6931
    """
    return tf.nn.softplus(x)


def softsign(x):
    """``x / (1 + |x|)``.

    >>> import stage3_layers as tf
    >>> tf.keras.activations.softsign(tf.constant([1.0]))
    tf.Tensor([0.5], shape=(1,), dtype=float32)
    """
    return tf.nn.softsign(x)


def swish(x):
    """``x * sigmoid(x)`` (also called SiLU).

    >>> import stage3_layers as tf
    >>> tf.keras.activations.swish(tf.constant([0.0]))
    tf.Tensor([0.], shape=(1,), dtype=float32)
    """
    return x * tf.nn.sigmoid(x)


silu = swish


def relu6(x):
    """``min(max(x, 0), 6)``.

    >>> import stage3_layers as tf
    >>> tf.keras.activations.relu6(tf.constant([-1.0, 7.0]))
    tf.Tensor([0. 6.], shape=(2,), dtype=float32)
    """
    return tf.nn.relu6(x)


def exponential(x):
    """``exp(x)``.

    >>> import stage3_layers as tf
    >>> tf.keras.activations.exponential(tf.constant([0.0]))
    tf.Tensor([1.], shape=(1,), dtype=float32)
    """
    return tf.exp(x)


def hard_sigmoid(x):
    """A piecewise-linear sigmoid: ``clip(x / 6 + 0.5, 0, 1)`` (as Keras 2.13+).

    >>> import stage3_layers as tf
    >>> tf.keras.activations.hard_sigmoid(tf.constant([-9.0, 0.0, 9.0]))
    tf.Tensor([0.  0.5 1. ], shape=(3,), dtype=float32)
    """
    return tf.clip_by_value(x / 6.0 + 0.5, 0.0, 1.0)


def linear(x):
    """The identity: the activation of a layer given none.

    >>> import stage3_layers as tf
    >>> tf.keras.activations.linear(tf.constant([-1.0]))
    tf.Tensor([-1.], shape=(1,), dtype=float32)
    """
    return x


_BY_NAME = {name: globals()[name] for name in __all__
            if name not in ("get", "serialize", "deserialize")}


def get(identifier):
    """The activation function for a name (``"relu"``), a function, or None (``linear``).

    >>> import stage3_layers as tf
    >>> tf.keras.activations.get("softmax").__name__
    'softmax'
    """
    if identifier is None:
        return linear
    if isinstance(identifier, str):
        try:
            return _BY_NAME[identifier]
        except KeyError:
            raise ValueError("unknown activation %r; known ones are %s"
                             % (identifier, ", ".join(sorted(_BY_NAME)))) from None
    if callable(identifier):
        return identifier
    raise TypeError("an activation must be a name such as 'relu', a function or "
                    "None, got %r" % (identifier,))


deserialize = get


def serialize(activation):
    """The name of a built-in activation (or the function's own name).

    >>> import stage3_layers as tf
    >>> tf.keras.activations.serialize(tf.keras.activations.relu)
    'relu'
    """
    return (getattr(activation, "_keras_registered_name", None)
            or getattr(activation, "__name__", repr(activation)))
