"""A tiny timing library: warm up, then take the median of interleaved repeats.

Why not just ``timeit``? Two things matter for *ratios* on a noisy machine:

* **Interleaving.** Every repeat times each implementation once, in turn, so a
  slow stretch of the machine (another process, frequency scaling) hits them all
  alike instead of spoiling one implementation's numbers.
* **Medians.** One unlucky repeat cannot move a median; the spread (quartiles)
  is reported next to it so a reader can see how stable the number is.

Like ``timeit``, each repeat runs the function in a loop long enough
(``min_time``) that the clock's resolution does not matter. Unlike ``timeit``,
the garbage collector stays on: a library that leaves cyclic garbage behind
should pay for collecting it, as it does in real use.

>>> t = compare({"a": lambda: sum(range(10))}, repeat=3, min_time=0.001)
>>> sorted(t), t["a"].median > 0
(['a'], True)
"""

import statistics
import time

__all__ = ["Timing", "compare", "calls_for", "format_seconds", "CLOCKS", "use_clock"]

# "wall" is what a user waits for. "cpu" counts only the CPU time this process
# got (all its threads), so other programs running at the same time hardly
# disturb it; but it also counts BLAS threads spinning while they wait.
CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}
_clock = CLOCKS["wall"]


def use_clock(name):
    """Selects the clock every later measurement uses: ``"wall"`` or ``"cpu"``."""
    global _clock
    _clock = CLOCKS[name]


class Timing:
    """Seconds per call of one implementation: ``median`` and quartiles ``q1``, ``q3``."""

    __slots__ = ("median", "q1", "q3", "number", "repeat")

    def __init__(self, samples, number):
        samples = sorted(samples)
        self.median = statistics.median(samples)
        if len(samples) >= 4:
            self.q1, _, self.q3 = statistics.quantiles(samples, n=4)
        else:
            self.q1, self.q3 = samples[0], samples[-1]
        self.number = number
        self.repeat = len(samples)

    @property
    def spread(self):
        """The interquartile range relative to the median (0.02 means +-1%)."""
        return (self.q3 - self.q1) / self.median if self.median else 0.0

    def __repr__(self):
        return "Timing(%s per call, spread %.0f%%, %d x %d calls)" % (
            format_seconds(self.median), 100 * self.spread, self.repeat, self.number)


def _loop(fn, number):
    start = _clock()
    for _ in range(number):
        fn()
    return _clock() - start


def calls_for(fn, min_time):
    """How many calls of ``fn`` take at least ``min_time`` seconds (1, 2, 5, 10, ...).

    The calls made to find out also serve as the warm-up.
    """
    number = 1
    while True:
        for step in (1, 2, 5):
            n = number * step
            if _loop(fn, n) >= min_time:
                return n
        number *= 10


def compare(impls, repeat=7, min_time=0.05, warmup=1):
    """Times each zero-argument callable in ``impls`` (label -> fn), interleaved.

    Returns label -> ``Timing``. ``warmup`` untimed calls come first (caches,
    lazy imports, BLAS thread pools), then each repeat runs every
    implementation's loop once, in turn.
    """
    numbers = {}
    for label, fn in impls.items():
        for _ in range(warmup):
            fn()
        numbers[label] = calls_for(fn, min_time)
    samples = {label: [] for label in impls}
    for _ in range(repeat):
        for label, fn in impls.items():
            n = numbers[label]
            samples[label].append(_loop(fn, n) / n)
    return {label: Timing(s, numbers[label]) for label, s in samples.items()}


def format_seconds(seconds):
    """A duration with a readable unit.

    >>> format_seconds(2.5e-6), format_seconds(0.0123), format_seconds(3.0)
    ('2.50 µs', '12.3 ms', '3.00 s')
    """
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if seconds >= scale or unit == "ns":
            value = seconds / scale
            digits = 2 if value < 10 else 1 if value < 100 else 0
            return "%.*f %s" % (digits, value, unit)
    raise AssertionError("unreachable")
