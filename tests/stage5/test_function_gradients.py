"""Task 4: gradients through functions. A call is one op to the tape; its gradient
is a traced backward function, so training steps, higher order and nesting work."""

import numpy as np
import pytest

import stage5_gpu as tf

pytestmark = pytest.mark.stage5_task4


def eager_and_traced(fn):
    return [fn, tf.function(fn)]


def grads(fn, *xs, variables=()):
    with tf.GradientTape() as tape:
        for x in xs:
            tape.watch(x)
        y = fn(*xs)
    return y, tape.gradient(y, list(xs) + list(variables))


def test_gradients_through_a_function_match_eager_ones():
    rng = np.random.default_rng(0)
    w = tf.Variable(rng.normal(size=(3, 2)))
    b = tf.Variable(rng.normal(size=(2,)))

    def f(x, y):
        h = tf.tanh(tf.matmul(x, w) + b)
        return tf.reduce_mean(tf.nn.softmax(h) * y) + tf.reduce_sum(x ** 3)
    x, y = tf.constant(rng.normal(size=(4, 3))), tf.constant(rng.normal(size=(4, 2)))
    (ye, ge), (yt, gt) = (grads(fn, x, y, variables=[w, b]) for fn in eager_and_traced(f))
    np.testing.assert_allclose(yt.numpy(), ye.numpy(), rtol=1e-12)
    for a, e in zip(gt, ge):
        np.testing.assert_allclose(a.numpy(), e.numpy(), rtol=1e-10)


def test_gradient_of_a_function_checked_against_finite_differences():
    f = tf.function(lambda x: tf.reduce_sum(tf.sin(x) * tf.exp(x / 3.0)))
    x0 = np.array([0.3, -1.2, 2.0])
    _, (g,) = grads(f, tf.constant(x0))
    eps = 1e-6
    numeric = [(float(f(tf.constant(x0 + eps * e))) - float(f(tf.constant(x0 - eps * e))))
               / (2 * eps) for e in np.eye(3)]
    np.testing.assert_allclose(g.numpy(), numeric, rtol=1e-7)


def test_unconnected_and_integer_inputs_get_none():
    f = tf.function(lambda x, y, n: x * 2.0 + tf.cast(n, tf.float32))
    x, y, n = tf.constant(1.0), tf.constant(5.0), tf.constant(3)
    with tf.GradientTape() as tape:
        tape.watch([x, y])
        out = f(x, y, n)
    gx, gy, gn = tape.gradient(out, [x, y, n])
    assert float(gx) == 2.0 and gy is None and gn is None


def test_several_outputs_and_output_gradients():
    f = tf.function(lambda x: (x * x, tf.reduce_sum(x) * 3.0))
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        a, s = f(x)
    np.testing.assert_array_equal(tape.gradient(a, x).numpy(), [2.0, 4.0])
    np.testing.assert_array_equal(tape.gradient(s, x).numpy(), [3.0, 3.0])
    np.testing.assert_array_equal(tape.gradient([a, s], x).numpy(), [5.0, 7.0])


def test_second_and_third_order_through_a_function():
    cube = tf.function(lambda x: x * x * x)
    x = tf.constant(2.0)
    with tf.GradientTape() as t3:
        t3.watch(x)
        with tf.GradientTape() as t2:
            t2.watch(x)
            with tf.GradientTape() as t1:
                t1.watch(x)
                y = cube(x)
            d1 = t1.gradient(y, x)
        d2 = t2.gradient(d1, x)
    d3 = t3.gradient(d2, x)
    assert (float(d1), float(d2), float(d3)) == (12.0, 12.0, 6.0)


