"""Unit tests for helpers.KerasLayer on the current Keras backend.

`pytest` runs this file in-process on the default backend (TensorFlow) and, through
tests/test_backends.py, once more in a subprocess with KERAS_BACKEND=jax.
"""

from __future__ import annotations

from helpers import BACKEND, KerasLayer, build_forum_model, forum_circuit, set_seed

import keras
import numpy as np
import pennylane as qml
import pytest
from pennylane import numpy as pnp

# Depends on the Keras backend: .ci/run runs this file again with KERAS_BACKEND=jax.
pytestmark = pytest.mark.backend

RNG = np.random.default_rng(1234)


def make_circuit(n_qubits: int, measurement: str = "expvals") -> qml.QNode:
    """A small AngleEmbedding + StronglyEntanglingLayers circuit with a chosen measurement."""
    dev = qml.device("default.qubit", wires=n_qubits)

    @qml.qnode(dev)
    def circuit(inputs, weights):
        qml.AngleEmbedding(inputs, wires=range(n_qubits))
        qml.StronglyEntanglingLayers(weights, wires=range(n_qubits))
        if measurement == "one":
            return qml.expval(qml.PauliZ(0))
        if measurement == "probs":
            return qml.probs(wires=range(n_qubits))
        if measurement == "mixed":
            return qml.expval(qml.PauliZ(0)), qml.probs(wires=[0, 1])
        return [qml.expval(qml.PauliZ(w)) for w in range(n_qubits)]

    return circuit


def forum_model(n_qubits: int, n_layers: int = 2, activation: str | None = None) -> keras.Model:
    """The forum's baseline: KerasLayer then Dense(1), SGD 0.05, binary cross-entropy."""
    return build_forum_model(n_qubits, n_layers, output_activation=activation, metrics=())


def loss_gradients(layer: KerasLayer, x: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, ...]:
    """Gradients of sum(c * layer(x)) with respect to the inputs and each weight."""
    if BACKEND == "jax":
        import jax

        def loss(weights, inputs):
            y, _ = layer.stateless_call(weights, [], inputs)
            return (c * y).sum()

        layer(x)  # builds the layer, which stateless_call needs
        values = [v.value for v in layer.trainable_variables]
        grad_w, grad_x = jax.grad(loss, argnums=(0, 1))(values, x)
        return (np.asarray(grad_x), *(np.asarray(g) for g in grad_w))
    import tensorflow as tf

    x_t = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x_t)
        loss = tf.reduce_sum(c * layer(x_t))
    grads = tape.gradient(loss, [x_t, *(v.value for v in layer.trainable_variables)])
    return tuple(np.asarray(g) for g in grads)


def parameter_shift_gradients(
    qnode: qml.QNode, x: np.ndarray, weights: np.ndarray, c: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The same gradients from PennyLane's parameter-shift rule, one sample at a time."""
    shift = qnode.update(interface="autograd", diff_method="parameter-shift")

    def loss(inputs, w):
        total = 0.0
        for i in range(inputs.shape[0]):
            total = total + pnp.sum(c[i] * pnp.hstack(shift(inputs=inputs[i], weights=w)))
        return total

    grad = qml.grad(loss, argnum=[0, 1])
    gx, gw = grad(pnp.array(x, requires_grad=True), pnp.array(weights, requires_grad=True))
    return np.asarray(gx), np.asarray(gw)


# ---------------------------------------------------------------- shapes and signature
@pytest.mark.parametrize(
    ("measurement", "output_dim", "expected"),
    [
        ("expvals", 3, (3,)),
        ("expvals", [3], (3,)),
        ("one", 1, (1,)),
        ("probs", 8, (8,)),
        ("probs", (2, 4), (2, 4)),
        ("mixed", 5, (5,)),
        ("probs", None, (8,)),
    ],
)
def test_output_shapes_follow_output_dim(measurement, output_dim, expected):
    layer = KerasLayer(make_circuit(3, measurement), {"weights": (1, 3, 3)}, output_dim)
    assert tuple(layer(RNG.random((5, 3))).shape) == (5, *expected)
    assert tuple(layer(RNG.random(3)).shape) == expected
    assert tuple(layer(RNG.random((2, 4, 3))).shape) == (2, 4, *expected)
    assert layer.compute_output_shape((None, 3)) == (None, *expected)


def test_probabilities_sum_to_one():
    layer = KerasLayer(make_circuit(2, "probs"), {"weights": (2, 2, 3)}, 4)
    probs = np.asarray(layer(RNG.random((7, 2))))
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-5)


