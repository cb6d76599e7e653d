"""Pretraining, saving, freezing and fine-tuning the classical parts of a hybrid model.

The forum learner's plan: pretrain only the classical network, save it, reuse it in the hybrid
model with its parameters fixed (``trainable = False``). This module holds what that needs:

* where generated files go: :func:`outputs_dir` (the repository's git-ignored ``outputs/``);
* saving and loading: :func:`save_and_reload` (a ``.keras`` file and a ``.weights.h5`` file);
* freezing: :func:`freeze`, :func:`unfreeze`, :func:`parameter_counts`,
  :func:`trainable_table`, :func:`weights_equal`, :func:`snapshot_weights`;
* the two orders: :func:`build_classical_then_quantum` (a frozen pretrained feature extractor,
  then the quantum layer and a trainable readout: Mari et al.'s classical-to-quantum transfer
  learning) and :func:`build_quantum_then_classical` (the quantum layer, then a frozen
  pretrained head);
* the classical parts: :func:`build_feature_extractor`, :func:`build_pretraining_classifier`,
  :func:`build_classical_head`;
* the angles: :data:`ANGLE_MAPS`, :func:`angle_bounds`;
* fine-tuning and analysis: :func:`prepare_fine_tuning`, :func:`chain_histories`,
  :func:`layer_io`, :func:`linear_probe_accuracy`, :func:`summarize_comparison`
  (:class:`helpers.training.EpochTimer` times the epochs).

Introduced in notebook 03 (pretraining, saving and freezing).
"""

from __future__ import annotations

import inspect
import math
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import keras
import numpy as np
import pandas as pd

from helpers.models import (
    build_hybrid_with_head,
    evaluate_tensors,
    forum_quantum_layer,
    make_optimizer,
)
from helpers.quantum_layer import KerasLayer
from helpers.training import epochs_to_threshold, format_mean_sd, summarize_runs

REPO_ROOT: Path = Path(__file__).resolve().parents[1]
"""The repository's root folder (the parent of ``helpers/``)."""

#: How the feature extractor turns its last Dense layer into angles: (activation, scale).
ANGLE_MAPS: dict[str, tuple[str, float | None]] = {
    "linear": ("linear", None),  # unbounded: any real number
    "tanh_pi": ("tanh", math.pi),  # [-pi, pi]
    "tanh_half_pi": ("tanh", math.pi / 2),  # [-pi/2, pi/2], as in Mari et al. (2020)
    "sigmoid_pi": ("sigmoid", math.pi),  # [0, pi], the range the course scales data into
}

_METRICS: tuple[str, ...] = ("binary_accuracy",)


def angle_bounds(angles: str) -> tuple[float, float]:
    """The interval an extractor built with ``angles`` (a key of :data:`ANGLE_MAPS`) outputs.

    Example:
        >>> angle_bounds("sigmoid_pi")
        (0.0, 3.141592653589793)
    """
    if angles not in ANGLE_MAPS:
        raise ValueError(f"angles must be one of {sorted(ANGLE_MAPS)}, got {angles!r}")
    activation, scale = ANGLE_MAPS[angles]
    if scale is None:
        return (-math.inf, math.inf)
    low = 0.0 if activation == "sigmoid" else -scale
    return (low, scale)


# ---------------------------------------------------------------------------- files
def _outputs_root(root: Path | None) -> Path:
    """The resolved ``<root>/outputs`` path, checked but not created."""
    if root is None and not (REPO_ROOT / "pyproject.toml").is_file():
        raise ValueError(
            f"helpers is not installed from the course repository ({REPO_ROOT} has no "
            "pyproject.toml), so there is no repository outputs/ folder; install it with "
            "`pip install -e .` from the repository, or pass root=<the repository folder>."
        )
    base = Path(root if root is not None else REPO_ROOT).resolve()
    outputs = base / "outputs"
    if outputs.resolve() != outputs:
        raise ValueError(
            f"{outputs} is a symlink to {outputs.resolve()}, so files meant for outputs/ would "
            "land elsewhere; replace the symlink with a plain folder (rm the link, then "
            "mkdir outputs)."
        )
    return outputs


