"""QNode factories for the circuits the course uses.

Introduced in the course foundation (the forum learner's circuit); later notebooks add more.
"""

from __future__ import annotations

import functools
from typing import Any

import pennylane as qml
from matplotlib.figure import Figure


@functools.cache
def forum_circuit(n_qubits: int, device: str = "default.qubit") -> qml.QNode:
    """The forum learner's circuit: AngleEmbedding, StronglyEntanglingLayers, PauliZ on each wire.

    The same arguments return the same QNode object, so models built one per seed share the
    quantum layer's compiled evaluation (see ``KerasLayer``) instead of compiling it again.

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


def draw_circuit(
    qnode: qml.QNode, title: str | None = None, expand: bool = False, **arguments: Any
) -> Figure:
    """Draws a QNode with ``qml.draw_mpl`` for the given arguments and returns the Figure.

    Args:
        qnode: the circuit.
        title: figure title (defaults to the circuit function's name).
        expand: draw templates as the gates they apply (Rot, CNOT...) instead of boxes.
        **arguments: the QNode's arguments, e.g. ``inputs=...``, ``weights=...``.

    Example:
        >>> import numpy as np
        >>> fig = draw_circuit(forum_circuit(2), inputs=np.zeros(2), weights=np.zeros((1, 2, 3)))
    """
    fig, ax = qml.draw_mpl(qnode, decimals=2, level="device" if expand else "top")(**arguments)
    ax.set_title(title or f"circuit '{qnode.func.__name__}'")
    return fig
