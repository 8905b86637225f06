"""The TF-1 optimizers (``tf.train.GradientDescentOptimizer`` ...), as the seeds use them.

TF-1 code names the optimizers differently and passes the global step along:

>>> import stage4_training as tf
>>> w = tf.Variable(3.0)
>>> optimizer = tf.train.GradientDescentOptimizer(learning_rate=0.1)
>>> step = tf.train.get_or_create_global_step()
>>> before = int(step)
>>> optimizer.minimize(lambda: w * w, global_step=step)    # dloss/dw = 6
>>> round(float(w), 4), int(step) - before
(2.4, 1)

Each class here *is* its Keras optimizer (a thin subclass: the update rule is
the Keras one) with TF-1's argument names and defaults, and with TF-1's
``apply_gradients(grads_and_vars, global_step=None)`` (adds one to
``global_step`` when given), ``compute_gradients(loss, var_list=None)`` and
``minimize(loss, global_step=None, var_list=None)``, where ``loss`` is a function
of no arguments (eager TF-1 asks the same) and ``var_list`` defaults to the
trainable variables the loss read.

Where TF-1's rule differs from Keras's, the difference is kept:
``AdamOptimizer``'s ``epsilon`` defaults to 1e-8, ``RMSPropOptimizer`` starts its
mean square at ones and its ``epsilon`` at 1e-10, ``AdagradOptimizer`` has no
``epsilon``. ``MomentumOptimizer`` keeps ``accum = momentum * accum + gradient``
and steps ``learning_rate * accum``; Keras's SGD keeps the velocity with the
learning rate inside, which is the same trajectory while the learning rate is
constant (the form used here).
"""

from stage2_autodiff import GradientTape, Variable

from ..keras.optimizers import SGD, Adagrad, Adam, RMSprop

__all__ = ["Optimizer", "GradientDescentOptimizer", "MomentumOptimizer", "AdamOptimizer",
           "RMSPropOptimizer", "AdagradOptimizer"]


class Optimizer:
    """What the TF-1 forms add to a Keras optimizer (a mixin: it comes first in their
    bases, so ``isinstance(opt, tf.train.Optimizer)`` holds for each of them).

    >>> import stage4_training as tf
    >>> isinstance(tf.train.AdamOptimizer(), tf.train.Optimizer)
    True
    """

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        """Applies the ``(gradient, variable)`` pairs, then adds one to ``global_step``
        (when given). Returns None (in eager TF-1 the returned op is nothing to run).

        >>> import stage4_training as tf
        >>> w, step = tf.Variable(1.0), tf.Variable(0, dtype=tf.int64)
        >>> tf.train.GradientDescentOptimizer(0.5).apply_gradients(
        ...     [(tf.constant(1.0), w)], global_step=step)
        >>> float(w), int(step)
        (0.5, 1)
        """
        if global_step is not None and not (isinstance(global_step, Variable)
                                            and global_step.dtype.is_integer):
            raise TypeError("%s.apply_gradients: global_step must be an integer tf.Variable "
                            "(tf.train.get_or_create_global_step()), got %r"
                            % (type(self).__name__, global_step))
        super().apply_gradients(grads_and_vars)
        if global_step is not None:
            global_step.assign_add(1)

    def compute_gradients(self, loss, var_list=None, **unused):
        """``[(gradient, variable), ...]`` of ``loss()`` (a function of no arguments) with
        respect to ``var_list``, or to the trainable variables it read.

        >>> import stage4_training as tf
        >>> w = tf.Variable(2.0)
        >>> [(float(g), v is w) for g, v in tf.train.AdamOptimizer().compute_gradients(lambda: w * w)]
        [(4.0, True)]
        """
        if not callable(loss):
            raise RuntimeError("%s.compute_gradients: `loss` should be a function when eager "
                               "execution is enabled, e.g. minimize(lambda: loss(model, x, y)); "
                               "got %r" % (type(self).__name__, loss))
        with GradientTape() as tape:
            if var_list is not None:
                var_list = list(var_list)
                for variable in var_list:
                    if not isinstance(variable, Variable):
                        raise TypeError("%s.compute_gradients: var_list must hold "
                                        "tf.Variables, got %r (%s)"
                                        % (type(self).__name__, variable,
                                           type(variable).__name__))
                tape.watch(var_list)
            value = loss()
        if var_list is None:
            var_list = [v for v in tape.watched_variables() if v.trainable]
            if not var_list:
                raise ValueError("%s.compute_gradients: the loss read no trainable variable; "
                                 "pass var_list" % type(self).__name__)
        return list(zip(tape.gradient(value, var_list), var_list))

    def minimize(self, loss, global_step=None, var_list=None, **unused):
        """One step down the gradient of ``loss()``; adds one to ``global_step`` when given.

        >>> import stage4_training as tf
        >>> w = tf.Variable(1.0)
        >>> tf.train.MomentumOptimizer(0.5, momentum=0.9).minimize(lambda: 2.0 * w)
        >>> float(w)
        0.0
        """
        self.apply_gradients(self.compute_gradients(loss, var_list), global_step=global_step)


