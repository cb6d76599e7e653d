"""Finite shots: helpers.KerasLayer trains QNodes that sample, with parameter-shift gradients.

Each expectation value estimated from S shots has a standard deviation of at most 1/sqrt(S), so
a parameter-shift derivative (half the difference of two such estimates) has at most
1/sqrt(2 S). The tests compare shot-based gradients with exact ones within 5 of those standard
deviations, summed over the samples and outputs the loss adds up, and check that a seeded device
repeats its draws. `pytest` runs this file on TensorFlow in-process and on JAX through
tests/test_backends.py.
"""

from __future__ import annotations

from helpers import BACKEND, KerasLayer

import keras
import numpy as np
import pennylane as qml
import pytest

# Depends on the Keras backend: .ci/run runs this file again with KERAS_BACKEND=jax.
pytestmark = pytest.mark.backend

RNG = np.random.default_rng(99)
SHAPES = {"weights": (1, 2, 3)}
START = np.array([[[0.3, -1.1, 0.7], [1.4, 0.2, -0.5]]])


def circuit(shots: int | None, seed: int | None = 7) -> qml.QNode:
    """The forum's circuit on 2 qubits; with ``shots``, sampled with parameter-shift gradients."""
    dev = qml.device("default.qubit", wires=2, seed=seed)
    diff_method = "parameter-shift" if shots else "backprop"

    @qml.qnode(dev, shots=shots, diff_method=diff_method)
    def forum(inputs, weights):
        qml.AngleEmbedding(inputs, wires=range(2))
        qml.StronglyEntanglingLayers(weights, wires=range(2))
        return [qml.expval(qml.PauliZ(w)) for w in range(2)]

    return forum


def layer_for(qnode: qml.QNode) -> KerasLayer:
    """A float64 layer whose weights start at START."""
    spec = {"weights": {"initializer": keras.initializers.Constant(START)}}
    return KerasLayer(qnode, SHAPES, 2, weight_specs=spec, dtype="float64")


def weight_gradient(layer: KerasLayer, x: np.ndarray) -> np.ndarray:
    """d sum(layer(x)) / d weights on the current backend."""
    layer(x[:1])
    if BACKEND == "jax":
        import jax

        def loss(values):
            y, _ = layer.stateless_call(values, [], x)
            return y.sum()

        return np.asarray(jax.grad(loss)([v.value for v in layer.trainable_variables])[0])
    import tensorflow as tf

    with tf.GradientTape() as tape:
        total = tf.reduce_sum(layer(x))
    return np.asarray(tape.gradient(total, layer.trainable_variables[0]))


def test_shot_gradients_equal_exact_ones_within_shot_noise():
    shots, x = 4000, RNG.uniform(0, np.pi, size=(4, 2))
    exact = weight_gradient(layer_for(circuit(None)), x)
    sampled = weight_gradient(layer_for(circuit(shots)), x)
    sd = np.sqrt(x.shape[0] * 2 / (2 * shots))  # 4 samples x 2 outputs, each at most 1/sqrt(2S)
    assert np.abs(exact).max() > 10 * sd  # gradients large enough for the check to mean much
    assert np.abs(sampled - exact).max() < 5 * sd
    assert np.abs(sampled - exact).max() > 0  # and the layer really sampled


def test_shot_outputs_scatter_around_the_exact_ones_as_one_over_root_shots():
    x = RNG.uniform(0, np.pi, size=(200, 2))
    exact = keras.ops.convert_to_numpy(layer_for(circuit(None))(x))
    errors = {}
    for shots in (100, 1600):
        sampled = keras.ops.convert_to_numpy(layer_for(circuit(shots))(x))
        errors[shots] = float(np.sqrt(np.mean((sampled - exact) ** 2)))
        assert errors[shots] < 1.5 / np.sqrt(shots)  # sd of a mean of +-1 outcomes <= 1/sqrt(S)
    assert 2.5 < errors[100] / errors[1600] < 6.5  # 16x the shots: about 4x smaller


def test_a_seeded_device_repeats_its_draws_and_another_seed_does_not():
    x = RNG.uniform(0, np.pi, size=(6, 2))

    def run(seed: int) -> np.ndarray:
        return keras.ops.convert_to_numpy(layer_for(circuit(50, seed=seed))(x))

    np.testing.assert_array_equal(run(3), run(3))
    assert not np.array_equal(run(3), run(4))


@pytest.mark.parametrize("shots", [10, 1000])
def test_shot_layers_train_in_model_fit(shots):
    x = RNG.uniform(0, np.pi, size=(16, 2))
    layer = layer_for(circuit(shots))
    model = keras.Sequential([keras.Input((2,)), layer, keras.layers.Dense(1)])
    model.compile(keras.optimizers.SGD(learning_rate=0.1), loss="mse")
    history = model.fit(x, np.ones(16), epochs=2, batch_size=8, verbose=0).history["loss"]
    assert np.all(np.isfinite(history))
    assert not np.allclose(keras.ops.convert_to_numpy(layer.qnode_weights["weights"]), START)
