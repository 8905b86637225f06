"""The public API contract of stages 1 to 3, as the course's API.md states it.

Three promises are checked for each stage package:

1. every name API.md lists exists (``tf.add``, ``tf.math.add``, ``tf.nn.relu``,
   ``tf.keras.layers.Dense``, the TF-1 aliases the seeds use, ...), and the
   signatures the seeds call keep TensorFlow's argument names;
2. each stage re-exports every name of the stages below it, so a seed sample
   runs with only its import line changed;
3. every public function and class has a docstring with a runnable ``>>>``
   example, and so does every method or property API.md names (or its class's
   example shows it in use).

The lists are copied from API.md into this file on purpose: the test must run
where API.md is not at hand. When API.md grows, grow the lists with it.
"""

import importlib
import inspect
import types

import pytest

STAGES = ("stage1_tensors", "stage2_autodiff", "stage3_layers", "stage4_training",
          "stage5_gpu")
MARKS = {"stage1_tensors": pytest.mark.stage1_task1,
         "stage2_autodiff": pytest.mark.stage2_task1,
         "stage3_layers": pytest.mark.stage3_task2,
         "stage4_training": pytest.mark.stage4_task10,
         "stage5_gpu": pytest.mark.stage5_task8}


def words(text):
    return text.split()


def under(namespace, names):
    return [namespace + "." + name for name in names]


# --- Stage 1: eager tensors --------------------------------------------------

TENSOR_OPERATORS = words("""
    __add__ __radd__ __sub__ __rsub__ __mul__ __rmul__ __truediv__ __rtruediv__
    __floordiv__ __rfloordiv__ __mod__ __rmod__ __pow__ __rpow__ __matmul__ __rmatmul__
    __neg__ __abs__ __lt__ __le__ __gt__ __ge__ __eq__ __ne__ __getitem__
    __bool__ __int__ __float__ __index__ __len__ __iter__ __array__ __array_priority__
""")

DTYPES = words("float16 float32 float64 int8 int16 int32 int64 uint8 bool")

MATH = words("""
    add subtract multiply divide truediv floordiv mod pow negative abs sign square sqrt
    rsqrt exp log log1p expm1 sin cos tanh sigmoid maximum minimum clip_by_value
    clip_by_norm where equal not_equal less less_equal greater greater_equal logical_and
    logical_or logical_not reduce_sum reduce_mean reduce_max reduce_min reduce_prod
    reduce_logsumexp argmax argmin matmul tensordot einsum cumsum
""")

SHAPES = words("""
    reshape transpose expand_dims squeeze concat stack unstack split tile broadcast_to
    gather gather_nd one_hot identity pad shape size rank
""")

NN = words("""
    relu relu6 leaky_relu elu gelu softplus softsign sigmoid tanh softmax log_softmax
    sigmoid_cross_entropy_with_logits softmax_cross_entropy_with_logits
    sparse_softmax_cross_entropy_with_logits conv2d max_pool2d avg_pool2d dropout
    l2_normalize
""")

ERRORS = words("""
    OpError InvalidArgumentError NotFoundError UnimplementedError FailedPreconditionError
    OutOfRangeError ResourceExhaustedError InternalError UnknownError
""")

STAGE1 = (
    ["Tensor", "TensorShape.as_list", "as_dtype", "cast"]
    + under("Tensor", words("numpy shape dtype ndim device") + TENSOR_OPERATORS)
    + DTYPES
    + words("constant convert_to_tensor zeros ones zeros_like ones_like fill eye range linspace")
    + under("random", words("normal uniform set_seed"))
    + words("random_normal random_uniform set_random_seed log")    # TF-1 aliases
    + MATH + under("math", MATH)
    + SHAPES
    + under("nn", NN)
    + words("executing_eagerly enable_eager_execution")
    + under("errors", ERRORS)
)

# --- Stage 2: gradients ------------------------------------------------------

