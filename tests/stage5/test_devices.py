"""Task 7: devices as a user sees them on any machine (CPU always).

Device names and scopes, soft placement, where new tensors go, ``.device``,
``x.cpu()``/``x.gpu()``, the ``tf.config`` listings, ``tfe.num_gpus()``, the
``tf.test`` GPU questions and the memory statistics' errors, and seed 003
§"Performance" run with only its import line changed. What needs a GPU is in
``test_devices_gpu.py`` (skipped, with the reason, where there is none).
"""

import importlib.util
import threading
import time

import numpy as np
import pytest

import stage5_gpu as tf
from stage1_tensors import backends, convert
from tests.stage1 import test_errors_fuzz as fuzz

pytestmark = pytest.mark.stage5_task7

CPU = "/job:localhost/replica:0/task:0/device:CPU:0"
HAS_GPU = bool(tf.config.list_logical_devices("GPU"))
no_gpu_only = pytest.mark.skipif(HAS_GPU, reason="checks a machine without a GPU")


@pytest.fixture(autouse=True)
def soft_placement_restored():
    yield
    tf.config.set_soft_device_placement(True)


# --- names ---------------------------------------------------------------------
@pytest.mark.parametrize("name,expected", [
    ("/cpu:0", ("CPU", 0)), ("cpu:0", ("CPU", 0)), ("CPU:0", ("CPU", 0)),
    ("/device:CPU:0", ("CPU", 0)), ("/device:cpu:0", ("CPU", 0)),
    ("/job:localhost/replica:0/task:0/device:CPU:0", ("CPU", 0)),
    ("/gpu:0", ("GPU", 0)), ("GPU:1", ("GPU", 1)), ("/GPU:3", ("GPU", 3)),
    ("/device:GPU:2", ("GPU", 2)), ("/gpu", ("GPU", None)), ("/device:GPU:*", ("GPU", None)),
    ("", (None, None)), ("/job:localhost", (None, None)),
])
def test_device_names_parse_as_in_tensorflow(name, expected):
    assert tf.devices.parse_device(name) == expected


@pytest.mark.parametrize("name,words", [
    ("foo", "unknown part 'foo'"), ("cpu:x", "non-negative integer"),
    ("/gpu:-1", "non-negative integer"), ("/gpu:0/cpu:0", "more than one device type"),
    ("device:GPU", "unknown part"), ("/replica:a/cpu:0", "replica"),
])
def test_malformed_device_names_raise_value_errors_that_show_valid_forms(name, words):
    with pytest.raises(ValueError, match=words):
        with tf.device(name):
            pass


def test_a_device_must_be_a_string_and_not_a_function():
    with pytest.raises(TypeError, match="must be a string"):
        with tf.device(0):
            pass
    with pytest.raises(RuntimeError, match="does not take a function"):
        with tf.device(lambda op: "/cpu:0"):
            pass


# --- where tensors live ---------------------------------------------------------
def test_device_names_the_full_device_string():
    assert tf.constant([1.0]).device == CPU
    assert (tf.constant([1.0]) * 2).device == CPU
    assert tf.Variable([1.0, 2.0]).device == CPU


@pytest.mark.parametrize("name", ["/cpu:0", "CPU:0", "/device:CPU:0", "/gpu:0", "GPU:7",
                                  "/device:TPU:0"])
def test_ops_and_creation_ops_in_a_scope_run_on_a_device_that_exists(name):
    expected = CPU if not name.upper().lstrip("/").startswith(("GPU", "DEVICE:GPU")) \
        or not HAS_GPU else None
    with tf.device(name):
        made = [tf.zeros([2]), tf.ones([2], tf.int32), tf.eye(2), tf.range(3),
                tf.random.normal([2]), tf.random_normal([2]), tf.random.uniform([2]),
                tf.constant([1.0]), tf.convert_to_tensor([1, 2]),
                tf.constant([1.0]) + 1.0, tf.matmul([[2.0]], [[3.0]]), tf.identity([1.0])]
        v = tf.Variable(tf.zeros([3]))
    for t in made + [v]:
        if expected is not None:
            assert t.device == expected, t
    np.testing.assert_array_equal(made[-2].numpy(), [[6.0]])


