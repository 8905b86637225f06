"""Tracing: running a Python function once to record its graph.

``function`` calls the Python function with *symbolic tensors* in place of its
tensor arguments, inside a ``Tracer``: the dispatcher's ``redirect`` sends every
op to ``Tracer.record``, which appends a node to the graph instead of merely
computing a result. Nothing else changes: the Python function, the layers and
the tape inside it run as they always do, and each op they call becomes a node.

A symbolic tensor still carries an *example* value (computed from the values the
function was first called with), so that Python code that asks for a shape or a
dtype, and every kernel's checks, behave exactly as they do eagerly.

Its *static* shape may say ``None`` for a dimension known only when the graph
runs (a signature's ``TensorSpec([None, 3])``). Which dimensions of an op's
result are unknown? Those that change when an unknown input size changes: a
placeholder with unknown dimensions gets a second example, its *probe*, with
each of those dimensions one longer, every op runs on the probes too, and a
result's dimension that differs between example and probe is ``None``. An op
that refuses the probes shows that the graph holds the example's sizes somewhere
(a Python number made from a shape, a gradient rule's static shape): its result
keeps the example's shape, and ``function`` then traces per exact shape. What a
symbolic tensor refuses is what a graph cannot know before it runs: ``bool()``,
``len()``, iteration and ``.numpy()``. Those raise a teaching error that points
to ``tf.cond`` and ``tf.while_loop``.

>>> import stage5_gpu as tf
>>> from stage5_gpu.tracing import Tracer
>>> with Tracer("square") as tracer:
...     x = tracer.placeholder(tf.constant([1.0, 2.0]))
...     y = x * x
>>> y
<tf.Tensor 'v1' shape=(2,) dtype=float32>
>>> print(tracer.graph)
graph square(x0: float32[2]) -> ()
  v1 = Mul(x0, x0)      # float32[2]
>>> with Tracer("rows") as tracer:
...     x = tracer.placeholder(tf.ones([5, 3]), shape=(None, 3))
...     y = tf.matmul(x, tf.ones([3, 4]))
...     total = tf.reduce_sum(y, axis=0)
>>> y.shape, total.shape
(TensorShape([None, 4]), TensorShape([4]))
"""

import numpy as np

from stage1_tensors import dispatch
from stage1_tensors.convert import op_inputs
from stage1_tensors.errors import InvalidArgumentError, OpError
from stage1_tensors.tensor import Tensor, TensorShape
from stage2_autodiff import nest
from stage2_autodiff.backprop import in_backward_pass
from stage2_autodiff.recording import isolated_tapes
from stage2_autodiff.variables import ReadVariableOp, Variable

from .errors import OperatorNotAllowedInGraphError
from .graph import Graph
from .shape_inputs import ShapeInput, as_inputs

__all__ = ["SymbolicTensor", "Tracer", "current_tracer", "relaxed_shape",
           "keep_forward_results", "keeps_forward_results"]

_ASSIGN_OPS = ("AssignVariableOp", "AssignAddVariableOp", "AssignSubVariableOp")


class SymbolicTensor(Tensor):
    """A tensor of a graph being traced: it stands for a ``Value`` of the graph.

    ``_value`` holds the example array (so shapes, dtypes and kernel checks work
    as eagerly); ``_graph_value`` is the graph Value it stands for; ``shape`` is
    the Value's static shape, where ``None`` marks a dimension that is known only
    when the graph runs.
    """

    __slots__ = ("_graph_value", "_tracer")

    @property
    def shape(self):
        return TensorShape(self._graph_value.shape)

    @property
    def name(self):
        return self._graph_value.name

    @property
    def graph(self):
        return self._tracer.graph

    def _refuse(self, what, advice):
        raise OperatorNotAllowedInGraphError(
            "%s a symbolic tf.Tensor (%s, being traced by tf.function) is not allowed: "
            "its value is known only when the graph runs. %s"
            % (what, self._graph_value.name, advice))

    def numpy(self):
        self._refuse("Calling .numpy() on",
                     "Return the tensor from the function to see its value, or use "
                     "tf.print(x) to print it each time the graph runs.")

    def __array__(self, dtype=None, copy=None):
        self._refuse("Converting to a NumPy array",
                     "Use tf ops on it instead, or tf.numpy_function to run NumPy code.")

    def __bool__(self):
        self._refuse("Using as a Python bool",
                     "A Python `if` or `while` on a tensor runs once, while tracing. "
                     "Write it as tf.cond(pred, true_fn, false_fn) or "
                     "tf.while_loop(cond, body, loop_vars) so the graph decides each run.")

    def __int__(self):
        self._refuse("Using as a Python int", "Keep it a tensor (tf.cast(x, tf.int32)).")

    def __float__(self):
        self._refuse("Using as a Python float", "Keep it a tensor (tf.cast(x, tf.float32)).")

    def __index__(self):
        self._refuse("Using as a Python index", "Index with tf.gather(params, indices).")

    def __len__(self):
        self._refuse("Calling len() on", "Use x.shape[0] (static) or tf.shape(x)[0] "
                     "(when the graph runs).")

    def __iter__(self):
        self._refuse("Iterating over", "Iterate with tf.while_loop, or over "
                     "range(x.shape[0]) when the size is known.")

    def __repr__(self):
        shape = tuple.__repr__(tuple(self._graph_value.shape))
        return "<tf.Tensor '%s' shape=%s dtype=%s>" % (
            self._graph_value.name, shape, self.dtype.name)

    __str__ = __repr__


