"""Gradients of the shape ops (``stage1_tensors/ops/array_ops.py``).

Shape ops only move elements, so their gradients move the output gradient
back to where each element came from: a reshape is undone by a reshape, a
transpose by the inverse transpose, a concat by a split, a gather by adding the
picked rows back into their places (``unsorted_segment_sum``), a pad by a slice.
Every rule uses public ops only, so it can be differentiated again.

>>> import stage2_autodiff as tf
>>> x = tf.constant([[1.0, 2.0, 3.0]])
>>> with tf.GradientTape() as tape:
...     tape.watch(x)
...     y = tf.gather(x, [2, 2, 0], axis=1)      # column 2 is used twice
>>> tape.gradient(y, x)
tf.Tensor([[1. 0. 2.]], shape=(1, 3), dtype=float32)
"""

import numpy as np

import stage1_tensors as tf

from ..registry import RegisterGradient, no_gradient
from ._broadcast import unbroadcast

__all__ = []


def _shape(t):
    return t._value.shape


# --- pure reshapes ----------------------------------------------------------------
@RegisterGradient("Reshape")
def _reshape_grad(op, grad):
    return tf.reshape(grad, _shape(op.inputs[0]))


@RegisterGradient("ExpandDims")
def _expand_dims_grad(op, grad):
    return tf.reshape(grad, _shape(op.inputs[0]))


@RegisterGradient("Squeeze")
def _squeeze_grad(op, grad):
    return tf.reshape(grad, _shape(op.inputs[0]))


@RegisterGradient("Identity")
def _identity_grad(op, grad):
    return grad


@RegisterGradient("Transpose")
def _transpose_grad(op, grad):
    perm = op.attrs["perm"]
    if perm is None:                    # the default reverses the axes: its own inverse
        return tf.transpose(grad)
    return tf.transpose(grad, np.argsort(perm).tolist())


@RegisterGradient("ReverseV2")
def _reverse_grad(op, grad):
    return tf.reverse(grad, op.attrs["axis"])


@RegisterGradient("BroadcastTo")
def _broadcast_to_grad(op, grad):
    return unbroadcast(grad, _shape(op.inputs[0]))


# --- joining and splitting: each undoes the other ------------------------------------
@RegisterGradient("ConcatV2")
def _concat_grad(op, grad):
    axis = op.attrs["axis"]
    sizes = [_shape(x)[axis] for x in op.inputs]
    return tf.split(grad, sizes, axis=axis)


@RegisterGradient("Pack")
def _stack_grad(op, grad):
    return tf.unstack(grad, num=len(op.inputs), axis=op.attrs["axis"])


@RegisterGradient("Unpack")
def _unstack_grad(op, *grads):
    return tf.stack(list(grads), axis=op.attrs["axis"])


@RegisterGradient("Split")
def _split_grad(op, *grads):
    return tf.concat(list(grads), axis=op.attrs["axis"])


@RegisterGradient("SplitV")
def _split_v_grad(op, *grads):
    return tf.concat(list(grads), axis=op.attrs["axis"])


@RegisterGradient("Tile")
def _tile_grad(op, grad):
    # Output axis i holds multiples[i] copies of input axis i: view it as a
    # (copies, size) pair of axes and sum the copies away.
    shape = _shape(op.inputs[0])
    if not shape:
        return grad
    pairs = []
    for copies, size in zip(op.attrs["multiples"], shape):
        pairs += [copies, size]
    summed = tf.reduce_sum(tf.reshape(grad, pairs), axis=list(range(0, len(pairs), 2)))
    return tf.reshape(summed, shape)


# --- picking and placing elements --------------------------------------------------
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
    p_shape, i_rank = _shape(params), indices.ndim
    n_pre, n_inner = axis - batch_dims, i_rank - batch_dims
    rows = p_shape[axis]
    b = list(range(batch_dims))
    pre = list(range(batch_dims, axis))
    inner = list(range(axis, axis + n_inner))
    rest = list(range(axis + n_inner, grad.ndim))
    if n_pre:
        grad = tf.transpose(grad, b + inner + pre + rest)
    ids = indices
    batch = int(np.prod(p_shape[:batch_dims]))
    if batch_dims:
        # Each index's batch number, made from ``indices`` itself (not tf.range)
        # so that it lives on the same device: a running count of ones down the rows.
        inner_size = int(np.prod(_shape(indices)[batch_dims:]))
        per_row = tf.reshape(tf.ones_like(indices), (batch, inner_size))
        number = tf.reshape(tf.cumsum(per_row, axis=0) - 1, _shape(indices))
        ids = indices + number * rows
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


@RegisterGradient("GatherNd")
def _gather_nd_grad(op, grad):
    params, indices = op.inputs
    return tf.scatter_nd(indices, grad, _shape(params)), None


@RegisterGradient("ScatterNd")
def _scatter_nd_grad(op, grad):
    return None, tf.gather_nd(grad, op.inputs[0])


@RegisterGradient("SelectV2")
def _select_grad(op, grad):
    condition, t, e = op.inputs
    zeros = tf.zeros_like(grad)
    return (None, unbroadcast(tf.where(condition, grad, zeros), _shape(t)),
            unbroadcast(tf.where(condition, zeros, grad), _shape(e)))


@RegisterGradient("Slice")
def _slice_grad(op, grad):
    x = op.inputs[0]
    begin = op.attrs["begin"]
    return tf.pad(grad, [[b, d - b - g] for b, d, g in zip(begin, _shape(x), _shape(grad))])


# --- padding ---------------------------------------------------------------------
@RegisterGradient("PadV2")
def _pad_grad(op, grad):
    x = op.inputs[0]
    return tf.slice(grad, [before for before, _ in op.attrs["paddings"]], _shape(x))


def _take(t, axis, start, size):
    """``t[..., start:start + size, ...]`` on one axis, as a ``slice`` op."""
    begin = [0] * t.ndim
    sizes = list(_shape(t))
    begin[axis], sizes[axis] = start, size
    return tf.slice(t, begin, sizes)


def _pad_axis(t, axis, before, after):
    paddings = [[0, 0]] * t.ndim
    paddings[axis] = [before, after]
    return tf.pad(t, paddings)


@RegisterGradient("MirrorPad")
def _mirror_pad_grad(op, grad):
    """Folds each mirrored border back onto the elements it copied, axis by axis.

    REFLECT copies ``x[1:a+1]`` (reversed) before and ``x[n-1-b:n-1]`` after;
    SYMMETRIC copies ``x[:a]`` and ``x[n-b:]``. Reversing a border's gradient and
    padding it to length n lines it up with those elements.
    """
    edge = 1 if op.attrs["mode"] == "REFLECT" else 0
    for axis, ((a, b), n) in enumerate(zip(op.attrs["paddings"], _shape(op.inputs[0]))):
        if not a and not b:
            continue
        folded = _take(grad, axis, a, n)
        if a:
            left = tf.reverse(_take(grad, axis, 0, a), [axis])
            folded = folded + _pad_axis(left, axis, edge, n - a - edge)
        if b:
            right = tf.reverse(_take(grad, axis, a + n, b), [axis])
            folded = folded + _pad_axis(right, axis, n - b - edge, edge)
        grad = folded
    return grad


# --- no gradient: integer results, or values that do not depend on the input ----------
for _name in ("Shape", "Size", "Rank", "Where", "OneHot"):
    no_gradient(_name)
