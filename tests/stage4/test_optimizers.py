"""Task 3: optimizers (``keras.optimizers``, their schedules, the TF-1 ``train.*Optimizer``).

Every rule is checked step by step against a NumPy reference written here from
the formula (Keras's rules; TF-1's for the TF-1 forms), on float32 and float64
variables. The learning rate is a float32 variable in TF, cast to the
variable's dtype, so the float64 references use ``float32(learning_rate)``.
"""

import json
import math
import warnings

import numpy as np
import pytest

import stage4_training as tf

pytestmark = pytest.mark.stage4_task3

O = tf.keras.optimizers
S = tf.keras.optimizers.schedules
RNG = np.random.default_rng(0)
W0 = RNG.normal(size=(2, 3))
GRADS = [RNG.normal(size=(2, 3)) for _ in range(5)]
TOL = {"float32": dict(rtol=2e-5, atol=1e-6), "float64": dict(rtol=1e-12, atol=1e-13)}


def lr32(value):
    return float(np.float32(value))


# --- NumPy references (float64) -----------------------------------------------------
def ref_sgd(w, grads, lr, momentum=0.0, nesterov=False, weight_decay=None):
    w, m, out = w.copy(), np.zeros_like(w), []
    for g in grads:
        if weight_decay:
            w = w - w * weight_decay * lr
        if momentum:
            m = momentum * m - lr * g
            w = w + (momentum * m - lr * g if nesterov else m)
        else:
            w = w - lr * g
        out.append(w)
    return out


def ref_adam(w, grads, lr, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False,
             weight_decay=None):
    w, m, v, vhat, out = w.copy(), np.zeros_like(w), np.zeros_like(w), np.zeros_like(w), []
    for t, g in enumerate(grads, start=1):
        if weight_decay:
            w = w - w * weight_decay * lr
        m = m + (g - m) * (1 - beta_1)
        v = v + (g * g - v) * (1 - beta_2)
        alpha = lr * math.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
        if amsgrad:
            vhat = np.maximum(vhat, v)
            w = w - m * alpha / (np.sqrt(vhat) + epsilon)
        else:
            w = w - m * alpha / (np.sqrt(v) + epsilon)
        out.append(w)
    return out


def ref_rmsprop(w, grads, lr, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False,
                initial_velocity=0.0):
    w = w.copy()
    velocity, mom, avg, out = np.full_like(w, initial_velocity), np.zeros_like(w), np.zeros_like(w), []
    for g in grads:
        velocity = rho * velocity + (1 - rho) * g * g
        if centered:
            avg = rho * avg + (1 - rho) * g
            denominator = velocity - avg * avg + epsilon
        else:
            denominator = velocity + epsilon
        increment = lr * g / np.sqrt(denominator)
        if momentum:
            mom = momentum * mom + increment
            w = w - mom
        else:
            w = w - increment
        out.append(w)
    return out


def ref_adagrad(w, grads, lr, initial_accumulator_value=0.1, epsilon=1e-7):
    w, acc, out = w.copy(), np.full_like(w, initial_accumulator_value), []
    for g in grads:
        acc = acc + g * g
        w = w - lr * g / np.sqrt(acc + epsilon)
        out.append(w)
    return out


CASES = [
    ("SGD", dict(learning_rate=0.1), lambda lr: (ref_sgd, {})),
    ("SGD", dict(learning_rate=0.1, momentum=0.9), lambda lr: (ref_sgd, dict(momentum=0.9))),
    ("SGD", dict(learning_rate=0.1, momentum=0.8, nesterov=True),
     lambda lr: (ref_sgd, dict(momentum=0.8, nesterov=True))),
    ("Adam", dict(learning_rate=0.01), lambda lr: (ref_adam, {})),
    ("Adam", dict(learning_rate=0.01, beta_1=0.5, beta_2=0.9, epsilon=1e-3, amsgrad=True),
     lambda lr: (ref_adam, dict(beta_1=0.5, beta_2=0.9, epsilon=1e-3, amsgrad=True))),
    ("AdamW", dict(learning_rate=0.01, weight_decay=0.1),
     lambda lr: (ref_adam, dict(weight_decay=0.1))),
    ("RMSprop", dict(learning_rate=0.01), lambda lr: (ref_rmsprop, {})),
    ("RMSprop", dict(learning_rate=0.01, rho=0.8, momentum=0.5, centered=True, epsilon=1e-4),
     lambda lr: (ref_rmsprop, dict(rho=0.8, momentum=0.5, centered=True, epsilon=1e-4))),
    ("RMSprop", dict(learning_rate=0.01, momentum=0.9),
     lambda lr: (ref_rmsprop, dict(momentum=0.9))),
    ("Adagrad", dict(learning_rate=0.1), lambda lr: (ref_adagrad, {})),
    ("Adagrad", dict(learning_rate=0.1, initial_accumulator_value=1.0, epsilon=1e-3),
     lambda lr: (ref_adagrad, dict(initial_accumulator_value=1.0, epsilon=1e-3))),
]


