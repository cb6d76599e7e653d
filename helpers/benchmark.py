"""The benchmark protocol of notebook 05: repeated splits, tuning on training data only, paired
intervals on the same test points, and controls that test whether the circuit does the work.

The protocol follows Bowles, Ahmed and Schuld 2024, "Better than classical? The subtle art of
benchmarking quantum machine learning models" (arXiv:2403.07059):

* every dataset is split several times (stratified, a different split seed each time), so the
  spread covers the data as well as the initialisation;
* every model family is tuned on the training split only: the Keras models pick their learning
  rate on a validation part carved from the training split (:data:`LEARNING_RATES`), the
  scikit-learn models pick their size or regularisation by cross-validation on it;
* models are compared on the same test points, split by split and seed by seed, with a 95%
  interval from a bootstrap over splits, seeds and test points
  (:func:`helpers.comparison.split_contrast_interval`);
* controls: the re-uploading circuit without entanglement, a frozen random circuit (a fixed
  feature map; only the readout trains), and the classical Fourier surrogate of Schreiber,
  Eisert and Meyer (2023, PRL 131, 100803): logistic regression on the trigonometric features
  the circuit can express.

A model is a :class:`BenchmarkModel` in an open registry: :func:`register_model` adds one
(a name and a fit function), :func:`benchmark_model` looks one up. Each (dataset split, model,
seed) is one task for :func:`run_one`; :func:`run_benchmark` runs the tuning tasks, then the
training tasks, through :func:`helpers.engine.run_tasks`: serially, on the cores of one
machine, or on a Dask cluster (``scheduler=``).

Introduced in notebook 05.
"""

from __future__ import annotations

import os
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import keras
import numpy as np
import pandas as pd
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegressionCV
from sklearn.model_selection import GridSearchCV
from sklearn.neural_network import MLPClassifier

from helpers._checks import (
    check_batch_size,
    check_epochs,
    check_int,
    check_seed,
    check_seeds,
    check_split,
    check_unique_rows,
)
from helpers.comparison import split_contrast_interval
from helpers.data import Dataset
from helpers.fourier import trig_features
from helpers.introspection import count_trainable_params
from helpers.models import (
    build_classical_model,
    build_depth_model,
    build_forum_model,
    build_hybrid_with_head,
)
from helpers.reproducibility import set_seed
from helpers.training import validation_split

