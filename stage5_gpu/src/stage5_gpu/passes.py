"""Optimisation passes: small functions from a graph to a better graph.

Each pass reads a ``Graph`` and returns a new one; none changes what the graph
computes (the tests run every function with each pass on and off and compare
values and gradients). ``optimize`` runs them in order:

1. ``simplify_arithmetic``: ``x * 1``, ``x - 0``, ``x / 1``, ``transpose(transpose(x))``,
   ``identity(x)`` and ``cast`` to the same dtype become ``x``, where that is exact;
2. ``fold_constants``: an op whose inputs are all constants is computed now, once;
3. ``eliminate_common_subexpressions``: the same op on the same inputs is computed once
   (and a variable read once between assignments);
4. ``eliminate_dead_code``: nodes that no output and no side effect needs go;
5. ``fuse_elementwise``: a chain of elementwise float ops becomes one node that
   computes it in one buffer, instead of allocating a temporary per op.

Stateful nodes (variable reads and assignments, random ops, Python calls) are
never folded or removed and keep their order; only reads are merged, and only
where no assignment could have come between them.

>>> import stage5_gpu as tf
>>> @tf.function
... def f(x):
...     unused = tf.exp(x)              # dead code
...     c = tf.constant(2.0) * 3.0      # folded to 6.0
...     return (x * c + x * c) * 1.0    # x * c once, * 1.0 dropped
>>> print(f.get_concrete_function(tf.constant([1.0])).graph)
graph f(x0: float32[1]) -> (v3)
  v1 = Const(6.)        # float32[]
  v2 = Mul(x0, v1)      # float32[1]
  v3 = AddV2(v2, v2)    # float32[1]
"""

import itertools

import numpy as np

from .graph import Graph

__all__ = ["optimize", "PASSES", "simplify_arithmetic", "fold_constants",
           "eliminate_common_subexpressions", "eliminate_dead_code", "fuse_elementwise",
           "rewrite"]


def rewrite(graph, rule):
    """A copy of ``graph`` in which ``rule(new_graph, node, inputs)`` decides what
    each node becomes: it returns the node's output Values in the new graph (an
    existing Value, a new node's outputs), or None to copy the node unchanged.
    ``inputs`` are the node's inputs already translated into the new graph;
    ``new.translate(value)`` translates any Value of an earlier node."""
    new = Graph(graph.name)
    new._count = graph._count
    mapping = {}
    new.translate = lambda value: mapping[value.id]
    for node in graph.nodes:
        inputs = [mapping.get(v.id) for v in node.inputs]   # (None: a dropped node's)
        outputs = rule(new, node, inputs)
        if outputs is None:
            outputs = _copy(new, node, inputs)
        for old, value in zip(node.outputs, outputs):
            mapping[old.id] = value
    new.outputs = [mapping[v.id] for v in graph.outputs]
    return new


def _copy(new, node, inputs):
    if node.kind == "placeholder":
        value = new._new_value_for(node)
        return [value]
    copied = new.add_node(node.kind, node.op, inputs, dict(node.attrs),
                          [(v.shape, v.dtype) for v in node.outputs])
    # Keep the Values' numbers, so a graph reads the same before and after a pass.
    for old, value in zip(node.outputs, copied):
        value.id = old.id
    return copied


def _const(node):
    """The array of a constant Value's node, or None."""
    return node.attrs["value"] if node.kind == "const" else None


# --- 1. algebraic simplification -----------------------------------------------------

def _all_equal(array, number):
    return array is not None and array.size > 0 and bool(np.all(array == number))


