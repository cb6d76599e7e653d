"""Looking inside a model: what its layers output, which units are dead, how strongly each weight
is pulled, how many parameters it trains, and how often it evaluates a circuit.

Introduced in notebook 01 (:func:`count_trainable_params`) and notebook 02 (:func:`layer_outputs`,
:func:`dead_relu_units`, :func:`gradient_norms`); notebook 03 compares and freezes weights
(:func:`parameter_counts`, :func:`trainable_table`, :func:`snapshot_weights`,
:func:`weights_equal`, :func:`layer_io`, :func:`linear_probe_accuracy`), notebook 04 counts
circuit calls (:func:`quantum_calls_per_sample`) and notebook 06 takes loss gradients
(:func:`loss_gradients`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from helpers.quantum_layer import KerasLayer

import keras
import numpy as np
import pandas as pd


# ---------------------------------------------------------------------------- values
def evaluate_tensors(model: keras.Model, tensors: Sequence[Any], x: np.ndarray) -> list[np.ndarray]:
    """Values of symbolic tensors of ``model`` (layer inputs or outputs) for the data ``x``,
    computed in inference mode by one direct call (no ``predict`` function to trace).

    Example:
        >>> model, x = build_forum_model(2), np.zeros((3, 2))
        >>> layer = model.get_layer("quantum")
        >>> angles, expectations = evaluate_tensors(model, [layer.input, layer.output], x)
        >>> angles.shape, expectations.shape
        ((3, 2), (3, 2))
    """
    inputs = model.inputs[0] if len(model.inputs) == 1 else model.inputs
    values = keras.Model(inputs, list(tensors))(x, training=False)
    values = values if isinstance(values, list) else [values]
    return [keras.ops.convert_to_numpy(v) for v in values]


def layer_outputs(
    model: keras.Model, x: np.ndarray, layer_names: Sequence[str] | None = None
) -> dict[str, np.ndarray]:
    """What each layer outputs for ``x`` (inference mode: dropout off), by layer name.
    Introduced in notebook 02.

    Example:
        >>> outs = layer_outputs(build_hybrid_with_head(2), np.zeros((4, 2)))
        >>> outs["quantum"].shape
        (4, 2)
    """
    names = list(layer_names) if layer_names is not None else [layer.name for layer in model.layers]
    outputs = evaluate_tensors(model, [model.get_layer(n).output for n in names], x)
    return dict(zip(names, outputs, strict=True))


def layer_io(model: keras.Model, layer_name: str, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The values that reach a top-level layer of ``model`` and the values it returns, for ``x``
    (inference mode). Unlike :func:`layer_outputs`, this also gives a first layer's input, e.g.
    the angles a circuit receives whatever comes before it.
    Introduced in notebook 03.

    Example:
        >>> model, data = build_forum_model(2), make_moons_dataset(n_samples=40)
        >>> angles, expectations = layer_io(model, "quantum", data.x_test)
        >>> bool(np.all(np.abs(expectations) <= 1))
        True
    """
    names = [layer.name for layer in model.layers]
    if layer_name not in names:
        raise ValueError(f"the model has no layer {layer_name!r}; its layers are {names}")
    layer = model.get_layer(layer_name)
    values_in, values_out = evaluate_tensors(model, [layer.input, layer.output], x)
    return values_in, values_out


