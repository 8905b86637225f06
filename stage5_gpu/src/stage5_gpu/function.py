"""``function``: trace a Python function into a graph once per input signature,
then run the graph.

The whole idea fits in ``Function.__call__``:

1. compute the call's *signature* (the shapes and dtypes of its tensor
   arguments, the values of its Python arguments): the cache key;
2. if no concrete function exists for that key, *trace* one: run the Python
   function on symbolic tensors inside a ``Tracer``, which records each op as a
   graph node; optimise the graph; compile it into a schedule;
3. run the concrete function's schedule on the call's arrays.

A concrete function is one op to the dispatcher (TensorFlow names it
``__inference_<name>_<n>``), so a ``GradientTape`` around a call records one op.
Its gradient is another traced function: the forward graph replayed under a
tape, and the tape's gradient, traced together.

>>> import stage5_gpu as tf
>>> @tf.function
... def f(x, y):
...     return tf.reduce_sum(x * y + 1.0)
>>> f(tf.constant([1.0, 2.0]), tf.constant([3.0, 4.0]))
tf.Tensor(13.0, shape=(), dtype=float32)
>>> _ = f(tf.constant([5.0, 6.0]), tf.constant([7.0, 8.0]))   # same signature: no new trace
>>> f.experimental_get_tracing_count()
1
"""

import functools
import itertools
import types
import warnings
import weakref

import numpy as np

from stage1_tensors import dispatch, dtypes as _dtypes
from stage1_tensors.dispatch import execute, notify_observers, wrap
from stage1_tensors.registry import define_op
from stage1_tensors.tensor import Tensor
from stage2_autodiff import nest, variables as _variables
from stage2_autodiff.gradient_tape import GradientTape
from stage2_autodiff.recording import active_tapes
from stage2_autodiff.registry import is_differentiable, register_gradient
from stage2_autodiff.variables import Variable
from stage4_training.data.tensor_spec import TensorSpec, shapes_compatible
from stage4_training.keras import training as _training

from . import passes
from .runner import compile_graph
from .tracing import Tracer, keeps_forward_results, relaxed_shape

__all__ = ["function", "Function", "ConcreteFunction"]

# TensorFlow warns when a function has been traced this many times.
RETRACING_WARNING_THRESHOLD = 5

_counter = itertools.count(1)


# --- signatures: what a trace depends on ---------------------------------------

def _leaf_key(leaf, relaxed=None):
    """The part of the cache key for one argument leaf."""
    if isinstance(leaf, Variable):
        return ("variable", id(leaf))           # captured by reference
    if isinstance(leaf, Tensor):
        shape = tuple(leaf.shape) if relaxed is None else relaxed
        return ("tensor", shape, leaf.dtype.name)
    if isinstance(leaf, TensorSpec):
        return ("tensor", None if leaf.shape is None else tuple(leaf.shape), leaf.dtype.name)
    try:
        hash(leaf)
    except TypeError:
        return ("object", id(leaf))
    return ("python", type(leaf), leaf)


def _is_tensor_leaf(leaf):
    return isinstance(leaf, (Tensor, TensorSpec)) and not isinstance(leaf, Variable)


def _structure_key(structure):
    """The nesting of the arguments (lists, tuples, dict keys), without leaves."""
    if isinstance(structure, dict):
        return ("dict", tuple((k, _structure_key(structure[k])) for k in sorted(structure)))
    if isinstance(structure, (list, tuple)) and not isinstance(structure, Tensor):
        return (type(structure).__name__, tuple(_structure_key(x) for x in structure))
    return "leaf"


def _as_tensors(leaves):
    """NumPy arrays among the arguments are tensors too, as in TensorFlow."""
    return [Tensor(leaf) if isinstance(leaf, np.ndarray) else leaf for leaf in leaves]


# --- the traced function ----------------------------------------------------------

