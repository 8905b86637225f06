"""The course's demo: `make demo` runs this file.

A guided tour of the stages written so far, printed to the terminal: stage 1's
tensors, stage 2's gradients, stage 3's layers, and stage 4's training: seed
003's regression with an optimizer, then seed 004's MNIST classifier trained
with fit() to over 97% test accuracy, with TensorBoard logs and a checkpoint
restored into a fresh model; stage 5's tf.function, and its devices with seed
003's matmul benchmark on the CPU (and the GPU, if there is one). Each
chapter is a function that prints what it does and shows the result, so the
output reads top to bottom like a short lecture.
"""

import textwrap

import numpy as np

import stage1_tensors as tf
from stage1_tensors import dispatch, errors
from tests.seed_samples import FIZZBUZZ  # the seed's text, which the tests also run


def title(text):
    print("\n" + text)
    print("=" * len(text))


def say(text):
    print(textwrap.fill(" ".join(text.split()), width=78))


def show(code, namespace):
    """Prints each line of ``code`` like a REPL would, then runs it."""
    for line in textwrap.dedent(code).strip().splitlines():
        print(">>> " + line)
        try:
            result = eval(compile(line, "<demo>", "eval"), namespace)
        except SyntaxError:
            exec(compile(line, "<demo>", "exec"), namespace)
        else:
            if result is not None:
                print(repr(result))


def run_block(code, namespace):
    """Prints a multi-line statement like a REPL would (``...`` continuations), then runs it."""
    code = textwrap.dedent(code).strip()
    lines = code.splitlines()
    print("\n".join([">>> " + lines[0]] + ["... " + line for line in lines[1:]]))
    exec(compile(code, "<demo>", "exec"), namespace)


def chapter_eager(ns):
    title("1. Eager: every op runs when you call it")
    say("""There is no graph to build and no session to run: tf.matmul computes
        the product at once and hands back a Tensor you can print.""")
    show("""
        x = [[2.]]
        m = tf.matmul(x, x)
        print("hello, {}".format(m))
        m
    """, ns)


def chapter_seed(ns):
    title("2. The seed's first samples: tensors, operators, NumPy")
    show("""
        a = tf.constant([[1, 2], [3, 4]])
        print(a)
        b = tf.add(a, 1)
        print(a * b)
        c = np.multiply(a, b)
        print(type(c).__name__, c.tolist())
        print(a.numpy())
    """, ns)
    say("""NumPy functions accept tensors and return arrays; tensors keep their
        value immutable, so a.numpy() is a copy.""")


def chapter_dtypes(ns):
    title("3. dtypes follow TensorFlow, not NumPy")
    say("""Python floats become float32 and ints int32; a Python number adopts
        the other operand's dtype; two tensors of different dtypes never mix
        silently. Integer '/' gives float64, as TensorFlow's does.""")
    show("""
        tf.constant(1.5).dtype, tf.constant(7).dtype, tf.constant(np.arange(3)).dtype
        (tf.constant([1, 2]) + 1).dtype
        tf.constant([7, -7]) / 2
        tf.constant([7, -7]) // 2
    """, ns)


def chapter_broadcasting(ns):
    title("4. Broadcasting")
    show("""
        column = tf.constant([[1.], [2.], [3.]])
        row = tf.constant([10., 20.])
        column + row
    """, ns)


def chapter_errors(ns):
    title("5. Errors that teach")
    say("""A wrong call fails at the call and says what was wrong and what
        would be valid; no NumPy traceback from deep inside.""")
    calls = [
        "tf.matmul([[1., 2., 3.]], [[1., 2., 3.]])",
        "tf.constant([1, 2]) + tf.constant([0.5, 0.5])",
        "tf.ones([2, 3]) + tf.ones([4])",
    ]
    for call in calls:
        print(">>> " + call)
        try:
            eval(call, ns)
        except errors.InvalidArgumentError as error:
            print("InvalidArgumentError: " + str(error))


