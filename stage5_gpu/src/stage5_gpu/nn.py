"""``tf.nn``: stage 1's neural-network ops, plus the two loss helpers of
distributed training that TensorFlow keeps here.

In a custom training loop under a ``tf.distribute`` strategy each replica
sees only its shard of the global batch, and ``apply_gradients`` *sums* the
replicas' gradients. So each replica's loss must be its share of the global
mean: the sum of its per-example losses divided by the *global* batch size.

>>> import stage5_gpu as tf
>>> float(tf.nn.compute_average_loss(tf.constant([1.0, 2.0, 3.0]), global_batch_size=6))
1.0
"""

from stage1_tensors.nn import *  # noqa: F401,F403
from stage1_tensors.nn import __all__ as _stage1_names

import stage4_training as tf
from stage4_training import distribute

__all__ = sorted(set(_stage1_names) | {"compute_average_loss", "scale_regularization_loss"})


def compute_average_loss(per_example_loss, sample_weight=None, global_batch_size=None):
    """``sum(per_example_loss * sample_weight) / global_batch_size``: this
    replica's share of the global batch's mean loss. ``global_batch_size``
    defaults to this replica's batch times ``num_replicas_in_sync``.

    >>> import stage5_gpu as tf
    >>> float(tf.nn.compute_average_loss(tf.constant([1.0, 3.0])))
    2.0
    """
    per_example_loss = tf.convert_to_tensor(per_example_loss)
    if not per_example_loss.dtype.is_floating:
        raise TypeError("compute_average_loss: per_example_loss must be a float tensor, got "
                        "%s" % per_example_loss.dtype.name)
    if per_example_loss.shape.rank == 0:
        raise ValueError("compute_average_loss: per_example_loss must have at least rank 1 "
                         "(one loss per example), got a scalar; pass the losses before they "
                         "are reduced (e.g. from a loss object with reduction='none')")
    if sample_weight is not None:
        per_example_loss = per_example_loss * tf.cast(sample_weight, per_example_loss.dtype)
    if global_batch_size is None:
        rows = per_example_loss.shape[0]
        if rows is None:        # a traced batch of unknown size: the graph counts its rows
            rows = tf.shape(per_example_loss)[0]
        global_batch_size = rows * distribute.get_strategy().num_replicas_in_sync
    elif isinstance(global_batch_size, bool) or not isinstance(global_batch_size, int) \
            or global_batch_size <= 0:
        raise ValueError("compute_average_loss: global_batch_size must be a positive int, "
                         "got %r" % (global_batch_size,))
    return tf.reduce_sum(per_example_loss) / tf.cast(global_batch_size, per_example_loss.dtype)


def scale_regularization_loss(regularization_loss):
    """``sum(regularization_loss) / num_replicas_in_sync``: every replica adds the
    same penalty, and the gradients' sum must count it once.

    >>> import stage5_gpu as tf
    >>> float(tf.nn.scale_regularization_loss([tf.constant(0.5), tf.constant(1.5)]))
    2.0
    """
    if isinstance(regularization_loss, (list, tuple)):
        regularization_loss = tf.add_n([tf.convert_to_tensor(r) for r in regularization_loss])
    regularization_loss = tf.convert_to_tensor(regularization_loss)
    return regularization_loss / tf.cast(distribute.get_strategy().num_replicas_in_sync,
                                         regularization_loss.dtype)
