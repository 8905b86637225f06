"""Activation layers: ``ReLU``, ``LeakyReLU``, ``Softmax``, ``ELU``, ``PReLU``.

An activation as a layer of its own, with its options as constructor
arguments (``Activation("relu")`` takes none). Each is one call to the
function in ``keras.activations``, except ``PReLU``, whose negative slope is
a weight that training learns.

>>> import stage3_layers as tf
>>> tf.keras.layers.LeakyReLU(alpha=0.5)(tf.constant([-2.0, 3.0]))
tf.Tensor([-1.  3.], shape=(2,), dtype=float32)
"""

import numbers

import stage2_autodiff as tf

from .. import activations, constraints, initializers, regularizers
from ..base_layer import InputSpec, Layer

__all__ = ["ReLU", "LeakyReLU", "Softmax", "ELU", "PReLU"]


def _number(value, layer, what, minimum=None, allow_none=False):
    """``value`` as a float, or a ValueError saying what ``layer``'s ``what`` may be."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or value != value:
        raise ValueError("%s: %s must be a number%s, got %r"
                         % (layer, what, " or None" if allow_none else "", value))
    if minimum is not None and value < minimum:
        raise ValueError("%s: %s cannot be negative, got %r" % (layer, what, value))
    return float(value)


class ReLU(Layer):
    """``max(x, 0)``, with options: ``max_value`` caps the output, values below
    ``threshold`` get the slope ``negative_slope`` (``alpha * (x - threshold)``).

    >>> import stage3_layers as tf
    >>> tf.keras.layers.ReLU(max_value=6.0)(tf.constant([-1.0, 3.0, 9.0]))
    tf.Tensor([0. 3. 6.], shape=(3,), dtype=float32)
    >>> tf.keras.layers.ReLU(negative_slope=0.1, threshold=1.0)(tf.constant([0.0, 2.0]))
    tf.Tensor([-0.1  2. ], shape=(2,), dtype=float32)
    """

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        self.max_value = _number(max_value, "ReLU", "max_value", 0, allow_none=True)
        self.negative_slope = _number(negative_slope, "ReLU", "negative_slope", 0)
        self.threshold = _number(threshold, "ReLU", "threshold")

    def call(self, inputs):
        return activations.relu(inputs, alpha=self.negative_slope,
                                max_value=self.max_value, threshold=self.threshold)

    def get_config(self):
        return {**super().get_config(), "max_value": self.max_value,
                "negative_slope": self.negative_slope, "threshold": self.threshold}


class LeakyReLU(Layer):
    """``x`` where positive, ``alpha * x`` elsewhere (Keras's default ``alpha=0.3``).

    >>> import stage3_layers as tf
    >>> tf.keras.layers.LeakyReLU()(tf.constant([-10.0, 1.0]))
    tf.Tensor([-3.  1.], shape=(2,), dtype=float32)
    """

    def __init__(self, alpha=0.3, **kwargs):
        super().__init__(**kwargs)
        self.alpha = _number(alpha, "LeakyReLU", "alpha", 0)

    def call(self, inputs):
        return tf.nn.leaky_relu(inputs, alpha=self.alpha)

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}


class Softmax(Layer):
    """``exp(x) / sum(exp(x))`` along ``axis`` (an int or a list of ints).

    >>> import stage3_layers as tf
    >>> tf.keras.layers.Softmax()(tf.constant([[0.0, 0.0]]))
    tf.Tensor([[0.5 0.5]], shape=(1, 2), dtype=float32)
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        axes = axis if isinstance(axis, (list, tuple)) else [axis]
        if not axes or any(isinstance(a, bool) or not isinstance(a, numbers.Integral)
                           for a in axes):
            raise ValueError("Softmax: axis must be an int or a list of ints, got %r"
                             % (axis,))
        self.axis = [int(a) for a in axis] if isinstance(axis, (list, tuple)) else int(axis)

    def call(self, inputs):
        axes = self.axis if isinstance(self.axis, list) else [self.axis]
        rank = inputs.ndim
        bad = [a for a in axes if not -rank <= a < rank]
        if bad:
            raise ValueError("layer %r (Softmax): axis %s is out of range for an input "
                             "of rank %d (shape %s)" % (self.name, bad[0], rank,
                                                        tuple(inputs.shape)))
        if len(axes) == 1:
            return tf.nn.softmax(inputs, axis=axes[0])
        # Several axes: exp(x - logsumexp(x)) over all of them at once.
        return tf.exp(inputs - tf.reduce_logsumexp(inputs, axis=axes, keepdims=True))

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


class ELU(Layer):
    """Exponential linear unit: ``x`` where positive, ``alpha * (exp(x) - 1)`` elsewhere.

    >>> import stage3_layers as tf
    >>> tf.keras.layers.ELU(alpha=2.0)(tf.constant([0.0, 1.0]))
    tf.Tensor([0. 1.], shape=(2,), dtype=float32)
    """

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = _number(alpha, "ELU", "alpha")

    def call(self, inputs):
        return activations.elu(inputs, alpha=self.alpha)

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}


