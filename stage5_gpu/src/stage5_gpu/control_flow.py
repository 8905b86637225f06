"""Control flow that a graph decides each run: ``cond``, ``case``, ``while_loop``.

A Python ``if`` on a tensor is decided once, while tracing. ``tf.cond`` is
decided by the graph each time it runs: both branches are traced, each into a
graph of its own (a *branch*), and one node of the enclosing graph, an ``If``,
runs the branch the predicate picks. A branch uses tensors of the enclosing
graph by *capturing* them: they become extra inputs of the ``If``.

Eagerly (a predicate with a value), ``cond`` simply calls the branch it picks,
and ``while_loop`` is a Python loop: there is nothing to decide later.

>>> import stage5_gpu as tf
>>> @tf.function
... def safe_sqrt(x):
...     return tf.cond(x > 0, lambda: tf.sqrt(x), lambda: tf.zeros_like(x))
>>> float(safe_sqrt(tf.constant(9.0))), float(safe_sqrt(tf.constant(-1.0)))
(3.0, 0.0)
>>> safe_sqrt.experimental_get_tracing_count()
1
"""

import itertools
import weakref

import numpy as np

from stage1_tensors import dtypes as _dtypes
from stage1_tensors.convert import convert_to_tensor
from stage1_tensors.errors import InvalidArgumentError
from stage1_tensors.registry import define_op
from stage1_tensors.tensor import Tensor, TensorShape
from stage2_autodiff import nest
from stage2_autodiff.registry import is_differentiable, register_gradient

from .tracing import SymbolicTensor, current_tracer, keep_forward_results, relaxed_shape

__all__ = ["cond", "case", "while_loop"]

_counter = itertools.count(1)


def _is_symbolic(x):
    return type(x) is SymbolicTensor


def _dispatch_op(name, n_inputs, n_outputs):
    names = ["in%d" % i for i in range(n_inputs)]
    return define_op("%s_%d" % (name, next(_counter)), name.lower(), inputs=names,
                     dtypes=_dtypes.ALL_NUMPY, input_dtypes={n: _dtypes.ALL_NUMPY for n in names},
                     num_outputs=n_outputs, stateful=True)


def _check_same_outputs(a, b, what):
    dtypes_a = [x.dtype for x in a.output_examples]
    dtypes_b = [x.dtype for x in b.output_examples]
    mask_a = [t for t, _ in a._output_is_tensor]
    mask_b = [t for t, _ in b._output_is_tensor]
    if dtypes_a != dtypes_b or mask_a != mask_b:
        raise TypeError(
            "%s: the two branches must return the same structure of tensors with the same "
            "dtypes; true_fn returned %s, false_fn returned %s"
            % (what, [d.name for d in dtypes_a], [d.name for d in dtypes_b]))


def _refuse_redrawing(who, functions):
    """The backward pass of a branch or loop body replays its graph, so random
    numbers drawn in it would be drawn again, and the gradient would belong to
    other numbers. ``function``, ``cond`` and a loop's body hand the forward
    pass's draws to their backward passes; a loop's condition does not (its
    draws are not stacked), so it refuses."""
    drawing = sorted({v.node.op.name for cf in functions for v in cf._drawn
                      if not is_differentiable(v.node.op.name)})
    if drawing:
        raise NotImplementedError(
            "%s: gradients through a branch or loop body that draws random numbers (%s) "
            "are not implemented: the backward pass would draw new ones and give the "
            "gradient of other numbers. Draw them before the %s and use them inside it "
            "(noise = tf.random.uniform(shape) outside, x * noise inside)"
            % (who, ", ".join(drawing), who))


# --- cond ---------------------------------------------------------------------------

