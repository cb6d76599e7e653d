"""Seeding for reproducible runs: one call seeds Python, NumPy and the Keras backend.

Introduced in the course foundation; every notebook's setup cell calls :func:`set_seed`.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from collections.abc import Mapping, Sequence
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


BACKENDS = ("tensorflow", "jax")


def run_python(
    code: str | None = None,
    *,
    args: Sequence[str] = (),
    backend: str | None = None,
    cwd: str | os.PathLike | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 600.0,
) -> subprocess.CompletedProcess[str]:
    """Runs ``python -c code *args`` (or ``python *args``) in a fresh interpreter and returns
    the finished process (``stdout`` and ``stderr`` as text).
    Not used by a notebook; for your own experiments.

    Keras picks its backend once per process, so another backend, or a clean start (no module
    imported yet, as in a learner's new kernel), needs a new interpreter. This is the one place
    the course starts one: the tests, the benchmarks and the solutions call it.

    Args:
        code: Python source to run with ``-c``; ``None`` runs ``args`` alone (a script path
            and its arguments).
        args: further command-line arguments.
        backend: ``"tensorflow"`` or ``"jax"`` sets ``KERAS_BACKEND`` in the child; ``None``
            leaves it as ``env`` has it.
        cwd: the child's working folder (default: this process's).
        env: the child's environment (default: a copy of this process's).
        timeout: seconds before the child is killed and a ``TimeoutError`` is raised.

    A non-zero exit is not an error here: read ``returncode`` and ``stderr``.

    Example:
        >>> done = run_python("import os; print(os.environ['KERAS_BACKEND'])", backend="jax")
        >>> done.returncode, done.stdout.strip()
        (0, 'jax')
    """
    if code is None and not args:
        raise ValueError("nothing to run: pass code, e.g. run_python('print(1)'), or args")
    if backend is not None and backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS} or None, got {backend!r}")
    child_env = dict(os.environ if env is None else env)
    if backend is not None:
        child_env["KERAS_BACKEND"] = backend
    command = [sys.executable, *(["-c", code] if code is not None else []), *map(str, args)]
    try:
        return subprocess.run(
            command, cwd=cwd, env=child_env, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        raise TimeoutError(
            f"the Python process did not finish within {timeout:g} s and was stopped; pass a "
            "larger timeout if the work is meant to take that long"
        ) from None


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
    if backend not in BACKENDS:
        raise ValueError(f"backend must be 'tensorflow' or 'jax', got {backend!r}")
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    done = run_python(code, backend=backend, env=env, timeout=timeout)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"the {backend} run failed (exit code {done.returncode}): {last}")
    return json.loads(lines[-1])
