"""``Layer``: an object that owns its variables and computes with them.

A layer is *callable state*. It creates its variables lazily, the first time it
is called, because only then does it know the shape of its inputs:

1. ``layer(x)`` calls ``build(x.shape)`` once, which calls ``add_weight``;
2. then ``call(x)``, which computes with the public ops (so a ``GradientTape``
   sees every step and gradients just work).

Everything a layer owns is found on its attributes (``tracking.py``), so
``model.trainable_variables`` is simply "the trainable variables reachable from
this object". Calling a layer again reuses its variables: sharing a layer
object shares its weights.

>>> import stage3_layers as tf
>>> tf.keras.backend.clear_session()
>>> class Scale(tf.keras.layers.Layer):
...     def build(self, input_shape):
...         self.w = self.add_weight("w", shape=[input_shape[-1]], initializer="ones")
...     def call(self, x):
...         return x * self.w
>>> layer = Scale()
>>> layer(tf.constant([[1.0, 2.0]]))
tf.Tensor([[1. 2.]], shape=(1, 2), dtype=float32)
>>> [v.name for v in layer.trainable_variables]
['scale/w:0']
"""

import functools
import inspect
import re
import weakref

import numpy as np

import stage2_autodiff as tf
from stage1_tensors.dispatch import init_scope
from stage1_tensors.errors import InvalidArgumentError, OpError

from . import backend, constraints, regularizers, tracking

__all__ = ["Layer", "InputSpec"]


class BuildShape(tf.TensorShape):
    """The shape ``build`` receives. It is a ``TensorShape`` that also answers
    ``.shape`` with itself, so code written as ``build(self, input)`` that reads
    ``input.shape[-1]`` (as the seed's ``MySimpleLayer`` does) works unchanged.

    >>> from stage3_layers.keras.base_layer import BuildShape
    >>> BuildShape((1, 784)).shape[-1]
    784
    """

    __slots__ = ()

    @property
    def shape(self):
        return self


class InputSpec:
    """What inputs a built layer accepts: a rank (``ndim``/``min_ndim``) and
    fixed sizes of some axes (``axes={-1: 784}``). ``None`` means "any".

    >>> from stage3_layers.keras import layers
    >>> layers.InputSpec(min_ndim=2, axes={-1: 3})
    InputSpec(min_ndim=2, axes={-1: 3})
    """

    _fitted = None      # the last shape that fitted: a layer sees the same one each call

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None,
                 min_ndim=None, axes=None):
        self.dtype = dtype
        self.shape = tuple(shape) if shape is not None else None
        self.ndim = len(self.shape) if self.shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.axes = dict(axes or {})

    def __repr__(self):
        parts = ["%s=%r" % (k, v) for k, v in (
            ("dtype", self.dtype), ("shape", self.shape), ("ndim", self.ndim),
            ("max_ndim", self.max_ndim), ("min_ndim", self.min_ndim),
            ("axes", self.axes)) if v]
        return "InputSpec(%s)" % ", ".join(parts)

    def problem(self, shape):
        """Why ``shape`` (a tuple) does not fit, in words; None when it does."""
        if shape == self._fitted:
            return None
        problem = self._problem(shape)
        if problem is None:
            self._fitted = shape
        return problem

    def _problem(self, shape):
        rank = len(shape)
        if self.ndim is not None and rank != self.ndim:
            return "expected ndim=%d, found ndim=%d" % (self.ndim, rank)
        if self.min_ndim is not None and rank < self.min_ndim:
            return "expected min_ndim=%d, found ndim=%d" % (self.min_ndim, rank)
        if self.max_ndim is not None and rank > self.max_ndim:
            return "expected max_ndim=%d, found ndim=%d" % (self.max_ndim, rank)
        for axis, size in self.axes.items():
            if size is not None and -rank <= axis < rank and shape[axis] != size:
                return "expected axis %d of the input shape to have value %d" % (axis, size)
        if self.shape is not None:
            for want, got in zip(self.shape, shape):
                if want is not None and want != got:
                    return "expected shape %s" % (format_shape(self.shape),)
        return None


def format_shape(shape):
    """A shape as Keras prints it: ``(None, 784)``, ``(3,)``.

    >>> from stage3_layers.keras.base_layer import format_shape
    >>> format_shape((None, 784)), format_shape((3,))
    ('(None, 784)', '(3,)')
    """
    text = ", ".join("None" if d is None else str(d) for d in shape)
    return "(%s,)" % text if len(shape) == 1 else "(%s)" % text


