"""Unit tests for helpers.set_seed (run on both backends, see tests/test_backends.py)."""

from __future__ import annotations

import random

from helpers import environment_versions, run_in_backend, set_seed

import keras
import numpy as np
import pytest


def draws() -> tuple[float, float, float]:
    """One number from Python, NumPy and the Keras backend."""
    backend_draw = keras.ops.convert_to_numpy(keras.random.uniform(()))
    numpy_draw = float(np.random.rand())  # noqa: NPY002 - set_seed seeds NumPy's global state
    return random.random(), numpy_draw, float(backend_draw)


def test_same_seed_gives_same_numbers_everywhere():
    set_seed(11)
    first = draws()
    set_seed(11)
    assert draws() == first
    set_seed(12)
    assert all(a != b for a, b in zip(draws(), first, strict=True))


def test_tensorflow_ops_are_deterministic_after_set_seed():
    if keras.backend.backend() != "tensorflow":
        pytest.skip("op determinism is a TensorFlow setting")
    from tensorflow.python.framework import config  # no public getter exists

    set_seed(0)
    assert config.is_op_determinism_enabled()


def test_environment_versions_report_the_pinned_stack():
    versions = environment_versions()
    assert versions["PennyLane"] == "0.44.1"
    assert versions["Keras backend"] == keras.backend.backend()
    assert {"Python", "TensorFlow", "JAX", "NumPy", "scikit-learn"} <= set(versions)


def test_run_in_backend_returns_the_json_the_other_process_prints():
    code = "import json, keras; print('noise'); print(json.dumps(keras.backend.backend()))"
    assert run_in_backend("jax", code) == "jax"


def test_run_in_backend_reports_a_failure_and_refuses_unknown_backends():
    with pytest.raises(RuntimeError, match="exit code 1"):
        run_in_backend("tensorflow", "raise ValueError('broken on purpose')")
    with pytest.raises(ValueError, match="backend must be"):
        run_in_backend("torch", "print(1)")


def test_other_users_of_python_random_do_not_change_initial_weights():
    def kernel(disturb: bool) -> np.ndarray:
        set_seed(3)
        if disturb:  # what another thread (e.g. a Dask worker's event loop) may do meanwhile
            random.random()
        layer = keras.layers.Dense(2)
        layer.build((None, 3))
        return keras.ops.convert_to_numpy(layer.kernel)

    np.testing.assert_array_equal(kernel(False), kernel(True))
