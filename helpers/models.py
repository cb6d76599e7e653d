"""Model builders: the forum learner's hybrid baseline and classical models of a given size.

Introduced in notebook 00 (setup check, the forum baseline on 2 qubits); used from notebook 01 on.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any
from unittest import mock

import keras
import numpy as np
import pennylane as qml

from helpers._checks import check_int
from helpers.circuits import forum_circuit, reuploading_circuit
from helpers.quantum_layer import KerasLayer

#: The metrics the forum learner compiled with.
FORUM_METRICS: tuple[str, ...] = ("accuracy", "mse", "mae", "binary_accuracy")


def forum_quantum_layer(
    n_qubits: int, n_layers: int = 2, name: str = "quantum", *, circuit: qml.QNode | None = None
) -> KerasLayer:
    """The forum's quantum layer: ``KerasLayer(forum_circuit(n_qubits), {"weights": (n_layers,
    n_qubits, 3)}, output_dim=n_qubits)``, named ``"quantum"``.

    ``circuit`` replaces the forum's QNode by another with the same arguments, e.g. one that
    samples shots or adds noise (:func:`helpers.sampled_forum_circuit`,
    :func:`helpers.noisy_forum_circuit`; notebook 06).

    Example:
        >>> forum_quantum_layer(4).compute_output_shape((None, 4))
        (None, 4)
    """
    qnode = forum_circuit(n_qubits) if circuit is None else circuit
    return KerasLayer(qnode, {"weights": (n_layers, n_qubits, 3)}, n_qubits, name=name)


def params_from_shapes(*shapes: Sequence[int]) -> int:
    """How many numbers arrays of these shapes hold: a parameter count without building a model.

    Example:
        >>> params_from_shapes((3, 2, 3), (2, 1), (1,))  # build_depth_model("reuploading", 2, 3)
        21
    """
    return int(sum(math.prod(shape) for shape in shapes))


def count_trainable_params(model: keras.Model) -> int:
    """Number of trainable parameters of a built model.

    Example:
        >>> count_trainable_params(build_forum_model(2, n_layers=1))  # 1*2*3 + 2 + 1
        9
    """
    return int(sum(np.prod(w.shape) for w in model.trainable_weights))


def build_forum_model(
    n_qubits: int,
    n_layers: int = 2,
    output_size: int = 1,
    output_activation: str | None = None,
    from_logits: bool = False,
    learning_rate: float = 0.05,
    metrics: Sequence[str | keras.metrics.Metric] = FORUM_METRICS,
    *,
    optimizer: str = "sgd",
    circuit: qml.QNode | None = None,
) -> keras.Model:
    """The forum's model, compiled as the learner did: quantum layer, then one Dense layer.

    ``Sequential([KerasLayer(AngleEmbedding + StronglyEntanglingLayers, PauliZ on each wire),
    Dense(output_size)])`` with ``SGD(learning_rate=0.05)`` and binary cross-entropy. With the
    defaults, the Dense layer has no activation, exactly as posted (notebook 01 shows why that
    is subtly wrong); ``output_activation="sigmoid"`` or ``from_logits=True`` are the two fixes.

    Args:
        n_qubits: qubits, one per input feature.
        n_layers: StronglyEntanglingLayers in the circuit.
        output_size: units of the Dense layer.
        output_activation: activation of the Dense layer (None as in the forum).
        from_logits: whether binary cross-entropy treats the output as logits.
        learning_rate: the optimizer's step size.
        metrics: metrics to compile with (the forum's four by default).
        optimizer: ``"sgd"`` (the forum's) or ``"adam"``.
        circuit: another QNode with the forum circuit's arguments (shots, noise; notebook 06).

    Example:
        >>> model = build_forum_model(4)
        >>> [layer.name for layer in model.layers]
        ['quantum', 'dense']
    """
    n_layers = check_int(n_layers, "n_layers", minimum=1)
    qlayer = forum_quantum_layer(n_qubits, n_layers, circuit=circuit)
    head = keras.layers.Dense(output_size, activation=output_activation, name="dense")
    model = keras.Sequential([keras.Input((n_qubits,)), qlayer, head], name="forum_hybrid")
    model.compile(
        optimizer=make_optimizer(optimizer, learning_rate),
        loss=keras.losses.BinaryCrossentropy(from_logits=from_logits),
        metrics=list(metrics),
    )
    return model


_OPTIMIZERS = {"sgd": keras.optimizers.SGD, "adam": keras.optimizers.Adam}


def make_optimizer(name: str, learning_rate: float) -> keras.optimizers.Optimizer:
    """A fresh ``SGD`` or ``Adam`` optimizer by name.

    Example:
        >>> make_optimizer("adam", 0.01).name
        'adam'
    """
    if name not in _OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {sorted(_OPTIMIZERS)}, got {name!r}")
    return _OPTIMIZERS[name](learning_rate=learning_rate)


def build_hybrid_with_head(
    n_qubits: int,
    n_layers: int = 2,
    hidden_units: Sequence[int] = (5, 2),
    kernel_initializer: str = "uniform",
    dropout: float = 0.2,
    n_outputs: int = 2,
    output_activation: str = "sigmoid",
    optimizer: str = "sgd",
    learning_rate: float = 0.05,
    loss: str = "binary_crossentropy",
    metrics: Sequence[str | keras.metrics.Metric] = ("accuracy",),
) -> keras.Model:
    """The quantum layer followed by a classical head of ReLU layers, as in notebook 02.

    The defaults are the forum learner's deeper head: ``Dense(5, relu)``, dropout,
    ``Dense(2, relu)``, dropout, ``Dense(2, sigmoid)``, with Keras' ``"uniform"`` initializer on
    the hidden layers, SGD at 0.05 and binary cross-entropy on one-hot labels. Every argument is
    one factor that notebook 02 varies; ``hidden_units=()`` leaves a single output layer.

    Example:
        >>> model = build_hybrid_with_head(2)
        >>> [layer.name for layer in model.layers]
        ['quantum', 'hidden_1', 'dropout_1', 'hidden_2', 'dropout_2', 'output']
    """
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"dropout must be in [0, 1), got {dropout}")
    qlayer = forum_quantum_layer(n_qubits, n_layers)
    layers: list[keras.layers.Layer] = [keras.Input((n_qubits,)), qlayer]
    for i, units in enumerate(hidden_units, start=1):
        layers.append(
            keras.layers.Dense(
                units, activation="relu", kernel_initializer=kernel_initializer, name=f"hidden_{i}"
            )
        )
        if dropout > 0:
            layers.append(keras.layers.Dropout(dropout, name=f"dropout_{i}"))
    layers.append(keras.layers.Dense(n_outputs, activation=output_activation, name="output"))
    model = keras.Sequential(layers, name="hybrid_with_head")
    model.compile(
        optimizer=make_optimizer(optimizer, learning_rate), loss=loss, metrics=list(metrics)
    )
    return model


def layer_outputs(
    model: keras.Model, x: np.ndarray, layer_names: Sequence[str] | None = None
) -> dict[str, np.ndarray]:
    """What each layer outputs for ``x`` (inference mode: dropout off), by layer name.

    Example:
        >>> outs = layer_outputs(build_hybrid_with_head(2), np.zeros((4, 2)))
        >>> outs["quantum"].shape
        (4, 2)
    """
    names = list(layer_names) if layer_names is not None else [layer.name for layer in model.layers]
    outputs = evaluate_tensors(model, [model.get_layer(n).output for n in names], x)
    return dict(zip(names, outputs, strict=True))


def evaluate_tensors(model: keras.Model, tensors: Sequence[Any], x: np.ndarray) -> list[np.ndarray]:
    """Values of symbolic tensors of ``model`` (layer inputs or outputs) for the data ``x``,
    computed in inference mode by one direct call (no ``predict`` function to trace).

    Example:
        >>> layer = model.get_layer("quantum")
        >>> angles, expectations = evaluate_tensors(model, [layer.input, layer.output], x)
    """
    inputs = model.inputs[0] if len(model.inputs) == 1 else model.inputs
    values = keras.Model(inputs, list(tensors))(x, training=False)
    values = values if isinstance(values, list) else [values]
    return [keras.ops.convert_to_numpy(v) for v in values]


def dead_relu_units(model: keras.Model, x: np.ndarray) -> dict[str, int]:
    """For each ReLU layer, how many units output 0 for every sample of ``x`` ("dead" units,
    which pass no gradient).

    Example:
        >>> dead_relu_units(build_hybrid_with_head(2), np.zeros((4, 2)))
        {'hidden_1': ..., 'hidden_2': ...}
    """
    names = [
        layer.name
        for layer in model.layers
        if getattr(layer, "activation", None) is keras.activations.relu
    ]
    if not names:
        return {}
    outputs = layer_outputs(model, x, names)
    return {name: int(np.sum(np.all(outputs[name] <= 0.0, axis=0))) for name in names}


def hidden_units_for_budget(n_features: int, param_budget: int) -> int:
    """Hidden units ``h`` of a one-hidden-layer MLP (``n_features -> h -> 1``) whose parameter
    count ``h * (n_features + 2) + 1`` is closest to ``param_budget`` (at least 1).

    Example:
        >>> hidden_units_for_budget(2, 33)
        8
    """
    if param_budget < n_features + 3:
        raise ValueError(
            f"a budget of {param_budget} parameters is below the smallest MLP on {n_features} "
            f"features ({n_features + 3}); raise the budget or use logistic regression."
        )
    return max(1, round((param_budget - 1) / (n_features + 2)))


def build_classical_model(
    n_features: int,
    param_budget: int,
    activation: str = "tanh",
    learning_rate: float = 0.05,
    optimizer: str = "sgd",
) -> keras.Model:
    """A classical MLP with about ``param_budget`` trainable parameters, for fair comparisons.

    ``n_features -> Dense(h, activation) -> Dense(1, sigmoid)``, compiled with binary
    cross-entropy and ``binary_accuracy``; ``h`` comes from :func:`hidden_units_for_budget`.

    Example:
        >>> model = build_classical_model(2, param_budget=21)
        >>> count_trainable_params(model)
        21
    """
    hidden = hidden_units_for_budget(n_features, param_budget)
    model = keras.Sequential(
        [
            keras.Input((n_features,)),
            keras.layers.Dense(hidden, activation=activation, name="hidden"),
            keras.layers.Dense(1, activation="sigmoid", name="output"),
        ],
        name=f"mlp_{hidden}",
    )
    model.compile(
        optimizer=make_optimizer(optimizer, learning_rate),
        loss="binary_crossentropy",
        metrics=["binary_accuracy"],
    )
    return model


#: The four ways notebook 04 compares to use ``depth`` trainable circuit layers.
ARCHITECTURES: tuple[str, ...] = ("single", "reuploading", "stacked_distinct", "stacked_shared")


def quantum_layers_for(architecture: str, n_qubits: int, depth: int) -> list[KerasLayer]:
    """The quantum layers, in call order, of one of :data:`ARCHITECTURES` at a given depth.

    * ``"single"``: one layer, the data encoded once, then ``depth`` trainable layers.
    * ``"reuploading"``: one layer whose circuit encodes the data ``depth`` times, each time
      followed by a trainable layer (:func:`helpers.circuits.reuploading_circuit`); measured once.
    * ``"stacked_distinct"``: ``depth`` separate forum layers (one trainable layer each); each
      measures, and its expectation values become the next one's angles.
    * ``"stacked_shared"``: one forum layer called ``depth`` times, as in the forum's
      ``Sequential([qlayer, qlayer, qlayer, qlayer])``: the list holds the same object.

    Introduced in notebook 04.

    Example:
        >>> layers = quantum_layers_for("stacked_shared", n_qubits=2, depth=3)
        >>> len(layers), layers[0] is layers[2]
        (3, True)
    """
    if architecture not in ARCHITECTURES:
        raise ValueError(f"architecture must be one of {ARCHITECTURES}, got {architecture!r}")
    depth = check_int(depth, "depth", minimum=1)
    if architecture == "single":
        return [forum_quantum_layer(n_qubits, n_layers=depth)]
    if architecture == "reuploading":
        circuit = reuploading_circuit(n_qubits, depth)
        return [KerasLayer(circuit, {"weights": (depth, n_qubits, 3)}, n_qubits, name="quantum")]
    if architecture == "stacked_shared":
        return [forum_quantum_layer(n_qubits, n_layers=1)] * depth
    return [forum_quantum_layer(n_qubits, 1, name=f"quantum_{i}") for i in range(1, depth + 1)]


def build_depth_model(
    architecture: str,
    n_qubits: int,
    depth: int,
    readout: bool = True,
    optimizer: str = "adam",
    learning_rate: float = 0.05,
    *,
    entangle: bool = True,
    frozen_random: bool = False,
) -> keras.Model:
    """A compiled model of :func:`quantum_layers_for`, for classification or regression.

    With ``readout=True``: the quantum layers, then ``Dense(1, sigmoid)`` on the expectation
    values, binary cross-entropy and ``binary_accuracy`` (a classifier, as in the forum).
    With ``readout=False``: the quantum layers alone, whose first expectation value is the
    output, trained with mean squared error (a regressor, used for Fourier spectra).

    Notebook 05's controls, for ``"reuploading"`` only: ``entangle=False`` drops the CNOTs
    (each block's trainable layer is a ``Rot`` per wire), and ``frozen_random=True`` draws the
    circuit weights uniformly from [0, 2π) and freezes them, so only the readout trains (a
    fixed random feature map).

    Introduced in notebook 04.

    Example:
        >>> model = build_depth_model("reuploading", n_qubits=2, depth=3)
        >>> count_trainable_params(model)  # 3*2*3 circuit + 2 + 1 readout
        21
    """
    if (not entangle or frozen_random) and architecture != "reuploading":
        raise ValueError(
            f"entangle=False and frozen_random=True apply to 'reuploading' only, got "
            f"{architecture!r}"
        )
    if architecture == "reuploading" and (not entangle or frozen_random):
        depth = check_int(depth, "depth", minimum=1)
        specs = None
        if frozen_random:
            uniform = keras.initializers.RandomUniform(0.0, 2 * np.pi)
            specs = {"weights": {"initializer": uniform}}
        quantum = KerasLayer(
            reuploading_circuit(n_qubits, depth, entangle=entangle),
            {"weights": (depth, n_qubits, 3)},
            n_qubits,
            weight_specs=specs,
            name="quantum",
        )
        quantum.trainable = not frozen_random
        quantum_layers = [quantum]
    else:
        quantum_layers = quantum_layers_for(architecture, n_qubits, depth)
    layers: list[keras.layers.Layer] = [keras.Input((n_qubits,)), *quantum_layers]
    if readout:
        layers.append(keras.layers.Dense(1, activation="sigmoid", name="readout"))
        loss, metrics = "binary_crossentropy", ["binary_accuracy"]
    else:
        layers.append(keras.layers.Lambda(lambda z: z[:, :1], name="first_qubit"))
        loss, metrics = "mse", []
    model = keras.Sequential(layers, name=f"{architecture}_{depth}")
    model.compile(optimizer=make_optimizer(optimizer, learning_rate), loss=loss, metrics=metrics)
    return model


def quantum_calls_per_sample(model: keras.Model) -> int:
    """How many times one forward pass evaluates a quantum circuit for each sample.

    Counted, not inferred: the model runs eagerly on one sample while every
    :class:`~helpers.quantum_layer.KerasLayer` call is counted. A layer called three times
    counts three, however many weights it has.

    Introduced in notebook 04.

    Example:
        >>> quantum_calls_per_sample(build_depth_model("stacked_shared", 2, depth=4))
        4
    """
    if not model.inputs:
        raise ValueError("the model has no known input shape; build it with keras.Input first")
    shape = tuple(1 if d is None else d for d in model.inputs[0].shape)
    with mock.patch.object(KerasLayer, "call", autospec=True, side_effect=KerasLayer.call) as call:
        model(np.zeros(shape, dtype="float32"), training=False)
    return call.call_count