def chapter_dispatcher(ns):
    title("6. One dispatcher for every op, and how to watch it")
    say("""Every op, whether tf.add or a + b or a[0], goes through
        dispatch.execute(op, inputs, attrs). An observer sees each op that ran:
        this is how the GradientTape of stage 2 records. Here, a softmax
        layer's forward pass, observed:""")
    seen = []

    def observer(op, inputs, attrs, outputs):
        shapes = " ".join(str(tuple(t.shape)) for t in inputs)
        seen.append("  %-10s inputs %-22s attrs %s" % (op.name, shapes, attrs or "{}"))

    tf.random.set_seed(0)
    w = tf.random.normal([4, 3])
    x = tf.ones([2, 4])
    with dispatch.observing(observer):
        probs = tf.nn.softmax(tf.matmul(x, w) + 0.1)
    print("\n".join(seen))
    print("row sums:", tf.reduce_sum(probs, axis=1).numpy().round(6))


def chapter_control_flow(ns):
    title("7. Python control flow on tensor values (the seed's fizzbuzz)")
    say("""A one-element tensor answers `if`, `and` and `range` like a Python
        number, so the seed's fizzbuzz runs unchanged:""")
    print(textwrap.indent(FIZZBUZZ.strip(), "    "))
    exec(FIZZBUZZ, ns)
    show("fizzbuzz(6)", ns)


def chapter_gradients():
    import stage2_autodiff as tf2
    title("8. Stage 2: gradients, recorded as the ops run")
    say("""A GradientTape is an observer of the dispatcher: it writes down each op
        that touches a watched value, and walks that record backwards for the
        gradient. The seed's linear regression, fitted with plain assign_sub:""")
    ns = {"tf": tf2}
    show("""
        tf.random.set_seed(0)
        inputs = tf.random.normal([1000])
        outputs = inputs * 3.0 + 2.0 + tf.random.normal([1000])
        W, B = tf.Variable(5.0), tf.Variable(10.0)
        def loss(): return tf.reduce_mean(tf.square(inputs * W + B - outputs))
    """, ns)
    run_block("""
        for step in range(300):
            with tf.GradientTape() as tape:
                value = loss()
            dW, dB = tape.gradient(value, [W, B])
            W.assign_sub(0.01 * dW)
            B.assign_sub(0.01 * dB)
    """, ns)
    show("""
        round(float(W), 2), round(float(B), 2)
    """, ns)


def chapter_layers():
    import stage3_layers as tf3
    title("9. Stage 3: layers own their variables")
    say("""A layer creates its variables the first time it is called (then it
        knows the input's shape), and a model finds them by walking its
        attributes. The seed's MNIST model, called on a blank image:""")
    tf3.keras.backend.clear_session()
    tf3.random.set_seed(0)
    ns = {"tf": tf3}
    show("""
        model = tf.keras.Sequential([tf.keras.layers.Dense(10, input_shape=(784,)), tf.keras.layers.Dense(10)])
        model(tf.zeros([1, 784])).shape
        [v.name for v in model.trainable_variables]
        model.summary()
    """, ns)


def chapter_regression():
    import stage4_training as tf4
    title("10. Stage 4: an optimizer does the update (seed 003's regression)")
    say("""Stage 2 updated W and B by hand. An optimizer owns that step: it takes
        the gradients, updates every variable by its rule and counts the steps.
        Seed 003's TF-1 code runs as it is: GradientDescentOptimizer, and
        apply_gradients with global_step=, which adds one to the global step.""")
    tf4.random.set_seed(0)
    ns = {"tf": tf4}
    show("""
        training_inputs = tf.random_normal([2000])
        training_outputs = training_inputs * 3 + 2 + tf.random_normal([2000])
        W, B = tf.Variable(5.0), tf.Variable(10.0)
        def loss(): return tf.reduce_mean(tf.square(training_inputs * W + B - training_outputs))
        optimizer = tf.train.GradientDescentOptimizer(learning_rate=0.01)
    """, ns)
    run_block("""
        for i in range(300):
            with tf.GradientTape() as tape:
                value = loss()
            grads = tape.gradient(value, [W, B])
            optimizer.apply_gradients(zip(grads, [W, B]), global_step=tf.train.get_or_create_global_step())
    """, ns)
    show("""
        print("W = {:.3f}, B = {:.3f}, loss = {:.3f}".format(float(W), float(B), float(loss())))
        int(tf.train.get_or_create_global_step())
    """, ns)