def outputs_dir(*parts: str, clean: bool = False, root: Path | None = None) -> Path:
    """The repository's git-ignored ``outputs/`` folder, or a subfolder of it, created if needed.

    Nothing outside ``<root>/outputs/`` is ever created or deleted: every argument is checked
    before the first file-system change.

    Args:
        *parts: subfolder names below ``outputs/``, e.g. ``outputs_dir("03_pretraining")``;
            non-empty strings, relative, that stay below ``outputs/`` once resolved (no ``..``
            that leads out, no symlink that leads out).
        clean: delete the subfolder's contents first (only a subfolder, never ``outputs/``
            itself), so a rerun starts from an empty folder.
        root: the repository root (tests pass a temporary folder).

    Returns:
        The absolute path of the folder.

    Raises:
        ValueError: if a part is not a non-empty string, is an absolute path, or the folder would
            resolve outside ``<root>/outputs/`` (``..``, a symlink, or ``outputs/`` itself being a
            symlink); if ``clean=True`` names ``outputs/`` itself; if the path is a file.

    Example:
        >>> folder = outputs_dir("03_pretraining")
        >>> folder.name, folder.parent.name
        ('03_pretraining', 'outputs')
    """
    for part in parts:
        if not isinstance(part, str) or not part:
            raise ValueError(
                f"outputs_dir takes subfolder names as non-empty strings, got {part!r} in "
                f"{parts!r}; pass names such as outputs_dir('03_pretraining', 'models')."
            )
        if Path(part).is_absolute():
            raise ValueError(
                f"outputs_dir got the absolute path {part!r}; it only makes subfolders of "
                "outputs/, so pass a relative name such as outputs_dir('03_pretraining')."
            )
    if not isinstance(clean, bool):
        raise ValueError(f"clean must be True or False, got {clean!r}")
    outputs = _outputs_root(root)
    folder = outputs.joinpath(*parts).resolve()
    if not folder.is_relative_to(outputs):
        raise ValueError(
            f"outputs_dir{parts!r} resolves to {folder}, outside the outputs folder {outputs}; "
            "pass subfolder names that stay below outputs/ (no '..' and no symlink that leads "
            "out), e.g. outputs_dir('03_pretraining')."
        )
    if folder.exists() and not folder.is_dir():
        raise ValueError(
            f"outputs_dir{parts!r} is the file {folder}, not a folder; pick another subfolder "
            "name, or delete that file."
        )
    if clean:
        if folder == outputs:
            raise ValueError(
                "clean=True would delete all of outputs/; name a subfolder to clean, e.g. "
                "outputs_dir('03_pretraining', clean=True)."
            )
        if folder.exists():
            shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _check_file_stem(name: Any) -> None:
    problem = None
    if not isinstance(name, str):
        problem = f"a str, got {type(name).__name__} {name!r}"
    elif name in {"", ".", ".."} or "/" in name or "\\" in name or name.startswith("."):
        problem = f"a plain file stem, got {name!r}"
    elif Path(name).suffix.lower() in {".keras", ".h5"}:
        problem = f"a file stem without a suffix, got {name!r}"
    if problem:
        raise ValueError(
            f"name must be {problem}; use a plain file stem such as 'pretrained' (no folder, no "
            "leading '.', no suffix): the function adds '.keras' and '.weights.h5' itself and "
            "writes into `directory`."
        )


