"""The old ``qml.qnn.KerasLayer``'s surface, kept by helpers.KerasLayer on both backends.

Complex outputs, reloading in the same session, the old error wording, ``weight_shapes`` with a
0, ``qml.draw``/``qml.draw_mpl`` of a layer, foreign interfaces and ``set_input_argument``.
`pytest` runs this file on TensorFlow in-process and on JAX through tests/test_backends.py.
"""

from __future__ import annotations

import json

from helpers import BACKEND, KerasLayer, forum_circuit, run_in_backend

import keras
import numpy as np
import pennylane as qml
import pytest
from pennylane import numpy as pnp

# Depends on the Keras backend: .ci/run runs this file again with KERAS_BACKEND=jax.
pytestmark = pytest.mark.backend

RNG = np.random.default_rng(2024)


def two_qubit_circuit(measurement: str = "expvals", interface: str = "auto") -> qml.QNode:
    """AngleEmbedding + one StronglyEntanglingLayers layer on 2 qubits, a chosen measurement."""

    @qml.qnode(qml.device("default.qubit", wires=2), interface=interface)
    def circuit(inputs, weights):
        qml.AngleEmbedding(inputs, wires=range(2))
        qml.StronglyEntanglingLayers(weights, wires=range(2))
        if measurement == "density_matrix":
            return qml.density_matrix(wires=[0])
        if measurement == "state":
            return qml.state()
        if measurement == "mixed":
            return qml.expval(qml.PauliZ(0)), qml.density_matrix(wires=[1])
        return [qml.expval(qml.PauliZ(w)) for w in range(2)]

    return circuit


def gradient_of(layer: KerasLayer, x: np.ndarray, loss) -> np.ndarray:
    """d loss(layer(x)) / d weights, with ``loss`` written in keras.ops (either backend)."""
    layer(x[:1])  # builds the layer
    if BACKEND == "jax":
        import jax

        def f(values):
            y, _ = layer.stateless_call(values, [], x)
            return loss(y)

        return np.asarray(jax.grad(f)([v.value for v in layer.trainable_variables])[0])
    import tensorflow as tf

    with tf.GradientTape() as tape:
        value = loss(layer(x))
    return np.asarray(tape.gradient(value, layer.trainable_variables[0]))


# ---------------------------------------------------------------- complex outputs
@pytest.mark.parametrize(
    ("measurement", "output_dim"),
    [("density_matrix", (2, 2)), ("state", 4), ("mixed", 5)],
)
def test_complex_outputs_keep_their_imaginary_part(measurement, output_dim):
    circuit = two_qubit_circuit(measurement)
    layer = KerasLayer(circuit, {"weights": (1, 2, 3)}, output_dim, dtype="float64")
    x = RNG.random((3, 2))
    y = keras.ops.convert_to_numpy(layer(x))
    assert y.dtype == np.complex128
    weights = keras.ops.convert_to_numpy(layer.qnode_weights["weights"])
    expected = np.array(
        [
            np.hstack(
                [np.ravel(r) for r in qml.math.atleast_1d(circuit(inputs=s, weights=weights))]
            )
            if measurement != "mixed"
            else np.hstack([np.ravel(r) for r in circuit(inputs=s, weights=weights)])
            for s in x
        ]
    ).reshape(y.shape)
    assert np.abs(expected.imag).max() > 1e-3  # the test would notice a dropped imaginary part
    np.testing.assert_allclose(y, expected, atol=1e-10)


def test_complex_outputs_are_complex64_in_a_float32_model_and_train():
    layer = KerasLayer(two_qubit_circuit("density_matrix"), {"weights": (1, 2, 3)}, (2, 2))
    absolute = keras.layers.Lambda(keras.ops.abs)
    model = keras.Sequential(
        [keras.Input((2,)), layer, absolute, keras.layers.Flatten(), keras.layers.Dense(1)]
    )
    model.compile("sgd", loss="mse")
    x = RNG.random((8, 2))
    assert str(keras.ops.convert_to_numpy(layer(x)).dtype) == "complex64"
    start = keras.ops.convert_to_numpy(layer.qnode_weights["weights"]).copy()
    loss = model.fit(x, np.ones(8), epochs=2, batch_size=4, verbose=0).history["loss"]
    assert np.all(np.isfinite(loss))
    assert not np.allclose(keras.ops.convert_to_numpy(layer.qnode_weights["weights"]), start)


