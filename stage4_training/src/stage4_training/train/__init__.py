"""``tf.train``: object-based checkpoints and the TF-1 optimizer names the seeds use.

``Checkpoint``, ``CheckpointManager`` and ``latest_checkpoint`` save and restore
the variables reachable from the objects you hand them; ``GradientDescentOptimizer``,
``AdamOptimizer`` and ``get_or_create_global_step`` keep the seeds' TF-1 code running.
"""

from .checkpoint import *  # noqa: F401,F403
from .global_step import *  # noqa: F401,F403
from .optimizers import *  # noqa: F401,F403
