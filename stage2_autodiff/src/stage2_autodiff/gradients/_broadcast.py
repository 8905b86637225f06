"""Undoing broadcasting in a gradient: ``unbroadcast(grad, shape)``.

When ``x`` of shape ``(3,)`` is added to ``y`` of shape ``(2, 3)``, each element of
``x`` is used twice, so its gradient is the *sum* of the two rows of the incoming
gradient. In general the gradient of a broadcast input is the output gradient
summed over every axis that broadcasting added or stretched from size 1.

It is written with the public ops ``reduce_sum`` and ``reshape``, so the result
can itself be differentiated (higher-order gradients).

>>> import stage2_autodiff as tf
>>> from stage2_autodiff.gradients._broadcast import unbroadcast
>>> unbroadcast(tf.constant(1.0, shape=[2, 3]), (3,))
tf.Tensor([2. 2. 2.], shape=(3,), dtype=float32)
>>> unbroadcast(tf.constant(1.0, shape=[2, 3]), (2, 1))
tf.Tensor([[3.]
           [3.]], shape=(2, 1), dtype=float32)
"""

from stage1_tensors import reduce_sum, reshape

__all__ = ["unbroadcast", "broadcast_axes"]


def broadcast_axes(grad_shape, shape):
    """The axes of ``grad_shape`` that broadcasting created from ``shape``.

    >>> from stage2_autodiff.gradients._broadcast import broadcast_axes
    >>> broadcast_axes((4, 2, 3), (2, 1))
    (0, 2)
    """
    extra = len(grad_shape) - len(shape)
    stretched = tuple(i + extra for i, d in enumerate(shape)
                      if d == 1 and grad_shape[i + extra] != 1)
    return tuple(range(extra)) + stretched


def unbroadcast(grad, shape):
    """Sums ``grad`` over the axes that broadcasting added, giving it ``shape``.

    Returns ``grad`` itself when the shapes already match (the common case,
    which costs one tuple comparison).

    >>> import stage2_autodiff as tf
    >>> from stage2_autodiff.gradients._broadcast import unbroadcast
    >>> g = tf.constant(1.0, shape=[2, 3])
    >>> unbroadcast(g, (2, 3)) is g
    True
    >>> unbroadcast(g, ())
    tf.Tensor(6.0, shape=(), dtype=float32)
    """
    grad_shape = grad._value.shape
    shape = tuple(shape)
    if grad_shape == shape:
        return grad
    axes = broadcast_axes(grad_shape, shape)
    if axes:
        grad = reduce_sum(grad, axis=axes)
    if grad._value.shape != shape:      # put back the size-1 axes that were summed away
        grad = reshape(grad, shape)
    return grad
