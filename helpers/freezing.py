"""Freezing and unfreezing layers, and when a change of ``trainable`` takes effect.

:func:`freeze` and :func:`unfreeze` set the flag on a layer and every sublayer (working around a
Keras 3 quirk on TensorFlow), :func:`fit_changes_layer` shows that the flag takes effect at the
next ``compile``, and :func:`prepare_fine_tuning` unfreezes a model and compiles it again.

Introduced in notebook 03 (pretraining, saving and freezing).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from helpers.introspection import snapshot_weights, weights_equal
from helpers.models import compile_model
from helpers.reproducibility import set_seed

import keras
import numpy as np

#: The metrics the transfer-learning models compile with.
METRICS: tuple[str, ...] = ("binary_accuracy",)


def set_trainable(layer: keras.layers.Layer, value: bool) -> keras.layers.Layer:
    """Sets ``trainable`` on ``layer`` and every sublayer, whatever their current flags.

    On the TensorFlow backend, Keras 3 skips an assignment that does not change the layer's
    own flag (``KerasAutoTrackable.__setattr__`` short-circuits ``self.x = self.x``), so
    ``model.trainable = True`` on a model whose flag is already True leaves a frozen sub-model
    frozen. Assigning the opposite value first makes both assignments reach every sublayer.
    """
    layer.trainable = not value
    layer.trainable = value
    return layer


def freeze(layer: keras.layers.Layer) -> keras.layers.Layer:
    """Sets ``trainable = False`` on a layer or model and on every sublayer; returns it.
    Not used by a notebook; for your own experiments.

    The flag takes effect when the model is compiled: freeze first, then ``model.compile``.

    Example:
        >>> head = freeze(keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)]))
        >>> parameter_counts(head)["trainable"]
        0
    """
    return set_trainable(layer, False)


def unfreeze(layer: keras.layers.Layer) -> keras.layers.Layer:
    """Sets ``trainable = True`` on a layer or model and on every sublayer; returns it.
    Introduced in notebook 03.

    Unlike a plain ``model.trainable = True``, this also unfreezes a frozen sub-model on the
    TensorFlow backend (see :func:`set_trainable`). Compile again afterwards.

    Example:
        >>> head = unfreeze(freeze(keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])))
        >>> parameter_counts(head)["trainable"]
        5
    """
    return set_trainable(layer, True)


TRAINABLE_STEPS: tuple[str, ...] = ("freeze", "unfreeze", "compile", "fit")
"""The steps :func:`fit_changes_layer` understands."""


def fit_changes_layer(steps: Sequence[str], x: np.ndarray, y: np.ndarray, seed: int = 0) -> str:
    """Applies ``steps`` to a fresh small model; does one more ``fit`` change its first layer?
    Introduced in notebook 03.

    The model is ``Dense(3, name="first") -> Dense(1, sigmoid)`` on ``x``'s features. Steps are
    ``"freeze"``/``"unfreeze"`` (set ``first.trainable``), ``"compile"`` (Adam, binary
    cross-entropy) and ``"fit"`` (one epoch). Returns ``"changed"``, ``"unchanged"`` or, where
    the backend refuses the final ``fit``, ``"error: <first sentence>"``. Shows when a change
    of ``trainable`` takes effect (at the next ``compile``).

    Example:
        >>> data = make_moons_dataset(n_samples=40)
        >>> fit_changes_layer(["freeze", "compile"], data.x_train, data.y_train)
        'unchanged'
        >>> steps = ["freeze", "compile", "unfreeze", "compile"]  # compile again: it takes effect
        >>> fit_changes_layer(steps, data.x_train, data.y_train)
        'changed'
    """
    unknown = [step for step in steps if step not in TRAINABLE_STEPS]
    if unknown or "compile" not in steps:
        raise ValueError(
            f"steps must include 'compile' and use only {list(TRAINABLE_STEPS)}; got {steps!r}"
        )
    set_seed(seed)
    first = keras.layers.Dense(3, name="first")
    model = keras.Sequential(
        [keras.Input((np.shape(x)[1],)), first, keras.layers.Dense(1, activation="sigmoid")]
    )
    for step in steps:
        if step in ("freeze", "unfreeze"):
            first.trainable = step == "unfreeze"
        elif step == "compile":
            compile_model(model, optimizer="adam", learning_rate=0.001)
        else:
            model.fit(x, y, epochs=1, verbose=0)
    before = snapshot_weights(first)
    try:
        model.fit(x, y, epochs=1, verbose=0)
    except ValueError as error:  # the JAX backend refuses some orders
        return "error: " + str(error).split(".")[0]
    return "unchanged" if weights_equal(first, before) else "changed"


def prepare_fine_tuning(
    model: keras.Model,
    *,
    optimizer: str = "adam",
    learning_rate: float,
    metrics: Sequence[Any] = METRICS,
) -> keras.Model:
    """Unfreezes every layer and compiles again with a fresh optimizer at ``learning_rate``.
    Introduced in notebook 03.

    Compiling again is what makes the change of ``trainable`` take effect in ``fit``.

    Example:
        >>> model = build_classical_then_quantum(build_feature_extractor(2, 2), n_qubits=2)
        >>> parameter_counts(model)["non_trainable"]  # the frozen extractor
        42
        >>> model = prepare_fine_tuning(model, learning_rate=0.005)
        >>> parameter_counts(model)["non_trainable"]
        0
    """
    unfreeze(model)
    return compile_model(model, optimizer=optimizer, learning_rate=learning_rate, metrics=metrics)
