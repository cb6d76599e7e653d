"""Unit tests for notebook 04's helpers: the re-uploading circuit, depth models, spectra."""

from __future__ import annotations

from helpers.circuits import forum_circuit, reuploading_circuit
from helpers.fourier import (
    fourier_coefficients,
    fourier_series,
    highest_frequency,
    make_fourier_dataset,
    model_spectrum,
    random_weight_spectra,
    spectrum_grid,
)
from helpers.introspection import count_trainable_params, quantum_calls_per_sample
from helpers.models import ARCHITECTURES, build_depth_model

import numpy as np
import pennylane as qml
import pytest

# Depends on the Keras backend: .ci/run runs this file again with KERAS_BACKEND=jax.
pytestmark = pytest.mark.backend


def test_one_block_of_reuploading_is_the_forum_circuit_with_one_layer():
    rng = np.random.default_rng(0)
    x, w = rng.uniform(0, np.pi, 3), rng.uniform(0, 2 * np.pi, (1, 3, 3))
    np.testing.assert_allclose(reuploading_circuit(3, 1)(x, w), forum_circuit(3)(x, w), atol=1e-12)


def test_reuploading_circuit_encodes_the_data_once_per_block():
    specs = qml.specs(reuploading_circuit(2, 3), level="device")(np.zeros(2), np.zeros((3, 2, 3)))
    assert specs["resources"].gate_types["RX"] == 3 * 2


def test_shared_stack_is_one_layer_with_one_weight_variable():
    model = build_depth_model("stacked_shared", n_qubits=2, depth=4)
    quantum = [layer for layer in model.layers if layer.name == "quantum"]
    assert len(quantum) == 4
    assert all(layer is quantum[0] for layer in quantum)
    assert len(quantum[0].trainable_weights) == 1
    assert count_trainable_params(model) == 1 * 2 * 3 + 2 + 1


def test_distinct_stack_and_reuploading_have_the_same_circuit_parameters():
    counts = {a: count_trainable_params(build_depth_model(a, 2, depth=3)) for a in ARCHITECTURES}
    assert counts == {
        "single": 21,
        "reuploading": 21,
        "stacked_distinct": 21,
        "stacked_shared": 9,
    }


@pytest.mark.parametrize(
    ("architecture", "expected"),
    [("single", 1), ("reuploading", 1), ("stacked_distinct", 3), ("stacked_shared", 3)],
)
def test_quantum_calls_are_counted(architecture, expected):
    assert quantum_calls_per_sample(build_depth_model(architecture, 2, depth=3)) == expected


def test_regression_model_outputs_the_first_expectation_value():
    model = build_depth_model("reuploading", 1, 2, readout=False)
    out = np.asarray(model(np.zeros((3, 1), dtype="float32")))
    assert out.shape == (3, 1)
    assert np.all(np.abs(out) <= 1.0)


def test_fourier_coefficients_recover_a_known_series():
    x = spectrum_grid(32).ravel()
    values = fourier_series(x, [0.1 + 0.2j, 0.0, -0.05j], constant=0.3)
    c = fourier_coefficients(values)
    np.testing.assert_allclose(c[:4], [0.3, 0.1 + 0.2j, 0.0, -0.05j], atol=1e-6)
    assert highest_frequency(np.abs(c)) == 3


def test_model_spectrum_rejects_aliasing_grids():
    with pytest.raises(ValueError, match="must exceed"):
        model_spectrum(np.sin, n_points=8, max_frequency=4)


def test_fourier_dataset_tests_between_training_points():
    data = make_fourier_dataset([0.2], n_train=10, n_test=10)
    assert not np.isin(data.x_test, data.x_train).any()
    np.testing.assert_allclose(data.y_train, 0.4 * np.cos(data.x_train.ravel()), atol=1e-6)


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_reuploading_spectrum_stops_at_the_number_of_encodings(depth):
    model = build_depth_model("reuploading", 1, depth, readout=False)
    spectra = random_weight_spectra(model, n_draws=5, max_frequency=6)
    assert spectra[:, depth + 1 :].max() < 1e-6
    assert spectra[:, depth].mean() > 1e-2