def test_scopes_nest_and_restore_even_after_an_error():
    tf.config.set_soft_device_placement(False)
    with tf.device("/gpu:5"):               # no machine here has six GPUs
        with tf.device("/cpu:0"):
            assert tf.zeros([1]).device == CPU
            with tf.device(None):           # None: default placement again
                assert tf.ones([1]).device.startswith("/job:localhost")
        with pytest.raises(tf.errors.InvalidArgumentError):
            tf.zeros([1])
    with pytest.raises(ValueError):
        with tf.device("/cpu:0"):
            raise ValueError("inside")
    assert tf.zeros([1]).device in tf.devices.available_devices()


def test_a_job_only_name_keeps_the_outer_scopes_device():
    tf.config.set_soft_device_placement(False)
    with tf.device("/gpu:5"):
        with tf.device("/job:localhost"):
            with pytest.raises(tf.errors.InvalidArgumentError):
                tf.zeros([1])


def test_soft_placement_is_on_by_default_and_runs_a_missing_device_on_the_cpu():
    assert tf.config.get_soft_device_placement() is True
    with tf.device("/gpu:9"):
        y = tf.constant([1.0, 2.0]) * 3.0
    assert y.device == CPU
    np.testing.assert_array_equal(y.numpy(), [3.0, 6.0])


def test_without_soft_placement_ops_for_a_missing_device_raise_naming_the_devices():
    tf.config.set_soft_device_placement(False)
    assert tf.config.get_soft_device_placement() is False
    x = tf.constant([1.0])
    with tf.device("/gpu:9"):
        with pytest.raises(tf.errors.InvalidArgumentError) as error:
            tf.add(x, x)
        for creation in (lambda: tf.zeros([2]), lambda: tf.random.normal([2])):
            with pytest.raises(tf.errors.InvalidArgumentError):
                creation()
        with pytest.raises(RuntimeError, match="unknown device"):
            tf.constant(1.0)
    message = str(error.value)
    assert "Could not satisfy device specification" in message
    assert "device:GPU:9" in message and CPU in message and "AddV2" in message
    assert "set_soft_device_placement(True)" in message


def test_scopes_belong_to_the_thread_that_opened_them():
    tf.config.set_soft_device_placement(False)
    seen = {}

    def other_thread():
        seen["device"] = (tf.constant([1.0]) + 1.0).device
    with tf.device("/gpu:9"):
        thread = threading.Thread(target=other_thread)
        thread.start()
        thread.join()
        with pytest.raises(tf.errors.InvalidArgumentError):
            tf.zeros([1])
    assert seen == {"device": CPU}


def test_identity_in_a_scope_gives_a_tensor_on_the_scopes_device():
    x = tf.constant([[1, 2]])
    with tf.device("/cpu:0"):
        y = tf.identity(x)
    assert y.device == CPU and y.dtype == tf.int32
    np.testing.assert_array_equal(y.numpy(), [[1, 2]])


def test_a_scope_around_a_traced_function_changes_nothing_on_the_cpu():
    f = tf.function(lambda a: a * a + 1.0)
    with tf.device("/cpu:0"):
        y = f(tf.constant([2.0]))
    assert y.device == CPU
    np.testing.assert_array_equal(y.numpy(), [5.0])


# --- copies --------------------------------------------------------------------
def test_cpu_copies_with_the_same_values_dtype_and_shape():
    x = tf.constant([[1.5, 2.5]], dtype=tf.float64)
    y = x.cpu()
    assert y is not x and y.device == CPU and y.dtype == tf.float64 and y.shape == (1, 2)
    np.testing.assert_array_equal(y.numpy(), x.numpy())


def test_the_tape_sees_a_copy_and_its_gradient_copies_back():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(x.cpu() * x.cpu())
    grad = tape.gradient(y, x)
    assert grad.device == CPU
    np.testing.assert_allclose(grad.numpy(), [2.0, 4.0])


@no_gpu_only
def test_gpu_without_a_gpu_raises_and_lists_the_devices_there_are():
    with pytest.raises(RuntimeError) as error:
        tf.constant([1.0]).gpu()
    assert "GPU:0 unknown device" in str(error.value) and CPU in str(error.value)
    with pytest.raises(RuntimeError, match="GPU:1"):
        tf.Variable([1.0]).gpu(1)


@pytest.mark.parametrize("index", ["0", 1.0, None, True])
def test_gpu_takes_an_integer_index(index):
    with pytest.raises(TypeError, match="gpu_index must be an int"):
        tf.constant([1.0]).gpu(index)


