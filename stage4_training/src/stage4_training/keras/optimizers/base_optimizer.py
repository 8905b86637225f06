"""``Optimizer``: the one training step every optimizer shares.

An optimizer turns gradients into new variable values. Whatever the rule
(SGD, Adam, RMSprop ...), ``apply_gradients`` runs the same six steps, and a
subclass writes only the fourth:

1. **gradients**: pairs whose gradient is ``None`` are skipped (with a warning
   naming the variable); a gradient must have its variable's shape; under a
   ``tf.distribute`` strategy the replicas' gradients are summed here;
2. **clip**: ``clipnorm`` (each gradient's L2 norm), ``clipvalue`` (each
   element), or ``global_clipnorm`` (the norm of all gradients together);
3. **slots**: on first sight of a variable, ``build`` makes its *slot
   variables* (Adam's ``m`` and ``v``): state beside each variable, of its shape
   and dtype, that the rule carries from one step to the next;
4. **update**: ``_update_step(gradient, variable, learning_rate)`` per variable,
   the learning rate cast to the variable's dtype (optional ``weight_decay``
   first: ``variable -= variable * weight_decay * learning_rate``);
5. **constrain**: a variable with a ``constraint`` (``Dense(kernel_constraint=NonNeg())``)
   is assigned ``constraint(variable)``, projected back into what it may be;
6. **count**: ``iterations += 1``; a ``LearningRateSchedule`` reads it.

All of it runs with every tape paused: an update is no part of any gradient.

>>> import stage4_training as tf
>>> w = tf.Variable([1.0, 2.0])
>>> opt = tf.keras.optimizers.SGD(learning_rate=0.1)
>>> int(opt.apply_gradients([(tf.constant([1.0, -1.0]), w)]))
1
>>> w.numpy()
array([0.9, 2.1], dtype=float32)
"""

import math
import warnings

import numpy as np

import stage3_layers as tf
from stage1_tensors.dispatch import init_scope
from stage1_tensors.errors import OpError
from stage1_tensors.tensor import Tensor
from stage2_autodiff import GradientTape, Variable
from stage2_autodiff.recording import active_tapes, paused_tapes

from ... import distribute, trackable
from . import schedules as schedules_module

__all__ = ["Optimizer"]


