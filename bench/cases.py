"""What a benchmark case is: implementations of one computation, and its targets.

A ``Case`` holds zero-argument callables that all compute the same thing, keyed
by label: ``"numpy"`` (the raw NumPy baseline every ratio is taken against),
``"ours"`` (this course's library), and peers such as ``"torch"`` when they are
installed. ``Target``\\ s state the goals of the issue as ratios between two of
those labels, so a result reads "met" or "missed by 12%" without any judgement
call. A ``Skip`` stands in for a case that cannot run yet, with the reason.
"""

import numpy as np

__all__ = ["Case", "Target", "Skip", "Outcome", "agree", "build_or_skip"]


class Target:
    """``label`` must take at most ``at_most`` times as long as ``reference``."""

    def __init__(self, label, reference, at_most, text):
        self.label = label
        self.reference = reference
        self.at_most = at_most
        self.text = text

    def judge(self, timings):
        """An ``Outcome`` for these timings (label -> Timing)."""
        if self.label not in timings or self.reference not in timings:
            missing = self.reference if self.label in timings else self.label
            return Outcome(self, None, "not measured (%s is not installed)" % missing)
        ratio = timings[self.label].median / timings[self.reference].median
        verdict = ("met" if ratio <= self.at_most
                   else "missed by %.0f%%" % (100 * (ratio / self.at_most - 1)))
        # A verdict closer to the line than the repeats' own scatter could flip
        # on the next run: say so rather than pretend.
        spread = max(timings[self.label].spread, timings[self.reference].spread)
        if abs(ratio / self.at_most - 1) < spread:
            verdict += " (inconclusive: within the %.0f%% spread)" % (100 * spread)
        return Outcome(self, ratio, verdict)


class Outcome:
    """A judged target: the measured ratio (or None) and a verdict."""

    def __init__(self, target, ratio, verdict):
        self.target = target
        self.ratio = ratio
        self.verdict = verdict

    @property
    def met(self):
        return self.verdict.startswith("met")

    def __str__(self):
        if self.ratio is None:
            return "%s: %s" % (self.target.text, self.verdict)
        return "%s: %.2fx, %s" % (self.target.text, self.ratio, self.verdict)


class Case:
    """One computation timed several ways.

    ``impls`` maps labels to zero-argument callables; ``numpy`` is the baseline.
    ``repeat``/``min_time``/``warmup`` are handed to ``timing.compare``; heavy
    cases use fewer repeats. ``notes`` are shown under the result table.
    """

    def __init__(self, name, impls, targets=(), notes=(), repeat=7,
                 min_time=0.05, warmup=1):
        if "numpy" not in impls:
            raise ValueError("case %r needs a 'numpy' baseline" % name)
        self.name = name
        self.impls = dict(impls)
        self.targets = list(targets)
        self.notes = list(notes)
        self.repeat = repeat
        self.min_time = min_time
        self.warmup = warmup


class Skip:
    """A case that cannot run here (a missing op or stage), and why."""

    def __init__(self, name, reason):
        self.name = name
        self.reason = reason


def build_or_skip(name, build):
    """``build()``'s Case, named ``name``; or a Skip naming what the library still
    lacks (a missing op or gradient), so one unfinished piece skips one case."""
    try:
        case = build()
    except (LookupError, NotImplementedError, AttributeError) as error:
        return Skip(name, "%s: %s" % (type(error).__name__, error))
    case.name = name
    return case


def agree(name, results, rtol=1e-4, atol=1e-5):
    """Checks that every implementation computed the same numbers.

    ``results`` maps labels to an array or a list of arrays (anything with
    ``numpy()`` or ``__array__``). A benchmark of a wrong answer is worthless,
    so a disagreement stops the run with the largest difference.
    """
    labels = list(results)
    first = [_as_array(a) for a in _as_list(results[labels[0]])]
    for label in labels[1:]:
        other = [_as_array(a) for a in _as_list(results[label])]
        if len(other) != len(first):
            raise AssertionError("%s: %s gave %d results, %s gave %d"
                                 % (name, labels[0], len(first), label, len(other)))
        for i, (a, b) in enumerate(zip(first, other)):
            if a.shape != b.shape or not np.allclose(a, b, rtol=rtol, atol=atol,
                                                     equal_nan=True):
                worst = (np.max(np.abs(a - b)) if a.shape == b.shape
                         else "shapes %s vs %s" % (a.shape, b.shape))
                raise AssertionError("%s: result %d of %s and %s disagree (%s)"
                                     % (name, i, labels[0], label, worst))


def _as_list(value):
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _as_array(value):
    if hasattr(value, "detach"):                 # a torch tensor
        value = value.detach().cpu()
    if hasattr(value, "numpy"):
        value = value.numpy()
    return np.asarray(value, dtype=np.float64)
