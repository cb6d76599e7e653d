"""The models of notebook 05's benchmark: an open registry of :class:`BenchmarkModel` rows and
the built-in ones (the hybrids of notebooks 01, 02 and 04, their controls, classical baselines).

A model is a name, a family and a fit function: :func:`register_model` adds one,
:func:`benchmark_model` looks one up, :func:`registered_models` lists them all.
:data:`BENCHMARK_MODELS` names the rows notebook 05 compares; the Keras ones choose their
learning rate from :data:`LEARNING_RATES` on a validation part of the training split
(:func:`helpers.benchmark.tune_one`), the scikit-learn ones tune themselves by
cross-validation on the training split.

The controls: the re-uploading circuit without entanglement, a frozen random circuit (a fixed
feature map; only the readout trains), and the classical Fourier surrogate of Schreiber,
Eisert and Meyer (2023, PRL 131, 100803): logistic regression on the trigonometric features
the circuit can express.

Introduced in notebook 05.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from helpers._checks import check_choice
from helpers.data import Dataset
from helpers.fourier import trig_features
from helpers.models import (
    build_classical_model,
    build_depth_model,
    build_forum_model,
    build_hybrid_with_head,
    circuit_weight_shape,
    params_from_shapes,
)

import keras
import numpy as np
import pandas as pd
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegressionCV
from sklearn.model_selection import GridSearchCV
from sklearn.neural_network import MLPClassifier

#: Learning rates every Keras model chooses from, on a validation part of the training split.
LEARNING_RATES: tuple[float, ...] = (0.01, 0.05, 0.2)
#: Encoding blocks of the re-uploading models, and so the surrogate's degree.
BLOCKS = 3
FAMILIES = ("hybrid", "control", "classical")

Predict = Callable[[np.ndarray], np.ndarray]
#: ``fit(data, seed, epochs, batch_size, hyper) -> (predict, parameters)``: trains on
#: ``data.x_train`` only; ``hyper`` is the value :attr:`BenchmarkModel.grid` tuning chose.
FitFunction = Callable[[Dataset, int, int, int, Any], tuple[Predict, int]]


@dataclass(frozen=True)
class BenchmarkModel:
    """One row of the benchmark: a name, a family, a fit function and what it tunes.
    Not used by a notebook; for your own experiments.

    Attributes:
        name: the row label, e.g. ``"re-uploading (04)"``.
        family: ``"hybrid"``, ``"control"`` or ``"classical"``.
        fit: a :data:`FitFunction`.
        settings: the fixed settings and what is tuned, in words.
        grid: values of one hyper-parameter to choose from on a validation part of the
            training split (passed to ``fit`` as ``hyper``), or ``None`` when ``fit`` tunes
            itself (e.g. by cross-validation) or has nothing to tune.
        seeded: ``False`` for a model with no randomness, which then runs once per split
            and is copied to every seed.
    """

    name: str
    family: str
    fit: FitFunction
    settings: str = ""
    grid: tuple[Any, ...] | None = None
    seeded: bool = True


_REGISTRY: dict[str, BenchmarkModel] = {}


def register_model(
    name: str,
    family: str,
    fit: FitFunction,
    settings: str = "",
    grid: Sequence[Any] | None = None,
    seeded: bool = True,
    replace: bool = False,
) -> BenchmarkModel:
    """Adds a model to the benchmark's registry and returns it.
    Not used by a notebook; for your own experiments.

    ``fit(data, seed, epochs, batch_size, hyper)`` must train on ``data.x_train`` and
    ``data.y_train`` only and return ``(predict, parameters)``, where ``predict(x)`` gives the
    probability of class 1 per sample. With ``grid``, :func:`helpers.benchmark.run_benchmark`
    first trains one model per value on a validation part of the training split and passes
    the best value as ``hyper``. A name already registered is an error unless ``replace=True``.

    Example:
        >>> from sklearn.tree import DecisionTreeClassifier
        >>> def fit_tree(data, seed, epochs, batch_size, hyper):
        ...     tree = DecisionTreeClassifier(max_depth=hyper, random_state=seed)
        ...     tree.fit(data.x_train, data.y_train)
        ...     return (lambda x: tree.predict_proba(x)[:, 1]), tree.tree_.node_count
        >>> tree = register_model("decision tree", "classical", fit_tree, grid=(2, 4, 8))
        >>> tree.family, tree.grid
        ('classical', (2, 4, 8))
        >>> run_one("decision tree", make_moons_dataset(n_samples=60), seed=0, epochs=1)["hyper"]
        4
    """
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"name must be a non-empty string, got {name!r}")
    check_choice(family, "family", FAMILIES)
    if not callable(fit):
        raise TypeError(
            f"fit must be a function fit(data, seed, epochs, batch_size, hyper) -> "
            f"(predict, parameters), got {type(fit).__name__}"
        )
    if grid is not None and len(grid) < 2:
        raise ValueError(f"grid needs at least two values to choose from, got {grid!r}")
    if name in _REGISTRY and not replace:
        raise ValueError(
            f"a model named {name!r} is already registered; choose another name or pass "
            "replace=True"
        )
    model = BenchmarkModel(
        name, family, fit, settings, None if grid is None else tuple(grid), seeded
    )
    _REGISTRY[name] = model
    return model


def benchmark_model(model: str | BenchmarkModel) -> BenchmarkModel:
    """The registered model of that name (a :class:`BenchmarkModel` is returned as it is).
    Not used by a notebook; for your own experiments.

    Example:
        >>> benchmark_model("logistic regression").family
        'classical'
    """
    if isinstance(model, BenchmarkModel):
        return model
    if model not in _REGISTRY:
        raise ValueError(f"unknown benchmark model {model!r}; choose from {list(_REGISTRY)}")
    return _REGISTRY[model]


def registered_models() -> pd.DataFrame:
    """The registry as a table: name, family, settings, what is tuned.
    Introduced in notebook 05.

    Example:
        >>> registered_models().columns.tolist()
        ['model', 'family', 'settings', 'tuned on the training split']
    """
    return pd.DataFrame(
        [
            {
                "model": m.name,
                "family": m.family,
                "settings": m.settings,
                "tuned on the training split": (
                    f"learning rate from {list(m.grid)}" if m.grid else "inside fit, or nothing"
                ),
            }
            for m in _REGISTRY.values()
        ]
    )


# ---------------------------------------------------------------------------- built-in models
def _probability(net: keras.Model) -> Predict:
    return lambda x: np.asarray(net(x, training=False)).reshape(len(x), -1)[:, -1]


@dataclass(frozen=True)
class _KerasFit:
    """The :data:`FitFunction` of a Keras model built by ``build(n_features, learning_rate)``
    (a class at module level, so that it pickles by reference for worker processes)."""

    build: Callable[[int, float], keras.Model]

    def __call__(self, data: Dataset, seed: int, epochs: int, batch_size: int, hyper: Any) -> Any:
        net = self.build(data.n_features, 0.05 if hyper is None else float(hyper))
        net.fit(data.x_train, data.y_train, epochs=epochs, batch_size=batch_size, verbose=0)
        return _probability(net), int(net.count_params())


def _reuploading(n: int, lr: float) -> keras.Model:
    return build_depth_model("reuploading", n, BLOCKS, learning_rate=lr)


def _no_entanglement(n: int, lr: float) -> keras.Model:
    return build_depth_model("reuploading", n, BLOCKS, learning_rate=lr, entangle=False)


def _frozen_random(n: int, lr: float) -> keras.Model:
    return build_depth_model("reuploading", n, BLOCKS, learning_rate=lr, frozen_random=True)


def _budget(n: int) -> int:
    """The trainable parameters of ``build_depth_model("reuploading", n, BLOCKS)``: circuit
    weights ``(BLOCKS, n, 3)``, then the ``Dense(1)`` readout's kernel ``(n, 1)`` and bias."""
    return params_from_shapes(circuit_weight_shape(n, BLOCKS), (n, 1), (1,))


