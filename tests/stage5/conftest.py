"""Every stage-5 test starts with fresh layer names and a fixed seed."""

import pytest

import stage5_gpu as tf


@pytest.fixture(autouse=True)
def fresh_session():
    tf.keras.backend.clear_session()
    tf.random.set_seed(1234)
    yield
    tf.keras.backend.clear_session()