class ConcreteFunction:
    """One trace of a Python function: its graph (optimised), the schedule that
    runs it, and the op that stands for it to the dispatcher and the tape.

    Call it with tensors of its signature. ``graph`` is the optimised graph,
    ``traced_graph`` the graph as traced; ``print(concrete.graph)`` shows it and
    ``concrete.to_dot()`` draws it (Graphviz).
    """

    def __init__(self, name, tracer, structured_outputs, flat_outputs, input_specs,
                 structured_inputs, options):
        self.name = name
        self.traced_graph = tracer.graph
        self.graph = passes.optimize(tracer.graph, **options)
        self.variables = list(tracer.variables.values())
        self.structured_input_signature = structured_inputs
        self.input_specs = input_specs
        # Ops that refused the probes of unknown dimensions (see tracing.py):
        # the graph is right only for the sizes it was traced with.
        self.sized_ops = sorted(set(tracer.refusals))
        self._outputs = structured_outputs  # the Python structure, tensor leaves as slots
        self._output_is_tensor = flat_outputs
        self._schedule = compile_graph(self.graph)
        self._backward = None
        # What stateful ops without a gradient made (random numbers; a
        # numpy_function's result): a backward pass replays the graph, and must
        # use the values the forward pass drew, not draw new ones. So under a
        # tape the call op returns them too, after the outputs, and its
        # gradient hands them on. So are the results of ops marked with
        # tracing.keep_forward_results: a py_function's (with the token of the
        # tape its run kept, so its Python runs once per step), and those of a
        # cond or while_loop whose branches draw.
        self._drawn = [v for node in self.graph.nodes
                       if node.kind == "op" and node.stateful
                       and (not is_differentiable(node.op.name)
                            or keeps_forward_results(node.op.name))
                       for v in node.outputs]
        self._taped_schedule = compile_graph(self.graph, self.graph.outputs + self._drawn) \
            if self._drawn else self._schedule
        n_inputs, n_outputs = len(self.graph.inputs), len(self.graph.outputs)
        # To the dispatcher a concrete function is one op, named as TensorFlow
        # names it; its inputs are the tensor arguments and the variables it uses.
        op_name = "__inference_%s_%d" % (name, next(_counter))
        names = ["arg%d" % i for i in range(n_inputs)] + \
                ["var%d" % i for i in range(len(self.variables))]
        self.op = define_op(op_name, name, inputs=names, dtypes=_dtypes.ALL_NUMPY,
                            input_dtypes={n: _dtypes.ALL_NUMPY for n in names},
                            num_outputs=n_outputs + len(self._drawn), stateful=True)
        self.op.kernel(self._kernel)
        # The gradient is looked up through a weak reference, so a forgotten
        # function does not stay alive because the registry mentions it.
        ref = weakref.ref(self)
        register_gradient(op_name, lambda op, *grads: ref()._gradient(op, grads))

    @property
    def outputs(self):
        """The graph's output Values."""
        return self.graph.outputs

    def __repr__(self):
        return "<ConcreteFunction %s(%s)>" % (self.name, ", ".join(
            repr(s) for s in self.input_specs))

    def pretty_printed_signature(self):
        return "%s(%s)" % (self.name, ", ".join(repr(s) for s in self.input_specs))

    def to_svg(self, optimized=True):
        """The graph drawn as an SVG picture (see ``display.to_svg``)."""
        from .display import to_svg
        return to_svg(self.graph if optimized else self.traced_graph, title=self.name)

    def _repr_svg_(self):           # a notebook shows a concrete function as its graph
        return self.to_svg()

    def to_dot(self, optimized=True):
        """The graph as Graphviz dot text (render it with ``dot -Tsvg``)."""
        from .display import to_dot
        return to_dot(self.graph if optimized else self.traced_graph)

    # --- calling -------------------------------------------------------------------
    def __call__(self, *args, **kwargs):
        flat = _as_tensors(nest.flatten([list(args), kwargs]))
        tensors = [x for x in flat if _is_tensor_leaf(x)]
        if len(tensors) != len(self.input_specs):
            raise TypeError("%s expects %d tensor argument(s) (%s), got %d"
                            % (self.name, len(self.input_specs), self.input_specs, len(tensors)))
        for spec, t in zip(self.input_specs, tensors):
            if not spec.is_compatible_with(t):
                raise TypeError("%s: the argument %r does not match the signature %r"
                                % (self.name, t, spec))
        return self._call_flat(tensors)

    def _kernel(self, xp, *values):
        """The call op's kernel (under a tape): the outputs, then the drawn values."""
        return self._taped_schedule.run(values[:len(self.graph.inputs)])

    def _call_flat(self, tensors):
        """Runs the graph on ``tensors`` (one per input) and returns the structured
        outputs. Inside an outer trace the graph is inlined (its ops recorded into
        the outer graph, assignments included); under a tape the call is one op;
        otherwise the schedule runs directly, with no dispatch at all."""
        if dispatch.active_redirects():
            results = replay(self.graph, tensors, side_effects=True)
        elif active_tapes():
            results = execute(self.op, tuple(tensors) + tuple(self.variables))
            results = results[:len(self.graph.outputs)]
        else:
            arrays = self._schedule.run([t._value for t in tensors])
            results = [wrap(a) for a in arrays]
        return self._pack(results)

    def _pack(self, results):
        results = iter(results)
        leaves = [next(results) if is_tensor else leaf
                  for is_tensor, leaf in self._output_is_tensor]
        return nest.pack_sequence_as(self._outputs, leaves)

    # --- gradients --------------------------------------------------------------
    def _gradient(self, op, grads):
        """The gradient of the call op: the backward function on the call's inputs,
        the gradients of its outputs and the values its stateful ops drew."""
        n, m = len(self.graph.inputs), len(self.graph.outputs)
        return tuple(self._backward_function()(list(op.inputs[:n]), list(grads[:m]),
                                               list(op.outputs[m:])))

    def _backward_function(self):
        """The traced function giving this one's gradients: called with the
        inputs and the outputs' gradients, it returns the gradients of the
        inputs, then of the variables. Made on first use (``cond`` and
        ``while_loop`` call their branches' and bodies' too)."""
        if self._backward is None:
            self._backward = Function(_backward_of(self), name=self.name + "_backward")
        return self._backward


