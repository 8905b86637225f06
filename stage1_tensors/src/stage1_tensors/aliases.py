"""TF-1 names that the seeds use, kept as aliases of their TF-2 homes.

>>> import stage1_tensors as tf
>>> tf.set_random_seed(0)
>>> tf.random_normal([2, 2]).shape
TensorShape([2, 2])
"""

from . import math as _math
from . import random as _random

__all__ = ["random_normal", "random_uniform", "set_random_seed", "truncated_normal",
           "random_shuffle", "multinomial", "log"]

random_normal = _random.normal
random_uniform = _random.uniform
set_random_seed = _random.set_seed
truncated_normal = _random.truncated_normal
random_shuffle = _random.shuffle
multinomial = _random.categorical
log = _math.log           # the seeds write tf.log(x) for tf.math.log(x)
