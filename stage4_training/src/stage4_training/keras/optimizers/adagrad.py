"""``Adagrad``: each element's step shrinks with the sum of its squared gradients.

One slot, ``accumulator``, starting at ``initial_accumulator_value``:

    accumulator += gradient**2
    variable -= learning_rate * gradient / sqrt(accumulator + epsilon)

>>> import stage4_training as tf
>>> w = tf.Variable(1.0)
>>> _ = tf.keras.optimizers.Adagrad(learning_rate=0.1).apply_gradients([(tf.constant(1.0), w)])
>>> round(float(w), 4)     # 1 - 0.1 * 1 / sqrt(0.1 + 1)
0.9047
"""

import stage3_layers as tf

from .base_optimizer import Optimizer

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    """``Adagrad(learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7, ...)``.

    >>> import stage4_training as tf
    >>> w = tf.Variable([1.0, 1.0])
    >>> opt = tf.keras.optimizers.Adagrad(1.0, initial_accumulator_value=0.0, epsilon=0.0)
    >>> _ = opt.apply_gradients([(tf.constant([3.0, -4.0]), w)])
    >>> w.numpy()              # the first step is learning_rate * sign(gradient)
    array([0., 2.], dtype=float32)
    """

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 name="Adagrad", **kwargs):
        super().__init__(learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, name=name,
                         **kwargs)
        self.initial_accumulator_value = self._check_number(
            "initial_accumulator_value", initial_accumulator_value, at_least=0.0)
        self.epsilon = self._check_number("epsilon", epsilon, at_least=0.0)

    def build(self, variable):
        self.add_variable_from_reference(variable, "accumulator",
                                         initial_value=self.initial_accumulator_value)

    def _update_step(self, gradient, variable, learning_rate):
        accumulator = self.get_slot(variable, "accumulator")
        accumulator.assign_add(tf.square(gradient))
        variable.assign_sub(learning_rate * gradient / tf.sqrt(accumulator + self.epsilon))

    def get_config(self):
        config = super().get_config()
        config.update(initial_accumulator_value=self.initial_accumulator_value,
                      epsilon=self.epsilon)
        return config