def _backward_of(concrete):
    """The Python function whose trace is ``concrete``'s backward graph: replay
    the forward graph under a tape and take the tape's gradient."""
    def backward(inputs, upstream, drawn=()):
        variables = concrete.variables
        with GradientTape(watch_accessed_variables=False) as tape:
            for x in inputs:
                tape.watch(x)
            for v in variables:
                tape.watch(v)
            outputs = replay(concrete.graph, inputs,
                             drawn=dict(zip((v.id for v in concrete._drawn), drawn)))
        # Floating and complex outputs carry gradients (as on the tape itself).
        carry = [i for i, o in enumerate(outputs) if o.dtype.is_floating or o.dtype.is_complex]
        return tape.gradient([outputs[i] for i in carry], list(inputs) + list(variables),
                             output_gradients=[upstream[i] for i in carry])
    return backward


def replay(graph, inputs, side_effects=False, drawn=None):
    """Runs ``graph`` op by op through the dispatcher (so a tape records it, and a
    trace records it again); returns its outputs as Tensors. Assignments and
    ops that are only a side effect (``tf.print``: no outputs) are replayed
    only with ``side_effects=True``: a backward pass must not repeat the
    forward pass's side effects. ``drawn`` maps Value ids of the results of
    stateful ops without a gradient to the Tensors the forward pass got:
    those ops do not run again.

    >>> import stage5_gpu as tf
    >>> from stage5_gpu.function import replay
    >>> f = tf.function(lambda x: x * 3.0)
    >>> replay(f.get_concrete_function(tf.constant(1.0)).graph, [tf.constant(2.0)])
    [tf.Tensor(6.0, shape=(), dtype=float32)]
    """
    env = {}
    for value, x in zip(graph.inputs, inputs):
        env[value.id] = x
    for node in graph.nodes:
        if node.kind == "const":
            env[node.outputs[0].id] = wrap(node.attrs["value"])
        elif node.kind == "read":
            env[node.outputs[0].id] = node.attrs["variable"]
        elif node.kind == "op":
            if node.op.num_outputs == 0 and not side_effects:
                continue
            args = [env[v.id] for v in node.inputs]
            if drawn and node.outputs[0].id in drawn:
                outs = [drawn[v.id] for v in node.outputs]
                if is_differentiable(node.op.name):
                    # Kept forward results of an op with a gradient (a
                    # py_function, an If or While that draws): not run again,
                    # but the tape must see the op to take its gradient.
                    notify_observers(node.op, tuple(args), None, node.attrs, outs)
            else:
                out = execute(node.op, (args,) if node.op.variadic else tuple(args), node.attrs)
                outs = [out] if node.op.num_outputs is None else out
            for v, o in zip(node.outputs, outs):
                env[v.id] = o
        elif node.kind == "assign" and side_effects:
            variable, value = node.attrs["variable"], env[node.inputs[0].id]
            {"AssignVariableOp": variable.assign, "AssignAddVariableOp": variable.assign_add,
             "AssignSubVariableOp": variable.assign_sub}[node.op.name](value)
    return [env[v.id] for v in graph.outputs]