def dead_relu_units(model: keras.Model, x: np.ndarray) -> dict[str, int]:
    """For each ReLU layer, how many units output 0 for every sample of ``x`` ("dead" units,
    which pass no gradient).
    Not used by a notebook; for your own experiments.

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


def linear_probe_accuracy(
    features_train: np.ndarray,
    y_train: np.ndarray,
    features_test: np.ndarray,
    y_test: np.ndarray,
) -> float:
    """Test accuracy of logistic regression trained on some features: how much of the class
    information a layer's output still holds in a form a linear readout can use.
    Introduced in notebook 03.

    Example:
        >>> x = np.array([[0.0], [0.1], [0.9], [1.0]])
        >>> linear_probe_accuracy(x, np.array([0, 0, 1, 1]), x, np.array([0, 0, 1, 1]))
        1.0
    """
    from sklearn.linear_model import LogisticRegression

    probe = LogisticRegression(max_iter=1000).fit(features_train, y_train)
    return float(probe.score(features_test, y_test))


def quantum_calls_per_sample(model: keras.Model) -> int:
    """How many times one forward pass evaluates a quantum circuit for each sample.
    Introduced in notebook 04.

    Counted, not inferred: the model runs eagerly on one sample, and every
    :class:`~helpers.quantum_layer.KerasLayer` in it counts the calls it receives. A layer
    called three times counts three, however many weights it has.

    Example:
        >>> quantum_calls_per_sample(build_depth_model("stacked_shared", 2, depth=4))
        4
    """
    if not model.inputs:
        raise ValueError("the model has no known input shape; build it with keras.Input first")
    quantum = [layer for layer in model._flatten_layers() if isinstance(layer, KerasLayer)]
    layers = {id(layer): layer for layer in quantum}  # a shared layer counts once
    before = sum(layer.call_count for layer in layers.values())
    shape = tuple(1 if d is None else d for d in model.inputs[0].shape)
    model(np.zeros(shape, dtype="float32"), training=False)
    return sum(layer.call_count for layer in layers.values()) - before


# ---------------------------------------------------------------------------- gradients
def loss_gradients(model: keras.Model, x: np.ndarray, y: np.ndarray) -> list[np.ndarray]:
    """The training loss's gradient for each trainable weight, at the current weights.
    Not used by a notebook; for your own experiments.

    Training-only layers are off (``training=False``). Works on both Keras backends.

    Example:
        >>> model, data = build_forum_model(2), make_moons_dataset(n_samples=40)
        >>> grads = loss_gradients(model, data.x_train[:8], data.y_train[:8])
        >>> [g.shape for g in grads]  # circuit weights, Dense kernel, Dense bias
        [(2, 2, 3), (2, 1), (1,)]
    """
    loss_fn = keras.losses.get(model.loss)
    if keras.backend.backend() == "jax":
        import jax

        def loss(values: list[Any]) -> Any:
            y_pred, _ = model.stateless_call(values, model.non_trainable_variables, x)
            return keras.ops.mean(loss_fn(y, y_pred))

        grads = jax.grad(loss)([v.value for v in model.trainable_variables])
    else:
        import tensorflow as tf

        with tf.GradientTape() as tape:
            value = keras.ops.mean(loss_fn(y, model(x, training=False)))
        grads = tape.gradient(value, model.trainable_variables)
    return [np.asarray(keras.ops.convert_to_numpy(g), dtype=float) for g in grads]


def gradient_norms(model: keras.Model, x: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """L2 norm of the training loss's gradient for each trainable weight, at the current weights.
    Introduced in notebook 02.

    Dropout and other training-only layers are off (``training=False``), so the numbers say how
    strongly each weight is pulled, not how noisy one step is. Works on both Keras backends.

    Example:
        >>> model, data = build_hybrid_with_head(2), make_moons_dataset(n_samples=40)
        >>> norms = gradient_norms(model, data.x_train, one_hot(data.y_train))
        >>> [name.split("/", 1)[1] for name in norms][:3]
        ['weights', 'hidden_1/kernel', 'hidden_1/bias']
    """
    names = [v.path for v in model.trainable_variables]
    grads = loss_gradients(model, x, y)
    return {name: float(np.linalg.norm(g)) for name, g in zip(names, grads, strict=True)}


# ---------------------------------------------------------------------------- weights
def _size(variables: Sequence[Any]) -> int:
    return int(sum(math.prod(v.shape) for v in variables))


def count_trainable_params(model: keras.Model) -> int:
    """Number of trainable parameters of a built model.
    Introduced in notebook 00.

    Example:
        >>> count_trainable_params(build_forum_model(2, n_layers=1))  # 1*2*3 + 2 + 1
        9
    """
    return _size(model.trainable_weights)


def parameter_counts(model: keras.layers.Layer) -> dict[str, int]:
    """Trainable, non-trainable and total parameter counts, as ``model.summary()`` prints them.
    Introduced in notebook 03.

    Example:
        >>> parameter_counts(freeze(keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])))
        {'trainable': 0, 'non_trainable': 5, 'total': 5}
    """
    trainable = _size(model.trainable_weights)
    non_trainable = _size(model.non_trainable_weights)
    return {
        "trainable": trainable,
        "non_trainable": non_trainable,
        "total": trainable + non_trainable,
    }


def trainable_table(model: keras.Model) -> pd.DataFrame:
    """One row per top-level layer: its name, type, ``trainable`` flag and parameter counts.
    Introduced in notebook 03.

    Example:
        >>> model = build_classical_then_quantum(build_feature_extractor(2, 2), n_qubits=2)
        >>> trainable_table(model)[["layer", "trainable", "trainable_params"]]
                       layer  trainable  trainable_params
        0  feature_extractor      False                 0
        1            quantum       True                12
        2            readout       True                 3
    """
    rows = [
        {
            "layer": layer.name,
            "type": type(layer).__name__,
            "trainable": bool(layer.trainable),
            "trainable_params": _size(layer.trainable_weights),
            "non_trainable_params": _size(layer.non_trainable_weights),
        }
        for layer in model.layers
    ]
    return pd.DataFrame(rows)


def snapshot_weights(layer: keras.layers.Layer) -> list[np.ndarray]:
    """Copies of a layer's (or model's) weights as NumPy arrays, to compare after training.
    Introduced in notebook 03.

    Example:
        >>> model = build_forum_model(2)
        >>> before = snapshot_weights(model.get_layer("quantum"))
        >>> [w.shape for w in before]
        [(2, 2, 3)]
    """
    return [np.array(keras.ops.convert_to_numpy(w), copy=True) for w in layer.weights]


def _as_arrays(weights: keras.layers.Layer | Sequence[Any]) -> list[np.ndarray]:
    if isinstance(weights, keras.layers.Layer):
        return snapshot_weights(weights)
    return [np.asarray(keras.ops.convert_to_numpy(w)) for w in weights]


def weights_equal(
    a: keras.layers.Layer | Sequence[Any], b: keras.layers.Layer | Sequence[Any]
) -> bool:
    """True if two layers/models (or lists of arrays) hold bit-identical weights.
    Introduced in notebook 03.

    Shapes, dtypes and every byte must agree; ``0.0`` and ``-0.0`` differ, and so would a
    change in the last bit of one float, which a tolerance-based comparison would miss.

    Example:
        >>> model = build_forum_model(2)
        >>> copy = with_weights(lambda: build_forum_model(2), model)
        >>> weights_equal(model, copy), weights_equal(model, build_forum_model(2))
        (True, False)
    """
    first, second = _as_arrays(a), _as_arrays(b)
    if len(first) != len(second):
        return False
    return all(
        x.shape == y.shape and x.dtype == y.dtype and x.tobytes() == y.tobytes()
        for x, y in zip(first, second, strict=True)
    )
