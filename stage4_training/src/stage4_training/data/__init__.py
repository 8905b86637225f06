"""``tf.data``: input pipelines as streams (``Dataset``).

A ``Dataset`` is a recipe: a source (``from_tensor_slices``, ``range``,
``from_generator`` ...) and a chain of transformations (``map``, ``shuffle``,
``batch``, ``prefetch`` ...), run lazily each time you iterate it.

>>> import stage4_training as tf
>>> ds = tf.data.Dataset.from_tensor_slices(([1, 2, 3, 4], [0, 1, 0, 1])).batch(2)
>>> [(x.numpy().tolist(), y.numpy().tolist()) for x, y in ds]
[([1, 2], [0, 1]), ([3, 4], [0, 1])]
"""

import types as _types

from .dataset import AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Dataset
from .iterator import Iterator
from .tensor_spec import TensorSpec

# TF keeps these under tf.data.experimental too.
experimental = _types.SimpleNamespace(AUTOTUNE=AUTOTUNE, INFINITE_CARDINALITY=INFINITE_CARDINALITY,
                                      UNKNOWN_CARDINALITY=UNKNOWN_CARDINALITY)

__all__ = ["Dataset", "Iterator", "TensorSpec", "AUTOTUNE", "INFINITE_CARDINALITY",
           "UNKNOWN_CARDINALITY", "experimental"]
