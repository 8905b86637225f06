"""Neural-network ops: softmax, cross-entropies, bias_add, dropout, ...

The activations (``relu``, ``gelu`` ...) are in ``activation_ops``; the rest of
``tf.nn`` is here. Softmax and the cross-entropies are *primitive* ops with
their own kernel, because the naive formulas overflow (``exp(1000)``). The
*composites* (``dropout``, ``l2_normalize``, ``moments``) are short functions of
public ops, so they need no kernel and no gradient of their own.

Two *backward* ops exist only to make training steps cheap, the way
TensorFlow's ``BiasAddGrad`` does: ``bias_add_grad`` sums a gradient over all
but the channel axis as one matrix-vector product, and
``sparse_softmax_cross_entropy_with_logits_grad`` is the cross-entropy's
gradient (``softmax - one_hot``) in one kernel instead of five ops. Their own
gradients are written with public ops, so higher orders work.

>>> import stage1_tensors as tf
>>> tf.nn.softmax([0.0, 0.0])
tf.Tensor([0.5 0.5], shape=(2,), dtype=float32)
>>> tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[0], logits=[[0.0, 0.0]])
tf.Tensor([0.6931472], shape=(1,), dtype=float32)
"""

import numbers

from .. import random as _random
from ..convert import convert_to_tensor
from ..dispatch import execute
from ..dtypes import FLOATING, INTEGER, NUMERIC
from ..errors import InvalidArgumentError
from ..registry import define_op
from . import array_ops, binary_ops, reduction_ops, unary_ops
from .attrs import bool_attr, float_attr, shape_attr
from .error_scope import error_scope
from .reduction_ops import normalize_axis

__all__ = [
    "softmax", "log_softmax", "sigmoid_cross_entropy_with_logits",
    "softmax_cross_entropy_with_logits", "sparse_softmax_cross_entropy_with_logits",
    "dropout", "l2_normalize", "bias_add", "moments",
    "sparse_softmax_cross_entropy_with_logits_grad", "bias_add_grad",
]

_INDEX = frozenset(d for d in INTEGER if d.name in ("int32", "int64"))


def _shape(array):
    return tuple(array.shape)


# --- softmax -------------------------------------------------------------
def _check_logits_axis(op_name):
    def check(values, attrs):
        x, axis = values[0], attrs["axis"]
        if x.ndim == 0:
            raise InvalidArgumentError(
                "%s: logits must have rank >= 1, got a scalar; the op normalises "
                "over one axis of classes" % op_name, op=op_name)
        if not -x.ndim <= axis < x.ndim:
            raise InvalidArgumentError(
                "%s: axis %d is out of range for logits of shape %s; valid axes are "
                "%d..%d" % (op_name, axis, _shape(x), -x.ndim, x.ndim - 1), op=op_name)
    return check


Softmax = define_op("Softmax", "softmax", inputs=("logits",), dtypes=FLOATING,
                    check=_check_logits_axis("softmax"))
LogSoftmax = define_op("LogSoftmax", "log_softmax", inputs=("logits",), dtypes=FLOATING,
                       check=_check_logits_axis("log_softmax"))


def _shifted(xp, x, axis):
    # Subtracting the max changes nothing mathematically and keeps exp() <= 1.
    return x - xp.max(x, axis=axis, keepdims=True)


@Softmax.kernel
def _softmax(xp, x, axis):
    if x.size == 0:
        return x.copy()
    e = xp.exp(_shifted(xp, x, axis))
    return e / xp.sum(e, axis=axis, keepdims=True)


def _log_softmax_array(xp, x, axis):
    if x.size == 0:
        return x.copy()
    shifted = _shifted(xp, x, axis)
    return shifted - xp.log(xp.sum(xp.exp(shifted), axis=axis, keepdims=True))


LogSoftmax.kernel(_log_softmax_array)