class Function:
    """A Python function that runs as a graph: made by ``tf.function``.

    Calls with a new signature trace a new ``ConcreteFunction``; calls with a
    known one run its graph. See the module docstring.

    >>> import stage5_gpu as tf
    >>> f = tf.function(lambda x: x * 2)
    >>> isinstance(f, tf.Function), int(f(tf.constant(4)))
    (True, 8)
    """

    def __init__(self, python_function, name=None, input_signature=None,
                 reduce_retracing=False, jit_compile=None, autograph=True,
                 experimental_passes=None):
        if not callable(python_function):
            raise TypeError("tf.function expects a callable, got %r" % (python_function,))
        self._python_function = python_function
        self.__name__ = name or getattr(python_function, "__name__",
                                        type(python_function).__name__)
        if hasattr(python_function, "__name__"):
            functools.update_wrapper(self, python_function, updated=())
        self.input_signature = None if input_signature is None else \
            _checked_signature(input_signature, self.__name__)
        self._reduce_retracing = bool(reduce_retracing)
        self._jit_compile = jit_compile
        self._passes = dict(experimental_passes or {})
        self._cache = {}            # signature key -> ConcreteFunction
        self._relaxed = {}          # structure key -> relaxed shapes (reduce_retracing)
        self._tracing_count = 0
        self._warned = False
        self._exact_shapes = False  # True once a graph held its traced sizes
        self._by_shapes = {}        # the fast path's cache: see __call__
        self._bound = weakref.WeakKeyDictionary()   # instance -> its bound Function

    @property
    def python_function(self):
        return self._python_function

    def experimental_get_tracing_count(self):
        """How many times the Python function has been traced.

        >>> import stage5_gpu as tf
        >>> f = tf.function(lambda x: x + 1)
        >>> _ = f(tf.constant(1)); _ = f(tf.constant(2)); _ = f(tf.constant(1.0))
        >>> f.experimental_get_tracing_count()    # int32, then float32
        2
        """
        return self._tracing_count

    # A decorated method: each instance gets its own Function (and cache), bound.
    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        bound = self._bound.get(instance)
        if bound is None:
            bound = Function(types.MethodType(self._python_function, instance),
                             name=self.__name__, input_signature=self.input_signature,
                             reduce_retracing=self._reduce_retracing,
                             jit_compile=self._jit_compile,
                             experimental_passes=self._passes)
            self._bound[instance] = bound
        return bound

    def __repr__(self):
        return "<tf.function %s: %d trace(s)>" % (self.__name__, self._tracing_count)

    # --- the idea -----------------------------------------------------------------
    def __call__(self, *args, **kwargs):
        # A speed path for the commonest call, plain tensors by position: its
        # key, their shapes and dtypes, is what _concrete_for's would be, read
        # without walking the structure (MLP step: 15 -> 5 µs of overhead a
        # call, 4% of the step). Everything else takes the plain path below.
        fast = self._fast_key(args, kwargs)
        if fast is not None:
            concrete = self._by_shapes.get(fast)
            if concrete is not None:
                return concrete._call_flat(args)
        concrete, tensors = self._concrete_for(args, kwargs)
        if fast is not None:
            self._by_shapes[fast] = concrete
        return concrete._call_flat(tensors)

    def _fast_key(self, args, kwargs):
        """``args``' shapes and dtypes when they are all plain tensors and the cache
        key is only that (no kwargs, no signature or relaxation); else None."""
        if kwargs or self.input_signature is not None or self._reduce_retracing \
                or self._exact_shapes:
            return None
        key = []
        for a in args:
            if type(a) is not Tensor:         # variables, symbolic tensors, Python values
                return None
            key.append(a._value.shape)
            key.append(a._value.dtype)
        return tuple(key)

    def get_concrete_function(self, *args, **kwargs):
        """The concrete function for these arguments (tensors or ``TensorSpec``\\ s),
        traced if needed. Without arguments: the one of ``input_signature``.

        >>> import stage5_gpu as tf
        >>> f = tf.function(lambda x: x + 1)
        >>> f.get_concrete_function(tf.TensorSpec([None], tf.int32))
        <ConcreteFunction <lambda>(TensorSpec(shape=(None,), dtype=tf.int32, name=None))>
        """
        if not args and not kwargs and self.input_signature is not None:
            args = tuple(self.input_signature)
        return self._concrete_for(args, kwargs)[0]

    def _concrete_for(self, args, kwargs):
        """The concrete function for this call (traced if new) and the call's
        tensors, one per graph input."""
        if self.input_signature is not None:
            # One trace for every call: the key is the signature's specs.
            leaves = _bind_to_signature(self.input_signature, args, kwargs, self.__name__)
            structure = [list(self.input_signature), {}]
            key = (_structure_key(structure), tuple(
                _leaf_key(s) for s in nest.flatten(list(self.input_signature))))
            if self._exact_shapes:
                key = (key[0], tuple(_leaf_key(x) for x in leaves))
        else:
            structure = [list(args), kwargs]
            leaves = _as_tensors(nest.flatten(structure))
            key = (_structure_key(structure), tuple(_leaf_key(x) for x in leaves))
        concrete = self._cache.get(key)
        if concrete is None and self._reduce_retracing and not self._exact_shapes:
            key, concrete = self._relaxed_lookup(structure, leaves)
        if concrete is None:
            concrete = self._trace(structure, leaves, key)
            if concrete.sized_ops and _has_unknown_dims(key) and all(
                    isinstance(x, Tensor) for x in leaves if _is_tensor_leaf(x)):
                concrete, key = self._trace_exact(concrete, structure, leaves, key)
            self._cache[key] = concrete
        return concrete, [x for x in leaves if _is_tensor_leaf(x)]

    def _trace_exact(self, general, structure, leaves, key):
        """A graph traced with unknown dimensions that still holds its example's
        sizes (``general.sized_ops``) is wrong for other sizes: from now on this
        function traces once per exact shape, and says so once."""
        self._exact_shapes = True
        warnings.warn(
            "tf.function %s: its graph, traced with unknown dimensions %s, still depends "
            "on the sizes it was traced with (%s used them: a size read from a shape in "
            "Python, a gradient rule that computes with sizes in Python (top_k along "
            "that last dimension, the matrix decompositions' rows and columns), or a "
            "backward op made only from sizes that do not change with it, which the "
            "tracer cannot tell from one that holds them), so it is traced once per "
            "input shape instead. TensorFlow would run one graph for every size. To keep one "
            "graph, take shapes from the graph (tf.shape(x)) where you compute them."
            % (self.__name__, general.input_specs, ", ".join(general.sized_ops)),
            stacklevel=4)
        exact = (key[0], tuple(_leaf_key(x) for x in leaves))
        concrete = self._cache.get(exact)
        if concrete is None:
            concrete = self._trace(structure, leaves, exact)
        return concrete, exact

    def _relaxed_lookup(self, structure, leaves):
        """``reduce_retracing``: a shape that changes becomes None (TF's relaxation),
        so one trace serves every size of that dimension."""
        shapes = [(None if x.shape is None else tuple(x.shape)) if _is_tensor_leaf(x) else None
                  for x in leaves]
        ranks = (_structure_key(structure), tuple(
            ("tensor", None if s is None else len(s), x.dtype.name) if _is_tensor_leaf(x)
            else _leaf_key(x) for x, s in zip(leaves, shapes)))
        seen = self._relaxed.get(ranks)
        relaxed = shapes if seen is None else [relaxed_shape(a, b) for a, b in zip(seen, shapes)]
        self._relaxed[ranks] = relaxed
        key = (_structure_key(structure), tuple(
            _leaf_key(x, r) if _is_tensor_leaf(x) else _leaf_key(x)
            for x, r in zip(leaves, relaxed)))
        return key, self._cache.get(key)

    def _trace(self, structure, leaves, key):
        """Runs the Python function once on symbolic tensors and returns the
        concrete function made of what it recorded."""
        created = _variables.creation_count()
        tensor_shapes = dict((i, s) for i, (_, s, _) in (
            (i, k) for i, k in enumerate(key[1]) if k[0] == "tensor"))
        with Tracer(self.__name__) as tracer:
            traced, specs = [], []
            for i, leaf in enumerate(leaves):
                if _is_tensor_leaf(leaf):
                    shape = tensor_shapes[i]
                    example = _example_for(leaf, shape)
                    specs.append(TensorSpec(shape, leaf.dtype))
                    traced.append(tracer.placeholder(example, shape))
                else:
                    traced.append(leaf)
            args, kwargs = nest.pack_sequence_as(structure, traced)
            result = self._python_function(*args, **kwargs)
            is_tensor = tracer.set_outputs(result)
        if _variables.creation_count() != created and self._tracing_count > 0:
            raise ValueError(
                "tf.function %s: a tf.Variable was created on a call after the first "
                "trace. tf.function only supports singleton tf.Variables created on the "
                "first call: make sure the tf.Variable is only created once (for example "
                "in __init__, or guarded by `if self.v is None`) or created outside "
                "tf.function" % self.__name__)
        self._tracing_count += 1
        if self._tracing_count >= RETRACING_WARNING_THRESHOLD and not self._warned:
            self._warned = True
            warnings.warn(
                "%d calls to tf.function %s triggered tf.function retracing. Tracing is "
                "expensive; the likely causes are (1) calling it with tensors of "
                "different shapes (pass input_signature with None dimensions, or "
                "reduce_retracing=True), (2) passing different Python values (pass "
                "tensors instead). Repeat calls with the same signature do not retrace."
                % (self._tracing_count, self.__name__), stacklevel=3)
        return ConcreteFunction(self.__name__, tracer, result, is_tensor, specs,
                                nest.pack_sequence_as(structure, [
                                    s for s in _specs_or_leaves(leaves, specs)]),
                                self._passes)


