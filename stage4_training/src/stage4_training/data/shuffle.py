"""Shuffling a stream with a bounded buffer, TensorFlow's way.

A stream may be far larger than memory, so ``shuffle`` never holds more than
``buffer_size`` elements: it fills a buffer, then repeatedly hands out the
element in a random slot and puts the next input element into that slot.
An element can therefore only move forward by about ``buffer_size`` places:
``buffer_size=1`` keeps the order, and a buffer as large as the data set is
a uniform random permutation.

>>> from stage4_training.data.shuffle import shuffle_stream, random_draws
>>> list(shuffle_stream(range(5), 1, random_draws([1])))
[0, 1, 2, 3, 4]
>>> sorted(shuffle_stream(range(5), 5, random_draws([1])))
[0, 1, 2, 3, 4]

The seeds follow ``tf.random``: ``set_seed`` and/or a ``seed=`` argument make
the order reproducible; each new pass over the data (an *epoch*) gets its own
order unless ``reshuffle_each_iteration=False``.
"""

import itertools

import numpy as np

from stage1_tensors import random as _random

__all__ = ["shuffle_stream", "random_draws", "dataset_seed"]

_DRAW_BLOCK = 1024


def shuffle_stream(items, buffer_size, draws):
    """The items of ``items`` in buffered random order; ``draws`` yields random ints.

    >>> from stage4_training.data.shuffle import shuffle_stream, random_draws
    >>> list(shuffle_stream("abcdef", 3, random_draws([7])))
    ['a', 'b', 'd', 'e', 'c', 'f']
    """
    items = iter(items)
    buffer = list(itertools.islice(items, buffer_size))     # 1. fill the buffer
    while buffer:
        slot = next(draws) % len(buffer)                     # 2. pick a random slot
        yield buffer[slot]
        for item in items:                                   # 3. refill it with the next input
            buffer[slot] = item
            break
        else:                                                # ... or, the input done, close the gap
            buffer[slot] = buffer[-1]
            buffer.pop()


def random_draws(entropy):
    """An endless stream of random non-negative ints from a seeded NumPy generator.

    They are drawn in blocks (one NumPy call per 1024 draws), which keeps the
    shuffle loop cheap; the stream is the same however it is consumed.

    >>> from stage4_training.data.shuffle import random_draws
    >>> draws = random_draws([3])
    >>> next(draws) == next(random_draws([3]))
    True
    """
    generator = np.random.default_rng(np.random.SeedSequence(entropy))
    while True:
        yield from generator.integers(0, 2 ** 62, _DRAW_BLOCK, dtype=np.int64).tolist()


def dataset_seed(seed):
    """The entropy a ``shuffle(seed=seed)`` made now starts from, by TensorFlow's seed rules.

    * a global seed (``tf.random.set_seed``) and/or an op seed: reproducible;
      without an op seed, the next one is drawn from the global seed's stream,
      so the same program after the same ``set_seed`` gets the same orders;
    * no seed at all: fresh entropy, a different order every run.

    >>> import stage4_training as tf
    >>> from stage4_training.data.shuffle import dataset_seed
    >>> tf.random.set_seed(5)
    >>> dataset_seed(9)
    [5, 9]
    """
    global_seed, op_seed = _random.get_seed(seed)
    if global_seed is None:
        return [np.random.SeedSequence().entropy]
    if op_seed is None:
        op_seed = int(_random.generator(np).integers(2 ** 31))
    return [global_seed % 2 ** 64, int(op_seed) % 2 ** 64]
