"""Gradients of convolution (``stage1_tensors/ops/conv_ops.py``).

The backward passes are stage-1 ops themselves (``conv2d_backprop_input``,
``conv2d_backprop_filter``), so these rules are one or two calls each, and the
backward ops have rules of their own here: gradients of gradients work, and a
GPU runs them with the same kernels.

The pairs fit together because each backward op is the *adjoint* (transpose) of
a forward one: ``conv2d`` is linear in its input and in its filter, and
``conv2d_backprop_input`` / ``conv2d_backprop_filter`` are its transposes.

>>> import stage2_autodiff as tf
>>> x = tf.ones([1, 3, 3, 1])
>>> with tf.GradientTape() as tape:
...     tape.watch(x)
...     y = tf.nn.conv2d(x, tf.ones([2, 2, 1, 1]), strides=1, padding="VALID")
>>> tape.gradient(y, x)[0, :, :, 0]
tf.Tensor([[1. 2. 1.]
           [2. 4. 2.]
           [1. 2. 1.]], shape=(3, 3), dtype=float32)
"""

import stage1_tensors as tf

from ..registry import RegisterGradient
from ._broadcast import shape_of

__all__ = []


def _padding(op):
    """The op's padding attr in the form the public functions take."""
    padding = op.get_attr("padding")
    if isinstance(padding, str):
        return padding
    none = (0, 0)
    if op.get_attr("data_format") == "NCHW":
        return [none, none] + [list(p) for p in padding]
    return [none] + [list(p) for p in padding] + [none]


def _conv_args(op):
    return dict(strides=list(op.get_attr("strides")), padding=_padding(op),
                data_format=op.get_attr("data_format"),
                dilations=list(op.get_attr("dilations")))


@RegisterGradient("Conv2D")
def _conv2d_grad(op, grad):
    x, filters = op.inputs
    args = _conv_args(op)
    skip = op.skip_input_indices   # e.g. the image batch of a first layer
    return (None if 0 in skip else
            tf.nn.conv2d_backprop_input(shape_of(x), filters, grad, **args),
            None if 1 in skip else
            tf.nn.conv2d_backprop_filter(x, shape_of(filters), grad, **args))


@RegisterGradient("Conv2DBackpropInput")
def _conv2d_backprop_input_grad(op, grad):
    # dx = B_in(f, dy) is linear in f and in dy; its transpose in dy is conv2d.
    filters, dy = op.inputs
    args = _conv_args(op)
    return (tf.nn.conv2d_backprop_filter(grad, shape_of(filters), dy, **args),
            tf.nn.conv2d(grad, filters, **args))


@RegisterGradient("Conv2DBackpropFilter")
def _conv2d_backprop_filter_grad(op, grad):
    x, dy = op.inputs
    args = _conv_args(op)
    return (tf.nn.conv2d_backprop_input(shape_of(x), grad, dy, **args),
            tf.nn.conv2d(x, grad, **args))