def run(optimizer, dtype, grads=GRADS, w0=W0):
    w = tf.Variable(w0, dtype=dtype)
    path = []
    for g in grads:
        optimizer.apply_gradients([(tf.constant(g, dtype=dtype), w)])
        path.append(w.numpy())
    return w, path


def compare(path, expected, dtype):
    for step, (got, want) in enumerate(zip(path, expected)):
        assert got.dtype == np.dtype(dtype)
        np.testing.assert_allclose(got, want, err_msg="step %d" % step, **TOL[dtype])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name, kwargs, reference", CASES,
                         ids=["%s-%d" % (c[0], i) for i, c in enumerate(CASES)])
def test_trajectory_matches_the_numpy_reference(name, kwargs, reference, dtype):
    optimizer = getattr(O, name)(**kwargs)
    _, path = run(optimizer, dtype)
    fn, extra = reference(kwargs["learning_rate"])
    lr = lr32(kwargs["learning_rate"])
    if dtype == "float32":          # the reference in float64 from float32 data
        expected = fn(W0.astype(np.float32).astype(np.float64),
                      [g.astype(np.float32).astype(np.float64) for g in GRADS], lr, **extra)
    else:
        expected = fn(W0, GRADS, lr, **extra)
    compare(path, expected, dtype)
    assert int(optimizer.iterations) == len(GRADS)


def test_default_hyperparameters_are_tfs():
    assert O.SGD().get_config()["momentum"] == 0.0 and O.SGD().nesterov is False
    assert math.isclose(float(O.SGD().learning_rate), 0.01, rel_tol=1e-6)
    adam = O.Adam().get_config()
    assert (adam["beta_1"], adam["beta_2"], adam["epsilon"], adam["amsgrad"]) == (0.9, 0.999, 1e-7, False)
    assert math.isclose(adam["learning_rate"], 0.001, rel_tol=1e-6)
    assert O.AdamW().get_config()["weight_decay"] == 0.004
    rms = O.RMSprop().get_config()
    assert (rms["rho"], rms["momentum"], rms["epsilon"], rms["centered"]) == (0.9, 0.0, 1e-7, False)
    ada = O.Adagrad().get_config()
    assert (ada["initial_accumulator_value"], ada["epsilon"]) == (0.1, 1e-7)


def test_weight_decay_on_any_optimizer_decays_before_the_step():
    _, path = run(O.SGD(0.1, weight_decay=0.5), "float64")
    compare(path, ref_sgd(W0, GRADS, lr32(0.1), weight_decay=0.5), "float64")


# --- clipping ----------------------------------------------------------------------
def two_variable_step(**clip):
    a, b = tf.Variable([0.0, 0.0], dtype="float64"), tf.Variable([0.0], dtype="float64")
    ga, gb = np.array([3.0, 4.0]), np.array([-12.0])
    O.SGD(1.0, **clip).apply_gradients([(tf.constant(ga), a), (tf.constant(gb), b)])
    return -a.numpy(), -b.numpy(), ga, gb


def test_clipnorm_clips_each_gradient_alone():
    da, db, ga, gb = two_variable_step(clipnorm=2.0)
    np.testing.assert_allclose(da, ga * 2.0 / 5.0)
    np.testing.assert_allclose(db, gb * 2.0 / 12.0)
    da, _, ga, _ = two_variable_step(clipnorm=100.0)
    np.testing.assert_allclose(da, ga)


