"""Shapes that the graph computes: ``tf.zeros(tf.shape(x))`` inside ``function``.

Our ops keep a shape as an *attribute*, a Python tuple fixed when the op is
called (``Reshape``'s ``shape``, ``Zeros``' ``shape``, ``Tile``'s ``multiples``).
TensorFlow passes a shape as a tensor *input* instead, so a shape that is known
only when the graph runs works there::

    @tf.function(input_signature=[tf.TensorSpec([None, 3])])
    def f(x):
        return tf.zeros(tf.shape(x))        # a new batch size every call

Eagerly there is nothing to do: ``tf.shape(x)`` is a concrete tensor, and
stage 1's ``shape_attr`` reads its value. While tracing, ``tf.shape(x)`` is a
symbolic tensor with no value to read. Stage 1 then asks the *shape handler*
registered here (``attrs.set_shape_tensor_handler``), which packs the shape
into one 1-D int32 tensor (``tf.stack`` of its entries) and returns it wrapped
as a ``ShapeInput``. When the tracer records an op whose attrs hold one
(``as_inputs``), it records instead that op's *shape-input twin*: the same
kernel, with the shape taken from one more input when the graph runs. So the
graph computes the shape, and the probes (see ``tracing``) see the output's
size follow the input's: one trace serves every batch size.

>>> import stage5_gpu as tf
>>> @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32)])
... def f(x):
...     return tf.zeros(tf.shape(x)) + x, tf.reshape(x, [tf.shape(x)[0], 3, 1])
>>> [tuple(t.shape) for t in f(tf.ones([2, 3]))], [tuple(t.shape) for t in f(tf.ones([5, 3]))]
([(2, 3), (2, 3, 1)], [(5, 3), (5, 3, 1)])
>>> f.experimental_get_tracing_count()
1
"""

import numpy as np

from stage1_tensors.ops import attrs as _attrs
from stage1_tensors.registry import define_op
from stage1_tensors.tensor import Tensor
from stage2_autodiff.gradients._broadcast import set_shape_reader
from stage2_autodiff.recording import RecordedOp
from stage2_autodiff.registry import gradient_function, no_gradient, register_gradient

import stage4_training as tf

__all__ = ["ShapeInput", "as_inputs", "sizes_from_the_graph"]

_INTS = ("int32", "int64")
_INT_DTYPES = frozenset(np.dtype(name) for name in _INTS)


class ShapeInput:
    """An attr whose value a graph tensor (a 1-D int vector) gives at run time."""

    __slots__ = ("tensor",)

    def __init__(self, tensor):
        self.tensor = tensor

    def __repr__(self):
        return "<shape from %s>" % getattr(self.tensor, "name", self.tensor)


def _shape_tensor_handler(shape, op_name):
    """Stage 1's ``shape_attr`` calls this with a shape it cannot read: a tensor,
    or a list holding tensors. While tracing it becomes a ShapeInput; returns
    None (stage 1 then raises its error) when no graph is being traced."""
    from .tracing import current_tracer
    if current_tracer() is None:
        return None
    if isinstance(shape, Tensor):
        if shape.dtype.name not in _INTS or len(shape.shape) != 1:
            return None
        return ShapeInput(tf.cast(shape, tf.int32))
    # [tf.shape(x)[0], 3, 1]: each entry an integer scalar tensor or a Python int.
    if any(isinstance(d, Tensor) and (d.dtype.name not in _INTS or len(d.shape) != 0)
           for d in shape):
        return None
    entries = [tf.cast(d, tf.int32) if isinstance(d, Tensor) else tf.constant(d, tf.int32)
               for d in shape]
    return ShapeInput(tf.stack(entries))


_attrs.set_shape_tensor_handler(_shape_tensor_handler)


def _graph_shape(t):
    """Stage 2's ``shape_of`` here (the gradient rules ask it for their inputs'
    shapes): a symbolic tensor with sizes known only when its graph runs gets
    them from the graph; any other tensor's shape is its tuple of ints."""
    static = getattr(t, "_graph_value", None)     # a symbolic tensor's graph Value
    if static is None or None not in static.shape:
        return t._value.shape
    return sizes_from_the_graph(t, static.shape)


