"""`make demo` runs demo.py: its whole tour must keep working (not graded: it spans
every stage). The MNIST chapter runs here on 5,000 images for one epoch; the demo
itself trains on all 60,000 for five (>= 97% test accuracy, about 20 s on 2 cores)."""

import pathlib
import re
import runpy


def test_make_demo_runs_the_whole_tour(capsys, tmp_path, monkeypatch):
    demo = runpy.run_path(str(pathlib.Path(__file__).parents[1] / "demo.py"))
    monkeypatch.chdir(tmp_path)                     # the demo writes logs/ where it runs
    demo["tour"](epochs=1, train_images=5000)
    out = capsys.readouterr().out
    assert "hello, [[4.]]" in out
    assert "InvalidArgumentError: matmul: inner dimensions must match" in out
    assert "  MatMul " in out and "FizzBuzz" in out
    assert "(2.98, 2.0)" in out                    # stage 2: the seed's fit, W≈3, B≈2
    assert "Total params: 7,960" in out            # stage 3: the seed's model summary
    assert "W = 3.0" in out and "B = 2.0" in out   # stage 4: GradientDescentOptimizer
    accuracy = float(re.search(r"test accuracy: (\d\.\d+)", out).group(1))
    assert accuracy > 0.8                          # one epoch on 5,000 images
    assert "same predictions on all test digits: True" in out
    assert list((tmp_path / "logs" / "mnist" / "train").glob("events.out.tfevents.*"))
    assert "v1 = Const(6.)" in out and "tf.function is" in out   # stage 5
