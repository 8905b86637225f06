"""``Model`` and ``Sequential`` that train (placeholder until the training loop lands:
stage 3's classes as they are)."""

from stage3_layers.keras.models import Model, Sequential  # noqa: F401

__all__ = ["Model", "Sequential"]