STAGE2 = (
    under("Variable", words("assign assign_add assign_sub read_value numpy name trainable")
          + TENSOR_OPERATORS)
    + under("GradientTape", words("""__enter__ __exit__ watch gradient jacobian batch_jacobian
                                     stop_recording reset watched_variables"""))
    + under("UnconnectedGradients", words("NONE ZERO"))
    + words("""stop_gradient custom_gradient RegisterGradient register_gradient
               gradients_function value_and_gradients_function""")
    # The seeds' ``tfe = tf.contrib.eager`` (seed 002 enables eager execution through it).
    + under("contrib.eager", words("""Variable gradients_function value_and_gradients_function
                                      enable_eager_execution"""))
    + ["test.compute_gradient"]
    # tf.Module and tf.name_scope (TensorFlow's guides build models on them).
    + under("Module", words("""name name_scope variables trainable_variables
                               non_trainable_variables submodules with_name_scope"""))
    + ["name_scope"]
)

# --- Stage 3: layers and models ------------------------------------------------

LAYERS = words("""
    Layer Dense Flatten Dropout Activation Conv2D MaxPool2D AveragePooling2D
    BatchNormalization LayerNormalization Embedding SimpleRNN LSTM GRU
    SimpleRNNCell LSTMCell GRUCell Reshape
""")

STAGE3 = (
    under("keras.layers", LAYERS)
    + under("keras.layers.Layer", words("""build call add_weight add_variable variables
                                           trainable_variables non_trainable_variables weights
                                           get_weights set_weights trainable"""))
    + ["keras.Sequential", "keras.Sequential.add", "keras.Model", "keras.Model.summary"]
    + under("keras.initializers", words("""GlorotUniform HeNormal Zeros Ones RandomNormal
                                           RandomUniform Constant"""))
    + under("keras.activations", words("relu sigmoid tanh softmax gelu elu selu softplus linear"))
)

# --- Stage 4: training ------------------------------------------------------------

STAGE4 = (
    under("keras.optimizers", words("SGD Adam AdamW RMSprop Adagrad get"))
    + under("keras.optimizers.Adam", words("apply_gradients minimize iterations"))
    + under("keras.optimizers.schedules", words("""ExponentialDecay PiecewiseConstantDecay
                                                   CosineDecay"""))
    + under("train", words("""GradientDescentOptimizer AdamOptimizer get_or_create_global_step
                              Checkpoint CheckpointManager latest_checkpoint"""))
    + under("train.Checkpoint", words("save write restore read"))
    + under("keras.losses", words("""MeanSquaredError MeanAbsoluteError Huber
                                     SparseCategoricalCrossentropy CategoricalCrossentropy
                                     BinaryCrossentropy get"""))
    + ["losses.sparse_softmax_cross_entropy"]
    + under("keras.metrics", words("""Mean Sum Accuracy BinaryAccuracy CategoricalAccuracy
                                      SparseCategoricalAccuracy TopKCategoricalAccuracy AUC"""))
    + under("keras.metrics.Mean", words("update_state result reset_state"))
    + ["contrib.eager.metrics.Mean"]
    + under("data.Dataset", words("""from_tensor_slices from_tensors range zip from_generator
                                     map filter shuffle batch padded_batch repeat take skip
                                     prefetch cache enumerate unbatch cardinality
                                     as_numpy_iterator"""))
    + under("summary", words("""create_file_writer scalar histogram text image record_if
                                flush"""))
    + under("contrib.summary", words("""create_file_writer scalar
                                        record_summaries_every_n_global_steps"""))
    + under("keras.Model", words("compile fit evaluate predict save"))
    + ["keras.models.load_model", "keras.datasets.mnist.load_data"]
    + under("keras.callbacks", words("""Callback History ModelCheckpoint EarlyStopping
                                        TensorBoard LambdaCallback CSVLogger"""))
)

# --- Stage 5: graphs and devices (the GPU kernels and distribute names join with their slices)

STAGE5 = (
    ["function", "Function", "TensorSpec", "errors.OperatorNotAllowedInGraphError",
     "cond", "case", "while_loop", "py_function", "numpy_function", "print"]
    + under("Function", words("get_concrete_function experimental_get_tracing_count"))
    + ["device", "Tensor.gpu", "Tensor.cpu", "Tensor.device", "Variable.device",
       "contrib.eager.num_gpus"]
    + under("config", words("""list_physical_devices list_logical_devices set_visible_devices
                               get_visible_devices set_soft_device_placement
                               get_soft_device_placement PhysicalDevice LogicalDevice"""))
    + under("config.experimental", words("get_memory_info reset_memory_stats"))
    + under("test", words("is_gpu_available is_built_with_cuda gpu_device_name"))
)

