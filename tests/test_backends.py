"""Runs a sample of the unit tests on the Keras backend this process is not using.

Keras picks its backend once, at import, from KERAS_BACKEND; so the other backend's run needs a
fresh interpreter. `pytest` on the default backend (TensorFlow) therefore also checks JAX, on a
sample chosen to keep `pytest` short (a learner runs it to check an install): the layer's own
tests but its two largest circuits (8 and 12 qubits), its bad-input table, reproducibility and
the setup-check notebook (nbmake, quick mode), in one process.
`.ci/run` runs the whole suite, every notebook included, on JAX as well (`KERAS_BACKEND=jax
pytest`), so everything else in the full list below is checked on both backends there.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import keras
import pytest

#: What `pytest` runs again on the other backend: the layer itself and the room's first check.
BACKEND_TESTS = [
    "tests/test_quantum_layer.py",
    "tests/test_bad_inputs_layer.py",
    "tests/test_reproducibility.py",
    "notebooks/00_setup_check.ipynb",  # the room's first check runs on either backend
]
#: Left out of the sample (measured: 30% of its time on JAX); `.ci/run` runs them on JAX too.
LARGE_CIRCUITS = [
    "tests/test_quantum_layer.py::test_forum_baseline_trains_in_graph_mode[8]",
    "tests/test_quantum_layer.py::test_extreme_qubit_counts_run_in_graph_mode[12]",
]
ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("backend", ["tensorflow", "jax"])
def test_layer_tests_pass_on_the_other_backend(backend):
    if backend == keras.backend.backend():
        pytest.skip(f"{backend} is this process's backend: the tests ran in-process")
    env = {**os.environ, "KERAS_BACKEND": backend}
    deselected = [f"--deselect={test}" for test in LARGE_CIRCUITS]
    # -n 0: one process; the outer pytest's workers already keep every core busy
    command = [sys.executable, "-m", "pytest", "-q", "-n", "0", *deselected, *BACKEND_TESTS]
    run = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, f"KERAS_BACKEND={backend} tests failed:\n{run.stdout[-6000:]}"
    summary = run.stdout.splitlines()[-1]
    assert " passed" in summary
    assert f"{len(LARGE_CIRCUITS)} deselected" in summary, "a LARGE_CIRCUITS id no longer exists"