def simplify_arithmetic(graph):
    """Replaces an op by its input where that gives exactly the same result:
    ``x * 1``, ``1 * x``, ``x / 1``, ``x - 0``, integer ``x + 0``,
    ``transpose(transpose(x))`` back to the original order, ``identity(x)``, a
    cast to ``x``'s own dtype. The replaced value must have the op's shape and
    dtype (``x * ones([3])`` broadcasts a scalar ``x``, so it stays).

    A float ``x + 0.0`` is *not* simplified: ``-0.0 + 0.0`` is ``+0.0``, so the
    rewrite would change the sign of a zero.

    >>> import numpy as np
    >>> import stage5_gpu as tf
    >>> from stage5_gpu import passes
    >>> f = tf.function(lambda x: tf.transpose(tf.transpose(x)) * 1.0,
    ...                 experimental_passes={"simplify_arithmetic": False})
    >>> g = f.get_concrete_function(tf.ones([2, 3])).graph
    >>> len(g.op_nodes()), len(passes.eliminate_dead_code(passes.simplify_arithmetic(g)).op_nodes())
    (3, 0)
    """
    def rule(new, node, inputs):
        if node.kind != "op":
            return None
        out = node.outputs[0] if node.outputs else None
        name = node.op.name

        def same_as(x):
            if out is not None and x.shape == out.shape and x.dtype == out.dtype:
                return [x]
            return None

        if name == "Identity":
            return same_as(inputs[0])
        if name == "Cast":
            return same_as(inputs[0])
        if name in ("Mul", "AddV2", "Sub", "RealDiv", "TrueDiv", "Div") and len(inputs) == 2:
            a, b = inputs
            ca, cb = _const(a.node), _const(b.node)
            if name == "Mul":
                if _all_equal(cb, 1):
                    return same_as(a)
                if _all_equal(ca, 1):
                    return same_as(b)
            elif name in ("RealDiv", "TrueDiv", "Div") and _all_equal(cb, 1):
                return same_as(a)
            elif name == "Sub" and _all_equal(cb, 0):
                return same_as(a)
            elif name == "AddV2" and out is not None and out.dtype.kind in "iu":
                if _all_equal(cb, 0):
                    return same_as(a)
                if _all_equal(ca, 0):
                    return same_as(b)
        if name == "Transpose":
            x = inputs[0]
            if x.node.kind == "op" and x.node.op.name == "Transpose":
                rank = len(x.shape)
                inner, outer = (list(range(rank))[::-1] if p is None else list(p)
                                for p in (x.node.attrs.get("perm"), node.attrs.get("perm")))
                composed = [inner[p] for p in outer]
                if composed == list(range(rank)):
                    return same_as(x.node.inputs[0])
        return None
    return rewrite(graph, rule)


# --- 2. constant folding ---------------------------------------------------------

def fold_constants(graph):
    """Computes, once and now, every op whose inputs are all constants (and that
    is not stateful): its result becomes a constant of the graph.

    >>> import stage5_gpu as tf
    >>> f = tf.function(lambda x: x + tf.exp(tf.constant(0.0)),
    ...                 experimental_passes={"fold_constants": False})
    >>> from stage5_gpu import passes
    >>> g = f.get_concrete_function(tf.constant(1.0)).graph
    >>> [n.label for n in passes.eliminate_dead_code(passes.fold_constants(g)).op_nodes()]
    ['AddV2']
    """
    def rule(new, node, inputs):
        if node.kind != "op" or node.stateful or not node.outputs:
            return None
        arrays = [_const(v.node) for v in inputs]
        if any(a is None for a in arrays):
            return None
        kernel = node.op.kernels["CPU"]
        args = [arrays] if node.op.variadic else arrays
        with np.errstate(all="ignore"):
            out = kernel(np, *args, **node.attrs)
        results = [out] if node.op.num_outputs is None else list(out)
        return [new.constant(np.asarray(r) if not hasattr(r, "dtype") else r)
                for r in results]
    return rewrite(graph, rule)


# --- 3. common-subexpression elimination ------------------------------------------------

def _attrs_key(attrs):
    try:
        key = tuple(sorted(attrs.items()))
        hash(key)
        return key
    except TypeError:
        return repr(sorted(attrs.items(), key=lambda kv: kv[0]))


