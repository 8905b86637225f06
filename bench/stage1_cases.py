"""Stage 1 cases: what one eager op costs, and whether big ops pay anything extra.

* Tiny ops (2x2 float32): the time is almost all Python overhead, so the ratio to
  raw NumPy *is* the price of our dispatcher (converting inputs, checking
  dtypes, picking a kernel, wrapping the result, notifying observers).
* The seed's large benchmark (a 1000x1000 float32 matrix multiplied by itself
  200 times): the time is all BLAS, so the ratio should be 1.
"""

import numpy as np

import peers
from cases import Case, Skip, Target, agree

STAGE = 1
TITLE = "Stage 1: eager ops on NumPy"

_CHAIN_SHAPE = (1000, 1000)
_CHAIN_STEPS = 200


def cases(quick=False):
    """The stage-1 cases, in the order they are reported."""
    import stage1_tensors as tf
    torch = peers.torch()
    rng = np.random.default_rng(0)
    a = rng.standard_normal((2, 2)).astype(np.float32)
    b = rng.standard_normal((2, 2)).astype(np.float32)
    ta, tb = tf.constant(a), tf.constant(b)
    pa, pb = (torch.from_numpy(a.copy()), torch.from_numpy(b.copy())) if torch else (None, None)

    tiny = [
        ("add 2x2 float32", np.add, tf.add, torch and torch.add, (a, b), (ta, tb), (pa, pb)),
        ("a + b 2x2 float32 (operator)", _plus, _plus, torch and _plus,
         (a, b), (ta, tb), (pa, pb)),
        ("matmul 2x2 float32", np.matmul, tf.matmul, torch and torch.matmul,
         (a, b), (ta, tb), (pa, pb)),
        ("reduce_sum 2x2 float32", np.sum, tf.reduce_sum, torch and torch.sum,
         (a,), (ta,), (pa,)),
    ]
    relu = getattr(getattr(tf, "nn", None), "relu", None)
    if relu is None:
        yield Skip("relu 2x2 float32", "stage1_tensors has no nn.relu yet")
    else:
        tiny.append(("relu 2x2 float32", _np_relu, relu, torch and torch.relu,
                     (a,), (ta,), (pa,)))
    for name, np_fn, tf_fn, torch_fn, np_args, tf_args, torch_args in tiny:
        yield _tiny_case(name, np_fn, tf_fn, torch_fn, np_args, tf_args, torch_args, quick)
    yield _chain_case(tf, torch, quick)


def _plus(x, y):
    return x + y


def _np_relu(x):
    return np.maximum(x, np.float32(0))


def _tiny_case(name, np_fn, tf_fn, torch_fn, np_args, tf_args, torch_args, quick):
    impls = {"numpy": lambda: np_fn(*np_args), "ours": lambda: tf_fn(*tf_args)}
    if torch_fn:
        impls["torch"] = lambda: torch_fn(*torch_args)
    agree(name, {label: fn() for label, fn in impls.items()})
    targets = []
    if name.startswith("add "):
        targets = [Target("ours", "numpy", 4.0, "tiny add <= 4x raw NumPy"),
                   Target("ours", "torch", 1.0, "tiny add <= PyTorch eager")]
    return Case(name, impls, targets, repeat=5 if quick else 9,
                min_time=0.02 if quick else 0.05)


def _chain_case(tf, torch, quick):
    """The seed's ``measure(x, steps)``: ``x = matmul(x, x)`` 200 times, then ``.numpy()``.

    The product overflows to inf and then nan after a few steps, exactly as in
    the seed; BLAS runs at the same speed on those, so the timing is unaffected
    (the overflow warnings are silenced for all implementations alike).
    """
    name = "matmul chain 1000x1000 float32 x%d (the seed's benchmark)" % _CHAIN_STEPS
    x0 = np.random.default_rng(1).standard_normal(_CHAIN_SHAPE).astype(np.float32)
    steps = 20 if quick else _CHAIN_STEPS

    def numpy_chain():
        x = x0
        for _ in range(steps):
            x = np.matmul(x, x)
        return x

    t0 = tf.constant(x0)

    def our_chain():
        x = t0
        for _ in range(steps):
            x = tf.matmul(x, x)
        return x.numpy()

    impls = {"numpy": numpy_chain, "ours": our_chain}
    if torch:
        p0 = torch.from_numpy(x0.copy())

        def torch_chain():
            x = p0
            for _ in range(steps):
                x = torch.matmul(x, x)
            return x.numpy()
        impls["torch"] = torch_chain
    impls = {label: _quietly(fn) for label, fn in impls.items()}
    notes = ["%d steps in --quick mode instead of the seed's %d" % (steps, _CHAIN_STEPS)] \
        if quick else []
    return Case(name, impls,
                [Target("ours", "numpy", 1.03, "1000x1000 chain within 3% of NumPy")],
                notes=notes, repeat=3 if quick else 5, min_time=0.0, warmup=0)


def _quietly(fn):
    def run():
        with np.errstate(over="ignore", invalid="ignore"):
            return fn()
    return run
