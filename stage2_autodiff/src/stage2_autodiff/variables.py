"""``Variable``: a tensor whose value can be replaced, the state of a model.

A Variable *is* a ``Tensor`` (a subclass), so every op and operator accepts it
at no extra cost. Unlike a Tensor it can change: ``assign``, ``assign_add`` and
``assign_sub`` give it a new array. They never write into the old array in
place, because recorded ops, NumPy views and other tensors may share it; they
swap in a new one. A tape therefore records the array a variable held *when it
was read* (see ``recording.py``).

>>> import stage2_autodiff as tf
>>> v = tf.Variable(1.0)
>>> v
<tf.Variable 'Variable:0' shape=() dtype=float32, numpy=1.0>
>>> _ = v.assign_add(2.0)
>>> print(v * 2)
tf.Tensor(6.0, shape=(), dtype=float32)
"""

import contextlib
import inspect
import threading

import numpy as np

from stage1_tensors import dtypes as _dtypes
from stage1_tensors.backends import backend_of
from stage1_tensors.convert import constant, to_array
from stage1_tensors import dispatch
from stage1_tensors.dispatch import execute
from stage1_tensors.errors import InvalidArgumentError
from stage1_tensors.ops.attrs import bool_attr
from stage1_tensors.registry import define_op
from stage1_tensors.tensor import Tensor, TensorShape

from .name_scopes import current_name_scope
from .registry import no_gradient, register_gradient

__all__ = ["Variable", "ReadVariableOp", "AssignVariableOp", "AssignAddVariableOp",
           "AssignSubVariableOp", "creation_count", "variable_creator_scope"]

# Reading a variable is an op (as in TensorFlow), so a tape sees the read and
# gradients flow from the value that was read back to the variable.
ReadVariableOp = define_op("ReadVariableOp", "read_value", inputs=("resource",),
                           dtypes=_dtypes.ALL_NUMPY)


@ReadVariableOp.kernel
def _read_variable(xp, value):
    return value        # arrays are never written in place, so sharing is safe


register_gradient("ReadVariableOp", lambda op, grad: grad)

# Assigning is an op too, but only while ops are redirected (stage 5 records a
# graph node for it, so the graph changes the real variable each time it runs).
# Eagerly, ``assign`` simply swaps the array. The kernels compute the new value;
# whoever runs the op stores it in the variable. Assignments have no gradient.
AssignVariableOp = define_op("AssignVariableOp", "assign", inputs=("resource", "value"),
                             dtypes=_dtypes.ALL_NUMPY)
AssignAddVariableOp = define_op("AssignAddVariableOp", "assign_add",
                                inputs=("resource", "value"), dtypes=_dtypes.ALL_NUMPY)
AssignSubVariableOp = define_op("AssignSubVariableOp", "assign_sub",
                                inputs=("resource", "value"), dtypes=_dtypes.ALL_NUMPY)
AssignVariableOp.kernel(lambda xp, old, value: value)
AssignAddVariableOp.kernel(lambda xp, old, delta: xp.add(old, delta))
AssignSubVariableOp.kernel(lambda xp, old, delta: xp.subtract(old, delta))
for _name in ("AssignVariableOp", "AssignAddVariableOp", "AssignSubVariableOp"):
    no_gradient(_name)

_creations = 0      # variables made so far (stage 5: none may appear on a retrace)


def creation_count():
    """How many variables have been created so far, in this process.

    ``function`` uses it to enforce TensorFlow's rule that variables are made on
    the first trace only.

    >>> import stage2_autodiff as tf
    >>> from stage2_autodiff import variables
    >>> before = variables.creation_count()
    >>> _ = tf.Variable(1.0)
    >>> variables.creation_count() - before
    1
    """
    return _creations


class _Creators(threading.local):
    def __init__(self):
        self.stack = []


_creators = _Creators()


@contextlib.contextmanager
def variable_creator_scope(variable_creator):
    """Every ``Variable(...)`` made inside goes through
    ``variable_creator(next_creator, **kwargs)``, which may change the keyword
    arguments, call ``next_creator(**kwargs)`` to make the variable, and act on
    it before returning it. Scopes nest (the innermost creator runs first).

    Stage 5's ``distribute`` strategies use it to make every replica start from
    replica 0's values.

    >>> import stage2_autodiff as tf
    >>> def named_w(next_creator, **kwargs):
    ...     kwargs["name"] = "w"
    ...     return next_creator(**kwargs)
    >>> with tf.variable_creator_scope(named_w):
    ...     v = tf.Variable(1.0)
    >>> v.name
    'w:0'
    """
    _creators.stack.append(variable_creator)
    try:
        yield
    finally:
        _creators.stack.pop()