def _axis_attr(axis, op_name):
    if hasattr(axis, "numpy"):
        axis = axis.numpy()
    if not isinstance(axis, numbers.Integral) and not (
            hasattr(axis, "ndim") and axis.ndim == 0 and axis.dtype.kind in "iu"):
        raise InvalidArgumentError(
            "%s: axis must be one int, got %r" % (op_name, axis), op=op_name)
    return int(axis)


def softmax(logits, axis=None, name=None):
    """``exp(logits) / reduce_sum(exp(logits), axis)``, computed stably (default: last axis).

    >>> import stage1_tensors as tf
    >>> tf.nn.softmax([[1.0, 1.0, 1.0, 1.0], [0.0, 1000.0, 0.0, 0.0]])
    tf.Tensor([[0.25 0.25 0.25 0.25]
               [0.   1.   0.   0.  ]], shape=(2, 4), dtype=float32)
    """
    axis = -1 if axis is None else _axis_attr(axis, "softmax")
    return execute(Softmax, (logits,), {"axis": axis})


def log_softmax(logits, axis=None, name=None):
    """``logits - log(reduce_sum(exp(logits), axis))``, computed stably.

    >>> import stage1_tensors as tf
    >>> tf.nn.log_softmax([0.0, 1000.0])
    tf.Tensor([-1000.     0.], shape=(2,), dtype=float32)
    """
    axis = -1 if axis is None else _axis_attr(axis, "log_softmax")
    return execute(LogSoftmax, (logits,), {"axis": axis})


# --- cross-entropies -------------------------------------------------------
def _check_same_shape(op_name):
    def check(values, attrs):
        labels, logits = values
        if labels.shape != logits.shape:
            raise InvalidArgumentError(
                "%s: labels and logits must have the same shape, got labels %s and "
                "logits %s" % (op_name, _shape(labels), _shape(logits)), op=op_name)
        axis = attrs.get("axis")
        if axis is not None:
            _check_logits_axis(op_name)((logits,), attrs)
    return check


SigmoidCrossEntropyWithLogits = define_op(
    "SigmoidCrossEntropyWithLogits", "sigmoid_cross_entropy_with_logits",
    inputs=("labels", "logits"), dtypes=FLOATING,
    check=_check_same_shape("sigmoid_cross_entropy_with_logits"))

SoftmaxCrossEntropyWithLogits = define_op(
    "SoftmaxCrossEntropyWithLogits", "softmax_cross_entropy_with_logits",
    inputs=("labels", "logits"), dtypes=FLOATING,
    check=_check_same_shape("softmax_cross_entropy_with_logits"))


def _check_sparse(values, attrs, op_name="sparse_softmax_cross_entropy_with_logits"):
    labels, logits = values
    if logits.ndim == 0 or labels.shape != logits.shape[:-1]:
        raise InvalidArgumentError(
            "%s: labels must have the shape of logits without its last (class) axis, "
            "got labels %s and logits %s; expected labels of shape %s"
            % (op_name, _shape(labels), _shape(logits),
               _shape(logits)[:-1] if logits.ndim else "(a logits tensor of rank >= 1)"),
            op=op_name)
    classes = logits.shape[-1]
    if labels.size and (int(labels.min()) < 0 or int(labels.max()) >= classes):
        bad = (labels < 0) | (labels >= classes)
        if bool(bad.any()):
            value = int(labels[bad].reshape(-1)[0])
            raise InvalidArgumentError(
                "%s: received a label value of %d which is outside the valid range "
                "of [0, %d): logits have %d classes (shape %s)"
                % (op_name, value, classes, classes, _shape(logits)), op=op_name)


SparseSoftmaxCrossEntropyWithLogits = define_op(
    "SparseSoftmaxCrossEntropyWithLogits", "sparse_softmax_cross_entropy_with_logits",
    inputs=("labels", "logits"), dtypes=FLOATING, input_dtypes={"labels": _INDEX},
    check=_check_sparse)


