"""Seeding for reproducible runs: one call seeds Python, NumPy and the Keras backend.

Introduced in the course foundation; every notebook's setup cell calls :func:`set_seed`.
"""

from __future__ import annotations

import random
from typing import Any

from helpers._checks import check_seed

import keras


def set_seed(seed: int = 0) -> None:
    """Seeds Python, NumPy and Keras' backend, and makes TensorFlow ops deterministic.
    Introduced in notebook 00.

    ``keras.utils.set_random_seed`` seeds Python's ``random``, NumPy and the backend
    (TensorFlow's global seed, or Keras' JAX seed generator). On TensorFlow this also enables
    op determinism, so the same seed gives the same training history. Keras' default
    initializer seeds come from a private ``random.Random(seed)``, so threads that use Python's
    global ``random`` (a Dask worker's event loop, say) cannot change a model's initial weights.

    Args:
        seed: an int in ``[0, 2**32)`` (NumPy's limit); NumPy ints such as ``np.int64(3)``
            are accepted, ``bool`` is not.

    Example:
        >>> from helpers import set_seed
        >>> set_seed(42)
    """
    seed = check_seed(seed)
    keras.utils.set_random_seed(seed)
    # Keras draws the seeds of initializers created without one from Python's global `random`,
    # which other threads of the process also use (a Dask worker's event loop does), so two
    # runs of the same seed could start from different weights. A private generator, seeded
    # alike, gives the same draws as `random.seed(seed)` would, and nobody else touches it.
    from keras.src.random import seed_generator

    seed_generator.python_random = random.Random(seed)
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()


def environment_versions() -> dict[str, str]:
    """Versions of Python and the course's main libraries, and the Keras backend in use.
    Introduced in notebook 00.

    Every notebook ends with this, so a reader can tell which stack produced its outputs.

    Example:
        >>> environment_versions()["PennyLane"]
        '0.44.1'
    """
    import platform

    import jax
    import numpy as np
    import pennylane as qml
    import sklearn

    versions = {
        "Python": platform.python_version(),
        "PennyLane": qml.__version__,
        "Keras": keras.__version__,
        "Keras backend": keras.backend.backend(),
        "JAX": jax.__version__,
        "NumPy": np.__version__,
        "scikit-learn": sklearn.__version__,
    }
    try:
        import tensorflow as tf

        versions["TensorFlow"] = tf.__version__
    except ImportError:  # pragma: no cover - TensorFlow is in the requirements
        versions["TensorFlow"] = "not installed"
    return versions


def run_in_backend(backend: str, code: str, timeout: float = 300.0) -> Any:
    """Runs ``code`` in a fresh Python whose Keras backend is ``backend``; returns its result.
    Introduced in notebook 03.

    Keras picks its backend once per process, so a notebook running on TensorFlow can show what
    JAX does only from another process. ``code`` runs with the course's ``helpers`` importable
    and must ``print`` one JSON value as its last line of output; that value is returned.

    Example:
        >>> run_in_backend("jax", "import json, os; print(json.dumps(os.environ['KERAS_BACKEND']))")
        'jax'

    Notebook 03 runs ``import keras`` and a saved model's reload in ``code``; that takes a few
    seconds, so this example only reads the variable.
    """
    import json
    import os
    import subprocess
    import sys

    if backend not in ("tensorflow", "jax"):
        raise ValueError(f"backend must be 'tensorflow' or 'jax', got {backend!r}")
    env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3")
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"the {backend} run failed (exit code {done.returncode}): {last}")
    return json.loads(lines[-1])
