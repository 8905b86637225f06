"""Convolution and pooling layers: ``Conv1D``, ``Conv2D``, ``Conv2DTranspose``,
``DepthwiseConv2D``, ``SeparableConv2D``, ``MaxPool2D``, ``AveragePooling2D``.

``Conv2D`` owns a kernel of shape ``(kernel_h, kernel_w, in_channels, filters)``
and calls ``tf.nn.conv2d``, which loops only over the kernel's taps, never over
pixels: with stride 1 and many channels it multiplies shifted views of the
whole batch by each tap's ``(in_channels, filters)`` matrix; otherwise it copies
every window into one row of a matrix (*im2col*) and does one matmul for the
whole batch (``stage1_tensors/ops/conv_ops.py``; the Stage 3 page explains both).
The others reuse it: ``Conv1D`` is a ``conv2d`` of height 1, ``Conv2DTranspose``
is ``conv2d``'s input gradient (``tf.nn.conv2d_transpose``), and
``DepthwiseConv2D`` filters each channel on its own, one tap at a time
(``depthwise_conv2d`` below); ``SeparableConv2D`` follows it with a 1x1 ``conv2d``.

>>> import stage3_layers as tf
>>> layer = tf.keras.layers.Conv2D(8, 3, padding="same")
>>> layer(tf.zeros([2, 28, 28, 1])).shape
TensorShape([2, 28, 28, 8])
>>> layer.kernel.shape
TensorShape([3, 3, 1, 8])
"""

import numbers

import stage2_autodiff as tf

from stage1_tensors.ops.windows import tap_slices, window_geometry

from .. import activations, constraints, initializers, regularizers
from ..base_layer import InputSpec, Layer

__all__ = ["Conv1D", "Convolution1D", "Conv2D", "Convolution2D", "Conv2DTranspose",
           "Convolution2DTranspose", "DepthwiseConv2D", "SeparableConv2D",
           "SeparableConvolution2D", "MaxPool2D", "MaxPooling2D", "AveragePooling2D",
           "AvgPool2D", "depthwise_conv2d"]

_IMAGES = ("this layer takes images of shape (batch, height, width, channels); add a "
           "channel axis with tf.expand_dims(x, -1) or a Reshape layer")