def test_outputs_match_the_qnode_for_every_sample():
    circuit = make_circuit(3)
    layer = KerasLayer(circuit, {"weights": (2, 3, 3)}, 3, dtype="float64")
    x = RNG.random((40, 3))  # more than one chunk, and a partial one
    weights = np.asarray(layer.qnode_weights["weights"].value)
    expected = np.array([np.hstack(circuit(inputs=s, weights=weights)) for s in x])
    np.testing.assert_allclose(np.asarray(layer(x)), expected, atol=1e-10)


def test_weight_shapes_accept_ints_and_tuples_like_the_old_layer():
    dev = qml.device("default.qubit", wires=2)

    @qml.qnode(dev)
    def circuit(weights_0, inputs, weight_1):  # `inputs` need not come first
        qml.AngleEmbedding(inputs, wires=range(2))
        qml.Rot(*weights_0, wires=0)
        qml.RY(weight_1, wires=1)
        qml.CNOT(wires=[0, 1])
        return qml.expval(qml.PauliZ(0)), qml.expval(qml.PauliZ(1))

    layer = KerasLayer(circuit, {"weights_0": 3, "weight_1": 1}, output_dim=2)
    assert set(layer.qnode_weights) == {"weights_0", "weight_1"}
    assert tuple(layer.qnode_weights["weights_0"].shape) == (3,)
    assert tuple(layer.qnode_weights["weight_1"].shape) == ()
    assert tuple(layer(RNG.random((4, 2))).shape) == (4, 2)


def test_unpacking_a_weight_runs_eagerly_and_explains_graph_mode():
    dev = qml.device("default.qubit", wires=1)

    @qml.qnode(dev)
    def circuit(inputs, weights):
        qml.RX(inputs[..., 0], wires=0)
        qml.Rot(*weights, wires=0)  # the old docstring's style: fine in eager mode and on JAX
        return qml.expval(qml.PauliZ(0))

    layer = KerasLayer(circuit, {"weights": 3}, 1)
    x, y = RNG.random((8, 1)), np.ones(8)
    assert tuple(layer(x).shape) == (8, 1)
    model = keras.Sequential([keras.Input((1,)), layer])
    model.compile("sgd", loss="mse", run_eagerly=True)
    assert np.isfinite(model.fit(x, y, epochs=1, verbose=0).history["loss"][0])
    if BACKEND == "tensorflow":
        model.compile("sgd", loss="mse")
        with pytest.raises(ValueError, match=r"Index the tensor instead.*run_eagerly=True"):
            model.fit(x, y, epochs=1, verbose=0)


def test_repr_names_the_circuit_and_backend():
    layer = KerasLayer(forum_circuit(2), {"weights": (1, 2, 3)}, 2)
    assert repr(layer).startswith("<Quantum Keras Layer: func=circuit")
    assert BACKEND in repr(layer)


def test_qnode_declared_for_another_interface_runs_on_this_backend():
    other = "jax" if BACKEND == "tensorflow" else "tf"
    circuit = forum_circuit(2).update(interface=other)
    layer = KerasLayer(circuit, {"weights": (1, 2, 3)}, 2)
    assert np.all(np.isfinite(np.asarray(layer(RNG.random((3, 2))))))


