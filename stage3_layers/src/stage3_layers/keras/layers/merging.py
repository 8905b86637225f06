"""Merge layers: one output from a *list* of inputs, for models with branches.

``Add``, ``Subtract``, ``Multiply``, ``Average``, ``Maximum`` and ``Minimum``
combine tensors of the same shape value by value (a size of 1 broadcasts, as
in NumPy); ``Concatenate`` joins them along ``axis``. Each has a lower-case
function twin (``add([a, b])`` is ``Add()([a, b])``). A residual block is
``add([x, block(x)])``.

>>> import stage3_layers as tf
>>> a, b = tf.constant([[1.0, 2.0]]), tf.constant([[10.0, 20.0]])
>>> tf.keras.layers.Add()([a, b])
tf.Tensor([[11. 22.]], shape=(1, 2), dtype=float32)
>>> tf.keras.layers.concatenate([a, b]).shape
TensorShape([1, 4])
"""

import functools
import numbers

import stage2_autodiff as tf

from ..base_layer import Layer, format_shape

__all__ = ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate",
           "add", "subtract", "multiply", "average", "maximum", "minimum", "concatenate"]


class _Merge(Layer):
    """Checks that the input is a list of tensors, then folds ``_merge`` over it."""

    _min_inputs = 2
    _max_inputs = None

    def _autocast(self, inputs):
        # Each entry of the list is one tensor: convert them one by one (the
        # base class would make a list of arrays into one stacked tensor).
        if isinstance(inputs, (list, tuple)) and not all(
                isinstance(x, tf.Tensor) for x in inputs):
            inputs = [self._convert(x) if not isinstance(x, tf.Tensor) else x
                      for x in inputs]
        return super()._autocast(inputs)

    def _check_inputs(self, inputs):
        who = "layer %r (%s)" % (self.name, type(self).__name__)
        count = ("exactly %d" % self._min_inputs if self._max_inputs == self._min_inputs
                 else "at least %d" % self._min_inputs)
        if not isinstance(inputs, (list, tuple)):
            raise ValueError("%s merges a list of tensors, e.g. %s()([x1, x2]); it was "
                             "called on a single %s" % (who, type(self).__name__,
                                                        type(inputs).__name__))
        if len(inputs) < self._min_inputs or (self._max_inputs is not None
                                              and len(inputs) > self._max_inputs):
            raise ValueError("%s should be called on a list of %s inputs, got %d"
                             % (who, count, len(inputs)))
        return [tuple(x.shape) for x in inputs]

    def build(self, input_shape):
        self.built = True

    def call(self, inputs):
        shapes = self._check_inputs(inputs)
        rank = len(shapes[0])
        if any(len(s) != rank for s in shapes) or any(
                len({s[axis] for s in shapes} - {1}) > 1 for axis in range(rank)):
            raise ValueError(
                "layer %r (%s): the inputs must have the same shape (or sizes of "
                "1 that broadcast), got shapes %s" % (
                    self.name, type(self).__name__,
                    ", ".join(format_shape(s) for s in shapes)))
        dtypes = {x.dtype for x in inputs}
        if len(dtypes) > 1:
            raise ValueError("layer %r (%s): the inputs must have one dtype, got %s"
                             % (self.name, type(self).__name__,
                                ", ".join(sorted(d.name for d in dtypes))))
        return self._merge(list(inputs))

    def _merge(self, inputs):
        return functools.reduce(type(self)._combine, inputs)


class Add(_Merge):
    """The sum of its inputs, value by value.

    >>> import stage3_layers as tf
    >>> tf.keras.layers.Add()([tf.ones([2, 3])] * 3)[0]
    tf.Tensor([3. 3. 3.], shape=(3,), dtype=float32)
    """

    _combine = staticmethod(tf.add)


class Subtract(_Merge):
    """``inputs[0] - inputs[1]`` (exactly two inputs).

    >>> import stage3_layers as tf
    >>> tf.keras.layers.Subtract()([tf.constant([5.0]), tf.constant([2.0])])
    tf.Tensor([3.], shape=(1,), dtype=float32)
    """

    _max_inputs = 2
    _combine = staticmethod(tf.subtract)


class Multiply(_Merge):
    """The product of its inputs, value by value.

    >>> import stage3_layers as tf
    >>> tf.keras.layers.Multiply()([tf.constant([2.0]), tf.constant([3.0])])
    tf.Tensor([6.], shape=(1,), dtype=float32)
    """

    _combine = staticmethod(tf.multiply)


class Average(_Merge):
    """The mean of its inputs, value by value.

    >>> import stage3_layers as tf
    >>> tf.keras.layers.Average()([tf.constant([2.0]), tf.constant([4.0])])
    tf.Tensor([3.], shape=(1,), dtype=float32)
    """

    def _merge(self, inputs):
        return functools.reduce(tf.add, inputs) / float(len(inputs))


