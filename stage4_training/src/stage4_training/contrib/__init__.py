"""``tf.contrib``: stage 2's ``contrib.eager`` (``tfe``) grown with ``metrics``, and
``contrib.summary``, the TF-1 summary API the seeds use.

>>> import stage4_training as tf
>>> tfe = tf.contrib.eager
>>> m = tfe.metrics.Mean()
>>> _ = m([8, 9])
>>> float(m.result())
8.5
"""

from . import eager, summary  # noqa: F401
