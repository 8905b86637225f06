"""Gradients of the shape ops (``stage1_tensors/ops/array_ops.py``).

Shape ops only move elements, so their gradients move the output gradient
back to where each element came from: a reshape is undone by a reshape, a
transpose by the inverse transpose, a concat by a split, a pad by a slice.
Every rule uses public ops only, so it can be differentiated again. (The
gradients of ``gather``, ``scatter_nd``, ``where`` ... are in ``gather_ops_grad``.)

>>> import stage2_autodiff as tf
>>> x = tf.constant([[1.0, 2.0, 3.0]])
>>> with tf.GradientTape() as tape:
...     tape.watch(x)
...     y = tf.concat([x, 2.0 * x], axis=0)
>>> tape.gradient(y, x)
tf.Tensor([[3. 3. 3.]], shape=(1, 3), dtype=float32)
"""

import numpy as np

import stage1_tensors as tf
from stage1_tensors.ops.indexing_ops import strided_slice_grad

from ..registry import RegisterGradient, no_gradient
from ._broadcast import is_known, shape_of, unbroadcast

__all__ = []


def _shape(t):
    # The sizes as ints, for rules that compute with them in Python. (A rule that
    # only passes an input's shape on to an op uses shape_of, which also serves a
    # graph whose sizes are known only when it runs: see _broadcast.)
    return t._value.shape


# --- pure reshapes ----------------------------------------------------------------
@RegisterGradient("Reshape")
def _reshape_grad(op, grad):
    return tf.reshape(grad, shape_of(op.inputs[0]))


@RegisterGradient("ExpandDims")
def _expand_dims_grad(op, grad):
    return tf.reshape(grad, shape_of(op.inputs[0]))


@RegisterGradient("Squeeze")
def _squeeze_grad(op, grad):
    return tf.reshape(grad, shape_of(op.inputs[0]))


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
    return unbroadcast(grad, shape_of(op.inputs[0]))


# --- joining and splitting: each undoes the other ------------------------------------
@RegisterGradient("ConcatV2")
def _concat_grad(op, grad):
    axis = op.attrs["axis"]
    shapes = [shape_of(x) for x in op.inputs]
    sizes = [shape[axis] for shape in shapes]
    if is_known(sizes):
        return tf.split(grad, sizes, axis=axis)
    # Sizes a graph computes (stage 5): cut each input's part out at its offset.
    parts, offset = [], 0
    for shape in shapes:
        begin = [0] * len(shape)
        begin[axis] = offset
        parts.append(tf.slice(grad, begin, shape))
        offset = offset + shape[axis]
    return parts


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
    shape = shape_of(op.inputs[0])
    if not shape:
        return grad
    pairs = []
    for copies, size in zip(op.attrs["multiples"], shape):
        pairs += [copies, size]
    summed = tf.reduce_sum(tf.reshape(grad, pairs), axis=list(range(0, len(pairs), 2)))
    return tf.reshape(summed, shape)


# --- slicing and padding: each undoes the other -------------------------------------
@RegisterGradient("Slice")
def _slice_grad(op, grad):
    x = op.inputs[0]
    begin = op.attrs["begin"]
    shape = shape_of(x)
    if not is_known(shape):
        # Sizes a graph computes (stage 5): put grad into zeros of x's shape at
        # the block, as the gradient of x[b0:b0 + s0, ...] does.
        key = tuple(slice(b, None if s == -1 else b + s)
                    for b, s in zip(begin, op.attrs["size"]))
        return strided_slice_grad(grad, shape, key)
    return tf.pad(grad, [[b, d - b - g] for b, d, g in zip(begin, shape, _shape(grad))])


@RegisterGradient("PadV2")
def _pad_grad(op, grad):
    x = op.inputs[0]
    return tf.slice(grad, [before for before, _ in op.attrs["paddings"]], shape_of(x))


@RegisterGradient("MirrorPad")
def _mirror_pad_grad(op, grad):
    """Folds each mirrored border back onto the elements it copied, axis by axis.

    REFLECT copies ``x[1:a+1]`` (reversed) before and ``x[n-1-b:n-1]`` after;
    SYMMETRIC copies ``x[:a]`` and ``x[n-b:]``. The middle of the gradient is
    x's own; each border's gradient, reversed, is added into the window of the
    elements it copied. Every window is counted from an end, so no size of x
    is needed (a graph may know it only when it runs).
    """
    edge = 1 if op.attrs["mode"] == "REFLECT" else 0
    for axis, (a, b) in enumerate(op.attrs["paddings"]):
        if not a and not b:
            continue
        folded = _window(grad, axis, a, -b or None)
        if a:
            left = tf.reverse(_window(grad, axis, 0, a), [axis])
            folded = _added_into(folded, axis, edge, edge + a, left)
        if b:
            right = tf.reverse(_window(grad, axis, -b, None), [axis])
            folded = _added_into(folded, axis, -(b + edge), -edge or None, right)
        grad = folded
    return grad


def _window(t, axis, start, stop):
    """``t[..., start:stop, ...]`` on one axis (``stop`` None: to the end)."""
    return t[(slice(None),) * axis + (slice(start, stop),)]


def _added_into(t, axis, start, stop, piece):
    """``t`` with ``piece`` added to its window ``start:stop`` on ``axis``."""
    parts = [_window(t, axis, None, start)] if start else []
    parts.append(_window(t, axis, start, stop) + piece)
    if stop is not None:
        parts.append(_window(t, axis, stop, None))
    return parts[0] if len(parts) == 1 else tf.concat(parts, axis)


# --- no gradient: integer results, or values that do not depend on the input ----------
for _name in ("Shape", "Size", "Rank"):
    no_gradient(_name)
