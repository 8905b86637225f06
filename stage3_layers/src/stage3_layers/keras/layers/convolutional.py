"""Convolution and pooling layers on NHWC images: ``Conv2D``, ``MaxPool2D``, ``AveragePooling2D``.

``Conv2D`` owns a kernel of shape ``(kernel_h, kernel_w, in_channels, filters)``
and calls ``tf.nn.conv2d``, which loops only over the kernel's taps, never over
pixels: with stride 1 and many channels it multiplies shifted views of the
whole batch by each tap's ``(in_channels, filters)`` matrix; otherwise it copies
every window into one row of a matrix (*im2col*) and does one matmul for the
whole batch (``stage1_tensors/ops/conv_ops.py``; the Stage 3 page explains both).

>>> import stage3_layers as tf
>>> layer = tf.keras.layers.Conv2D(8, 3, padding="same")
>>> layer(tf.zeros([2, 28, 28, 1])).shape
TensorShape([2, 28, 28, 8])
>>> layer.kernel.shape
TensorShape([3, 3, 1, 8])
"""

import numbers

import stage2_autodiff as tf

from .. import activations, initializers
from ..base_layer import InputSpec, Layer

__all__ = ["Conv2D", "Convolution2D", "MaxPool2D", "MaxPooling2D",
           "AveragePooling2D", "AvgPool2D"]

_IMAGES = ("this layer takes images of shape (batch, height, width, channels); add a "
           "channel axis with tf.expand_dims(x, -1) or a Reshape layer")


def _pair(value, layer, what):
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = (int(value), int(value))
    try:
        pair = tuple(int(v) for v in value)
    except (TypeError, ValueError):
        pair = ()
    if len(pair) != 2 or min(pair) < 1:
        raise ValueError("%s: %s must be a positive int or a pair of them, got %r"
                         % (layer, what, value))
    return pair


def _padding(padding, layer):
    if not isinstance(padding, str) or padding.lower() not in ("valid", "same"):
        raise ValueError("%s: padding must be 'valid' (no padding) or 'same' (output "
                         "size = ceil(input / stride)), got %r" % (layer, padding))
    return padding.upper()


def _channels_last(data_format, layer):
    if data_format not in (None, "channels_last"):
        raise ValueError("%s: only data_format='channels_last' (NHWC) is supported, "
                         "got %r; transpose the input with tf.transpose" % (layer, data_format))
    return "channels_last"


class Conv2D(Layer):
    """2-D convolution: ``filters`` output channels from ``kernel_size`` windows.

    ``padding`` is ``"valid"`` or ``"same"``; ``strides`` and ``dilation_rate``
    are ints or pairs. Inputs are ``(batch, height, width, channels)``.

    >>> import stage3_layers as tf
    >>> conv = tf.keras.layers.Conv2D(1, 2, kernel_initializer="ones")
    >>> conv(tf.ones([1, 3, 3, 1]))[0, :, :, 0]
    tf.Tensor([[4. 4.]
               [4. 4.]], shape=(2, 2), dtype=float32)
    """

    _input_hint = _IMAGES

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid",
                 data_format=None, dilation_rate=(1, 1), groups=1, activation=None,
                 use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(**kwargs)
        if isinstance(filters, bool) or not isinstance(filters, numbers.Integral) or filters < 1:
            raise ValueError("Conv2D: filters must be a positive integer, got %r" % (filters,))
        if groups != 1:
            raise ValueError("Conv2D: only groups=1 is supported, got %r" % (groups,))
        self.filters = int(filters)
        self.kernel_size = _pair(kernel_size, "Conv2D", "kernel_size")
        self.strides = _pair(strides, "Conv2D", "strides")
        self.dilation_rate = _pair(dilation_rate, "Conv2D", "dilation_rate")
        if self.strides != (1, 1) and self.dilation_rate != (1, 1):
            raise ValueError("Conv2D: strides > 1 together with dilation_rate > 1 is "
                             "not supported (as in TensorFlow)")
        self.padding = _padding(padding, "Conv2D")
        self.data_format = _channels_last(data_format, "Conv2D")
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.input_spec = InputSpec(ndim=4)

    def build(self, input_shape):
        if len(input_shape) != 4:
            raise ValueError("Conv2D %r: build got input shape %s, of rank %d, but %s"
                             % (self.name, tuple(input_shape), len(input_shape), _IMAGES))
        channels = input_shape[-1]
        self.kernel = self.add_weight("kernel", shape=self.kernel_size + (channels, self.filters),
                                      initializer=self.kernel_initializer)
        self.bias = (self.add_weight("bias", shape=[self.filters],
                                     initializer=self.bias_initializer)
                     if self.use_bias else None)
        self.input_spec = InputSpec(ndim=4, axes={-1: channels})
        self.built = True

    def call(self, inputs):
        outputs = tf.nn.conv2d(inputs, self.kernel, strides=self.strides,
                               padding=self.padding, dilations=self.dilation_rate)
        if self.use_bias:
            outputs = tf.nn.bias_add(outputs, self.bias)
        return self.activation(outputs)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters,
                "kernel_size": list(self.kernel_size), "strides": list(self.strides),
                "padding": self.padding.lower(), "data_format": self.data_format,
                "dilation_rate": list(self.dilation_rate),
                "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer)}


Convolution2D = Conv2D


class _Pooling2D(Layer):
    _pool = None          # tf.nn.max_pool2d or tf.nn.avg_pool2d
    _input_hint = _IMAGES

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None,
                 **kwargs):
        super().__init__(**kwargs)
        who = type(self).__name__
        self.pool_size = _pair(pool_size, who, "pool_size")
        self.strides = _pair(strides, who, "strides") if strides is not None else self.pool_size
        self.padding = _padding(padding, who)
        self.data_format = _channels_last(data_format, who)
        self.input_spec = InputSpec(ndim=4)

    def call(self, inputs):
        return type(self)._pool(inputs, ksize=self.pool_size, strides=self.strides,
                                padding=self.padding)

    def get_config(self):
        return {**super().get_config(), "pool_size": list(self.pool_size),
                "strides": list(self.strides), "padding": self.padding.lower(),
                "data_format": self.data_format}


class MaxPooling2D(_Pooling2D):
    """The maximum of each ``pool_size`` window (stride defaults to the window).

    >>> import stage3_layers as tf
    >>> x = tf.reshape(tf.range(16.0), [1, 4, 4, 1])
    >>> tf.keras.layers.MaxPooling2D()(x)[0, :, :, 0]
    tf.Tensor([[ 5.  7.]
               [13. 15.]], shape=(2, 2), dtype=float32)
    """

    _pool = staticmethod(tf.nn.max_pool2d)


class AveragePooling2D(_Pooling2D):
    """The mean of each ``pool_size`` window (stride defaults to the window).

    >>> import stage3_layers as tf
    >>> x = tf.reshape(tf.range(16.0), [1, 4, 4, 1])
    >>> tf.keras.layers.AveragePooling2D()(x)[0, :, :, 0]
    tf.Tensor([[ 2.5  4.5]
               [10.5 12.5]], shape=(2, 2), dtype=float32)
    """

    _pool = staticmethod(tf.nn.avg_pool2d)


MaxPool2D = MaxPooling2D
AvgPool2D = AveragePooling2D
