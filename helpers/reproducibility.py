"""Seeding for reproducible runs: one call seeds Python, NumPy and the Keras backend.

Introduced in the course foundation; every notebook's setup cell calls :func:`set_seed`.
"""

from __future__ import annotations

import keras


def set_seed(seed: int = 0) -> None:
    """Seeds Python, NumPy and Keras' backend, and makes TensorFlow ops deterministic.

    ``keras.utils.set_random_seed`` seeds Python's ``random``, NumPy and the backend
    (TensorFlow's global seed, or Keras' JAX seed generator). On TensorFlow this also enables
    op determinism, so the same seed gives the same training history.

    Args:
        seed: a non-negative integer.

    Example:
        >>> from helpers import set_seed
        >>> set_seed(42)
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    keras.utils.set_random_seed(seed)
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()