def test_clipvalue_clips_each_element():
    da, db, _, _ = two_variable_step(clipvalue=3.5)
    np.testing.assert_allclose(da, [3.0, 3.5])
    np.testing.assert_allclose(db, [-3.5])


def test_global_clipnorm_scales_all_gradients_together():
    da, db, ga, gb = two_variable_step(global_clipnorm=6.5)
    scale = 6.5 / 13.0             # sqrt(9 + 16 + 144) = 13
    np.testing.assert_allclose(da, ga * scale)
    np.testing.assert_allclose(db, gb * scale)
    da, db, ga, gb = two_variable_step(global_clipnorm=20.0)
    np.testing.assert_allclose(da, ga)


def test_only_one_clipping_option():
    with pytest.raises(ValueError, match="only one of clipnorm, clipvalue and global_clipnorm"):
        O.Adam(clipnorm=1.0, clipvalue=1.0)


# --- schedules ---------------------------------------------------------------------
def test_a_schedule_as_learning_rate_is_read_at_each_step():
    schedule = S.ExponentialDecay(0.5, decay_steps=2, decay_rate=0.5)
    optimizer = O.SGD(schedule)
    _, path = run(optimizer, "float64")
    w, expected = W0.copy(), []
    for step, g in enumerate(GRADS):
        w = w - lr32(0.5 * 0.5 ** (step / 2)) * g
        expected.append(w)
    compare(path, expected, "float64")
    assert math.isclose(float(optimizer.learning_rate), 0.5 * 0.5 ** (5 / 2), rel_tol=1e-6)


