"""``keras.layers``: the layer zoo, plus ``Layer`` to write your own.

>>> import stage3_layers as tf
>>> sorted(n for n in tf.keras.layers.__all__ if n.endswith("Cell"))
['GRUCell', 'LSTMCell', 'SimpleRNNCell']
"""

from ..base_layer import InputSpec, Layer
from .convolutional import (AveragePooling2D, AvgPool2D, Conv2D, Convolution2D,
                            MaxPool2D, MaxPooling2D)
from .core import Activation, Dense, Dropout, Flatten, Input, InputLayer, Reshape
from .embedding import Embedding
from .normalization import BatchNormalization, LayerNormalization
from .recurrent import GRU, LSTM, RNN, GRUCell, LSTMCell, SimpleRNN, SimpleRNNCell
from ..serialization import deserialize, serialize

__all__ = ["Layer", "InputSpec", "Dense", "Flatten", "Reshape", "Activation", "Dropout",
           "InputLayer", "Conv2D", "Convolution2D", "MaxPool2D", "MaxPooling2D",
           "AveragePooling2D", "AvgPool2D", "BatchNormalization", "LayerNormalization",
           "Embedding", "RNN", "SimpleRNN", "LSTM", "GRU", "SimpleRNNCell", "LSTMCell",
           "GRUCell", "serialize", "deserialize"]
