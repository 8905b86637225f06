"""Reverse accumulation: turning a recording into gradients.

A tape's records are in the order the ops ran, so walking them *backwards*
visits every op after all the ops that consumed its outputs: by the time we
reach an op, the gradients of its outputs are complete. For each op we call its
gradient function (``fn(op, *output_grads)`` -> one gradient per input) and add
the results into the gradients of its inputs. That is the whole algorithm; it
is a loop, not a recursion, so 10,000-op chains are fine.

Three refinements:

* A forward pass first marks which tensors depend on a source; ops off those
  paths are skipped, unconnected sources get ``None``, and each op learns which
  of its inputs need no gradient (``op.skip_input_indices``).
* The contributions to a tensor used several times are kept in a list and
  summed once (``add_n``) when its own op is reached.
* With ``release=True`` (non-persistent tapes) each record, and each output
  gradient, is dropped as soon as it has been used, so intermediate arrays are
  freed during the backward pass instead of after it.

>>> import stage2_autodiff as tf
>>> x = tf.constant(3.0)
>>> with tf.GradientTape() as tape:
...     tape.watch(x)
...     y = x * x + x          # x is used twice: both contributions add up
>>> print(tape.gradient(y, x))
tf.Tensor(7.0, shape=(), dtype=float32)
"""

import functools
import threading

import numpy as np

from stage1_tensors.backends import backend_of
from stage1_tensors.convert import convert_to_tensor
from stage1_tensors.dispatch import active_redirects, wrap
from stage1_tensors.errors import InvalidArgumentError
from stage1_tensors.ops.array_ops import reshape
from stage1_tensors.ops.binary_ops import add
from stage1_tensors.ops.creation_ops import zeros_like
from stage1_tensors.ops.reduction_ops import add_n
from stage1_tensors.tensor import Tensor

from .gradients._broadcast import shape_of
from .registry import _GRADIENTS, gradient_function

__all__ = ["reverse_accumulate", "zeros_for", "ones_for", "in_backward_pass"]


class _BackwardDepth(threading.local):
    depth = 0           # how many backward passes this thread is inside


_backward = _BackwardDepth()


def in_backward_pass():
    """Whether this thread is computing gradients now: the ops running are a
    gradient rule's. (Stage 5's tracer asks: a rule reads static shapes.)

    >>> from stage2_autodiff.backprop import in_backward_pass
    >>> in_backward_pass()
    False
    """
    return _backward.depth > 0


def _marks_backward_pass(fn):
    """``fn``, counted as a backward pass while it runs (``in_backward_pass``)."""
    @functools.wraps(fn)
    def counted(*args, **kwargs):
        _backward.depth += 1
        try:
            return fn(*args, **kwargs)
        finally:
            _backward.depth -= 1
    return counted


def zeros_for(t):
    """A constant Tensor of zeros with ``t``'s shape, dtype and device."""
    if active_redirects():
        # Being traced (stage 5): ``t``'s value is an example, and the zeros must
        # take the shape ``t`` has when the graph runs, so they are an op.
        return zeros_like(t)
    value = t._value
    if isinstance(value, (np.ndarray, np.generic)):
        return wrap(np.zeros(value.shape, value.dtype))
    return wrap(backend_of(value).xp.zeros_like(value))


def ones_for(t):
    """A constant Tensor of ones with ``t``'s shape, dtype and device."""
    value = t._value
    if isinstance(value, (np.ndarray, np.generic)):
        shape = value.shape         # (np.array(1) is ~5x cheaper than np.ones(()))
        return wrap(np.ones(shape, value.dtype) if shape else np.array(1, value.dtype))
    return wrap(backend_of(value).xp.ones_like(value))


