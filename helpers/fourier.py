"""Fourier series and spectra: what frequencies a model's output contains.

A quantum model whose input enters through Pauli rotations is a Fourier series in that input;
encoding the input ``L`` times allows integer frequencies up to ``L`` (Schuld, Sweke and Meyer
2021, "Effect of data encoding on the expressive power of variational quantum machine learning
models", arXiv:2008.08605). These helpers build a target series and read off the spectrum of
any 2π-periodic function sampled on an even grid.

Introduced in notebook 04.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import keras
import numpy as np

from helpers._checks import check_int, check_seed
from helpers.data import Dataset


def fourier_series(
    x: np.ndarray, coefficients: Sequence[complex], constant: float = 0.0
) -> np.ndarray:
    """The real series ``constant + sum_n (c_n e^{inx} + conj(c_n) e^{-inx})``, n = 1, 2, ...

    Args:
        x: points, any shape.
        coefficients: ``c_1, c_2, ...``; ``coefficients[k]`` is the coefficient of frequency
            ``k + 1``.
        constant: the frequency-0 term ``c_0`` (real).

    Example:
        >>> fourier_series(np.array([0.0, np.pi]), [0.25])  # cos(x) / 2
        array([ 0.5, -0.5])
    """
    x = np.asarray(x, dtype=float)
    total = np.full_like(x, float(constant))
    for n, c in enumerate(coefficients, start=1):
        total += 2 * np.real(complex(c) * np.exp(1j * n * x))
    return total


def spectrum_grid(n_points: int = 64) -> np.ndarray:
    """``n_points`` even points in ``[0, 2π)``, shape ``(n_points, 1)``, float32.

    Sampling a function here and calling :func:`fourier_coefficients` gives its spectrum up to
    frequency ``n_points // 2 - 1`` without aliasing, provided it has no higher frequencies.

    Example:
        >>> spectrum_grid(4).ravel()
        array([0.       , 1.5707964, 3.1415927, 4.712389 ], dtype=float32)
    """
    n_points = check_int(n_points, "n_points", minimum=4, fix="e.g. n_points=64")
    return np.linspace(0, 2 * np.pi, n_points, endpoint=False, dtype=np.float32)[:, None]


def fourier_coefficients(values: np.ndarray) -> np.ndarray:
    """Complex coefficients ``c_0, c_1, ..., c_{N/2}`` of a real function sampled on
    :func:`spectrum_grid` (``N`` values).

    ``|c_n|`` is the size of frequency ``n``; for a real function ``c_{-n} = conj(c_n)``.

    Example:
        >>> x = spectrum_grid(16).ravel()
        >>> np.round(np.abs(fourier_coefficients(0.1 + 0.6 * np.cos(3 * x))), 3)[:5]
        array([0.1, 0. , 0. , 0.3, 0. ])
    """
    values = np.asarray(values, dtype=float)
    if values.ndim == 2 and values.shape[1] == 1:
        values = values[:, 0]
    if values.ndim != 1 or len(values) < 4:
        raise ValueError(
            f"values must be N >= 4 samples of one output on spectrum_grid(N), got shape "
            f"{values.shape}; pass model outputs for a single output unit"
        )
    return np.fft.rfft(values) / len(values)


def _check_no_aliasing(n_points: int, max_frequency: int) -> None:
    check_int(n_points, "n_points", minimum=4, fix="e.g. n_points=64")
    check_int(max_frequency, "max_frequency", minimum=0, fix="e.g. max_frequency=8")
    if n_points <= 2 * max_frequency:
        raise ValueError(
            f"n_points ({n_points}) must exceed 2 * max_frequency ({2 * max_frequency}) to "
            f"read frequency {max_frequency} without aliasing; raise n_points"
        )


def model_spectrum(
    predict: Callable[[np.ndarray], np.ndarray], n_points: int = 64, max_frequency: int = 8
) -> np.ndarray:
    """``|c_n|`` for ``n = 0 .. max_frequency`` of a one-input, one-output function.

    Args:
        predict: maps a ``(n, 1)`` float32 array of angles to ``(n,)`` or ``(n, 1)`` outputs,
            e.g. ``lambda x: model.predict(x, verbose=0)``.
        n_points: grid size; must exceed ``2 * max_frequency``.
        max_frequency: the highest frequency returned.

    Example:
        >>> np.round(model_spectrum(lambda x: np.sin(2 * x), max_frequency=3), 3)
        array([0. , 0. , 0.5, 0. ])
    """
    _check_no_aliasing(n_points, max_frequency)
    values = np.asarray(predict(spectrum_grid(n_points)))
    return np.abs(fourier_coefficients(values))[: max_frequency + 1]


def highest_frequency(spectrum: np.ndarray, tolerance: float = 1e-3) -> int:
    """The largest ``n`` with ``|c_n| > tolerance`` (0 if none).

    Example:
        >>> highest_frequency(np.array([0.2, 0.1, 0.0, 0.05, 1e-6]))
        3
    """
    above = np.flatnonzero(np.asarray(spectrum) > tolerance)
    return int(above[-1]) if len(above) else 0


def make_fourier_dataset(
    coefficients: Sequence[complex],
    constant: float = 0.0,
    n_train: int = 40,
    n_test: int = 100,
) -> Dataset:
    """A 1-D regression task: learn a Fourier series on ``[0, 2π)`` from even samples.

    ``x_train`` is ``n_train`` even points and ``x_test`` ``n_test`` even points shifted by half
    a step, so the test points lie between training points. The labels are real numbers (the
    series), not classes; train with a mean-squared-error loss.

    Example:
        >>> data = make_fourier_dataset([0.2, 0.1j])
        >>> data.x_train.shape, data.y_test.shape
        ((40, 1), (100,))
    """
    n_train = check_int(n_train, "n_train", minimum=2)
    n_test = check_int(n_test, "n_test", minimum=2)
    x_train = np.linspace(0, 2 * np.pi, n_train, endpoint=False)
    x_test = np.linspace(0, 2 * np.pi, n_test, endpoint=False) + np.pi / n_test
    return Dataset(
        name=f"fourier_degree_{len(coefficients)}",
        x_train=x_train[:, None].astype(np.float32),
        x_test=x_test[:, None].astype(np.float32),
        y_train=fourier_series(x_train, coefficients, constant).astype(np.float32),
        y_test=fourier_series(x_test, coefficients, constant).astype(np.float32),
        feature_names=("x",),
    )


def random_weight_spectra(
    model: keras.Model,
    n_draws: int = 20,
    seed: int = 0,
    max_frequency: int = 8,
    n_points: int = 64,
) -> np.ndarray:
    """Spectra of a one-input, one-output model at ``n_draws`` random settings of its weights.

    Every trainable weight is drawn uniformly from ``[0, 2π)`` (angles, as in Schuld, Sweke and
    Meyer 2021), the model is evaluated on :func:`spectrum_grid`, and ``|c_n|`` is recorded.
    This shows which frequencies a model class can reach before any training. The model's
    weights are restored afterwards.

    Returns:
        Array of shape ``(n_draws, max_frequency + 1)``.

    Example:
        >>> from helpers.models import build_depth_model
        >>> spectra = random_weight_spectra(build_depth_model("reuploading", 1, 2, readout=False))
        >>> spectra.shape, bool(spectra[:, 3:].max() < 1e-6)
        ((20, 9), True)
    """
    n_draws = check_int(n_draws, "n_draws", minimum=1)
    seed = check_seed(seed)
    _check_no_aliasing(n_points, max_frequency)  # before any weight changes
    rng = np.random.default_rng(seed)
    original = model.get_weights()
    spectra = []
    try:
        for _ in range(n_draws):
            for variable in model.trainable_weights:
                variable.assign(rng.uniform(0, 2 * np.pi, variable.shape).astype(variable.dtype))
            spectra.append(
                model_spectrum(lambda g: model(g, training=False), n_points, max_frequency)
            )
    finally:
        model.set_weights(original)
    return np.array(spectra)
