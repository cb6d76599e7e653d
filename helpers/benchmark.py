"""The benchmark protocol of notebook 05: every model on the same splits, several seeds, fixed
settings, run in parallel with joblib.

Each (dataset, model, seed) is one task for :func:`run_one`, which seeds, builds, trains and
scores one model and returns one row. :func:`run_benchmark` sends the tasks to joblib, so the
same code runs serially, on the cores of one machine, or on a cluster through a joblib backend
such as Dask or Ray (see notebook 05). The settings follow Bowles, Ahmed and Schuld 2024,
"Better than classical? The subtle art of benchmarking quantum machine learning models"
(arXiv:2403.07059): the same data and splits for all, a fixed small hyper-parameter budget,
the spread over seeds, and the training cost next to the accuracy.

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
from joblib import Parallel, delayed
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
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
from helpers.data import Dataset
from helpers.models import (
    build_classical_model,
    build_depth_model,
    build_forum_model,
    build_hybrid_with_head,
    count_trainable_params,
)
from helpers.reproducibility import set_seed
from helpers.transfer import (
    build_classical_then_quantum,
    build_feature_extractor,
    build_pretraining_classifier,
)


@dataclass(frozen=True)
class BenchmarkModel:
    """One entry of :data:`BENCHMARK_MODELS`.

    Attributes:
        name: the row label, e.g. ``"re-uploading (04)"``.
        family: ``"hybrid"`` or ``"classical"``.
        settings: the fixed hyper-parameters, in words.
    """

    name: str
    family: str
    settings: str


#: The models notebook 05 compares, in table order; the number is the notebook that built it.
BENCHMARK_MODELS: tuple[BenchmarkModel, ...] = (
    BenchmarkModel("forum baseline + sigmoid (01)", "hybrid", "2 circuit layers, SGD 0.05"),
    BenchmarkModel("hybrid + Dense(5) head (02)", "hybrid", "Glorot, Adam 0.05, no dropout"),
    BenchmarkModel(
        "classical then quantum (03)", "hybrid", "pretrain extractor, freeze, Adam 0.05"
    ),
    BenchmarkModel("re-uploading, 3 blocks (04)", "hybrid", "Adam 0.05"),
    BenchmarkModel("MLP, same budget", "classical", "tanh, as many parameters as (04), Adam 0.05"),
    BenchmarkModel("logistic regression", "classical", "scikit-learn defaults"),
    BenchmarkModel(
        "MLP, tuned", "classical", "scikit-learn MLP (L-BFGS), 6-point grid, 3-fold CV on train"
    ),
)
#: The most features (qubits) a benchmark dataset may have; simulation cost doubles per qubit.
MAX_QUBITS = 8

_BY_NAME = {m.name: m for m in BENCHMARK_MODELS}
_TUNING_GRID = {"hidden_layer_sizes": [(8,), (32,), (32, 32)], "alpha": [1e-4, 1e-2]}


Predict = Callable[[np.ndarray], np.ndarray]


def _budget(n_features: int) -> int:
    return count_trainable_params(build_depth_model("reuploading", n_features, 3))


def _keras_builders(n: int) -> dict[str, Callable[[], keras.Model]]:
    return {
        "forum baseline + sigmoid (01)": lambda: build_forum_model(
            n, output_activation="sigmoid", metrics=["binary_accuracy"]
        ),
        "hybrid + Dense(5) head (02)": lambda: build_hybrid_with_head(
            n,
            hidden_units=(5,),
            kernel_initializer="glorot_uniform",
            dropout=0.0,
            n_outputs=1,
            optimizer="adam",
            metrics=["binary_accuracy"],
        ),
        "re-uploading, 3 blocks (04)": lambda: build_depth_model("reuploading", n, 3),
        "MLP, same budget": lambda: build_classical_model(
            n, _budget(n), optimizer="adam", learning_rate=0.05
        ),
    }


_N_JOBS_FIX = "use -1 for every core, 1 to run in this process, or n > 1 for n workers"


def _accuracy(predict: Predict, x: np.ndarray, y: np.ndarray) -> float:
    predicted = np.asarray(predict(x)).reshape(len(x), -1)[:, -1] > 0.5
    return float(np.mean(predicted == (y > 0.5)))


def _fit_sklearn(model: str, data: Dataset, seed: int) -> tuple[Predict, int]:
    if model == "logistic regression":
        fitted: Any = LogisticRegression().fit(data.x_train, data.y_train)
        parameters = fitted.coef_.size + fitted.intercept_.size
    else:
        mlp = MLPClassifier(solver="lbfgs", max_iter=500, random_state=seed)
        with warnings.catch_warnings():
            # Some grid points stop before converging; cross-validation scores them as they are.
            warnings.simplefilter("ignore", ConvergenceWarning)
            fitted = GridSearchCV(mlp, _TUNING_GRID, cv=3).fit(data.x_train, data.y_train)
        fitted = fitted.best_estimator_
        parameters = sum(w.size for w in fitted.coefs_ + fitted.intercepts_)
    return (lambda x: fitted.predict_proba(x)[:, 1]), int(parameters)


def _fit_keras(model: str, data: Dataset, epochs: int, batch_size: int) -> tuple[Predict, int]:
    n = data.n_features
    fit = {"epochs": epochs, "batch_size": batch_size, "verbose": 0}
    if model == "classical then quantum (03)":
        pretraining = build_pretraining_classifier(build_feature_extractor(n, n))
        pretraining.fit(data.x_train, data.y_train, **fit)
        net = build_classical_then_quantum(pretraining.get_layer("feature_extractor"), n)
    else:
        net = _keras_builders(n)[model]()
    net.fit(data.x_train, data.y_train, **fit)
    return (lambda x: np.asarray(net(x, training=False))), int(net.count_params())


def run_one(
    model: str, data: Dataset, seed: int, epochs: int, batch_size: int = 32
) -> dict[str, Any]:
    """Seeds, builds, trains and scores one benchmark model on one dataset; one result row.

    Keras models train for ``epochs`` on the training split with no early stopping and no look
    at the test split; "classical then quantum (03)" first pretrains its extractor for
    ``epochs``, and its time includes that. Accuracy is the share of test samples whose
    predicted probability is on the right side of 0.5. ``epochs`` must be at least 1 even for
    the scikit-learn models (which ignore it), and the data must be numeric and finite.

    Returns:
        ``dataset, model, family, seed, train_accuracy, test_accuracy, fit_seconds,
        parameters`` (all weights the final model uses, trainable or frozen) and ``pid`` (the
        process that ran it).

    Example:
        >>> from helpers import make_moons_dataset
        >>> row = run_one("logistic regression", make_moons_dataset(), seed=0, epochs=1)
        >>> sorted(row)[:3]
        ['dataset', 'family', 'fit_seconds']
    """
    if model not in _BY_NAME:
        raise ValueError(
            f"unknown benchmark model {model!r}; choose from {[m.name for m in BENCHMARK_MODELS]}"
        )
    seed = check_seed(seed)
    epochs = check_epochs(epochs)
    batch_size = check_batch_size(batch_size)
    check_split(data)
    set_seed(seed)
    start = time.perf_counter()
    if model in ("logistic regression", "MLP, tuned"):
        predict, parameters = _fit_sklearn(model, data, seed)
    else:
        predict, parameters = _fit_keras(model, data, epochs, batch_size)
    seconds = time.perf_counter() - start
    row = {
        "dataset": data.name,
        "model": model,
        "family": _BY_NAME[model].family,
        "seed": seed,
        "train_accuracy": _accuracy(predict, data.x_train, data.y_train),
        "test_accuracy": _accuracy(predict, data.x_test, data.y_test),
        "fit_seconds": seconds,
        "parameters": parameters,
        "pid": os.getpid(),
    }
    keras.backend.clear_session()  # frees the model, so a long-lived worker does not grow
    return row


def run_benchmark(
    datasets: Sequence[Dataset],
    models: Sequence[str],
    seeds: Sequence[int],
    epochs: int,
    n_jobs: int = -1,
    batch_size: int = 32,
) -> pd.DataFrame:
    """Runs every (dataset, model, seed) with :func:`run_one` through ``joblib.Parallel``.

    Args:
        datasets: the datasets (each model sees the same split of each).
        models: names from :data:`BENCHMARK_MODELS`.
        seeds: distinct training seeds (the splits stay fixed).
        epochs: epochs for every Keras model (at least 1).
        n_jobs: joblib's worker count; ``-1`` uses every core, ``1`` runs in this process
            (``0`` is an error).
            Inside ``joblib.parallel_config(backend="dask")`` (or ``"ray"``) the same call runs
            on a cluster.
        batch_size: samples per step.

    Returns:
        One row per task (see :func:`run_one`), ordered by dataset, model and seed.

    Example:
        >>> from helpers import make_moons_dataset
        >>> results = run_benchmark([make_moons_dataset()], ["logistic regression"], [0, 1], 1)
        >>> len(results)
        2
    """
    unknown = [m for m in models if m not in _BY_NAME]
    if unknown:
        raise ValueError(
            f"unknown benchmark models {unknown}; choose from {[m.name for m in BENCHMARK_MODELS]}"
        )
    if not datasets or not models:
        raise ValueError("datasets and models must each name at least one item")
    seeds = check_seeds(seeds)
    epochs = check_epochs(epochs)
    batch_size = check_batch_size(batch_size)
    n_jobs = check_int(n_jobs, "n_jobs", fix=_N_JOBS_FIX)
    if n_jobs == 0:
        raise ValueError(f"n_jobs must be a non-zero int, got 0; {_N_JOBS_FIX}")
    for what, names in (("models", list(models)), ("datasets", [d.name for d in datasets])):
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(
                f"{what} must be distinct, but {repeated} appear more than once; each "
                "(dataset, model, seed) is one run, and a repeat would count twice in the summary"
            )
    for data in datasets:
        check_split(data)
        if data.n_features > MAX_QUBITS:
            raise ValueError(
                f"dataset {data.name!r} has {data.n_features} features, and the hybrid models "
                f"use one qubit per feature; keep at most {MAX_QUBITS} (pass feature_columns= "
                f"to load_csv_dataset, or reduce them with PCA as make_breast_cancer_dataset does)"
            )
    tasks = [(m, d, s) for d in datasets for m in models for s in seeds]
    # Longest first: more qubits, hybrid before classical. This balances the workers, and each
    # worker's first task compiles a large circuit, so joblib's (loky's) memory-leak guard,
    # which measures memory after the first task, does not restart workers that merely cache
    # compiled circuits.
    order = sorted(
        range(len(tasks)),
        key=lambda i: (-tasks[i][1].n_features, _BY_NAME[tasks[i][0]].family != "hybrid", i),
    )
    rows = Parallel(n_jobs=n_jobs)(
        delayed(run_one)(tasks[i][0], tasks[i][1], tasks[i][2], epochs, batch_size) for i in order
    )
    by_task = dict(zip(order, rows, strict=True))
    return pd.DataFrame([by_task[i] for i in range(len(tasks))])


def summarize_benchmark(results: pd.DataFrame) -> pd.DataFrame:
    """Mean and sd over seeds of each (dataset, model): accuracy, time and parameters.

    Each (dataset, model, seed) must appear once: a repeated run would count twice in ``n``
    and shrink ``test_sd``, so it is an error.

    Example:
        >>> summarize_benchmark(results).columns[:4].tolist()
        ['dataset', 'model', 'family', 'test_mean']
    """
    check_unique_rows(
        results,
        ["dataset", "model", "seed"],
        "the results table",
        "results were probably concatenated twice or seeds repeated; concatenate each run's "
        "row once and run with distinct seeds",
    )
    grouped = results.groupby(["dataset", "model", "family"], sort=False)
    table = grouped.agg(
        test_mean=("test_accuracy", "mean"),
        test_sd=("test_accuracy", "std"),
        train_mean=("train_accuracy", "mean"),
        seconds=("fit_seconds", "mean"),
        parameters=("parameters", "median"),
        n=("seed", "count"),
    )
    return table.reset_index().fillna({"test_sd": 0.0})


def benchmark_verdict(summary: pd.DataFrame) -> pd.DataFrame:
    """Per dataset: the best hybrid against the best classical model, and who wins.

    The rule: a difference in mean test accuracy smaller than the larger of the two standard
    deviations (or than 0.01) is a tie; otherwise the higher mean wins.

    Example:
        >>> benchmark_verdict(summarize_benchmark(results))["verdict"].tolist()
        ['classical better']
    """
    rows = []
    for dataset, table in summary.groupby("dataset", sort=False):
        best = {
            family: table[table["family"] == family].sort_values("test_mean").iloc[-1]
            for family in ("hybrid", "classical")
            if (table["family"] == family).any()
        }
        if len(best) < 2:
            raise ValueError(
                f"dataset {dataset!r} needs at least one hybrid and one classical model to compare"
            )
        h, c = best["hybrid"], best["classical"]
        difference = h["test_mean"] - c["test_mean"]
        margin = max(h["test_sd"], c["test_sd"], 0.01)
        verdict = (
            "tie"
            if abs(difference) < margin
            else ("hybrid better" if difference > 0 else "classical better")
        )
        rows.append(
            {
                "dataset": dataset,
                "best hybrid": h["model"],
                "hybrid accuracy": h["test_mean"],
                "best classical": c["model"],
                "classical accuracy": c["test_mean"],
                "difference": difference,
                "margin": margin,
                "verdict": verdict,
            }
        )
    return pd.DataFrame(rows)