@SigmoidCrossEntropyWithLogits.kernel
def _sigmoid_xent(xp, z, x):
    # -z*log(sigmoid(x)) - (1-z)*log(1-sigmoid(x)), rearranged so that exp()
    # only ever sees a non-positive number.
    return xp.maximum(x, 0) - x * z + xp.log1p(xp.exp(-xp.abs(x)))


@SoftmaxCrossEntropyWithLogits.kernel
def _softmax_xent(xp, labels, logits, axis):
    return -xp.sum(labels * _log_softmax_array(xp, logits, axis), axis=axis)


def _shifted_classes_first(xp, logits):
    """The logits as a contiguous (classes, examples) array, minus each example's max.

    With a few classes, NumPy reduces a short last axis one example at a time
    (19 µs for 256 x 10); over the first axis of the transposed copy it handles
    all the examples at once (3 µs). The cross-entropy kernels work this way round.
    The copy is always a new array (``ascontiguousarray`` returns a one-example
    batch's transpose as it is, a view), so the subtraction below never writes
    into the caller's logits.
    """
    t = xp.array(logits.reshape(-1, logits.shape[-1]).T, order="C")
    t -= t.max(axis=0)
    return t


@SparseSoftmaxCrossEntropyWithLogits.kernel
def _sparse_softmax_xent(xp, labels, logits):
    if logits.size == 0:
        return xp.zeros(labels.shape, dtype=logits.dtype)
    # -log(softmax(x)[label]) = log(sum(exp(x))) - x[label], all shifted by max(x)
    t = _shifted_classes_first(xp, logits)
    picked = t[labels.reshape(-1), xp.arange(t.shape[1])]
    return (xp.log(xp.exp(t).sum(axis=0)) - picked).reshape(labels.shape)


def sigmoid_cross_entropy_with_logits(labels=None, logits=None, name=None):
    """Binary cross-entropy of ``labels`` (probabilities) against ``sigmoid(logits)``.

    Computed as ``max(x, 0) - x * z + log(1 + exp(-abs(x)))``, which never overflows.

    >>> import stage1_tensors as tf
    >>> tf.nn.sigmoid_cross_entropy_with_logits(labels=[1.0, 0.0], logits=[0.0, 0.0])
    tf.Tensor([0.6931472 0.6931472], shape=(2,), dtype=float32)
    """
    _need(labels, logits, "sigmoid_cross_entropy_with_logits")
    return execute(SigmoidCrossEntropyWithLogits, (labels, logits))


def softmax_cross_entropy_with_logits(labels=None, logits=None, axis=-1, name=None):
    """Cross-entropy between ``labels`` (a distribution per row) and ``softmax(logits)``.

    The result drops ``axis``: one loss per example.

    >>> import stage1_tensors as tf
    >>> tf.nn.softmax_cross_entropy_with_logits(
    ...     labels=[[0.0, 1.0], [0.5, 0.5]], logits=[[0.0, 0.0], [0.0, 0.0]])
    tf.Tensor([0.6931472 0.6931472], shape=(2,), dtype=float32)
    """
    _need(labels, logits, "softmax_cross_entropy_with_logits")
    axis = _axis_attr(axis, "softmax_cross_entropy_with_logits")
    return execute(SoftmaxCrossEntropyWithLogits, (labels, logits), {"axis": axis})


def sparse_softmax_cross_entropy_with_logits(labels=None, logits=None, name=None):
    """Cross-entropy of integer class ``labels`` against ``softmax(logits)`` (last axis).

    ``labels`` (int32 or int64) has the shape of ``logits`` without the last axis;
    each label must be in ``[0, num_classes)``.

    >>> import stage1_tensors as tf
    >>> tf.nn.sparse_softmax_cross_entropy_with_logits(
    ...     labels=[1, 0], logits=[[0.0, 0.0], [0.0, 5.0]])
    tf.Tensor([0.6931472 5.0067153], shape=(2,), dtype=float32)
    """
    _need(labels, logits, "sparse_softmax_cross_entropy_with_logits")
    return execute(SparseSoftmaxCrossEntropyWithLogits, (labels, logits))