def _mlp_same_budget(n: int, lr: float) -> keras.Model:
    return build_classical_model(n, _budget(n), optimizer="adam", learning_rate=lr)


def _forum(n: int, lr: float) -> keras.Model:
    return build_forum_model(
        n, output_activation="sigmoid", learning_rate=lr, metrics=["binary_accuracy"]
    )


def _dense5_head(n: int, lr: float) -> keras.Model:
    return build_hybrid_with_head(
        n,
        hidden_units=(5,),
        kernel_initializer="glorot_uniform",
        dropout=0.0,
        n_outputs=1,
        optimizer="adam",
        learning_rate=lr,
        metrics=["binary_accuracy"],
    )


class _QuietLogisticCV(LogisticRegressionCV):
    """``LogisticRegressionCV`` scored by accuracy, without scikit-learn 1.9's notices about
    defaults that change in 1.10/1.11 (the course pins scikit-learn)."""

    def fit(self, x: np.ndarray, y: np.ndarray, **kwargs: Any) -> _QuietLogisticCV:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            return super().fit(x, y, **kwargs)


def _logistic_cv(cs: list[float]) -> LogisticRegressionCV:
    return _QuietLogisticCV(Cs=cs, cv=3, max_iter=5000, scoring="accuracy")


def _fit_logistic(data: Dataset, seed: int, epochs: int, batch_size: int, hyper: Any) -> Any:
    model = _logistic_cv([0.01, 0.1, 1.0, 10.0, 100.0]).fit(data.x_train, data.y_train)
    return (lambda x: model.predict_proba(x)[:, 1]), int(model.coef_.size + 1)


