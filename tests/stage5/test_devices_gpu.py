"""Task 7 on a GPU: copies, placement and memory with CuPy and a CUDA device.

Every test here is marked ``gpu`` and skipped, with the reason shown, where
CuPy or a CUDA GPU is missing (as in CI). The stage-1 op tables already run
on CuPy through the ``backend`` fixture of ``tests/conftest.py``; this file
checks what stage 5 adds: ``x.gpu()``/``x.cpu()``, placement by default and in
scopes, mixed-device copies, variables' memory, ``get_memory_info``.
"""

import gc

import numpy as np
import pytest

import stage5_gpu as tf

from .test_distribute import ENV, SCRIPT, launch, needs_mpiexec, results

CPU = "/job:localhost/replica:0/task:0/device:CPU:0"
GPU0 = "/job:localhost/replica:0/task:0/device:GPU:0"

pytestmark = [
    pytest.mark.gpu, pytest.mark.stage5_task7,
    pytest.mark.skipif(not tf.config.list_logical_devices("GPU"),
                       reason="CuPy with a CUDA GPU is not available here; "
                              "the device tests that need one are skipped"),
]


def test_gpu_and_cpu_copy_there_and_back_with_the_same_values():
    x = tf.constant(np.arange(6, dtype=np.float32).reshape(2, 3))
    on_gpu = x.gpu()
    assert on_gpu.device == GPU0
    back = on_gpu.cpu()
    assert back.device == CPU
    np.testing.assert_array_equal(back.numpy(), x.numpy())
    np.testing.assert_array_equal(on_gpu.numpy(), x.numpy())     # numpy() copies to host


def test_ops_on_gpu_tensors_give_the_cpus_values():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((2, 8, 8))
    cpu = [tf.constant(a), tf.constant(b)]
    gpu = [t.gpu() for t in cpu]
    for fn in (lambda x, y: tf.matmul(x, y), lambda x, y: tf.nn.relu(x) * y + 1.0,
               lambda x, y: tf.reduce_sum(tf.exp(x), axis=1), lambda x, y: tf.concat([x, y], 0),
               lambda x, y: tf.nn.softmax(x)):
        on_gpu = fn(*gpu)
        assert on_gpu.device == GPU0
        np.testing.assert_allclose(on_gpu.numpy(), fn(*cpu).numpy(), rtol=1e-12, atol=1e-12)


def test_new_tensors_go_to_gpu0_by_default_and_hiding_the_gpus_keeps_them_on_the_cpu():
    assert tf.zeros([2]).device == GPU0 and tf.constant([1.0]).device == GPU0
    before = tf.config.get_visible_devices()
    try:
        tf.config.set_visible_devices([], "GPU")
        assert tf.zeros([2]).device == CPU and tf.constant([1.0]).device == CPU
    finally:
        tf.config.set_visible_devices(before)


def test_a_scope_copies_an_ops_inputs_to_its_device():
    with tf.device("/cpu:0"):
        x = tf.constant([1.0, 2.0])
    assert x.device == CPU
    with tf.device("/gpu:0"):
        y = x * 2.0
        z = tf.identity(x)
        r = tf.random.normal([3])
    assert y.device == GPU0 and z.device == GPU0 and r.device == GPU0
    with tf.device("/cpu:0"):
        w = y + 1.0
    assert w.device == CPU
    np.testing.assert_array_equal(w.numpy(), [3.0, 5.0])


def test_inputs_on_different_devices_are_copied_to_the_gpu_inputs_device():
    a = tf.constant([1.0, 2.0]).cpu()
    b = tf.constant([10.0, 20.0]).gpu()
    for c in (a + b, b + a, tf.add_n([a, b, a])):
        assert c.device == GPU0
    np.testing.assert_array_equal((a + b).numpy(), [11.0, 22.0])