def cond(pred, true_fn=None, false_fn=None, name=None):
    """``true_fn()`` if ``pred`` else ``false_fn()``, decided when the graph runs.

    Both functions take no arguments and return the same structure of tensors
    (same dtypes). Gradients flow through the branch that ran.

    >>> import stage5_gpu as tf
    >>> x = tf.constant(2.0)
    >>> tf.cond(x < 3.0, lambda: x * 10.0, lambda: x)      # eager: just picks
    tf.Tensor(20.0, shape=(), dtype=float32)
    """
    if not callable(true_fn) or not callable(false_fn):
        raise TypeError("cond: true_fn and false_fn must be callables taking no arguments, "
                        "e.g. tf.cond(x > 0, lambda: x, lambda: -x)")
    if not _is_symbolic(pred):
        return true_fn() if bool(_scalar_pred(pred, "cond")) else false_fn()
    from .function import trace_subfunction
    if pred.dtype != _dtypes.bool or pred.shape.rank != 0:
        raise ValueError("cond: pred must be a scalar bool tensor, got %r" % (pred,))
    true_cf, true_caps = trace_subfunction(true_fn, [], "cond_true")
    false_cf, false_caps = trace_subfunction(false_fn, [], "cond_false")
    _check_same_outputs(true_cf, false_cf, "cond")
    return _if_node(pred, true_cf, true_caps, false_cf, false_caps)


def _scalar_pred(pred, who):
    pred = convert_to_tensor(pred) if not isinstance(pred, (bool, np.bool_)) else pred
    if isinstance(pred, Tensor) and pred.shape.rank != 0:
        raise ValueError("%s: pred must be a scalar, got shape %s" % (who, pred.shape))
    return pred


def _if_node(pred, true_cf, true_caps, false_cf, false_caps):
    """Records the ``If`` node that runs one of two branch functions."""
    # The If's inputs: the predicate, every captured tensor (once), every variable.
    inputs, index = [], {}
    for t in true_caps + false_caps:
        if id(t) not in index:
            index[id(t)] = len(inputs)
            inputs.append(t)
    variables = list({id(v): v for v in true_cf.variables + false_cf.variables}.values())
    true_feed = [index[id(t)] for t in true_caps]
    false_feed = [index[id(t)] for t in false_caps]
    n_out = len(true_cf.graph.outputs)
    # What the branches' stateful ops drew (random numbers, a py_function's
    # results): the If returns them too, after its outputs (zeros for the
    # branch that did not run), and its gradient hands them to the branch's
    # backward pass, which must not draw new ones.
    n_true, n_false = len(true_cf._drawn), len(false_cf._drawn)
    op = _dispatch_op("If", 1 + len(inputs) + len(variables), n_out + n_true + n_false)
    if n_true or n_false:
        keep_forward_results(op.name)

    @op.kernel
    def _if(xp, pred_value, *values):
        if pred_value:
            results = true_cf._taped_schedule.run([values[i] for i in true_feed])
            return results + _nothing_drawn(xp, false_cf)
        results = false_cf._taped_schedule.run([values[i] for i in false_feed])
        return results[:n_out] + _nothing_drawn(xp, true_cf) + results[n_out:]

    def _if_gradient(record, *grads):
        outer = list(record.inputs[1:1 + len(inputs)])
        drawn = list(record.outputs[n_out:])
        drawn_by = {id(true_cf): drawn[:n_true], id(false_cf): drawn[n_true:]}
        grads = grads[:n_out]

        def branch_grad(cf, feed):
            def run():
                got = cf._backward_function()([outer[i] for i in feed], list(grads),
                                              drawn_by[id(cf)])
                by_input = [None] * len(inputs)
                for i, g in zip(feed, got[:len(feed)]):
                    by_input[i] = g
                by_var = dict(zip((id(v) for v in cf.variables), got[len(feed):]))
                flat = by_input + [by_var.get(id(v)) for v in variables]
                # Both branches must give tensors in the same places: a branch
                # that does not use an input gives zeros for it.
                return [_zeros_if_none(g, x) for g, x in zip(flat, outer + variables)]
            return run
        result = cond(record.inputs[0], branch_grad(true_cf, true_feed),
                      branch_grad(false_cf, false_feed))
        return (None,) + tuple(result)
    register_gradient(op.name, _if_gradient)

    tracer = current_tracer()
    chosen = true_cf if bool(pred._value) else false_cf
    # Static shapes: what both branches agree on (a dimension either leaves
    # unknown, or where they differ, is None).
    shapes = [relaxed_shape(t.shape, f.shape) or tuple(t.shape)   # ranks differ: true's
              for t, f in zip(true_cf.graph.outputs, false_cf.graph.outputs)]
    given = chosen.output_examples + true_cf.drawn_examples + false_cf.drawn_examples
    shapes += [v.shape for v in true_cf._drawn + false_cf._drawn]
    outs = tracer.record(op, (pred, *inputs, *variables), {}, given=given,
                         given_shapes=shapes)
    outs = outs if isinstance(outs, list) else [outs]
    return true_cf._pack(outs[:n_out])


