"""Global pooling: one number per channel, the mean or the maximum over all positions.

``GlobalAveragePooling2D`` turns ``(batch, height, width, channels)`` into
``(batch, channels)``: a CNN's usual last step before the classifier, with no
weights and for any image size. The 1-D versions pool ``(batch, steps,
channels)`` over the steps. ``keepdims=True`` keeps the pooled axes, of size 1.
(``MaxPooling2D`` and ``AveragePooling2D``, which pool windows, are in
``convolutional.py``.)

>>> import stage3_layers as tf
>>> x = tf.reshape(tf.range(8.0), [1, 2, 2, 2])
>>> tf.keras.layers.GlobalAveragePooling2D()(x)
tf.Tensor([[3. 4.]], shape=(1, 2), dtype=float32)
>>> tf.keras.layers.GlobalMaxPooling2D(keepdims=True)(x).shape
TensorShape([1, 1, 1, 2])
"""

import stage2_autodiff as tf

from ..base_layer import InputSpec, Layer

__all__ = ["GlobalAveragePooling1D", "GlobalMaxPooling1D", "GlobalAveragePooling2D",
           "GlobalMaxPooling2D", "GlobalAvgPool1D", "GlobalMaxPool1D", "GlobalAvgPool2D",
           "GlobalMaxPool2D"]


class _GlobalPooling(Layer):
    _reduce = None          # tf.reduce_mean or tf.reduce_max
    _rank = None            # 3 for the 1-D layers, 4 for the 2-D ones

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        who = type(self).__name__
        if data_format not in (None, "channels_last", "channels_first"):
            raise ValueError("%s: data_format must be 'channels_last' (channels on the "
                             "last axis) or 'channels_first', got %r" % (who, data_format))
        if not isinstance(keepdims, bool):
            raise ValueError("%s: keepdims must be True or False, got %r" % (who, keepdims))
        self.data_format = data_format or "channels_last"
        self.keepdims = keepdims
        self.input_spec = InputSpec(ndim=self._rank)

    @property
    def _input_hint(self):
        axes = "steps" if self._rank == 3 else "height, width"
        return ("%s takes inputs of shape (batch, %s, channels) (channels_last) or "
                "(batch, channels, %s) (channels_first)"
                % (type(self).__name__, axes, axes))

    def _axes(self):
        first = 2 if self.data_format == "channels_first" else 1
        return list(range(first, first + self._rank - 2))

    def call(self, inputs):
        return type(self)._reduce(inputs, axis=self._axes(), keepdims=self.keepdims)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        axes = self._axes()
        if self.keepdims:
            return tf.TensorShape([1 if i in axes else d for i, d in enumerate(shape)])
        return tf.TensorShape([d for i, d in enumerate(shape) if i not in axes])

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format,
                "keepdims": self.keepdims}


class GlobalAveragePooling1D(_GlobalPooling):
    """The mean over the steps of ``(batch, steps, channels)``: ``(batch, channels)``.

    >>> import stage3_layers as tf
    >>> tf.keras.layers.GlobalAveragePooling1D()(tf.constant([[[1.0], [3.0]]]))
    tf.Tensor([[2.]], shape=(1, 1), dtype=float32)
    """

    _reduce = staticmethod(tf.reduce_mean)
    _rank = 3


class GlobalMaxPooling1D(_GlobalPooling):
    """The maximum over the steps of ``(batch, steps, channels)``: ``(batch, channels)``.

    >>> import stage3_layers as tf
    >>> tf.keras.layers.GlobalMaxPooling1D()(tf.constant([[[1.0], [3.0]]]))
    tf.Tensor([[3.]], shape=(1, 1), dtype=float32)
    """

    _reduce = staticmethod(tf.reduce_max)
    _rank = 3


class GlobalAveragePooling2D(_GlobalPooling):
    """The mean over height and width of each channel: ``(batch, channels)``.

    >>> import stage3_layers as tf
    >>> tf.keras.layers.GlobalAveragePooling2D()(tf.ones([2, 5, 5, 3])).shape
    TensorShape([2, 3])
    """

    _reduce = staticmethod(tf.reduce_mean)
    _rank = 4


class GlobalMaxPooling2D(_GlobalPooling):
    """The maximum over height and width of each channel: ``(batch, channels)``.

    >>> import stage3_layers as tf
    >>> tf.keras.layers.GlobalMaxPooling2D()(tf.ones([2, 5, 5, 3])).shape
    TensorShape([2, 3])
    """

    _reduce = staticmethod(tf.reduce_max)
    _rank = 4


GlobalAvgPool1D = GlobalAveragePooling1D
GlobalMaxPool1D = GlobalMaxPooling1D
GlobalAvgPool2D = GlobalAveragePooling2D
GlobalMaxPool2D = GlobalMaxPooling2D