def eliminate_common_subexpressions(graph):
    """Computes each (op, inputs, attributes) once: a second node that would
    compute the same thing is replaced by the first one's outputs. Equal small
    constants are merged too, and so are two reads of a variable with no
    assignment to it (and no stateful op) between them.

    >>> import stage5_gpu as tf
    >>> from stage5_gpu import passes
    >>> f = tf.function(lambda x: tf.exp(x) + tf.exp(x), experimental_passes={"cse": False})
    >>> g = f.get_concrete_function(tf.constant(1.0)).graph
    >>> [n.label for n in passes.eliminate_common_subexpressions(g).op_nodes()]
    ['Exp', 'AddV2']
    """
    seen = {}

    def rule(new, node, inputs):
        # Two reads of a variable give the same value unless it was assigned
        # (or a stateful op ran, which may assign anything) in between.
        if node.kind == "assign":
            seen.pop(("read", id(node.attrs["variable"])), None)
            return None
        if node.kind == "op" and node.stateful:
            for key in [k for k in seen if k[0] == "read"]:
                del seen[key]
            return None
        if node.kind == "read":
            key = ("read", id(node.attrs["variable"]))
        elif node.kind == "const":
            array = node.attrs["value"]
            if np.size(array) > 16:
                return None
            key = ("const", np.asarray(array).dtype.str, np.shape(array),
                   np.asarray(array).tobytes())
        elif node.kind == "op" and not node.stateful:
            key = (node.op.name, tuple(v.id for v in inputs), _attrs_key(node.attrs))
        else:
            return None
        found = seen.get(key)
        if found is not None:
            return found
        outputs = _copy(new, node, inputs)
        seen[key] = outputs
        return outputs
    return rewrite(graph, rule)


# --- 4. dead-code elimination -------------------------------------------------------

def eliminate_dead_code(graph):
    """Keeps only the nodes that an output or a side effect needs (placeholders
    always stay: they are the function's arguments).

    >>> import stage5_gpu as tf
    >>> from stage5_gpu import passes
    >>> f = tf.function(lambda x: (tf.exp(x), x * 2.0)[1], experimental_passes={"dce": False})
    >>> g = f.get_concrete_function(tf.constant(1.0)).graph
    >>> [n.label for n in g.op_nodes()], [n.label for n in passes.eliminate_dead_code(g).op_nodes()]
    (['Exp', 'Mul'], ['Mul'])
    """
    needed = {v.id for v in graph.outputs}
    live = set()
    for node in reversed(graph.nodes):
        if node.kind == "placeholder" or node.stateful and node.kind != "read" \
                or any(v.id in needed for v in node.outputs):
            live.add(id(node))
            needed.update(v.id for v in node.inputs)

    def rule(new, node, inputs):
        return None if id(node) in live else []
    return rewrite(graph, rule)


# --- 5. elementwise fusion -------------------------------------------------------------

# The elementwise ops whose kernel is exactly this NumPy ufunc on float arrays:
# a fused chain calls the ufuncs with ``out=``, so the values are bit for bit
# those of the separate kernels.
ELEMENTWISE = {
    "AddV2": np.add, "Sub": np.subtract, "Mul": np.multiply, "TrueDiv": np.divide,
    "Maximum": np.maximum, "Minimum": np.minimum, "Neg": np.negative, "Abs": np.absolute,
    "Square": np.square, "Sqrt": np.sqrt, "Exp": np.exp, "Log": np.log, "Tanh": np.tanh,
    "Sin": np.sin, "Cos": np.cos,
}


# Fusing pays only for big arrays: an 8-op chain measured 0.84x (slower) at 256
# elements, 0.91x at 4096, 1.23x at 65536, 1.48x at 10^6 (bench machine, CPU).
FUSE_MIN_ELEMENTS = 32768


def _fusable(node):
    out = node.outputs[0] if node.kind == "op" and len(node.outputs) == 1 else None
    return (out is not None and node.op.name in ELEMENTWISE and not node.attrs
            and out.dtype.kind == "f" and None not in out.shape
            and int(np.prod(out.shape)) >= FUSE_MIN_ELEMENTS)


