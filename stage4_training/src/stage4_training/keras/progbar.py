"""The progress bar ``fit`` prints, as Keras draws it.

On a terminal the bar is redrawn in place (``\\r``) as batches finish, with an
ETA, and ends as one line per epoch::

    1875/1875 [==============================] - 3s 2ms/step - loss: 0.2950 - accuracy: 0.9160

Where the output is not a terminal (a CI log, a file, a captured stream) only
that final line is printed, so logs stay readable. ``verbose=2`` prints a
shorter line per epoch and no bar: ``1875/1875 - 3s - 2ms/step - loss: 0.2950``.

>>> from stage4_training.keras.progbar import Progbar
>>> bar = Progbar(4)
>>> for step in range(1, 5):
...     bar.update(step, [("loss", 1.0 / step)])   # doctest: +ELLIPSIS
4/4 [==============================] - 0s ...step - loss: 0.2500
"""

import math
import sys
import time

__all__ = ["Progbar", "format_value", "is_terminal"]


def is_terminal(stream=None):
    """Whether ``stream`` (default: the current ``sys.stdout``) draws ``\\r`` in place.

    >>> import io
    >>> from stage4_training.keras.progbar import is_terminal
    >>> is_terminal(io.StringIO())
    False
    """
    stream = sys.stdout if stream is None else stream
    if type(stream).__module__.startswith("ipykernel"):
        return True                       # a notebook cell redraws \r lines too
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


def format_value(value):
    """A logged number as Keras prints it: 4 decimals, or scientific when tiny.

    >>> from stage4_training.keras.progbar import format_value
    >>> format_value(0.29501), format_value(0.00001234)
    ('0.2950', '1.2340e-05')
    """
    try:
        value = float(value)
    except (TypeError, ValueError):
        return str(value)
    return "%.4f" % value if abs(value) > 1e-3 or value == 0 else "%.4e" % value


def _duration(seconds):
    if seconds >= 3600:
        return "%d:%02d:%02d" % (seconds // 3600, (seconds % 3600) // 60, seconds % 60)
    if seconds >= 60:
        return "%d:%02d" % (seconds // 60, seconds % 60)
    return "%ds" % seconds


def _per_step(seconds, unit="step"):
    if seconds >= 1 or seconds == 0:
        return "%.0fs/%s" % (seconds, unit)
    if seconds >= 1e-3:
        return "%.0fms/%s" % (seconds * 1e3, unit)
    return "%.0fus/%s" % (seconds * 1e6, unit)


class Progbar:
    """A progress bar for ``target`` steps (``None``: unknown, shown as ``Unknown``).

    ``update(current, values)`` reports that ``current`` steps are done and
    shows ``values`` (``[(name, number), ...]``, already averaged, as metric
    results are). The line ends when ``current`` reaches ``target`` or with
    ``finalize=True``. ``verbose``: 1 a bar, 2 one short line at the end, 0 nothing.

    >>> from stage4_training.keras.progbar import Progbar
    >>> bar = Progbar(2, verbose=2)
    >>> bar.update(1, [("loss", 0.5)])
    >>> bar.update(2, [("loss", 0.25)])   # doctest: +ELLIPSIS
    2/2 - 0s - ...step - loss: 0.2500
    """

    def __init__(self, target, width=30, verbose=1, interval=0.05, unit_name="step",
                 stream=None):
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        self._stream = stream
        self._start = time.time()
        self._last_draw = 0.0
        self._drawn_width = 0
        self._finished = False
        self._values = []

    @property
    def stream(self):
        return self._stream if self._stream is not None else sys.stdout

    def update(self, current, values=None, finalize=None):
        """Shows that ``current`` steps are done, with ``values`` after the bar."""
        if values is not None:
            self._values = list(values)
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        if self.verbose == 0 or self._finished:
            return
        now = time.time()
        live = self.verbose == 1 and is_terminal(self.stream)
        if not finalize and (not live or now - self._last_draw < self.interval):
            return
        self._last_draw = now
        elapsed = now - self._start
        if finalize:
            self._finished = True
        line = self._line(current, elapsed, finalize)
        if live:
            # Redraw in place: back to the line's start, pad over a longer old line.
            text = "\r" + line + " " * max(0, self._drawn_width - len(line))
            self._drawn_width = len(line)
            self.stream.write(text + ("\n" if finalize else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def _line(self, current, elapsed, finalize):
        per_step = elapsed / current if current else 0.0
        counter = self._counter(current)
        if self.verbose == 2:
            parts = [counter, "%.0fs" % elapsed, _per_step(per_step, self.unit_name)]
            return " - ".join(parts) + self._metrics()
        line = counter + " " + self._bar(current)
        if finalize:
            line += " - %.0fs %s" % (elapsed, _per_step(per_step, self.unit_name))
        elif self.target is not None and current:
            line += " - ETA: %s" % _duration(per_step * (self.target - current))
        else:
            line += " - %.0fs %s" % (elapsed, _per_step(per_step, self.unit_name))
        return line + self._metrics()

    def _counter(self, current):
        if self.target is None:
            return "%7d/Unknown" % current
        digits = int(math.log10(self.target)) + 1 if self.target > 0 else 1
        return "%*d/%d" % (digits, current, self.target)

    def _bar(self, current):
        if self.target is None or self.target <= 0:
            return ""
        done = min(self.width, int(self.width * current / self.target))
        if done == 0:
            return "[" + "." * self.width + "]"
        head = ">" if current < self.target else "="
        return "[" + "=" * (done - 1) + head + "." * (self.width - done) + "]"

    def _metrics(self):
        return "".join(" - %s: %s" % (name, format_value(value))
                       for name, value in self._values)