def test_stacking_reaches_frequencies_beyond_its_single_encoding():
    model = build_depth_model("stacked_distinct", 1, 2, readout=False)
    spectra = random_weight_spectra(model, n_draws=5, max_frequency=6)
    assert spectra[:, 3].mean() > 1e-4  # a measured layer composed with another one


def test_random_weight_spectra_restores_the_weights():
    model = build_depth_model("single", 1, 1, readout=False)
    before = [w.copy() for w in model.get_weights()]
    random_weight_spectra(model, n_draws=2)
    for a, b in zip(before, model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def _encoding_values(n_blocks, w, theta, n_points=64):
    from helpers.circuits import trainable_encoding_circuit

    x = np.linspace(0, 2 * np.pi, n_points, endpoint=False)[:, None]
    return np.asarray(trainable_encoding_circuit(1, n_blocks)(x, w, theta))


@pytest.mark.parametrize("n_blocks", [1, 2, 3])
def test_trainable_encoding_with_unit_weights_stops_at_frequency_l(n_blocks):
    theta = np.random.default_rng(n_blocks).uniform(0, 2 * np.pi, (n_blocks, 3))
    spectrum = np.abs(
        fourier_coefficients(_encoding_values(n_blocks, np.ones((n_blocks, 1)), theta))
    )
    assert spectrum[n_blocks + 1 :].max() < 1e-9
    assert spectrum[n_blocks] > 1e-3


def test_trainable_encoding_weights_set_the_frequencies():
    # one block, w = 3: the input enters as RY(3x), so the output has frequency 3 only
    theta = np.array([[0.3, 0.4, 0.5]])
    spectrum = np.abs(fourier_coefficients(_encoding_values(1, np.array([[3.0]]), theta)))
    assert spectrum[3] > 0.1
    assert np.delete(spectrum, [0, 3]).max() < 1e-9
    # two blocks, w = (1, 2): frequencies 1, 2 and 3, one more than two fixed encodings reach
    theta = np.random.default_rng(0).uniform(0, 2 * np.pi, (2, 3))
    spectrum = np.abs(fourier_coefficients(_encoding_values(2, np.array([[1.0], [2.0]]), theta)))
    assert spectrum[3] > 1e-3
    assert spectrum[4:].max() < 1e-9


def test_trainable_encoding_matches_perez_salinas_angles():
    from helpers.circuits import trainable_encoding_circuit

    rng = np.random.default_rng(3)
    x, w, theta = rng.uniform(0, np.pi, 2), rng.uniform(0, 2, (2, 2)), rng.uniform(0, 6, (2, 3))
    dev = qml.device("default.qubit", wires=1)

    @qml.qnode(dev)
    def by_hand():  # U(φ1, φ2, φ3) = RZ(φ2) RY(φ1) RZ(φ3), φ = θ' + w ∘ (x1, x2, 0)
        for block in range(2):
            qml.RZ(theta[block, 0], wires=0)  # φ3: the third feature, 0 here
            qml.RY(theta[block, 1] + w[block, 0] * x[0], wires=0)  # φ1
            qml.RZ(theta[block, 2] + w[block, 1] * x[1], wires=0)  # φ2
        return qml.expval(qml.PauliZ(0))

    np.testing.assert_allclose(trainable_encoding_circuit(2, 2)(x, w, theta), by_hand(), atol=1e-12)


@pytest.mark.parametrize(
    ("n_features", "message"), [(4, "one rotation holds 3 angles"), (0, "positive")]
)
def test_trainable_encoding_circuit_rejects_bad_sizes(n_features, message):
    from helpers.circuits import trainable_encoding_circuit

    with pytest.raises(ValueError, match=message):
        trainable_encoding_circuit(n_features, 2)