@_marks_backward_pass
def reverse_accumulate(records, seeds, source_ids, release=False):
    """Backpropagates ``seeds`` through ``records``.

    ``records``: RecordedOps in execution order. ``seeds``: {id(tensor): its
    gradient} for the targets. ``source_ids``: ids of the tensors whose
    gradients are wanted. Returns {id: gradient or None} for the sources.
    With ``release``, empties ``records`` as it goes.
    """
    # Forward: which tensors depend on a source, and which ops lie on such paths.
    # Inputs off every such path (the data batch of a layer, say) need no
    # gradient: the op's ``skip_input_indices`` lists them, and expensive rules
    # (matmul, conv2d) skip them.
    reach = set(source_ids)
    on_path = []
    for record in records:
        inputs = record.inputs
        if len(inputs) == 1:                    # (most ops: no tuple to build)
            if id(inputs[0]) not in reach:
                continue
        elif len(inputs) == 2:                  # (binary ops: no loop either)
            if id(inputs[0]) in reach:
                record.skip_input_indices = () if id(inputs[1]) in reach else (1,)
            elif id(inputs[1]) in reach:
                record.skip_input_indices = (0,)
            else:
                continue
        else:
            skip = ()
            for j, x in enumerate(inputs):
                if id(x) not in reach:
                    skip += (j,)
            if len(skip) == len(inputs):
                continue
            record.skip_input_indices = skip    # (always: a persistent tape is asked again)
        on_path.append(record)
        # Only floating-point (and complex) results carry gradients (as in TensorFlow).
        for out in record.outputs:
            if out._value.dtype.kind in "fc":
                reach.add(id(out))
    if release:
        records.clear()

    # The gradient contributions to each tensor: a tensor used once has its
    # gradient here as is (most tensors: no list to make); one used n times
    # gets a list of n, summed in one add_n when its own op is reached.
    grads = {k: g for k, g in seeds.items() if k in reach}
    get_rule = _GRADIENTS.get
    while on_path:
        record = on_path.pop()          # (which also releases it, if asked)
        outputs = record.outputs
        if len(outputs) == 1:                   # the common case
            k = id(outputs[0])
            if k in source_ids:
                g = _take(grads, k, source_ids)
                if g is None:
                    continue
            else:                               # (_take, inlined for speed)
                g = grads.pop(k, None)
                if g is None:
                    continue
                if type(g) is list:
                    g = _sum(g)
            fn = record.grad_fn or get_rule(record.type) or gradient_function(record.type)
            in_grads = fn(record, g)
        else:
            out_grads = _output_grads(outputs, grads, source_ids)
            if out_grads is None:
                continue
            fn = record.grad_fn or get_rule(record.type) or gradient_function(record.type)
            in_grads = fn(record, *out_grads)
        inputs = record.inputs
        if type(in_grads) is not tuple or len(in_grads) != len(inputs):
            in_grads = (in_grads,) if type(in_grads) is Tensor and len(inputs) == 1 \
                else _as_tuple(record, in_grads)
        skip = record.skip_input_indices
        for j, g in enumerate(in_grads):
            if g is None or j in skip:
                continue
            x = inputs[j]
            if type(g) is not Tensor or g._value.shape != x._value.shape:
                g = _checked(record, j, x, g)
            k = id(x)
            earlier = grads.get(k)
            if earlier is None:
                grads[k] = g
            elif type(earlier) is list:
                earlier.append(g)
            else:
                grads[k] = [earlier, g]
    return {k: _take(grads, k, source_ids) for k in source_ids}


def _take(grads, k, source_ids):
    """The total gradient of tensor ``k`` (None if it has none). All its
    contributions are in by now; a source's stays in ``grads`` (it is an
    answer), any other tensor's is released: nothing needs it again."""
    g = grads.get(k) if k in source_ids else grads.pop(k, None)
    if type(g) is list:
        g = _sum(g)
        if k in source_ids:
            grads[k] = g            # (asked again: summed once)
    return g


def _sum(contributions):
    return add(*contributions) if len(contributions) == 2 else add_n(contributions)


def _output_grads(outputs, grads, source_ids):
    """The gradients of a multi-output op's outputs (zeros for those that have
    none, so gradient functions need not test for None), or None if none has one."""
    found = [_take(grads, id(out), source_ids) for out in outputs]
    if all(g is None for g in found):
        return None
    return [zeros_for(o) if g is None else g for o, g in zip(outputs, found)]


def _as_tuple(record, result):
    """A gradient function's result as a tuple with one entry per input, or an
    error naming the op (the loop handles well-formed tuples itself)."""
    inputs = record.inputs
    if result is None or isinstance(result, Tensor):
        result = (result,)
    else:
        try:
            result = tuple(result)
        except TypeError:
            raise InvalidArgumentError(
                "the gradient function of op %s returned %r; it must return one "
                "gradient (a Tensor or None) per input" % (record.type, result),
                op=record.type) from None
    if len(result) != len(inputs):
        raise InvalidArgumentError(
            "the gradient function of op %s returned %d gradient(s), but the op has "
            "%d input(s); return one gradient (or None) per input"
            % (record.type, len(result), len(inputs)), op=record.type)
    return result


def _checked(record, i, x, g):
    """Gradient ``g`` of input ``i`` (``x``) as a Tensor of ``x``'s shape, or an
    error naming the op."""
    if not isinstance(g, Tensor):
        g = convert_to_tensor(g, dtype=x.dtype)
    if g._value.shape != x._value.shape:
        raise InvalidArgumentError(
            "the gradient function of op %s returned a gradient of shape %s "
            "for input %d, which has shape %s; a gradient must have its "
            "input's shape" % (record.type, tuple(g._value.shape), i,
                               tuple(x._value.shape)), op=record.type)
    if g.shape != x.shape:
        # Only while a graph is traced (stage 5) can the shapes agree on the
        # examples but not where sizes are unknown: a rule made the gradient
        # from an example size (a slice of fixed size, say). Reshaping it to
        # x's shape as the graph computes it makes that visible to the tracer
        # (the reshape fails for other sizes) instead of silently wrong.
        g = reshape(g, shape_of(x))
    return g