def _fit_surrogate(data: Dataset, seed: int, epochs: int, batch_size: int, hyper: Any) -> Any:
    features, _ = trig_features(data.x_train, BLOCKS)
    model = _logistic_cv([0.01, 0.1, 1.0, 10.0]).fit(features, data.y_train)

    def predict(x: np.ndarray) -> np.ndarray:
        return model.predict_proba(trig_features(x, BLOCKS)[0])[:, 1]

    return predict, int(model.coef_.size + 1)


_MLP_GRID = {"hidden_layer_sizes": [(8,), (32,), (32, 32)], "alpha": [1e-4, 1e-2]}


def _fit_tuned_mlp(data: Dataset, seed: int, epochs: int, batch_size: int, hyper: Any) -> Any:
    mlp = MLPClassifier(solver="lbfgs", max_iter=500, random_state=seed)
    with warnings.catch_warnings():
        # Some grid points stop before converging; cross-validation scores them as they are.
        warnings.simplefilter("ignore", ConvergenceWarning)
        best = GridSearchCV(mlp, _MLP_GRID, cv=3).fit(data.x_train, data.y_train).best_estimator_
    parameters = sum(w.size for w in best.coefs_ + best.intercepts_)
    return (lambda x: best.predict_proba(x)[:, 1]), int(parameters)


def _register_builtins() -> None:
    lr = "learning rate tuned"
    for name, family, build, settings in [
        ("re-uploading (04)", "hybrid", _reuploading, f"{BLOCKS} blocks, Adam, {lr}"),
        ("forum baseline + sigmoid (01)", "hybrid", _forum, f"2 circuit layers, SGD, {lr}"),
        ("hybrid + Dense(5) head (02)", "hybrid", _dense5_head, f"Glorot, Adam, {lr}"),
        (
            "re-uploading, no entanglement",
            "control",
            _no_entanglement,
            f"(04) with Rot gates only, no CNOTs, Adam, {lr}",
        ),
        (
            "re-uploading, frozen random circuit",
            "control",
            _frozen_random,
            f"(04) with circuit weights uniform in [0, 2π) and frozen; readout only, {lr}",
        ),
        (
            "MLP, same budget",
            "classical",
            _mlp_same_budget,
            f"tanh, as many parameters as (04), {lr}",
        ),
    ]:
        register_model(name, family, _KerasFit(build), settings, grid=LEARNING_RATES)
    register_model(
        "Fourier surrogate",
        "control",
        _fit_surrogate,
        f"logistic regression on the (2·{BLOCKS}+1)^d − 1 trigonometric features of (04); "
        "C by 3-fold CV",
        seeded=False,
    )
    register_model(
        "logistic regression", "classical", _fit_logistic, "C by 3-fold CV", seeded=False
    )
    register_model(
        "MLP, tuned",
        "classical",
        _fit_tuned_mlp,
        "scikit-learn MLP (L-BFGS), width and alpha from 6 settings by 3-fold CV",
    )


_register_builtins()

#: The models notebook 05 compares, in table order.
BENCHMARK_MODELS: tuple[str, ...] = (
    "re-uploading (04)",
    "re-uploading, no entanglement",
    "re-uploading, frozen random circuit",
    "Fourier surrogate",
    "MLP, same budget",
    "logistic regression",
    "MLP, tuned",
)