def test_gradients_through_real_and_imaginary_parts_equal_autograds():
    circuit = two_qubit_circuit("density_matrix")
    layer = KerasLayer(circuit, {"weights": (1, 2, 3)}, (2, 2), dtype="float64")
    x = RNG.random((3, 2))
    a, b = RNG.normal(size=(2, 3, 2, 2))
    got = gradient_of(
        layer, x, lambda y: keras.ops.sum(a * keras.ops.real(y) + b * keras.ops.imag(y))
    )
    # Parameter-shift does not take density matrices; autograd's backpropagation is independent.
    shift = circuit.update(interface="autograd", diff_method="backprop")

    def loss(w):
        total = 0.0
        for i, s in enumerate(x):
            rho = shift(inputs=s, weights=w)
            total = total + pnp.sum(a[i] * pnp.real(rho) + b[i] * pnp.imag(rho))
        return total

    weights = keras.ops.convert_to_numpy(layer.qnode_weights["weights"])
    expected = qml.grad(loss)(pnp.array(weights, requires_grad=True))
    assert np.abs(expected).max() > 1e-2
    np.testing.assert_allclose(got, expected, atol=1e-8)


# ---------------------------------------------------------------- saving and reloading
def test_reload_in_the_same_session_finds_the_qnode(tmp_path):
    model = keras.Sequential(
        [keras.Input((2,)), KerasLayer(forum_circuit(2), {"weights": (1, 2, 3)}, 2)]
    )
    x = RNG.random((5, 2))
    path = tmp_path / "forum.keras"
    model.save(path)
    loaded = keras.models.load_model(path)  # no custom_objects: this process built the QNode
    assert loaded.layers[0].qnode.func.__qualname__ == forum_circuit(2).func.__qualname__
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def scaled_circuit() -> qml.QNode:
    """Named 'circuit' and running the forum circuit's gates, but with doubled input angles."""

    @qml.qnode(qml.device("default.qubit", wires=2))
    def circuit(inputs, weights):
        qml.AngleEmbedding(2 * inputs, wires=range(2))
        qml.StronglyEntanglingLayers(weights, wires=range(2))
        return [qml.expval(qml.PauliZ(w)) for w in range(2)]

    return circuit


def test_reload_picks_the_qnode_that_computes_the_saved_circuit(tmp_path):
    model = keras.Sequential(
        [keras.Input((2,)), KerasLayer(forum_circuit(2), {"weights": (1, 2, 3)}, 2)]
    )
    lookalike = scaled_circuit()  # same name and gates, built later: tried first, refused
    KerasLayer(lookalike, {"weights": (1, 2, 3)}, 2)(RNG.random((1, 2)))
    path = tmp_path / "forum.keras"
    model.save(path)
    x = RNG.random((4, 2))
    loaded = keras.models.load_model(path)
    assert loaded.layers[0].qnode is not lookalike
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    with pytest.raises(ValueError, match="same gates, but its outputs at a fixed test point"):
        keras.models.load_model(path, custom_objects={"circuit": lookalike})


@pytest.mark.slow
def test_reload_in_a_new_process_asks_for_custom_objects(tmp_path):
    model = keras.Sequential(
        [keras.Input((2,)), KerasLayer(forum_circuit(2), {"weights": (1, 2, 3)}, 2)]
    )
    path = tmp_path / "forum.keras"
    model.save(path)
    code = (
        "import json, keras, helpers\n"
        "try:\n"
        f"    keras.models.load_model({str(path)!r})\n"
        "    print(json.dumps('loaded'))\n"
        "except Exception as exc:\n"
        "    print(json.dumps(str(exc)))\n"
    )
    message = run_in_backend(BACKEND, code)
    assert "custom_objects={'circuit': circuit}" in message


# ---------------------------------------------------------------- the old layer's messages
def circuit_with(signature: str) -> qml.QNode:
    """A one-qubit QNode whose Python signature is ``signature``."""
    namespace: dict = {"qml": qml}
    exec(  # builds test circuits with chosen signatures
        f"def c({signature}):\n    qml.RX(0.1, wires=0)\n    return qml.expval(qml.PauliZ(0))",
        namespace,
    )
    return qml.QNode(namespace["c"], qml.device("default.qubit", wires=1))


@pytest.mark.parametrize(
    ("signature", "shapes", "error", "old_message"),
    [
        ("x, w", {"w": 1}, TypeError, "QNode must include an argument with name inputs for"),
        ("inputs, w", {"w": 1, "inputs": 1}, ValueError, "inputs argument should not have its"),
        ("inputs, *w", {"w": 1}, TypeError, "Cannot have a variable number of positional"),
        ("inputs, w, v", {"w": 1}, ValueError, "Must specify a shape for every non-input"),
    ],
)
def test_errors_start_with_the_old_layers_message(signature, shapes, error, old_message):
    with pytest.raises(error) as info:
        KerasLayer(circuit_with(signature), shapes, 1)
    message = str(info.value)
    assert message.startswith(old_message)
    assert len(message) > len(old_message) + 40  # and the course's fix follows