_new_symbolic = SymbolicTensor.__new__


def current_tracer():
    """The innermost ``Tracer`` recording in this thread, or None.

    >>> from stage5_gpu.tracing import current_tracer
    >>> current_tracer() is None
    True
    """
    handlers = dispatch.active_redirects()
    if handlers and isinstance(handlers[-1], Tracer):
        return handlers[-1]
    return None


# Ops whose results a backward pass takes from the forward pass instead of
# running them again (see ConcreteFunction._drawn in function.py).
_kept_for_the_backward = set()


def keep_forward_results(op_name):
    """Marks a stateful op with a gradient whose results a backward pass that
    replays the graph must take from the forward pass, not compute again: a
    ``py_function`` (its Python runs once per step, as in TensorFlow), a
    ``cond`` or ``while_loop`` whose branches draw random numbers (the
    gradient must be that of the numbers the forward pass drew).

    >>> import stage5_gpu as tf
    >>> f = tf.function(lambda x: tf.py_function(lambda a: a * 2.0, [x], tf.float32))
    >>> node = [n for n in f.get_concrete_function(tf.constant(1.0)).graph.nodes
    ...         if n.kind == "op"][0]
    >>> keeps_forward_results(node.op.name)       # py_function marks its op
    True
    """
    _kept_for_the_backward.add(op_name)


def keeps_forward_results(op_name):
    """True for an op marked with ``keep_forward_results``.

    >>> keeps_forward_results("AddV2")
    False
    """
    return op_name in _kept_for_the_backward


