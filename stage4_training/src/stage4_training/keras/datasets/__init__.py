"""``keras.datasets``: data sets read from local files, never from the network.

>>> import stage4_training as tf
>>> (x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
>>> x_train.shape, y_test.shape
((60000, 28, 28), (10000,))
"""

from . import mnist  # noqa: F401

__all__ = ["mnist"]
