"""Transfer learning: the classical parts of a hybrid model, pretrained and reused in either order.

The forum learner's plan: pretrain only the classical network, save it, reuse it in the hybrid
model with its parameters fixed (``trainable = False``). This module builds the parts and the
two orders; saving is :mod:`helpers.saving`, freezing :mod:`helpers.freezing`, and looking at
what a layer passes on :mod:`helpers.introspection`.

* the two orders: :func:`build_classical_then_quantum` (a frozen pretrained feature extractor,
  then the quantum layer and a trainable readout: Mari et al.'s classical-to-quantum transfer
  learning) and :func:`build_quantum_then_classical` (the quantum layer, then a frozen
  pretrained head);
* the classical parts: :func:`build_feature_extractor`, :func:`build_pretraining_classifier`,
  :func:`build_classical_head`;
* the angles: :data:`ANGLE_MAPS`, :func:`angle_bounds`;
* the record of a two-phase run: :func:`chain_histories`, :func:`summarize_comparison`.

Introduced in notebook 03 (pretraining, saving and freezing).
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Sequence
from typing import Any

from helpers._checks import check_choice
from helpers.freezing import METRICS, set_trainable
from helpers.models import build_hybrid_with_head, compile_model, forum_quantum_layer, head_layers
from helpers.summaries import epochs_to_threshold, format_mean_sd, summarize_runs

import keras
import numpy as np
import pandas as pd

#: How the feature extractor turns its last Dense layer into angles: (activation, scale).
ANGLE_MAPS: dict[str, tuple[str, float | None]] = {
    "linear": ("linear", None),  # unbounded: any real number
    "tanh_pi": ("tanh", math.pi),  # [-pi, pi]
    "tanh_half_pi": ("tanh", math.pi / 2),  # [-pi/2, pi/2], as in Mari et al. (2020)
    "sigmoid_pi": ("sigmoid", math.pi),  # [0, pi], the range the course scales data into
}


def angle_bounds(angles: str) -> tuple[float, float]:
    """The interval an extractor built with ``angles`` (a key of :data:`ANGLE_MAPS`) outputs.
    Introduced in notebook 03.

    Example:
        >>> angle_bounds("sigmoid_pi")
        (0.0, 3.141592653589793)
    """
    activation, scale = ANGLE_MAPS[check_choice(angles, "angles", sorted(ANGLE_MAPS))]
    if scale is None:
        return (-math.inf, math.inf)
    low = 0.0 if activation == "sigmoid" else -scale
    return (low, scale)


def build_feature_extractor(
    n_features: int,
    n_qubits: int,
    hidden_units: int = 8,
    *,
    angles: str = "sigmoid_pi",
    name: str = "feature_extractor",
) -> keras.Sequential:
    """A classical network that maps ``n_features`` inputs to ``n_qubits`` angles.
    Introduced in notebook 03.

    ``Dense(hidden_units, relu) -> Dense(n_qubits, activation) [-> Rescaling(scale)]``, where
    ``angles`` picks the activation and scale from :data:`ANGLE_MAPS`: ``"linear"`` (unbounded),
    ``"tanh_pi"`` ([-π, π]), ``"tanh_half_pi"`` ([-π/2, π/2], Mari et al.'s choice) or
    ``"sigmoid_pi"`` ([0, π]). Uncompiled: pretrain it inside
    :func:`build_pretraining_classifier`.

    Example:
        >>> extractor = build_feature_extractor(4, 4, angles="tanh_pi")
        >>> [layer.name for layer in extractor.layers]
        ['hidden', 'angles', 'scale']
    """
    activation, scale = ANGLE_MAPS[check_choice(angles, "angles", sorted(ANGLE_MAPS))]
    layers: list[keras.layers.Layer] = [
        keras.Input((n_features,)),
        keras.layers.Dense(hidden_units, activation="relu", name="hidden"),
        keras.layers.Dense(n_qubits, activation=activation, name="angles"),
    ]
    if scale is not None:
        layers.append(keras.layers.Rescaling(scale, name="scale"))
    return keras.Sequential(layers, name=name)


def build_pretraining_classifier(
    extractor: keras.Model,
    *,
    optimizer: str = "adam",
    learning_rate: float = 0.05,
    metrics: Sequence[Any] = METRICS,
) -> keras.Model:
    """The extractor plus ``Dense(1, sigmoid)``, compiled: the classical network to pretrain.
    Introduced in notebook 03.

    After training, ``model.get_layer(extractor.name)`` is the pretrained extractor (the same
    object), ready to save and reuse without its output layer.

    Example:
        >>> classifier = build_pretraining_classifier(build_feature_extractor(4, 4))
        >>> [layer.name for layer in classifier.layers]
        ['feature_extractor', 'pretrain_output']
    """
    n_features = extractor.input_shape[-1]
    model = keras.Sequential(
        [
            keras.Input((n_features,)),
            extractor,
            keras.layers.Dense(1, activation="sigmoid", name="pretrain_output"),
        ],
        name="pretraining_classifier",
    )
    return compile_model(model, optimizer=optimizer, learning_rate=learning_rate, metrics=metrics)


def build_classical_head(n_inputs: int, **recipe: Any) -> keras.Model:
    """The classical head of :func:`helpers.build_hybrid_with_head`, alone and compiled.
    Introduced in notebook 03.

    ``recipe`` takes that builder's keyword arguments (``hidden_units``, ``dropout``,
    ``n_outputs``, ``optimizer``, ``learning_rate``, ...; an unknown one is a ``TypeError``);
    the same head layers (:func:`helpers.models.head_layers`) sit under an input of
    ``n_inputs`` values, compiled with the recipe's optimizer, learning rate, loss and metrics.
    Pretrain it classically, then put it after a quantum layer with
    :func:`build_quantum_then_classical`.

    After the same :func:`helpers.set_seed`, the head starts from the same weights as the head
    of ``build_hybrid_with_head(n_inputs, **recipe)``: the hybrid draws its quantum layer's
    initial weights first, so this builder makes (and drops) that layer too, and a pretrained
    head and an end-to-end hybrid of one seed start alike.

    Example:
        >>> head = build_classical_head(4, hidden_units=(5, 2), n_outputs=1, dropout=0.0)
        >>> [layer.name for layer in head.layers]
        ['hidden_1', 'hidden_2', 'output']
    """
    bound = inspect.signature(build_hybrid_with_head).bind(n_inputs, **recipe)
    bound.apply_defaults()
    args = bound.arguments
    forum_quantum_layer(n_inputs, args["n_layers"])  # drawn and dropped, as said above
    names = ("kernel_initializer", "dropout", "n_outputs", "output_activation")
    layers = head_layers(args["hidden_units"], **{name: args[name] for name in names})
    head = keras.Sequential([keras.Input((n_inputs,)), *layers], name="head")
    names = ("optimizer", "learning_rate", "loss", "metrics")
    return compile_model(head, **{name: args[name] for name in names})


def build_classical_then_quantum(
    pretrained: keras.Model,
    n_qubits: int,
    n_layers: int = 2,
    *,
    freeze_pretrained: bool = True,
    optimizer: str = "adam",
    learning_rate: float = 0.05,
    metrics: Sequence[Any] = METRICS,
) -> keras.Model:
    """Pretrained classical model, then the quantum layer, then a trainable ``Dense(1)`` readout.
    Introduced in notebook 03.

    ``Sequential([pretrained, KerasLayer(forum_circuit), Dense(1, sigmoid)])``: the order the
    forum learner found better, and Mari et al.'s classical-to-quantum transfer learning (their
    "dressed quantum circuit" also trains a classical layer before the circuit; here that layer
    is the pretrained model's last one). ``pretrained`` must output ``n_qubits`` values (the
    angles). It is frozen before ``compile`` unless ``freeze_pretrained=False``.

    Example:
        >>> model = build_classical_then_quantum(build_feature_extractor(4, 4), n_qubits=4)
        >>> [layer.name for layer in model.layers]
        ['feature_extractor', 'quantum', 'readout']
    """
    width = pretrained.output_shape[-1]
    if width != n_qubits:
        raise ValueError(
            f"the pretrained model outputs {width} values but the circuit has {n_qubits} "
            f"qubits, one angle each; build the circuit with n_qubits={width} or end the "
            f"pretrained model with Dense({n_qubits})."
        )
    set_trainable(pretrained, not freeze_pretrained)
    model = keras.Sequential(
        [
            keras.Input(pretrained.input_shape[1:]),
            pretrained,
            forum_quantum_layer(n_qubits, n_layers),
            keras.layers.Dense(1, activation="sigmoid", name="readout"),
        ],
        name="classical_then_quantum",
    )
    return compile_model(model, optimizer=optimizer, learning_rate=learning_rate, metrics=metrics)


def build_quantum_then_classical(
    head: keras.Model,
    n_qubits: int,
    n_layers: int = 2,
    *,
    freeze_head: bool = True,
    optimizer: str = "adam",
    learning_rate: float = 0.05,
    metrics: Sequence[Any] = METRICS,
) -> keras.Model:
    """The quantum layer, then a pretrained classical head: the forum's order.
    Introduced in notebook 03.

    ``Sequential([KerasLayer(forum_circuit), head])``; ``head`` must take ``n_qubits`` inputs
    and end in one sigmoid unit. It is frozen before ``compile`` unless ``freeze_head=False``,
    so only the circuit's weights train.

    Example:
        >>> model = build_quantum_then_classical(build_classical_head(4, n_outputs=1), 4)
        >>> [layer.name for layer in model.layers]
        ['quantum', 'head']
    """
    width = head.input_shape[-1]
    if width != n_qubits:
        raise ValueError(
            f"the head takes {width} inputs but the circuit returns {n_qubits} expectation "
            f"values; build the head with n_inputs={n_qubits}."
        )
    set_trainable(head, not freeze_head)
    model = keras.Sequential(
        [keras.Input((n_qubits,)), forum_quantum_layer(n_qubits, n_layers), head],
        name="quantum_then_classical",
    )
    return compile_model(model, optimizer=optimizer, learning_rate=learning_rate, metrics=metrics)


def chain_histories(first: pd.DataFrame, second: pd.DataFrame, name: str) -> pd.DataFrame:
    """Joins two training phases of the same runs (per seed) into one history named ``name``.
    Introduced in notebook 03.

    The second phase's epochs continue after the first phase's last epoch, and each run's
    ``fit_seconds`` becomes the sum of both phases, so curves, ``epochs_to_threshold`` and wall
    times describe the whole procedure (e.g. frozen training, then fine-tuning).

    Example:
        >>> frozen = pd.DataFrame({"model": "frozen", "seed": [0, 0], "epoch": [1, 2],
        ...                        "val_accuracy": [0.7, 0.8], "fit_seconds": 3.0})
        >>> fine = pd.DataFrame({"model": "fine", "seed": [0, 0], "epoch": [1, 2],
        ...                      "val_accuracy": [0.85, 0.9], "fit_seconds": 2.0})
        >>> chain_histories(frozen, fine, "(d) fine-tuned")
                    model  seed  epoch  val_accuracy  fit_seconds
        0  (d) fine-tuned     0      1          0.70          5.0
        1  (d) fine-tuned     0      2          0.80          5.0
        2  (d) fine-tuned     0      3          0.85          5.0
        3  (d) fine-tuned     0      4          0.90          5.0
    """
    for table, label in ((first, "first"), (second, "second")):
        missing = {"seed", "epoch", "fit_seconds"} - set(table.columns)
        if missing:
            raise ValueError(f"the {label} history has no column(s) {sorted(missing)}")
    if set(first["seed"]) != set(second["seed"]):
        raise ValueError(
            f"the two phases have different seeds ({sorted(set(first['seed']))} vs "
            f"{sorted(set(second['seed']))}); chain the histories of the same runs."
        )
    last_epoch = first.groupby("seed")["epoch"].max()
    seconds = (
        first.groupby("seed")["fit_seconds"].first() + second.groupby("seed")["fit_seconds"].first()
    )
    second = second.assign(epoch=second["epoch"] + second["seed"].map(last_epoch))
    both = pd.concat([first, second], ignore_index=True).assign(model=name)
    both["fit_seconds"] = both["seed"].map(seconds)
    return both.sort_values(["seed", "epoch"], ignore_index=True)


def summarize_comparison(
    history: pd.DataFrame, metric: str, threshold: float, group: str = "model"
) -> pd.DataFrame:
    """One row per model: the final ``metric`` (mean ± sd over seeds), the epochs each run took
    to reach ``threshold``, how many runs reached it, and the training wall time.
    Not used by a notebook; for your own experiments.

    Columns: ``model`` (or ``group``), ``mean``, ``sd``, ``n`` (numbers, for
    :func:`helpers.plot_bars_with_errors`), then the formatted ``final``,
    ``epochs to threshold`` (mean ± sd over the runs that reached it, "never" if none did),
    ``runs reaching it`` and ``training time (s)`` (from ``fit_seconds``).

    Example:
        >>> history = pd.DataFrame({"model": "hybrid", "seed": [0, 0, 1, 1], "epoch": [1, 2] * 2,
        ...                         "val_accuracy": [0.8, 0.9, 0.85, 0.95], "fit_seconds": 4.0})
        >>> table = summarize_comparison(history, "val_accuracy", threshold=0.9)
        >>> table[["final", "epochs to threshold", "runs reaching it"]]
                 final epochs to threshold runs reaching it
        0  0.93 ± 0.04           2.0 ± 0.0           2 of 2
    """
    summary = summarize_runs(history, metric, group=group)
    reached = epochs_to_threshold(history, metric, threshold, group=group)
    epochs = reached.groupby(group, sort=False)["epoch"].agg(["mean", "std", "count"])
    seconds = history.groupby([group, "seed"], sort=False)["fit_seconds"].first()
    seconds = seconds.groupby(group, sort=False).agg(["mean", "std"]).fillna(0.0)
    runs = reached.groupby(group, sort=False).size()

    def epochs_text(name: Any) -> str:
        row = epochs.loc[name]
        if row["count"] == 0:
            return "never"
        return format_mean_sd(row["mean"], 0.0 if np.isnan(row["std"]) else row["std"], 1)

    names = summary[group]
    return summary.assign(
        final=[format_mean_sd(m, s) for m, s in zip(summary["mean"], summary["sd"], strict=True)],
        **{
            "epochs to threshold": [epochs_text(n) for n in names],
            "runs reaching it": [f"{int(epochs.loc[n, 'count'])} of {runs[n]}" for n in names],
            "training time (s)": [
                format_mean_sd(seconds.loc[n, "mean"], seconds.loc[n, "std"], 1) for n in names
            ],
        },
    )