class Tracer:
    """Records the ops that run inside ``with Tracer(name) as tracer:`` into
    ``tracer.graph``. See the module docstring for an example.

    While it records, ops do not run for real: ``record`` appends a node and
    computes only the example result. This thread's tapes from outside are set
    aside (a tape around a function call sees one op, the call); tapes opened
    inside record the symbolic ops, so gradients can be traced too.
    """

    def __init__(self, name, parent=None):
        self.graph = Graph(name)
        # A branch of tf.cond or a loop body is traced by a child tracer: the
        # tensors of the enclosing graph it uses become its *captures*, extra
        # inputs that the enclosing graph feeds it.
        self.parent = parent
        self.captures = []          # (outer symbolic tensor, inner placeholder)
        self._captured = {}
        self._examples = {}         # Value id -> its example array
        self._probes = {}           # Value id -> its probe (see the module docstring)
        self.refusals = []          # ops that refused the probes: sizes baked in
        self._consts = {}           # id of an outside tensor -> (tensor, its Value)
        self._reads = {}            # id of a variable -> its example value now
        self.variables = {}         # id -> every variable the graph reads or assigns
        self._redirect = None
        self._isolation = None

    # --- entering and leaving -------------------------------------------------
    def __enter__(self):
        self._isolation = isolated_tapes()
        self._isolation.__enter__()
        self._redirect = dispatch.redirect(self)
        self._redirect.__enter__()
        return self

    def __exit__(self, *exc):
        self._redirect.__exit__(*exc)
        self._isolation.__exit__(*exc)

    # --- making symbolic tensors -----------------------------------------------
    def _example_of(self, value):
        """The example array of one of this graph's Values (outputs of a trace)."""
        if value.node.kind == "const":
            return value.node.attrs["value"]
        return self._examples[value.id]

    def _symbolic(self, value, example):
        self._examples[value.id] = example
        t = _new_symbolic(SymbolicTensor)
        t._value = example
        t._graph_value = value
        t._tracer = self
        return t

    def placeholder(self, example, shape=None):
        """A new input of the graph; ``example`` (a Tensor or array) gives its dtype
        and example value, ``shape`` its static shape (default: the example's).
        With unknown (None) dimensions it also gets a probe."""
        array = example._value if isinstance(example, Tensor) else np.asarray(example)
        shape = array.shape if shape is None else tuple(shape)
        value = self.graph.placeholder(shape, array.dtype)
        if None in shape:
            # A tensor of an enclosing graph keeps its probe (a cond branch, a
            # loop body), so that its sizes stay in step with the others'.
            outer = (example._tracer._probes.get(example._graph_value.id)
                     if type(example) is SymbolicTensor else None)
            self._probes[value.id] = _probe_for(array, shape, outer)
        return self._symbolic(value, array)

    def owns(self, tensor):
        return type(tensor) is SymbolicTensor and tensor._tracer is self

    def value_of(self, tensor):
        """The graph Value that stands for ``tensor``: its own if it is symbolic, a
        read node for a variable, a constant node for any other tensor."""
        if type(tensor) is SymbolicTensor:
            if tensor._tracer is not self and self._encloses(tensor._tracer):
                return self._capture(tensor)._graph_value
            if tensor._tracer is not self:
                raise InvalidArgumentError(
                    "tf.function: the tensor %s belongs to another function's graph "
                    "(an outer function being traced, or one traced earlier); pass it to "
                    "this function as an argument instead of capturing it" % tensor.name)
            return tensor._graph_value
        if isinstance(tensor, Variable):
            return self.read_variable(tensor)._graph_value
        found = self._consts.get(id(tensor))
        if found is None:
            found = (tensor, self.graph.constant(tensor._value))
            self._consts[id(tensor)] = found   # (keeping the tensor keeps its id unique)
        return found[1]

    def set_outputs(self, result):
        """Makes the tensors in ``result`` (any nest) the graph's outputs. Returns,
        per leaf of ``result``, ``(True, None)`` for a tensor and ``(False, leaf)``
        for a Python value, which a call returns as it is."""
        outputs, is_tensor = [], []
        for leaf in nest.flatten(result):
            if isinstance(leaf, Tensor):
                outputs.append(self.value_of(leaf))
                is_tensor.append((True, None))
            else:
                is_tensor.append((False, leaf))
        self.graph.outputs = outputs
        return is_tensor

    def _encloses(self, tracer):
        parent = self.parent
        while parent is not None:
            if parent is tracer:
                return True
            parent = parent.parent
        return False

    def _capture(self, outer):
        found = self._captured.get(id(outer))
        if found is None:
            found = self.placeholder(outer._value, tuple(outer.shape))
            self._captured[id(outer)] = found
            self.captures.append((outer, found))
        return found

    def read_variable(self, variable):
        """Records a read of ``variable``: the graph reads its value when it runs."""
        key = id(variable)
        self.variables[key] = variable
        example = self._reads.get(key, variable._value)
        value = self.graph.add_node("read", None, [], {"variable": variable},
                                    [(example.shape, example.dtype)])[0]
        result = self._symbolic(value, example)
        # Tapes opened inside the function see the read as eagerly (a read of
        # the variable), so their gradients reach the variable.
        dispatch.notify_observers(ReadVariableOp, (variable,), None, {}, result)
        return result

    # --- the redirect: one call per op --------------------------------------------
    def __call__(self, op, inputs, attrs):
        for value in attrs.values():
            if type(value) is ShapeInput:      # a shape the graph computes: an input
                op, inputs, attrs = as_inputs(op, inputs, attrs)
                break
        return self.record(op, inputs, attrs)

    def record(self, op, inputs, attrs, given=None, given_shapes=None):
        """What an op call means while tracing: append a node, return symbolic
        output(s) carrying example values. ``given`` lists the example results
        instead of running the kernel (for ops whose kernel has side effects:
        ``tf.print``, ``cond``, ``while_loop``), ``given_shapes`` their static
        shapes (default: the examples')."""
        if op.name in _ASSIGN_OPS:
            return self._record_assign(op, inputs)
        flat = list(inputs[0]) if op.variadic else list(inputs)
        # A variable is read where it is used, so a read after an assign in
        # the same function sees the assigned value, as in TensorFlow.
        flat = [self.read_variable(x) if isinstance(x, Variable) else x for x in flat]
        # Conversion, the dtype contract and the op's checks run on the example
        # values now: a bad call fails while tracing, with the eager message.
        _, examples = op_inputs(op, (flat,) if op.variadic else tuple(flat))
        if op.check is not None:
            op.check(examples, attrs)
        results = self._example_results(op, examples, attrs) if given is None else given
        node_inputs = [self.value_of(x) if isinstance(x, Tensor)
                       else self.graph.constant(array)
                       for x, array in zip(flat, examples)]
        shapes, probes = self._static_shapes(op, node_inputs, examples, attrs, results,
                                             given, given_shapes)
        values = self.graph.add_op(op, node_inputs, dict(attrs),
                                   [(shape, r.dtype) for shape, r in zip(shapes, results)])
        if probes is not None:
            self._probes.update((v.id, p) for v, p in zip(values, probes) if p is not None)
        outputs = [self._symbolic(v, r) for v, r in zip(values, results)]
        result = outputs[0] if op.num_outputs is None else outputs
        tensors = tuple(x if isinstance(x, Tensor) else self._symbolic(v, a)
                        for x, v, a in zip(flat, node_inputs, examples))
        dispatch.notify_observers(op, ([*tensors],) if op.variadic else tensors,
                                  examples, attrs, result)
        return result

    def _static_shapes(self, op, node_inputs, examples, attrs, results, given,
                       given_shapes):
        """The results' static shapes and probes (None when no input has one):
        a dimension is None where the probe's result differs from the example's."""
        if given is not None:       # the op's own code says (cond, while_loop)
            shapes = [r.shape for r in results] if given_shapes is None else given_shapes
            return shapes, [_probe_for(r, s) if None in tuple(s) else None
                            for r, s in zip(results, shapes)]
        probes = [self._probes.get(v.id) for v in node_inputs]
        if all(p is None for p in probes):
            if self._probes and in_backward_pass() and any(r.ndim for r in results):
                # A gradient rule made an array from no unknown-sized input: from a
                # static shape, perhaps (Sum's rule broadcasts to its input's
                # example shape), which nothing downstream may reveal. Count it as
                # a refusal: the graph is traced per exact shape instead.
                self.refusals.append(op.name)
            return [r.shape for r in results], None
        try:
            probed = self._example_results(
                op, [e if p is None else p for e, p in zip(examples, probes)], attrs)
        except Exception:           # the op refuses the probes: keep what is known
            self.refusals.append(op.name)
            return [r.shape for r in results], None
        shapes = []
        for r, p in zip(results, probed):
            relaxed = relaxed_shape(r.shape, p.shape)
            shapes.append(r.shape if relaxed is None else relaxed)   # ranks differ: keep r's
        return shapes, probed

    def _example_results(self, op, examples, attrs):
        kernel = op.kernels["CPU"]
        try:
            with np.errstate(all="ignore"):
                out = kernel(np, *examples, **attrs)
        except OpError:
            raise
        except Exception as error:
            raise dispatch.kernel_error(op, examples, attrs, error) from None
        return [out] if op.num_outputs is None else list(out)

    def _record_assign(self, op, inputs):
        variable, value = inputs
        key = id(variable)
        self.variables[key] = variable
        node_input = self.value_of(value)
        old = self._reads.get(key, variable._value)
        self._reads[key] = op.kernels["CPU"](np, old, value._value)
        self.graph.add_node("assign", op, [node_input], {"variable": variable}, [])
        return None


