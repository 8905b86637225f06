"""Task 2: graph optimisation passes. Each pass keeps what the graph computes;
tests compare outputs with the pass on and off and count what it removed."""

import numpy as np
import pytest

import stage5_gpu as tf
from stage5_gpu import passes
from tests.stage5.helpers import labels, run, trace

pytestmark = pytest.mark.stage5_task2


def same_results(before, after, *arrays):
    for a, b in zip(run(before, *arrays), run(after, *arrays)):
        np.testing.assert_array_equal(a, b)
        assert a.dtype == b.dtype and np.shape(a) == np.shape(b)


X = np.array([[1.5, -2.0, 0.0], [3.0, 0.5, -1.0]], np.float32)


def test_dead_code_goes_and_the_outputs_stay():
    g = trace(lambda x: (tf.exp(x), tf.sin(x) * 2.0)[1], X)
    after = passes.eliminate_dead_code(g)
    assert labels(g) == ["Exp", "Sin", "Mul"] and labels(after) == ["Sin", "Mul"]
    same_results(g, after, X)


def test_dead_code_keeps_side_effects():
    v = tf.Variable(0.0)

    def f(x):
        v.assign_add(tf.reduce_sum(x))
        return x
    g = trace(f, X)
    after = passes.eliminate_dead_code(g)
    assert "AssignAddVariableOp[Variable:0]" in labels(after)
    run(after, X)
    assert float(v) == pytest.approx(float(X.sum()))


def test_constant_folding_computes_constant_subgraphs_once():
    g = trace(lambda x: x + tf.exp(tf.constant(1.0)) * tf.constant(2.0), X)
    after = passes.eliminate_dead_code(passes.fold_constants(g))
    assert labels(after) == ["AddV2"]
    np.testing.assert_allclose(run(after, X)[0], X + np.exp(np.float32(1)) * 2, rtol=1e-6)


def test_constant_folding_leaves_random_ops_alone():
    g = trace(lambda x: x + tf.random.uniform([3]), X[0])
    after = passes.eliminate_dead_code(passes.fold_constants(g))
    assert "RandomUniform" in labels(after)


def test_cse_computes_a_repeated_expression_once():
    g = trace(lambda x: tf.exp(x) * tf.exp(x) + tf.exp(x), X)
    after = passes.eliminate_dead_code(passes.eliminate_common_subexpressions(g))
    assert labels(after).count("Exp") == 1
    same_results(g, after, X)


def test_cse_tells_different_attributes_apart():
    g = trace(lambda x: tf.reduce_sum(x, axis=0), X)
    g2 = trace(lambda x: [tf.reduce_sum(x, axis=0), tf.reduce_sum(x, axis=1)], X)
    after = passes.eliminate_common_subexpressions(g2)
    assert labels(after).count("Sum") == 2
    assert labels(passes.eliminate_common_subexpressions(g)) == ["Sum"]


def test_cse_never_merges_random_ops_or_variable_reads_across_assignments():
    v = tf.Variable(1.0)

    def f(x):
        a = v * 1.0
        v.assign(2.0)
        b = v * 1.0
        return a + b + tf.random.uniform([]) * 0.0 + tf.random.uniform([]) * 0.0
    g = trace(f, np.float32(0))
    after = passes.eliminate_common_subexpressions(g)
    assert labels(after).count("RandomUniform") == 2
    assert run(after, np.float32(0))[0] == pytest.approx(3.0)


@pytest.mark.parametrize("fn, removed", [
    (lambda x: x * 1.0, ["Mul"]),
    (lambda x: 1.0 * x, ["Mul"]),
    (lambda x: x / 1.0, ["TrueDiv"]),
    (lambda x: x - 0.0, ["Sub"]),
    (lambda x: tf.transpose(tf.transpose(x)), ["Transpose", "Transpose"]),
    (lambda x: tf.transpose(tf.transpose(x, [1, 0]), [1, 0]), ["Transpose", "Transpose"]),
    (lambda x: tf.identity(x), ["Identity"]),
    (lambda x: tf.cast(x, tf.float32), ["Cast"]),
])
def test_simplification_removes_exact_no_ops(fn, removed):
    g = trace(fn, X)
    after = passes.eliminate_dead_code(passes.simplify_arithmetic(g))
    assert labels(after) == [] and sorted(labels(g)) == sorted(removed)
    same_results(g, after, X)


@pytest.mark.parametrize("fn, example", [
    (lambda x: x + 0.0, X),                         # -0.0 + 0.0 is +0.0
    (lambda x: x[0] * tf.ones([2, 3]), X),          # the 1s broadcast x
    (lambda x: tf.cast(x, tf.float64), X),
    (lambda x: tf.transpose(tf.transpose(x, [1, 0, 2]), [0, 2, 1]),
     np.arange(24, dtype=np.float32).reshape(2, 3, 4)),
])
def test_simplification_keeps_ops_that_change_something(fn, example):
    g = trace(fn, example)
    after = passes.eliminate_dead_code(passes.simplify_arithmetic(g))
    assert labels(after) != []
    same_results(g, after, example)


def test_integer_plus_zero_is_simplified():
    g = trace(lambda x: x + 0, np.array([1, 2], np.int32))
    assert labels(passes.eliminate_dead_code(passes.simplify_arithmetic(g))) == []