#: Learning rates every Keras model chooses from, on a validation part of the training split.
LEARNING_RATES: tuple[float, ...] = (0.01, 0.05, 0.2)
#: The share of the training split held out to choose the learning rate.
VALIDATION_FRACTION = 0.25
#: The most features (qubits) a benchmark dataset may have; simulation cost doubles per qubit.
MAX_QUBITS = 8
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

    ``fit(data, seed, epochs, batch_size, hyper)`` must train on ``data.x_train`` and
    ``data.y_train`` only and return ``(predict, parameters)``, where ``predict(x)`` gives the
    probability of class 1 per sample. With ``grid``, :func:`run_benchmark` first trains one
    model per value on a validation part of the training split and passes the best value as
    ``hyper``. A name already registered is an error unless ``replace=True``.

    Example:
        >>> def fit_tree(data, seed, epochs, batch_size, hyper):
        ...     tree = DecisionTreeClassifier(max_depth=hyper, random_state=seed)
        ...     tree.fit(data.x_train, data.y_train)
        ...     return (lambda x: tree.predict_proba(x)[:, 1]), tree.tree_.node_count
        >>> register_model("decision tree", "classical", fit_tree, grid=(2, 4, 8))
    """
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"name must be a non-empty string, got {name!r}")
    if family not in FAMILIES:
        raise ValueError(f"family must be one of {FAMILIES}, got {family!r}")
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
    return count_trainable_params(build_depth_model("reuploading", n, BLOCKS))


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


# ---------------------------------------------------------------------------- tasks
def _correct(predict: Predict, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    predicted = np.asarray(predict(x)).reshape(len(x)) > 0.5
    return predicted == (np.asarray(y) > 0.5)


def tune_one(
    model: str | BenchmarkModel, data: Dataset, epochs: int, batch_size: int = 32, seed: int = 0
) -> Any:
    """The value of ``model.grid`` that scores best on a validation part of the training split.

    Each value trains one model (seed ``seed``) on the other ``1 − VALIDATION_FRACTION`` of the
    training split; the test split is never read. Ties go to the first value in the grid.
    Returns ``None`` for a model without a grid.

    Example:
        >>> tune_one("re-uploading (04)", make_moons_dataset(), epochs=20)
        0.05
    """
    model = benchmark_model(model)
    if model.grid is None:
        return None
    epochs, batch_size = check_epochs(epochs), check_batch_size(batch_size)
    check_split(data)
    x_fit, x_val, y_fit, y_val = validation_split(
        data.x_train, data.y_train, VALIDATION_FRACTION, check_seed(seed)
    )
    inner = Dataset(data.name, x_fit, x_val, y_fit, y_val, data.feature_names)
    scores = []
    for value in model.grid:
        keras.backend.clear_session()  # no state from earlier tasks in this process
        set_seed(seed)
        predict, _ = model.fit(inner, seed, epochs, batch_size, value)
        scores.append(float(np.mean(_correct(predict, x_val, y_val))))
        keras.backend.clear_session()
    return model.grid[int(np.argmax(scores))]


def _timed_tune(
    model: BenchmarkModel, data: Dataset, epochs: int, batch_size: int
) -> tuple[Any, float]:
    start = time.perf_counter()
    value = tune_one(model, data, epochs, batch_size)
    return value, time.perf_counter() - start


def run_one(
    model: str | BenchmarkModel,
    data: Dataset,
    seed: int,
    epochs: int,
    batch_size: int = 32,
    hyper: Any = None,
    split: int = 0,
) -> dict[str, Any]:
    """Seeds, trains and scores one model on one dataset split; one result row.

    Keras models train for ``epochs`` on the training split with no early stopping and no look
    at the test split. A model with a grid and ``hyper=None`` tunes itself first
    (:func:`tune_one`, seed ``seed``); :func:`run_benchmark` tunes once per split and passes the
    value in. ``epochs`` must be at least 1 even for the scikit-learn models (which ignore it).

    Returns:
        ``dataset, split, model, family, seed, hyper, train_accuracy, test_accuracy,
        fit_seconds, parameters, pid`` and ``test_correct`` (one bool per test point, in
        order, for paired comparisons).

    Example:
        >>> row = run_one("logistic regression", make_moons_dataset(), seed=0, epochs=1)
        >>> row["test_correct"].shape
        (50,)
    """
    model = benchmark_model(model)
    seed = check_seed(seed)
    epochs = check_epochs(epochs)
    batch_size = check_batch_size(batch_size)
    check_split(data)
    start = time.perf_counter()
    if hyper is None and model.grid is not None:
        hyper = tune_one(model, data, epochs, batch_size, seed)
    keras.backend.clear_session()  # no state from earlier tasks in this process
    set_seed(seed)
    predict, parameters = model.fit(data, seed, epochs, batch_size, hyper)
    seconds = time.perf_counter() - start
    correct = _correct(predict, data.x_test, data.y_test)
    row = {
        "dataset": data.name,
        "split": int(split),
        "model": model.name,
        "family": model.family,
        "seed": seed,
        "hyper": hyper,
        "train_accuracy": float(np.mean(_correct(predict, data.x_train, data.y_train))),
        "test_accuracy": float(np.mean(correct)),
        "fit_seconds": seconds,
        "parameters": parameters,
        "pid": os.getpid(),
        "test_correct": correct,
    }
    keras.backend.clear_session()  # frees the model, so a long-lived worker does not grow
    return row


def _require_distinct(what: str, names: list[str]) -> None:
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(
            f"{what} must be distinct, but {repeated} appear more than once; each "
            "(dataset, model, seed) is one run, and a repeat would count twice in the summary"
        )


def _check_models(models: Sequence[str | BenchmarkModel]) -> list[BenchmarkModel]:
    if isinstance(models, str) or not models:
        raise ValueError("models must be a non-empty list of model names")
    unknown = [m for m in models if not isinstance(m, BenchmarkModel) and m not in _REGISTRY]
    if unknown:
        raise ValueError(
            f"unknown benchmark models {unknown}; choose from {list(_REGISTRY)}, or add yours "
            "with register_model"
        )
    resolved = [benchmark_model(m) for m in models]
    _require_distinct("models", [m.name for m in resolved])
    return resolved


def _datasets_by_split(
    datasets: Sequence[Dataset | Callable[..., Dataset]], splits: Sequence[int] | None
) -> list[tuple[int, Dataset]]:
    if isinstance(datasets, Dataset) or not datasets:
        raise ValueError("datasets must be a non-empty list")
    if splits is None:
        built = [(0, d) for d in datasets]
        if not all(hasattr(d, "x_train") for _, d in built):
            raise ValueError(
                "without splits=, pass Dataset objects; with splits=[0, 1, ...], pass functions "
                "seed -> Dataset, e.g. functools.partial(make_moons_dataset, n_samples=200)"
            )
    else:
        splits = check_seeds(splits)
        if not all(callable(d) and not isinstance(d, Dataset) for d in datasets):
            raise ValueError(
                "with splits=, each dataset must be a function seed -> Dataset (called once per "
                "split), e.g. functools.partial(make_moons_dataset, n_samples=200)"
            )
        built = [(s, build(seed=s)) for build in datasets for s in splits]
    _require_distinct("datasets", [d.name for s, d in built if s == built[0][0]])
    for _, data in built:
        check_split(data)
        if data.n_features > MAX_QUBITS:
            raise ValueError(
                f"dataset {data.name!r} has {data.n_features} features, and the hybrid models "
                f"use one qubit per feature; keep at most {MAX_QUBITS} (pass feature_columns= "
                f"to load_csv_dataset, or reduce them with PCA as make_breast_cancer_dataset does)"
            )
    return built


def run_benchmark(
    datasets: Sequence[Dataset | Callable[..., Dataset]],
    models: Sequence[str | BenchmarkModel],
    seeds: Sequence[int],
    epochs: int,
    n_jobs: int = -1,
    batch_size: int = 32,
    *,
    splits: Sequence[int] | None = None,
    scheduler: Any = None,
) -> pd.DataFrame:
    """Tunes, trains and scores every (dataset split, model, seed); one row per run.

    Phase 1 tunes each model with a grid once per dataset split (:func:`tune_one`, on the
    training split only); phase 2 runs :func:`run_one` for every seed with the chosen value.
    A model with ``seeded=False`` runs once per split and is copied to every seed. Both phases
    go through :func:`helpers.engine.run_tasks`. Each row is :func:`run_one`'s, plus
    ``tune_seconds``: the time the split's tuning of that model took (shared by its seeds).

    Args:
        datasets: ``Dataset`` objects (one fixed split each), or with ``splits`` functions
            ``seed -> Dataset`` called once per split seed.
        models: names from :func:`registered_models` (or :class:`BenchmarkModel` objects).
        seeds: distinct training seeds.
        epochs: epochs for every Keras model (at least 1).
        n_jobs: joblib's worker count on this machine (``-1`` every core, ``1`` this process).
        batch_size: samples per step.
        splits: distinct split seeds (repeated stratified splits), or None.
        scheduler: None (this machine), a Dask scheduler address such as
            ``"tcp://host:8786"``, or a ``distributed.Client``: where the tasks run.

    Example:
        >>> results = run_benchmark([make_moons_dataset()], ["logistic regression"], [0, 1], 1)
        >>> len(results)
        2
    """
    from helpers.engine import run_tasks

    resolved = _check_models(models)
    seeds = check_seeds(seeds)
    epochs = check_epochs(epochs)
    batch_size = check_batch_size(batch_size)
    n_jobs = check_int(n_jobs, "n_jobs", fix="use -1 for every core, 1 for this process")
    if n_jobs == 0:
        raise ValueError("n_jobs must be a non-zero int, got 0; use -1 for every core or 1")
    built = _datasets_by_split(datasets, splits)

    def cost(data: Dataset, model: BenchmarkModel) -> tuple[int, bool]:
        return (-data.n_features * len(data.y_train), model.family == "classical")

    tuning = sorted(
        ((m, d, epochs, batch_size) for _, d in built for m in resolved if m.grid is not None),
        key=lambda t: cost(t[1], t[0]),
    )
    split_of = {id(d): s for s, d in built}
    tuned = run_tasks(_timed_tune, tuning, n_jobs=n_jobs, scheduler=scheduler)
    keys = [(id(t[1]), t[0].name) for t in tuning]
    chosen = {key: value for key, (value, _) in zip(keys, tuned, strict=True)}
    tune_seconds = {key: seconds for key, (_, seconds) in zip(keys, tuned, strict=True)}
    tasks = sorted(
        (
            (m, d, s, epochs, batch_size, chosen.get((id(d), m.name)), split_of[id(d)])
            for _, d in built
            for m in resolved
            for s in (seeds if m.seeded else seeds[:1])
        ),
        key=lambda t: cost(t[1], t[0]),
    )
    rows = run_tasks(run_one, tasks, n_jobs=n_jobs, scheduler=scheduler)
    for task, row in zip(tasks, list(rows), strict=True):
        if not task[0].seeded:
            rows += [{**row, "seed": s} for s in seeds[1:]]
    order = {
        (d.name, s, m.name): i
        for i, (s, d, m) in enumerate((s, d, m) for s, d in built for m in resolved)
    }
    results = pd.DataFrame(rows)
    results["tune_seconds"] = [
        tune_seconds.get((id(task[1]), task[0].name), 0.0) for task in tasks
    ] + [0.0] * (len(rows) - len(tasks))
    results["_order"] = [order[(r.dataset, r.split, r.model)] for r in results.itertuples()]
    results = results.sort_values(["_order", "seed"], kind="stable").drop(columns="_order")
    return results.reset_index(drop=True)


# ---------------------------------------------------------------------------- summaries
def summarize_benchmark(results: pd.DataFrame) -> pd.DataFrame:
    """Per (dataset, model): the median and range of test accuracy over every run, the median
    training time and parameter count, and the number of runs (splits × seeds).

    Each (dataset, split, model, seed) must appear once: a repeated run would count twice in
    ``n``, so it is an error.

    Example:
        >>> summarize_benchmark(results).columns[:4].tolist()
        ['dataset', 'model', 'family', 'test_median']
    """
    keys = (
        ["dataset", "split", "model", "seed"]
        if "split" in results
        else ["dataset", "model", "seed"]
    )
    check_unique_rows(
        results,
        keys,
        "the results table",
        "results were probably concatenated twice or seeds repeated; concatenate each run's "
        "row once and run with distinct seeds",
    )
    grouped = results.groupby(["dataset", "model", "family"], sort=False)
    table = grouped.agg(
        test_median=("test_accuracy", "median"),
        test_min=("test_accuracy", "min"),
        test_max=("test_accuracy", "max"),
        train_median=("train_accuracy", "median"),
        seconds=("fit_seconds", "median"),
        parameters=("parameters", "median"),
        n=("seed", "count"),
    )
    return table.reset_index()


def _per_split(
    results: pd.DataFrame, dataset: str, names: Sequence[str]
) -> list[dict[str, np.ndarray]]:
    table = results[(results["dataset"] == dataset) & results["model"].isin(names)]
    per_split = []
    for _, part in table.groupby("split", sort=True):
        arrays = {}
        for name in names:
            runs = part[part["model"] == name].sort_values("seed")
            if runs.empty:
                raise ValueError(f"no runs of {name!r} on {dataset!r} in some split")
            arrays[name] = np.stack([np.asarray(c, dtype=float) for c in runs["test_correct"]])
        per_split.append(arrays)
    return per_split


def paired_differences(
    results: pd.DataFrame, reference: str, n_boot: int = 10_000, seed: int = 0
) -> pd.DataFrame:
    """Per dataset, every model minus ``reference`` on the same test points, with a 95% interval.

    The interval comes from a bootstrap over splits, seeds and test points
    (:func:`helpers.comparison.split_contrast_interval`). ``test points`` gives the difference
    in points of one test split. ``verdict``: "no detectable difference" when the interval
    contains 0, else which side is better.

    Example:
        >>> paired_differences(results, "MLP, tuned").columns.tolist()[:3]
        ['dataset', 'model', 'difference']
    """
    if "test_correct" not in results:
        raise ValueError("results need the test_correct column that run_benchmark returns")
    if reference not in set(results["model"]):
        raise ValueError(f"reference {reference!r} is not among the results' models")
    rows = []
    for dataset, table in results.groupby("dataset", sort=False):
        names = list(pd.unique(table["model"]))
        per_split = _per_split(results, dataset, names)
        n_points = np.mean([next(iter(s.values())).shape[1] for s in per_split])
        for name in names:
            if name == reference:
                continue
            est = split_contrast_interval(
                per_split, {name: 1, reference: -1}, n_boot=n_boot, seed=seed
            )
            excludes = est["low"] > 0 or est["high"] < 0
            rows.append(
                {
                    "dataset": dataset,
                    "model": name,
                    "family": table.loc[table["model"] == name, "family"].iloc[0],
                    "difference": est["estimate"],
                    "low": est["low"],
                    "high": est["high"],
                    "test points": est["estimate"] * n_points,
                    "interval (test points)": f"{est['low'] * n_points:+.1f} to "
                    f"{est['high'] * n_points:+.1f}",
                    "verdict": (
                        "no detectable difference"
                        if not excludes
                        else (f"{name} better" if est["estimate"] > 0 else f"{reference} better")
                    ),
                }
            )
    return pd.DataFrame(rows)


def benchmark_verdict(
    results: pd.DataFrame, hybrid: str = "re-uploading (04)", classical: str = "MLP, tuned"
) -> pd.DataFrame:
    """Per dataset, the pre-declared comparison: ``hybrid`` minus ``classical``, with its 95%
    interval over splits, seeds and test points, and a verdict by the rule "an interval that
    contains 0 is no detectable difference".

    Example:
        >>> benchmark_verdict(results)["verdict"].tolist()
        ['no detectable difference']
    """
    for name in (hybrid, classical):
        if name not in set(results["model"]):
            raise ValueError(f"{name!r} is not among the results' models; run it or name another")
    table = paired_differences(results[results["model"].isin([hybrid, classical])], classical)
    verdict = table["verdict"].replace(
        {f"{hybrid} better": "hybrid better", f"{classical} better": "classical better"}
    )
    return (
        table.assign(verdict=verdict)
        .rename(columns={"model": "hybrid"})
        .assign(classical=classical)[
            [
                "dataset",
                "hybrid",
                "classical",
                "difference",
                "low",
                "high",
                "test points",
                "interval (test points)",
                "verdict",
            ]
        ]
    )


def results_for_csv(results: pd.DataFrame) -> pd.DataFrame:
    """The results with ``test_correct`` as a string of 0s and 1s, for ``to_csv``.

    Example:
        >>> results_for_csv(results)["test_correct"].iloc[0][:5]
        '11011'
    """
    return results.assign(
        test_correct=["".join("1" if c else "0" for c in row) for row in results["test_correct"]]
    )
