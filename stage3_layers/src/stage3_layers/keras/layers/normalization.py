"""Normalization layers: ``BatchNormalization`` and ``LayerNormalization``.

Both compute ``gamma * (x - mean) / sqrt(variance + epsilon) + beta``; they
differ in *which* mean and variance:

* ``BatchNormalization`` normalises each channel over the batch. In training
  it uses the batch's statistics (the biased variance) and moves its
  ``moving_mean``/``moving_variance`` towards them; at inference (the default,
  when ``training`` is not given) it uses those moving statistics.
* ``LayerNormalization`` normalises each example over its own features, the
  same way in training and at inference.

>>> import stage3_layers as tf
>>> bn = tf.keras.layers.BatchNormalization()
>>> x = tf.constant([[0.0], [2.0]])
>>> bn(x, training=True)
tf.Tensor([[-0.9995004]
           [ 0.9995004]], shape=(2, 1), dtype=float32)
>>> bn.moving_mean.numpy()
array([0.01], dtype=float32)
"""

import numpy as np

import stage2_autodiff as tf

from .. import constraints, initializers, regularizers
from ..base_layer import InputSpec, Layer

__all__ = ["BatchNormalization", "LayerNormalization"]


def _axes(axis, rank, layer):
    axes = [axis] if isinstance(axis, int) else list(axis)
    out = []
    for a in axes:
        if not -rank <= a < rank:
            raise ValueError("%s: axis %d is out of range for inputs of rank %d"
                             % (layer, a, rank))
        out.append(a % rank)
    if len(set(out)) != len(out):
        raise ValueError("%s: duplicate axes in %r" % (layer, axis))
    return sorted(out)


def _checked_axis(axis, layer):
    """``axis`` as an int or a list of ints, or a TypeError saying what is valid."""
    def is_int(a):
        return isinstance(a, (int, np.integer)) and not isinstance(a, (bool, np.bool_))
    if is_int(axis):
        return int(axis)
    if isinstance(axis, (list, tuple)) and axis and all(is_int(a) for a in axis):
        return [int(a) for a in axis]
    raise TypeError("%s: axis must be an int or a non-empty list of ints (the feature "
                    "axes, -1 for the last), got %r" % (layer, axis))


def _checked_number(value, layer, what, low, high, low_open=False):
    """``value`` as a float in ``[low, high]`` (``(low, high]`` when ``low_open``)."""
    if (isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number))
            or not (low < value if low_open else low <= value) or not value <= high):
        raise ValueError("%s: %s must be in %s%s, %s] (a number), got %r"
                         % (layer, what, "(" if low_open else "[", low, high, value))
    return float(value)


def _normalize(x, mean, variance, gamma, beta, epsilon):
    """``(x - mean) * rsqrt(variance + epsilon) * gamma + beta`` as one scale and shift."""
    inv = tf.math.rsqrt(variance + epsilon)
    if gamma is not None:
        inv = inv * gamma
    shift = -mean * inv
    if beta is not None:
        shift = shift + beta
    return x * inv + shift


class _Normalization(Layer):
    def __init__(self, axis, epsilon, center, scale, beta_initializer, gamma_initializer,
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, **kwargs):
        super().__init__(**kwargs)
        who = type(self).__name__
        self.axis = _checked_axis(axis, who)
        self.epsilon = _checked_number(epsilon, who, "epsilon", 0, float("inf"),
                                       low_open=True)
        self.center = bool(center)
        self.scale = bool(scale)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)

    def _build_params(self, input_shape):
        rank = len(input_shape)
        who = "%s %r" % (type(self).__name__, self.name)
        self._axes = _axes(self.axis, rank, who)
        param_shape = [input_shape[a] for a in self._axes]
        # Parameters broadcast against x: their axes keep their size, others are 1.
        self._broadcast = None
        if self._axes != [rank - 1]:
            self._broadcast = [input_shape[a] if a in self._axes else 1 for a in range(rank)]
        self.gamma = (self.add_weight("gamma", shape=param_shape,
                                      initializer=self.gamma_initializer,
                                      regularizer=self.gamma_regularizer,
                                      constraint=self.gamma_constraint)
                      if self.scale else None)
        self.beta = (self.add_weight("beta", shape=param_shape,
                                     initializer=self.beta_initializer,
                                     regularizer=self.beta_regularizer,
                                     constraint=self.beta_constraint)
                     if self.center else None)
        self.input_spec = InputSpec(ndim=rank, axes={a: input_shape[a] for a in self._axes})
        return param_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon,
                "center": self.center, "scale": self.scale,
                "beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer),
                "beta_regularizer": regularizers.serialize(self.beta_regularizer),
                "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
                "beta_constraint": constraints.serialize(self.beta_constraint),
                "gamma_constraint": constraints.serialize(self.gamma_constraint)}

    def _shaped(self, param):
        if param is None or self._broadcast is None:
            return param
        return tf.reshape(param, self._broadcast)


