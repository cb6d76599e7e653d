"""Unit tests for helpers.set_seed (run on both backends, see tests/test_backends.py)."""

from __future__ import annotations

import random

from helpers import (
    environment_versions,
    noisy_forum_circuit,
    reuploading_circuit,
    run_in_backend,
    sampled_forum_circuit,
    set_seed,
)

import keras
import numpy as np
import pytest

# Depends on the Keras backend: .ci/run runs this file again with KERAS_BACKEND=jax.
pytestmark = pytest.mark.backend


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


def test_building_a_circuit_leaves_numpys_global_generator_alone():
    # default.qubit and default.mixed draw their seed from NumPy's global generator, and the
    # factories cache their QNodes: if building one moved the generator, the first model after
    # set_seed in a process would shuffle its data differently (Keras on JAX shuffles with
    # NumPy) from every later one (measured on JAX: one epoch's loss 0.734 vs 0.744)
    factories = [
        lambda: reuploading_circuit(2, 9, entangle=False),  # a new (cached) QNode in this process
        lambda: noisy_forum_circuit(2, 1, "depolarizing", 0.1),
        lambda: sampled_forum_circuit(2, shots=10),
    ]
    for factory in factories:
        np.random.seed(0)  # noqa: NPY002 - the global generator is what is tested
        expected = np.random.rand()  # noqa: NPY002
        np.random.seed(0)  # noqa: NPY002
        factory()
        assert np.random.rand() == expected  # noqa: NPY002