def sizes_from_the_graph(t, static):
    """``t``'s shape with each unknown (None) size of ``static`` replaced by the
    scalar tensor ``tf.shape(t)[i]``: a gradient rule traced with it computes its
    shapes when the graph runs, so one trace serves every batch size.

    >>> import stage5_gpu as tf
    >>> from stage5_gpu.shape_inputs import sizes_from_the_graph
    >>> @tf.function(input_signature=[tf.TensorSpec([None, 3])])
    ... def f(x):
    ...     batch, three = sizes_from_the_graph(x, (None, 3))
    ...     return batch * three
    >>> int(f(tf.ones([5, 3])))
    15
    """
    sizes = tf.shape(t)
    return tuple(sizes[i] if d is None else d for i, d in enumerate(static))


set_shape_reader(_graph_shape)


def as_inputs(op, inputs, attrs):
    """``op``'s call with its ShapeInput attrs moved to inputs: returns the twin op,
    the inputs with the shape tensors appended, and the remaining attrs."""
    names = tuple(sorted(name for name, value in attrs.items()
                         if isinstance(value, ShapeInput)))
    twin = _twin(op, names)
    shapes = tuple(attrs[name].tensor for name in names)
    rest = {name: value for name, value in attrs.items() if name not in names}
    return twin, tuple(inputs) + shapes, rest


_TWINS = {}                 # (op name, attr names) -> the twin op


def _twin(op, names):
    """The op that runs ``op``'s kernel with the attrs ``names`` read from its
    last inputs (made once per op and set of names, with its gradient rule)."""
    key = (op.name, names)
    twin = _TWINS.get(key)
    if twin is not None:
        return twin
    if op.variadic:
        raise NotImplementedError("%s: a shape from the graph for a variadic op" % op.name)
    count = len(names)

    def resolved(attrs, shapes):
        """``attrs`` with each of ``names`` set from its shape array."""
        attrs = dict(attrs)
        for name, shape in zip(names, shapes):
            attrs[name] = tuple(int(d) for d in shape.reshape(-1).tolist())   # NumPy or CuPy
        return attrs
    base_dtypes = dict(op.input_dtypes)
    base_dtypes.update({name: _INT_DTYPES for name in names})
    # One twin per op and set of attrs (Slice's begin alone, or begin and size):
    # "ReshapeFromShape", "SliceFromBeginSize".
    name = op.name + "From" + "".join(n.title().replace("_", "") for n in names)
    twin = define_op(name, op.api_name, inputs=op.inputs + names,
                     dtypes=op.dtypes, input_dtypes=base_dtypes,
                     num_outputs=op.num_outputs, stateful=op.stateful,
                     check=None if op.check is None else lambda values, attrs: op.check(
                         values[:-count], resolved(attrs, values[-count:])))

    def with_shapes(base_kernel):
        def kernel(xp, *values, **attrs):
            return base_kernel(xp, *values[:-count], **resolved(attrs, values[-count:]))
        return kernel
    for device, base_kernel in op.kernels.items():     # the base's kernel per device
        twin.kernel(with_shapes(base_kernel), device=device)
    base_gradient = gradient_function(op.name)
    if base_gradient is None:
        no_gradient(twin.name)
    else:
        def gradient(recorded, *grads):
            # The base rule sees the op it knows: its own inputs, and the shape
            # attrs as the example values say (rules read input shapes, not these).
            known = resolved(recorded.attrs, [t._value for t in recorded.inputs[-count:]])
            base = RecordedOp(op.name, recorded.inputs[:-count], recorded.outputs, known)
            base.skip_input_indices = recorded.skip_input_indices
            found = base_gradient(base, *grads)
            found = list(found) if isinstance(found, (list, tuple)) else [found]
            return found + [None] * count
        register_gradient(twin.name, gradient)
    _TWINS[key] = twin
    return twin