def _has_unknown_dims(key):
    """Whether a cache key gives some tensor argument an unknown (None) dimension."""
    return any(k[0] == "tensor" and k[1] is not None and None in k[1] for k in key[1])


def trace_subfunction(fn, args, name, shapes=None):
    """Traces ``fn(*args)`` as a branch of the graph being traced now (a ``cond``
    branch, a loop's body): ``args`` are tensors of the enclosing graph (or of
    none), each becoming a placeholder (of ``shapes[i]`` if given); enclosing
    tensors ``fn`` uses are captured. Returns the concrete function and the
    list of captured outer tensors, which follow ``args`` as its inputs."""
    from .tracing import current_tracer
    with Tracer(name, parent=current_tracer()) as tracer:
        placeholders = [tracer.placeholder(a, None if shapes is None else shapes[i])
                        for i, a in enumerate(args)]
        result = fn(*placeholders)
        is_tensor = tracer.set_outputs(result)
    specs = [TensorSpec(v.shape, v.dtype.name) for v in tracer.graph.inputs]
    concrete = ConcreteFunction(name, tracer, result, is_tensor, specs, None, {})
    concrete.output_examples = [tracer._example_of(v) for v in tracer.graph.outputs]
    concrete.drawn_examples = [tracer._example_of(v) for v in concrete._drawn]
    return concrete, [outer for outer, _ in tracer.captures]