def chapter_mnist(epochs=5, batch_size=32, train_images=None):
    import time

    import stage4_training as tf4
    title("11. Stage 4: training seed 004's MNIST classifier with fit()")
    say("""The real MNIST digits are vendored in the repository (no download).
        fit() runs the training step (tape, gradients, Adam) for every batch of
        32, as seed 004 does, shows Keras's progress bar, and the TensorBoard
        callback writes event files to logs/mnist (`make tensorboard` shows them).""")
    tf4.keras.backend.clear_session()
    tf4.random.set_seed(0)
    ns = {"tf": tf4, "np": np}
    show("""
        (x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
        x_train, x_test = (x_train / 255.0).astype("float32"), (x_test / 255.0).astype("float32")
        x_train.shape, x_test.shape
    """, ns)
    if train_images:          # the test of this demo trains on fewer
        ns["x_train"], ns["y_train"] = ns["x_train"][:train_images], ns["y_train"][:train_images]
    run_block("""
        model = tf.keras.Sequential([
            tf.keras.layers.Flatten(input_shape=(28, 28)),
            tf.keras.layers.Dense(128, activation='relu'),
            tf.keras.layers.Dense(10, activation='softmax'),
        ])
    """, ns)
    show("""
        optimizer = tf.keras.optimizers.Adam(learning_rate=0.001)
        model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        tensorboard = tf.keras.callbacks.TensorBoard(log_dir="logs/mnist")
    """, ns)
    started = time.perf_counter()
    show("history = model.fit(x_train, y_train, epochs=%d, batch_size=%d, callbacks=[tensorboard])"
         % (epochs, batch_size), ns)
    say("Trained in %.0f s. On the 10,000 test digits it has never seen:"
        % (time.perf_counter() - started))
    show("""
        loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
        print("test accuracy: {:.4f}".format(accuracy))
    """, ns)
    say("""A Checkpoint saves the model's and the optimizer's variables, named by
        the path of attributes that reaches them; restoring into a fresh model
        that is not even built yet works, the values wait until its layers make
        their variables.""")
    show("""
        checkpoint = tf.train.Checkpoint(model=model, optimizer=optimizer)
        path = checkpoint.save("logs/checkpoints/mnist")
        fresh = tf.keras.Sequential([tf.keras.layers.Flatten(), tf.keras.layers.Dense(128, activation='relu'), tf.keras.layers.Dense(10, activation='softmax')])
        status = tf.train.Checkpoint(model=fresh, optimizer=tf.keras.optimizers.Adam()).restore(path)
        same = np.array_equal(fresh.predict(x_test, verbose=0), model.predict(x_test, verbose=0))
        print("restored from", path, "- same predictions on all test digits:", same)
    """, ns)