def _need(labels, logits, op_name):
    if labels is None or logits is None:
        raise InvalidArgumentError(
            "%s: both labels= and logits= are required (pass them by name)" % op_name,
            op=op_name)


# --- the cross-entropy's gradient, fused into one kernel ----------------------
def _check_sparse_grad(values, attrs):
    grad, labels, logits = values
    _check_sparse((labels, logits), attrs, "sparse_softmax_cross_entropy_with_logits_grad")
    if grad.shape != labels.shape:
        raise InvalidArgumentError(
            "sparse_softmax_cross_entropy_with_logits_grad: grad holds one value per "
            "loss, so it must have the labels' shape %s, got %s"
            % (_shape(labels), _shape(grad)),
            op="sparse_softmax_cross_entropy_with_logits_grad")


SparseSoftmaxCrossEntropyWithLogitsGrad = define_op(
    "SparseSoftmaxCrossEntropyWithLogitsGrad",
    "sparse_softmax_cross_entropy_with_logits_grad",
    inputs=("grad", "labels", "logits"), dtypes=FLOATING,
    input_dtypes={"labels": _INDEX}, check=_check_sparse_grad)


@SparseSoftmaxCrossEntropyWithLogitsGrad.kernel
def _sparse_softmax_xent_grad(xp, grad, labels, logits):
    if logits.size == 0:
        return xp.zeros_like(logits)
    e = xp.exp(_shifted_classes_first(xp, logits))
    e /= e.sum(axis=0)                                   # softmax, in place
    e[labels.reshape(-1), xp.arange(e.shape[1])] -= 1    # minus one_hot
    e *= grad.reshape(-1)
    return e.T.reshape(logits.shape)


def sparse_softmax_cross_entropy_with_logits_grad(grad, labels, logits, name=None):
    """The gradient of ``sparse_softmax_cross_entropy_with_logits`` w.r.t. its logits:
    ``grad[..., None] * (softmax(logits) - one_hot(labels))``, in one kernel.

    (TensorFlow's op returns this as a second output of the forward op.)

    >>> import stage1_tensors as tf
    >>> tf.nn.sparse_softmax_cross_entropy_with_logits_grad(
    ...     [1.0], labels=[0], logits=[[0.0, 0.0]])
    tf.Tensor([[-0.5  0.5]], shape=(1, 2), dtype=float32)
    """
    return execute(SparseSoftmaxCrossEntropyWithLogitsGrad, (grad, labels, logits))


# --- bias_add --------------------------------------------------------------
def _channel_axis(data_format, ndim):
    return 1 if data_format is not None and data_format.startswith("NC") else ndim - 1


def _check_bias_add(values, attrs):
    value, bias = values
    if value.ndim < 2 or bias.ndim != 1:
        raise InvalidArgumentError(
            "bias_add: value must have rank >= 2 and bias rank 1, got value %s and "
            "bias %s" % (_shape(value), _shape(bias)), op="bias_add")
    axis = _channel_axis(attrs["data_format"], value.ndim)
    if value.shape[axis] != bias.shape[0]:
        raise InvalidArgumentError(
            "bias_add: bias must have one entry per channel: value %s has %d channels "
            "(axis %d, data_format %s) but bias has shape %s"
            % (_shape(value), value.shape[axis], axis, attrs["data_format"] or "NHWC",
               _shape(bias)), op="bias_add")


BiasAdd = define_op("BiasAdd", "bias_add", inputs=("value", "bias"), dtypes=NUMERIC,
                    check=_check_bias_add)


