"""``keras.layers``: the layer zoo, plus ``Layer`` to write your own.

>>> import stage3_layers as tf
>>> sorted(n for n in tf.keras.layers.__all__ if n.endswith("Cell"))
['GRUCell', 'LSTMCell', 'SimpleRNNCell']
"""

from ..base_layer import InputSpec, Layer
from .activation import ELU, LeakyReLU, PReLU, ReLU, Softmax
from .convolutional import (AveragePooling2D, AvgPool2D, Conv1D, Conv2D, Conv2DTranspose,
                            Convolution1D, Convolution2D, Convolution2DTranspose,
                            DepthwiseConv2D, MaxPool2D, MaxPooling2D, SeparableConv2D,
                            SeparableConvolution2D)
from .core import Activation, Dense, Dropout, Flatten, Input, InputLayer, Reshape
from .embedding import Embedding
from .lambda_layer import Lambda
from .merging import (Add, Average, Concatenate, Maximum, Minimum, Multiply, Subtract, add,
                      average, concatenate, maximum, minimum, multiply, subtract)
from .normalization import BatchNormalization, LayerNormalization
from .pooling import (GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalAvgPool1D,
                      GlobalAvgPool2D, GlobalMaxPool1D, GlobalMaxPool2D, GlobalMaxPooling1D,
                      GlobalMaxPooling2D)
from .recurrent import GRU, LSTM, RNN, GRUCell, LSTMCell, SimpleRNN, SimpleRNNCell
from .reshaping import Cropping2D, UpSampling2D, ZeroPadding2D
from .wrappers import Bidirectional, TimeDistributed, Wrapper
from ..serialization import deserialize, serialize

__all__ = ["Layer", "InputSpec", "Dense", "Flatten", "Reshape", "Activation", "Dropout",
           "InputLayer", "Conv1D", "Convolution1D", "Conv2D", "Convolution2D",
           "Conv2DTranspose", "Convolution2DTranspose", "DepthwiseConv2D",
           "SeparableConv2D", "SeparableConvolution2D", "MaxPool2D", "MaxPooling2D",
           "AveragePooling2D", "AvgPool2D", "BatchNormalization", "LayerNormalization",
           "Embedding", "RNN", "SimpleRNN", "LSTM", "GRU", "SimpleRNNCell", "LSTMCell",
           "GRUCell", "ReLU", "LeakyReLU", "Softmax", "ELU", "PReLU",
           "GlobalAveragePooling1D", "GlobalMaxPooling1D", "GlobalAveragePooling2D",
           "GlobalMaxPooling2D", "GlobalAvgPool1D", "GlobalMaxPool1D", "GlobalAvgPool2D",
           "GlobalMaxPool2D", "UpSampling2D", "ZeroPadding2D", "Cropping2D",
           "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate",
           "add", "subtract", "multiply", "average", "maximum", "minimum", "concatenate",
           "Lambda", "Wrapper", "TimeDistributed", "Bidirectional",
           "serialize", "deserialize"]
