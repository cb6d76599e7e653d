"""The benchmark protocol of notebook 05: repeated splits, tuning on training data only, paired
intervals on the same test points, and controls that test whether the circuit does the work.

The protocol follows Bowles, Ahmed and Schuld 2024, "Better than classical? The subtle art of
benchmarking quantum machine learning models" (arXiv:2403.07059):

* every dataset is split several times (stratified, a different split seed each time), so the
  spread covers the data as well as the initialisation;
* every model family is tuned on the training split only: the Keras models pick their learning
  rate on a validation part carved from the training split
  (:data:`helpers.benchmark_models.LEARNING_RATES`), the scikit-learn models pick their size or
  regularisation by cross-validation on it;
* models are compared on the same test points, split by split and seed by seed, with a 95%
  interval from a bootstrap over splits, seeds and test points
  (:mod:`helpers.benchmark_stats`);
* controls: the re-uploading circuit without entanglement, a frozen random circuit and the
  classical Fourier surrogate (:mod:`helpers.benchmark_models`).

This module runs it. Each (dataset split, model, seed) is one task for :func:`run_one`;
:func:`run_benchmark` runs the tuning tasks (:func:`tune_one`), then the training tasks,
through :func:`helpers.engine.run_tasks`: serially, on the cores of one machine, or on a Dask
cluster (``scheduler=``). The models live in :mod:`helpers.benchmark_models`, the tables and
verdicts drawn from the results in :mod:`helpers.benchmark_stats`.

Introduced in notebook 05.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from typing import Any

from helpers._checks import (
    check_batch_size,
    check_epochs,
    check_n_jobs,
    check_seed,
    check_seeds,
    check_split,
)
from helpers.benchmark_models import _REGISTRY, BenchmarkModel, benchmark_model
from helpers.comparison import _correct_mask
from helpers.data import Dataset
from helpers.reproducibility import set_seed
from helpers.training import validation_split

import keras
import numpy as np
import pandas as pd

#: The share of the training split held out to choose the learning rate.
VALIDATION_FRACTION = 0.25
#: The most features (qubits) a benchmark dataset may have; simulation cost doubles per qubit.
MAX_QUBITS = 8


def tune_one(
    model: str | BenchmarkModel, data: Dataset, epochs: int, batch_size: int = 32, seed: int = 0
) -> Any:
    """The value of ``model.grid`` that scores best on a validation part of the training split.
    Not used by a notebook; for your own experiments.

    Each value trains one model (seed ``seed``) on the other ``1 − VALIDATION_FRACTION`` of the
    training split; the test split is never read. Ties go to the first value in the grid.
    Returns ``None`` for a model without a grid.

    Example:
        >>> data = make_moons_dataset(n_samples=40)
        >>> tune_one("logistic regression", data, epochs=1) is None  # tunes itself by CV
        True
        >>> tune_one("MLP, same budget", data, epochs=1) in LEARNING_RATES
        True

    Notebook 05 tunes inside :func:`run_benchmark`, on the full data and full epochs.
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
        scores.append(float(np.mean(_correct_mask(predict(x_val), y_val))))
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
    Not used by a notebook; for your own experiments.

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
    split = check_seed(split, "split")
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
    correct = _correct_mask(predict(data.x_test), data.y_test)
    row = {
        "dataset": data.name,
        "split": split,
        "model": model.name,
        "family": model.family,
        "seed": seed,
        "hyper": hyper,
        "train_accuracy": float(np.mean(_correct_mask(predict(data.x_train), data.y_train))),
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
        splits = check_seeds(splits, "splits")
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
    Introduced in notebook 05.

    Phase 1 tunes each model with a grid once per dataset split (:func:`tune_one`, on the
    training split only); phase 2 runs :func:`run_one` for every seed with the chosen value.
    A model with ``seeded=False`` runs once per split and is copied to every seed. Both phases
    go through :func:`helpers.engine.run_tasks`. Each row is :func:`run_one`'s, plus
    ``tune_seconds``: the time the split's tuning of that model took (shared by its seeds).

    Args:
        datasets: ``Dataset`` objects (one fixed split each), or with ``splits`` functions
            ``seed -> Dataset`` called once per split seed.
        models: names from :func:`helpers.benchmark_models.registered_models` (or
            :class:`BenchmarkModel` objects).
        seeds: distinct training seeds.
        epochs: epochs for every Keras model (at least 1).
        n_jobs: joblib's worker count on this machine (``-1`` every core, ``1`` this process).
        batch_size: samples per step.
        splits: distinct split seeds (repeated stratified splits), or None.
        scheduler: None (this machine), a Dask scheduler address such as
            ``"tcp://host:8786"``, or a ``distributed.Client``: where the tasks run.

    Example:
        >>> data = make_moons_dataset(n_samples=60)
        >>> results = run_benchmark([data], ["logistic regression"], [0, 1], 1, n_jobs=1)
        >>> results[["model", "seed", "test_accuracy"]]  # doctest: +ELLIPSIS
                         model  seed  test_accuracy
        0  logistic regression     0          0.8...
        1  logistic regression     1          0.8...

    Notebook 05 runs seven models on several datasets and splits, on every core
    (``n_jobs=-1``).
    """
    from helpers.engine import run_tasks

    resolved = _check_models(models)
    seeds = check_seeds(seeds)
    epochs = check_epochs(epochs)
    batch_size = check_batch_size(batch_size)
    n_jobs = check_n_jobs(n_jobs)
    built = _datasets_by_split(datasets, splits)
    chosen, tune_seconds = _tune_per_split(built, resolved, epochs, batch_size, n_jobs, scheduler)
    split_of = {id(d): s for s, d in built}
    tasks = sorted(
        (
            (m, d, s, epochs, batch_size, chosen.get((id(d), m.name)), split_of[id(d)])
            for _, d in built
            for m in resolved
            for s in (seeds if m.seeded else seeds[:1])
        ),
        key=lambda t: _cost(t[1], t[0]),
    )
    rows = run_tasks(run_one, tasks, n_jobs=n_jobs, scheduler=scheduler)
    return _results_table(rows, tasks, seeds, tune_seconds, built, resolved)


def _cost(data: Dataset, model: BenchmarkModel) -> tuple[int, bool]:
    """A sort key that starts the longest tasks first: most features × training samples, then
    the hybrid and control families before the classical one."""
    return (-data.n_features * len(data.y_train), model.family == "classical")


def _tune_per_split(
    built: list[tuple[int, Dataset]],
    resolved: list[BenchmarkModel],
    epochs: int,
    batch_size: int,
    n_jobs: int,
    scheduler: Any,
) -> tuple[dict[tuple[int, str], Any], dict[tuple[int, str], float]]:
    """Phase 1 of :func:`run_benchmark`: :func:`tune_one` for every dataset split and model with
    a grid. Returns the chosen values and the seconds each tuning took, keyed by
    ``(id(dataset), model name)``."""
    from helpers.engine import run_tasks

    tuning = sorted(
        ((m, d, epochs, batch_size) for _, d in built for m in resolved if m.grid is not None),
        key=lambda t: _cost(t[1], t[0]),
    )
    tuned = run_tasks(_timed_tune, tuning, n_jobs=n_jobs, scheduler=scheduler)
    keys = [(id(t[1]), t[0].name) for t in tuning]
    chosen = {key: value for key, (value, _) in zip(keys, tuned, strict=True)}
    tune_seconds = {key: seconds for key, (_, seconds) in zip(keys, tuned, strict=True)}
    return chosen, tune_seconds


def _results_table(
    rows: list[dict[str, Any]],
    tasks: list[tuple],
    seeds: list[int],
    tune_seconds: dict[tuple[int, str], float],
    built: list[tuple[int, Dataset]],
    resolved: list[BenchmarkModel],
) -> pd.DataFrame:
    """Phase 2's rows as one table: each unseeded model's row copied to every seed, the tuning
    time added, sorted by dataset, split, model (in the order asked for) and seed."""
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