class _VariableMeta(type):
    """``Variable(...)`` passes through the active ``variable_creator_scope``
    creators before the class's own constructor runs (as in TensorFlow)."""

    def __init__(cls, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # ``inspect.signature(Variable)`` shows ``__init__``'s arguments, not ``__call__``'s.
        parameters = list(inspect.signature(cls.__init__).parameters.values())[1:]
        cls.__signature__ = inspect.Signature(parameters)

    def __call__(cls, *args, **kwargs):
        creators = list(_creators.stack)
        if not creators:
            return super().__call__(*args, **kwargs)
        kwargs = dict(inspect.signature(cls.__init__).bind(None, *args, **kwargs).arguments)
        del kwargs[next(iter(kwargs))]          # the ``self`` bound to None above
        kwargs.update(kwargs.pop("kwargs", {}))

        def creator(depth):
            if depth < 0:
                return lambda **kw: super(_VariableMeta, cls).__call__(**kw)
            return lambda **kw: creators[depth](creator(depth - 1), **kw)
        return creator(len(creators) - 1)(**kwargs)


def _reason(error):
    """An error's message without the name of the function that raised it."""
    return str(error).split(": ", 1)[-1]


class Variable(Tensor, metaclass=_VariableMeta):
    """A mutable tensor: ``Variable(initial_value, trainable=True, name=None, dtype=None,
    constraint=None)``.

    ``initial_value`` may be anything ``tf.constant`` accepts, or a callable
    returning it. ``dtype`` converts it. Trainable variables are watched
    automatically by a ``GradientTape`` that reads them. ``constraint`` is a
    function ``value -> value`` that an optimizer applies after each update
    (Keras's ``NonNeg``, ``MaxNorm`` ...); the variable only keeps it.

    >>> import stage2_autodiff as tf
    >>> w = tf.Variable([[1.0, 2.0]], name="w")
    >>> w.name, w.shape, w.dtype, w.trainable
    ('w:0', TensorShape([1, 2]), tf.float32, True)
    >>> tf.Variable(0, dtype=tf.float32)
    <tf.Variable 'Variable:0' shape=() dtype=float32, numpy=0.0>
    """

    __slots__ = ("_name", "_trainable", "_constraint")

    def __init__(self, initial_value=None, trainable=True, name=None, dtype=None,
                 constraint=None):
        if initial_value is None:
            raise ValueError("Variable: initial_value is required, e.g. tf.Variable(0.0)")
        if callable(initial_value):
            with dispatch.init_scope():     # an initializer runs once, for real
                initial_value = initial_value()
        # ``constant`` copies arrays and tensors, so the caller cannot change
        # the variable by writing into the array it passed in.
        try:
            self._value = constant(initial_value, dtype=dtype)._value
        except InvalidArgumentError as error:
            raise InvalidArgumentError("Variable: " + _reason(error)) from None
        except TypeError as error:      # a dtype that is no dtype
            raise TypeError("Variable: " + _reason(error)) from None
        if name is None:
            name = "Variable"
        name = current_name_scope() + str(name)      # inside tf.name_scope("s"): "s/..."
        self._name = name if ":" in name else name + ":0"
        self._trainable = bool_attr(trainable, "trainable", "Variable")
        if constraint is not None and not callable(constraint):
            raise ValueError("Variable: the constraint must be a function value -> value "
                             "(such as tf.keras.constraints.NonNeg()), got %r" % (constraint,))
        self._constraint = constraint
        global _creations
        _creations += 1

    # --- what it is ------------------------------------------------------------
    @property
    def name(self):
        """The name, with TensorFlow's output suffix ``:0``."""
        return self._name

    @property
    def trainable(self):
        """Whether tapes watch this variable automatically when it is read."""
        return self._trainable

    @property
    def constraint(self):
        """The function an optimizer applies to the value after each update, or None.

        >>> import stage2_autodiff as tf
        >>> v = tf.Variable([-1.0, 2.0], constraint=lambda x: tf.maximum(x, 0.0))
        >>> v.constraint(v)
        tf.Tensor([0. 2.], shape=(2,), dtype=float32)
        """
        return self._constraint

    def read_value(self):
        """The current value as a (constant) Tensor; a tape records the read.

        >>> import stage2_autodiff as tf
        >>> v = tf.Variable(1.0)
        >>> t = v.read_value()
        >>> _ = v.assign(5.0)
        >>> t, v.numpy()
        (tf.Tensor(1.0, shape=(), dtype=float32), np.float32(5.0))
        """
        return execute(ReadVariableOp, (self,))

    value = read_value

    def numpy(self):
        """The current value as a NumPy array (eagerly only: inside a traced
        ``function`` the value is not known until the graph runs).

        >>> import stage2_autodiff as tf
        >>> tf.Variable([1.0, 2.0]).numpy()
        array([1., 2.], dtype=float32)
        """
        if dispatch._redirects and dispatch.active_redirects():
            raise NotImplementedError(
                "Variable %r: numpy() (and float(), int(), bool()) is only available "
                "eagerly; inside a tf.function the value is known only when the graph "
                "runs. Use the variable as a tensor (v * 2, tf.cast(v, ...)) instead"
                % self._name)
        return Tensor.numpy(self)

    # --- changing it -------------------------------------------------------------
    def assign(self, value, use_locking=None, name=None, read_value=True):
        """Replaces the value; the shape and dtype must stay the same.

        >>> import stage2_autodiff as tf
        >>> v = tf.Variable([1.0, 2.0])
        >>> v.assign([3.0, 4.0]).numpy()
        array([3., 4.], dtype=float32)
        """
        if dispatch._redirects and dispatch.active_redirects():
            return self._assign_op(AssignVariableOp, value)
        self._value = self._new_value(value, "assign")
        return self

    def assign_add(self, delta, use_locking=None, name=None, read_value=True):
        """Adds ``delta`` (same shape) to the value.

        >>> import stage2_autodiff as tf
        >>> v = tf.Variable([1.0, 2.0])
        >>> v.assign_add([1.0, 1.0]).numpy()
        array([2., 3.], dtype=float32)
        """
        if dispatch._redirects and dispatch.active_redirects():
            return self._assign_op(AssignAddVariableOp, delta)
        delta = self._new_value(delta, "assign_add")
        self._value = backend_of(self._value).xp.add(self._value, delta)
        return self

    def assign_sub(self, delta, use_locking=None, name=None, read_value=True):
        """Subtracts ``delta`` (same shape) from the value.

        >>> import stage2_autodiff as tf
        >>> v = tf.Variable(3.0)
        >>> v.assign_sub(0.5).numpy()
        np.float32(2.5)
        """
        if dispatch._redirects and dispatch.active_redirects():
            return self._assign_op(AssignSubVariableOp, delta)
        delta = self._new_value(delta, "assign_sub")
        self._value = backend_of(self._value).xp.subtract(self._value, delta)
        return self

    def _assign_op(self, op, value):
        # Redirected (a function being traced): the assignment becomes an op
        # that whoever redirects records. The value is checked now all the same.
        if not isinstance(value, Tensor):
            value = constant(self._new_value(value, op.api_name))
        self._check_assignable(value, op.api_name)
        execute(op, (self, value))
        return self

    def _check_assignable(self, value, method):
        dtype, shape = self._value.dtype, self._value.shape
        if value.dtype.as_numpy_dtype != dtype or tuple(value.shape) != shape:
            self._new_value(value, method)      # raises the teaching error

    def _new_value(self, value, method):
        """``value`` as an array of this variable's shape and dtype, or a teaching error."""
        dtype = self._value.dtype
        if isinstance(value, Tensor):
            array = value._value
        else:
            array = to_array(value, dtype, "%s.%s" % (self._name, method))
            if array is value:                  # a caller's array: take a copy
                array = array.copy()
        if array.dtype != dtype:
            raise TypeError(
                "Variable %r: %s got a value of dtype %s, but the variable's dtype "
                "is %s; convert it with tf.cast(value, tf.%s)"
                % (self._name, method, array.dtype, self.dtype.name, self.dtype.name))
        if array.shape != self._value.shape:
            raise ValueError(
                "Variable %r: %s got a value of shape %s, but the variable's shape "
                "is %s; a variable's shape cannot change (create a new Variable)"
                % (self._name, method, tuple(array.shape), tuple(self._value.shape)))
        return array

    # --- printing ----------------------------------------------------------------
    def __repr__(self):
        value = np.asarray(self)
        text = str(value[()]) if value.ndim == 0 else repr(value)
        if "\n" in text:
            text = "\n" + text
        return "<tf.Variable '%s' shape=%s dtype=%s, numpy=%s>" % (
            self._name, tuple.__repr__(tuple(TensorShape(value.shape))),
            self.dtype.name, text)

    __str__ = __repr__
