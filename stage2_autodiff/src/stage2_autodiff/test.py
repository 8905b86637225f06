"""``tf.test``: tools for testing code that computes gradients.

>>> import stage2_autodiff as tf
>>> t, n = tf.test.compute_gradient(lambda x: 3.0 * x, [tf.constant(1.0, tf.float64)])
>>> t
(array([[3.]]),)
"""

from .gradient_checker import compute_gradient, max_error  # noqa: F401

__all__ = ["compute_gradient", "max_error"]
