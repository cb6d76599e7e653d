"""QNode factories for the circuits the course uses.

Introduced in the course foundation (the forum learner's circuit); notebook 04 adds the data
re-uploading circuit and Pérez-Salinas et al.'s trainable-encoding circuit.
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


def reuploading_circuit(
    n_qubits: int, n_blocks: int, device: str = "default.qubit", entangle: bool = True
) -> qml.QNode:
    """A data re-uploading circuit: ``n_blocks`` times (encode the inputs, one trainable layer).

    Each block is the forum circuit's two templates, ``AngleEmbedding(inputs)`` then one layer
    of ``StronglyEntanglingLayers``, and the circuit measures PauliZ on each wire once, at the
    end. With ``n_blocks=1`` it is :func:`forum_circuit` with one layer. Re-uploading the data
    ``L`` times lets the output contain frequencies up to ``L`` in each input (Schuld, Sweke and
    Meyer 2021, arXiv:2008.08605; Perez-Salinas et al. 2020, arXiv:1907.02085).

    The QNode takes ``inputs`` (``n_qubits`` angles per sample) and ``weights`` of shape
    ``(n_blocks, n_qubits, 3)``; the same arguments return the same QNode object. With
    ``entangle=False`` each block's trainable layer is a ``Rot`` on every wire and no CNOTs:
    the same parameters, no entanglement (notebook 05's control).

    Introduced in notebook 04.

    Example:
        >>> from helpers import KerasLayer, reuploading_circuit
        >>> qlayer = KerasLayer(reuploading_circuit(2, 3), {"weights": (3, 2, 3)}, output_dim=2)
    """
    return _reuploading_circuit(
        check_int(n_qubits, "n_qubits", minimum=1),
        check_int(n_blocks, "n_blocks", minimum=1),
        device,
        bool(entangle),
    )


@functools.cache
def _reuploading_circuit(n_qubits: int, n_blocks: int, device: str, entangle: bool) -> qml.QNode:
    dev = qml.device(device, wires=n_qubits)

    @qml.qnode(dev)
    def circuit(inputs, weights):
        for block in range(n_blocks):
            qml.AngleEmbedding(inputs, wires=range(n_qubits))
            if entangle:
                qml.StronglyEntanglingLayers(weights[block : block + 1], wires=range(n_qubits))
            else:
                for wire in range(n_qubits):
                    qml.Rot(*[weights[..., block, wire, k] for k in range(3)], wires=wire)
        return [qml.expval(qml.PauliZ(w)) for w in range(n_qubits)]

    return circuit


def trainable_encoding_circuit(
    n_features: int, n_blocks: int, device: str = "default.qubit"
) -> qml.QNode:
    """Pérez-Salinas et al.'s one-qubit re-uploading classifier: trainable input weights.

    Each of the ``n_blocks`` blocks applies one general rotation whose angles are
    ``θ_l + w_l ∘ x`` (Pérez-Salinas, Cervera-Lierta, Gil-Fuster and Latorre 2020,
    arXiv:1907.02085, their ``U(θ_l + w_l ∘ x)``), then ⟨Z⟩ is measured once. Their
    ``U(φ_1, φ_2, φ_3) = R_z(φ_2) R_y(φ_1) R_z(φ_3)`` is ``qml.Rot(φ_3, φ_1, φ_2)``: feature 1
    enters the R_y angle, feature 2 the last R_z and feature 3 (if any) the first. Unlike
    :func:`reuploading_circuit`, whose encoding ``RX(x)`` has a fixed weight of 1, the weights
    ``w`` scale the input, so the frequencies are sums of ``±w_l``, not integers up to
    ``n_blocks`` (Jaderberg et al. 2024, arXiv:2309.03279, call such models trainable-frequency
    models). With ``w = 1`` and one feature the spectrum is that of ``n_blocks`` fixed
    encodings.

    The QNode takes ``inputs`` (``n_features`` values per sample), ``w`` of shape
    ``(n_blocks, n_features)`` and ``theta`` of shape ``(n_blocks, 3)``, and returns one
    expectation value. The same arguments return the same QNode object.

    Introduced in notebook 04.

    Example:
        >>> from helpers import KerasLayer, trainable_encoding_circuit
        >>> qlayer = KerasLayer(
        ...     trainable_encoding_circuit(1, 3), {"w": (3, 1), "theta": (3, 3)}, output_dim=1
        ... )
    """
    n_features = check_int(n_features, "n_features", minimum=1)
    if n_features > 3:
        raise ValueError(
            f"one rotation holds 3 angles, got n_features={n_features}; reduce the inputs to at "
            f"most 3 features (e.g. with PCA) or upload them in several rotations per block"
        )
    return _trainable_encoding_circuit(
        n_features, check_int(n_blocks, "n_blocks", minimum=1), device
    )


@functools.cache
def _trainable_encoding_circuit(n_features: int, n_blocks: int, device: str) -> qml.QNode:
    dev = qml.device(device, wires=1)
    slot = {0: 1, 1: 2, 2: 0}  # feature j -> Rot argument: φ_1 is R_y, φ_2 the last R_z

    @qml.qnode(dev)
    def circuit(inputs, w, theta):
        for block in range(n_blocks):
            angles = [theta[block, i] for i in range(3)]
            for j in range(n_features):
                angles[slot[j]] = angles[slot[j]] + w[block, j] * inputs[..., j]
            qml.Rot(angles[0], angles[1], angles[2], wires=0)
        return qml.expval(qml.PauliZ(0))

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