def _nothing_drawn(xp, branch):
    """Zeros in place of what ``branch`` draws, when it did not run (shaped as
    in its trace: the gradient traces that branch's backward pass on them,
    but never runs it)."""
    return [xp.zeros(e.shape, e.dtype) for e in branch.drawn_examples]


def _zeros_if_none(g, x):
    """``g``, or zeros like ``x`` where a branch gives no gradient (None stays None
    for a non-float input, which has no gradient in either branch)."""
    if g is not None or not x.dtype.is_floating:
        return g
    from stage1_tensors import zeros_like
    return zeros_like(x)


# --- case ---------------------------------------------------------------------------

def case(pred_fn_pairs, default=None, exclusive=False, strict=False, name="case"):
    """The function of the first ``(pred, fn)`` pair whose ``pred`` is true, else
    ``default()``: a chain of ``cond``.

    >>> import stage5_gpu as tf
    >>> x = tf.constant(5)
    >>> int(tf.case([(x < 0, lambda: tf.constant(-1)), (x > 3, lambda: tf.constant(1))],
    ...             default=lambda: tf.constant(0)))
    1
    """
    pairs = list(pred_fn_pairs.items() if isinstance(pred_fn_pairs, dict) else pred_fn_pairs)
    if default is None:
        if not pairs:
            raise ValueError("case: give at least one (pred, fn) pair or a default")
        *pairs, (_, default) = pairs
    if exclusive and not any(_is_symbolic(p) for p, _ in pairs):
        hits = sum(bool(_scalar_pred(p, "case")) for p, _ in pairs)
        if hits > 1:
            raise ValueError("case: exclusive=True, but %d predicates are true" % hits)
    result = default
    for pred, fn in reversed(pairs):
        result = (lambda p, f, rest: lambda: cond(p, f, rest))(pred, fn, result)
    return result()


# --- while_loop ---------------------------------------------------------------------

def while_loop(cond, body, loop_vars, shape_invariants=None, parallel_iterations=10,
               back_prop=True, swap_memory=False, maximum_iterations=None, name=None):
    """Repeats ``loop_vars = body(*loop_vars)`` while ``cond(*loop_vars)``;
    returns the final ``loop_vars`` (same structure).

    In a traced function the loop is one node that runs the traced ``cond`` and
    ``body`` as often as the values say. Each loop variable keeps its dtype and
    shape (give ``shape_invariants``, with ``None`` dimensions, to let a shape
    change). ``maximum_iterations`` stops the loop after that many iterations.
    Gradients flow through it: the traced loop keeps each iteration's inputs,
    and its gradient is a loop over them in reverse (``_loop_backward``).

    >>> import stage5_gpu as tf
    >>> i, s = tf.while_loop(lambda i, s: i < 5, lambda i, s: (i + 1, s + i),
    ...                      (tf.constant(0), tf.constant(0)))
    >>> int(i), int(s)
    (5, 10)
    """
    if not callable(cond) or not callable(body):
        raise TypeError("while_loop: cond and body must be callables taking the loop "
                        "variables, e.g. tf.while_loop(lambda i: i < 10, lambda i: i + 1, [i])")
    structure = loop_vars
    flat = [convert_to_tensor(x) if not isinstance(x, Tensor) else x
            for x in nest.flatten(loop_vars)]
    if maximum_iterations is not None:
        maximum_iterations = convert_to_tensor(maximum_iterations)
    if current_tracer() is None:        # eager: a Python loop
        return _eager_loop(cond, body, structure, flat, maximum_iterations)
    return _while_node(cond, body, structure, flat, shape_invariants, maximum_iterations,
                       back_prop)


