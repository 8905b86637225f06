"""Gradients of softmax, the cross-entropies and bias_add (``stage1_tensors/ops/nn_ops.py``).

Every rule is written with public ops, so it can be differentiated again
(``softmax``'s Hessian, the cross-entropies' second derivatives). Rules that are
cheaper in terms of the op's *output* use it, as TensorFlow does: ``softmax``
reuses ``y``. The activations' rules are in ``activation_ops_grad``.

The composites (``dropout``, ``l2_normalize``, ``moments``) need no rule: the
tape records the public ops they are made of.

>>> import stage2_autodiff as tf
>>> x = tf.constant([0.0, 0.0])
>>> with tf.GradientTape() as tape:
...     tape.watch(x)
...     y = tf.nn.softmax(x)[0]
>>> tape.gradient(y, x)
tf.Tensor([ 0.25 -0.25], shape=(2,), dtype=float32)
"""

import stage1_tensors as tf

from ..registry import RegisterGradient
from ._broadcast import shape_of

__all__ = []


# --- softmax ---------------------------------------------------------------------
@RegisterGradient("Softmax")
def _softmax_grad(op, grad):
    # dy_i/dx_j = y_i (delta_ij - y_j): the Jacobian times grad, without building it.
    y, axis = op.outputs[0], op.get_attr("axis")
    return (grad - tf.reduce_sum(grad * y, axis, keepdims=True)) * y


@RegisterGradient("LogSoftmax")
def _log_softmax_grad(op, grad):
    # d(x_i - logsumexp(x))/dx_j = delta_ij - softmax_j
    y, axis = op.outputs[0], op.get_attr("axis")
    return grad - tf.reduce_sum(grad, axis, keepdims=True) * tf.exp(y)


# --- cross-entropies -----------------------------------------------------------------
@RegisterGradient("SigmoidCrossEntropyWithLogits")
def _sigmoid_xent_grad(op, grad):
    # loss = max(x, 0) - x z + log(1 + e^-|x|)  =>  dloss/dx = sigmoid(x) - z, dloss/dz = -x
    labels, logits = op.inputs
    return -grad * logits, grad * (tf.sigmoid(logits) - labels)


@RegisterGradient("SoftmaxCrossEntropyWithLogits")
def _softmax_xent_grad(op, grad):
    # loss = -sum(z * log_softmax(x)) = -sum(z * x) + sum(z) * logsumexp(x), so
    # dloss/dx = sum(z) * softmax(x) - z: the familiar softmax - z when z sums to 1.
    labels, logits = op.inputs
    axis = op.get_attr("axis")
    g = tf.expand_dims(grad, axis)
    total = tf.reduce_sum(labels, axis, keepdims=True)
    d_logits = g * (total * tf.nn.softmax(logits, axis) - labels)
    d_labels = -g * tf.nn.log_softmax(logits, axis)
    return d_labels, d_logits


@RegisterGradient("SparseSoftmaxCrossEntropyWithLogits")
def _sparse_softmax_xent_grad(op, grad):
    # dloss/dlogits = softmax(logits) - one_hot(labels), in one fused op.
    # Integer labels are class indices, not quantities: they get no gradient.
    labels, logits = op.inputs
    return None, tf.nn.sparse_softmax_cross_entropy_with_logits_grad(grad, labels, logits)


@RegisterGradient("SparseSoftmaxCrossEntropyWithLogitsGrad")
def _sparse_softmax_xent_grad_grad(op, grad):
    # out = g[..., None] * (p - one_hot) with p = softmax(logits). It is linear
    # in g; in the logits it is g times softmax, whose Jacobian-vector product
    # is (v - sum(v * p)) * p.
    g, labels, logits = op.inputs
    d_g = tf.reduce_sum(grad * tf.nn.sparse_softmax_cross_entropy_with_logits_grad(
        tf.ones_like(g), labels, logits), -1)
    p = tf.nn.softmax(logits)
    v = grad * tf.expand_dims(g, -1)
    d_logits = (v - tf.reduce_sum(v * p, -1, keepdims=True)) * p
    return d_g, None, d_logits


# --- bias_add --------------------------------------------------------------------------
@RegisterGradient("BiasAdd")
def _bias_add_grad(op, grad):
    # The bias was added at every position: its gradient sums over all but the channels.
    return grad, tf.nn.bias_add_grad(grad, data_format=op.get_attr("data_format"))


@RegisterGradient("BiasAddGrad")
def _bias_add_grad_grad(op, grad):
    # A sum over positions: its transpose copies each channel's value back to them.
    x = op.inputs[0]
    data_format = op.get_attr("data_format")
    channel = 1 if data_format is not None and data_format.startswith("NC") else x.ndim - 1
    shape = [1] * x.ndim
    shape[channel] = -1
    return tf.broadcast_to(tf.reshape(grad, shape), shape_of(x))
