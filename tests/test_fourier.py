"""Unit tests for helpers.fourier: grids and aliasing, per-draw spreads, Bessel bounds, features."""

from __future__ import annotations

from helpers.fourier import (
    fourier_coefficients,
    fourier_series,
    jacobi_anger_bound,
    model_spectrum,
    output_sd,
    points_without_aliasing,
    power_above,
    stack_coefficient_bound,
    trig_features,
)

import numpy as np
import pytest


def _grid(n_points: int) -> np.ndarray:
    """spectrum_grid in float64: the float32 grid's rounding alone gives |c_n| errors of 1e-8."""
    return np.linspace(0, 2 * np.pi, n_points, endpoint=False)


@pytest.mark.parametrize(("bandwidth", "max_frequency"), [(3, 3), (10, 2), (0, 4), (7, 8)])
def test_points_without_aliasing_is_the_smallest_clean_grid(bandwidth, max_frequency):
    n = points_without_aliasing(bandwidth, max_frequency)
    coefficients = [0.1 + 0.05j * k for k in range(1, bandwidth + 1)]

    def read(points):
        x = _grid(points)
        return fourier_coefficients(fourier_series(x, coefficients, 0.2))[: max_frequency + 1]

    exact = np.r_[0.2, coefficients, np.zeros(max_frequency + 1)][: max_frequency + 1]
    np.testing.assert_allclose(read(n), exact, atol=1e-9)
    if bandwidth > 0 and n - 2 > 2 * max_frequency:  # the next even grid down aliases
        assert np.abs(read(n - 2) - exact).max() > 1e-3


def test_nyquist_alone_does_not_prevent_aliasing():
    # 8 points read frequencies 0..3 (below Nyquist), but frequency 5 folds onto 3.
    x = _grid(8)
    c = fourier_coefficients(np.cos(5 * x))
    assert abs(c[3]) == pytest.approx(0.5)


def test_model_spectrum_checks_the_bandwidth_when_given():
    with pytest.raises(ValueError, match=r"bandwidth \+ max_frequency"):
        model_spectrum(np.cos, n_points=16, max_frequency=6, bandwidth=12)
    spectrum = model_spectrum(lambda x: np.cos(12 * x), n_points=20, max_frequency=6, bandwidth=12)
    assert spectrum.max() < 1e-6  # frequency 12 lands in bin 8, not in 0..6


def test_model_spectrum_nyquist_message_names_what_it_checks():
    with pytest.raises(ValueError, match="Nyquist"):
        model_spectrum(np.sin, n_points=8, max_frequency=4)


def test_the_nyquist_bin_holds_twice_the_real_part():
    x = _grid(8)
    assert fourier_coefficients(np.cos(4 * x))[4] == pytest.approx(1.0)  # c_4 + c_-4 = 1
    assert abs(fourier_coefficients(np.sin(4 * x))[4]) < 1e-12  # sin(4x) is 0 on the grid


def test_output_sd_is_the_standard_deviation_of_each_draw():
    rng = np.random.default_rng(0)
    x = _grid(64)
    draws = [fourier_series(x, rng.normal(size=3) + 1j * rng.normal(size=3), 0.3) for _ in range(4)]
    spectra = np.abs([fourier_coefficients(v)[:9] for v in draws])
    np.testing.assert_allclose(output_sd(spectra), np.std(draws, axis=1), rtol=1e-9)
    # the spread computed from the mean spectrum is smaller: why output_sd works per draw
    assert output_sd(spectra.mean(axis=0))[0] < np.std(draws, axis=1).mean()


def test_power_above_counts_only_higher_frequencies():
    spectra = np.array([[0.3, 0.5, 0.1, 0.2], [0.0, 0.0, 0.0, 0.5]])
    np.testing.assert_allclose(power_above(spectra, 1), [0.1, 0.5])
    np.testing.assert_allclose(power_above(spectra, 0), output_sd(spectra) ** 2)
    with pytest.raises(ValueError, match="spectra must be"):
        output_sd(np.array([0.1]))


