"""Task 4: the eager op tables of stage 2 run through ``tf.function`` with the
same values and gradients.

The tables are stage 2's own (imported, not copied): each case's function is
called eagerly and as a traced function, with a tape around the call (the
call is one op, its gradient the traced backward function) and with the tape
inside the function (the gradient traced along), and both again for a
signature that leaves every size unknown. Float64 results must agree
to rounding: a graph runs the very kernels eager execution runs.
"""

import warnings

import numpy as np
import pytest

import stage5_gpu as tf
from tests.stage2.test_grad_array import SHAPE_CASES
from tests.stage2.test_grad_binary import BINARY, SHAPES as BINARY_SHAPES
from tests.stage2.test_grad_reduction import CASES as REDUCTION_CASES, REDUCTIONS
from tests.stage2.test_grad_unary import SHAPES as UNARY_SHAPES, SMOOTH

pytestmark = pytest.mark.stage5_task4


def _loss(fn, args):
    out = fn(*args)
    outs = out if isinstance(out, (list, tuple)) else [out]
    return tf.add_n([tf.reduce_sum(o * o) for o in outs])


def value_and_grads(fn, args):
    with tf.GradientTape() as tape:
        for a in args:
            tape.watch(a)
        y = _loss(fn, args)
    return [y] + list(tape.gradient(y, args))


def assert_same_through_function(fn, arrays):
    args = [tf.constant(a) for a in arrays]
    eager = value_and_grads(fn, args)
    traced_fn = tf.function(fn)
    around = value_and_grads(traced_fn, args)             # a tape around the call

    @tf.function
    def inside(*xs):                                       # the tape inside
        return value_and_grads(fn, list(xs))
    within = inside(*args)

    # The tape inside, traced for a signature that leaves every size unknown:
    # the gradients' shapes come from the graph (or, for a rule that computes
    # with sizes in Python, the function traces per exact shape: not graded).
    unknown = [tf.TensorSpec([None] * a.ndim, a.dtype) for a in args]
    relaxed = tf.function(lambda *xs: value_and_grads(fn, list(xs)), input_signature=unknown)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        without_sizes = relaxed(*args)
        around_without_sizes = value_and_grads(tf.function(fn, input_signature=unknown), args)
    for got in (around, within, without_sizes, around_without_sizes):
        assert len(got) == len(eager)
        for a, e in zip(got, eager):
            if e is None:
                assert a is None
                continue
            np.testing.assert_allclose(a.numpy(), e.numpy(), rtol=1e-12, atol=1e-14)
            assert a.dtype == e.dtype and a.shape == e.shape


@pytest.mark.parametrize("shapes", BINARY_SHAPES, ids=str)
@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_ops(rng, name, shapes):
    fn, xr, yr = BINARY[name]
    assert_same_through_function(fn, [rng.uniform(*xr, size=shapes[0]),
                                      rng.uniform(*yr, size=shapes[1])])


@pytest.mark.parametrize("shape", UNARY_SHAPES, ids=str)
@pytest.mark.parametrize("name,fn,domain", SMOOTH, ids=[s[0] for s in SMOOTH])
def test_unary_ops(rng, name, fn, domain, shape):
    assert_same_through_function(fn, [rng.uniform(*domain, size=shape)])


@pytest.mark.parametrize("shape,axis", REDUCTION_CASES, ids=str)
@pytest.mark.parametrize("name,fn", REDUCTIONS, ids=[r[0] for r in REDUCTIONS])
def test_reductions(rng, name, fn, shape, axis):
    if name == "reduce_std" and shape == ():
        pytest.skip("the std of one value is 0, where sqrt has no derivative")
    assert_same_through_function(lambda v: fn(v, axis=axis), [rng.uniform(0.5, 1.5, size=shape)])


@pytest.mark.parametrize("name,fn,shape", SHAPE_CASES, ids=[c[0] for c in SHAPE_CASES])
def test_shape_ops(rng, name, fn, shape):
    assert_same_through_function(fn, [rng.normal(size=shape)])
