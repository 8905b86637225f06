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

A rule asks for an input's shape with ``shape_of(x)``, not ``x.shape``: eagerly
both are the same tuple of ints, but a graph traced by stage 5 may know some
sizes only when it runs (a batch of any size). There ``shape_of`` gives those
sizes as scalar tensors the graph computes (the reader stage 5 sets with
``set_shape_reader``), and ``reshape`` or ``broadcast_to`` take such a shape as
they take ints, so the rule serves every size.
"""

from stage1_tensors import reduce_sum, reshape

__all__ = ["unbroadcast", "broadcast_axes", "shape_of", "is_known", "set_shape_reader",
           "product"]

_shape_reader = None        # set by a later stage (stage 5's tracer); None: eager shapes


def shape_of(t):
    """``t``'s shape as a gradient rule builds with it: a tuple of ints eagerly.

    >>> import stage2_autodiff as tf
    >>> from stage2_autodiff.gradients._broadcast import shape_of
    >>> shape_of(tf.ones([2, 3]))
    (2, 3)
    """
    if _shape_reader is None:
        return t._value.shape
    return _shape_reader(t)


def set_shape_reader(reader):
    """Makes ``shape_of(t)`` return ``reader(t)``: a tuple whose entries are ints or,
    for a size known only when a graph runs, integer scalar tensors. None restores
    the eager reading. Returns the reader it replaces.

    >>> import stage2_autodiff as tf
    >>> from stage2_autodiff.gradients._broadcast import set_shape_reader, shape_of
    >>> previous = set_shape_reader(lambda t: tuple(reversed(t._value.shape)))
    >>> shape_of(tf.ones([2, 3]))
    (3, 2)
    >>> _ = set_shape_reader(previous)      # put back what was there
    """
    global _shape_reader
    previous, _shape_reader = _shape_reader, reader
    return previous


def is_known(shape):
    """Whether every size in ``shape`` is a Python int (none computed by a graph).

    >>> from stage2_autodiff.gradients._broadcast import is_known
    >>> is_known((2, 3)), is_known(())
    (True, True)
    """
    for d in shape:             # (a loop, not all(...): twice as fast, and called often)
        if type(d) is not int:
            return False
    return True


def product(sizes):
    """The product of ``sizes``: an int, or a scalar tensor where ``shape_of``
    gave sizes a graph computes.

    >>> from stage2_autodiff.gradients._broadcast import product
    >>> product((2, 3, 4)), product(())
    (24, 1)
    """
    total = 1
    for d in sizes:
        total = total * d
    return total


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
    grad_shape = shape_of(grad)
    shape = tuple(shape)
    if not (is_known(grad_shape) and is_known(shape)):
        return _unbroadcast_computed(grad, grad_shape, shape)
    if grad_shape == shape:
        return grad
    axes = broadcast_axes(grad_shape, shape)
    if axes:
        grad = reduce_sum(grad, axis=axes)
    if grad._value.shape != shape:      # put back the size-1 axes that were summed away
        grad = reshape(grad, shape)
    return grad


def _unbroadcast_computed(grad, grad_shape, shape):
    """``unbroadcast`` where some sizes are tensors a graph computes. An axis is
    summed where ``shape`` has a known 1 that ``grad`` may have stretched, or
    where the sizes in the call being traced (a computed size's example value)
    say it was stretched. An unknown size that is the gradient's in that call is
    taken to be the gradient's always; broadcasting allows a 1 there in another
    call, and then the final reshape fails when the graph runs, loudly."""
    extra = len(grad_shape) - len(shape)
    stretched = tuple(i + extra for i, d in enumerate(shape)
                      if (_is_one(d) and not _is_one(grad_shape[i + extra]))
                      or (_example(d) == 1 and _example(grad_shape[i + extra]) != 1))
    axes = tuple(range(extra)) + stretched
    if axes:
        grad = reduce_sum(grad, axis=axes)
    return reshape(grad, shape)


def _example(d):
    """A size as an int: a computed size's value in the call being traced."""
    return d if type(d) is int else int(d._value)


def _is_one(d):
    return type(d) is int and d == 1