def test_a_tape_inside_a_function_gives_gradients_as_outputs():
    @tf.function
    def value_and_grad(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.reduce_sum(x ** 2)
        return y, tape.gradient(y, x)
    y, g = value_and_grad(tf.constant([1.0, 3.0]))
    assert float(y) == 10.0 and g.numpy().tolist() == [2.0, 6.0]


def test_a_gradient_of_a_gradient_computed_inside_a_function():
    @tf.function
    def grad(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = x ** 3
        return tape.gradient(y, x)
    x = tf.constant(2.0)
    with tf.GradientTape() as outer:
        outer.watch(x)
        g = grad(x)
    assert float(g) == 12.0 and float(outer.gradient(g, x)) == 12.0


def test_a_function_inside_a_function_under_a_tape():
    inner = tf.function(lambda x: tf.exp(x))
    outer = tf.function(lambda x: inner(x) * x)
    x = tf.constant(0.5)
    _, (g,) = grads(outer, x)
    assert float(g) == pytest.approx(np.exp(0.5) * 1.5, rel=1e-6)


def test_gradients_reach_the_variables_a_function_reads():
    w = tf.Variable([1.0, 2.0])
    f = tf.function(lambda x: tf.reduce_sum(w * w * x))
    with tf.GradientTape() as tape:
        y = f(tf.constant(3.0))
    np.testing.assert_array_equal(tape.gradient(y, w).numpy(), [6.0, 12.0])


def make_step(model, optimizer, loss_fn):
    def train_step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        return loss
    return train_step


@pytest.mark.parametrize("optimizer", ["sgd", "adam", "rmsprop"])
def test_a_traced_training_step_takes_the_eager_steps(optimizer):
    rng = np.random.default_rng(1)
    x = tf.constant(rng.normal(size=(16, 5)).astype("float32"))
    y = tf.constant(rng.integers(0, 3, size=16))
    losses, weights = [], []
    for wrap in (lambda f: f, tf.function):
        tf.keras.backend.clear_session()
        tf.random.set_seed(7)
        model = tf.keras.Sequential([tf.keras.layers.Dense(8, activation="relu"),
                                     tf.keras.layers.Dropout(0.0), tf.keras.layers.Dense(3)])
        opt = tf.keras.optimizers.get(optimizer)
        step = wrap(make_step(model, opt, tf.keras.losses.SparseCategoricalCrossentropy(
            from_logits=True)))
        losses.append([float(step(x, y)) for _ in range(6)])
        weights.append([v.numpy() for v in model.trainable_variables])
        assert int(opt.iterations) == 6
    np.testing.assert_allclose(losses[1], losses[0], rtol=1e-5)
    for a, b in zip(weights[1], weights[0]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert losses[1][-1] < losses[1][0]


def test_global_clipnorm_clips_by_each_calls_norm_in_a_traced_step():
    w = tf.Variable([0.0, 0.0])
    opt = tf.keras.optimizers.SGD(1.0, global_clipnorm=1.0)

    @tf.function
    def step(g):
        opt.apply_gradients([(g, w)])
    step(tf.constant([3.0, 4.0]))        # norm 5: clipped to 1
    np.testing.assert_allclose(w.numpy(), [-0.6, -0.8], rtol=1e-6)
    step(tf.constant([0.3, 0.4]))        # norm 0.5: kept
    np.testing.assert_allclose(w.numpy(), [-0.9, -1.2], rtol=1e-6)


def test_gradients_through_a_fused_chain_do_not_change():
    x = tf.constant(np.random.default_rng(5).normal(size=(200, 300)))   # big enough to fuse
    results = []
    for switches in ({}, {"fuse_elementwise": False}):
        f = tf.function(lambda v: tf.reduce_sum(tf.tanh(tf.exp(-(v * v)) * 2.0 + 1.0) * v - v),
                        experimental_passes=switches)
        assert any(n.label.startswith("Fused[") for n in f.get_concrete_function(x).graph.nodes) \
            == (not switches)
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = f(x)
        results.append((y.numpy(), tape.gradient(y, x).numpy()))
    np.testing.assert_array_equal(results[0][0], results[1][0])
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-13)


def test_a_learning_rate_schedule_is_read_each_call_of_a_traced_step():
    schedule = tf.keras.optimizers.schedules.ExponentialDecay(0.5, decay_steps=1, decay_rate=0.5)
    paths = []
    for wrap in (lambda f: f, tf.function):
        w = tf.Variable(0.0)
        opt = tf.keras.optimizers.SGD(schedule)
        step = wrap(lambda: opt.apply_gradients([(tf.constant(1.0), w)]))
        path = []
        for _ in range(4):
            step()
            path.append(float(w))
        paths.append(path)
    assert paths[0] == paths[1] == pytest.approx([-0.5, -0.75, -0.875, -0.9375])


def test_complex_outputs_have_gradients_as_in_eager_code():
    fn = lambda x: tf.complex(x, 2.0 * x)   # noqa: E731
    x = tf.constant([1.0, 3.0, 2.0])
    results = []
    for w in eager_and_traced(fn):
        _, (through_real,) = grads(lambda v: tf.math.real(w(v) * w(v)), x)
        _, (of_complex,) = grads(w, x)    # the complex output itself, seeded with ones
        results.append((through_real.numpy(), of_complex.numpy()))
    np.testing.assert_allclose(results[0][0], [-6.0, -18.0, -12.0])
    np.testing.assert_allclose(results[0][1], [1.0, 1.0, 1.0])
    for got, want in zip(results[1], results[0]):
        np.testing.assert_allclose(got, want, rtol=1e-6)


def test_the_gradient_uses_the_random_numbers_the_forward_pass_drew():
    # y = x * noise: dy/dx is the noise of this call, not a fresh draw.
    tf.random.set_seed(1)
    f = tf.function(lambda x: x * tf.random.uniform([5]))
    x = tf.ones([5])
    for _ in range(2):
        y, (g,) = grads(f, x)
        np.testing.assert_array_equal(g.numpy(), y.numpy())


def test_a_dropout_layer_in_a_function_is_differentiated_with_its_own_mask():
    tf.random.set_seed(3)
    dropout = tf.keras.layers.Dropout(0.5)
    f = tf.function(lambda x: dropout(x, training=True) * 3.0)
    x = tf.ones([4, 8])
    y, (g,) = grads(f, x)
    kept = y.numpy() != 0
    assert 0 < kept.sum() < kept.size
    np.testing.assert_allclose(g.numpy(), np.where(kept, 6.0, 0.0))