_FLOAT_DTYPES = {name: np.dtype(name) for name in ("float16", "float32", "float64")}

# An extension point: functions called as ``listener(layer, name, variable)``
# each time ``add_weight`` has created (and recorded) a variable, so code that
# must see weights as they are born can (e.g. to fill in a value restored
# from a file before the layer was built). ``name`` is add_weight's name
# (``"kernel"``); ``layer._own_weight_names`` keeps them, in creation order.
weight_created_listeners = []

# Layers holding losses that ``add_loss`` recorded during a call: the next
# top-level call of a layer or model containing one of them forgets them.
# (Kept here so a call checks one empty set, not every sublayer.)
_holding_call_losses = weakref.WeakSet()


def _wants_training(layer):
    """Whether ``layer.call`` takes a ``training`` argument (cached per class)."""
    cls = type(layer)
    cached = cls.__dict__.get("_call_takes_training")
    if cached is None:
        params = inspect.signature(cls.call).parameters
        cached = "training" in params or any(
            p.kind is p.VAR_KEYWORD for p in params.values())
        cls._call_takes_training = cached
    return cached


class Layer(tf.Module):
    """Base class of all layers: override ``build(input_shape)`` and ``call(inputs)``.

    A layer is a ``tf.Module`` (``name``, ``name_scope``, ``variables``,
    ``submodules``), with Keras's order of variables: its own weights as made,
    then its sublayers' in the order they were assigned.

    ``trainable=False`` freezes the layer (its variables move to
    ``non_trainable_variables``); ``dtype`` is the layer's float dtype
    (``"float32"``; floating inputs are cast to it). ``input_shape=(784,)``
    declares the input shape (without the batch) so a ``Sequential`` model can
    be built before it sees data.

    >>> import stage3_layers as tf
    >>> tf.keras.layers.Layer(name="block").name
    'block'
    """

    # Class-level defaults: a subclass that never calls super().__init__()
    # (the seed's MySimpleLayer) still finds every bookkeeping attribute.
    built = False
    input_spec = None
    _trainable = True
    _dtype = None
    _batch_input_shape = None
    _build_input_shape = None
    _output_shape = None
    _output_raw_shape = (None,)
    _scoped = True          # does this layer prefix its sublayers' variable names?
    _auto_building = False  # True while __call__ runs build() on first use
    _input_hint = None      # what inputs look like, said when an unbuilt layer refuses one
    _activity_regularizer = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "__init__" in vars(cls):
            cls.__init__ = _naming_the_class(vars(cls)["__init__"])

    def __init__(self, trainable=True, name=None, dtype=None, dynamic=False,
                 input_shape=None, batch_input_shape=None, batch_size=None,
                 input_dim=None, **kwargs):
        for key in kwargs:
            if key not in ("autocast", "activity_regularizer", "input_length"):
                raise TypeError(
                    "%s got an unexpected keyword argument %r" % (type(self).__name__, key))
        if kwargs.get("activity_regularizer") is not None:
            self.activity_regularizer = kwargs["activity_regularizer"]
        self._trainable = bool(trainable)
        if name is not None:
            if not isinstance(name, str) or not name:
                raise ValueError("a layer name must be a non-empty string, got %r" % (name,))
            self._name = name
        if dtype is not None:
            self._dtype = tf.as_dtype(dtype).name
        if input_dim is not None and input_shape is None:
            input_shape = (input_dim,)
        if batch_input_shape is not None:
            self._batch_input_shape = tuple(batch_input_shape)
        elif input_shape is not None:
            if isinstance(input_shape, int):
                input_shape = (input_shape,)
            self._batch_input_shape = (batch_size,) + tuple(input_shape)
        self._own_weights = []

    # --- identity ---------------------------------------------------------
    @property
    def name(self):
        """The layer's name: given, or made from the class name (``dense_1``)."""
        name = self.__dict__.get("_name")
        if name is None:
            name = self._name = backend.unique_name(backend.snake_case(type(self).__name__))
        return name

    @property
    def dtype(self):
        """The dtype of the layer's variables and computations, as a string."""
        dtype = self.__dict__.get("_dtype")
        if dtype is None:
            dtype = self._dtype = backend.floatx()
        return dtype

    compute_dtype = dtype
    variable_dtype = dtype

    def __repr__(self):
        return "<%s name=%s, built=%s>" % (type(self).__name__, self.name, self.built)

    # --- the two methods a subclass writes --------------------------------
    def build(self, input_shape):
        """Creates the layer's variables, given the shape of its first input.

        The default creates nothing. Override it and call ``add_weight``.

        >>> import stage3_layers as tf
        >>> layer = tf.keras.layers.Dense(3)
        >>> layer.build((None, 4))
        >>> layer.kernel.shape
        TensorShape([4, 3])
        """
        self.built = True

    def call(self, inputs, *args, **kwargs):
        """The layer's computation. The default returns its input unchanged.

        Call the layer (``layer(x)``), not ``call``: ``__call__`` builds it first.

        >>> import stage3_layers as tf
        >>> tf.keras.layers.Layer().call(tf.constant([1.0]))
        tf.Tensor([1.], shape=(1,), dtype=float32)
        """
        return inputs

    # --- calling ------------------------------------------------------------
    def __call__(self, inputs, *args, **kwargs):
        if not isinstance(inputs, tf.Tensor) and functional.is_symbolic(inputs, args, kwargs):
            # keras.Input tensors: record a node of a functional model instead
            return functional.call_symbolically(self, inputs, args, kwargs)
        if _holding_call_losses and not backend.call_stack:
            self._clear_call_losses()       # a new top-level call: new call losses
        inputs = self._autocast(inputs)
        # The spec is checked before building too (as Keras does): build() and
        # call() may then rely on the rank they declared.
        if self.input_spec is not None:
            self._check_input_spec(inputs)
        if not self.built:
            self._maybe_build(inputs)
        training = kwargs.get("training")
        if training is None:
            training = backend.learning_phase()
        if _wants_training(self):
            kwargs["training"] = training
        else:
            kwargs.pop("training", None)
        backend.call_stack.append((self.name if self._scoped else None, training))
        try:
            outputs = self.call(inputs, *args, **kwargs)
            if self._activity_regularizer is not None and outputs is not None:
                self._regularize_activity(outputs)
        except OpError as error:
            raise self._explain_op_error(inputs, error) from None
        finally:
            backend.call_stack.pop()
        if outputs is None:
            raise ValueError(
                "layer %r: %s.call() returned None. call() must return the "
                "layer's output tensor(s); did you forget a `return` statement?"
                % (self.name, type(self).__name__))
        self._record_output_shape(outputs)
        return outputs

    def _autocast(self, inputs):
        """Converts arrays and lists to tensors and casts floats to the layer dtype."""
        if isinstance(inputs, tf.Tensor):
            dtype = inputs._value.dtype
            if dtype.kind == "f" and dtype != _FLOAT_DTYPES.get(self.dtype):
                return tf.cast(inputs, self.dtype)
            return inputs
        if isinstance(inputs, (list, tuple)) and inputs and all(
                isinstance(x, tf.Tensor) for x in inputs):
            return type(inputs)(self._autocast(x) for x in inputs)
        if isinstance(inputs, dict):
            return {k: self._autocast(v) for k, v in inputs.items()}
        return self._autocast(self._convert(inputs))

    def _convert(self, value):
        """``convert_to_tensor(value)``; when that fails, the error names this layer."""
        try:
            return tf.convert_to_tensor(value)
        except OpError as error:
            raise _noted(error, "layer %r (%s) cannot take this input: %s"
                         % (self.name, type(self).__name__, error)) from None

    def _maybe_build(self, inputs):
        shape = _shapes_of(inputs)
        self._auto_building = True
        backend.call_stack.append((self.name if self._scoped else None, None))
        try:
            # Weights are made once, for real, even when the first call is
            # being traced into a graph (stage 5): TensorFlow's init_scope.
            with init_scope():
                self.build(shape)
        except OpError as error:
            if getattr(error, "_layer_noted", False):
                raise
            raise _noted(error, "layer %r (%s) could not be built for inputs of shape "
                         "%s: %s" % (self.name, type(self).__name__,
                                     format_shape(_batch_free(shape)), error)) from error
        except (TypeError, ValueError) as error:
            if getattr(error, "_layer_noted", False):
                raise
            raise _restated(error, "layer %r (%s) could not be built: %s"
                            % (self.name, type(self).__name__, error)) from error
        finally:
            backend.call_stack.pop()
            self._auto_building = False
        self.built = True
        self._build_input_shape = shape

    def _check_input_spec(self, inputs):
        if not isinstance(inputs, tf.Tensor):
            return
        shape = tuple(inputs._value.shape)
        problem = self.input_spec.problem(shape)
        if problem is None:
            return
        if self.built:
            advice = ("The layer was built for inputs of shape %s; make a new layer "
                      "for inputs of another shape"
                      % format_shape(_batch_free(self._build_input_shape)))
        else:
            hint = self._input_hint or ""
            advice = hint[:1].upper() + hint[1:]
        raise InvalidArgumentError(
            "Input 0 of layer %r (%s) is incompatible with the layer: %s, but "
            "received an input with shape %s.%s"
            % (self.name, type(self).__name__, problem, format_shape(shape),
               " " + advice if advice else ""))

    def _explain_op_error(self, inputs, error):
        """Names the layer and what it was called on in an op error raised inside ``call``.

        Only the innermost layer adds its words: an error in a model's third
        ``Dense`` names that ``Dense``, not every model around it.
        """
        if getattr(error, "_layer_noted", False):
            return error
        if not isinstance(inputs, tf.Tensor):
            return _noted(error, "layer %r (%s): %s" % (self.name, type(self).__name__, error))
        received = tuple(inputs.shape)
        built = self._build_input_shape
        if isinstance(built, tuple) and (len(received) != len(built)
                                         or received[1:] != tuple(built)[1:]):
            context = "was built for inputs of shape %s but received shape %s" % (
                format_shape(_batch_free(built)), format_shape(received))
        else:
            context = "was called on an input of shape %s and dtype %s" % (
                format_shape(received), inputs.dtype.name)
        return _noted(error, "layer %r (%s) %s: %s"
                      % (self.name, type(self).__name__, context, error))

    def _record_output_shape(self, outputs):
        if isinstance(outputs, tf.Tensor):
            # The common case, kept cheap: nothing to do when the shape
            # (apart from the batch size) is the one seen last time.
            raw = outputs._value.shape
            if raw[1:] == self._output_raw_shape[1:] and len(raw) == len(self._output_raw_shape):
                return
            self._output_raw_shape = raw
        shape = _nested_output_shape(outputs)
        previous = self._output_shape
        if previous is None:
            self._output_shape = shape
        elif previous != shape:
            self._output_shape = "multiple"

    # --- variables ----------------------------------------------------------
    def add_weight(self, name=None, shape=None, dtype=None, initializer=None,
                   regularizer=None, trainable=None, constraint=None, **kwargs):
        """Creates a variable owned by this layer (named ``"<layer>/<name>:0"``).

        ``initializer`` is a name (``"zeros"``), an initializer object or a
        function ``(shape, dtype) -> tensor``; floats default to
        ``GlorotUniform``, integers and bools to zeros. ``regularizer`` (a name
        such as ``"l2"``, an object or a function, see ``keras.regularizers``)
        adds ``regularizer(variable)`` to ``losses``; ``constraint`` (see
        ``keras.constraints``) becomes the variable's ``constraint``, which an
        optimizer applies after each update.

        >>> import stage3_layers as tf
        >>> layer = tf.keras.layers.Layer(name="demo")
        >>> layer.add_weight("w", shape=[2], initializer="ones")
        <tf.Variable 'demo/w:0' shape=(2,) dtype=float32, numpy=array([1., 1.], dtype=float32)>
        >>> _ = layer.add_weight("v", shape=[2], initializer="ones", regularizer="l2")
        >>> layer.losses
        [tf.Tensor(0.02, shape=(), dtype=float32)]
        """
        from . import initializers
        who = "layer %r (%s) add_weight %r" % (self.name, type(self).__name__, name)
        shape = initializers.weight_shape(shape if shape is not None else (), who)
        try:
            regularizer = regularizers.get(regularizer)
            constraint = constraints.get(constraint)
            dtype = tf.as_dtype(dtype or self.dtype)
            if initializer is None:
                initializer = "glorot_uniform" if dtype.is_floating else "zeros"
            init = initializers.get(initializer)
            value = init(shape, dtype=dtype)
        except OpError as error:
            raise _noted(error, "%s: %s" % (who, error)) from error
        except (TypeError, ValueError) as error:
            raise _restated(error, "%s: %s" % (who, error)) from error
        if trainable is None:
            trainable = True
        name = name or "Variable"
        scope = backend.name_scope()
        if not (backend.call_stack and backend.call_stack[-1][0] == self.name):
            scope += self.name + "/"
        variable = tf.Variable(value, trainable=bool(trainable), name=scope + name,
                               dtype=dtype, constraint=constraint)
        self.__dict__.setdefault("_own_weights", []).append(variable)
        self.__dict__.setdefault("_own_weight_names", []).append(name)
        if regularizer is not None:
            # A callable, so the penalty is recomputed from the current value
            # each time ``losses`` is read (and a tape sees it).
            self.add_loss(functools.partial(self._regularization, name, regularizer,
                                            variable))
        for listener in list(weight_created_listeners):
            listener(self, name, variable)
        return variable

    def add_variable(self, *args, **kwargs):
        """Old name of ``add_weight`` (the seeds use it).

        >>> import stage3_layers as tf
        >>> layer = tf.keras.layers.Layer(name="old")
        >>> layer.add_variable("kernel", [2, 1]).name
        'old/kernel:0'
        """
        return self.add_weight(*args, **kwargs)

    # --- losses -------------------------------------------------------------
    def add_loss(self, losses, **kwargs):
        """Adds a loss (a scalar tensor, a zero-argument function returning one, or
        a list of them) to ``losses``, which ``fit`` adds to the compiled loss.

        A tensor is added from inside ``call`` (it belongs to that call: the
        next top-level call of the model starts a new list); a function, at
        any time (it is called each time ``losses`` is read, as the weight
        regularizers are).

        >>> import stage3_layers as tf
        >>> class Sparse(tf.keras.layers.Layer):
        ...     def call(self, x):
        ...         self.add_loss(0.1 * tf.reduce_sum(tf.abs(x)))
        ...         return x
        >>> layer = Sparse()
        >>> _ = layer(tf.constant([1.0, -2.0]))
        >>> layer.losses
        [tf.Tensor(0.3, shape=(), dtype=float32)]
        """
        kwargs.pop("inputs", None)      # TF 1's argument: TF 2 ignores it too
        if kwargs:
            raise TypeError("layer %r (%s) add_loss got an unexpected keyword argument %r"
                            % (self.name, type(self).__name__, next(iter(kwargs))))
        for loss in losses if isinstance(losses, (list, tuple)) else [losses]:
            if loss is None:
                continue
            if callable(loss) and not isinstance(loss, tf.Tensor):
                self.__dict__.setdefault("_callable_losses", []).append(loss)
                continue
            loss = self._loss_tensor(loss, "add_loss")
            if not backend.call_stack:
                raise ValueError(
                    "layer %r (%s) add_loss: a loss tensor can only be added inside "
                    "call(), where it belongs to that call. Outside call(), wrap the "
                    "computation in a zero-argument function, e.g. "
                    "layer.add_loss(lambda: tf.reduce_mean(layer.kernel))"
                    % (self.name, type(self).__name__))
            self.__dict__.setdefault("_call_losses", []).append(loss)
            _holding_call_losses.add(self)

    def _loss_tensor(self, loss, what):
        """``loss`` as a scalar tensor (numbers become ``floatx``), or a teaching error."""
        if isinstance(loss, tf.Variable):
            loss = loss.read_value()
        elif not isinstance(loss, tf.Tensor):
            try:
                loss = tf.convert_to_tensor(loss, dtype=backend.floatx())
            except (OpError, TypeError, ValueError) as error:
                raise TypeError("layer %r (%s) %s: a loss must be a scalar tensor or a "
                                "number, got %r (%s)" % (self.name, type(self).__name__,
                                                         what, loss, error)) from None
        if loss.shape.rank != 0:
            raise ValueError("layer %r (%s) %s: a loss must be a scalar, got a tensor of "
                             "shape %s; reduce it first (tf.reduce_mean, tf.reduce_sum)"
                             % (self.name, type(self).__name__, what, tuple(loss.shape)))
        return loss

    def _regularization(self, name, regularizer, variable):
        """``regularizer(variable)``: the penalty of one weight, now."""
        try:
            return self._loss_tensor(regularizer(variable), "the regularizer of %r" % name)
        except OpError as error:
            raise _noted(error, "layer %r (%s), the regularizer of %r: %s"
                         % (self.name, type(self).__name__, name, error)) from error
        except (TypeError, ValueError) as error:
            if getattr(error, "_layer_noted", False):
                raise
            raise _restated(error, "layer %r (%s), the regularizer of %r: %s"
                            % (self.name, type(self).__name__, name, error)) from error

    def _regularize_activity(self, outputs):
        """Adds ``activity_regularizer(output) / batch size`` for each output (as Keras)."""
        for output in outputs if isinstance(outputs, (list, tuple)) else [outputs]:
            if not isinstance(output, tf.Tensor):
                continue
            try:
                loss = self._loss_tensor(self._activity_regularizer(output),
                                         "activity_regularizer")
            except OpError as error:
                raise _noted(error, "layer %r (%s) activity_regularizer: %s"
                             % (self.name, type(self).__name__, error)) from error
            except (TypeError, ValueError) as error:
                if getattr(error, "_layer_noted", False):
                    raise
                raise _restated(error, "layer %r (%s) activity_regularizer: %s"
                                % (self.name, type(self).__name__, error)) from error
            if output.shape.rank:
                loss = loss / tf.cast(tf.shape(output)[0], loss.dtype)
            self.add_loss(loss)

    def _clear_call_losses(self):
        for layer in [self] + self.submodules:
            if layer in _holding_call_losses:
                layer.__dict__.pop("_call_losses", None)
                _holding_call_losses.discard(layer)

    @property
    def losses(self):
        """The losses of this layer and every layer inside it (scalar tensors):
        those ``add_loss`` recorded in the last top-level call, then the weight
        regularizers' penalties, recomputed from the weights as they are now.

        >>> import stage3_layers as tf
        >>> layer = tf.keras.layers.Dense(1, kernel_initializer="ones",
        ...                               kernel_regularizer=tf.keras.regularizers.L2(0.5))
        >>> _ = layer(tf.ones([1, 2]))
        >>> layer.losses        # 0.5 * (1 + 1)
        [tf.Tensor(1.0, shape=(), dtype=float32)]
        """
        collected = []
        for layer in [self] + self.submodules:
            own = layer.__dict__
            collected += own.get("_call_losses", ())
            for make in own.get("_callable_losses", ()):
                loss = make()
                if loss is not None:
                    collected.append(layer._loss_tensor(loss, "a loss function"))
        return collected

    @property
    def activity_regularizer(self):
        """A regularizer of the layer's outputs, or None: each call adds
        ``regularizer(output) / batch size`` to ``losses``.

        >>> import stage3_layers as tf
        >>> layer = tf.keras.layers.Layer(activity_regularizer="l1")
        >>> _ = layer(tf.constant([[1.0, -3.0]]))
        >>> layer.losses        # 0.01 * 4 / 1
        [tf.Tensor(0.04, shape=(), dtype=float32)]
        """
        return self._activity_regularizer

    @activity_regularizer.setter
    def activity_regularizer(self, regularizer):
        self._activity_regularizer = regularizers.get(regularizer)

    def _collect(self, want_trainable, seen):
        out = []
        frozen = not self._trainable
        held = tracking.tracked(self)
        # Own variables first (add_weight's, then assigned ones), then sublayers'.
        own = list(self.__dict__.get("_own_weights", ()))
        own += [x for x in held if isinstance(x, tf.Variable)]
        for v in own:
            is_trainable = v._trainable and not frozen
            if is_trainable == want_trainable and id(v) not in seen:
                seen.add(id(v))
                out.append(v)
        for layer in held:
            if isinstance(layer, tf.Variable):
                continue
            if frozen and want_trainable:
                continue
            if frozen:          # everything below a frozen layer is frozen
                for v in layer.weights:
                    if id(v) not in seen:
                        seen.add(id(v))
                        out.append(v)
            else:
                out += layer._collect(want_trainable, seen)
        return out

    @property
    def trainable_weights(self):
        """Variables that training updates: this layer's, then its sublayers'.

        >>> import stage3_layers as tf
        >>> layer = tf.keras.layers.Dense(2, name="d")
        >>> _ = layer(tf.ones([1, 3]))
        >>> [v.name for v in layer.trainable_variables]
        ['d/kernel:0', 'd/bias:0']
        """
        return self._collect(True, set())

    @property
    def non_trainable_weights(self):
        """Variables training leaves alone (moving statistics, frozen layers).

        >>> import stage3_layers as tf
        >>> norm = tf.keras.layers.BatchNormalization(name="bn")
        >>> _ = norm(tf.ones([2, 3]))
        >>> [v.name for v in norm.non_trainable_variables]
        ['bn/moving_mean:0', 'bn/moving_variance:0']
        """
        return self._collect(False, set())

    @property
    def weights(self):
        """All variables: trainable ones first, as Keras lists them (alias ``variables``).

        >>> import stage3_layers as tf
        >>> norm = tf.keras.layers.BatchNormalization(name="bn2")
        >>> _ = norm(tf.ones([2, 3]))
        >>> [v.name for v in norm.weights] == [v.name for v in norm.variables]
        True
        >>> len(norm.weights)
        4
        """
        seen = set()
        return self._collect(True, seen) + self._collect(False, seen)

    variables = weights
    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    @property
    def trainable(self):
        """False freezes the layer and every layer inside it.

        >>> import stage3_layers as tf
        >>> layer = tf.keras.layers.Dense(2)
        >>> _ = layer(tf.ones([1, 3]))
        >>> layer.trainable = False
        >>> len(layer.trainable_variables), len(layer.non_trainable_variables)
        (0, 2)
        """
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)
        for layer in tracking.sublayers(self):
            layer.trainable = value

    @property
    def submodules(self):
        """Every layer inside this one, depth first.

        >>> import stage3_layers as tf
        >>> model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
        >>> [type(m).__name__ for m in model.submodules]
        ['Dense']
        """
        found, seen = [], set()

        def visit(layer):
            for sub in tracking.sublayers(layer):
                if id(sub) not in seen:
                    seen.add(id(sub))
                    found.append(sub)
                    visit(sub)
        visit(self)
        return found

    def get_weights(self):
        """The values of ``weights`` as NumPy arrays.

        >>> import stage3_layers as tf
        >>> layer = tf.keras.layers.Dense(1, kernel_initializer="ones")
        >>> _ = layer(tf.ones([1, 2]))
        >>> layer.get_weights()
        [array([[1.],
               [1.]], dtype=float32), array([0.], dtype=float32)]
        """
        return [np.asarray(v.numpy()) for v in self.weights]

    def set_weights(self, weights):
        """Assigns NumPy arrays to ``weights``, in the same order and shapes.

        >>> import numpy as np
        >>> import stage3_layers as tf
        >>> layer = tf.keras.layers.Dense(1)
        >>> _ = layer(tf.ones([1, 2]))
        >>> layer.set_weights([np.full((2, 1), 2.0), np.zeros(1)])
        >>> layer(tf.ones([1, 2]))
        tf.Tensor([[4.]], shape=(1, 1), dtype=float32)
        """
        params = self.weights
        weights = list(weights)
        if len(weights) != len(params):
            raise ValueError(
                "layer %r: set_weights got %d arrays but the layer has %d weights "
                "(%s)%s" % (self.name, len(weights), len(params),
                            ", ".join("%s %s" % (v.name, tuple(v.shape)) for v in params),
                            "" if self.built else "; call the layer once so it builds them"))
        for variable, value in zip(params, weights):
            value = np.asarray(value)
            if tuple(value.shape) != tuple(variable.shape):
                raise ValueError(
                    "layer %r: set_weights: weight %s has shape %s, but the array "
                    "given for it has shape %s" % (self.name, variable.name,
                                                   tuple(variable.shape), value.shape))
            variable.assign(value.astype(variable.dtype.name))

    def count_params(self):
        """The number of scalars in the layer's weights.

        >>> import stage3_layers as tf
        >>> layer = tf.keras.layers.Dense(10)
        >>> _ = layer(tf.zeros([1, 784]))
        >>> layer.count_params()
        7850
        """
        if not self.built and not self.weights:
            raise ValueError(
                "layer %r is not built yet, so it has no weights to count; call it "
                "on a batch of data (or give input_shape=) first" % self.name)
        return int(sum(int(np.prod(v.shape)) for v in self.weights))

    # --- configuration: how to make this layer again ----------------------
    def get_config(self):
        """The constructor arguments that make this layer again, as plain data.

        The base gives ``name``, ``trainable``, ``dtype`` (and the declared
        ``batch_input_shape``); each layer adds its own arguments. A layer of
        yours whose ``__init__`` takes arguments must add them too:
        ``return {**super().get_config(), "units": self.units}``.

        >>> import stage3_layers as tf
        >>> tf.keras.layers.Layer(name="block").get_config()
        {'name': 'block', 'trainable': True, 'dtype': 'float32'}
        """
        config = {"name": self.name, "trainable": self.trainable, "dtype": self.dtype}
        if self._batch_input_shape is not None:
            config["batch_input_shape"] = list(self._batch_input_shape)
        if self._activity_regularizer is not None:
            config["activity_regularizer"] = regularizers.serialize(self._activity_regularizer)
        params, takes_kwargs = _init_parameters(type(self))
        missing = _unconfigured_arguments(type(self), params)
        if missing:
            raise NotImplementedError(
                "%s.__init__ takes the argument(s) %s, so %s must override "
                "get_config() to return them, e.g.\n    def get_config(self):\n"
                "        return {**super().get_config(), %s}\n(and from_config(cls, "
                "config) if the constructor cannot take the config as keywords)"
                % (type(self).__name__, ", ".join(missing), type(self).__name__,
                   ", ".join('"%s": self.%s' % (m, m) for m in missing)))
        if not takes_kwargs:        # keep only what this __init__ accepts
            config = {k: v for k, v in config.items() if k in params}
        return config

    @classmethod
    def from_config(cls, config):
        """A new layer made from ``get_config()``'s output: ``cls(**config)``.

        >>> import stage3_layers as tf
        >>> layer = tf.keras.layers.Dense(4, activation="relu", name="hidden")
        >>> copy = tf.keras.layers.Dense.from_config(layer.get_config())
        >>> copy.units, copy.activation.__name__, copy.name
        (4, 'relu', 'hidden')
        """
        return cls(**config)

    def compute_output_shape(self, input_shape):
        """The output shape for ``input_shape``, found by calling the layer on zeros."""
        shape = tuple(1 if d is None else d for d in input_shape)
        return _shapes_of(self(tf.zeros(shape, dtype=self.dtype)))


