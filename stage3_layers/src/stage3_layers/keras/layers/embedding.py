"""``Embedding``: a trainable lookup table from integer ids to vectors.

>>> import stage3_layers as tf
>>> layer = tf.keras.layers.Embedding(10, 4)
>>> layer(tf.constant([[1, 2, 3]])).shape
TensorShape([1, 3, 4])
"""

import stage2_autodiff as tf

from .. import constraints, initializers, regularizers
from ..base_layer import Layer

__all__ = ["Embedding"]


class Embedding(Layer):
    """Row ``i`` of an ``(input_dim, output_dim)`` table for every id ``i`` of the input.

    Ids must lie in ``[0, input_dim)``. Float inputs are cast to int32 (as Keras
    does), so a ``Sequential`` with ``input_shape=`` can build on zeros.

    >>> import stage3_layers as tf
    >>> layer = tf.keras.layers.Embedding(3, 2, embeddings_initializer="ones")
    >>> layer(tf.constant([0, 2]))
    tf.Tensor([[1. 1.]
               [1. 1.]], shape=(2, 2), dtype=float32)
    """

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform",
                 embeddings_regularizer=None, activity_regularizer=None,
                 embeddings_constraint=None, mask_zero=False, input_length=None,
                 **kwargs):
        if input_length is not None and "input_shape" not in kwargs:
            kwargs["input_shape"] = (input_length,)
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        for what, value in (("input_dim", input_dim), ("output_dim", output_dim)):
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ValueError("Embedding: %s must be a positive integer, got %r"
                                 % (what, value))
        self.input_dim = input_dim
        self.output_dim = output_dim
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = bool(mask_zero)

    def _autocast(self, inputs):
        # Ids stay integers; only floats (e.g. zeros used to build) become int32.
        inputs = inputs if isinstance(inputs, tf.Tensor) else self._convert(inputs)
        if inputs.dtype.is_floating or inputs.dtype.is_bool:
            inputs = tf.cast(inputs, "int32")
        return inputs

    def build(self, input_shape):
        self.embeddings = self.add_weight("embeddings", shape=[self.input_dim, self.output_dim],
                                          initializer=self.embeddings_initializer,
                                          regularizer=self.embeddings_regularizer,
                                          constraint=self.embeddings_constraint)
        self.built = True

    def call(self, inputs):
        # gather checks the ids against the table and names the bad ones.
        return tf.gather(self.embeddings, inputs)

    def get_config(self):
        return {**super().get_config(), "input_dim": self.input_dim,
                "output_dim": self.output_dim,
                "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
                "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "embeddings_constraint": constraints.serialize(self.embeddings_constraint),
                "mask_zero": self.mask_zero}
