"""``tf.contrib``: stage 4's ``contrib.summary`` and ``contrib.eager`` (``tfe``),
grown with ``num_gpus`` (seed 003 §"Performance" calls ``tfe.num_gpus()``).

>>> import stage5_gpu as tf
>>> tf.contrib.eager.num_gpus() >= 0
True
"""

from stage4_training.contrib import summary  # noqa: F401

from . import eager  # noqa: F401