NAMES = {"stage1_tensors": STAGE1, "stage2_autodiff": STAGE2, "stage3_layers": STAGE3,
         "stage4_training": STAGE4, "stage5_gpu": STAGE5}

# Argument names the seeds and TF code pass by keyword.
SIGNATURES = {
    "stage1_tensors": {"matmul": words("a b transpose_a transpose_b"),
                       "reduce_sum": words("input_tensor axis keepdims"),
                       "cast": words("x dtype"),
                       "random.normal": words("shape mean stddev dtype seed"),
                       "nn.conv2d": words("input filters strides padding")},
    "stage2_autodiff": {"Variable": words("initial_value trainable name dtype"),
                        "GradientTape": words("persistent watch_accessed_variables"),
                        "GradientTape.gradient": words("""target sources output_gradients
                                                          unconnected_gradients"""),
                        "gradients_function": words("f params"),
                        "value_and_gradients_function": words("f params"),
                        "test.compute_gradient": words("f x")},
    "stage3_layers": {"keras.layers.Dense": words("units activation use_bias"),
                      "keras.layers.Layer.add_weight": words("name shape")},
    "stage4_training": {"keras.optimizers.Adam": words("learning_rate beta_1 beta_2 epsilon"),
                        "train.GradientDescentOptimizer": words("learning_rate"),
                        "keras.Model.fit": words("""x y batch_size epochs verbose callbacks
                                                    validation_split validation_data shuffle"""),
                        "keras.Model.compile": words("optimizer loss metrics"),
                        "data.Dataset.shuffle": words("buffer_size seed reshuffle_each_iteration"),
                        "data.Dataset.batch": words("batch_size drop_remainder"),
                        "summary.scalar": words("name data step"),
                        "losses.sparse_softmax_cross_entropy": words("labels logits")},
    "stage5_gpu": {"function": words("func input_signature autograph jit_compile reduce_retracing"),
                   "Function.get_concrete_function": [],
                   "TensorSpec": words("shape dtype name"),
                   "device": words("device_name"),
                   "Tensor.gpu": words("gpu_index"),
                   "config.list_physical_devices": words("device_type"),
                   "config.set_visible_devices": words("devices device_type"),
                   "config.experimental.get_memory_info": words("device")},
}

# Where each stage's public functions and classes live: the package itself and
# the TF namespaces under it (a module's ``__all__`` says what is public in it).
NAMESPACES = {
    "stage1_tensors": ["", "math", "nn", "random", "errors"],
    "stage2_autodiff": ["", "math", "nn", "random", "errors", "contrib.eager", "test"],
    "stage3_layers": ["", "math", "nn", "random", "errors", "contrib.eager", "test",
                      "keras", "keras.layers", "keras.initializers", "keras.activations",
                      "keras.backend"],
    "stage4_training": ["", "math", "nn", "random", "errors", "contrib.eager", "test",
                        "keras", "keras.layers", "keras.initializers", "keras.activations",
                        "keras.backend", "keras.optimizers", "keras.optimizers.schedules",
                        "keras.losses", "keras.metrics", "keras.callbacks", "keras.models",
                        "keras.datasets.mnist", "losses", "data", "train", "summary",
                        "contrib.summary"],
}
NAMESPACES["stage5_gpu"] = NAMESPACES["stage4_training"] + ["config", "config.experimental"]


def lookup(root, path):
    """``root.a.b.c`` for ``path`` "a.b.c"; raises AttributeError where it stops."""
    for part in filter(None, path.split(".")):
        root = getattr(root, part)
    return root


def exists(root, path):
    try:
        lookup(root, path)
    except AttributeError:
        return False
    return True


def per_stage(stages):
    return [pytest.param(stage, marks=MARKS[stage], id=stage) for stage in stages]


def earlier(stage):
    return STAGES[:STAGES.index(stage)]