tracking.tracked_types = (tf.Variable, Layer)


# The keyword arguments Layer.__init__ itself takes (a subclass may pass them on).
_BASE_ARGUMENTS = frozenset(["trainable", "name", "dtype", "dynamic", "input_shape",
                             "batch_input_shape", "batch_size", "input_dim",
                             "activity_regularizer"])


def _init_parameters(cls):
    """The names ``cls.__init__`` takes (without self), and whether it takes ``**kwargs``."""
    params = inspect.signature(cls.__init__).parameters
    names = [n for n, p in list(params.items())[1:]
             if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    return names, any(p.kind is p.VAR_KEYWORD for p in params.values())


def _defining_class(cls, attribute):
    for klass in cls.__mro__:
        if attribute in vars(klass):
            return klass
    return None


def _unconfigured_arguments(cls, params):
    """``__init__`` arguments that no ``get_config`` of ``cls`` can know about:
    those of an ``__init__`` written below the nearest ``get_config``."""
    init_owner = _defining_class(cls, "__init__")
    config_owner = _defining_class(cls, "get_config")
    if init_owner is None or issubclass(config_owner, init_owner):
        return []
    return [p for p in params if p not in _BASE_ARGUMENTS]


def _naming_the_class(init):
    """Wraps a layer's ``__init__`` so that a bad constructor argument is refused
    in words that name the layer class: ``Dense(3, activation='foo')`` raises
    ``ValueError: Dense: unknown activation 'foo'; ...``, not a bare message
    from ``activations.get`` that leaves the reader guessing which layer (in a
    long ``Sequential``) it came from. The error keeps its class (TypeError stays
    TypeError) and chains the original."""
    @functools.wraps(init)
    def __init__(self, *args, **kwargs):
        try:
            init(self, *args, **kwargs)
        except (TypeError, ValueError, OpError) as error:
            name = type(self).__name__
            message = str(error)
            if re.search(r"(?<!\w)%s(?!\w)" % re.escape(name), message):
                raise
            if isinstance(error, OpError):
                raise _noted(error, "%s: %s" % (name, message)) from error
            raise _restated(error, "%s: %s" % (name, message)) from error
    return __init__


def _restated(error, message):
    """A TypeError or ValueError of ``error``'s class (or the plain one, when
    that class cannot be made from a message) saying ``message``, marked as
    explained so that enclosing layers and constructors leave it alone."""
    try:
        restated = type(error)(message)
        if str(restated) != message:
            raise TypeError
    except Exception:
        restated = (TypeError if isinstance(error, TypeError) else ValueError)(message)
    restated._layer_noted = True
    return restated


def _noted(error, message):
    """A copy of the op error ``error`` that says ``message`` and is marked as
    explained, so the layers around the one that failed leave it alone."""
    noted = type(error)(message, op=error.op)
    noted._layer_noted = True
    return noted


def _shapes_of(value):
    if isinstance(value, tf.Tensor):
        return BuildShape(value.shape)
    if isinstance(value, (list, tuple)):
        return [_shapes_of(v) for v in value]
    if isinstance(value, dict):
        return {k: _shapes_of(v) for k, v in value.items()}
    return None


def _batch_free(shape):
    if isinstance(shape, tuple) and shape:
        return (None,) + tuple(shape[1:])
    return shape


def _nested_output_shape(outputs):
    if isinstance(outputs, (list, tuple)):
        return [_nested_output_shape(o) for o in outputs]
    if isinstance(outputs, tf.Tensor):
        return _batch_free(tuple(outputs.shape))
    return None


Layer.__init__ = _naming_the_class(Layer.__init__)

from . import functional  # noqa: E402  (it subclasses Layer: imported after it)