class BatchNormalization(_Normalization):
    """Normalises each channel (``axis``) with batch statistics in training and
    moving averages of them at inference.

    ``momentum`` is how much of the old moving statistics each training step
    keeps: ``moving = moving * momentum + batch * (1 - momentum)``. A frozen
    layer (``trainable=False``) always runs in inference mode.

    >>> import stage3_layers as tf
    >>> bn = tf.keras.layers.BatchNormalization()
    >>> bn(tf.ones([4, 3])).shape, len(bn.trainable_variables), len(bn.non_trainable_variables)
    (TensorShape([4, 3]), 2, 2)
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones",
                 moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, **kwargs):
        for key in ("fused", "renorm", "virtual_batch_size", "adjustment",
                    "synchronized"):
            kwargs.pop(key, None)
        super().__init__(axis, epsilon, center, scale, beta_initializer,
                         gamma_initializer, beta_regularizer, gamma_regularizer,
                         beta_constraint, gamma_constraint, **kwargs)
        self.momentum = _checked_number(momentum, "BatchNormalization", "momentum", 0, 1)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum,
                "moving_mean_initializer": initializers.serialize(
                    self.moving_mean_initializer),
                "moving_variance_initializer": initializers.serialize(
                    self.moving_variance_initializer)}

    def build(self, input_shape):
        shape = self._build_params(input_shape)
        self.moving_mean = self.add_weight("moving_mean", shape=shape, trainable=False,
                                           initializer=self.moving_mean_initializer)
        self.moving_variance = self.add_weight("moving_variance", shape=shape,
                                               trainable=False,
                                               initializer=self.moving_variance_initializer)
        self.built = True

    def call(self, inputs, training=None):
        gamma, beta = self._shaped(self.gamma), self._shaped(self.beta)
        if training and self.trainable:
            reduce = [a for a in range(inputs.ndim) if a not in self._axes]
            mean, variance = tf.nn.moments(inputs, reduce, keepdims=True)
            self._update_moving(mean, variance)
        else:
            mean = self._shaped(self.moving_mean)
            variance = self._shaped(self.moving_variance)
        return _normalize(inputs, mean, variance, gamma, beta, self.epsilon)

    def _update_moving(self, mean, variance):
        shape = tuple(self.moving_mean.shape)
        decay = 1.0 - self.momentum
        # assign_* change the variables in place and are never differentiated:
        # the moving averages are statistics, not part of the loss.
        mean = tf.reshape(mean, shape)
        variance = tf.reshape(variance, shape)
        self.moving_mean.assign_sub((self.moving_mean - mean) * decay)
        self.moving_variance.assign_sub((self.moving_variance - variance) * decay)


class LayerNormalization(_Normalization):
    """Normalises each example over ``axis`` (the features), then scales and shifts.

    >>> import stage3_layers as tf
    >>> ln = tf.keras.layers.LayerNormalization()
    >>> ln(tf.constant([[1.0, 3.0]]))
    tf.Tensor([[-0.9995004  0.9995005]], shape=(1, 2), dtype=float32)
    """

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None,
                 **kwargs):
        super().__init__(axis, epsilon, center, scale, beta_initializer,
                         gamma_initializer, beta_regularizer, gamma_regularizer,
                         beta_constraint, gamma_constraint, **kwargs)

    get_config = _Normalization.get_config

    def build(self, input_shape):
        self._build_params(input_shape)
        self.built = True

    def call(self, inputs):
        mean, variance = tf.nn.moments(inputs, self._axes, keepdims=True)
        return _normalize(inputs, mean, variance, self._shaped(self.gamma),
                          self._shaped(self.beta), self.epsilon)
