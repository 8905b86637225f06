"""The gradient registry: one gradient function per op name.

A gradient function receives the recorded op (its ``inputs``, ``outputs`` and
``attrs``) and the gradient of the loss with respect to each output, and returns
the gradient with respect to each input (``None`` where there is none). It is
written with the public ops, so a gradient can itself be differentiated.

>>> import stage2_autodiff as tf
>>> @tf.RegisterGradient("DocSquareExample")
... def _square_grad(op, grad):
...     return grad * 2.0 * op.inputs[0]
>>> tf.registry.gradient_function("DocSquareExample") is _square_grad
True
"""

from stage1_tensors.errors import NotFoundError
from stage1_tensors.registry import all_ops

__all__ = ["RegisterGradient", "register_gradient", "NotDifferentiable",
           "no_gradient", "gradient_function", "is_differentiable",
           "ops_without_gradient_rule"]

_GRADIENTS = {}         # op name -> fn(op, *output_grads) -> input grads
_NOT_DIFFERENTIABLE = set()


def register_gradient(op_name, fn):
    """Registers ``fn(op, *grads)`` as the gradient of the op called ``op_name``.

    >>> import stage2_autodiff as tf
    >>> tf.register_gradient("DocIdentityExample", lambda op, grad: grad)
    """
    if op_name in _GRADIENTS or op_name in _NOT_DIFFERENTIABLE:
        raise KeyError("a gradient for op %r is already registered" % op_name)
    _GRADIENTS[op_name] = fn


class RegisterGradient:
    """Decorator form of ``register_gradient``, spelled as in TensorFlow.

    >>> import stage2_autodiff as tf
    >>> @tf.RegisterGradient("DocNegExample")
    ... def _neg_grad(op, grad):
    ...     return -grad
    """

    def __init__(self, op_name):
        if not isinstance(op_name, str):
            raise TypeError("RegisterGradient needs an op name (a str), got %r"
                            % (op_name,))
        self._op_name = op_name

    def __call__(self, fn):
        register_gradient(self._op_name, fn)
        return fn


def no_gradient(op_name):
    """Declares that the op called ``op_name`` has no gradient (e.g. ``argmax``).

    Tapes skip such ops: their inputs get no gradient through them.

    >>> import stage2_autodiff as tf
    >>> tf.no_gradient("DocArgMaxExample")
    """
    if op_name in _GRADIENTS:
        raise KeyError("op %r already has a gradient registered" % op_name)
    _NOT_DIFFERENTIABLE.add(op_name)


NotDifferentiable = no_gradient


def gradient_function(op_name):
    """The gradient function registered for ``op_name``; None if it has none.

    Raises ``LookupError`` naming the op when nothing at all was declared for it.

    >>> import stage2_autodiff as tf
    >>> tf.registry.gradient_function("AddV2") is not None
    True
    """
    fn = _GRADIENTS.get(op_name)
    if fn is None and op_name not in _NOT_DIFFERENTIABLE:
        raise NotFoundError(
            "no gradient is registered for op %r; declare one with "
            "@tf.RegisterGradient(%r) or mark it with tf.no_gradient(%r)"
            % (op_name, op_name, op_name))
    return fn


def is_differentiable(op_name):
    """Whether the op has a gradient function.

    >>> import stage2_autodiff as tf
    >>> tf.registry.is_differentiable("AddV2")
    True
    """
    return op_name in _GRADIENTS


def ops_without_gradient_rule():
    """Registered ops that have neither a gradient nor a ``no_gradient`` mark.

    Our tests assert this is empty, so adding an op forces a decision about it.

    >>> import stage2_autodiff as tf
    >>> isinstance(tf.registry.ops_without_gradient_rule(), list)
    True
    """
    return sorted(name for name in all_ops()
                  if name not in _GRADIENTS and name not in _NOT_DIFFERENTIABLE)