def save_and_reload(
    model: keras.Model,
    name: str,
    custom_objects: Mapping[str, Any] | None = None,
    directory: Path | None = None,
    *,
    root: Path | None = None,
) -> tuple[keras.Model, keras.Model]:
    """Saves ``model`` both ways Keras 3 offers and loads each file back.

    * ``<name>.keras``: architecture, weights, ``trainable`` flags and (if compiled) the
      optimizer and its state; loaded with ``keras.models.load_model(path, custom_objects=...)``.
    * ``<name>.weights.h5``: the weights (Keras 3 requires this suffix; for a compiled model that
      has trained, the optimizer's state too); loaded with ``load_weights`` into a fresh model
      rebuilt from the architecture (``keras.models.model_from_json(model.to_json())``, compiled
      like the original), as your own builder code would build it.

    A model with a :class:`helpers.KerasLayer` needs its QNode passed back in, under the QNode
    function's name: ``custom_objects={"circuit": circuit}``.

    Both files go inside the outputs folder (:func:`outputs_dir`); ``name`` and ``directory``
    are checked before anything is written.

    Args:
        model: a built model.
        name: a plain file stem: no suffix, no folder, not starting with ``.``.
        custom_objects: objects the files cannot store (the QNode).
        directory: an existing folder inside ``outputs_dir(root=root)``, e.g. one returned by
            ``outputs_dir("03_pretraining")``; defaults to ``outputs_dir(root=root)``.
        root: the repository root, as for :func:`outputs_dir` (tests pass a temporary folder).

    Returns:
        ``(model loaded from .keras, fresh model with weights loaded from .weights.h5)``.

    Raises:
        ValueError: if ``name`` is not a plain file stem, or ``directory`` is not an existing
            folder inside the outputs folder.

    Example:
        >>> from_keras, from_weights = save_and_reload(model, "pretrained")
        >>> weights_equal(from_keras, model) and weights_equal(from_weights, model)
        True
    """
    _check_file_stem(name)
    if directory is None:
        folder = outputs_dir(root=root)
    else:
        try:
            folder = Path(directory).resolve()
        except TypeError:
            raise ValueError(
                f"directory must be a folder path (str or pathlib.Path), got "
                f"{type(directory).__name__} {directory!r}; e.g. directory=outputs_dir('03')."
            ) from None
        outputs = _outputs_root(root)
        if not folder.is_relative_to(outputs):
            raise ValueError(
                f"directory {directory!s} resolves to {folder}, outside the outputs folder "
                f"{outputs}; save into a subfolder of outputs/, e.g. "
                "directory=outputs_dir('03_pretraining'), or leave directory out."
            )
        if not folder.is_dir():
            raise ValueError(
                f"directory {folder} is not an existing folder; create it with "
                "outputs_dir('<name>') and pass what it returns."
            )
    keras_path, weights_path = folder / f"{name}.keras", folder / f"{name}.weights.h5"
    model.save(keras_path)
    model.save_weights(weights_path)
    objects = dict(custom_objects or {})
    from_keras = keras.models.load_model(keras_path, custom_objects=objects)
    fresh = keras.models.model_from_json(model.to_json(), custom_objects=objects)
    fresh.load_weights(weights_path)
    return from_keras, fresh


# ---------------------------------------------------------------------------- freezing
def _set_trainable(layer: keras.layers.Layer, value: bool) -> keras.layers.Layer:
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

    The flag takes effect when the model is compiled: freeze first, then ``model.compile``.

    Example:
        >>> head = freeze(keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)]))
        >>> parameter_counts(head)["trainable"]
        0
    """
    return _set_trainable(layer, False)


def unfreeze(layer: keras.layers.Layer) -> keras.layers.Layer:
    """Sets ``trainable = True`` on a layer or model and on every sublayer; returns it.

    Unlike a plain ``model.trainable = True``, this also unfreezes a frozen sub-model on the
    TensorFlow backend (see :func:`_set_trainable`). Compile again afterwards.

    Example:
        >>> head = unfreeze(freeze(keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])))
        >>> parameter_counts(head)["trainable"]
        5
    """
    return _set_trainable(layer, True)


TRAINABLE_STEPS: tuple[str, ...] = ("freeze", "unfreeze", "compile", "fit")
"""The steps :func:`fit_changes_layer` understands."""


def fit_changes_layer(steps: Sequence[str], x: np.ndarray, y: np.ndarray, seed: int = 0) -> str:
    """Applies ``steps`` to a fresh small model; does one more ``fit`` change its first layer?

    The model is ``Dense(3, name="first") -> Dense(1, sigmoid)`` on ``x``'s features. Steps are
    ``"freeze"``/``"unfreeze"`` (set ``first.trainable``), ``"compile"`` (Adam, binary
    cross-entropy) and ``"fit"`` (one epoch). Returns ``"changed"``, ``"unchanged"`` or, where
    the backend refuses the final ``fit``, ``"error: <first sentence>"``. Shows when a change
    of ``trainable`` takes effect (at the next ``compile``).

    Example:
        >>> fit_changes_layer(["freeze", "compile"], data.x_train, data.y_train)
        'unchanged'
    """
    from helpers.reproducibility import set_seed

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
            model.compile(optimizer="adam", loss="binary_crossentropy")
        else:
            model.fit(x, y, epochs=1, verbose=0)
    before = snapshot_weights(first)
    try:
        model.fit(x, y, epochs=1, verbose=0)
    except ValueError as error:  # the JAX backend refuses some orders
        return "error: " + str(error).split(".")[0]
    return "unchanged" if weights_equal(first, before) else "changed"


def _size(variables: Sequence[Any]) -> int:
    return int(sum(math.prod(v.shape) for v in variables))


def parameter_counts(model: keras.layers.Layer) -> dict[str, int]:
    """Trainable, non-trainable and total parameter counts, as ``model.summary()`` prints them.

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

    Example:
        >>> trainable_table(model)  # columns layer, type, trainable, trainable_params, ...
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

    Example:
        >>> before = snapshot_weights(model.get_layer("feature_extractor"))
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

    Shapes, dtypes and every byte must agree; ``0.0`` and ``-0.0`` differ, and so would a
    change in the last bit of one float, which a tolerance-based comparison would miss.

    Example:
        >>> weights_equal(model, keras.models.load_model(path))
        True
    """
    first, second = _as_arrays(a), _as_arrays(b)
    if len(first) != len(second):
        return False
    return all(
        x.shape == y.shape and x.dtype == y.dtype and x.tobytes() == y.tobytes()
        for x, y in zip(first, second, strict=True)
    )


# ---------------------------------------------------------------------------- builders
def build_feature_extractor(
    n_features: int,
    n_qubits: int,
    hidden_units: int = 8,
    angles: str = "sigmoid_pi",
    name: str = "feature_extractor",
) -> keras.Sequential:
    """A classical network that maps ``n_features`` inputs to ``n_qubits`` angles.

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
    if angles not in ANGLE_MAPS:
        raise ValueError(f"angles must be one of {sorted(ANGLE_MAPS)}, got {angles!r}")
    activation, scale = ANGLE_MAPS[angles]
    layers: list[keras.layers.Layer] = [
        keras.Input((n_features,)),
        keras.layers.Dense(hidden_units, activation="relu", name="hidden"),
        keras.layers.Dense(n_qubits, activation=activation, name="angles"),
    ]
    if scale is not None:
        layers.append(keras.layers.Rescaling(scale, name="scale"))
    return keras.Sequential(layers, name=name)