# ---------------------------------------------------------------- weights and dtypes
def test_default_initializer_is_glorot_uniform():
    set_seed(3)
    layer = KerasLayer(forum_circuit(4), {"weights": (2, 4, 3)}, 4)
    set_seed(3)
    reference = keras.initializers.GlorotUniform()(shape=(2, 4, 3))
    np.testing.assert_allclose(layer.qnode_weights["weights"].numpy(), np.asarray(reference))


def test_weight_specs_are_honoured():
    specs = {"weights": {"initializer": "zeros", "trainable": False}}
    layer = KerasLayer(forum_circuit(2), {"weights": (1, 2, 3)}, 2, weight_specs=specs)
    assert np.all(layer.qnode_weights["weights"].numpy() == 0.0)
    assert layer.trainable_weights == []
    assert len(layer.non_trainable_weights) == 1
    specs = {"weights": {"initializer": "ones", "regularizer": keras.regularizers.L2(0.1)}}
    layer = KerasLayer(forum_circuit(2), {"weights": (1, 2, 3)}, 2, weight_specs=specs)
    layer(RNG.random((2, 2)))
    np.testing.assert_allclose(float(sum(layer.losses)), 0.1 * 6, rtol=1e-6)


def test_float32_model_gets_float32_outputs_and_gradients():
    layer = KerasLayer(forum_circuit(2), {"weights": (1, 2, 3)}, 2)
    x = RNG.random((3, 2)).astype("float32")
    assert keras.backend.standardize_dtype(layer(x).dtype) == "float32"
    grads = loss_gradients(layer, x, np.ones((3, 2), dtype="float32"))
    assert all(keras.backend.standardize_dtype(g.dtype) == "float32" for g in grads)


@pytest.mark.parametrize("n_qubits", [1, 3])
def test_gradients_equal_parameter_shift(n_qubits):
    circuit = forum_circuit(n_qubits)
    layer = KerasLayer(circuit, {"weights": (2, n_qubits, 3)}, n_qubits, dtype="float64")
    x = RNG.uniform(0, np.pi, size=(5, n_qubits))
    c = RNG.normal(size=(5, n_qubits))
    grad_x, grad_w = loss_gradients(layer, x, c)
    weights = np.asarray(layer.qnode_weights["weights"].value)
    ref_x, ref_w = parameter_shift_gradients(circuit, x, weights, c)
    np.testing.assert_allclose(grad_w, ref_w, atol=1e-6)
    np.testing.assert_allclose(grad_x, ref_x, atol=1e-6)
    assert np.abs(ref_w).max() > 1e-3  # the comparison is not between two zero arrays


# ---------------------------------------------------------------- inside Keras models
@pytest.mark.slow
@pytest.mark.parametrize("n_qubits", [4, 8])
def test_forum_baseline_trains_in_graph_mode(n_qubits):
    set_seed(0)
    x = RNG.uniform(0, np.pi, size=(70, n_qubits))  # 70 = two full batches of 32 and 6 left
    y = (np.cos(x[:, 0]) > 0).astype("float32")
    model = forum_model(n_qubits)  # as the forum wrote it: Dense(1) without an activation
    start = model.layers[0].qnode_weights["weights"].numpy().copy()
    history = model.fit(x, y, epochs=2, batch_size=32, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
    assert not np.allclose(model.layers[0].qnode_weights["weights"].numpy(), start)


@pytest.mark.slow
def test_hybrid_model_learns_in_graph_mode():
    set_seed(0)
    x = RNG.uniform(0, np.pi, size=(70, 2))
    y = (np.cos(x[:, 0]) > 0).astype("float32")
    model = forum_model(2, activation="sigmoid")
    before = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=8, batch_size=32, verbose=0)
    assert model.evaluate(x, y, verbose=0) < before


@pytest.mark.parametrize("batch_size", [1, 5, 100])
def test_predict_matches_eager_call_for_any_batch_size(batch_size):
    model = forum_model(3, n_layers=1)
    x = RNG.random((101, 3))
    np.testing.assert_allclose(
        model.predict(x, batch_size=batch_size, verbose=0), np.asarray(model(x)), atol=1e-5
    )