def _call(fn, structure, flat):
    args = nest.pack_sequence_as(structure, list(flat))
    return fn(*args) if isinstance(structure, (list, tuple)) else fn(args)


def _eager_loop(cond, body, structure, flat, maximum_iterations):
    count = 0
    while maximum_iterations is None or count < int(maximum_iterations):
        if not bool(_call(cond, structure, flat)):
            break
        new = [convert_to_tensor(x) if not isinstance(x, Tensor) else x
               for x in nest.flatten(_call(body, structure, flat))]
        _check_loop_vars(_types(flat), _types(new), None)
        flat = new
        count += 1
    return nest.pack_sequence_as(structure, flat)


def _types(tensors):
    return [(t.dtype, tuple(t.shape)) for t in tensors]


def _check_loop_vars(before, after, invariants):
    """``before`` and ``after``: (dtype, shape) per loop variable, entering the
    loop and after one iteration; ``invariants``: the allowed shapes (or None)."""
    if len(before) != len(after):
        raise ValueError("while_loop: body returned %d loop variables, but the loop has %d; "
                         "body must return the same structure as loop_vars"
                         % (len(after), len(before)))
    for i, ((a_dtype, a_shape), (b_dtype, b_shape)) in enumerate(zip(before, after)):
        if a_dtype != b_dtype:
            raise TypeError("while_loop: loop variable %d enters the loop as %s but body "
                            "returns %s; keep each loop variable's dtype"
                            % (i, a_dtype.name, b_dtype.name))
        allowed = a_shape if invariants is None else invariants[i]
        if allowed is not None and (len(allowed) != len(b_shape) or any(
                x is not None and x != y for x, y in zip(allowed, b_shape))):
            raise ValueError(
                "while_loop: loop variable %d enters the loop with shape %s, but has shape %s "
                "after one iteration. To allow the shape to vary across iterations, use the "
                "`shape_invariants` argument of tf.while_loop to specify a less-specific shape"
                % (i, allowed, b_shape))


