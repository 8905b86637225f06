"""Gradients of picking and placing by index or mask (``stage1_tensors/ops/gather_ops.py``).

Each op here is the reverse of another, and so is each gradient: a gather's
gradient adds the picked slices back into their places (``unsorted_segment_sum``,
or ``scatter_nd`` for ``gather_nd``), and a scatter's gradient gathers. ``where``
with three arguments routes the gradient to whichever input was selected. Every
rule uses public ops only, so it can be differentiated again.

>>> import stage2_autodiff as tf
>>> x = tf.constant([[1.0, 2.0, 3.0]])
>>> with tf.GradientTape() as tape:
...     tape.watch(x)
...     y = tf.gather(x, [2, 2, 0], axis=1)      # column 2 is used twice
>>> tape.gradient(y, x)
tf.Tensor([[1. 0. 2.]], shape=(1, 3), dtype=float32)
"""

import stage1_tensors as tf

from ..registry import RegisterGradient, no_gradient
from ._broadcast import product, shape_of, unbroadcast

__all__ = []


def _as_dtype_of(size, t):
    """A size to compute with ``t``'s integers: a size the graph computes (an
    int32 tensor) cast to ``t``'s dtype; a Python int as it is."""
    return tf.cast(size, t.dtype) if isinstance(size, tf.Tensor) else size


@RegisterGradient("GatherV2")
def _gather_grad(op, grad):
    """Adds each gathered slice back into the row it came from.

    ``params`` has shape B + pre + [N] + post (B: batch dims), ``indices`` B + I,
    and the output B + pre + I + post. We move I in front of pre, let
    ``unsorted_segment_sum`` add the slices into N rows (per batch entry: the
    indices are offset by N times the batch number), then move the N rows back.
    """
    params, indices = op.inputs
    axis, batch_dims = op.attrs["axis"] % params.ndim, op.attrs["batch_dims"]
    p_shape, i_rank = shape_of(params), indices.ndim
    n_pre, n_inner = axis - batch_dims, i_rank - batch_dims
    rows = p_shape[axis]
    b = list(range(batch_dims))
    pre = list(range(batch_dims, axis))
    inner = list(range(axis, axis + n_inner))
    rest = list(range(axis + n_inner, grad.ndim))
    if n_pre:
        grad = tf.transpose(grad, b + inner + pre + rest)
    ids = indices
    batch = product(p_shape[:batch_dims])
    if batch_dims:
        # Each index's batch number, made from ``indices`` itself (not tf.range)
        # so that it lives on the same device: a running count of ones down the rows.
        i_shape = shape_of(indices)
        per_row = tf.reshape(tf.ones_like(indices), (batch, product(i_shape[batch_dims:])))
        number = tf.reshape(tf.cumsum(per_row, axis=0) - 1, i_shape)
        ids = indices + number * _as_dtype_of(rows, indices)
    summed = tf.unsorted_segment_sum(grad, ids, batch * rows)
    summed = tf.reshape(summed, p_shape[:batch_dims] + (rows,) + p_shape[batch_dims:axis]
                        + p_shape[axis + 1:])
    if n_pre:
        summed = tf.transpose(summed, b + [batch_dims + 1 + k for k in range(n_pre)]
                              + [batch_dims] + list(range(axis + 1, params.ndim)))
    return summed, None


@RegisterGradient("UnsortedSegmentSum")
def _unsorted_segment_sum_grad(op, grad):
    return tf.gather(grad, op.inputs[1]), None


@RegisterGradient("SegmentSum")
def _segment_sum_grad(op, grad):
    return tf.gather(grad, op.inputs[1]), None


@RegisterGradient("GatherNd")
def _gather_nd_grad(op, grad):
    params, indices = op.inputs
    return tf.scatter_nd(indices, grad, shape_of(params)), None


@RegisterGradient("ScatterNd")
def _scatter_nd_grad(op, grad):
    return None, tf.gather_nd(grad, op.inputs[0])


@RegisterGradient("SelectV2")
def _select_grad(op, grad):
    condition, t, e = op.inputs
    zeros = tf.zeros_like(grad)
    return (None, unbroadcast(tf.where(condition, grad, zeros), shape_of(t)),
            unbroadcast(tf.where(condition, zeros, grad), shape_of(e)))


# --- no gradient: integer results, or values that do not depend on the input ----------
for _name in ("Where", "OneHot", "Bincount"):
    no_gradient(_name)
