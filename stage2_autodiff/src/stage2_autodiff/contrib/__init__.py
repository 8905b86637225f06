"""``tf.contrib``: where TensorFlow 1 kept the eager API (``tfe = tf.contrib.eager``).

>>> import stage2_autodiff as tf
>>> tfe = tf.contrib.eager
>>> tfe.Variable(1.0).name
'Variable:0'
"""

from . import eager  # noqa: F401