def chapter_graphs(steps=200):
    import time

    import stage5_gpu as tf5
    title("12. Stage 5: tf.function traces Python into a graph")
    say("""tf.function runs the Python function once with symbolic tensors: stage 1's
        dispatcher redirects every op into a graph instead of running it. The
        graph is optimised, then each call runs it as one precompiled schedule.""")
    ns = {"tf": tf5, "np": np}
    run_block("""
        @tf.function
        def compute_sum(a, b):
            return a + b
    """, ns)
    show("print(compute_sum(tf.constant([1, 2, 3]), tf.constant([4, 5, 6])))", ns)
    run_block("""
        @tf.function
        def busy(x):
            c = tf.constant(2.0) * 3.0          # folded to a constant
            return tf.tanh(x) * c + tf.tanh(x)  # one tanh after CSE
    """, ns)
    show("print(busy.get_concrete_function(tf.ones([2, 3])).graph)", ns)
    say("""The same training step (tape, gradients, Adam), eager and traced, on a
        784-128-10 model at batch 32:""")
    tf5.keras.backend.clear_session()
    tf5.random.set_seed(0)
    run_block("""
        model = tf.keras.Sequential([tf.keras.layers.Dense(128, activation="relu"),
                                     tf.keras.layers.Dense(10)])
        optimizer = tf.keras.optimizers.Adam(0.001)
        loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        def train_step(x, y):
            with tf.GradientTape() as tape:
                loss = loss_fn(y, model(x, training=True))
            gradients = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(gradients, model.trainable_variables))
            return loss
        x, y = tf.random.normal([32, 784]), tf.constant(np.arange(32) % 10)
    """, ns)
    times = {}
    for name, step in (("eager", ns["train_step"]), ("tf.function", tf5.function(ns["train_step"]))):
        step(ns["x"], ns["y"])                      # (the traced one traces here)
        started = time.perf_counter()
        for _ in range(steps):
            step(ns["x"], ns["y"])
        times[name] = (time.perf_counter() - started) / steps
        print("  %-12s %6.0f us a step" % (name, times[name] * 1e6))
    print("  tf.function is %.1fx faster here" % (times["eager"] / times["tf.function"]))


def chapter_devices(steps=200, budget_seconds=5.0):
    import time

    import stage5_gpu as tf5
    title("13. Stage 5: devices (seed 003's matmul benchmark)")
    tfe = tf5.contrib.eager
    gpus = tf5.config.list_physical_devices("GPU")
    say("""Every tensor lives on a device; tf.device picks where ops run. This
        machine has %s, so new tensors go to %s."""
        % ("%d GPU(s)" % len(gpus) if gpus else "no GPU (no CuPy with a CUDA device)",
           tf5.zeros([1]).device))

    def measure(x, steps):
        # TensorFlow initializes a GPU the first time it's used, exclude from timing.
        tf5.matmul(x, x)
        start = time.time()
        for i in range(steps):
            x = tf5.matmul(x, x)
            _ = x.numpy()  # Make sure to execute op and not just enqueue it
        end = time.time()
        return end - start

    shape = (1000, 1000)
    with np.errstate(over="ignore", invalid="ignore"):   # x**(2**steps) overflows, as in the seed
        with tf5.device("/cpu:0"):
            one = measure(tf5.random_normal(shape), 1)
            cpu_steps = steps if one * steps <= budget_seconds else max(
                5, int(budget_seconds / max(one, 1e-9)))
            if cpu_steps < steps:
                say("""(One product takes %.0f ms on this CPU, so the CPU runs %d
                    products instead of the seed's %d, to stay near %.0f s.)"""
                    % (one * 1e3, cpu_steps, steps, budget_seconds))
            print("Time to multiply a {} matrix by itself {} times:".format(shape, cpu_steps))
            print("CPU: {} secs".format(measure(tf5.random_normal(shape), cpu_steps)))
        if tfe.num_gpus() > 0:
            with tf5.device("/gpu:0"):
                print("GPU: {} secs ({} times)".format(
                    measure(tf5.random_normal(shape), steps), steps))
        else:
            print("GPU: not found")


def tour(epochs=5, train_images=None):
    ns = {"tf": tf, "np": np}
    for chapter in (chapter_eager, chapter_seed, chapter_dtypes, chapter_broadcasting,
                    chapter_errors, chapter_dispatcher, chapter_control_flow):
        chapter(ns)
    chapter_gradients()
    chapter_layers()
    chapter_regression()
    chapter_mnist(epochs=epochs, train_images=train_images)
    chapter_graphs()
    chapter_devices()
    print("\nNext: `make test` runs every test; `make docs` serves the course site;")
    print("`make tensorboard` shows the training curves written to logs/mnist.")


if __name__ == "__main__":
    tour()