@BiasAdd.kernel
def _bias_add(xp, value, bias, data_format):
    axis = _channel_axis(data_format, value.ndim)
    return value + bias.reshape((-1,) + (1,) * (value.ndim - 1 - axis))


def bias_add(value, bias, data_format=None, name=None):
    """Adds a 1-D ``bias`` along the channel axis (last for NHWC, 1 for NCHW).

    >>> import stage1_tensors as tf
    >>> tf.nn.bias_add([[1.0, 2.0], [3.0, 4.0]], [10.0, 20.0])
    tf.Tensor([[11. 22.]
               [13. 24.]], shape=(2, 2), dtype=float32)
    """
    return execute(BiasAdd, (value, bias),
                   {"data_format": _bias_data_format(data_format, "bias_add")})


def _check_bias_add_grad(values, attrs):
    (out_backprop,) = values
    if out_backprop.ndim < 2:
        raise InvalidArgumentError(
            "bias_add_grad: out_backprop must have rank >= 2 (a batch of values with "
            "a channel axis), got shape %s" % (_shape(out_backprop),), op="bias_add_grad")


BiasAddGrad = define_op("BiasAddGrad", "bias_add_grad", inputs=("out_backprop",),
                        dtypes=NUMERIC, check=_check_bias_add_grad)


@BiasAddGrad.kernel
def _bias_add_grad(xp, out_backprop, data_format):
    axis = _channel_axis(data_format, out_backprop.ndim)
    if axis != out_backprop.ndim - 1 or out_backprop.dtype.kind != "f" \
            or out_backprop.dtype.itemsize < 4:
        others = tuple(a for a in range(out_backprop.ndim) if a != axis)
        return out_backprop.sum(axis=others, dtype=out_backprop.dtype)   # int32 stays int32
    # Channels last: one row per position, and ones @ rows sums them in BLAS,
    # 7x faster than NumPy's sum over axes (0, 1, 2) of a conv layer's output.
    rows = out_backprop.reshape(-1, out_backprop.shape[-1])
    return xp.matmul(xp.ones(rows.shape[0], dtype=rows.dtype), rows)


def bias_add_grad(out_backprop, data_format=None, name=None):
    """The gradient of ``bias_add`` w.r.t. its bias: ``out_backprop`` summed over
    every axis but the channel axis (last for NHWC, 1 for NCHW).

    >>> import stage1_tensors as tf
    >>> tf.nn.bias_add_grad([[1.0, 2.0], [3.0, 4.0]])
    tf.Tensor([4. 6.], shape=(2,), dtype=float32)
    """
    return execute(BiasAddGrad, (out_backprop,),
                   {"data_format": _bias_data_format(data_format, "bias_add_grad")})


def _bias_data_format(data_format, op_name):
    if data_format is not None and (not isinstance(data_format, str) or data_format not in (
            "NHWC", "NCHW", "N...C", "NC...", "NWC", "NCW", "NDHWC", "NCDHW")):
        raise InvalidArgumentError(
            "%s: data_format must be 'NHWC' (channels last) or 'NCHW' "
            "(channels first), got %r" % (op_name, data_format), op=op_name)
    return data_format


# --- composites of public ops ----------------------------------------------
def _require_floating(x, op_name):
    x = convert_to_tensor(x)
    if x.dtype._np not in FLOATING:
        raise InvalidArgumentError(
            "%s: x must be a floating-point tensor (it gets scaled), got %s; "
            "convert it with tf.cast" % (op_name, x.dtype.name), op=op_name)
    return x


