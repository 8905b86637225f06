"""Gradients of ``matmul`` and ``einsum`` (``stage1_tensors/ops/linalg_ops.py``).

For ``C = A @ B`` the gradients are ``dA = dC @ B^T`` and ``dB = A^T @ dC``;
the transpose flags only change which side is transposed. Batch axes that were
broadcast are summed back with ``unbroadcast``. ``einsum``'s rule is the same
idea for any equation: the gradient of one input is an einsum of the output
gradient with all the *other* inputs. ``tensordot`` is an einsum, so it needs
no rule of its own. For complex inputs the other operands are conjugated
(``dA = dC @ B^H``), as in TensorFlow.

>>> import stage2_autodiff as tf
>>> a, b = tf.constant([[1.0, 2.0]]), tf.constant([[3.0], [4.0]])
>>> with tf.GradientTape() as tape:
...     tape.watch([a, b])
...     c = tf.matmul(a, b)
>>> tape.gradient(c, [a, b])
[tf.Tensor([[3. 4.]], shape=(1, 2), dtype=float32), tf.Tensor([[1.]
           [2.]], shape=(2, 1), dtype=float32)]
"""

import stage1_tensors as tf
from stage1_tensors.math import conj
from stage1_tensors.errors import UnimplementedError

from ..registry import RegisterGradient
from ._broadcast import shape_of, unbroadcast

__all__ = []


@RegisterGradient("MatMul")
def _matmul_grad(op, grad):
    a, b = conj(op.inputs[0]), conj(op.inputs[1])
    t_a = op.attrs.get("transpose_a", False)
    t_b = op.attrs.get("transpose_b", False)
    # An input that needs no gradient (a data batch, say) is skipped: its
    # product is a whole extra matmul (TensorFlow's skip_input_indices).
    skip = op.skip_input_indices
    ga = gb = None
    mm = tf.matmul
    # Only batch axes can have been broadcast: plain matrices skip unbroadcast.
    batched = a._value.ndim > 2 or b._value.ndim > 2
    if 0 not in skip:
        if not t_a:
            ga = mm(grad, b, transpose_b=not t_b)
        else:
            ga = mm(b, grad, transpose_a=t_b, transpose_b=True)
        if batched:
            ga = unbroadcast(ga, shape_of(a))
    if 1 not in skip:
        if not t_b:
            gb = mm(a, grad, transpose_a=not t_a)
        else:
            gb = mm(grad, a, transpose_a=True, transpose_b=t_a)
        if batched:
            gb = unbroadcast(gb, shape_of(b))
    return ga, gb


@RegisterGradient("Einsum")
def _einsum_grad(op, grad):
    # The recorded equation is explicit ("ij,jk->ik"). For input i, swap it
    # with the output: einsum("ik,jk->ij", grad, B) is A's gradient.
    inputs, output = op.attrs["equation"].split("->")
    subscripts = inputs.split(",")
    grads = []
    for i, (x, sub) in enumerate(zip(op.inputs, subscripts)):
        letters = sub.replace("...", "")
        if len(set(letters)) != len(letters):
            raise UnimplementedError(
                "einsum: no gradient for an input with a repeated subscript (%r in %r, "
                "a diagonal or trace); write it with tf.linalg-free ops such as a mask "
                "and reduce_sum" % (sub, op.attrs["equation"]), op="einsum")
        others = [(s, t) for j, (s, t) in enumerate(zip(subscripts, op.inputs)) if j != i]
        known = set(output) | set("".join(s for s, _ in others))
        operands = [grad] + [conj(t) for _, t in others]
        terms = [output] + [s for s, _ in others]
        if set(letters) - known:
            # A letter only this input has was summed away: every element along
            # it gets the same gradient. A ones tensor shaped like x brings the
            # letter back into the equation.
            operands.append(tf.ones_like(x))
            terms.append(sub)
        g = tf.einsum(",".join(terms) + "->" + sub, *operands)
        grads.append(unbroadcast(g, shape_of(x)))
    return grads