@pytest.mark.parametrize("n_qubits", [1, pytest.param(12, marks=pytest.mark.slow)])
def test_extreme_qubit_counts_run_in_graph_mode(n_qubits):
    model = forum_model(n_qubits, n_layers=1)
    x = RNG.random((33, n_qubits))
    history = model.fit(x, np.ones(33), epochs=1, batch_size=32, verbose=0)
    assert np.isfinite(history.history["loss"][0])


def test_same_seed_gives_identical_history():
    x = RNG.uniform(0, np.pi, size=(40, 2))
    y = (x[:, 0] > x[:, 1]).astype("float32")

    def run() -> list[float]:
        set_seed(7)
        model = forum_model(2, n_layers=1)
        return model.fit(x, y, epochs=3, batch_size=16, verbose=0).history["loss"]

    assert run() == run()


@pytest.mark.parametrize(
    ("device", "diff_method"),
    [("default.qubit", "parameter-shift"), ("lightning.qubit", "adjoint")],
)
def test_other_devices_and_gradient_methods_train_or_explain(device, diff_method):
    @qml.qnode(qml.device(device, wires=2), diff_method=diff_method)
    def circuit(inputs, weights):
        qml.AngleEmbedding(inputs, wires=range(2))
        qml.StronglyEntanglingLayers(weights, wires=range(2))
        return [qml.expval(qml.PauliZ(w)) for w in range(2)]

    if BACKEND == "tensorflow" and device != "default.qubit":
        with pytest.raises(ValueError, match=r"use qml.device\('default.qubit'.*KERAS_BACKEND=jax"):
            KerasLayer(circuit, {"weights": (1, 2, 3)}, 2)
        return
    layer = KerasLayer(circuit, {"weights": (1, 2, 3)}, 2, dtype="float64")
    model = keras.Sequential([keras.Input((2,)), layer, keras.layers.Dense(1)])
    model.compile("sgd", loss="mse")
    x = RNG.random((20, 2))
    start = layer.qnode_weights["weights"].numpy().copy()
    model.fit(x, np.ones(20), epochs=1, batch_size=8, verbose=0)
    assert not np.allclose(layer.qnode_weights["weights"].numpy(), start)
    weights = layer.qnode_weights["weights"].numpy()
    expected = np.array([np.hstack(circuit(inputs=s, weights=weights)) for s in x])
    np.testing.assert_allclose(np.asarray(layer(x)), expected, atol=1e-8)


# ---------------------------------------------------------------- saving and loading
def test_save_weights_round_trip(tmp_path):
    model = forum_model(2)
    x = RNG.random((10, 2))
    path = tmp_path / "forum.weights.h5"
    model.save_weights(path)
    other = forum_model(2)
    assert not np.allclose(other.predict(x, verbose=0), model.predict(x, verbose=0))
    other.load_weights(path)
    np.testing.assert_array_equal(other.predict(x, verbose=0), model.predict(x, verbose=0))


# Bad input (clear errors, the reload check): tests/test_bad_inputs_layer.py


def test_layers_sharing_a_qnode_share_compiled_code_not_weights():
    circuit = forum_circuit(2)
    first = KerasLayer(circuit, {"weights": (1, 2, 3)}, 2, dtype="float64")
    second = KerasLayer(circuit, {"weights": (1, 2, 3)}, 2, dtype="float64")
    x = RNG.random((6, 2))
    for layer in (first, second):
        weights = np.asarray(layer.qnode_weights["weights"].value)
        expected = np.array([np.hstack(circuit(inputs=s, weights=weights)) for s in x])
        np.testing.assert_allclose(np.asarray(layer(x)), expected, atol=1e-10)
    assert not np.allclose(np.asarray(first(x)), np.asarray(second(x)))