def fuse_elementwise(graph):
    """Fuses each chain of elementwise float ops (``ELEMENTWISE``) in which every
    link's result is used only by the next link and has the chain's shape and
    dtype: the chain becomes one node whose kernel allocates one buffer and runs
    every ufunc into it (``out=``). On CPU that saves a temporary array per op
    (for arrays of ``FUSE_MIN_ELEMENTS`` or more, where that pays); the values
    do not change. The fused node's gradient runs the chain's ops
    again under a tape, so gradients do not change either.

    >>> import stage5_gpu as tf
    >>> from stage5_gpu import passes
    >>> f = tf.function(lambda x: tf.exp(-(x * x)) * 2.0 + 1.0)
    >>> g = f.get_concrete_function(tf.ones([100000])).graph
    >>> [n.label for n in g.op_nodes()]
    ['Fused[Mul,Neg,Exp,Mul,AddV2]']
    """
    users = graph.consumers()
    outputs = {v.id for v in graph.outputs}
    chain_of = {}            # node id -> the chain (a list of nodes) it ends
    chains = []
    for node in graph.nodes:
        if not _fusable(node):
            continue
        out = node.outputs[0]
        joined = None
        for v in node.inputs:
            producer = v.node
            chain = chain_of.get(id(producer))
            if (chain is not None and len(users.get(v.id, ())) == 1 and v.id not in outputs
                    and v.shape == out.shape and v.dtype == out.dtype
                    and sum(w is v for w in node.inputs) == 1):
                joined = chain
                break
        if joined is None:
            joined = [node]
            chains.append(joined)
        else:
            del chain_of[id(joined[-1])]
            joined.append(node)
        chain_of[id(node)] = joined
    fused = {id(chain[-1]): chain for chain in chains if len(chain) > 1}
    inside = {id(n) for chain in fused.values() for n in chain[:-1]}

    def rule(new, node, inputs):
        if id(node) in inside:
            return []                   # computed by the fused node of its chain
        chain = fused.get(id(node))
        return None if chain is None else [_fused_node(new, chain)]
    return rewrite(graph, rule)


def _fused_node(new, chain):
    """The node that computes ``chain`` (elementwise nodes, each feeding the next)."""
    from stage1_tensors import dtypes as _dtypes
    from stage1_tensors.registry import define_op
    from stage2_autodiff.registry import register_gradient
    links = {id(n.outputs[0]): i for i, n in enumerate(chain)}
    external, program = [], []
    for node in chain:
        args = []
        for v in node.inputs:
            if id(v) in links:
                args.append(None)                       # the buffer
            else:
                if all(v is not e for e in external):
                    external.append(v)
                args.append([e.id for e in external].index(v.id))
        program.append((ELEMENTWISE[node.op.name], node.op, tuple(args)))
    out = chain[-1].outputs[0]
    names = ["in%d" % i for i in range(len(external))]
    op = define_op("Fused_%d" % next(_fused_counter),
                   "fused[%s]" % ",".join(n.op.name for n in chain), inputs=names,
                   dtypes=_dtypes.FLOATING, input_dtypes={n: _dtypes.ALL_NUMPY for n in names})

    @op.kernel
    def _fused(xp, *arrays):
        buffer = None
        with np.errstate(all="ignore"):
            for ufunc, _, args in program:
                operands = [buffer if a is None else arrays[a] for a in args]
                if buffer is None:
                    buffer = ufunc(*operands)
                    if not isinstance(buffer, np.ndarray) or buffer.shape != out.shape:
                        buffer = np.array(buffer, dtype=out.dtype).reshape(out.shape)
                else:
                    ufunc(*operands, out=buffer)
        return buffer

    def gradient(record, grad):
        from stage1_tensors.dispatch import execute
        from stage2_autodiff.gradient_tape import GradientTape
        inputs = list(record.inputs)
        with GradientTape(watch_accessed_variables=False) as tape:
            for x in inputs:
                tape.watch(x)
            buffer = None
            for _, link_op, args in program:
                buffer = execute(link_op, tuple(buffer if a is None else inputs[a]
                                                for a in args))
        return tape.gradient(buffer, inputs, output_gradients=grad)
    register_gradient(op.name, gradient)
    return new.add_op(op, [new.translate(e) for e in external], {},
                      [(out.shape, out.dtype)])[0]


_fused_counter = itertools.count(1)


# Each pass by the name that switches it off: tf.function(f, experimental_passes={name: False}).
PASSES = {
    "simplify_arithmetic": simplify_arithmetic,
    "fold_constants": fold_constants,
    "cse": eliminate_common_subexpressions,
    "dce": eliminate_dead_code,
    "fuse_elementwise": fuse_elementwise,
}


def optimize(graph, **switches):
    """``graph`` after every pass of ``PASSES`` that ``switches`` does not turn off.

    >>> from stage5_gpu.graph import Graph
    >>> from stage5_gpu import passes
    >>> passes.optimize(Graph("empty"), dce=False).nodes
    []
    """
    unknown = sorted(set(switches) - set(PASSES))
    if unknown:
        raise ValueError("unknown graph pass(es) %s; the passes are %s"
                         % (unknown, sorted(PASSES)))
    for name, run in PASSES.items():
        if switches.get(name, True):
            graph = run(graph)
    graph.renumber()
    return graph