def _compile_binary(
    model: keras.Model, optimizer: str, learning_rate: float, metrics: Sequence[Any]
) -> keras.Model:
    model.compile(
        optimizer=make_optimizer(optimizer, learning_rate),
        loss="binary_crossentropy",
        metrics=list(metrics),
    )
    return model


def build_pretraining_classifier(
    extractor: keras.Model,
    optimizer: str = "adam",
    learning_rate: float = 0.05,
    metrics: Sequence[Any] = _METRICS,
) -> keras.Model:
    """The extractor plus ``Dense(1, sigmoid)``, compiled: the classical network to pretrain.

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
    return _compile_binary(model, optimizer, learning_rate, metrics)


def build_classical_head(n_inputs: int, **recipe: Any) -> keras.Model:
    """The classical head of :func:`helpers.build_hybrid_with_head`, alone and compiled.

    Builds ``build_hybrid_with_head(n_inputs, **recipe)`` and keeps the layers after the
    quantum layer, with their initialisers, under a new input of ``n_inputs`` values; compiles
    them with the recipe's optimizer, learning rate, loss and metrics. Pretrain it classically,
    then put it after a quantum layer with :func:`build_quantum_then_classical`.

    Example:
        >>> head = build_classical_head(4, hidden_units=(5, 2), n_outputs=1, dropout=0.0)
        >>> [layer.name for layer in head.layers]
        ['hidden_1', 'hidden_2', 'output']
    """
    bound = inspect.signature(build_hybrid_with_head).bind(n_inputs, **recipe)
    bound.apply_defaults()
    args = bound.arguments
    hybrid = build_hybrid_with_head(n_inputs, **recipe)
    layers = [layer for layer in hybrid.layers if not isinstance(layer, KerasLayer)]
    head = keras.Sequential([keras.Input((n_inputs,)), *layers], name="head")
    head.compile(
        optimizer=make_optimizer(args["optimizer"], args["learning_rate"]),
        loss=args["loss"],
        metrics=list(args["metrics"]),
    )
    return head


def build_classical_then_quantum(
    pretrained: keras.Model,
    n_qubits: int,
    n_layers: int = 2,
    freeze_pretrained: bool = True,
    optimizer: str = "adam",
    learning_rate: float = 0.05,
    metrics: Sequence[Any] = _METRICS,
) -> keras.Model:
    """Pretrained classical model, then the quantum layer, then a trainable ``Dense(1)`` readout.

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
    _set_trainable(pretrained, not freeze_pretrained)
    model = keras.Sequential(
        [
            keras.Input(pretrained.input_shape[1:]),
            pretrained,
            forum_quantum_layer(n_qubits, n_layers),
            keras.layers.Dense(1, activation="sigmoid", name="readout"),
        ],
        name="classical_then_quantum",
    )
    return _compile_binary(model, optimizer, learning_rate, metrics)