# ---------------------------------------------------------------- weight shapes with a 0
def test_weight_shape_zero_is_accepted_as_in_the_old_layer():
    @qml.qnode(qml.device("default.qubit", wires=1))
    def circuit(inputs, w, v):
        qml.RX(inputs[..., 0], wires=0)
        qml.RY(w, wires=0)
        return qml.expval(qml.PauliZ(0))

    assert KerasLayer(circuit, {"w": 0, "v": 1}, 1).weight_shapes == {"w": (), "v": ()}
    with pytest.warns(UserWarning, match="'v' has no parameters"):
        empty = KerasLayer(circuit, {"w": 1, "v": (2, 0)}, 1)
    assert tuple(empty.qnode_weights["v"].shape) == (2, 0)
    assert tuple(empty(RNG.random((3, 1))).shape) == (3, 1)


# ---------------------------------------------------------------- drawing
def test_qml_draw_shows_the_circuit_with_the_layers_weights():
    layer = KerasLayer(forum_circuit(2), {"weights": (1, 2, 3)}, 2)
    x = RNG.random((1, 2))
    text = qml.draw(layer, decimals=None)(x)
    weights = keras.ops.convert_to_numpy(layer.qnode_weights["weights"])
    expected = qml.draw(forum_circuit(2), decimals=None)(inputs=x, weights=weights)
    assert text.splitlines()[:2] == expected.splitlines()[:2]  # the wires, gate by gate
    assert str(weights) in text  # the layer's current weights, as the matrix M1
    _, ax = qml.draw_mpl(layer)(x)
    labels = [t.get_text() for t in ax.texts]
    assert labels == ["0", "1", "AngleEmbedding", "StronglyEntanglingLayers"]


# ---------------------------------------------------------------- interfaces
@pytest.mark.parametrize("interface", ["autograd", "jax", "tf", "auto"])
def test_any_declared_interface_runs_on_this_backend_and_is_not_mutated(interface):
    circuit = two_qubit_circuit(interface=interface)
    declared = circuit.interface
    layer = KerasLayer(circuit, {"weights": (1, 2, 3)}, 2, dtype="float64")
    assert layer.qnode is circuit
    assert circuit.interface == declared
    x = RNG.random((4, 2))
    weights = keras.ops.convert_to_numpy(layer.qnode_weights["weights"])
    reference = circuit.update(interface="numpy")
    expected = np.array([np.hstack(reference(inputs=s, weights=weights)) for s in x])
    np.testing.assert_allclose(keras.ops.convert_to_numpy(layer(x)), expected, atol=1e-10)


# ---------------------------------------------------------------- set_input_argument
def test_set_input_argument_names_the_data_argument_for_layers_built_after(tmp_path):
    @qml.qnode(qml.device("default.qubit", wires=2))
    def circuit_x(x, weights):
        qml.AngleEmbedding(x, wires=range(2))
        qml.StronglyEntanglingLayers(weights, wires=range(2))
        return [qml.expval(qml.PauliZ(w)) for w in range(2)]

    try:
        KerasLayer.set_input_argument("x")
        layer = KerasLayer(circuit_x, {"weights": (1, 2, 3)}, 2)
        assert layer.input_arg == "x"
    finally:
        KerasLayer.set_input_argument()
    assert KerasLayer._input_arg == "inputs"
    data = RNG.random((3, 2))
    assert tuple(layer(data).shape) == (3, 2)  # the layer keeps its name after the reset
    model = keras.Sequential([keras.Input((2,)), layer])
    path = tmp_path / "x.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert loaded.layers[0].input_arg == "x"
    np.testing.assert_array_equal(loaded.predict(data, verbose=0), model.predict(data, verbose=0))
    with pytest.raises(ValueError, match="name of a QNode argument"):
        KerasLayer.set_input_argument("not a name")


def test_config_round_trip_is_json():
    layer = KerasLayer(forum_circuit(2), {"weights": (1, 2, 3)}, 2)
    layer(RNG.random((1, 2)))
    config = json.loads(json.dumps(layer.get_config()))
    rebuilt = KerasLayer.from_config(config)
    assert rebuilt.weight_shapes == layer.weight_shapes
