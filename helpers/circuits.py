"""QNode factories for the circuits the course uses.

Introduced in the course foundation (the forum learner's circuit); notebook 04 adds the data
re-uploading circuit.
"""

from __future__ import annotations

import functools
from typing import Any

import pennylane as qml
from matplotlib.figure import Figure

from helpers._checks import check_int


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
    return _forum_circuit(check_int(n_qubits, "n_qubits", minimum=1), device)


@functools.cache
def _forum_circuit(n_qubits: int, device: str) -> qml.QNode:
    # Cached on checked arguments only, so np.int64(2) and 2 share one QNode.
    dev = qml.device(device, wires=n_qubits)

    @qml.qnode(dev)
    def circuit(inputs, weights):
        qml.AngleEmbedding(inputs, wires=range(n_qubits))
        qml.StronglyEntanglingLayers(weights, wires=range(n_qubits))
        return [qml.expval(qml.PauliZ(w)) for w in range(n_qubits)]

    return circuit


def reuploading_circuit(n_qubits: int, n_blocks: int, device: str = "default.qubit") -> qml.QNode:
    """A data re-uploading circuit: ``n_blocks`` times (encode the inputs, one trainable layer).

    Each block is the forum circuit's two templates, ``AngleEmbedding(inputs)`` then one layer
    of ``StronglyEntanglingLayers``, and the circuit measures PauliZ on each wire once, at the
    end. With ``n_blocks=1`` it is :func:`forum_circuit` with one layer. Re-uploading the data
    ``L`` times lets the output contain frequencies up to ``L`` in each input (Schuld, Sweke and
    Meyer 2021, arXiv:2008.08605; Perez-Salinas et al. 2020, arXiv:1907.02085).

    The QNode takes ``inputs`` (``n_qubits`` angles per sample) and ``weights`` of shape
    ``(n_blocks, n_qubits, 3)``; the same arguments return the same QNode object.

    Introduced in notebook 04.

    Example:
        >>> from helpers import KerasLayer, reuploading_circuit
        >>> qlayer = KerasLayer(reuploading_circuit(2, 3), {"weights": (3, 2, 3)}, output_dim=2)
    """
    return _reuploading_circuit(
        check_int(n_qubits, "n_qubits", minimum=1),
        check_int(n_blocks, "n_blocks", minimum=1),
        device,
    )


@functools.cache
def _reuploading_circuit(n_qubits: int, n_blocks: int, device: str) -> qml.QNode:
    dev = qml.device(device, wires=n_qubits)

    @qml.qnode(dev)
    def circuit(inputs, weights):
        for block in range(n_blocks):
            qml.AngleEmbedding(inputs, wires=range(n_qubits))
            qml.StronglyEntanglingLayers(weights[block : block + 1], wires=range(n_qubits))
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
