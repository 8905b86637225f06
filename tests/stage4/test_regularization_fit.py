"""Regularization in training: ``fit``'s loss is the data loss plus ``sum(model.losses)``
(and so are its gradients), and an optimizer applies each variable's constraint
right after updating it. Checked against a hand computation on a tiny model."""

import numpy as np
import pytest

import stage4_training as tf

pytestmark = pytest.mark.stage4_task8

R = tf.keras.regularizers
C = tf.keras.constraints

X = np.array([[1.0, 2.0], [-1.0, 0.5], [0.5, -1.5], [2.0, 1.0]], np.float32)
Y = np.array([[1.0], [0.0], [-1.0], [2.0]], np.float32)
W0 = np.array([[0.5], [-0.25]], np.float32)


def tiny_model(**dense_kwargs):
    tf.keras.backend.clear_session()
    model = tf.keras.Sequential([tf.keras.layers.Dense(
        1, input_shape=(2,), kernel_initializer=tf.keras.initializers.Constant(W0),
        **dense_kwargs)])
    return model


def by_hand(w, b, l2, lr):
    """(loss, new w, new b) of one full-batch SGD step on mse + l2 * sum(w ** 2)."""
    error = X @ w + b - Y
    loss = np.mean(error ** 2) + l2 * np.sum(w ** 2)
    grad_w = 2 * X.T @ error / len(X) + 2 * l2 * w
    grad_b = 2 * error.mean(axis=0)
    return loss, w - lr * grad_w, b - lr * grad_b


def test_fit_reports_data_loss_plus_penalty_and_follows_its_gradient():
    model = tiny_model(kernel_regularizer=R.L2(0.1))
    model.compile(optimizer=tf.keras.optimizers.SGD(0.1), loss="mse")
    history = model.fit(X, Y, batch_size=4, epochs=3, shuffle=False, verbose=0)
    w, b = W0.astype(np.float64), np.zeros(1)
    expected = []
    for _ in range(3):
        loss, w, b = by_hand(w, b, 0.1, 0.1)
        expected.append(loss)
    np.testing.assert_allclose(history.history["loss"], expected, rtol=1e-5)
    np.testing.assert_allclose(model.layers[0].kernel.numpy(), w, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.layers[0].bias.numpy(), b, rtol=1e-5, atol=1e-6)


def test_evaluate_and_test_on_batch_include_the_penalty():
    model = tiny_model(kernel_regularizer=R.L1L2(l1=0.2, l2=0.1))
    model.compile(optimizer="sgd", loss="mse")
    data = np.mean((X @ W0 - Y) ** 2)
    penalty = 0.2 * np.abs(W0).sum() + 0.1 * np.square(W0).sum()
    np.testing.assert_allclose(model.evaluate(X, Y, batch_size=4, verbose=0), data + penalty,
                               rtol=1e-5)
    np.testing.assert_allclose(model.test_on_batch(X, Y), data + penalty, rtol=1e-5)


def test_loss_weights_scale_only_the_data_loss():
    model = tiny_model(kernel_regularizer=R.L2(0.1))
    model.compile(optimizer="sgd", loss="mse", loss_weights=[0.5])
    expected = 0.5 * np.mean((X @ W0 - Y) ** 2) + 0.1 * np.square(W0).sum()
    np.testing.assert_allclose(model.evaluate(X, Y, batch_size=4, verbose=0), expected,
                               rtol=1e-5)


def test_activity_regularization_and_add_loss_reach_the_fit_loss():
    class Penalized(tf.keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = tf.keras.layers.Dense(
                1, kernel_initializer=tf.keras.initializers.Constant(W0),
                activity_regularizer=R.L2(0.5))

        def call(self, x):
            self.add_loss(tf.constant(0.25))
            return self.dense(x)

    model = Penalized()
    model.compile(optimizer=tf.keras.optimizers.SGD(0.0), loss="mse")
    history = model.fit(X, Y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    out = X @ W0
    expected = np.mean((out - Y) ** 2) + 0.25 + 0.5 * np.square(out).sum() / len(X)
    np.testing.assert_allclose(history.history["loss"], [expected], rtol=1e-5)
    assert len(model.losses) == 2       # one call's losses, not one per batch so far


def test_a_custom_train_step_gets_the_gradient_of_the_penalty():
    model = tiny_model(kernel_regularizer=R.L2(0.5), use_bias=False)
    model.build((None, 2))
    with tf.GradientTape() as tape:
        model(X, training=True)
        penalty = tf.add_n(model.losses)
    grad = tape.gradient(penalty, model.layers[0].kernel)
    np.testing.assert_allclose(grad.numpy(), 2 * 0.5 * W0, rtol=1e-6)


def test_fit_keeps_a_non_neg_kernel_non_negative():
    model = tiny_model(kernel_constraint=C.NonNeg())
    model.compile(optimizer=tf.keras.optimizers.SGD(0.5), loss="mse")
    model.fit(X, -10 * np.abs(Y), batch_size=2, epochs=3, verbose=0)
    kernel = model.layers[0].kernel.numpy()
    assert (kernel >= 0).all() and (kernel == 0).any()


# --- the optimizer applies constraints (task 3: no fit needed) --------------------
@pytest.mark.stage4_task3
@pytest.mark.parametrize("name", ["SGD", "Adam", "RMSprop"])
def test_each_update_is_followed_by_the_constraint(name, rng):
    tf.keras.backend.clear_session()
    layer = tf.keras.layers.Dense(3, kernel_constraint=C.NonNeg(),
                                  kernel_initializer="ones")
    layer.build((None, 4))
    opt = getattr(tf.keras.optimizers, name)(learning_rate=0.3)
    reference = getattr(tf.keras.optimizers, name)(learning_rate=0.3)
    shadow = tf.Variable(layer.kernel.numpy())
    for _ in range(5):
        grad = tf.constant(rng.standard_normal((4, 3)).astype(np.float32) + 0.5)
        opt.apply_gradients([(grad, layer.kernel)])
        reference.apply_gradients([(grad, shadow)])
        shadow.assign(np.maximum(shadow.numpy(), 0.0))      # the projection, by hand
        np.testing.assert_allclose(layer.kernel.numpy(), shadow.numpy(), rtol=1e-6)
    assert (layer.kernel.numpy() >= 0).all() and (layer.kernel.numpy() == 0).any()


@pytest.mark.stage4_task3
def test_max_norm_bounds_every_column_after_minimize():
    w = tf.Variable(np.full((3, 2), 1.0, np.float32), constraint=C.MaxNorm(1.0))
    opt = tf.keras.optimizers.SGD(1.0)
    for _ in range(3):
        opt.minimize(lambda: -tf.reduce_sum(w * w), var_list=[w])
    norms = np.sqrt(np.square(w.numpy()).sum(axis=0))
    np.testing.assert_allclose(norms, [1.0, 1.0], rtol=1e-5)


@pytest.mark.stage4_task3
def test_a_broken_constraint_is_named_with_its_variable():
    w = tf.Variable([1.0, 2.0], name="w", constraint=lambda v: v[:1])
    with pytest.raises(ValueError, match="SGD.*constraint.*'w:0'.*shape"):
        tf.keras.optimizers.SGD(0.1).apply_gradients([(tf.constant([1.0, 1.0]), w)])