# --- what the machine has -------------------------------------------------------
def test_physical_and_logical_devices_are_named_as_in_tensorflow():
    physical = tf.config.list_physical_devices()
    assert physical[0] == tf.config.PhysicalDevice(name="/physical_device:CPU:0",
                                                   device_type="CPU")
    assert tf.config.list_physical_devices("CPU") == physical[:1]
    assert tf.config.list_physical_devices("cpu") == physical[:1]
    assert tf.config.list_logical_devices("CPU") == [
        tf.config.LogicalDevice(name="/device:CPU:0", device_type="CPU")]
    assert tf.config.list_physical_devices("TPU") == []
    gpus = tf.config.list_physical_devices("GPU")
    assert all(d.device_type == "GPU" for d in gpus)
    assert tf.config.get_visible_devices() == physical


@no_gpu_only
def test_without_a_gpu_every_gpu_question_says_no():
    assert tf.config.list_physical_devices("GPU") == []
    assert tf.config.list_logical_devices("GPU") == []
    assert tf.contrib.eager.num_gpus() == 0
    assert tf.test.is_gpu_available() is False
    assert tf.test.is_gpu_available(cuda_only=True, min_cuda_compute_capability=(3, 5)) is False
    assert tf.test.gpu_device_name() == ""


def test_is_built_with_cuda_says_whether_cupy_is_installed():
    assert tf.test.is_built_with_cuda() is (importlib.util.find_spec("cupy") is not None)


def test_the_stage2_gradient_checker_is_still_in_tf_test():
    theoretical, numerical = tf.test.compute_gradient(
        lambda x: x * x, [tf.constant([3.0], tf.float64)])
    np.testing.assert_allclose(theoretical[0], numerical[0], rtol=1e-6)


def test_hiding_the_gpus_keeps_everything_on_the_cpu():
    before = tf.config.get_visible_devices()
    try:
        tf.config.set_visible_devices([], "GPU")
        assert tf.config.list_logical_devices("GPU") == [] and tf.contrib.eager.num_gpus() == 0
        assert tf.zeros([2]).device == CPU and tf.constant(1.0).device == CPU
        tf.config.set_visible_devices(tf.config.list_physical_devices("CPU"), "CPU")
    finally:
        tf.config.set_visible_devices(before)
    assert tf.config.get_visible_devices() == before


@pytest.mark.parametrize("devices,device_type,error,words", [
    ([], None, ValueError, "the CPU must stay visible"),
    ([tf.config.PhysicalDevice("/physical_device:GPU:9", "GPU")], "GPU", ValueError,
     "not a device of this machine"),
    ([tf.config.PhysicalDevice("/physical_device:CPU:0", "CPU")], "GPU", ValueError,
     "not of device_type"),
    (3, None, TypeError, "a PhysicalDevice or a list"),
    ([], 3, TypeError, "device_type must be a string"),
])
def test_set_visible_devices_refuses_what_it_cannot_do(devices, device_type, error, words):
    with pytest.raises(error, match=words):
        tf.config.set_visible_devices(devices, device_type)


# --- memory statistics ---------------------------------------------------------------
@pytest.mark.parametrize("fn", [tf.config.experimental.get_memory_info,
                                tf.config.experimental.reset_memory_stats,
                                tf.config.experimental.get_memory_usage])
@pytest.mark.parametrize("device,words", [
    ("CPU:0", "for GPUs only"), ("/cpu:0", "for GPUs only"), ("GPU", "invalid device name"),
    ("GPU:9", "no device found"), ("nonexistent", "unknown part"), (7, "must be a string"),
])
def test_memory_statistics_refuse_the_cpu_and_missing_devices(fn, device, words):
    with pytest.raises(ValueError, match=words):
        fn(device)


@no_gpu_only
def test_without_a_gpu_gpu0_has_no_memory_statistics():
    with pytest.raises(ValueError, match="no device found with the name 'GPU:0'"):
        tf.config.experimental.get_memory_info("GPU:0")


# --- the placement hook's contract (stage 1's convert.set_placer) --------------------
def test_the_placer_is_called_for_each_op_in_a_scope_and_what_it_returns_runs():
    calls = []
    stage5 = convert.set_placer(None)
    assert stage5 is not None            # stage 5's policy was installed

    def placer(op, backend, arrays):
        calls.append((op and op.name, backend, [np.asarray(a).tolist() for a in arrays]))
        if op is not None and op.name == "AddV2":
            return backend, [a * 10 for a in arrays]
        return stage5(op, backend, arrays)
    convert.set_placer(placer)
    try:
        x = tf.constant([1.0])
        outside = x + 1.0                # no scope, one device: stage 1 decides alone
        with tf.device("/cpu:0"):
            inside = x + 1.0
            made = tf.constant(2.0)
    finally:
        assert convert.set_placer(stage5) is placer
    assert calls == [("AddV2", backends.NUMPY, [[1.0], 1.0]),
                     (None, backends.NUMPY, [2.0])]
    np.testing.assert_array_equal(outside.numpy(), [2.0])
    np.testing.assert_array_equal(inside.numpy(), [20.0])
    assert float(made) == 2.0