def test_gradients_flow_through_copies_and_mixed_devices():
    x = tf.constant([1.0, 2.0], dtype=tf.float64).cpu()
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(x.gpu() * x)
    grad = tape.gradient(y, x)
    np.testing.assert_allclose(grad.numpy(), [2.0, 4.0])


def test_the_seed003_copy_sample_runs_on_the_gpu():
    x = tf.random_normal([10, 10])
    x_gpu0 = x.gpu()
    x_cpu = x.cpu()
    assert tf.matmul(x_cpu, x_cpu).device == CPU      # Runs on CPU
    assert tf.matmul(x_gpu0, x_gpu0).device == GPU0   # Runs on GPU:0


def test_a_variables_gpu_memory_is_freed_when_its_last_reference_goes():
    import cupy
    pool = cupy.get_default_memory_pool()
    gc.collect()
    before = pool.used_bytes()
    with tf.device("gpu:0"):
        v = tf.Variable(tf.random_normal([1000, 1000]))
        assert v.device == GPU0
        assert pool.used_bytes() - before >= 4 * 1000 * 1000
        v = None  # v no longer takes up GPU memory
    gc.collect()
    assert pool.used_bytes() - before < 4 * 1000 * 1000


def test_memory_info_counts_current_and_peak_use():
    tf.config.experimental.reset_memory_stats("GPU:0")
    start = tf.config.experimental.get_memory_info("GPU:0")
    assert start["peak"] == start["current"] >= 0
    big = tf.zeros([1024, 1024]).gpu()
    during = tf.config.experimental.get_memory_info("GPU:0")
    assert during["current"] >= start["current"] + 4 * 1024 * 1024
    del big
    gc.collect()
    after = tf.config.experimental.get_memory_info("GPU:0")
    assert after["current"] < during["current"] <= after["peak"]
    tf.config.experimental.reset_memory_stats("GPU:0")
    assert tf.config.experimental.get_memory_info("GPU:0")["peak"] == after["current"]


def test_the_gpu_questions_say_yes():
    assert tf.contrib.eager.num_gpus() >= 1
    assert tf.test.is_gpu_available() and tf.test.is_built_with_cuda()
    assert tf.test.gpu_device_name() == "/device:GPU:0"
    assert tf.config.list_logical_devices("GPU")[0] == tf.config.LogicalDevice(
        name="/device:GPU:0", device_type="GPU")


def test_without_soft_placement_a_missing_gpu_index_is_refused():
    missing = len(tf.config.list_physical_devices("GPU"))
    tf.config.set_soft_device_placement(False)
    try:
        with tf.device("/gpu:%d" % missing):
            with pytest.raises(tf.errors.InvalidArgumentError, match="Could not satisfy"):
                tf.zeros([1])
    finally:
        tf.config.set_soft_device_placement(True)


# --- tf.distribute with GPU replicas (task 6's strategy on task 7's devices) ------
@needs_mpiexec
def test_two_gpu_replicas_stage_their_gradients_through_the_host(tmp_path):
    # With a GPU, variables and gradients live on GPU:0 (TF's placement); the
    # all-reduce copies each gradient to the host, sums there, and copies back.
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    cpu_only = dict(ENV, CUDA_VISIBLE_DEVICES="")
    single, _ = launch([SCRIPT, str(one), "loop", "single"], ranks=0, env=cpu_only)
    assert single.returncode == 0, single.stderr
    pair, _ = launch([SCRIPT, str(two), "loop"], ranks=2, timeout=300)
    assert pair.returncode == 0, pair.stderr
    reference, ref_report = results(one, 0)
    rank0, report0 = results(two, 0)
    rank1, report1 = results(two, 1)
    assert ref_report["device"].endswith("CPU:0")
    assert report0["device"].endswith("GPU:0") and report1["device"].endswith("GPU:0")
    for a, b, c in zip(reference, rank0, rank1):
        np.testing.assert_array_equal(b, c)
        np.testing.assert_allclose(b, a, rtol=1e-4, atol=1e-5)