def test_negative_zero_survives_the_passes():
    g = trace(lambda x: x + 0.0, np.float32(1))
    got = run(passes.optimize(g), np.float32(-0.0))[0]
    assert np.signbit(got) == np.signbit(np.float32(-0.0) + np.float32(0.0))


ALL = ["simplify_arithmetic", "fold_constants", "cse", "dce", "fuse_elementwise"]


def busy(x, y):
    c = tf.constant(3.0) * tf.constant(2.0)
    a = tf.tanh(x) * c + tf.tanh(x) * 1.0
    b = tf.transpose(tf.transpose(y)) - 0.0
    _ = tf.exp(a)
    return tf.reduce_sum(a * b, axis=1), tf.nn.softmax(a + b)


@pytest.mark.parametrize("off", [[]] + [[name] for name in ALL] + [ALL])
def test_every_combination_of_passes_gives_the_same_values(off):
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(2, 3)).astype(np.float32), rng.normal(size=(2, 3)).astype(np.float32)
    g = trace(busy, x, y)
    after = passes.optimize(g, **{name: False for name in off})
    want = run(g, x, y)
    for a, b in zip(run(after, x, y), want):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    if not off:
        assert len(after.op_nodes()) < len(g.op_nodes())


def test_an_unknown_pass_name_is_an_error_naming_the_passes():
    with pytest.raises(ValueError, match="cse"):
        passes.optimize(trace(lambda x: x, X), fold=False)


def test_cse_merges_reads_of_a_variable_until_it_is_assigned():
    v = tf.Variable(1.0)

    def f(x):
        a = x * v + x * v       # one read would do
        v.assign_add(1.0)
        return a + v             # must read again: v changed
    g = trace(f, np.float32(1))
    after = passes.eliminate_dead_code(passes.eliminate_common_subexpressions(g))
    reads = [n for n in after.nodes if n.kind == "read"]
    assert len([n for n in g.nodes if n.kind == "read"]) == 3 and len(reads) == 2
    assert run(after, np.float32(1))[0] == pytest.approx(4.0)


BIG = np.random.default_rng(5).normal(size=(200, 300)).astype(np.float32)   # 60000 elements


def chain(x):
    return tf.tanh(tf.exp(-(x * x)) * 2.0 + 1.0) * x - x


def test_fusion_turns_a_chain_into_one_node_with_the_same_bits():
    g = trace(chain, BIG)
    after = passes.fuse_elementwise(g)
    assert labels(after) == ["Fused[Mul,Neg,Exp,Mul,AddV2,Tanh,Mul,Sub]"]
    same_results(g, after, BIG)


def test_fusion_leaves_small_arrays_alone():
    g = trace(chain, BIG[:2, :3])
    assert labels(passes.fuse_elementwise(g)) == labels(g)


def test_fusion_stops_where_an_intermediate_is_used_elsewhere_or_returned():
    g = trace(lambda x: [tf.exp(x) * 2.0, tf.exp(x) + 0.0 * 0.0], BIG)
    g = passes.eliminate_common_subexpressions(g)     # one Exp, used twice
    after = passes.fuse_elementwise(g)
    assert "Exp" in labels(after)                     # not swallowed by either chain
    same_results(g, after, BIG)
    g2 = trace(lambda x: [tf.exp(x), tf.exp(x) * 2.0 + 1.0], BIG)
    same_results(g2, passes.fuse_elementwise(g2), BIG)


def test_fusion_with_broadcast_operands():
    row = np.arange(300, dtype=np.float32)
    g = trace(lambda x, r: tf.sqrt(tf.abs(x * r) + 1.0) / (r + 1.0), BIG, row)
    after = passes.fuse_elementwise(g)
    assert any(label.startswith("Fused[") for label in labels(after))
    same_results(g, after, BIG, row)


@pytest.mark.parametrize("name", sorted(passes.ELEMENTWISE))
def test_each_fusable_op_is_exactly_its_ufunc(name):
    from stage1_tensors import registry
    op = registry.get_op(name)
    rng = np.random.default_rng(0)
    x, y = rng.uniform(0.5, 2.0, size=(2, 3)), rng.uniform(0.5, 2.0, size=(3,))
    args = (x, y) if len(op.inputs) == 2 else (x,)
    np.testing.assert_array_equal(op.kernels["CPU"](np, *args), passes.ELEMENTWISE[name](*args))


def test_integer_zero_plus_x_is_simplified_and_one_plus_x_is_kept():
    ints = np.array([1, 2], np.int32)
    g = trace(lambda x: 0 + x, ints)
    assert labels(passes.eliminate_dead_code(passes.simplify_arithmetic(g))) == []
    g = trace(lambda x: 1 + x, ints)
    after = passes.eliminate_dead_code(passes.simplify_arithmetic(g))
    assert labels(after) == ["AddV2"]
    np.testing.assert_array_equal(run(after, ints)[0], ints + 1)


def test_fusion_fuses_a_chain_of_two():
    g = trace(lambda x: tf.exp(x) * 2.0, BIG)
    after = passes.fuse_elementwise(g)
    assert labels(after) == ["Fused[Exp,Mul]"]
    same_results(g, after, BIG)
