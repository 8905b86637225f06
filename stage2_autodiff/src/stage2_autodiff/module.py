"""``tf.Module``: a named container of variables, found by walking its attributes.

A module is the smallest unit of model state: assign variables (and other
modules, and lists, tuples and dicts of them) to its attributes, and
``variables``, ``trainable_variables`` and ``submodules`` find them. Nothing
is registered when you assign: the module *walks* its attributes when asked,
in sorted attribute order, its own leaves first, then each submodule's.

``name_scope`` names what is made inside it: a variable created under
``with tf.name_scope("block"):`` is called ``block/w:0``, and a module's own
scope is its name (``with self.name_scope:``, or ``@tf.Module.with_name_scope``
on a method).

>>> import stage2_autodiff as tf
>>> class Dense(tf.Module):
...     def __init__(self, in_features, out_features, name=None):
...         super().__init__(name=name)
...         self.w = tf.Variable(tf.ones([in_features, out_features]), name="w")
...         self.b = tf.Variable(tf.zeros([out_features]), name="b")
...     def __call__(self, x):
...         return tf.nn.relu(tf.matmul(x, self.w) + self.b)
>>> class Stack(tf.Module):
...     def __init__(self, name=None):
...         super().__init__(name=name)
...         self.dense_1 = Dense(3, 3)
...         self.dense_2 = Dense(3, 2)
...     def __call__(self, x):
...         return self.dense_2(self.dense_1(x))
>>> model = Stack(name="the_model")
>>> model([[2.0, 2.0, 2.0]])
tf.Tensor([[18. 18.]], shape=(1, 2), dtype=float32)
>>> [type(m).__name__ for m in model.submodules], len(model.variables)
(['Dense', 'Dense'], 4)
"""

import functools
import re

from .name_scopes import name_scope
from .variables import Variable

__all__ = ["Module"]


# --- the module ---------------------------------------------------------------------
def _camel_to_snake(name):
    return re.sub(r"((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))", r"_\1", name).lower()


