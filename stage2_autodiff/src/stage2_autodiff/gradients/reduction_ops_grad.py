"""Gradients of the reductions and running sums (``stage1_tensors/ops/reduction_ops.py``).

A reduction maps many inputs to one output, so its gradient goes the other way:
the output gradient is *broadcast back* over the reduced axes (``_spread``),
then weighted by how much each input contributed (1 for a sum, 1/n for a mean,
a share of the winners for a max). Only public ops are used, so every rule can
be differentiated again.

>>> import stage2_autodiff as tf
>>> x = tf.constant([[1.0, 5.0], [5.0, 2.0]])
>>> with tf.GradientTape() as tape:
...     tape.watch(x)
...     y = tf.reduce_max(x)
>>> tape.gradient(y, x)                  # the two tied maxima share the gradient
tf.Tensor([[0.  0.5]
           [0.5 0. ]], shape=(2, 2), dtype=float32)
"""

import stage1_tensors as tf

from ..registry import RegisterGradient, no_gradient
from ._broadcast import is_known, product, shape_of

__all__ = []


def _kept_shape(x, axis):
    """The reduction's output shape with ``keepdims=True``."""
    shape = shape_of(x)
    if axis is None:
        return (1,) * len(shape)
    reduced = {a % len(shape) for a in axis}
    return tuple(1 if i in reduced else d for i, d in enumerate(shape))


def _keep_dims(op, t):
    """``t`` (shaped like the op's output) with the reduced axes put back as size 1."""
    kept, shape = _kept_shape(op.inputs[0], op.attrs["axis"]), shape_of(t)
    return t if is_known(kept) and is_known(shape) and shape == kept else tf.reshape(t, kept)


def _spread(op, grad):
    """The output gradient copied to every input element it summarises."""
    shape = shape_of(op.inputs[0])
    grad_shape = shape_of(grad)
    if is_known(shape) and is_known(grad_shape) and grad_shape == shape:
        return grad
    # A 0-d gradient (a reduction over all axes) or one with kept dimensions
    # broadcasts as it is; otherwise put the reduced axes back as size 1 first.
    if grad_shape and not op.attrs.get("keepdims"):
        grad = _keep_dims(op, grad)
    return tf.broadcast_to(grad, shape)


def _count(op):
    """How many elements each output summarises: an int, or a scalar tensor
    where a size is known only when a graph runs (``shape_of``)."""
    shape, axis = shape_of(op.inputs[0]), op.attrs["axis"]
    return product(shape if axis is None else [shape[a] for a in axis])


@RegisterGradient("Sum")
def _sum_grad(op, grad):
    return _spread(op, grad)


@RegisterGradient("Mean")
def _mean_grad(op, grad):
    # Divide before spreading: the small gradient, not the full-size one.
    n = _count(op)
    n = float(max(n, 1)) if type(n) is int else tf.cast(tf.maximum(n, 1), grad.dtype)
    return _spread(op, grad / n)


def _extremum_grad(op, grad):
    # Every element equal to the result is a winner; ties share the gradient
    # equally (TensorFlow's rule), so the total passed back equals grad.
    x = op.inputs[0]
    y = _keep_dims(op, op.outputs[0])
    winners = tf.cast(tf.equal(x, y), grad.dtype)
    count = tf.reduce_sum(winners, op.attrs["axis"], keepdims=True)
    return _spread(op, grad) * winners / count


RegisterGradient("Max")(_extremum_grad)
RegisterGradient("Min")(_extremum_grad)


@RegisterGradient("Prod")
def _prod_grad(op, grad):
    # d prod / d x_i is the product of all the *other* elements. Dividing the
    # product by x_i fails at zeros, so, as TensorFlow does, multiply the
    # exclusive running products from the left and from the right instead.
    x = op.inputs[0]
    shape = shape_of(x)
    if is_known(shape) and x._value.size == 0:
        return tf.zeros_like(x)
    rank = len(shape)
    axis = op.attrs["axis"]
    reduced = list(range(rank)) if axis is None else sorted({a % rank for a in axis})
    kept = [i for i in range(rank) if i not in reduced]
    perm = reduced + kept
    # Move the reduced axes to the front and flatten them into one.
    flat = tf.reshape(tf.transpose(x, perm), [product(shape[i] for i in reduced), -1])
    left = tf.math.cumprod(flat, axis=0, exclusive=True)
    right = tf.math.cumprod(flat, axis=0, exclusive=True, reverse=True)
    others = tf.reshape(left * right, [shape[i] for i in perm])
    inverse = [perm.index(i) for i in range(rank)]
    return _spread(op, grad) * tf.transpose(others, inverse)


@RegisterGradient("ReduceLogSumExp")
def _logsumexp_grad(op, grad):
    # d logsumexp(x) / dx = exp(x - logsumexp(x)): the softmax over the axes.
    x = op.inputs[0]
    y = _keep_dims(op, op.outputs[0])
    return _spread(op, grad) * tf.exp(x - y)


@RegisterGradient("Cumsum")
def _cumsum_grad(op, grad):
    # Element i feeds every later running sum: sum the gradients the other way.
    attrs = op.attrs
    return tf.cumsum(grad, attrs["axis"], exclusive=attrs["exclusive"],
                     reverse=not attrs["reverse"])


@RegisterGradient("Cumprod")
def _cumprod_grad(op, grad):
    # TensorFlow's rule: sum (grad * y) the other way, then divide by x.
    # Like TensorFlow's, it is undefined where x has zeros.
    x, y = op.inputs[0], op.outputs[0]
    attrs = op.attrs
    summed = tf.cumsum(grad * y, attrs["axis"], exclusive=attrs["exclusive"],
                       reverse=not attrs["reverse"])
    return summed / x


@RegisterGradient("AddN")
def _add_n_grad(op, grad):
    return [grad] * len(op.inputs)


# Bool results or integer indices: nothing to differentiate.
for _name in ("Any", "All", "ArgMax", "ArgMin"):
    no_gradient(_name)