def _specs_or_leaves(leaves, specs):
    specs = iter(specs)
    return [next(specs) if _is_tensor_leaf(x) else x for x in leaves]


def _example_for(leaf, shape):
    """An example value for a placeholder: the argument itself, or (for a
    ``TensorSpec``) ones of its shape with each unknown dimension 1."""
    if isinstance(leaf, Tensor):
        return leaf
    if shape is None:
        raise ValueError("tf.function: a TensorSpec of unknown rank (shape=None) cannot "
                         "be traced here; give the rank, with None for unknown sizes")
    dims = [1 if d is None else d for d in shape]
    return np.ones(dims, leaf.dtype.as_numpy_dtype)


def _checked_signature(signature, name):
    if not isinstance(signature, (list, tuple)):
        raise TypeError("tf.function %s: input_signature must be a list or tuple of "
                        "tf.TensorSpec, got %r" % (name, signature))
    for spec in nest.flatten(list(signature)):
        if not isinstance(spec, TensorSpec):
            raise TypeError("tf.function %s: input_signature must hold tf.TensorSpec "
                            "objects only, got %r" % (name, spec))
    return list(signature)


def _bind_to_signature(signature, args, kwargs, name):
    """``args`` checked against ``input_signature`` (and converted: a Python number
    becomes a tensor of the spec's dtype)."""
    if kwargs:
        raise TypeError("tf.function %s has an input_signature; pass its arguments by "
                        "position (got keyword arguments %s)" % (name, sorted(kwargs)))
    if len(args) != len(signature):
        raise TypeError("tf.function %s: input_signature has %d argument(s), the call "
                        "passed %d" % (name, len(signature), len(args)))
    specs = nest.flatten(list(signature))
    try:
        flat = nest.flatten(list(args))
    except TypeError:
        flat = list(args)
    if len(flat) != len(specs):
        raise TypeError("tf.function %s: the arguments do not have the structure of "
                        "input_signature %r" % (name, signature))
    bound = []
    for spec, x in zip(specs, flat):
        if isinstance(x, TensorSpec):
            bound.append(x)
            continue
        if not isinstance(x, Tensor):
            try:
                x = Tensor(np.asarray(x, spec.dtype.as_numpy_dtype)) \
                    if not isinstance(x, np.ndarray) else Tensor(x)
            except (TypeError, ValueError):
                raise TypeError("tf.function %s: cannot convert %r to a tensor of %r"
                                % (name, x, spec)) from None
        if x.dtype != spec.dtype or not shapes_compatible(spec.shape, tuple(x.shape)):
            raise TypeError(
                "tf.function %s: the argument %r is incompatible with input_signature's "
                "%r (dtype and every known dimension must match)" % (name, x, spec))
        bound.append(x)
    return bound


