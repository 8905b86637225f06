"""Gradients of the reductions, running sums/products and add_n vs finite differences (task 4)."""

import numpy as np
import pytest

import stage2_autodiff as tf
from stage2_autodiff.testing import check_gradients
from tests.helpers import gradient_at

pytestmark = pytest.mark.stage2_task4

CASES = [((), None), ((5,), None), ((5,), 0), ((2, 3), 1), ((2, 3), -2),
         ((2, 3, 4), (0, 2)), ((2, 3, 4), None)]

REDUCTIONS = [
    ("reduce_sum", tf.reduce_sum), ("reduce_mean", tf.reduce_mean),
    ("reduce_max", tf.reduce_max), ("reduce_min", tf.reduce_min),
    ("reduce_prod", tf.reduce_prod), ("reduce_logsumexp", tf.reduce_logsumexp),
    ("reduce_variance", tf.math.reduce_variance), ("reduce_std", tf.math.reduce_std),
]


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("shape,axis", CASES, ids=str)
@pytest.mark.parametrize("name,fn", REDUCTIONS, ids=[r[0] for r in REDUCTIONS])
def test_reductions_first_and_second_order(rng, name, fn, shape, axis, keepdims):
    x = rng.uniform(0.5, 1.5, size=shape)          # distinct values: no ties in max/min
    if name == "reduce_std" and axis is None and shape == ():
        pytest.skip("the std of one value is 0, where sqrt has no derivative")
    check_gradients(lambda v: fn(v, axis=axis, keepdims=keepdims), [x], order=2,
                    rtol=1e-4, atol=1e-6)


def test_reduce_max_ties_share_the_gradient_equally():
    g = gradient_at(lambda x: tf.reduce_max(x, axis=1), [[3.0, 1.0, 3.0], [2.0, 2.0, 2.0]])
    np.testing.assert_allclose(g.numpy(), [[0.5, 0, 0.5], [1 / 3, 1 / 3, 1 / 3]])
    g = gradient_at(tf.reduce_min, [1.0, 1.0, 4.0])
    np.testing.assert_allclose(g.numpy(), [0.5, 0.5, 0])


def test_reduce_prod_gradient_with_zeros():
    g = gradient_at(lambda x: tf.reduce_prod(x, axis=1),
              [[2.0, 0.0, 3.0], [0.0, 0.0, 5.0], [1.0, 2.0, 4.0]])
    np.testing.assert_allclose(g.numpy(), [[0, 6, 0], [0, 0, 0], [8, 4, 2]])


def test_reduce_logsumexp_gradient_is_the_softmax():
    g = gradient_at(tf.reduce_logsumexp, [1000.0, 1000.0])
    np.testing.assert_allclose(g.numpy(), [0.5, 0.5], rtol=1e-4)     # float32


def test_reduce_mean_gradient_divides_by_the_count():
    g = gradient_at(lambda x: tf.reduce_mean(x, axis=0), np.ones((4, 2)))
    np.testing.assert_allclose(g.numpy(), np.full((4, 2), 0.25))


@pytest.mark.parametrize("exclusive", [False, True])
@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("shape,axis", [((5,), 0), ((3, 4), 1), ((2, 3, 4), -2)], ids=str)
@pytest.mark.parametrize("fn", [tf.cumsum, tf.math.cumprod], ids=["cumsum", "cumprod"])
def test_running_sums_and_products(rng, fn, shape, axis, exclusive, reverse):
    x = rng.uniform(0.5, 1.5, size=shape)
    check_gradients(lambda v: fn(v, axis, exclusive=exclusive, reverse=reverse), [x],
                    order=2, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("count", [1, 3])
def test_add_n(rng, count):
    xs = [rng.normal(size=(2, 3)) for _ in range(count)]
    check_gradients(lambda *vs: tf.add_n([v * v for v in vs]), xs, order=2)


def test_a_value_used_twice_in_add_n_gets_both_contributions():
    g = gradient_at(lambda x: tf.add_n([x, x, 2.0 * x]), [1.0, 2.0])
    np.testing.assert_allclose(g.numpy(), [4.0, 4.0])


@pytest.mark.parametrize("fn", [tf.argmax, tf.argmin,
                                lambda x: tf.cast(tf.reduce_any(x > 0.0), tf.float32),
                                lambda x: tf.cast(tf.reduce_all(x > 0.0), tf.float32)],
                         ids=["argmax", "argmin", "any", "all"])
def test_index_and_bool_reductions_give_none(fn):
    assert gradient_at(fn, [1.0, 3.0, 2.0]) is None


def test_every_op_of_this_module_has_a_gradient_decision():
    from stage1_tensors.ops import reduction_ops
    from stage2_autodiff import registry
    for op in vars(reduction_ops).values():
        if isinstance(op, type(reduction_ops.Sum)):
            assert op.name not in registry.ops_without_gradient_rule(), op.name


# --- tests the mutation run asked for (each kills mutants that lived) ---------------

def test_reduce_prod_of_an_empty_tensor_has_an_empty_gradient():
    # As TensorFlow: a gradient of x's (empty) shape, not None
    x = tf.zeros([0, 3])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_prod(x, axis=0)           # [1, 1, 1]
    g = tape.gradient(y, x)
    assert g is not None and g.shape == (0, 3) and g.dtype == tf.float32
