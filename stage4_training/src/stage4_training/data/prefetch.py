"""``dataset.prefetch(n)``: a producer thread that keeps up to ``n`` elements ready.

While the training step works on one batch, a background thread is already
making the next ones (slicing, shuffling, ``map``), so the two overlap::

    producer thread:  make 1 | make 2 | make 3 | (waits: queue full) | make 4 ...
    consumer (you):          | use 1  | use 2  | use 3               | use 4 ...

The thread and the consumer share a bounded queue (``queue.Queue(maxsize=n)``):
``put`` blocks when it is full, ``get`` when it is empty. The thread is stopped,
and joined, whenever the consumer is done: at the end of the data, when the
iterator is dropped or closed half way (its generator's ``finally`` runs), or
after an error in the pipeline, which travels through the queue and is raised
in the consumer, as if there were no thread.

>>> import threading
>>> import stage4_training as tf
>>> it = iter(tf.data.Dataset.range(100).prefetch(4))
>>> int(next(it)), int(next(it))
(0, 1)
>>> del it                                     # abandoned after two elements
>>> [t.name for t in threading.enumerate() if t.name.startswith("Dataset.prefetch")]
[]
"""

import queue
import threading

from .dataset import AUTOTUNE, Dataset, _check_count

__all__ = ["PrefetchDataset"]

_AUTOTUNE_BUFFER = 2          # what AUTOTUNE means here: TF tunes it; two batches ahead is plenty
_POLL_SECONDS = 0.05          # how often a blocked producer looks whether it should stop
_END, _ERROR = object(), object()


class PrefetchDataset(Dataset):
    """``dataset.prefetch(buffer_size)``: the same elements, made ahead on a thread."""

    def __init__(self, input_dataset, buffer_size):
        if buffer_size is AUTOTUNE or buffer_size == AUTOTUNE:
            buffer_size = _AUTOTUNE_BUFFER
        self._input = input_dataset
        self._size = _check_count(buffer_size, "prefetch", "buffer_size", 0)

    def _elements(self):
        if self._size == 0:                       # TF: prefetch(0) makes nothing ahead
            yield from self._input._elements()
            return
        ready = queue.Queue(maxsize=self._size)
        stop = threading.Event()
        thread = threading.Thread(target=_produce, args=(self._input, ready, stop),
                                  name="Dataset.prefetch", daemon=True)
        thread.start()
        try:
            while True:
                kind, value = ready.get()
                if kind is _END:
                    return
                if kind is _ERROR:
                    raise value
                yield value
        finally:                                   # done, abandoned, or failed: stop the thread
            stop.set()
            while thread.is_alive():
                try:                               # make room, so a blocked put() can see stop
                    ready.get_nowait()
                except queue.Empty:
                    pass
                thread.join(_POLL_SECONDS)

    def _cardinality(self):
        return self._input._cardinality()

    def _spec(self):
        return self._input._spec()


def _produce(dataset, ready, stop):
    """The producer thread: pulls elements through ``dataset`` into ``ready``."""
    elements = dataset._elements()
    try:
        for element in elements:
            if not _put(ready, (None, element), stop):
                return
        _put(ready, (_END, None), stop)
    except BaseException as error:               # the consumer raises it
        _put(ready, (_ERROR, error), stop)
    finally:
        elements.close()                           # run the input's own clean-up (nested prefetch)


def _put(ready, item, stop):
    """Puts ``item``, waiting while the queue is full; False if told to stop first."""
    while not stop.is_set():
        try:
            ready.put(item, timeout=_POLL_SECONDS)
            return True
        except queue.Full:
            continue
    return False