def function(func=None, input_signature=None, autograph=True, jit_compile=None,
             reduce_retracing=False, experimental_relax_shapes=None, name=None,
             experimental_passes=None):
    """Compiles ``func`` into a graph-backed ``Function`` (decorator or call).

    ``input_signature``: a list of ``tf.TensorSpec`` fixing the arguments' shapes
    and dtypes (``None`` dimensions accept any size): one trace serves all calls.
    ``reduce_retracing`` (TF-1 name ``experimental_relax_shapes``): a dimension
    that changes between calls becomes ``None`` instead of causing a new trace
    per size. ``experimental_passes``: a dict switching optimisation passes off,
    e.g. ``{"fold_constants": False}`` (see ``passes.PASSES``). ``autograph`` and
    ``jit_compile`` are accepted for TensorFlow code; Python control flow is not
    converted (a Python ``if`` on a tensor explains ``tf.cond`` instead).

    >>> import stage5_gpu as tf
    >>> @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
    ... def double(x):
    ...     return 2.0 * x
    >>> double(tf.constant([1.0, 2.0]))
    tf.Tensor([2. 4.], shape=(2,), dtype=float32)
    >>> double(tf.constant([1.0, 2.0, 3.0])).shape, double.experimental_get_tracing_count()
    (TensorShape([3]), 1)
    """
    if experimental_relax_shapes is not None:
        reduce_retracing = experimental_relax_shapes

    def decorate(f):
        return Function(f, name=name, input_signature=input_signature,
                        reduce_retracing=reduce_retracing, jit_compile=jit_compile,
                        autograph=autograph, experimental_passes=experimental_passes)
    return decorate(func) if func is not None else decorate


def _trace_step(step, jit_compile=None):
    """How a Keras model compiled with ``run_eagerly=False`` runs its steps:
    ``fit`` calls ``function(model.train_step)`` for each batch, as TensorFlow's
    ``make_train_function`` does (stage 4's ``register_step_tracer``)."""
    return function(step, jit_compile=jit_compile)


_training.register_step_tracer(_trace_step)
