"""Bad input to the quantum layer: one table, every case a clear error (or a documented accept).

Each row builds or calls a :class:`helpers.KerasLayer` wrongly and names the exception and a
phrase of its message. `pytest` runs this file on the TensorFlow backend in-process and on JAX
through tests/test_backends.py. The tables for files and CSV data and for training arguments
are tests/test_bad_inputs_files.py and tests/test_bad_inputs_arguments.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from helpers import KerasLayer, build_forum_model, forum_circuit

import keras
import numpy as np
import pennylane as qml
import pytest

# Depends on the Keras backend: .ci/run runs this file again with KERAS_BACKEND=jax.
pytestmark = pytest.mark.backend

RNG = np.random.default_rng(7)
SHAPES = {"weights": (1, 2, 3)}


def circuit_measuring(measurement: str, shots: int | None = None) -> qml.QNode:
    """A 2-qubit forum-style circuit returning ``sample``, ``counts`` or expectation values."""
    dev = qml.device("default.qubit", wires=2)

    @qml.qnode(dev, shots=shots)
    def circuit(inputs, weights):
        qml.AngleEmbedding(inputs, wires=range(2))
        qml.StronglyEntanglingLayers(weights, wires=range(2))
        if measurement == "sample":
            return qml.sample(wires=[0, 1])
        if measurement == "counts":
            return qml.counts(wires=[0, 1])
        return [qml.expval(qml.PauliZ(w)) for w in range(2)]

    return circuit


def no_inputs_circuit() -> qml.QNode:
    @qml.qnode(qml.device("default.qubit", wires=1))
    def circuit(x, weights):
        qml.RX(x, wires=0)
        return qml.expval(qml.PauliZ(0))

    return circuit


def layer(shapes: Any = SHAPES, output_dim: Any = 2, qnode: Any = None) -> KerasLayer:
    return KerasLayer(qnode if qnode is not None else forum_circuit(2), shapes, output_dim)


def forum_model() -> keras.Model:
    return build_forum_model(2, n_layers=1, metrics=())


def fit_with_nan() -> None:
    x = RNG.random((8, 2))
    x[3, 1] = np.nan
    forum_model().fit(x, np.ones(8), epochs=1, verbose=0)


CASES: list[tuple[str, Callable[[], Any], type[Exception], str]] = [
    # --- construction: the QNode and its signature
    ("not a QNode", lambda: KerasLayer(lambda inputs: 0, {}, 1), TypeError, "expects a PennyLane"),
    (
        "QNode without inputs",
        lambda: layer({"weights": 1}, 1, no_inputs_circuit()),
        TypeError,
        "no argument named 'inputs'",
    ),
    ("weight_shapes not a dict", lambda: layer([(1, 2, 3)]), TypeError, "must be a dict"),
    (
        "weight_shapes with a wrong key",
        lambda: layer({"weight": (1, 2, 3)}),
        ValueError,
        "missing: ['weights'], unknown: ['weight']",
    ),
    (
        "weight_shapes for the data",
        lambda: layer({"weights": (1, 2, 3), "inputs": 2}),
        ValueError,
        "holds the data",
    ),
    # --- construction: weight shapes and output_dim that used to be coerced silently
    ("a float shape", lambda: layer({"weights": 2.7}), ValueError, "got 2.7"),
    ("a string shape", lambda: layer({"weights": "243"}), ValueError, "the string '243'"),
    ("a float in a shape", lambda: layer({"weights": (1, 2.0, 3)}), ValueError, "not a non-neg"),
    ("a negative shape", lambda: layer({"weights": -3}), ValueError, "non-negative int"),
    ("a negative in a shape", lambda: layer({"weights": (1, -2, 3)}), ValueError, "-2 is not"),
    ("output_dim float", lambda: layer(output_dim=2.0), ValueError, "output_dim must be"),
    ("output_dim string", lambda: layer(output_dim="2"), ValueError, "output_dim must be"),
    ("output_dim 0", lambda: layer(output_dim=0), ValueError, "output_dim must be"),
    ("output_dim bool", lambda: layer(output_dim=True), ValueError, "output_dim must be"),
    # --- first call: the circuit against the data and the shapes
    (
        "wrong weight shape",
        lambda: layer({"weights": (1, 2, 2)})(RNG.random((4, 2))),
        ValueError,
        "rejected the weight shapes {'weights': (1, 2, 2)}",
    ),
    (
        "too many features",
        lambda: layer()(RNG.random((4, 3))),
        ValueError,
        "cannot take inputs with 3 features (its device has 2",
    ),
    (
        "too many features in a model",
        lambda: keras.Sequential([keras.Input((5,)), layer()]),
        ValueError,
        "cannot take inputs with 5 features",
    ),
    (
        "wrong output_dim",
        lambda: layer(output_dim=3)(RNG.random((1, 2))),
        ValueError,
        "returns 2 value(s) per sample; set output_dim=2",
    ),
    (
        "qml.sample",
        lambda: layer(qnode=circuit_measuring("sample"))(RNG.random((3, 2))),
        ValueError,
        "cannot train through",
    ),
    (
        "qml.sample with shots",
        lambda: layer(qnode=circuit_measuring("sample", shots=10))(RNG.random((3, 2))),
        ValueError,
        "cannot train through",
    ),
    (
        "qml.counts with shots",
        lambda: layer(qnode=circuit_measuring("counts", shots=10))(RNG.random((3, 2))),
        ValueError,
        "cannot train through",
    ),
    # --- the data
    ("zero samples", lambda: layer()(np.zeros((0, 2))), ValueError, "received 0 samples"),
    ("text inputs", lambda: layer()(np.array([["a", "b"]])), TypeError, "numeric inputs"),
    (
        "NaN in a call",
        lambda: layer()(np.array([[0.1, np.nan]])),
        ValueError,
        "NaN or infinite inputs",
    ),
]


@pytest.mark.parametrize(
    ("call", "error", "phrase"),
    [pytest.param(call, error, phrase, id=case) for case, call, error, phrase in CASES],
)
def test_bad_input_is_a_clear_error(call, error, phrase):
    with pytest.raises(error) as info:
        call()
    assert phrase in str(info.value)


def test_nan_inside_fit_ends_with_the_course_message():
    # Inside model.fit the check runs in the compiled graph (TensorFlow) or a host callback
    # (JAX): the backend wraps the message in its own error, but it stays among the last lines.
    with pytest.raises(Exception, match="NaN or infinite inputs") as info:
        fit_with_nan()
    assert "NaN or infinite inputs" in str(info.value)[-400:]


@pytest.mark.parametrize(("size", "shape"), [(0, ()), (1, ()), (3, (3,)), ([2, 3], (2, 3))])
def test_int_and_tuple_weight_shapes_are_accepted_as_in_the_old_layer(size, shape):
    dev = qml.device("default.qubit", wires=1)

    @qml.qnode(dev)
    def circuit(inputs, weights):
        qml.RX(inputs[0], wires=0)
        return qml.expval(qml.PauliZ(0))

    assert KerasLayer(circuit, {"weights": size}, 1).weight_shapes == {"weights": shape}
    assert KerasLayer(circuit, {"weights": np.int64(3)}, np.int64(1)).output_dim == 1


def lookalike_circuit(n_qubits: int) -> qml.QNode:
    """Same function name and weight shapes as forum_circuit, CZ instead of CNOT."""

    @qml.qnode(qml.device("default.qubit", wires=n_qubits))
    def circuit(inputs, weights):
        qml.AngleEmbedding(inputs, wires=range(n_qubits))
        qml.StronglyEntanglingLayers(weights, wires=range(n_qubits), imprimitive=qml.CZ)
        return [qml.expval(qml.PauliZ(w)) for w in range(n_qubits)]

    return circuit


def test_reloading_checks_the_qnode(tmp_path):
    model = forum_model()
    x = RNG.random((6, 2))
    path = tmp_path / "forum.keras"
    model.save(path)  # reloading without custom_objects: tests/test_layer_compat.py
    with pytest.raises(ValueError, match=r"operation 5 was CNOT\(0,1\) and is now CZ\(0,1\)"):
        keras.models.load_model(path, custom_objects={"circuit": lookalike_circuit(2)})
    loaded = keras.models.load_model(path, custom_objects={"circuit": forum_circuit(2)})
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_fingerprint_names_gates_wires_and_measurements():
    qlayer = layer()
    qlayer(RNG.random((1, 2)))
    assert qlayer.circuit_fingerprint() == [
        "RX(0)",
        "RX(1)",
        "Rot(0)",
        "Rot(1)",
        "CNOT(0,1)",
        "CNOT(1,0)",
        "expval(Z(0))",
        "expval(Z(1))",
    ]
    assert qlayer.get_config()["circuit"]["n_features"] == 2
