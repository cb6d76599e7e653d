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

from helpers._checks import check_int, check_seed
from helpers.data import Dataset

import keras
import numpy as np
from scipy import special


def fourier_series(
    x: np.ndarray, coefficients: Sequence[complex], constant: float = 0.0
) -> np.ndarray:
    """The real series ``constant + sum_n (c_n e^{inx} + conj(c_n) e^{-inx})``, n = 1, 2, ...
    Not used by a notebook; for your own experiments.

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
    Introduced in notebook 04.

    Sampling a function here and calling :func:`fourier_coefficients` gives ``c_n`` exactly for
    every ``n <= max_frequency`` provided the function has no frequency ``>= n_points -
    max_frequency`` (see :func:`points_without_aliasing`); higher frequencies fold onto lower ones.

    Example:
        >>> spectrum_grid(4).ravel()
        array([0.       , 1.5707964, 3.1415927, 4.712389 ], dtype=float32)
    """
    n_points = check_int(n_points, "n_points", minimum=4, fix="e.g. n_points=64")
    return np.linspace(0, 2 * np.pi, n_points, endpoint=False, dtype=np.float32)[:, None]


def fourier_coefficients(values: np.ndarray) -> np.ndarray:
    """Complex coefficients ``c_0, c_1, ..., c_{N/2}`` of a real function sampled on
    :func:`spectrum_grid` (``N`` values).
    Not used by a notebook; for your own experiments.

    ``|c_n|`` is the size of frequency ``n``; for a real function ``c_{-n} = conj(c_n)``.
    The last entry, ``n = N/2``, is not ``c_{N/2}``: on an even grid ``e^{iNx/2}`` and
    ``e^{-iNx/2}`` take the same values, so that bin holds ``c_{N/2} + c_{-N/2} = 2 Re c_{N/2}``
    (and ``sin(Nx/2)`` is 0 on every grid point). Read only ``n < N/2``; :func:`model_spectrum`
    never returns that bin.

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


def _check_below_nyquist(n_points: int, max_frequency: int) -> None:
    """Refuses a grid whose bins cannot hold ``max_frequency`` (``n_points <= 2 * max_frequency``).

    This is only the Nyquist condition on the *requested* frequencies: it does not make the
    coefficients free of aliasing (that needs :func:`points_without_aliasing`).
    """
    check_int(n_points, "n_points", minimum=4, fix="e.g. n_points=64")
    check_int(max_frequency, "max_frequency", minimum=0, fix="e.g. max_frequency=8")
    if n_points <= 2 * max_frequency:
        raise ValueError(
            f"n_points ({n_points}) must exceed 2 * max_frequency ({2 * max_frequency}) to "
            f"have a bin for frequency {max_frequency} below the Nyquist frequency "
            f"{n_points // 2}; raise n_points"
        )


def points_without_aliasing(bandwidth: int, max_frequency: int) -> int:
    """The smallest even grid that reads ``c_0 .. c_max_frequency`` of a function exactly.
    Introduced in notebook 04.

    On ``N`` even points frequency ``m`` lands in the same bin as ``m - N``. If the function has
    no frequency above ``bandwidth``, bin ``n`` is clean when ``N - n > bandwidth``, so every
    requested bin is clean when ``N > bandwidth + max_frequency``; ``N > 2 * max_frequency`` is
    also needed for the bins to exist. A function with unbounded bandwidth (e.g. a stack of
    measured layers, a cosine of a cosine) is never exactly alias-free: pick ``bandwidth`` where
    its coefficients are negligible, or compare two grid sizes.

    Example:
        >>> points_without_aliasing(bandwidth=3, max_frequency=3)  # 7 points: next even is 8
        8
    """
    bandwidth = check_int(bandwidth, "bandwidth", minimum=0, fix="e.g. bandwidth=5")
    max_frequency = check_int(max_frequency, "max_frequency", minimum=0, fix="e.g. 8")
    needed = max(bandwidth + max_frequency, 2 * max_frequency) + 1
    return max(4, needed + needed % 2)


def model_spectrum(
    predict: Callable[[np.ndarray], np.ndarray],
    n_points: int = 64,
    max_frequency: int = 8,
    bandwidth: int | None = None,
) -> np.ndarray:
    """``|c_n|`` for ``n = 0 .. max_frequency`` of a one-input, one-output function.
    Introduced in notebook 04.

    Args:
        predict: maps a ``(n, 1)`` float32 array of angles to ``(n,)`` or ``(n, 1)`` outputs,
            e.g. ``lambda x: model.predict(x, verbose=0)``.
        n_points: grid size; must exceed ``2 * max_frequency`` (the Nyquist condition).
        max_frequency: the highest frequency returned.
        bandwidth: the highest frequency the function can contain, if known (e.g. ``L`` for
            ``L`` encodings on one qubit). Then ``n_points`` must also reach
            :func:`points_without_aliasing`, so the coefficients are exact. Without it, only the
            Nyquist condition is checked and frequencies ``>= n_points - max_frequency`` in the
            function would fold onto the ones returned.

    Example:
        >>> np.round(model_spectrum(lambda x: np.sin(2 * x), max_frequency=3), 3)
        array([0. , 0. , 0.5, 0. ])
    """
    _check_below_nyquist(n_points, max_frequency)
    if bandwidth is not None and n_points < points_without_aliasing(bandwidth, max_frequency):
        raise ValueError(
            f"n_points ({n_points}) must exceed bandwidth + max_frequency ({bandwidth} + "
            f"{max_frequency}) for frequencies up to {bandwidth} not to fold onto the ones read; "
            f"use n_points={points_without_aliasing(bandwidth, max_frequency)} or more"
        )
    values = np.asarray(predict(spectrum_grid(n_points)))
    return np.abs(fourier_coefficients(values))[: max_frequency + 1]


def highest_frequency(spectrum: np.ndarray, tolerance: float = 1e-3) -> int:
    """The largest ``n`` with ``|c_n| > tolerance`` (0 if none).
    Introduced in notebook 04.

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
    Introduced in notebook 04.

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
    bandwidth: int | None = None,
) -> np.ndarray:
    """Spectra of a one-input, one-output model at ``n_draws`` random settings of its weights.
    Introduced in notebook 04.

    Every trainable weight is drawn uniformly from ``[0, 2π)`` (angles, as in Schuld, Sweke and
    Meyer 2021), the model is evaluated on :func:`spectrum_grid`, and ``|c_n|`` is recorded.
    This shows which frequencies a model class can reach before any training. The model's
    weights are restored afterwards. ``n_points``, ``max_frequency`` and ``bandwidth`` are
    checked as in :func:`model_spectrum`.

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
    _check_below_nyquist(n_points, max_frequency)  # before any weight changes
    if bandwidth is not None:
        model_spectrum(np.cos, n_points, max_frequency, bandwidth)  # the same grid check
    rng = np.random.default_rng(seed)
    original = model.get_weights()
    spectra = []
    try:
        for _ in range(n_draws):
            for variable in model.trainable_weights:
                variable.assign(rng.uniform(0, 2 * np.pi, variable.shape).astype(variable.dtype))
            spectra.append(
                model_spectrum(
                    lambda g: model(g, training=False), n_points, max_frequency, bandwidth
                )
            )
    finally:
        model.set_weights(original)
    return np.array(spectra)


def output_sd(spectra: np.ndarray) -> np.ndarray:
    """The standard deviation over ``x`` of each function whose spectrum is a row of ``spectra``.
    Introduced in notebook 04.

    By Parseval's theorem a real function's variance over a period is ``2 * sum_{n>=1} |c_n|^2``.
    Computed per row (per weight draw or per seed), so average the result, never the spectra
    first: the mean of ``|c_n|`` over draws gives a smaller number than the mean variance.
    Frequencies above the last column are left out, so for a truncated spectrum this is a lower
    bound (exact when the function has no higher frequencies).

    Example:
        >>> output_sd(np.array([[0.3, 0.5, 0.0], [0.0, 0.0, 0.5]]))  # 0.3 + cos(x), cos(2x)
        array([0.70710678, 0.70710678])
    """
    spectra = _as_spectra(spectra)
    return np.sqrt(2 * (spectra[:, 1:] ** 2).sum(axis=1))


def power_above(spectra: np.ndarray, frequency: int) -> np.ndarray:
    """The output variance carried by frequencies above ``frequency``, per row of ``spectra``.
    Introduced in notebook 04.

    ``2 * sum_{n > frequency} |c_n|^2``: the part of :func:`output_sd` squared that lies above
    ``frequency``, e.g. the power a model puts beyond a target's highest frequency.

    Example:
        >>> power_above(np.array([[0.0, 0.5, 0.1, 0.2]]), frequency=1)
        array([0.1])
    """
    spectra = _as_spectra(spectra)
    frequency = check_int(frequency, "frequency", minimum=0, fix="e.g. frequency=3")
    return 2 * (spectra[:, frequency + 1 :] ** 2).sum(axis=1)


def _as_spectra(spectra: np.ndarray) -> np.ndarray:
    spectra = np.atleast_2d(np.asarray(spectra, dtype=float))
    if spectra.ndim != 2 or spectra.shape[1] < 2:
        raise ValueError(
            f"spectra must be |c_n| for n = 0, 1, ... (1-D, or 2-D with one row per draw), got "
            f"shape {spectra.shape}; pass the output of model_spectrum or random_weight_spectra"
        )
    return spectra


def jacobi_anger_bound(max_frequency: int, scale: float = 1.0) -> np.ndarray:
    """Bound on ``|c_n|`` of two measured one-qubit layers, ``n = 0 .. max_frequency``.
    Introduced in notebook 04.

    One layer on one qubit (an RX encoding, a rotation, ⟨Z⟩) outputs ``A cos(x - φ)`` with
    ``0 <= A <= 1``. A second layer that reads ``k`` times that value outputs
    ``B cos(k A cos(x - φ) - ψ)`` with ``|B| <= 1``. By the Jacobi-Anger expansion
    ``e^{i a cos u} = sum_n i^n J_n(a) e^{inu}`` (DLMF 10.12.2) its coefficients are
    ``c_n = B J_n(kA) cos(nπ/2 - ψ) e^{-inφ}``, so ``|c_n| <= max_{0<=a<=k} |J_n(a)|``. For
    ``k = 1`` this is ``J_n(1) <= 1 / (2^n n!)`` for ``n >= 1`` (DLMF 10.14.4): faster than any
    geometric decay. It covers exactly this model (two layers, one qubit, one input); for
    deeper stacks see :func:`stack_coefficient_bound`.

    Args:
        max_frequency: the highest ``n`` returned.
        scale: the factor ``k >= 0`` applied between the layers (1 without rescaling).

    Example:
        >>> np.round(jacobi_anger_bound(3), 4)  # J_0(0) = 1, then J_n(1)
        array([1.    , 0.4401, 0.1149, 0.0196])
    """
    max_frequency = check_int(max_frequency, "max_frequency", minimum=0, fix="e.g. 8")
    scale = _check_scale(scale)
    a = np.linspace(0.0, scale, 2001)
    n = np.arange(max_frequency + 1)
    return np.abs(special.jv(n[:, None], a[None, :])).max(axis=1)


def stack_coefficient_bound(max_frequency: int, depth: int, scale: float = 1.0) -> np.ndarray:
    """A bound on ``|c_n|`` of ``depth`` measured one-qubit layers, for any weights.
    Introduced in notebook 04.

    Depth 1 is exact (``A cos(x - φ)``: ``c_0 = 0``, ``|c_1| <= 1/2``); depth 2 is
    :func:`jacobi_anger_bound`; from depth 3 on the bound comes from the analytic extension:

    Each layer outputs ``A cos(k z - φ)`` of its input ``z`` (``|A| <= 1``, ``k`` the rescaling,
    the first layer reads ``x`` itself). For complex ``x = t + is`` the imaginary part of each
    layer's output is at most ``m_1 = sinh(s)``, ``m_j = sinh(k m_{j-1})``, and the last layer is
    at most ``cosh(k m_{depth-1})`` in size (``|cos w| <= cosh(Im w)``). The Cauchy estimate for
    Fourier coefficients of a function analytic in the strip ``|Im x| <= s`` then gives
    ``|c_n| <= min_s e^{-ns} cosh(k m_{depth-1}(s))`` (also capped at 1, as ``|f| <= 1``). It
    holds for every weight setting, but is much looser than the Jacobi-Anger bound (it is not
    tight), and it says nothing about several qubits, whose layers hand on several coupled
    values.

    Args:
        max_frequency: the highest ``n`` returned.
        depth: number of measured layers, at least 1 (depth 1: ``|c_n| = 0`` for ``n >= 2``).
        scale: the factor ``k >= 0`` applied between layers.

    Example:
        >>> bound = stack_coefficient_bound(8, depth=3)
        >>> bool(bound[8] < 1e-3), bool(np.all(np.diff(bound[1:]) < 0))
        (True, True)
        >>> stack_coefficient_bound(3, depth=1)
        array([0. , 0.5, 0. , 0. ])
    """
    max_frequency = check_int(max_frequency, "max_frequency", minimum=0, fix="e.g. 8")
    depth = check_int(depth, "depth", minimum=1, fix="e.g. depth=3")
    scale = _check_scale(scale)
    n = np.arange(max_frequency + 1)
    if depth == 1:  # A cos(x - φ): c_0 = 0, |c_1| = A / 2, nothing above
        return np.where(n == 1, 0.5, 0.0)
    if depth == 2:
        return jacobi_anger_bound(max_frequency, scale)
    s = np.linspace(1e-4, 12.0, 6000)
    with np.errstate(over="ignore"):
        m = np.sinh(s)
        for _ in range(depth - 2):
            m = np.sinh(scale * m)
        log_size = np.log(np.cosh(scale * m))  # inf where cosh overflows: never the minimum
    log_bound = log_size[None, :] - n[:, None] * s[None, :]
    return np.minimum(np.exp(log_bound.min(axis=1)), 1.0)


def _check_scale(scale: float) -> float:
    if isinstance(scale, bool) or not np.isfinite(scale) or scale < 0:
        raise ValueError(f"scale must be a finite number >= 0, got {scale!r}; e.g. scale=np.pi")
    return float(scale)


def trig_features(x: np.ndarray, degree: int = 1) -> tuple[np.ndarray, list[str]]:
    """Every product of ``1, cos(k x_j), sin(k x_j)`` (``k <= degree``) over the features, minus 1.
    Introduced in notebook 04.

    A circuit that encodes each feature once with a Pauli rotation outputs a linear combination
    of these functions (Schuld, Sweke and Meyer 2021), so a linear model on them can represent
    every such circuit: the classical surrogate of Schreiber, Eisert and Meyer (2023,
    arXiv:2206.11740). With ``d`` features there are ``(2 * degree + 1)^d - 1`` of them, e.g. 8
    for 2 features at degree 1.

    Returns:
        The features, shape ``(n_samples, (2 * degree + 1)^d - 1)``, and their names.

    Example:
        >>> features, names = trig_features(np.zeros((1, 2)))
        >>> features.shape, names[:3]
        ((1, 8), ['cos x1', 'sin x1', 'cos x2'])
    """
    x = np.asarray(x, dtype=float)
    if x.ndim != 2 or x.shape[1] < 1:
        raise ValueError(f"x must be (n_samples, n_features), got shape {x.shape}")
    degree = check_int(degree, "degree", minimum=1, fix="e.g. degree=1")
    columns, names = [np.ones(len(x))], [""]
    for j in range(x.shape[1]):
        basis = [(np.ones(len(x)), "")]
        for k in range(1, degree + 1):
            f = f"{k}x{j + 1}" if k > 1 else f"x{j + 1}"
            basis += [(np.cos(k * x[:, j]), f"cos {f}"), (np.sin(k * x[:, j]), f"sin {f}")]
        columns, names = (
            [c * b for b, _ in basis for c in columns],
            [" ".join(filter(None, [n, bn])) for _, bn in basis for n in names],
        )
    return np.stack(columns[1:], axis=1), names[1:]