class GradientDescentOptimizer(Optimizer, SGD):
    """``GradientDescentOptimizer(learning_rate, use_locking=False, name="GradientDescent")``:
    ``variable -= learning_rate * gradient``.

    >>> import stage4_training as tf
    >>> w = tf.Variable([1.0, 2.0])
    >>> tf.train.GradientDescentOptimizer(0.5).apply_gradients([(tf.constant([2.0, 2.0]), w)])
    >>> w.numpy()
    array([0., 1.], dtype=float32)
    """

    def __init__(self, learning_rate, use_locking=False, name="GradientDescent"):
        super().__init__(learning_rate=learning_rate, name=name)

    def get_config(self):
        return {"learning_rate": float(self._learning_rate.numpy()), "name": self.name}


class MomentumOptimizer(Optimizer, SGD):
    """``MomentumOptimizer(learning_rate, momentum, use_locking=False, name="Momentum",
    use_nesterov=False)``: ``accum = momentum * accum + gradient``, ``variable -= learning_rate * accum``.

    >>> import stage4_training as tf
    >>> w = tf.Variable(0.0)
    >>> opt = tf.train.MomentumOptimizer(0.1, momentum=0.5)
    >>> for _ in range(2):
    ...     opt.apply_gradients([(tf.constant(1.0), w)])
    >>> round(float(w), 6)       # -(0.1 * 1) - (0.1 * 1.5)
    -0.25
    """

    def __init__(self, learning_rate, momentum, use_locking=False, name="Momentum",
                 use_nesterov=False):
        super().__init__(learning_rate=learning_rate, momentum=momentum,
                         nesterov=use_nesterov, name=name)

    def get_config(self):
        return {"learning_rate": float(self._learning_rate.numpy()), "momentum": self.momentum,
                "use_nesterov": self.nesterov, "name": self.name}


class AdamOptimizer(Optimizer, Adam):
    """``AdamOptimizer(learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8,
    use_locking=False, name="Adam")``: TF-1's Adam (its epsilon is the "epsilon hat"
    added to ``sqrt(v)``, as in Keras's rule).

    >>> import stage4_training as tf
    >>> w = tf.Variable(1.0)
    >>> tf.train.AdamOptimizer(learning_rate=0.1).apply_gradients([(tf.constant(3.0), w)])
    >>> round(float(w), 4)       # the first step is about learning_rate
    0.9
    """

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8,
                 use_locking=False, name="Adam"):
        super().__init__(learning_rate=learning_rate, beta_1=beta1, beta_2=beta2,
                         epsilon=epsilon, name=name)

    def get_config(self):
        return {"learning_rate": float(self._learning_rate.numpy()), "beta1": self.beta_1,
                "beta2": self.beta_2, "epsilon": self.epsilon, "name": self.name}


class RMSPropOptimizer(Optimizer, RMSprop):
    """``RMSPropOptimizer(learning_rate, decay=0.9, momentum=0.0, epsilon=1e-10,
    use_locking=False, centered=False, name="RMSProp")``: the mean square starts at ones.

    >>> import stage4_training as tf
    >>> w = tf.Variable(1.0)
    >>> tf.train.RMSPropOptimizer(0.1).apply_gradients([(tf.constant(3.0), w)])
    >>> round(float(w), 4)       # 1 - 0.1 * 3 / sqrt(0.9 * 1 + 0.1 * 9)
    0.7764
    """

    _initial_velocity = 1.0

    def __init__(self, learning_rate, decay=0.9, momentum=0.0, epsilon=1e-10,
                 use_locking=False, centered=False, name="RMSProp"):
        super().__init__(learning_rate=learning_rate, rho=decay, momentum=momentum,
                         epsilon=epsilon, centered=centered, name=name)

    def get_config(self):
        return {"learning_rate": float(self._learning_rate.numpy()), "decay": self.rho,
                "momentum": self.momentum, "epsilon": self.epsilon,
                "centered": self.centered, "name": self.name}


class AdagradOptimizer(Optimizer, Adagrad):
    """``AdagradOptimizer(learning_rate, initial_accumulator_value=0.1, use_locking=False,
    name="Adagrad")``: ``variable -= learning_rate * gradient / sqrt(accumulator)``.

    >>> import stage4_training as tf
    >>> w = tf.Variable(1.0)
    >>> tf.train.AdagradOptimizer(0.1, initial_accumulator_value=0.0).apply_gradients(
    ...     [(tf.constant(3.0), w)])
    >>> round(float(w), 4)       # 1 - 0.1 * 3 / sqrt(9)
    0.9
    """

    def __init__(self, learning_rate, initial_accumulator_value=0.1, use_locking=False,
                 name="Adagrad"):
        super().__init__(learning_rate=learning_rate,
                         initial_accumulator_value=initial_accumulator_value, epsilon=0.0,
                         name=name)

    def get_config(self):
        return {"learning_rate": float(self._learning_rate.numpy()),
                "initial_accumulator_value": self.initial_accumulator_value,
                "name": self.name}