def _while_node(cond, body, structure, flat, shape_invariants, maximum_iterations,
                back_prop=True):
    from .function import trace_subfunction
    invariants = None if shape_invariants is None else _shapes_in(shape_invariants)
    if invariants is not None and len(invariants) != len(flat):
        raise ValueError("while_loop: shape_invariants gives %d shape(s) for %d loop "
                         "variable(s); give one per loop variable, in the structure of "
                         "loop_vars" % (len(invariants), len(flat)))
    shapes = invariants if invariants is not None else [tuple(x.shape) for x in flat]
    cond_cf, cond_caps = trace_subfunction(
        lambda *xs: _call(cond, structure, xs), flat, "while_cond", shapes)
    body_cf, body_caps = trace_subfunction(
        lambda *xs: nest.flatten(_call(body, structure, xs)), flat, "while_body", shapes)
    if len(cond_cf.output_examples) != 1 or cond_cf.output_examples[0].dtype != np.bool_:
        raise TypeError("while_loop: cond must return one scalar bool tensor")
    body_out = [(_dtypes.from_numpy(e.dtype), tuple(e.shape))
                for e in body_cf.output_examples]
    _check_loop_vars(_types(flat), body_out, shapes)
    inputs, index = [], {}
    for t in cond_caps + body_caps:
        if id(t) not in index:
            index[id(t)] = len(inputs)
            inputs.append(t)
    variables = list({id(v): v for v in cond_cf.variables + body_cf.variables}.values())
    n = len(flat)
    cond_feed = [index[id(t)] for t in cond_caps]
    body_feed = [index[id(t)] for t in body_caps]
    limit = [] if maximum_iterations is None else [maximum_iterations]
    # For gradients the loop also returns its iteration count and, per loop
    # variable, the stack of the values it entered each iteration with (TF keeps
    # the same "accumulators"): the backward loop walks them in reverse. A loop
    # whose shapes may change (shape_invariants) cannot stack them.
    keep_history = back_prop and invariants is None
    # What the body's stateful ops drew, stacked per iteration like the loop
    # variables: the backward loop hands each iteration's draws to the body's
    # backward pass.
    n_drawn = len(body_cf._drawn) if keep_history else 0
    n_extra = 1 + n + n_drawn if keep_history else 0
    op = _dispatch_op("While", n + len(limit) + len(inputs) + len(variables), n + n_extra)
    if n_drawn:
        keep_forward_results(op.name)

    @op.kernel
    def _while(xp, *values):
        state = list(values[:n])
        extra = values[n + len(limit):]
        most = int(values[n]) if limit else None
        history, draws = [], []
        body = body_cf._taped_schedule if n_drawn else body_cf._schedule
        while most is None or len(history) < most:
            if not cond_cf._schedule.run(state + [extra[i] for i in cond_feed])[0]:
                break
            history.append(state)
            results = body.run(state + [extra[i] for i in body_feed])
            state, drawn = results[:n], results[n:]
            draws.append(drawn)
        if not keep_history:
            return state
        # The stacks keep at least one row (the final values when the loop never
        # ran), so the backward loop's body can always be traced on them; the
        # count says how many rows are real.
        stacks = [xp.stack([h[i] for h in history] or [state[i]]) for i in range(n)]
        drawn_stacks = [_stacked([d[i] for d in draws], xp, body_cf.drawn_examples[i])
                        for i in range(n_drawn)]
        return state + [xp.asarray(len(history), dtype=xp.int32)] + stacks + drawn_stacks

    def _while_gradient(record, *grads):
        _refuse_redrawing("while_loop", [cond_cf])
        if not keep_history:
            raise NotImplementedError(
                "while_loop: gradients through a traced tf.while_loop whose loop variables "
                "may change shape (shape_invariants) are not implemented, nor with "
                "back_prop=False; keep the shapes fixed, or unroll a Python loop over a "
                "fixed range")
        outer = list(record.inputs)
        captured = outer[n + len(limit):n + len(limit) + len(inputs)]
        history = record.outputs[n + 1:n + 1 + n]
        return _loop_backward(body_cf, body_feed, captured, variables, n, len(limit),
                              record.outputs[n], history, grads[:n],
                              grads[n + 1:n + 1 + n], record.outputs[n + 1 + n:])
    register_gradient(op.name, _while_gradient)
    tracer = current_tracer()
    # Example results: the loop variables' own examples (their dtypes and, unless
    # shape_invariants relax them, shapes are the loop's results'); for the
    # history, one iteration's worth.
    # Static shapes: the loop variables' (or their invariants); a history stack
    # has one row per iteration, a number known only when the loop has run.
    given = [x._value for x in flat]
    given_shapes = [tuple(s) if s is not None else tuple(x._value.shape)
                    for s, x in zip(shapes, flat)]
    if keep_history:
        given += [np.asarray(1, np.int32)] + [np.stack([x._value]) for x in flat]
        given_shapes += [()] + [(None,) + s for s in given_shapes[:n]]
        given += [np.stack([e]) for e in body_cf.drawn_examples[:n_drawn]]
        given_shapes += [(None,) + v.shape for v in body_cf._drawn[:n_drawn]]
    outs = tracer.record(op, (*flat, *limit, *inputs, *variables), {}, given=given,
                         given_shapes=given_shapes)
    outs = outs if isinstance(outs, list) else [outs]
    return nest.pack_sequence_as(structure, outs[:n])


