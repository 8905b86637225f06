"""``SGD``: gradient descent, with optional (Nesterov) momentum.

Without momentum each step is ``variable -= learning_rate * gradient``. With it,
a ``momentum`` slot keeps a running velocity (Keras's form):

    m = momentum * m - learning_rate * gradient
    variable += m                                  # or, Nesterov:
    variable += momentum * m - learning_rate * gradient

>>> import stage4_training as tf
>>> w = tf.Variable(1.0)
>>> opt = tf.keras.optimizers.SGD(learning_rate=0.1, momentum=0.9)
>>> for _ in range(2):
...     _ = opt.apply_gradients([(tf.constant(1.0), w)])
>>> round(float(w), 6)     # 1 - 0.1 - (0.9 * 0.1 + 0.1)
0.71
"""

from .base_optimizer import Optimizer

__all__ = ["SGD"]


class SGD(Optimizer):
    """``SGD(learning_rate=0.01, momentum=0.0, nesterov=False, ...)``.

    >>> import stage4_training as tf
    >>> w = tf.Variable([1.0, 2.0])
    >>> _ = tf.keras.optimizers.SGD(0.5).apply_gradients([(tf.constant([2.0, 2.0]), w)])
    >>> w.numpy()
    array([0., 1.], dtype=float32)
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, name="SGD", **kwargs):
        super().__init__(learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, name=name,
                         **kwargs)
        self.momentum = self._check_number("momentum", momentum, at_least=0.0, at_most=1.0)
        self.nesterov = bool(nesterov)

    def build(self, variable):
        if self.momentum:
            self.add_variable_from_reference(variable, "momentum")

    def _update_step(self, gradient, variable, learning_rate):
        if not self.momentum:
            variable.assign_sub(learning_rate * gradient)
            return
        m = self.get_slot(variable, "momentum")
        m.assign(self.momentum * m - learning_rate * gradient)
        if self.nesterov:
            variable.assign_add(self.momentum * m - learning_rate * gradient)
        else:
            variable.assign_add(m)

    def get_config(self):
        config = super().get_config()
        config.update(momentum=self.momentum, nesterov=self.nesterov)
        return config
