"""QNode factories for the circuits the course uses.

Introduced in the course foundation (the forum learner's circuit); notebook 04 adds the data
re-uploading circuit and Pérez-Salinas et al.'s trainable-encoding circuit.
"""

from __future__ import annotations

import functools
from typing import Any

from helpers._checks import check_int

import numpy as np
import pennylane as qml
from matplotlib.figure import Figure


def _device(name: str, wires: int, **options: Any) -> Any:
    """``qml.device(name, wires=wires, **options)``, leaving NumPy's global generator untouched.

    PennyLane's simulators given no seed draw one from NumPy's global generator
    (``seed="global"``, the default of ``default.qubit`` and ``default.mixed``). The circuits
    below are cached, so only the first call in a process would draw: the first model trained
    after ``set_seed`` then saw another NumPy stream (Keras shuffles the training data with it)
    than every later model with the same seed, and a task's result depended on what its process
    had run before. The device still gets its seed from the global generator's state.
    """
    state = np.random.get_state()  # noqa: NPY002 - the global generator is what is kept
    try:
        return qml.device(name, wires=wires, **options)
    finally:
        np.random.set_state(state)  # noqa: NPY002


def forum_circuit(n_qubits: int, device: str = "default.qubit") -> qml.QNode:
    """The forum learner's circuit: AngleEmbedding, StronglyEntanglingLayers, PauliZ on each wire.
    Introduced in notebook 00.

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
    dev = _device(device, n_qubits)

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
    Introduced in notebook 04.

    Each block is the forum circuit's two templates, ``AngleEmbedding(inputs)`` then one layer
    of ``StronglyEntanglingLayers``, and the circuit measures PauliZ on each wire once, at the
    end. With ``n_blocks=1`` it is :func:`forum_circuit` with one layer. Re-uploading the data
    ``L`` times lets the output contain frequencies up to ``L`` in each input (Schuld, Sweke and
    Meyer 2021, arXiv:2008.08605; Perez-Salinas et al. 2020, arXiv:1907.02085).

    The QNode takes ``inputs`` (``n_qubits`` angles per sample) and ``weights`` of shape
    ``(n_blocks, n_qubits, 3)``; the same arguments return the same QNode object. With
    ``entangle=False`` each block's trainable layer is a ``Rot`` on every wire and no CNOTs:
    the same parameters, no entanglement (notebook 05's control).

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
    dev = _device(device, n_qubits)

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
    Introduced in notebook 04.

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
    dev = _device(device, 1)
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


def sampled_forum_circuit(
    n_qubits: int, shots: int | None, seed: int | None = None, n_layers: int | None = None
) -> qml.QNode:
    """The forum circuit as a quantum processor runs it: ``shots`` samples per expectation value.
    Introduced in notebook 06.

    Each ⟨Z⟩ is the mean of ``shots`` ±1 outcomes, so it scatters around the exact value with a
    standard deviation of at most ``1/sqrt(shots)``. The QNode differentiates with the
    parameter-shift rule, which also works on hardware (Schuld et al. 2019, arXiv:1811.11184;
    Mitarai et al. 2018, arXiv:1803.00745). ``shots=None`` gives the exact circuit with
    backpropagation, for comparison. A new QNode each call (its device's random generator starts
    from ``seed``), so the same seed repeats the same draws. ``n_layers`` is unused: the layer's
    ``weight_shapes`` sets it, as for :func:`forum_circuit`.

    Example:
        >>> from helpers import KerasLayer
        >>> qnode = sampled_forum_circuit(2, shots=100, seed=0)
        >>> qlayer = KerasLayer(qnode, {"weights": (2, 2, 3)}, output_dim=2)
    """
    n_qubits = check_int(n_qubits, "n_qubits", minimum=1)
    if shots is not None:
        shots = check_int(shots, "shots", minimum=1)
    dev = _device("default.qubit", n_qubits, seed=seed)

    @qml.qnode(dev, shots=shots, diff_method="parameter-shift" if shots else "backprop")
    def circuit(inputs, weights):
        qml.AngleEmbedding(inputs, wires=range(n_qubits))
        qml.StronglyEntanglingLayers(weights, wires=range(n_qubits))
        return [qml.expval(qml.PauliZ(w)) for w in range(n_qubits)]

    return circuit


#: Noise channels :func:`noisy_forum_circuit` can insert, by name.
NOISE_CHANNELS = {
    "depolarizing": qml.DepolarizingChannel,
    "amplitude damping": qml.AmplitudeDamping,
}


def noisy_forum_circuit(n_qubits: int, n_layers: int, channel: str, strength: float) -> qml.QNode:
    """The forum circuit on a mixed-state simulator, each qubit passing a noise channel after the
    embedding and after every entangling layer.
    Introduced in notebook 06.

    ``channel`` is ``"depolarizing"`` (``qml.DepolarizingChannel(p)``: with probability ``p``
    an X, Y or Z error, each with probability p/3) or ``"amplitude damping"``
    (``qml.AmplitudeDamping(γ)``: |1⟩ decays to |0⟩ with probability γ, as energy relaxation
    does); ``strength`` is ``p`` or ``γ`` in [0, 1]. The circuit runs on ``default.mixed``
    (density matrices), so its outputs are exact expectation values under the noise. At
    strength 0 it computes what :func:`forum_circuit` computes, with the same weights.

    Example:
        >>> qnode = noisy_forum_circuit(2, 2, "depolarizing", 0.05)
    """
    n_qubits = check_int(n_qubits, "n_qubits", minimum=1)
    n_layers = check_int(n_layers, "n_layers", minimum=1)
    if channel not in NOISE_CHANNELS:
        raise ValueError(
            f"channel must be one of {sorted(NOISE_CHANNELS)}, got {channel!r}; e.g. "
            "noisy_forum_circuit(2, 2, 'depolarizing', 0.05)"
        )
    if isinstance(strength, bool) or not 0.0 <= float(strength) <= 1.0:
        raise ValueError(
            f"strength is a probability in [0, 1], got {strength!r}; e.g. 0.01 for 1% per layer"
        )
    noise, strength = NOISE_CHANNELS[channel], float(strength)
    ranges = [(layer % (n_qubits - 1)) + 1 for layer in range(n_layers)] if n_qubits > 1 else None
    dev = _device("default.mixed", n_qubits)

    @qml.qnode(dev)
    def circuit(inputs, weights):
        qml.AngleEmbedding(inputs, wires=range(n_qubits))
        for wire in range(n_qubits):
            noise(strength, wires=wire)
        for layer in range(n_layers):
            qml.StronglyEntanglingLayers(
                weights[..., layer : layer + 1, :, :],
                wires=range(n_qubits),
                ranges=None if ranges is None else ranges[layer : layer + 1],
            )
            for wire in range(n_qubits):
                noise(strength, wires=wire)
        return [qml.expval(qml.PauliZ(w)) for w in range(n_qubits)]

    return circuit


def draw_circuit(
    qnode: qml.QNode, title: str | None = None, expand: bool = False, **arguments: Any
) -> Figure:
    """Draws a QNode with ``qml.draw_mpl`` for the given arguments and returns the Figure.
    Introduced in notebook 00.

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