def _loop_backward(body_cf, body_feed, captured, variables, n, n_limit, count, history,
                   upstream, history_grads, drawn=()):
    """The gradient of a ``While`` node: a loop that runs the body's backward
    function over the iterations in reverse order.

    Iteration ``k`` took the loop variables from ``history[.][k]`` to the next
    values; given the gradient of those next values, the body's backward
    function gives the gradient of ``history[.][k]`` (carried on to iteration
    ``k - 1``), of the tensors the body captured and of the variables it read
    (both summed over the iterations). Where something used the history itself
    (a second-order gradient does), its gradient joins the row it belongs to.
    ``drawn`` stacks what the body's stateful ops drew, one row per iteration.
    """
    from stage1_tensors import gather, maximum, zeros_like
    body_backward = body_cf._backward_function()
    body_captures = [captured[i] for i in body_feed]
    body_vars = body_cf.variables

    def floating(x):
        return x.dtype.is_floating

    def step(k, carried, cap_sums, var_sums):
        row = maximum(k, 0)     # k >= 0 whenever this runs; max keeps tracing safe
        state_k = [gather(h, row) for h in history]
        got = body_backward(state_k + body_captures, list(carried),
                            [gather(d, row) for d in drawn])
        got = [zeros_like(x) if g is None else g
               for g, x in zip(got, state_k + body_captures + list(body_vars))]
        # An int loop variable has no gradient; it carries zeros of its dtype.
        carried = [g + gather(gh, row) if floating(x) else c
                   for g, gh, x, c in zip(got[:n], history_grads, state_k, carried)]
        cap_sums = [s + g for s, g in zip(cap_sums, got[n:n + len(body_captures)])]
        var_sums = [s + g for s, g in zip(var_sums, got[n + len(body_captures):])]
        return k - 1, carried, cap_sums, var_sums

    start = (count - 1, list(upstream), [zeros_like(c) for c in body_captures],
             [zeros_like(v) for v in body_vars])
    _, carried, cap_sums, var_sums = while_loop(
        lambda k, *rest: k >= 0, step, start)
    # One gradient per input of the While node: loop variables, the limit,
    # the captured tensors (cond's captures get none), the variables.
    by_capture = [None] * len(captured)
    for i, g in zip(body_feed, cap_sums):
        by_capture[i] = g if floating(captured[i]) else None
    grads_by_var = {id(v): g for v, g in zip(body_vars, var_sums)}
    loop_grads = [g if floating(h) else None for g, h in zip(carried, history)]
    return tuple(loop_grads + [None] * n_limit + by_capture +
                 [grads_by_var.get(id(v)) for v in variables])


def _stacked(rows, xp, example):
    """One iteration's draws per row (the example's zeros when the loop never
    ran). Scalar int64 rows are a py_function's tokens (see py_func.py): the
    stack keeps them alive, so the tapes they name stay while it does."""
    if not rows:
        return xp.stack([xp.zeros(example.shape, example.dtype)])
    try:
        stack = xp.stack(rows)
    except ValueError:
        raise InvalidArgumentError(
            "while_loop: the body drew values of different shapes in different "
            "iterations (%s); a gradient needs them stacked, one row per iteration. "
            "Draw values of one shape per iteration" % sorted({r.shape for r in rows}),
            op="while_loop") from None
    if stack.dtype == np.int64 and stack.ndim == 1:
        weakref.finalize(stack, rows.clear)     # holds rows until the stack dies
    return stack


def _shapes_in(invariants):
    """The shapes in ``invariants`` (nested like ``loop_vars``), in order, each a
    tuple with None for a size that may change (or None: any shape). A
    ``TensorShape``, or a flat list of ints and Nones, is one shape, not a
    sequence to flatten (``nest.flatten`` would take its sizes apart).

    >>> import stage5_gpu as tf
    >>> _shapes_in([tf.TensorShape([None]), (2, None)])
    [(None,), (2, None)]
    """
    if invariants is None:
        return [None]
    if isinstance(invariants, TensorShape):
        return [None if invariants.rank is None else tuple(invariants)]
    if _is_shape(invariants):
        return [tuple(invariants)]
    items = [invariants[k] for k in sorted(invariants)] if isinstance(invariants, dict) \
        else list(invariants)
    return [shape for item in items for shape in _shapes_in(item)]


def _is_shape(x):
    return isinstance(x, (list, tuple)) and all(d is None or isinstance(d, int) for d in x) \
        and not any(isinstance(d, (list, tuple)) for d in x)