def dropout(x, rate, noise_shape=None, seed=None, name=None):
    """Zeroes each element with probability ``rate`` and scales the rest by ``1/(1-rate)``.

    The expected value of every element stays the same. ``noise_shape`` (broadcastable
    to ``x``'s shape) shares one keep/drop decision along axes of size 1. Results
    are reproducible under ``tf.random.set_seed`` (and ``seed``).

    >>> import stage1_tensors as tf
    >>> y = tf.nn.dropout(tf.ones([1000]), rate=0.5, seed=1)
    >>> sorted(set(y.numpy().tolist()))
    [0.0, 2.0]
    """
    with error_scope("dropout"):
        x = _require_floating(x, "dropout")
        if hasattr(rate, "numpy"):
            rate = rate.numpy()
        if isinstance(rate, bool) or not isinstance(rate, (numbers.Real,)) and not (
                hasattr(rate, "ndim") and rate.ndim == 0 and rate.dtype.kind == "f"):
            raise InvalidArgumentError(
                "dropout: rate must be a float in the range [0, 1), got %r" % (rate,),
                op="dropout")
        rate = float(rate)
        if not 0.0 <= rate < 1.0:
            raise InvalidArgumentError(
                "dropout: rate must be a float in the range [0, 1), got %r; it is the "
                "probability of dropping an element (rate=1 would drop everything)"
                % rate, op="dropout")
        shape = (tuple(x.shape) if noise_shape is None
                 else shape_attr(noise_shape, "dropout"))
        if noise_shape is not None and not _broadcastable(shape, tuple(x.shape)):
            raise InvalidArgumentError(
                "dropout: noise_shape %s must be broadcastable to x's shape %s (each size "
                "equal to x's or 1)" % (list(shape), tuple(x.shape)), op="dropout")
        if rate == 0.0:
            return x
        keep = binary_ops.greater_equal(
            _random.uniform(shape, dtype=x.dtype, seed=seed), rate)
        kept = binary_ops.multiply(x, 1.0 / (1.0 - rate))
        return binary_ops.multiply(kept, unary_ops.cast(keep, x.dtype))


def _broadcastable(small, big):
    if len(small) != len(big):
        return False
    return all(s == b or s == 1 for s, b in zip(small, big))


def l2_normalize(x, axis=None, epsilon=1e-12, name=None, dim=None):
    """``x / sqrt(max(reduce_sum(x**2, axis), epsilon))``: unit length along ``axis``.

    >>> import stage1_tensors as tf
    >>> tf.nn.l2_normalize([3.0, 4.0], axis=0)
    tf.Tensor([0.6 0.8], shape=(2,), dtype=float32)
    """
    epsilon = float_attr(epsilon, "epsilon", "l2_normalize")
    with error_scope("l2_normalize"):
        x = _require_floating(x, "l2_normalize")
        axis = normalize_axis(dim if axis is None else axis, "l2_normalize")
        square_sum = reduction_ops.reduce_sum(binary_ops.multiply(x, x), axis, keepdims=True)
        inv_norm = unary_ops.rsqrt(binary_ops.maximum(square_sum, epsilon))
        return binary_ops.multiply(x, inv_norm)


def moments(x, axes, shift=None, keepdims=False, name=None):
    """Mean and variance of ``x`` over ``axes`` (as used by batch normalisation).

    >>> import stage1_tensors as tf
    >>> mean, variance = tf.nn.moments([[1.0, 2.0], [3.0, 6.0]], axes=[0])
    >>> mean, variance
    (tf.Tensor([2. 4.], shape=(2,), dtype=float32), tf.Tensor([1. 4.], shape=(2,), dtype=float32))
    """
    with error_scope("moments"):
        x = _require_floating(x, "moments")
        axes = normalize_axis(axes, "moments")
        mean = reduction_ops.reduce_mean(x, axes, keepdims=True)
        variance = reduction_ops.reduce_mean(binary_ops.squared_difference(x, mean), axes,
                                             keepdims=True)
        if not bool_attr(keepdims, "keepdims", "moments"):
            rank = x.ndim
            dropped = {a % rank for a in (range(rank) if axes is None else axes)}
            shape = [d for i, d in enumerate(x.shape) if i not in dropped]
            mean = array_ops.reshape(mean, shape)
            variance = array_ops.reshape(variance, shape)
        return mean, variance
