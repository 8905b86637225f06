"""Python operators on tensors: ``a + b`` is ``tf.add(a, b)``, and so on.

Each operator is a tiny function that hands its op straight to the dispatcher,
so ``a + b`` costs one Python call more than NumPy's own ``+`` and is seen by
every observer (the tape) exactly like ``tf.add(a, b)``.

>>> import stage1_tensors as tf
>>> a = tf.constant([[1, 2], [3, 4]])
>>> print(a * (a + 1) - a // 2)
tf.Tensor([[ 2  5]
           [11 18]], shape=(2, 2), dtype=int32)
>>> import numpy as np
>>> type(np.ones([2, 2], np.int32) + a).__name__
'Tensor'
"""

from .dispatch import execute
from .ops import binary_ops as b
from .ops import unary_ops as u
from .ops.indexing_ops import getitem
from .ops.linalg_ops import MatMul
from .tensor import Tensor

__all__ = []


def _binary(op):
    def forward(self, other):
        return execute(op, (self, other))

    def reflected(self, other):
        return execute(op, (other, self))
    return forward, reflected


_OPERATORS = {
    "add": b.AddV2, "sub": b.Sub, "mul": b.Mul, "truediv": b.TrueDiv,
    "floordiv": b.FloorDiv, "mod": b.FloorMod, "pow": b.Pow,
    "matmul": MatMul, "and": b.LogicalAnd, "or": b.LogicalOr,
    "xor": b.LogicalXor,
}

for _name, _op in _OPERATORS.items():
    _forward, _reflected = _binary(_op)
    setattr(Tensor, "__%s__" % _name, _forward)
    setattr(Tensor, "__r%s__" % _name, _reflected)

Tensor.__lt__ = lambda self, other: execute(b.Less, (self, other))
Tensor.__le__ = lambda self, other: execute(b.LessEqual, (self, other))
Tensor.__gt__ = lambda self, other: execute(b.Greater, (self, other))
Tensor.__ge__ = lambda self, other: execute(b.GreaterEqual, (self, other))


def _eq(self, other):
    # ``t == None`` is a question about identity, not values (TensorFlow agrees).
    return False if other is None else execute(b.Equal, (self, other))


def _ne(self, other):
    return True if other is None else execute(b.NotEqual, (self, other))


Tensor.__eq__ = _eq
Tensor.__ne__ = _ne
Tensor.__neg__ = lambda self: execute(u.Neg, (self,))
Tensor.__pos__ = lambda self: self
Tensor.__abs__ = lambda self: u.abs(self)     # (ComplexAbs for a complex tensor)
Tensor.__invert__ = lambda self: execute(u.LogicalNot, (self,))
Tensor.__getitem__ = getitem