def _two_layers(x, a, phi, b, psi, k=1.0):
    """The one-qubit two-layer stack: B cos(k A cos(x - φ) - ψ)."""
    return b * np.cos(k * a * np.cos(x - phi) - psi)


@pytest.mark.parametrize("k", [1.0, np.pi / 2, np.pi, 2 * np.pi])
def test_jacobi_anger_bound_holds_and_is_reached(k):
    x = _grid(256)
    bound = jacobi_anger_bound(20, k)
    rng = np.random.default_rng(1)
    for _ in range(50):
        a, b = rng.uniform(0, 1, 2)
        values = _two_layers(x, a, *rng.uniform(0, 2 * np.pi, 1), b, rng.uniform(0, 2 * np.pi), k)
        assert (np.abs(fourier_coefficients(values)[:21]) <= bound + 1e-12).all()
    # A = B = 1, ψ = π/2 (odd n) and ψ = 0 (even n) reach J_n(k) itself
    odd = np.abs(fourier_coefficients(_two_layers(x, 1, 0, 1, np.pi / 2, k)))[1:21:2]
    even = np.abs(fourier_coefficients(_two_layers(x, 1, 0, 1, 0.0, k)))[2:21:2]
    from scipy.special import jv

    np.testing.assert_allclose(odd, np.abs(jv(np.arange(1, 21, 2), k)), atol=1e-12)
    np.testing.assert_allclose(even, np.abs(jv(np.arange(2, 21, 2), k)), atol=1e-12)


def test_jacobi_anger_bound_decays_faster_than_geometrically():
    bound = jacobi_anger_bound(10)
    ratios = bound[2:] / bound[1:-1]
    assert np.all(np.diff(ratios) < 0)  # each ratio smaller than the last
    factorial = np.cumprod(np.r_[1, np.arange(1, 11)])
    assert np.all(bound[1:] <= 1 / (2.0 ** np.arange(1, 11) * factorial[1:]))


@pytest.mark.parametrize(("depth", "k"), [(3, 1.0), (4, 1.0), (5, 1.0), (3, np.pi / 2)])
def test_stack_coefficient_bound_holds_for_random_deep_stacks(depth, k):
    x = _grid(256)
    bound = stack_coefficient_bound(12, depth, k)
    rng = np.random.default_rng(depth)
    for _ in range(30):
        z = rng.uniform(0, 1) * np.cos(x - rng.uniform(0, 2 * np.pi))
        for _ in range(depth - 1):
            z = rng.uniform(-1, 1) * np.cos(k * z - rng.uniform(0, 2 * np.pi))
        assert (np.abs(fourier_coefficients(z)[:13]) <= bound + 1e-12).all()


def test_stack_coefficient_bound_depth_one_and_two():
    np.testing.assert_array_equal(stack_coefficient_bound(3, 1), [0.0, 0.5, 0.0, 0.0])
    np.testing.assert_array_equal(stack_coefficient_bound(6, 2, 2.0), jacobi_anger_bound(6, 2.0))
    with pytest.raises(ValueError, match="scale must be"):
        jacobi_anger_bound(4, scale=-1.0)


def test_trig_features_span_a_single_encoding_circuit():
    features, names = trig_features(np.zeros((3, 2)))
    assert features.shape == (3, 8)
    assert len(set(names)) == 8
    assert trig_features(np.zeros((1, 3)), degree=1)[0].shape == (1, 26)
    assert trig_features(np.zeros((1, 2)), degree=2)[0].shape == (1, 24)
    # a product state's <Z1 Z2> after RX encodings is cos x1 cos x2: one feature, exactly
    x = np.random.default_rng(0).uniform(0, np.pi, (20, 2))
    features, names = trig_features(x)
    np.testing.assert_allclose(
        features[:, names.index("cos x1 cos x2")], np.cos(x[:, 0]) * np.cos(x[:, 1])
    )
    with pytest.raises(ValueError, match="n_samples, n_features"):
        trig_features(np.zeros(3))