def _ints(value, n, layer, what):
    """``value`` (an int, or ``n`` of them) as a tuple of ``n`` positive ints."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = (int(value),) * n
    try:
        ints = tuple(int(v) for v in value
                     if isinstance(v, numbers.Integral) and not isinstance(v, bool))
        if len(ints) != len(value):
            ints = ()
    except TypeError:
        ints = ()
    if len(ints) != n or min(ints) < 1:
        raise ValueError("%s: %s must be a positive int or %s of them, got %r"
                         % (layer, what, "a pair" if n == 2 else "a tuple of %d" % n, value))
    return ints


def _pair(value, layer, what):
    return _ints(value, 2, layer, what)


def _padding(padding, layer, causal=False):
    allowed = ("valid", "same", "causal") if causal else ("valid", "same")
    if not isinstance(padding, str) or padding.lower() not in allowed:
        raise ValueError("%s: padding must be 'valid' (no padding)%s or 'same' (output "
                         "size = ceil(input / stride)), got %r"
                         % (layer, ", 'causal' (pad the start only)" if causal else "",
                            padding))
    return padding.upper()


def _channels_last(data_format, layer):
    if data_format not in (None, "channels_last"):
        raise ValueError("%s: only data_format='channels_last' (NHWC) is supported, "
                         "got %r; transpose the input with tf.transpose" % (layer, data_format))
    return "channels_last"


def _positive(value, layer, what):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError("%s: %s must be a positive integer, got %r" % (layer, what, value))
    return int(value)


def depthwise_conv2d(inputs, kernel, strides, padding, dilations=(1, 1)):
    """Filters each input channel with its own ``(kh, kw)`` filters, in NHWC.

    ``kernel`` is ``(kh, kw, channels, multiplier)``; output channel
    ``c * multiplier + m`` is channel ``c`` filtered by ``kernel[..., c, m]``.
    As ``conv2d``'s kernels do, this loops over the taps of the window only: each
    tap's view of the (padded) batch, times that tap's weights, added up. Made
    of recorded ops (pad, strided slices, multiply, add), so its gradient comes
    from theirs.

    >>> import stage3_layers as tf
    >>> from stage3_layers.keras.layers.convolutional import depthwise_conv2d
    >>> x = tf.ones([1, 3, 3, 2])
    >>> depthwise_conv2d(x, tf.ones([2, 2, 2, 1]), (1, 1), "VALID")[0, :, :, 1]
    tf.Tensor([[4. 4.]
               [4. 4.]], shape=(2, 2), dtype=float32)
    """
    batch, _, _, channels = inputs.shape
    k_h, k_w, _, multiplier = kernel.shape
    out_hw, pads = window_geometry(
        "depthwise_conv2d", tuple(inputs.shape[1:3]), (k_h, k_w), strides, dilations,
        padding, "input %s, depthwise kernel %s" % (tuple(inputs.shape), tuple(kernel.shape)))
    if pads != ((0, 0), (0, 0)):
        inputs = tf.pad(inputs, [[0, 0], list(pads[0]), list(pads[1]), [0, 0]])
    spread = tf.expand_dims(inputs, -1)                # (batch, h, w, channels, 1)
    total = None
    for i in range(k_h):
        for j in range(k_w):
            tap = spread[tap_slices(i, j, strides, dilations, out_hw)] * kernel[i, j]
            total = tap if total is None else total + tap
    return tf.reshape(total, (batch,) + tuple(out_hw) + (channels * multiplier,))


class _Conv(Layer):
    """What the convolution layers share: options, the bias and the activation.

    A subclass says its spatial rank (``_rank``), the name and shape of its
    kernels (``build``) and how to apply them (``_convolve``).
    """

    _rank = 2
    _causal = False      # may padding be "causal"?
    _input_hint = _IMAGES

    def __init__(self, filters, kernel_size, strides, padding, data_format,
                 dilation_rate, groups, activation, use_bias, kernel_initializer,
                 bias_initializer, kernel_regularizer, bias_regularizer,
                 activity_regularizer, kernel_constraint, bias_constraint, kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        who, n = type(self).__name__, self._rank
        self.filters = None if filters is None else _positive(filters, who, "filters")
        if groups != 1:
            raise ValueError("%s: only groups=1 is supported, got %r" % (who, groups))
        self.kernel_size = _ints(kernel_size, n, who, "kernel_size")
        self.strides = _ints(strides, n, who, "strides")
        self.dilation_rate = _ints(dilation_rate, n, who, "dilation_rate")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError("%s: strides > 1 together with dilation_rate > 1 is "
                             "not supported (as in TensorFlow)" % who)
        self.padding = _padding(padding, who, causal=self._causal)
        self.data_format = _channels_last(data_format, who)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(ndim=n + 2)

    def _channels(self, input_shape):
        if len(input_shape) != self._rank + 2:
            raise ValueError("%s %r: build got input shape %s, of rank %d, but %s"
                             % (type(self).__name__, self.name, tuple(input_shape),
                                len(input_shape), self._input_hint))
        self.input_spec = InputSpec(ndim=self._rank + 2, axes={-1: input_shape[-1]})
        return input_shape[-1]

    def _add_bias(self, size):
        self.bias = (self.add_weight("bias", shape=[size], initializer=self.bias_initializer,
                                     regularizer=self.bias_regularizer,
                                     constraint=self.bias_constraint)
                     if self.use_bias else None)

    def build(self, input_shape):
        channels = self._channels(input_shape)
        self.kernel = self.add_weight("kernel", shape=self.kernel_size + (channels, self.filters),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self._add_bias(self.filters)
        self.built = True

    def call(self, inputs):
        outputs = self._convolve(inputs)
        if self.use_bias:
            outputs = tf.nn.bias_add(outputs, self.bias)
        return self.activation(outputs)

    def get_config(self):
        config = {**super().get_config(), "filters": self.filters,
                  "kernel_size": list(self.kernel_size), "strides": list(self.strides),
                  "padding": self.padding.lower(), "data_format": self.data_format,
                  "dilation_rate": list(self.dilation_rate),
                  "activation": activations.serialize(self.activation),
                  "use_bias": self.use_bias,
                  "kernel_initializer": initializers.serialize(self.kernel_initializer),
                  "bias_initializer": initializers.serialize(self.bias_initializer),
                  "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                  "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                  "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                  "kernel_constraint": constraints.serialize(self.kernel_constraint),
                  "bias_constraint": constraints.serialize(self.bias_constraint)}
        return config


class Conv1D(_Conv):
    """1-D convolution over ``(batch, steps, channels)``: a ``conv2d`` of height 1.

    ``padding="causal"`` pads the start of the sequence only, so output ``t``
    sees inputs ``<= t`` (WaveNet's convolutions).

    >>> import stage3_layers as tf
    >>> conv = tf.keras.layers.Conv1D(1, 2, kernel_initializer="ones", padding="causal")
    >>> conv(tf.reshape(tf.constant([1.0, 2.0, 3.0]), [1, 3, 1]))[0, :, 0]
    tf.Tensor([1. 3. 5.], shape=(3,), dtype=float32)
    """

    _rank = 1
    _causal = True
    _input_hint = ("this layer takes sequences of shape (batch, steps, channels); add a "
                   "channel axis with tf.expand_dims(x, -1)")

    def __init__(self, filters, kernel_size, strides=1, padding="valid",
                 data_format="channels_last", dilation_rate=1, groups=1, activation=None,
                 use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(filters, kernel_size, strides, padding, data_format,
                         dilation_rate, groups, activation, use_bias, kernel_initializer,
                         bias_initializer, kernel_regularizer, bias_regularizer,
                         activity_regularizer, kernel_constraint, bias_constraint, kwargs)

    get_config = _Conv.get_config       # its arguments are all _Conv's

    def _convolve(self, inputs):
        padding = self.padding
        if padding == "CAUSAL":
            inputs = tf.pad(inputs, [[0, 0], [(self.kernel_size[0] - 1)
                                              * self.dilation_rate[0], 0], [0, 0]])
            padding = "VALID"
        outputs = tf.nn.conv2d(tf.expand_dims(inputs, 1), tf.expand_dims(self.kernel, 0),
                               strides=(1,) + self.strides, padding=padding,
                               dilations=(1,) + self.dilation_rate)
        return tf.squeeze(outputs, [1])


class Conv2D(_Conv):
    """2-D convolution: ``filters`` output channels from ``kernel_size`` windows.

    ``padding`` is ``"valid"`` or ``"same"``; ``strides`` and ``dilation_rate``
    are ints or pairs. Inputs are ``(batch, height, width, channels)``.

    >>> import stage3_layers as tf
    >>> conv = tf.keras.layers.Conv2D(1, 2, kernel_initializer="ones")
    >>> conv(tf.ones([1, 3, 3, 1]))[0, :, :, 0]
    tf.Tensor([[4. 4.]
               [4. 4.]], shape=(2, 2), dtype=float32)
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid",
                 data_format=None, dilation_rate=(1, 1), groups=1, activation=None,
                 use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(filters, kernel_size, strides, padding, data_format,
                         dilation_rate, groups, activation, use_bias, kernel_initializer,
                         bias_initializer, kernel_regularizer, bias_regularizer,
                         activity_regularizer, kernel_constraint, bias_constraint, kwargs)

    get_config = _Conv.get_config       # its arguments are all _Conv's

    def _convolve(self, inputs):
        return tf.nn.conv2d(inputs, self.kernel, strides=self.strides,
                            padding=self.padding, dilations=self.dilation_rate)


def _transposed_length(size, k, stride, dilation, padding, output_padding):
    """The output length of a transposed convolution along one axis (as Keras)."""
    span = (k - 1) * dilation + 1
    if output_padding is None:
        return size * stride + max(span - stride, 0) if padding == "VALID" else size * stride
    pad = span // 2 if padding == "SAME" else 0
    return (size - 1) * stride + span - 2 * pad + output_padding


class Conv2DTranspose(Conv2D):
    """Transposed ("de-") convolution: each input pixel spreads a ``kernel_size``
    patch over the output, ``strides`` apart, so ``strides=2`` doubles the size.

    It is ``conv2d``'s gradient with respect to its input (``tf.nn.conv2d_transpose``);
    the kernel is ``(kernel_h, kernel_w, filters, in_channels)``.

    >>> import stage3_layers as tf
    >>> up = tf.keras.layers.Conv2DTranspose(4, 3, strides=2, padding="same")
    >>> up(tf.zeros([1, 5, 5, 2])).shape, up.kernel.shape
    (TensorShape([1, 10, 10, 4]), TensorShape([3, 3, 4, 2]))
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid",
                 output_padding=None, data_format=None, dilation_rate=(1, 1),
                 activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(filters, kernel_size, strides, padding, data_format,
                         dilation_rate, 1, activation, use_bias, kernel_initializer,
                         bias_initializer, kernel_regularizer, bias_regularizer,
                         activity_regularizer, kernel_constraint, bias_constraint, **kwargs)
        if output_padding is not None:
            output_padding = tuple(
                int(v) if isinstance(v, numbers.Integral) and not isinstance(v, bool) else -1
                for v in ((output_padding,) * 2 if isinstance(output_padding, numbers.Integral)
                          else output_padding))
            if len(output_padding) != 2 or any(
                    not 0 <= p < s for p, s in zip(output_padding, self.strides)):
                raise ValueError("Conv2DTranspose: output_padding must be an int or a pair "
                                 "of ints, each smaller than the stride %s, got %r"
                                 % (self.strides, output_padding))
        self.output_padding = output_padding

    def build(self, input_shape):
        channels = self._channels(input_shape)
        self.kernel = self.add_weight("kernel", shape=self.kernel_size + (self.filters, channels),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self._add_bias(self.filters)
        self.built = True

    def _convolve(self, inputs):
        extra = self.output_padding or (None, None)
        out_hw = [_transposed_length(inputs.shape[1 + i], self.kernel_size[i],
                                     self.strides[i], self.dilation_rate[i], self.padding,
                                     extra[i]) for i in range(2)]
        return tf.nn.conv2d_transpose(inputs, self.kernel,
                                      [inputs.shape[0]] + out_hw + [self.filters],
                                      strides=self.strides, padding=self.padding,
                                      dilations=self.dilation_rate)

    def get_config(self):
        return {**super().get_config(), "output_padding": (
            list(self.output_padding) if self.output_padding is not None else None)}


class DepthwiseConv2D(_Conv):
    """Filters every input channel on its own with ``depth_multiplier`` filters,
    giving ``channels * depth_multiplier`` outputs (MobileNet's building block).

    The kernel is ``depthwise_kernel``, ``(kernel_h, kernel_w, channels, depth_multiplier)``.

    >>> import stage3_layers as tf
    >>> layer = tf.keras.layers.DepthwiseConv2D(3, depth_multiplier=2, padding="same")
    >>> layer(tf.zeros([1, 8, 8, 3])).shape, layer.depthwise_kernel.shape
    (TensorShape([1, 8, 8, 6]), TensorShape([3, 3, 3, 2]))
    """

    def __init__(self, kernel_size, strides=(1, 1), padding="valid", depth_multiplier=1,
                 data_format=None, dilation_rate=(1, 1), activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(None, kernel_size, strides, padding, data_format, dilation_rate,
                         1, activation, use_bias, depthwise_initializer, bias_initializer,
                         depthwise_regularizer, bias_regularizer, activity_regularizer,
                         depthwise_constraint, bias_constraint, kwargs)
        self.depth_multiplier = _positive(depth_multiplier, "DepthwiseConv2D",
                                          "depth_multiplier")

    # Keras's names for the depthwise kernel's options.
    depthwise_initializer = property(lambda self: self.kernel_initializer)
    depthwise_regularizer = property(lambda self: self.kernel_regularizer)
    depthwise_constraint = property(lambda self: self.kernel_constraint)

    def _add_depthwise_kernel(self, channels):
        self.depthwise_kernel = self.add_weight(
            "depthwise_kernel", shape=self.kernel_size + (channels, self.depth_multiplier),
            initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint)

    def build(self, input_shape):
        channels = self._channels(input_shape)
        self._add_depthwise_kernel(channels)
        self._add_bias(channels * self.depth_multiplier)
        self.built = True

    def _convolve(self, inputs):
        return depthwise_conv2d(inputs, self.depthwise_kernel, self.strides, self.padding,
                                self.dilation_rate)

    def get_config(self):
        config = super().get_config()
        for key in ("filters", "kernel_initializer", "kernel_regularizer", "kernel_constraint"):
            config.pop(key)
        return {**config, "depth_multiplier": self.depth_multiplier,
                "depthwise_initializer": initializers.serialize(self.kernel_initializer),
                "depthwise_regularizer": regularizers.serialize(self.kernel_regularizer),
                "depthwise_constraint": constraints.serialize(self.kernel_constraint)}


class SeparableConv2D(DepthwiseConv2D):
    """A ``DepthwiseConv2D`` followed by a 1x1 ``Conv2D`` to ``filters`` channels:
    far fewer weights than a ``Conv2D`` of the same size (Xception's convolution).

    Weights: ``depthwise_kernel`` ``(kh, kw, channels, depth_multiplier)``,
    ``pointwise_kernel`` ``(1, 1, channels * depth_multiplier, filters)``, ``bias``.

    >>> import stage3_layers as tf
    >>> layer = tf.keras.layers.SeparableConv2D(8, 3, padding="same")
    >>> layer(tf.zeros([1, 8, 8, 3])).shape, layer.pointwise_kernel.shape
    (TensorShape([1, 8, 8, 8]), TensorShape([1, 1, 3, 8]))
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid",
                 data_format=None, dilation_rate=(1, 1), depth_multiplier=1,
                 activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 pointwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, pointwise_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(kernel_size, strides, padding, depth_multiplier, data_format,
                         dilation_rate, activation, use_bias, depthwise_initializer,
                         bias_initializer, depthwise_regularizer, bias_regularizer,
                         activity_regularizer, depthwise_constraint, bias_constraint,
                         **kwargs)
        self.filters = _positive(filters, "SeparableConv2D", "filters")
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
        self.pointwise_constraint = constraints.get(pointwise_constraint)

    def build(self, input_shape):
        channels = self._channels(input_shape)
        self._add_depthwise_kernel(channels)
        self.pointwise_kernel = self.add_weight(
            "pointwise_kernel", shape=(1, 1, channels * self.depth_multiplier, self.filters),
            initializer=self.pointwise_initializer, regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint)
        self._add_bias(self.filters)
        self.built = True

    def _convolve(self, inputs):
        depthwise = DepthwiseConv2D._convolve(self, inputs)
        return tf.nn.conv2d(depthwise, self.pointwise_kernel, strides=1, padding="VALID")

    def get_config(self):
        return {**super().get_config(), "filters": self.filters,
                "pointwise_initializer": initializers.serialize(self.pointwise_initializer),
                "pointwise_regularizer": regularizers.serialize(self.pointwise_regularizer),
                "pointwise_constraint": constraints.serialize(self.pointwise_constraint)}


Convolution1D = Conv1D
Convolution2D = Conv2D
Convolution2DTranspose = Conv2DTranspose
SeparableConvolution2D = SeparableConv2D


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
