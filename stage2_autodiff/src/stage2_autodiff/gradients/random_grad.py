"""Random ops have no gradient (``stage1_tensors/random.py``).

A random draw does not depend smoothly on anything: its inputs are a shape and
seeds. ``random.normal(..., mean, stddev)`` is still differentiable in ``mean``
and ``stddev``, because those are applied with ordinary ``*`` and ``+`` ops
after the draw.

>>> import stage2_autodiff as tf
>>> tf.registry.is_differentiable("RandomStandardNormal")
False
"""

from ..registry import no_gradient

__all__ = []

for _name in ("RandomStandardNormal", "RandomUniform", "RandomUniformInt", "TruncatedNormal",
              "RandomShuffle", "Multinomial"):
    no_gradient(_name)
