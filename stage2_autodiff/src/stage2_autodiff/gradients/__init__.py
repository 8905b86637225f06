"""Gradient functions, one module per stage-1 op module (``ops/X.py`` -> ``X_grad.py``).

Importing this package registers them all with the gradient registry.
"""

from . import (activation_ops_grad, array_ops_grad, binary_ops_grad,  # noqa: F401
               complex_ops_grad, conv_ops_grad, creation_ops_grad, gather_ops_grad,
               indexing_ops_grad,
               linalg_ops_grad, matrix_ops_grad, nn_ops_grad, pooling_ops_grad,
               random_grad, reduction_ops_grad, scatter_ops_grad, sort_ops_grad,
               unary_ops_grad)