# --- seed 003 §"Performance", with only the import line changed ----------------------
@pytest.mark.filterwarnings("ignore::RuntimeWarning")   # x**(2**20) overflows, as in the seed
def test_seed003_performance_sample_runs_and_reports_the_gpu(capsys):
    tfe = tf.contrib.eager

    def measure(x, steps):
        # TensorFlow initializes a GPU the first time it's used, exclude from timing.
        tf.matmul(x, x)
        start = time.time()
        for i in range(steps):
            x = tf.matmul(x, x)
            _ = x.numpy()  # Make sure to execute op and not just enqueue it
        end = time.time()
        return end - start

    shape = (100, 100)     # the seed: (1000, 1000) and 200 steps; cut to stay short
    steps = 20
    print("Time to multiply a {} matrix by itself {} times:".format(shape, steps))

    # Run on CPU:
    with tf.device("/cpu:0"):
        print("CPU: {} secs".format(measure(tf.random_normal(shape), steps)))

    # Run on GPU, if available:
    if tfe.num_gpus() > 0:
        with tf.device("/gpu:0"):
            print("GPU: {} secs".format(measure(tf.random_normal(shape), steps)))
    else:
        print("GPU: not found")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Time to multiply a (100, 100) matrix by itself 20 times:"
    assert lines[1].startswith("CPU: ") and lines[1].endswith(" secs")
    if HAS_GPU:
        assert lines[2].startswith("GPU: ") and lines[2].endswith(" secs")
    else:
        assert lines[2] == "GPU: not found"


def test_seed003_copy_sample_runs_on_the_cpu_part():
    tfe = tf.contrib.eager
    x = tf.random_normal([10, 10])
    x_cpu = x.cpu()
    _ = tf.matmul(x_cpu, x_cpu)    # Runs on CPU
    assert _.device == CPU
    if tfe.num_gpus() > 0:
        x_gpu0 = x.gpu()
        _ = tf.matmul(x_gpu0, x_gpu0)  # Runs on GPU:0
        assert _.device.endswith("GPU:0")
    else:
        with pytest.raises(RuntimeError, match="unknown device"):
            x.gpu()


def test_seed003_variables_are_objects_sample_frees_the_variable():
    import gc
    import weakref
    tfe = tf.contrib.eager
    with tf.device("gpu:0"):
        v = tfe.Variable(tf.random_normal([1000, 1000]))
        alive = weakref.ref(v)
        assert v.device in tf.devices.available_devices()
        v = None  # v no longer takes up GPU memory
    gc.collect()
    assert alive() is None


# --- bad calls teach ----------------------------------------------------------------
FUZZED = [
    (["device", "parse_device"], lambda a: tf.devices.parse_device(a)),
    (["copy_to_device", "device"], lambda a: tf.devices.copy_to_device(tf.constant(1.0), a)),
    (["list_physical_devices"], tf.config.list_physical_devices),
    (["list_logical_devices", "get_visible_devices"], tf.config.list_logical_devices),
    (["get_visible_devices"], tf.config.get_visible_devices),
    (["set_visible_devices"], tf.config.set_visible_devices),
    (["get_memory_info"], tf.config.experimental.get_memory_info),
    (["reset_memory_stats"], tf.config.experimental.reset_memory_stats),
]
BAD = [3, None, 1.5, "GPU", [], ["a"], object(), tf.constant([1.0]), b"cpu:0", "x:y:z",
       "/device:", "::"]


@pytest.mark.parametrize("names,fn", FUZZED, ids=[f[0][0] for f in FUZZED])
def test_bad_calls_raise_errors_that_name_what_was_called(names, fn):
    leaks = []
    for arg in BAD:
        if fn is tf.config.set_visible_devices and isinstance(arg, list) and not arg:
            continue                     # a valid call (it would hide the CPU: refused)
        problem = fuzz._judge(fn, names + ["device", "device_type", "devices"], (arg,), {},
                              fuzz.ANY if hasattr(fuzz, "ANY") else object)
        if problem is not None and "RuntimeError leaked" not in problem:
            leaks.append(problem)
    assert leaks == []
