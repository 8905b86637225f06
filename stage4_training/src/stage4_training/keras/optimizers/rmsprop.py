"""``RMSprop``: divide each step by a running root mean square of the gradients.

The ``velocity`` slot is a moving average of the squared gradients; elements
with large gradients get small steps (Keras's form, ``epsilon`` inside the root):

    velocity = rho * velocity + (1 - rho) * gradient**2
    step = learning_rate * gradient / sqrt(velocity + epsilon)
    variable -= step

``centered=True`` also keeps ``average_gradient`` (a moving mean of the
gradients) and divides by the estimated variance instead,
``sqrt(velocity - average_gradient**2 + epsilon)``. ``momentum > 0`` keeps a
``momentum`` slot: ``momentum_slot = momentum * momentum_slot + step`` and
``variable -= momentum_slot``.

>>> import stage4_training as tf
>>> w = tf.Variable(1.0)
>>> _ = tf.keras.optimizers.RMSprop(learning_rate=0.01).apply_gradients([(tf.constant(2.0), w)])
>>> round(float(w), 4)     # 1 - 0.01 * 2 / sqrt(0.1 * 4)
0.9684
"""

import stage3_layers as tf

from .base_optimizer import Optimizer

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """``RMSprop(learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False, ...)``.

    >>> import stage4_training as tf
    >>> opt = tf.keras.optimizers.RMSprop(centered=True, momentum=0.5)
    >>> _ = opt.apply_gradients([(tf.constant([1.0]), tf.Variable([0.0]))])
    >>> opt.get_slot_names()
    ['velocity', 'momentum', 'average_gradient']
    """

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7,
                 centered=False, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, name="RMSprop", **kwargs):
        super().__init__(learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, name=name,
                         **kwargs)
        self.rho = self._check_number("rho", rho, at_least=0.0, at_most=1.0)
        self.momentum = self._check_number("momentum", momentum, at_least=0.0, at_most=1.0)
        self.epsilon = self._check_number("epsilon", epsilon, at_least=0.0)
        self.centered = bool(centered)

    def build(self, variable):
        self.add_variable_from_reference(variable, "velocity",
                                         initial_value=self._initial_velocity)
        if self.momentum > 0:
            self.add_variable_from_reference(variable, "momentum")
        if self.centered:
            self.add_variable_from_reference(variable, "average_gradient")

    _initial_velocity = None     # zeros; TF-1's RMSPropOptimizer starts at ones

    def _update_step(self, gradient, variable, learning_rate):
        velocity = self.get_slot(variable, "velocity")
        velocity.assign(self.rho * velocity + (1.0 - self.rho) * tf.square(gradient))
        if self.centered:
            average = self.get_slot(variable, "average_gradient")
            average.assign(self.rho * average + (1.0 - self.rho) * gradient)
            denominator = velocity - tf.square(average) + self.epsilon
        else:
            denominator = velocity + self.epsilon
        increment = learning_rate * gradient / tf.sqrt(denominator)
        if self.momentum > 0:
            momentum = self.get_slot(variable, "momentum")
            momentum.assign(self.momentum * momentum + increment)
            variable.assign_sub(momentum)
        else:
            variable.assign_sub(increment)

    def get_config(self):
        config = super().get_config()
        config.update(rho=self.rho, momentum=self.momentum, epsilon=self.epsilon,
                      centered=self.centered)
        return config