def build_quantum_then_classical(
    head: keras.Model,
    n_qubits: int,
    n_layers: int = 2,
    freeze_head: bool = True,
    optimizer: str = "adam",
    learning_rate: float = 0.05,
    metrics: Sequence[Any] = _METRICS,
) -> keras.Model:
    """The quantum layer, then a pretrained classical head: the forum's order.

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
    _set_trainable(head, not freeze_head)
    model = keras.Sequential(
        [keras.Input((n_qubits,)), forum_quantum_layer(n_qubits, n_layers), head],
        name="quantum_then_classical",
    )
    return _compile_binary(model, optimizer, learning_rate, metrics)


def prepare_fine_tuning(
    model: keras.Model,
    learning_rate: float,
    optimizer: str = "adam",
    metrics: Sequence[Any] = _METRICS,
) -> keras.Model:
    """Unfreezes every layer and compiles again with a fresh optimizer at ``learning_rate``.

    Compiling again is what makes the change of ``trainable`` take effect in ``fit``.

    Example:
        >>> model = prepare_fine_tuning(model, learning_rate=0.005)
        >>> parameter_counts(model)["non_trainable"]
        0
    """
    unfreeze(model)
    return _compile_binary(model, optimizer, learning_rate, metrics)


# ---------------------------------------------------------------------------- analysis
def layer_io(model: keras.Model, layer_name: str, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The values that reach a top-level layer of ``model`` and the values it returns, for ``x``
    (inference mode). Unlike :func:`helpers.layer_outputs`, this also gives a first layer's
    input, e.g. the angles a circuit receives whatever comes before it.

    Example:
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


def chain_histories(first: pd.DataFrame, second: pd.DataFrame, name: str) -> pd.DataFrame:
    """Joins two training phases of the same runs (per seed) into one history named ``name``.

    The second phase's epochs continue after the first phase's last epoch, and each run's
    ``fit_seconds`` becomes the sum of both phases, so curves, ``epochs_to_threshold`` and wall
    times describe the whole procedure (e.g. frozen training, then fine-tuning).

    Example:
        >>> both = chain_histories(frozen_history, fine_tune_history, "(d) fine-tuned")
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


def linear_probe_accuracy(
    features_train: np.ndarray,
    y_train: np.ndarray,
    features_test: np.ndarray,
    y_test: np.ndarray,
) -> float:
    """Test accuracy of logistic regression trained on some features: how much of the class
    information a layer's output still holds in a form a linear readout can use.

    Example:
        >>> x = np.array([[0.0], [0.1], [0.9], [1.0]])
        >>> linear_probe_accuracy(x, np.array([0, 0, 1, 1]), x, np.array([0, 0, 1, 1]))
        1.0
    """
    from sklearn.linear_model import LogisticRegression

    probe = LogisticRegression(max_iter=1000).fit(features_train, y_train)
    return float(probe.score(features_test, y_test))


def summarize_comparison(
    history: pd.DataFrame, metric: str, threshold: float, group: str = "model"
) -> pd.DataFrame:
    """One row per model: the final ``metric`` (mean ± sd over seeds), the epochs each run took
    to reach ``threshold``, how many runs reached it, and the training wall time.

    Columns: ``model`` (or ``group``), ``mean``, ``sd``, ``n`` (numbers, for
    :func:`helpers.plot_bars_with_errors`), then the formatted ``final``,
    ``epochs to threshold`` (mean ± sd over the runs that reached it, "never" if none did),
    ``runs reaching it`` and ``training time (s)`` (from ``fit_seconds``).

    Example:
        >>> summarize_comparison(history, "val_binary_accuracy", threshold=0.9)
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
