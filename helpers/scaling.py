"""Scaling features to rotation angles, and checking that features match qubits.

``qml.AngleEmbedding`` feeds each feature to an RX gate as an angle, so the course's datasets
scale every feature into :data:`ANGLE_RANGE` with a min-max scaler fitted on the training split
only (nothing about the test samples leaks into training).

* :data:`ANGLE_RANGE`: the interval features are scaled into, ``(0, pi)``.
* :func:`scale_to_angles`: min-max scaling into an angle range, test values clipped to its ends.
* :func:`check_feature_count`: a clear error when the features do not match the qubits.

Introduced in notebook 00 (setup check), with the datasets of :mod:`helpers.data`; used from
notebook 01 on.
"""

from __future__ import annotations

import math
from typing import Any

from helpers._checks import check_int

import numpy as np
from sklearn.preprocessing import MinMaxScaler

ANGLE_RANGE: tuple[float, float] = (0.0, float(np.pi))
"""The interval features are scaled into: the RX angles of ``qml.AngleEmbedding``."""

_RESCALE = "rescale the column first, e.g. divide it by a power of ten or take a log"


def scale_to_angles(
    x_train: np.ndarray,
    x_test: np.ndarray,
    angle_range: tuple[float, float] = ANGLE_RANGE,
) -> tuple[np.ndarray, np.ndarray]:
    """Scales features into ``angle_range`` with a min-max scaler fitted on ``x_train`` only.
    Not used by a notebook; for your own experiments.

    Each training column's minimum maps to ``angle_range[0]`` and its maximum to
    ``angle_range[1]``; test values outside the training range are clipped to the ends, so every
    returned value is a valid angle. Both arrays come back as float32; where rounding to float32
    would step outside the range (float32 has no exact pi), the end is the nearest float32 inside.
    A constant training column maps to ``angle_range[0]``. A training column whose range
    ``max - min`` overflows to infinity (values near ±1e308) is an error: the scaler would map
    (almost) every value to one angle.

    Args:
        x_train: shape ``(n_train, n_features)``; the scaler is fitted on this.
        x_test: shape ``(n_test, n_features)``; transformed with the training scaler.
        angle_range: ``(low, high)`` with ``low < high``.

    Returns:
        ``(x_train_scaled, x_test_scaled)``, float32.

    Example:
        >>> import numpy as np
        >>> train, test = scale_to_angles(np.array([[0.0], [2.0]]), np.array([[1.0], [5.0]]))
        >>> test.ravel()  # 1.0 is mid-range in training; 5.0 is clipped to the top
        array([1.5707964, 3.1415925], dtype=float32)
    """
    low, high = _check_angle_range(angle_range)
    x_train = _as_feature_matrix(x_train, "x_train")
    x_test = _as_feature_matrix(x_test, "x_test")
    if x_train.shape[0] == 0:
        raise ValueError("x_train has no samples; the scaler needs at least one training sample")
    if x_train.shape[1] != x_test.shape[1]:
        raise ValueError(
            f"x_train has {x_train.shape[1]} features but x_test has {x_test.shape[1]}; "
            f"give both the same feature columns in the same order"
        )
    col = _overflowing_column(x_train)
    if col is not None:
        raise ValueError(
            f"x_train column {col} (0-based) has a range max - min that is not finite "
            f"({x_train[:, col].min():g} to {x_train[:, col].max():g} overflows to inf), so "
            f"min-max scaling would map (almost) every value to one angle; {_RESCALE}"
        )
    scaler = MinMaxScaler(feature_range=(low, high), clip=True).fit(x_train)
    low32, high32 = _float32_bounds(low, high)
    scaled = []
    for x in (x_train, x_test):
        y = scaler.transform(x).astype(np.float32)
        scaled.append(np.clip(y, low32, high32))
    return scaled[0], scaled[1]


def check_feature_count(x: np.ndarray, n_qubits: int) -> None:
    """Raises a clear error unless ``x`` has exactly one feature per qubit.
    Not used by a notebook; for your own experiments.

    ``qml.AngleEmbedding`` encodes one feature per wire, so the last axis of ``x`` (samples in
    rows, features in columns; a single sample may be 1-D) must have ``n_qubits`` entries.

    Args:
        x: the inputs, shape ``(n_samples, n_features)`` or ``(n_features,)``.
        n_qubits: the number of wires of the circuit.

    Raises:
        ValueError: when the counts differ, naming both and the fixes.

    Example:
        >>> import numpy as np
        >>> check_feature_count(np.zeros((5, 4)), n_qubits=4)  # fine: returns None
        >>> check_feature_count(np.zeros((5, 3)), n_qubits=4)
        Traceback (most recent call last):
        ...
        ValueError: expected 4 features for 4 qubits, got 3; pad or reduce the inputs (e.g. PCA), or build the circuit with n_qubits=3
    """  # noqa: E501 - a doctest's expected output cannot be wrapped
    check_int(n_qubits, "n_qubits", minimum=1, fix="one feature per qubit, e.g. n_qubits=4")
    shape = np.shape(x)
    if len(shape) == 0:
        raise ValueError(
            f"expected an array of features for {n_qubits} qubits, got a scalar; pass an array "
            f"of shape (n_samples, {n_qubits})"
        )
    k = int(shape[-1])
    if k != n_qubits:
        raise ValueError(
            f"expected {n_qubits} features for {n_qubits} qubits, got {k}; pad or reduce the "
            f"inputs (e.g. PCA), or build the circuit with n_qubits={k}"
        )


def _overflowing_column(x: np.ndarray) -> int | None:
    """The first column whose range ``max - min`` overflows to infinity, or None."""
    with np.errstate(over="ignore"):
        spans = x.max(axis=0) - x.min(axis=0)
    bad = np.flatnonzero(~np.isfinite(spans))
    return int(bad[0]) if len(bad) else None


def _check_angle_range(angle_range: Any) -> tuple[float, float]:
    try:
        low, high = (float(v) for v in angle_range)
    except (TypeError, ValueError):
        raise ValueError(
            f"angle_range must be a pair (low, high), got {angle_range!r}; e.g. (0.0, np.pi)"
        ) from None
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise ValueError(
            f"angle_range must be finite with low < high, got {angle_range!r}; e.g. (0.0, np.pi)"
        )
    return low, high


def _float32_bounds(low: float, high: float) -> tuple[np.float32, np.float32]:
    """The float32 interval closest to ``[low, high]`` that lies inside it."""
    low32, high32 = np.float32(low), np.float32(high)
    if float(low32) < low:
        low32 = np.nextafter(low32, np.float32(np.inf))
    if float(high32) > high:
        high32 = np.nextafter(high32, np.float32(-np.inf))
    return low32, high32


def _as_feature_matrix(x: Any, name: str) -> np.ndarray:
    try:
        array = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            f"{name} must hold numbers only; convert or drop the non-numeric columns first"
        ) from None
    if array.ndim != 2:
        raise ValueError(
            f"{name} must be 2-D (samples, features), got shape {array.shape}; "
            f"reshape it, e.g. x.reshape(-1, 1) for a single feature"
        )
    if not np.all(np.isfinite(array)):
        row, col = (int(i) for i in np.argwhere(~np.isfinite(array))[0])
        raise ValueError(
            f"{name} has a NaN or infinite value at index [{row}, {col}] (0-based); remove or "
            f"impute missing values (e.g. sklearn.impute.SimpleImputer) before scaling"
        )
    return array
