"""Model builders: the forum learner's hybrid baseline, its deeper head, classical models of a
given size and notebook 04's depth models. Every builder compiles through :func:`compile_model`;
what a built model does is inspected with :mod:`helpers.introspection`.

Introduced in notebook 00 (setup check, the forum baseline on 2 qubits); used from notebook 01 on.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from helpers._checks import check_choice, check_fraction, check_int
from helpers.circuits import forum_circuit, reuploading_circuit
from helpers.quantum_layer import KerasLayer

import keras
import numpy as np
import pennylane as qml

#: The metrics the forum learner compiled with.
FORUM_METRICS: tuple[str, ...] = ("accuracy", "mse", "mae", "binary_accuracy")


_OPTIMIZERS = {"sgd": keras.optimizers.SGD, "adam": keras.optimizers.Adam}


def make_optimizer(name: str, learning_rate: float) -> keras.optimizers.Optimizer:
    """A fresh ``SGD`` or ``Adam`` optimizer by name.
    Introduced in notebook 04.

    Example:
        >>> type(make_optimizer("adam", 0.01)).__name__
        'Adam'
    """
    return _OPTIMIZERS[check_choice(name, "optimizer", sorted(_OPTIMIZERS))](
        learning_rate=learning_rate
    )


def compile_model(
    model: keras.Model,
    *,
    optimizer: str = "sgd",
    learning_rate: float = 0.05,
    loss: str | keras.losses.Loss = "binary_crossentropy",
    metrics: Sequence[str | keras.metrics.Metric] = (),
) -> keras.Model:
    """Compiles ``model`` with a fresh optimizer (:func:`make_optimizer`) and returns it.
    Not used by a notebook; for your own experiments.

    The one place the course's builders compile: a change of ``trainable`` takes effect at the
    next compile, so freezing and fine-tuning call this again.

    Example:
        >>> model = compile_model(keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)]))
        >>> type(model.optimizer).__name__, model.loss
        ('SGD', 'binary_crossentropy')
    """
    model.compile(
        optimizer=make_optimizer(optimizer, learning_rate), loss=loss, metrics=list(metrics)
    )
    return model


def circuit_weight_shape(n_qubits: int, n_layers: int) -> tuple[int, int, int]:
    """The forum circuit's weight shape: ``(n_layers, n_qubits, 3)``, three angles per ``Rot``.

    Example:
        >>> circuit_weight_shape(4, 2)
        (2, 4, 3)
    """
    return (n_layers, n_qubits, 3)


def params_from_shapes(*shapes: Sequence[int]) -> int:
    """How many numbers arrays of these shapes hold: a parameter count without building a model.
    Not used by a notebook; for your own experiments.

    Example:
        >>> params_from_shapes((3, 2, 3), (2, 1), (1,))  # build_depth_model("reuploading", 2, 3)
        21
    """
    return int(sum(math.prod(shape) for shape in shapes))


def forum_quantum_layer(
    n_qubits: int, n_layers: int = 2, name: str = "quantum", *, circuit: qml.QNode | None = None
) -> KerasLayer:
    """The forum's quantum layer: ``KerasLayer(forum_circuit(n_qubits), {"weights": (n_layers,
    n_qubits, 3)}, output_dim=n_qubits)``, named ``"quantum"``.
    Not used by a notebook; for your own experiments.

    ``circuit`` replaces the forum's QNode by another with the same arguments, e.g. one that
    samples shots or adds noise (:func:`helpers.sampled_forum_circuit`,
    :func:`helpers.noisy_forum_circuit`; notebook 06).

    Example:
        >>> forum_quantum_layer(4).compute_output_shape((None, 4))
        (None, 4)
    """
    n_layers = check_int(n_layers, "n_layers", minimum=1, fix="e.g. n_layers=2")
    qnode = forum_circuit(n_qubits) if circuit is None else circuit
    shape = circuit_weight_shape(n_qubits, n_layers)
    return KerasLayer(qnode, {"weights": shape}, n_qubits, name=name)


def head_layers(
    hidden_units: Sequence[int] = (5, 2),
    *,
    kernel_initializer: str = "uniform",
    dropout: float = 0.2,
    n_outputs: int = 2,
    output_activation: str | None = "sigmoid",
) -> list[keras.layers.Layer]:
    """The layers of a classical head: ``Dense(units, relu)`` and dropout per hidden layer, then
    ``Dense(n_outputs, output_activation)``. The defaults are the forum learner's deeper head.
    Not used by a notebook; for your own experiments.

    The one head builder: :func:`build_hybrid_with_head` puts these after the quantum layer,
    :func:`helpers.build_classical_head` alone (notebook 03).

    Example:
        >>> [layer.name for layer in head_layers((5, 2))]
        ['hidden_1', 'dropout_1', 'hidden_2', 'dropout_2', 'output']
    """
    dropout = check_fraction(
        dropout, "dropout", zero_allowed=True, fix="e.g. dropout=0.2, or 0.0 for none"
    )
    n_outputs = check_int(n_outputs, "n_outputs", minimum=1, fix="e.g. n_outputs=1")
    layers: list[keras.layers.Layer] = []
    for i, units in enumerate(hidden_units, start=1):
        units = check_int(units, "each of hidden_units", minimum=1, fix="e.g. (5, 2)")
        layers.append(
            keras.layers.Dense(
                units, activation="relu", kernel_initializer=kernel_initializer, name=f"hidden_{i}"
            )
        )
        if dropout > 0:
            layers.append(keras.layers.Dropout(dropout, name=f"dropout_{i}"))
    layers.append(keras.layers.Dense(n_outputs, activation=output_activation, name="output"))
    return layers


def build_forum_model(
    n_qubits: int,
    n_layers: int = 2,
    *,
    n_outputs: int = 1,
    output_activation: str | None = None,
    from_logits: bool = False,
    optimizer: str = "sgd",
    learning_rate: float = 0.05,
    metrics: Sequence[str | keras.metrics.Metric] = FORUM_METRICS,
    circuit: qml.QNode | None = None,
) -> keras.Model:
    """The forum's model, compiled as the learner did: quantum layer, then one Dense layer.
    Introduced in notebook 00.

    ``Sequential([KerasLayer(AngleEmbedding + StronglyEntanglingLayers, PauliZ on each wire),
    Dense(n_outputs)])`` with ``SGD(learning_rate=0.05)`` and binary cross-entropy. With the
    defaults, the Dense layer has no activation, exactly as posted (notebook 01 shows why that
    is subtly wrong); ``output_activation="sigmoid"`` or ``from_logits=True`` are the two fixes.

    Args:
        n_qubits: qubits, one per input feature.
        n_layers: StronglyEntanglingLayers in the circuit.
        n_outputs: units of the Dense layer.
        output_activation: activation of the Dense layer (None as in the forum).
        from_logits: whether binary cross-entropy treats the output as logits.
        optimizer: ``"sgd"`` (the forum's) or ``"adam"``.
        learning_rate: the optimizer's step size.
        metrics: metrics to compile with (the forum's four by default).
        circuit: another QNode with the forum circuit's arguments (shots, noise; notebook 06).

    Example:
        >>> model = build_forum_model(4)
        >>> [layer.name for layer in model.layers]
        ['quantum', 'dense']
    """
    qlayer = forum_quantum_layer(n_qubits, n_layers, circuit=circuit)
    n_outputs = check_int(n_outputs, "n_outputs", minimum=1, fix="e.g. n_outputs=1")
    head = keras.layers.Dense(n_outputs, activation=output_activation, name="dense")
    model = keras.Sequential([keras.Input((n_qubits,)), qlayer, head], name="forum_hybrid")
    loss = keras.losses.BinaryCrossentropy(from_logits=from_logits)
    return compile_model(
        model, optimizer=optimizer, learning_rate=learning_rate, loss=loss, metrics=metrics
    )


def build_hybrid_with_head(
    n_qubits: int,
    n_layers: int = 2,
    *,
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
    Introduced in notebook 02.

    The defaults are the forum learner's deeper head: ``Dense(5, relu)``, dropout,
    ``Dense(2, relu)``, dropout, ``Dense(2, sigmoid)``, with Keras' ``"uniform"`` initializer on
    the hidden layers, SGD at 0.05 and binary cross-entropy on one-hot labels. Every argument is
    one factor that notebook 02 varies; ``hidden_units=()`` leaves a single output layer. The
    head's layers come from :func:`head_layers`.

    Example:
        >>> model = build_hybrid_with_head(2)
        >>> [layer.name for layer in model.layers]
        ['quantum', 'hidden_1', 'dropout_1', 'hidden_2', 'dropout_2', 'output']
    """
    qlayer = forum_quantum_layer(n_qubits, n_layers)
    head = head_layers(
        hidden_units,
        kernel_initializer=kernel_initializer,
        dropout=dropout,
        n_outputs=n_outputs,
        output_activation=output_activation,
    )
    model = keras.Sequential([keras.Input((n_qubits,)), qlayer, *head], name="hybrid_with_head")
    return compile_model(
        model, optimizer=optimizer, learning_rate=learning_rate, loss=loss, metrics=metrics
    )


def hidden_units_for_budget(n_features: int, param_budget: int) -> int:
    """Hidden units ``h`` of a one-hidden-layer MLP (``n_features -> h -> 1``) whose parameter
    count ``h * (n_features + 2) + 1`` is closest to ``param_budget`` (at least 1).
    Not used by a notebook; for your own experiments.

    Example:
        >>> hidden_units_for_budget(2, 33)
        8
    """
    n_features = check_int(n_features, "n_features", minimum=1)
    param_budget = check_int(param_budget, "param_budget", minimum=1)
    if param_budget < n_features + 3:
        raise ValueError(
            f"a budget of {param_budget} parameters is below the smallest MLP on {n_features} "
            f"features ({n_features + 3}); raise the budget or use logistic regression."
        )
    return max(1, round((param_budget - 1) / (n_features + 2)))


def build_classical_model(
    n_features: int,
    param_budget: int,
    *,
    activation: str = "tanh",
    optimizer: str = "sgd",
    learning_rate: float = 0.05,
) -> keras.Model:
    """A classical MLP with about ``param_budget`` trainable parameters, for fair comparisons.
    Introduced in notebook 01.

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
    return compile_model(
        model, optimizer=optimizer, learning_rate=learning_rate, metrics=["binary_accuracy"]
    )


#: The four ways notebook 04 compares to use ``depth`` trainable circuit layers.
ARCHITECTURES: tuple[str, ...] = ("single", "reuploading", "stacked_distinct", "stacked_shared")


def quantum_layers_for(architecture: str, n_qubits: int, depth: int) -> list[KerasLayer]:
    """The quantum layers, in call order, of one of :data:`ARCHITECTURES` at a given depth.
    Introduced in notebook 04.

    * ``"single"``: one layer, the data encoded once, then ``depth`` trainable layers.
    * ``"reuploading"``: one layer whose circuit encodes the data ``depth`` times, each time
      followed by a trainable layer (:func:`helpers.circuits.reuploading_circuit`); measured once.
    * ``"stacked_distinct"``: ``depth`` separate forum layers (one trainable layer each); each
      measures, and its expectation values become the next one's angles.
    * ``"stacked_shared"``: one forum layer called ``depth`` times, as in the forum's
      ``Sequential([qlayer, qlayer, qlayer, qlayer])``: the list holds the same object.

    Example:
        >>> layers = quantum_layers_for("stacked_shared", n_qubits=2, depth=3)
        >>> len(layers), layers[0] is layers[2]
        (3, True)
    """
    check_choice(architecture, "architecture", ARCHITECTURES)
    depth = check_int(depth, "depth", minimum=1)
    if architecture == "single":
        return [forum_quantum_layer(n_qubits, n_layers=depth)]
    if architecture == "reuploading":
        return [_reuploading_layer(n_qubits, depth)]
    if architecture == "stacked_shared":
        return [forum_quantum_layer(n_qubits, n_layers=1)] * depth
    return [forum_quantum_layer(n_qubits, 1, name=f"quantum_{i}") for i in range(1, depth + 1)]


def _reuploading_layer(
    n_qubits: int, depth: int, *, entangle: bool = True, frozen_random: bool = False
) -> KerasLayer:
    """The re-uploading circuit as one layer; ``frozen_random`` draws its weights from [0, 2π)
    and freezes them."""
    specs = None
    if frozen_random:
        specs = {"weights": {"initializer": keras.initializers.RandomUniform(0.0, 2 * np.pi)}}
    quantum = KerasLayer(
        reuploading_circuit(n_qubits, depth, entangle=entangle),
        {"weights": circuit_weight_shape(n_qubits, depth)},
        n_qubits,
        weight_specs=specs,
        name="quantum",
    )
    quantum.trainable = not frozen_random
    return quantum


def build_depth_model(
    architecture: str,
    n_qubits: int,
    depth: int,
    *,
    readout: bool = True,
    optimizer: str = "adam",
    learning_rate: float = 0.05,
    entangle: bool = True,
    frozen_random: bool = False,
) -> keras.Model:
    """A compiled model of :func:`quantum_layers_for`, for classification or regression.
    Introduced in notebook 04.

    With ``readout=True``: the quantum layers, then ``Dense(1, sigmoid)`` on the expectation
    values, binary cross-entropy and ``binary_accuracy`` (a classifier, as in the forum).
    With ``readout=False``: the quantum layers alone, whose first expectation value is the
    output, trained with mean squared error (a regressor, used for Fourier spectra).

    Notebook 05's controls, for ``"reuploading"`` only: ``entangle=False`` drops the CNOTs
    (each block's trainable layer is a ``Rot`` per wire), and ``frozen_random=True`` draws the
    circuit weights uniformly from [0, 2π) and freezes them, so only the readout trains (a
    fixed random feature map).

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
        quantum_layers = [
            _reuploading_layer(n_qubits, depth, entangle=entangle, frozen_random=frozen_random)
        ]
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
    return compile_model(
        model, optimizer=optimizer, learning_rate=learning_rate, loss=loss, metrics=metrics
    )
