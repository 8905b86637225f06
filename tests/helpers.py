"""Assertions and references that several test modules share.

Errors teach (DESIGN.md, principle 6): a bad call raises ``InvalidArgumentError``
whose message names the op and the shapes, dtypes or values involved. The op
tests keep tables of bad calls and check each one with ``assert_teaches``.
"""

import numpy as np
import pytest

from stage1_tensors.errors import InvalidArgumentError


def assert_teaches(call, words, op=None):
    """``call()`` raises ``InvalidArgumentError`` naming every one of ``words``.

    With ``op``, the message must also start with ``"op:"``, the way every op
    error begins. Returns the message for further checks.
    """
    with pytest.raises(InvalidArgumentError) as info:
        call()
    message = str(info.value)
    if op is not None:
        assert message.startswith(op + ":"), message
    for word in words:
        assert word in message, "%r not in %r" % (word, message)
    return message


# --- loop references for convolution and pooling (NHWC) ------------------------------
# Written the slow, obvious way, one output pixel at a time, independently of the
# vectorised kernels; the stage-1 op tests and the stage-3 layer tests both need them.

def conv_output_and_padding(size, k, stride, dilation, padding):
    """``(output size, padding before, padding after)`` along one axis.

    SAME pads the odd extra cell after (bottom/right), as TensorFlow does.
    """
    span = (k - 1) * dilation + 1
    if padding.upper() == "VALID":
        return (size - span) // stride + 1, 0, 0
    out = -(-size // stride)
    total = max((out - 1) * stride + span - size, 0)
    return out, total // 2, total - total // 2


def reference_conv2d(x, f, strides, padding, dilations=(1, 1)):
    """``conv2d`` of NHWC ``x`` with an ``(kh, kw, in, out)`` filter, in float64."""
    n, h, w, _ = x.shape
    kh, kw, _, o = f.shape
    oh, top, _ = conv_output_and_padding(h, kh, strides[0], dilations[0], padding)
    ow, left, _ = conv_output_and_padding(w, kw, strides[1], dilations[1], padding)
    out = np.zeros((n, oh, ow, o))
    for i in range(oh):
        for j in range(ow):
            for di in range(kh):
                for dj in range(kw):
                    r = i * strides[0] + di * dilations[0] - top
                    s = j * strides[1] + dj * dilations[1] - left
                    if 0 <= r < h and 0 <= s < w:
                        out[:, i, j] += x[:, r, s] @ f[di, dj]
    return out


def reference_pool(x, ksize, strides, padding, reduce):
    """``reduce`` (``np.max``, ``np.mean``) over each window of NHWC ``x``.

    Padded cells are left out of a window, so an average divides by the valid cells.
    """
    n, h, w, c = x.shape
    oh, top, _ = conv_output_and_padding(h, ksize[0], strides[0], 1, padding)
    ow, left, _ = conv_output_and_padding(w, ksize[1], strides[1], 1, padding)
    out = np.zeros((n, oh, ow, c))
    for i in range(oh):
        for j in range(ow):
            r0, c0 = i * strides[0] - top, j * strides[1] - left
            window = x[:, max(r0, 0):r0 + ksize[0], max(c0, 0):c0 + ksize[1]]
            out[:, i, j] = reduce(window, axis=(1, 2))
    return out


# --- gradients -------------------------------------------------------------------------

def gradient_at(fn, x):
    """The tape's gradient of ``fn`` at ``x`` (a constant made from ``x`` and watched)."""
    import stage2_autodiff as tf
    x = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = fn(x)
    return tape.gradient(y, x)