def relaxed_shape(a, b):
    """The most specific shape that describes both ``a`` and ``b``: dimensions
    that differ become None; None (the rank unknown) when their ranks differ.

    >>> from stage5_gpu.tracing import relaxed_shape
    >>> relaxed_shape((5, 3), (6, 3)), relaxed_shape((5,), (5, 1))
    ((None, 3), None)
    """
    if a is None or b is None or len(a) != len(b):
        return None
    return tuple(x if x == y else None for x, y in zip(a, b))


def _probe_for(array, shape, start=None):
    """The probe of ``array`` whose static ``shape`` has unknown (None)
    dimensions: each of those one longer than the example's, its last slice
    repeated (values stay realistic: labels, indices), zeros where it was empty.
    ``start``: a probe already made (an enclosing graph's), extended where it
    still has the example's size.

    >>> import numpy as np
    >>> from stage5_gpu.tracing import _probe_for
    >>> _probe_for(np.array([[1, 2], [3, 4]]), (None, 2))
    array([[1, 2],
           [3, 4],
           [3, 4]])
    """
    probe = array if start is None or np.ndim(start) != np.ndim(array) else start
    for axis, dim in enumerate(shape):
        if dim is not None or probe.shape[axis] != array.shape[axis]:
            continue
        size = probe.shape[axis]
        if size:
            probe = np.concatenate([probe, np.take(probe, [size - 1], axis=axis)], axis=axis)
        else:
            probe = np.zeros(probe.shape[:axis] + (1,) + probe.shape[axis + 1:], probe.dtype)
    return probe