class Module:
    """Base class of things that hold variables: subclass it, assign variables and
    modules to attributes, and read them back with ``variables`` and friends.

    ``name`` defaults to the class name in snake case (``MyModel`` → ``my_model``)
    and must be a Python identifier.

    >>> import stage2_autodiff as tf
    >>> class MyModel(tf.Module):
    ...     def __init__(self, **kwargs):
    ...         super().__init__(**kwargs)
    ...         self.w = tf.Variable(5.0)
    ...         self.b = tf.Variable(0.0, trainable=False)
    ...     def __call__(self, x):
    ...         return self.w * x + self.b
    >>> model = MyModel()
    >>> model.name, model(2.0).numpy(), len(model.trainable_variables)
    ('my_model', np.float32(10.0), 1)
    """

    # Attributes that hold bookkeeping, not the model's state.
    _TF_MODULE_IGNORED_PROPERTIES = frozenset(["_scope_name"])

    def __init__(self, name=None):
        if name is None:
            name = _camel_to_snake(type(self).__name__)
        elif not isinstance(name, str) or not name.isidentifier():
            raise ValueError("%r is not a valid module name. Module names must be valid "
                             "Python 3 identifiers." % (name,))
        self._name = name
        with name_scope(name) as scope:         # where the module was made, plus its name
            self._scope_name = scope

    @property
    def name(self):
        """The module's name (given, or its class name in snake case)."""
        return self._name

    @property
    def name_scope(self):
        """A ``name_scope`` for this module: ``with self.name_scope:`` names what is
        made inside after the module.

        >>> import stage2_autodiff as tf
        >>> model = tf.Module(name="my_model")
        >>> with model.name_scope:
        ...     tf.Variable(1.0, name="w").name
        'my_model/w:0'
        """
        scope = self.__dict__.get("_scope_name") or self.name + "/"
        return name_scope(scope)

    # --- what the module holds ---------------------------------------------------
    @property
    def variables(self):
        """Every variable of this module and its submodules, once each, as a tuple
        (attributes in sorted order; a module's own before its submodules').

        >>> import stage2_autodiff as tf
        >>> m = tf.Module()
        >>> m.w, m.layers = tf.Variable(1.0, name="w"), [tf.Variable(2.0, name="b")]
        >>> [v.name for v in m.variables]
        ['b:0', 'w:0']
        """
        return tuple(self._flatten(predicate=_is_variable))

    @property
    def trainable_variables(self):
        """The variables with ``trainable=True`` (what an optimizer updates)."""
        return tuple(self._flatten(predicate=lambda v: _is_variable(v) and v.trainable))

    @property
    def non_trainable_variables(self):
        """The variables with ``trainable=False`` (running statistics, counters).

        >>> import stage2_autodiff as tf
        >>> m = tf.Module()
        >>> m.steps, m.w = tf.Variable(0, trainable=False), tf.Variable(1.0)
        >>> len(m.non_trainable_variables), len(m.trainable_variables)
        (1, 1)
        """
        return tuple(self._flatten(predicate=lambda v: _is_variable(v) and not v.trainable))

    @property
    def submodules(self):
        """Every module inside this one (not itself), its direct ones first.

        >>> import stage2_autodiff as tf
        >>> outer = tf.Module(name="outer")
        >>> outer.inner = tf.Module(name="inner")
        >>> outer.inner.leaf = tf.Module(name="leaf")
        >>> [m.name for m in outer.submodules]
        ['inner', 'leaf']
        """
        return tuple(self._flatten(predicate=_is_module))

    def _flatten(self, recursive=True, predicate=None, with_path=False):
        """The leaves of this module's attributes that satisfy ``predicate``.

        Attributes are visited in sorted order; inside each, lists, tuples and
        dicts are flattened (dict keys sorted). All of this module's leaves come
        first, then, for each submodule in turn, everything found inside it. A
        leaf reachable twice is yielded once (unless ``with_path``, which yields
        ``(path, leaf)`` for every path).
        """
        return _walk(self, recursive, predicate or (lambda leaf: True), with_path,
                     (), {id(self)} if not with_path else None, [])

    @classmethod
    def with_name_scope(cls, method):
        """Decorates a method so it runs inside ``self.name_scope``.

        >>> import stage2_autodiff as tf
        >>> class Lazy(tf.Module):
        ...     @tf.Module.with_name_scope
        ...     def __call__(self, x):
        ...         if not hasattr(self, "w"):
        ...             self.w = tf.Variable(tf.ones_like(x), name="w")
        ...         return self.w * x
        >>> model = Lazy(name="lazy")
        >>> _ = model(tf.constant([1.0, 2.0]))
        >>> model.w.name
        'lazy/w:0'
        """
        @functools.wraps(method)
        def within_scope(self, *args, **kwargs):
            with self.name_scope:
                return method(self, *args, **kwargs)
        return within_scope

    def __repr__(self):
        return "<%s name=%s>" % (type(self).__name__, self.name)


def _is_variable(value):
    return isinstance(value, Variable)


def _is_module(value):
    return isinstance(value, Module)


def _walk(module, recursive, predicate, with_path, path, seen, stack):
    """``Module._flatten``: this module's leaves, then its submodules' (depth first)."""
    submodules = []
    ignored = type(module)._TF_MODULE_IGNORED_PROPERTIES
    stack.append(id(module))
    attributes = vars(module)
    for key in sorted(attributes):
        if key in ignored:
            continue
        value = attributes[key]
        for leaf_path, leaf in _leaves(value, (key,)):
            if seen is not None:
                if id(leaf) in seen:
                    continue
                seen.add(id(leaf))
            if predicate(leaf):
                yield (path + leaf_path, leaf) if with_path else leaf
            if recursive and _is_module(leaf) and id(leaf) not in stack:
                submodules.append((path + leaf_path, leaf))
    for sub_path, submodule in submodules:
        yield from _walk(submodule, recursive, predicate, with_path, sub_path, seen, stack)
    stack.pop()


def _leaves(value, path):
    """``(path, leaf)`` for each leaf of a nested structure (a module is a leaf)."""
    if isinstance(value, dict):
        for key in sorted(value, key=str):
            yield from _leaves(value[key], path + (key,))
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from _leaves(item, path + (index,))
    else:
        yield path, value