@pytest.mark.parametrize("schedule, formula", [
    (S.ExponentialDecay(0.1, 3, 0.7), lambda s: 0.1 * 0.7 ** (s / 3)),
    (S.ExponentialDecay(0.1, 3, 0.7, staircase=True), lambda s: 0.1 * 0.7 ** (s // 3)),
    (S.InverseTimeDecay(0.1, 2, 0.5), lambda s: 0.1 / (1 + 0.5 * s / 2)),
    (S.InverseTimeDecay(0.1, 2, 0.5, staircase=True), lambda s: 0.1 / (1 + 0.5 * (s // 2))),
    (S.PolynomialDecay(0.1, 4, end_learning_rate=0.01, power=2.0),
     lambda s: (0.1 - 0.01) * (1 - min(s, 4) / 4) ** 2 + 0.01),
    (S.PolynomialDecay(0.1, 4, end_learning_rate=0.01, cycle=True),
     lambda s: (0.1 - 0.01) * (1 - s / (4 * max(1, math.ceil(s / 4)))) + 0.01),
    (S.PiecewiseConstantDecay([2, 5], [0.3, 0.2, 0.1]),
     lambda s: 0.3 if s <= 2 else 0.2 if s <= 5 else 0.1),
    (S.CosineDecay(0.1, 6, alpha=0.2),
     lambda s: 0.1 * (0.8 * 0.5 * (1 + math.cos(math.pi * min(s, 6) / 6)) + 0.2)),
    (S.CosineDecay(0.0, 6, warmup_target=0.2, warmup_steps=3),
     lambda s: 0.2 * s / 3 if s < 3 else
     0.2 * 0.5 * (1 + math.cos(math.pi * min(s - 3, 6) / 6))),
])
def test_schedule_values_follow_tfs_formulas(schedule, formula):
    for step in range(12):
        value = schedule(step)
        assert value.dtype == tf.float32 and value.shape == ()
        assert math.isclose(float(value), formula(step), rel_tol=1e-6, abs_tol=1e-7), step
    assert float(schedule(tf.Variable(4, dtype=tf.int64))) == float(schedule(4))


def test_schedules_serialize_and_deserialize():
    for schedule in (S.ExponentialDecay(0.1, 3, 0.7, staircase=True),
                     S.PiecewiseConstantDecay([2], [0.3, 0.1]),
                     S.CosineDecay(0.1, 6, warmup_target=0.3, warmup_steps=2),
                     S.PolynomialDecay(0.1, 4, cycle=True), S.InverseTimeDecay(1.0, 1, 1.0)):
        config = json.loads(json.dumps(S.serialize(schedule)))
        again = S.deserialize(config)
        assert type(again) is type(schedule)
        assert [float(again(s)) for s in range(8)] == [float(schedule(s)) for s in range(8)]
    with pytest.raises(ValueError, match="one more entry"):
        S.PiecewiseConstantDecay([1, 2], [0.1, 0.2])
    with pytest.raises(ValueError, match="unknown schedule"):
        S.deserialize({"class_name": "NoSuchDecay", "config": {}})


# --- the step: None gradients, iterations, minimize ----------------------------------
def test_none_gradients_are_skipped_with_a_warning_naming_the_variable():
    a, b = tf.Variable(1.0, name="used"), tf.Variable(1.0, name="unused")
    optimizer = O.SGD(0.5)
    with pytest.warns(UserWarning, match="unused"):
        step = optimizer.apply_gradients([(tf.constant(1.0), a), (None, b)])
    assert (float(a), float(b), int(step)) == (0.5, 1.0, 1)
    with pytest.raises(ValueError, match="no gradients provided"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            optimizer.apply_gradients([(None, a), (None, b)])


def test_iterations_count_steps_and_apply_gradients_returns_them():
    optimizer = O.Adam()
    assert optimizer.iterations.dtype == tf.int64 and not optimizer.iterations.trainable
    w = tf.Variable([1.0])
    for i in range(3):
        step = optimizer.apply_gradients(zip([tf.constant([1.0])], [w]))
        assert int(step) == i + 1
    assert step is optimizer.iterations


def test_minimize_with_a_callable_a_tape_and_a_callable_var_list():
    w = tf.Variable([1.0, -2.0], dtype="float64")
    O.SGD(0.25).minimize(lambda: tf.reduce_sum(w ** 2), var_list=[w])
    np.testing.assert_allclose(w.numpy(), [0.5, -1.0])
    O.SGD(0.25).minimize(lambda: tf.reduce_sum(w ** 2), var_list=lambda: [w])
    np.testing.assert_allclose(w.numpy(), [0.25, -0.5])
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(w ** 2)
    O.SGD(0.5).minimize(loss, var_list=[w], tape=tape)
    np.testing.assert_allclose(w.numpy(), [0.0, 0.0])
    with pytest.raises(ValueError, match="tape"):
        O.SGD(0.5).minimize(tf.constant(1.0), var_list=[w])
    with pytest.raises(TypeError, match="var_list must hold tf.Variables"):
        O.SGD(0.5).minimize(lambda: tf.reduce_sum(w ** 2), var_list=[tf.constant(1.0)])


def test_updates_are_not_recorded_on_an_outer_tape():
    a, b = tf.Variable(2.0), tf.Variable(1.0)
    optimizer = O.AdamW(0.1, weight_decay=0.5)      # its decay reads b
    with tf.GradientTape() as tape:
        loss = a * a
        optimizer.apply_gradients([(tf.constant(1.0), b)])
    assert [v is a for v in tape.watched_variables()] == [True]
    assert float(tape.gradient(loss, a)) == 4.0


# --- learning rate -------------------------------------------------------------------
def test_learning_rate_can_be_changed_mid_training():
    optimizer = O.SGD(0.1)
    w = tf.Variable(W0)
    optimizer.apply_gradients([(tf.constant(GRADS[0]), w)])
    optimizer.learning_rate = 0.5
    optimizer.apply_gradients([(tf.constant(GRADS[1]), w)])
    optimizer.learning_rate.assign(0.25)
    optimizer.apply_gradients([(tf.constant(GRADS[2]), w)])
    expected = W0 - lr32(0.1) * GRADS[0] - 0.5 * GRADS[1] - 0.25 * GRADS[2]
    np.testing.assert_allclose(w.numpy(), expected, rtol=1e-12)
    assert optimizer.lr is optimizer.learning_rate
    assert optimizer.learning_rate.dtype == tf.float32
    optimizer.learning_rate = S.PiecewiseConstantDecay([0], [9.0, 1.0])
    assert float(optimizer.learning_rate) == 1.0
    with pytest.raises(TypeError, match="not settable"):
        optimizer.learning_rate = 0.1


# --- slots: names, shapes, dtypes, checkpoints ----------------------------------------
# --- configs -------------------------------------------------------------------------
@pytest.mark.parametrize("optimizer", [
    O.SGD(0.3, momentum=0.5, nesterov=True, clipnorm=1.0), O.Adam(0.02, amsgrad=True),
    O.AdamW(0.01, weight_decay=0.1, global_clipnorm=2.0), O.RMSprop(centered=True, rho=0.8),
    O.Adagrad(initial_accumulator_value=0.5, clipvalue=0.3),
    O.Adam(S.CosineDecay(0.1, 10, warmup_target=0.2, warmup_steps=2)),
], ids=lambda o: type(o).__name__)
def test_get_serialize_deserialize_round_trip(optimizer):
    config = json.loads(json.dumps(O.serialize(optimizer)))
    assert config["class_name"] == type(optimizer).__name__
    again = O.deserialize(config)
    assert type(again) is type(optimizer)
    assert again.get_config() == optimizer.get_config()
    assert O.get(config).get_config() == optimizer.get_config()
    assert type(optimizer).from_config(optimizer.get_config()).get_config() == optimizer.get_config()
    _, path_a = run(optimizer, "float64")
    _, path_b = run(again, "float64")
    compare(path_b, path_a, "float64")


def test_get_takes_names_in_any_case_and_passes_instances_through():
    for name, cls in [("sgd", O.SGD), ("ADAM", O.Adam), ("AdamW", O.AdamW),
                      ("rmsprop", O.RMSprop), ("adagrad", O.Adagrad)]:
        assert type(O.get(name)) is cls
    optimizer = O.Adam()
    assert O.get(optimizer) is optimizer
    assert tf.optimizers.Adam is O.Adam


# --- the TF-1 forms ------------------------------------------------------------------
def test_tf1_gradient_descent_as_in_the_seed():
    class Model:
        def __init__(self):
            self.W = tf.Variable(5.0)
            self.B = tf.Variable(10.0)

        def __call__(self, x):
            return self.W * x + self.B

    def loss(model, x, y):
        return tf.reduce_mean(tf.square(model(x) - y))

    x = tf.constant(np.linspace(-1, 1, 20), dtype="float32")
    y = 3.0 * x + 2.0
    model, step = Model(), tf.train.get_or_create_global_step()
    start = int(step)
    optimizer = tf.train.GradientDescentOptimizer(learning_rate=0.01)
    for _ in range(3):
        with tf.GradientTape() as tape:
            value = loss(model, x, y)
        grads = tape.gradient(value, [model.W, model.B])
        optimizer.apply_gradients(zip(grads, [model.W, model.B]),
                                  global_step=tf.train.get_or_create_global_step())
    for _ in range(2):
        optimizer.minimize(lambda: loss(model, x, y),
                           global_step=tf.train.get_or_create_global_step())
    assert int(step) - start == 5
    # The same five steps by hand.
    w, b, xs, ys = 5.0, 10.0, x.numpy().astype(np.float64), y.numpy().astype(np.float64)
    for _ in range(5):
        r = w * xs + b - ys
        w, b = w - lr32(0.01) * np.mean(2 * r * xs), b - lr32(0.01) * np.mean(2 * r)
    assert math.isclose(float(model.W), w, rel_tol=1e-5)
    assert math.isclose(float(model.B), b, rel_tol=1e-5)


def tf1_run(optimizer, dtype="float64"):
    w, step = tf.Variable(W0, dtype=dtype), tf.Variable(0, dtype=tf.int64)
    path = []
    for g in GRADS:
        optimizer.apply_gradients([(tf.constant(g, dtype=dtype), w)], global_step=step)
        path.append(w.numpy())
    assert int(step) == len(GRADS)
    return path


def test_tf1_adam_optimizer_rule_and_defaults():
    expected = ref_adam(W0, GRADS, lr32(0.01), epsilon=1e-8)
    compare(tf1_run(tf.train.AdamOptimizer(learning_rate=0.01)), expected, "float64")
    assert tf.train.AdamOptimizer().get_config()["epsilon"] == 1e-8


def test_tf1_momentum_optimizer_accumulates_the_gradient():
    for nesterov in (False, True):
        w, accum, expected = W0.copy(), np.zeros_like(W0), []
        lr = lr32(0.1)
        for g in GRADS:           # TF-1: accum = m * accum + g; var -= lr * accum (Nesterov: lr * (g + m * accum))
            accum = 0.9 * accum + g
            w = w - lr * (g + 0.9 * accum if nesterov else accum)
            expected.append(w)
        compare(tf1_run(tf.train.MomentumOptimizer(0.1, momentum=0.9, use_nesterov=nesterov)),
                expected, "float64")


def test_tf1_rmsprop_and_adagrad():
    expected = ref_rmsprop(W0, GRADS, lr32(0.01), rho=0.9, momentum=0.5, epsilon=1e-10,
                           initial_velocity=1.0)
    compare(tf1_run(tf.train.RMSPropOptimizer(0.01, momentum=0.5)), expected, "float64")
    expected = ref_adagrad(W0, GRADS, lr32(0.1), initial_accumulator_value=0.1, epsilon=0.0)
    compare(tf1_run(tf.train.AdagradOptimizer(0.1)), expected, "float64")


def test_tf1_minimize_finds_the_variables_the_loss_read():
    a, b, frozen = tf.Variable(1.0), tf.Variable(2.0), tf.Variable(3.0, trainable=False)
    pairs = tf.train.GradientDescentOptimizer(0.5).compute_gradients(lambda: a * b * frozen)
    assert [v is x for (_, v), x in zip(pairs, (a, b))] == [True, True] and len(pairs) == 2
    tf.train.GradientDescentOptimizer(0.5).minimize(lambda: a * b * frozen, var_list=[a])
    assert (float(a), float(b)) == (-2.0, 2.0)
    with pytest.raises(RuntimeError, match="should be a function"):
        tf.train.GradientDescentOptimizer(0.5).minimize(a * b)
    with pytest.raises(TypeError, match="global_step"):
        tf.train.GradientDescentOptimizer(0.5).apply_gradients([(tf.constant(1.0), a)],
                                                               global_step=3)


# --- teaching errors -------------------------------------------------------------------
def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(ValueError, match="unknown optimizer 'adma'. Did you mean 'adam'.*'sgd'"):
        O.get("adma")
    with pytest.raises(ValueError, match="cannot interpret"):
        O.get(3)
    with pytest.raises(ValueError, match="unknown optimizer class"):
        O.deserialize({"class_name": "Nadamx", "config": {}})


def test_a_gradient_of_the_wrong_shape_or_dtype_names_the_variable():
    w = tf.Variable(np.zeros((2, 3)), name="kernel", dtype="float32")
    with pytest.raises(ValueError, match=r"'kernel:0' has shape \(3, 2\) but the variable has shape \(2, 3\)"):
        O.Adam().apply_gradients([(tf.zeros([3, 2]), w)])
    with pytest.raises(TypeError, match="float64 but the variable is float32"):
        O.Adam().apply_gradients([(tf.zeros([2, 3], dtype="float64"), w)])
    with pytest.raises(TypeError, match="not a tf.Variable"):
        O.SGD().apply_gradients([(tf.zeros([2, 3]), tf.zeros([2, 3]))])
    with pytest.raises(TypeError, match=r"\(gradient, variable\) pairs"):
        O.SGD().apply_gradients([w])


def test_bad_hyperparameters_are_refused_at_construction():
    with pytest.raises(ValueError, match="learning_rate must be a finite number >= 0"):
        O.SGD(-0.1)
    with pytest.raises(TypeError, match="learning_rate must be a number"):
        O.Adam("fast")
    with pytest.raises(ValueError, match="beta_1"):
        O.Adam(beta_1=1.0)
    with pytest.raises(ValueError, match="momentum"):
        O.SGD(momentum=-1.0)
    with pytest.raises(TypeError, match="unexpected argument"):
        O.Adam(betta_1=0.9)