class PReLU(Layer):
    """Parametric ReLU: ``x`` where positive, ``alpha * x`` elsewhere, with ``alpha``
    a weight learned per input value (shape ``input_shape[1:]``).

    ``shared_axes`` share one alpha along those axes (counted with the batch as
    axis 0): for images, ``shared_axes=[1, 2]`` learns one slope per channel.

    >>> import stage3_layers as tf
    >>> layer = tf.keras.layers.PReLU(alpha_initializer="ones", shared_axes=[1, 2])
    >>> layer(tf.fill([1, 4, 4, 3], -2.0)).shape, layer.alpha.shape
    (TensorShape([1, 4, 4, 3]), TensorShape([1, 1, 3]))
    """

    _input_hint = "PReLU takes a batch of values, shape (batch, ...)"

    def __init__(self, alpha_initializer="zeros", alpha_regularizer=None,
                 alpha_constraint=None, shared_axes=None, **kwargs):
        super().__init__(**kwargs)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is None:
            self.shared_axes = None
        else:
            axes = shared_axes if isinstance(shared_axes, (list, tuple)) else [shared_axes]
            if any(isinstance(a, bool) or not isinstance(a, numbers.Integral) or a < 1
                   for a in axes):
                raise ValueError("PReLU: shared_axes must be axes of the input after "
                                 "the batch (ints >= 1), e.g. [1, 2] for images; got %r"
                                 % (shared_axes,))
            self.shared_axes = [int(a) for a in axes]
        self.input_spec = InputSpec(min_ndim=2)

    def build(self, input_shape):
        shape = list(input_shape[1:])
        for axis in self.shared_axes or ():
            if axis > len(shape):
                raise ValueError("PReLU %r: shared_axes %s name axis %d, but the input "
                                 "shape %s has only axes 1..%d after the batch"
                                 % (self.name, self.shared_axes, axis, tuple(input_shape),
                                    len(shape)))
            shape[axis - 1] = 1
        self.alpha = self.add_weight("alpha", shape=shape,
                                     initializer=self.alpha_initializer,
                                     regularizer=self.alpha_regularizer,
                                     constraint=self.alpha_constraint)
        axes = {i + 1: d for i, d in enumerate(input_shape[1:])
                if i + 1 not in (self.shared_axes or ())}
        self.input_spec = InputSpec(ndim=len(input_shape), axes=axes)
        self.built = True

    def call(self, inputs):
        return tf.nn.relu(inputs) - self.alpha * tf.nn.relu(-inputs)

    def get_config(self):
        return {**super().get_config(),
                "alpha_initializer": initializers.serialize(self.alpha_initializer),
                "alpha_regularizer": regularizers.serialize(self.alpha_regularizer),
                "alpha_constraint": constraints.serialize(self.alpha_constraint),
                "shared_axes": self.shared_axes}

