"""The op registry: an *op* is a name with a contract, a *kernel* computes it.

An ``Op`` says what inputs it takes, which dtypes they may have and how to check
its attributes. Kernels are registered on it per device type ("CPU", "GPU");
a kernel registered for ``"any"`` is written against the array module ``xp`` that
the dispatcher hands it, so it serves NumPy and CuPy alike.

>>> from stage1_tensors import registry, dtypes
>>> Twice = registry.define_op("DocTwice", "twice", inputs=("x",),
...                             dtypes=dtypes.NUMERIC)
>>> @Twice.kernel
... def _twice(xp, x):
...     return xp.add(x, x)
>>> registry.get_op("DocTwice").api_name
'twice'
>>> registry.remove_op("DocTwice")     # toy ops can be taken out again
"""

from . import dtypes as _dtypes
from .errors import NotFoundError

__all__ = ["Op", "define_op", "get_op", "all_ops", "remove_op"]

_OPS = {}


class Op:
    """An op: its name, its input contract and its kernels.

    ``inputs`` names the inputs. Like TensorFlow's op definitions, inputs share
    one type parameter ``T`` whose dtype must be in ``dtypes``, except those
    named in ``input_dtypes``, which each have their own set of allowed dtypes
    (e.g. the integer ``indices`` of ``gather``). ``variadic=True`` means one
    input that is a list of ``T`` tensors (``concat``, ``stack``).
    ``check(values, attrs)`` (optional) validates the arrays before the kernel
    runs and raises a teaching error. ``stateful=True`` marks an op whose result
    is not a function of its inputs alone (random numbers): a graph optimiser
    (stage 5) must neither merge two such calls nor compute one ahead of time.
    """

    __slots__ = ("name", "api_name", "inputs", "dtypes", "input_dtypes",
                 "variadic", "kernels", "check", "num_outputs", "specs",
                 "all_same_dtype", "fixed_same_dtype", "stateful", "__weakref__")

    def __init__(self, name, api_name, inputs, dtypes, input_dtypes, variadic,
                 check, num_outputs, stateful=False):
        self.name = name
        self.api_name = api_name
        self.inputs = inputs
        self.dtypes = dtypes
        self.input_dtypes = input_dtypes
        self.variadic = variadic
        self.kernels = {}
        self.check = check
        # None: one output. An int or "list": the kernel returns a sequence.
        self.num_outputs = num_outputs
        # Per input: None when it shares T, else its own allowed dtypes.
        self.specs = tuple(input_dtypes.get(n) for n in inputs)
        self.all_same_dtype = variadic or not input_dtypes
        # A fixed number of inputs that all share T: the dispatcher's fast path.
        self.fixed_same_dtype = not variadic and not input_dtypes
        self.stateful = stateful

    def kernel(self, fn=None, device="any"):
        """Registers ``fn(xp, *values, **attrs)`` as this op's kernel on ``device``.

        Use as ``@Op.kernel`` or ``@Op.kernel(device="GPU")``. A kernel for a
        concrete device type wins over the ``"any"`` kernel.
        """
        def register(fn):
            if device == "any":
                for dev in ("CPU", "GPU"):
                    self.kernels.setdefault(dev, fn)
                self.kernels["any"] = fn
            else:
                self.kernels[device] = fn
            return fn
        return register(fn) if fn is not None else register

    def __repr__(self):
        return "<Op %s (%s)>" % (self.name, self.api_name)


def define_op(name, api_name, inputs=("x", "y"), dtypes=_dtypes.ALL_NUMPY,
              input_dtypes=None, variadic=False, check=None, num_outputs=None,
              stateful=False):
    """Declares a new op and returns it; kernels are added with ``@op.kernel``.

    >>> from stage1_tensors import registry
    >>> registry.define_op("DocNeg", "doc_neg", inputs=("x",)).name
    'DocNeg'
    >>> registry.remove_op("DocNeg")
    """
    if name in _OPS:
        raise ValueError("op %r is already defined" % name)
    input_dtypes = {k: frozenset(v) for k, v in (input_dtypes or {}).items()}
    op = Op(name, api_name, tuple(inputs), frozenset(dtypes), input_dtypes,
            variadic, check, num_outputs, stateful)
    _OPS[name] = op
    return op


def get_op(name):
    """The registered op called ``name``.

    >>> from stage1_tensors import registry
    >>> registry.get_op("AddV2").api_name
    'add'
    """
    try:
        return _OPS[name]
    except KeyError:
        raise NotFoundError("no op named %r is registered" % (name,)) from None


def all_ops():
    """Every registered op, by name.

    >>> from stage1_tensors import registry
    >>> "MatMul" in registry.all_ops()
    True
    """
    return dict(_OPS)


def remove_op(name):
    """Takes the op called ``name`` out of the registry (for toy ops in examples,
    notebooks and tests; the library's own ops stay).

    >>> from stage1_tensors import registry
    >>> _ = registry.define_op("DocToy", "toy", inputs=("x",))
    >>> registry.remove_op("DocToy")
    >>> "DocToy" in registry.all_ops()
    False
    """
    if _OPS.pop(name, None) is None:
        raise NotFoundError("no op named %r is registered" % (name,))
