"""QNode factories for the circuits the course uses.

Introduced in the course foundation (the forum learner's circuit); later notebooks add more.
"""

from __future__ import annotations

import pennylane as qml


def forum_circuit(n_qubits: int, device: str = "default.qubit") -> qml.QNode:
    """The forum learner's circuit: AngleEmbedding, StronglyEntanglingLayers, PauliZ on each wire.

    The QNode takes ``inputs`` (``n_qubits`` angles per sample) and ``weights`` of shape
    ``(n_layers, n_qubits, 3)``, and returns ``n_qubits`` expectation values in [-1, 1].

    Args:
        n_qubits: number of wires, one per input feature.
        device: a PennyLane device name.

    Example:
        >>> from helpers import KerasLayer, forum_circuit
        >>> qlayer = KerasLayer(forum_circuit(4), {"weights": (2, 4, 3)}, output_dim=4)
    """
    if isinstance(n_qubits, bool) or not isinstance(n_qubits, int) or n_qubits < 1:
        raise ValueError(f"n_qubits must be a positive int, got {n_qubits!r}")
    dev = qml.device(device, wires=n_qubits)

    @qml.qnode(dev)
    def circuit(inputs, weights):
        qml.AngleEmbedding(inputs, wires=range(n_qubits))
        qml.StronglyEntanglingLayers(weights, wires=range(n_qubits))
        return [qml.expval(qml.PauliZ(w)) for w in range(n_qubits)]

    return circuit
