"""The seeds' stage-1 samples run unchanged (but for the import) and print what they say.

Seed 003 is TensorFlow's eager-execution guide (§"Setup and basic usage" and
§"Dynamic control flow"); seed 004 is a tutorial (§"Basic Operations"). Each
sample below (and the fizzbuzz in ``tests/seed_samples.py``, which the demo shows
too) is copied from its seed with ``import tensorflow as tf`` replaced by
``import stage1_tensors as tf``; the expected text is the seed's ``# =>`` comment.
Where the seed lays a printout out differently in its comment (one line instead
of two), the comparison ignores whitespace; otherwise it is exact.
"""

import re
import textwrap

import pytest

from tests.seed_samples import FIZZBUZZ

pytestmark = pytest.mark.stage1_task9


def run(source, capsys):
    """Runs a seed sample as a script would and returns what it printed."""
    namespace = {"__name__": "__seed__"}
    exec(compile(textwrap.dedent(source), "<seed sample>", "exec"), namespace)
    return capsys.readouterr().out, namespace


def squash(text):
    """Whitespace-normalised text: for comparing against a reflowed comment."""
    return re.sub(r"\s+", " ", text).strip()


# --- seed 003, §"Setup and basic usage" ------------------------------------

def test_003_setup_enables_eager_execution(capsys):
    _, ns = run("""
        from __future__ import absolute_import, division, print_function

        import stage1_tensors as tf

        tf.enable_eager_execution()
        executing = tf.executing_eagerly()        # => True
    """, capsys)
    assert ns["executing"] is True


def test_003_hello_matmul(capsys):
    out, _ = run("""
        import stage1_tensors as tf
        x = [[2.]]
        m = tf.matmul(x, x)
        print("hello, {}".format(m))  # => "hello, [[4.]]"
    """, capsys)
    assert out == "hello, [[4.]]\n"


def test_003_tensors_broadcasting_operators_and_numpy(capsys):
    out, _ = run("""
        import stage1_tensors as tf
        a = tf.constant([[1, 2],
                         [3, 4]])
        print(a)
        # => tf.Tensor([[1 2]
        #               [3 4]], shape=(2, 2), dtype=int32)

        # Broadcasting support
        b = tf.add(a, 1)
        print(b)
        # => tf.Tensor([[2 3]
        #               [4 5]], shape=(2, 2), dtype=int32)

        # Operator overloading is supported
        print(a * b)
        # => tf.Tensor([[ 2  6]
        #               [12 20]], shape=(2, 2), dtype=int32)

        # Use NumPy values
        import numpy as np

        c = np.multiply(a, b)
        print(c)
        # => [[ 2  6]
        #     [12 20]]

        # Obtain numpy value from a tensor:
        print(a.numpy())
        # => [[1 2]
        #     [3 4]]
    """, capsys)
    # The seed's comments put continuation rows under the first one, exactly
    # as our printing does, so this comparison is exact.
    assert out == (
        "tf.Tensor([[1 2]\n"
        "           [3 4]], shape=(2, 2), dtype=int32)\n"
        "tf.Tensor([[2 3]\n"
        "           [4 5]], shape=(2, 2), dtype=int32)\n"
        "tf.Tensor([[ 2  6]\n"
        "           [12 20]], shape=(2, 2), dtype=int32)\n"
        "[[ 2  6]\n"
        " [12 20]]\n"
        "[[1 2]\n"
        " [3 4]]\n")


def test_003_numpy_multiply_returns_an_ndarray(capsys):
    _, ns = run("""
        import numpy as np
        import stage1_tensors as tf
        a = tf.constant([[1, 2], [3, 4]])
        b = tf.add(a, 1)
        c = np.multiply(a, b)
    """, capsys)
    assert type(ns["c"]).__name__ == "ndarray"
    assert type(ns["b"]).__name__ == "Tensor"


# --- seed 003, §"Dynamic control flow" (the sample is in tests/seed_samples.py) ---

def expected_fizzbuzz(max_num):
    lines = []
    for n in range(max_num):
        if n % 15 == 0:
            lines.append("FizzBuzz")
        elif n % 3 == 0:
            lines.append("Fizz")
        elif n % 5 == 0:
            lines.append("Buzz")
        else:
            lines.append("tf.Tensor(%d, shape=(), dtype=int32)" % n)
    return "".join(line + "\n" for line in lines)


@pytest.mark.parametrize("max_num", [0, 1, 16])
def test_003_fizzbuzz_runs_on_tensor_values(capsys, max_num):
    _, ns = run(FIZZBUZZ, capsys)
    counter = ns["fizzbuzz"](max_num)
    out = capsys.readouterr().out
    assert out == expected_fizzbuzz(max_num)
    assert repr(counter) == "tf.Tensor(%d, shape=(), dtype=int32)" % max_num


def test_003_fizzbuzz_first_lines(capsys):
    _, ns = run(FIZZBUZZ, capsys)
    ns["fizzbuzz"](6)
    assert capsys.readouterr().out.splitlines() == [
        "FizzBuzz",
        "tf.Tensor(1, shape=(), dtype=int32)",
        "tf.Tensor(2, shape=(), dtype=int32)",
        "Fizz",
        "tf.Tensor(4, shape=(), dtype=int32)",
        "Buzz",
    ]


# --- seed 004, §"Basic Operations with Eager Execution" ----------------------

def test_004_basic_operations(capsys):
    out, ns = run("""
        import stage1_tensors as tf
        # Basic operations
        a = tf.constant([1, 2, 3])
        b = tf.constant([4, 5, 6])
        sum_ab = a + b # Immediate execution
        print(sum_ab) # tf.Tensor([5 7 9], shape=(3,), dtype=int32)
        # Matrix multiplication
        matrix1 = tf.constant([[1, 2], [3, 4]])
        matrix2 = tf.constant([[5, 6], [7, 8]])
        matmul = tf.matmul(matrix1, matrix2)
        print(matmul) # tf.Tensor([[19 22] [43 50]], shape=(2, 2), dtype=int32)
    """, capsys)
    first, rest = out.split("\n", 1)
    assert first == "tf.Tensor([5 7 9], shape=(3,), dtype=int32)"
    # The seed writes the 2x2 result on one line; we print it on two.
    assert squash(rest) == squash("tf.Tensor([[19 22] [43 50]], shape=(2, 2), dtype=int32)")
    assert ns["sum_ab"].numpy().tolist() == [5, 7, 9]      # "(sum_ab.numpy())"


def test_004_verify_eager(capsys):
    out, _ = run("""
        import stage1_tensors as tf
        print(tf.executing_eagerly()) # Should print True
        tf.enable_eager_execution()
        print(tf.executing_eagerly())
    """, capsys)
    assert out == "True\nTrue\n"
