"""Gradients of the neural-network ops (``stage1_tensors/ops/nn_ops.py``).

Every rule is written with public ops, so it can be differentiated again
(``softmax``'s Hessian, the cross-entropies' second derivatives). Rules that are
cheaper in terms of the op's *output* use it, as TensorFlow does: ``relu`` looks
at ``y > 0``, ``softmax`` reuses ``y``. At the kink, ``relu'(0) = 0``.

The composites (``dropout``, ``l2_normalize``, ``moments``) need no rule: the
tape records the public ops they are made of.

>>> import stage2_autodiff as tf
>>> x = tf.constant([-1.0, 0.0, 2.0])
>>> with tf.GradientTape() as tape:
...     tape.watch(x)
...     y = tf.nn.relu(x)
>>> tape.gradient(y, x)
tf.Tensor([0. 0. 1.], shape=(3,), dtype=float32)
"""

import math

import stage1_tensors as tf

from ..registry import RegisterGradient

__all__ = []


def _pass_where(condition, grad, otherwise=None):
    """``grad`` where ``condition`` holds, ``otherwise`` (default 0) elsewhere."""
    return tf.where(condition, grad, tf.zeros_like(grad) if otherwise is None else otherwise)


# --- activations ---------------------------------------------------------------
@RegisterGradient("Relu")
def _relu_grad(op, grad):
    return tf.nn.relu_grad(grad, op.outputs[0])


@RegisterGradient("ReluGrad")
def _relu_grad_grad(op, grad):
    # relu_grad(g, y) = g * (y > 0) is linear in g, and the mask is piecewise
    # constant in y: y gets no gradient (relu's second derivative is 0).
    return tf.nn.relu_grad(grad, op.inputs[1]), None


@RegisterGradient("Relu6")
def _relu6_grad(op, grad):
    x = op.inputs[0]
    return _pass_where(tf.logical_and(tf.greater(x, 0), tf.less(x, 6)), grad)


@RegisterGradient("LeakyRelu")
def _leaky_relu_grad(op, grad):
    x = op.inputs[0]
    return _pass_where(tf.greater(x, 0), grad, grad * op.get_attr("alpha"))


@RegisterGradient("Elu")
def _elu_grad(op, grad):
    # For x <= 0, d/dx (e^x - 1) = e^x = y + 1.
    y = op.outputs[0]
    return _pass_where(tf.greater(y, 0), grad, grad * (y + 1.0))


@RegisterGradient("Selu")
def _selu_grad(op, grad):
    # For x <= 0, y = scale * alpha * (e^x - 1), so dy/dx = y + scale * alpha.
    scale, alpha = 1.0507009873554804934193349852946, 1.6732632423543772848170429916717
    y = op.outputs[0]
    return _pass_where(tf.greater(y, 0), grad * scale, grad * (y + scale * alpha))


@RegisterGradient("Gelu")
def _gelu_grad(op, grad):
    x = op.inputs[0]
    if op.get_attr("approximate"):
        # y = x/2 (1 + tanh(u)), u = c (x + 0.044715 x^3)
        c = math.sqrt(2.0 / math.pi)
        t = tf.tanh(c * (x + 0.044715 * x * x * x))
        du = c * (1.0 + 3.0 * 0.044715 * x * x)
        return grad * (0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * du)
    # y = x * cdf(x): dy/dx = cdf(x) + x * pdf(x) for the standard normal.
    cdf = 0.5 * (1.0 + tf.math.erf(x * (1.0 / math.sqrt(2.0))))
    pdf = tf.exp(-0.5 * x * x) * (1.0 / math.sqrt(2.0 * math.pi))
    return grad * (cdf + x * pdf)


@RegisterGradient("Softplus")
def _softplus_grad(op, grad):
    return grad * tf.sigmoid(op.inputs[0])


@RegisterGradient("Softsign")
def _softsign_grad(op, grad):
    denominator = 1.0 + tf.abs(op.inputs[0])
    return grad / (denominator * denominator)


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
    return tf.broadcast_to(tf.reshape(grad, shape), tuple(x.shape))