class Maximum(_Merge):
    """The largest of its inputs, value by value.

    >>> import stage3_layers as tf
    >>> tf.keras.layers.Maximum()([tf.constant([1.0, 5.0]), tf.constant([3.0, 2.0])])
    tf.Tensor([3. 5.], shape=(2,), dtype=float32)
    """

    _combine = staticmethod(tf.maximum)


class Minimum(_Merge):
    """The smallest of its inputs, value by value.

    >>> import stage3_layers as tf
    >>> tf.keras.layers.Minimum()([tf.constant([1.0, 5.0]), tf.constant([3.0, 2.0])])
    tf.Tensor([1. 2.], shape=(2,), dtype=float32)
    """

    _combine = staticmethod(tf.minimum)


class Concatenate(_Merge):
    """Joins its inputs along ``axis``; every other axis must match.

    >>> import stage3_layers as tf
    >>> tf.keras.layers.Concatenate(axis=1)([tf.ones([2, 3]), tf.zeros([2, 1])]).shape
    TensorShape([2, 4])
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, bool) or not isinstance(axis, numbers.Integral):
            raise ValueError("Concatenate: axis must be an int, got %r" % (axis,))
        self.axis = int(axis)

    def call(self, inputs):
        shapes = self._check_inputs(inputs)
        rank = len(shapes[0])
        ok = all(len(s) == rank for s in shapes) and -rank <= self.axis < rank
        if ok:
            axis = self.axis % rank
            others = {s[:axis] + s[axis + 1:] for s in shapes}
            ok = len(others) == 1
        if not ok:
            raise ValueError(
                "layer %r (Concatenate): a Concatenate layer requires inputs with "
                "matching shapes except for the concatenation axis (axis=%d), got "
                "inputs shapes: %s" % (self.name, self.axis,
                                       ", ".join(format_shape(s) for s in shapes)))
        return tf.concat(list(inputs), axis=self.axis)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


def _functional(cls, doc):
    def merge(inputs, **kwargs):
        return cls(**kwargs)(inputs)
    merge.__name__ = merge.__qualname__ = cls.__name__.lower()
    merge.__doc__ = doc
    return merge


add = _functional(Add, """``Add(**kwargs)(inputs)``: the sum of a list of tensors.

    >>> import stage3_layers as tf
    >>> tf.keras.layers.add([tf.constant([1.0]), tf.constant([2.0])])
    tf.Tensor([3.], shape=(1,), dtype=float32)
    """)
subtract = _functional(Subtract, """``Subtract(**kwargs)(inputs)``: ``inputs[0] - inputs[1]``.

    >>> import stage3_layers as tf
    >>> tf.keras.layers.subtract([tf.constant([1.0]), tf.constant([2.0])])
    tf.Tensor([-1.], shape=(1,), dtype=float32)
    """)
multiply = _functional(Multiply, """``Multiply(**kwargs)(inputs)``: the product of a list of tensors.

    >>> import stage3_layers as tf
    >>> tf.keras.layers.multiply([tf.constant([2.0]), tf.constant([4.0])])
    tf.Tensor([8.], shape=(1,), dtype=float32)
    """)
average = _functional(Average, """``Average(**kwargs)(inputs)``: the mean of a list of tensors.

    >>> import stage3_layers as tf
    >>> tf.keras.layers.average([tf.constant([2.0]), tf.constant([4.0])])
    tf.Tensor([3.], shape=(1,), dtype=float32)
    """)
maximum = _functional(Maximum, """``Maximum(**kwargs)(inputs)``: the largest value of each position.

    >>> import stage3_layers as tf
    >>> tf.keras.layers.maximum([tf.constant([2.0]), tf.constant([4.0])])
    tf.Tensor([4.], shape=(1,), dtype=float32)
    """)
minimum = _functional(Minimum, """``Minimum(**kwargs)(inputs)``: the smallest value of each position.

    >>> import stage3_layers as tf
    >>> tf.keras.layers.minimum([tf.constant([2.0]), tf.constant([4.0])])
    tf.Tensor([2.], shape=(1,), dtype=float32)
    """)


def concatenate(inputs, axis=-1, **kwargs):
    """``Concatenate(axis, **kwargs)(inputs)``: a list of tensors joined along ``axis``.

    >>> import stage3_layers as tf
    >>> tf.keras.layers.concatenate([tf.ones([1, 2]), tf.ones([1, 3])]).shape
    TensorShape([1, 5])
    """
    return Concatenate(axis=axis, **kwargs)(inputs)