@pytest.mark.parametrize("stage", per_stage(STAGES))
def test_every_listed_name_exists(stage):
    package = importlib.import_module(stage)
    missing = [path for path in NAMES[stage] if not exists(package, path)]
    assert missing == [], "%s lacks these API.md names: %s" % (stage, ", ".join(missing))


@pytest.mark.parametrize("stage", per_stage(STAGES[1:]))
def test_later_stages_reexport_the_earlier_names(stage):
    package = importlib.import_module(stage)
    missing = [path for below in earlier(stage) for path in NAMES[below]
               if not exists(package, path)]
    assert missing == [], "%s does not re-export: %s" % (stage, ", ".join(missing))


@pytest.mark.parametrize("stage", per_stage(STAGES))
def test_signatures_keep_tensorflows_argument_names(stage):
    package = importlib.import_module(stage)
    wrong = {}
    for path, expected in SIGNATURES[stage].items():
        if not exists(package, path):
            continue            # reported by test_every_listed_name_exists
        got = list(inspect.signature(lookup(package, path)).parameters)
        if got[:1] == ["self"]:
            got = got[1:]
        if got[:len(expected)] != expected:
            wrong[path] = got
    assert wrong == {}, "%s: arguments differ from TensorFlow's: %s" % (stage, wrong)


@pytest.mark.stage1_task1
def test_invalid_argument_error_is_a_value_error():
    import stage1_tensors as tf
    assert issubclass(tf.errors.InvalidArgumentError, ValueError)
    assert issubclass(tf.errors.InvalidArgumentError, tf.errors.OpError)


@pytest.mark.stage2_task1
def test_tfe_imports_like_the_seeds_write_it():
    """Seed 002: ``import tensorflow.contrib.eager as tfe``."""
    import stage2_autodiff as tf
    assert importlib.import_module("stage2_autodiff.contrib.eager") is tf.contrib.eager


def public_callables(stage):
    """``{id: (path, object)}`` of the functions and classes a stage offers."""
    package = importlib.import_module(stage)
    found = {}
    for namespace in NAMESPACES[stage]:
        module = lookup(package, namespace)
        names = getattr(module, "__all__", None) or [n for n in dir(module)
                                                     if not n.startswith("_")]
        for name in names:
            obj = getattr(module, name)
            if isinstance(obj, types.ModuleType) or not callable(obj):
                continue
            if not getattr(obj, "__module__", "").startswith("stage"):
                continue        # e.g. a NumPy function that happens to be visible
            path = (namespace + "." + name).lstrip(".")
            found.setdefault(id(obj), (path, obj))
    return found


def own_callables(stage):
    """The public callables a stage adds to those of the stages below it."""
    found = public_callables(stage)
    for below in earlier(stage):
        for key in public_callables(below):
            found.pop(key, None)
    return found


def listed_methods(stage):
    """The methods and properties API.md names, like ``Tensor.numpy``."""
    package = importlib.import_module(stage)
    for path in NAMES[stage]:
        parent, _, name = path.rpartition(".")
        if not parent or name.startswith("__") or not exists(package, path):
            continue
        owner = lookup(package, parent)
        if isinstance(owner, type) and name in dir(owner):
            member = inspect.getattr_static(owner, name)
            if isinstance(member, (types.FunctionType, property, classmethod, staticmethod)):
                yield path, getattr(owner, name) if not isinstance(member, property) else member


def has_example(obj):
    return ">>>" in (inspect.getdoc(obj) or "")


def shown_in_class_example(package, path):
    """True when the class's own example uses the member (``w.name`` for ``Variable.name``)."""
    parent, _, name = path.rpartition(".")
    lines = (inspect.getdoc(lookup(package, parent)) or "").splitlines()
    code = [line for line in lines if line.lstrip().startswith((">>>", "..."))]
    return any("." + name in line for line in code)


@pytest.mark.parametrize("stage", per_stage(STAGES))
def test_every_public_callable_has_a_docstring_with_an_example(stage):
    package = importlib.import_module(stage)
    bare = [path for path, obj in own_callables(stage).values() if not has_example(obj)]
    bare += [path for path, obj in listed_methods(stage)
             if not has_example(obj) and not shown_in_class_example(package, path)]
    bare.sort()
    assert bare == [], "%s: no '>>>' example in the docstring of %s" % (stage, ", ".join(bare))