class Optimizer:
    """Base class of the Keras optimizers (``SGD``, ``Adam``, ...).

    ``Optimizer(learning_rate, weight_decay=None, clipnorm=None, clipvalue=None,
    global_clipnorm=None, name=None)``. A subclass defines ``build`` (its slots,
    made with ``add_variable_from_reference``), ``_update_step`` and ``get_config``.

    >>> import stage4_training as tf
    >>> class PlainSGD(tf.keras.optimizers.Optimizer):
    ...     def _update_step(self, gradient, variable, learning_rate):
    ...         variable.assign_sub(learning_rate * gradient)
    >>> w = tf.Variable(1.0)
    >>> _ = PlainSGD(learning_rate=0.5).apply_gradients([(tf.constant(2.0), w)])
    >>> float(w)
    0.0
    """

    def __init__(self, learning_rate, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, name=None, **kwargs):
        cls = type(self).__name__
        if kwargs:
            raise TypeError("%s: unexpected argument(s) %s; the arguments are learning_rate, "
                            "its hyperparameters, weight_decay, clipnorm, clipvalue, "
                            "global_clipnorm, name" % (cls, ", ".join(sorted(kwargs))))
        if sum(value is not None for value in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError("%s: only one of clipnorm, clipvalue and global_clipnorm can be "
                             "set; got clipnorm=%r, clipvalue=%r, global_clipnorm=%r"
                             % (cls, clipnorm, clipvalue, global_clipnorm))
        for what, value in (("clipnorm", clipnorm), ("clipvalue", clipvalue),
                            ("global_clipnorm", global_clipnorm),
                            ("weight_decay", weight_decay)):
            if value is not None:
                self._check_number(what, value, at_least=0.0)
        self.name = name if name is not None else cls
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self._iterations = Variable(0, dtype="int64", trainable=False, name="iteration")
        self._learning_rate = None
        self._slots = {}          # id(variable) -> (variable, {slot name: slot variable})
        self._slot_order = []     # (variable, slot name, slot) in creation order
        self.learning_rate = learning_rate

    # --- hyperparameters ------------------------------------------------------------
    def _check_number(self, what, value, at_least=None, at_most=None, below=None):
        cls = type(self).__name__
        if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
            raise TypeError("%s: %s must be a number, got %r (%s)"
                            % (cls, what, value, type(value).__name__))
        value = float(value)
        if (not math.isfinite(value) or (at_least is not None and value < at_least)
                or (at_most is not None and value > at_most)
                or (below is not None and value >= below)):
            bounds = []
            if at_least is not None:
                bounds.append(">= %g" % at_least)
            if at_most is not None:
                bounds.append("<= %g" % at_most)
            if below is not None:
                bounds.append("< %g" % below)
            raise ValueError("%s: %s must be a finite number %s, got %r"
                             % (cls, what, " and ".join(bounds), value))
        return value

    @property
    def iterations(self):
        """The number of steps taken: a non-trainable int64 ``Variable``.

        >>> import stage4_training as tf
        >>> opt = tf.keras.optimizers.Adam()
        >>> _ = opt.apply_gradients([(tf.constant(1.0), tf.Variable(0.0))])
        >>> opt.iterations
        <tf.Variable 'iteration:0' shape=() dtype=int64, numpy=1>
        """
        return self._iterations

    @property
    def learning_rate(self):
        """The learning rate now: a float32 ``Variable`` you may ``assign`` to, or, when it
        is a ``LearningRateSchedule``, the schedule's value at ``iterations``.

        Setting it (``opt.learning_rate = 0.01``) takes a number or a schedule (only a
        schedule once it is a schedule, as in Keras).

        >>> import stage4_training as tf
        >>> opt = tf.keras.optimizers.SGD(0.1)
        >>> opt.learning_rate = 0.05
        >>> round(float(opt.learning_rate), 6)
        0.05
        """
        if isinstance(self._learning_rate, schedules_module.LearningRateSchedule):
            return self._learning_rate(self._iterations)
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        if isinstance(value, schedules_module.LearningRateSchedule):
            self._learning_rate = value
            return
        if isinstance(value, Tensor):
            if value.shape.rank != 0 or not value.dtype.is_floating and not value.dtype.is_integer:
                raise ValueError("%s: learning_rate must be a scalar number, got %r"
                                 % (type(self).__name__, value))
            value = float(value.numpy())
        number = self._check_number("learning_rate", value, at_least=0.0)
        if isinstance(self._learning_rate, schedules_module.LearningRateSchedule):
            raise TypeError("%s: this optimizer was created with a LearningRateSchedule as "
                            "its learning_rate, so its learning rate is not settable to a "
                            "number; give it a new schedule instead" % type(self).__name__)
        if isinstance(self._learning_rate, Variable):
            self._learning_rate.assign(number)
        else:
            self._learning_rate = Variable(number, dtype="float32", trainable=False,
                                           name="learning_rate")

    lr = learning_rate   # TF-2 Keras's alias

    def _learning_rate_for(self, dtype):
        """The current learning rate as a tensor of ``dtype`` (a variable's dtype)."""
        return tf.cast(self.learning_rate, dtype)

    # --- slots ----------------------------------------------------------------------
    @property
    def variables(self):
        """The optimizer's own state: ``iterations``, the learning rate variable (not for
        a schedule) and every slot variable, in creation order.

        >>> import stage4_training as tf
        >>> opt = tf.keras.optimizers.Adam()
        >>> _ = opt.apply_gradients([(tf.constant([1.0]), tf.Variable([0.0]))])
        >>> len(opt.variables)    # iterations, learning rate, m, v
        4
        """
        own = [self._iterations]
        if isinstance(self._learning_rate, Variable):
            own.append(self._learning_rate)
        return own + [slot for _, _, slot in self._slot_order]

    def add_variable_from_reference(self, reference_variable, name, initial_value=None):
        """A slot variable for ``reference_variable``: its shape and dtype, non-trainable,
        zeros (or ``initial_value``, a number), named ``<variable>/<name>``.

        Records it (``get_slot`` finds it, checkpoints save it) and announces it with
        ``trackable.slot_created`` so a value restored before it existed lands in it.
        """
        value = tf.zeros_like(reference_variable)
        if initial_value is not None:
            value = value + float(initial_value)     # a Python float adopts the dtype
        base = reference_variable.name.split(":")[0]
        slot = Variable(value, trainable=False, name="%s/%s" % (base, name))
        entry = self._slots.setdefault(id(reference_variable), (reference_variable, {}))
        entry[1][name] = slot
        self._slot_order.append((reference_variable, name, slot))
        trackable.slot_created(self, reference_variable, name, slot)
        return slot

    def get_slot(self, variable, slot_name):
        """The slot ``slot_name`` of ``variable`` (TF's ``get_slot``).

        >>> import stage4_training as tf
        >>> w = tf.Variable([1.0, 2.0])
        >>> opt = tf.keras.optimizers.SGD(0.1, momentum=0.9)
        >>> _ = opt.apply_gradients([(tf.constant([1.0, 1.0]), w)])
        >>> opt.get_slot(w, "momentum").numpy()
        array([-0.1, -0.1], dtype=float32)
        """
        entry = self._slots.get(id(variable))
        if entry is None or slot_name not in entry[1]:
            names = sorted(entry[1]) if entry else []
            raise KeyError("%s.get_slot: no slot %r for variable %r; it has %s"
                           % (type(self).__name__, slot_name, getattr(variable, "name", variable),
                              names or "no slots (has it been trained yet?)"))
        return entry[1][slot_name]

    def get_slot_names(self):
        """The names of the slots this optimizer makes for each variable."""
        return list(dict.fromkeys(name for _, name, _ in self._slot_order))

    def build(self, variable):
        """Makes ``variable``'s slots; the base optimizer needs none."""

    # The checkpoint protocol (trackable.py): children by name, and the slots.
    def _checkpoint_children(self):
        children = {"iter": self._iterations}
        if isinstance(self._learning_rate, Variable):
            children["learning_rate"] = self._learning_rate
        return children

    def _slot_variables(self):
        return list(self._slot_order)

    # --- the step -------------------------------------------------------------------
    def apply_gradients(self, grads_and_vars, name=None):
        """Applies each ``(gradient, variable)`` pair; returns ``iterations``.

        >>> import stage4_training as tf
        >>> w = tf.Variable(3.0)
        >>> with tf.GradientTape() as tape:
        ...     loss = w * w
        >>> opt = tf.keras.optimizers.SGD(0.25)
        >>> step = opt.apply_gradients(zip([tape.gradient(loss, w)], [w]))
        >>> float(w), int(step)
        (1.5, 1)
        """
        pairs = self._checked_pairs(grads_and_vars)
        if active_tapes():
            with paused_tapes():
                self._apply(pairs)
        else:
            self._apply(pairs)
        return self._iterations

    def _apply(self, pairs):
        # Under a tf.distribute strategy every replica's gradients are summed
        # first (the default strategy, one replica, returns them as they are).
        gradients = distribute.get_strategy()._aggregate_gradients([g for g, _ in pairs])
        gradients = self._clip(gradients)
        for _, variable in pairs:
            if id(variable) not in self._slots:
                self._slots[id(variable)] = (variable, {})
                with init_scope():      # slots are made once, for real, even in a trace
                    self.build(variable)
        for gradient, (_, variable) in zip(gradients, pairs):
            learning_rate = self._learning_rate_for(variable.dtype)
            if self.weight_decay:
                variable.assign_sub(variable * float(self.weight_decay) * learning_rate)
            self._update_step(gradient, variable, learning_rate)
            if variable.constraint is not None:
                self._constrain(variable)
        self._iterations.assign_add(1)

    def _constrain(self, variable):
        """``variable.assign(variable.constraint(variable))``; an error names both."""
        try:
            variable.assign(variable.constraint(variable))
        except (OpError, TypeError, ValueError) as error:
            message = "%s: applying the constraint %r of variable %r after its update " \
                "failed: %s" % (type(self).__name__, variable.constraint, variable.name, error)
            if isinstance(error, OpError):
                raise type(error)(message, op=error.op) from error
            raise (TypeError if isinstance(error, TypeError) else ValueError)(
                message) from error

    def _checked_pairs(self, grads_and_vars):
        cls = type(self).__name__
        try:
            pairs = list(grads_and_vars)
        except TypeError:
            raise TypeError("%s.apply_gradients: expected (gradient, variable) pairs, e.g. "
                            "zip(grads, model.trainable_variables); got %r"
                            % (cls, grads_and_vars)) from None
        kept = []
        for pair in pairs:
            if not isinstance(pair, (tuple, list)) or len(pair) != 2:
                raise TypeError("%s.apply_gradients: expected (gradient, variable) pairs, got "
                                "the item %r; pass zip(grads, variables)" % (cls, pair))
            gradient, variable = pair
            if not isinstance(variable, Variable):
                raise TypeError("%s.apply_gradients: %r is not a tf.Variable; an optimizer can "
                                "only update variables" % (cls, variable))
            if gradient is None:
                warnings.warn("%s.apply_gradients: gradients do not exist for variable %r "
                              "(it does not affect the loss); it is left unchanged"
                              % (cls, variable.name), stacklevel=3)
                continue
            if not variable.dtype.is_floating:
                raise TypeError("%s.apply_gradients: variable %r is %s; only float variables "
                                "can be trained" % (cls, variable.name, variable.dtype.name))
            if not isinstance(gradient, Tensor):
                gradient = tf.convert_to_tensor(gradient, dtype=variable.dtype)
            if gradient.dtype != variable.dtype:
                raise TypeError("%s.apply_gradients: the gradient of %r is %s but the variable "
                                "is %s; they must match" % (cls, variable.name,
                                                             gradient.dtype.name,
                                                             variable.dtype.name))
            if gradient.shape != variable.shape:
                raise ValueError("%s.apply_gradients: the gradient of %r has shape %s but the "
                                 "variable has shape %s; they must match"
                                 % (cls, variable.name, tuple(gradient.shape),
                                    tuple(variable.shape)))
            kept.append((gradient, variable))
        if not kept:
            raise ValueError("%s.apply_gradients: no gradients provided for any variable "
                             "(%d pairs given, every gradient None): does the loss depend "
                             "on the variables?" % (cls, len(pairs)))
        return kept

    def _clip(self, gradients):
        if self.clipnorm is not None:
            return [tf.clip_by_norm(g, self.clipnorm) for g in gradients]
        if self.clipvalue is not None:
            return [tf.clip_by_value(g, -self.clipvalue, self.clipvalue) for g in gradients]
        if self.global_clipnorm is not None:
            # clip_by_global_norm: every gradient * clip / max(global norm, clip)
            # With ops, not Python floats, so that a traced step clips by each
            # call's norm rather than by the norm it saw while being traced.
            norm = tf.sqrt(tf.add_n([tf.reduce_sum(tf.cast(g, "float64") ** 2)
                                     for g in gradients]))
            scale = tf.minimum(tf.constant(1.0, "float64"), self.global_clipnorm / norm)
            return [g * tf.cast(scale, g.dtype) for g in gradients]
        return gradients

    def _update_step(self, gradient, variable, learning_rate):
        raise NotImplementedError("%s must define _update_step(gradient, variable, "
                                  "learning_rate)" % type(self).__name__)

    def minimize(self, loss, var_list, tape=None):
        """One step down the gradient of ``loss`` with respect to ``var_list``.

        ``loss`` is a zero-argument callable (run under a new tape) or a tensor
        computed under ``tape``; ``var_list`` a list of variables or a callable
        returning one. Returns ``iterations``.

        >>> import stage4_training as tf
        >>> w = tf.Variable(2.0)
        >>> opt = tf.keras.optimizers.SGD(0.5)
        >>> _ = opt.minimize(lambda: w * w, var_list=[w])   # dloss/dw = 4
        >>> float(w)
        0.0
        """
        cls = type(self).__name__
        if callable(loss):
            with GradientTape() as tape:
                if callable(var_list):
                    var_list = var_list()
                    tape.watch(list(var_list))
                loss = loss()
        elif tape is None:
            raise ValueError("%s.minimize: `tape` is required when a Tensor loss is passed; "
                             "pass a zero-argument function instead, e.g. "
                             "minimize(lambda: loss_fn(model(x), y), var_list)" % cls)
        if callable(var_list):
            var_list = var_list()
        var_list = list(var_list)
        for variable in var_list:
            if not isinstance(variable, Variable):
                raise TypeError("%s.minimize: var_list must hold tf.Variables, got %r (%s)"
                                % (cls, variable, type(variable).__name__))
        gradients = tape.gradient(loss, var_list)
        return self.apply_gradients(zip(gradients, var_list))

    # --- configs --------------------------------------------------------------------
    def get_config(self):
        """The optimizer's settings as plain data (a schedule as its ``serialize`` dict).

        >>> import stage4_training as tf
        >>> config = tf.keras.optimizers.SGD(0.1, momentum=0.9).get_config()
        >>> round(config["learning_rate"], 6), config["momentum"], config["name"]
        (0.1, 0.9, 'SGD')
        """
        if isinstance(self._learning_rate, schedules_module.LearningRateSchedule):
            rate = schedules_module.serialize(self._learning_rate)
        else:
            rate = float(self._learning_rate.numpy())
        return {"name": self.name, "learning_rate": rate, "weight_decay": self.weight_decay,
                "clipnorm": self.clipnorm, "clipvalue": self.clipvalue,
                "global_clipnorm": self.global_clipnorm}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """The optimizer ``get_config`` described."""
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = schedules_module.deserialize(
                config["learning_rate"], custom_objects=custom_objects)
        return cls(**config)

    def __repr__(self):
        return "<%s name=%r iterations=%d>" % (type(self).__name__, self.name,
                                               int(self._iterations.numpy()))
