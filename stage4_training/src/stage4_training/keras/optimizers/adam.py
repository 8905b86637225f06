"""``Adam`` and ``AdamW``: momentum and a per-element step size from gradient moments.

Two slots per variable, ``m`` (the mean of the gradients) and ``v`` (the mean of
their squares), both exponential moving averages that start at zero. At step
``t`` (``iterations + 1``), Keras's form, with the bias correction folded into
the step size:

    m += (gradient - m) * (1 - beta_1)
    v += (gradient**2 - v) * (1 - beta_2)
    alpha = learning_rate * sqrt(1 - beta_2**t) / (1 - beta_1**t)
    variable -= alpha * m / (sqrt(v) + epsilon)

``amsgrad=True`` keeps ``vhat``, the largest ``v`` so far, and divides by it.
``AdamW`` first decays the weights: ``variable -= variable * weight_decay * learning_rate``.

>>> import stage4_training as tf
>>> w = tf.Variable(1.0)
>>> _ = tf.keras.optimizers.Adam(learning_rate=0.1).apply_gradients([(tf.constant(5.0), w)])
>>> round(float(w), 4)     # the first step is about learning_rate, whatever the gradient
0.9
"""

import stage3_layers as tf

from .base_optimizer import Optimizer

__all__ = ["Adam", "AdamW"]


class Adam(Optimizer):
    """``Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False, ...)``.

    >>> import stage4_training as tf
    >>> w = tf.Variable([1.0, 1.0])
    >>> opt = tf.keras.optimizers.Adam(0.01)
    >>> _ = opt.apply_gradients([(tf.constant([1.0, -3.0]), w)])
    >>> w.numpy().round(4)
    array([0.99, 1.01], dtype=float32)
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, name="Adam", **kwargs):
        super().__init__(learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, name=name,
                         **kwargs)
        self.beta_1 = self._check_number("beta_1", beta_1, at_least=0.0, below=1.0)
        self.beta_2 = self._check_number("beta_2", beta_2, at_least=0.0, below=1.0)
        self.epsilon = self._check_number("epsilon", epsilon, at_least=0.0)
        self.amsgrad = bool(amsgrad)

    def build(self, variable):
        self.add_variable_from_reference(variable, "m")
        self.add_variable_from_reference(variable, "v")
        if self.amsgrad:
            self.add_variable_from_reference(variable, "vhat")

    def _update_step(self, gradient, variable, learning_rate):
        # The bias correction is computed with ops (as Keras does), so a traced
        # step uses each call's step count rather than the one it was traced with.
        t = tf.cast(self.iterations + 1, variable.dtype)
        correction = tf.sqrt(1.0 - self.beta_2 ** t) / (1.0 - self.beta_1 ** t)
        alpha = learning_rate * correction
        m, v = self.get_slot(variable, "m"), self.get_slot(variable, "v")
        m.assign_add((gradient - m) * (1.0 - self.beta_1))
        v.assign_add((tf.square(gradient) - v) * (1.0 - self.beta_2))
        if self.amsgrad:
            vhat = self.get_slot(variable, "vhat")
            vhat.assign(tf.maximum(vhat, v))
            v = vhat
        variable.assign_sub(m * alpha / (tf.sqrt(v) + self.epsilon))

    def get_config(self):
        config = super().get_config()
        config.update(beta_1=self.beta_1, beta_2=self.beta_2, epsilon=self.epsilon,
                      amsgrad=self.amsgrad)
        return config


class AdamW(Adam):
    """``AdamW(learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999,
    epsilon=1e-7, amsgrad=False, ...)``: Adam with decoupled weight decay.

    >>> import stage4_training as tf
    >>> w = tf.Variable(1.0)
    >>> opt = tf.keras.optimizers.AdamW(learning_rate=0.1, weight_decay=0.5)
    >>> _ = opt.apply_gradients([(tf.constant(0.0), w)])   # no gradient: only the decay
    >>> round(float(w), 4)                                 # 1 - 1 * 0.5 * 0.1
    0.95
    """

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-7, amsgrad=False, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, name="AdamW", **kwargs):
        if weight_decay is None:
            raise ValueError("AdamW: weight_decay must be a number (the default is 0.004); "
                             "for no decay use Adam")
        super().__init__(learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon,
                         amsgrad=amsgrad, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, name=name,
                         **kwargs)
