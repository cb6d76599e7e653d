"""Tables and verdicts from notebook 05's benchmark results (the rows of
:func:`helpers.benchmark.run_benchmark`): medians and ranges per model, paired differences on
the same test points with 95% intervals, the pre-declared hybrid-versus-classical verdict, and
a CSV-ready copy of the results.

The intervals come from a bootstrap over splits, seeds and test points
(:func:`helpers.comparison.split_contrast_interval`); an interval that contains 0 is "no
detectable difference", whatever the sign of the estimate.

Introduced in notebook 05.
"""

from __future__ import annotations

from collections.abc import Sequence

from helpers._checks import check_unique_rows
from helpers.comparison import split_contrast_interval

import numpy as np
import pandas as pd


def summarize_benchmark(results: pd.DataFrame) -> pd.DataFrame:
    """Per (dataset, model): the median and range of test accuracy over every run, the median
    training time and parameter count, and the number of runs (splits × seeds).
    Introduced in notebook 05.

    Each (dataset, split, model, seed) must appear once: a repeated run would count twice in
    ``n``, so it is an error.

    Example:
        >>> data = make_moons_dataset(n_samples=60)
        >>> results = run_benchmark([data], ["logistic regression"], [0, 1], 1, n_jobs=1)
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
    Introduced in notebook 05.

    The interval comes from a bootstrap over splits, seeds and test points
    (:func:`helpers.comparison.split_contrast_interval`). ``test points`` gives the difference
    in points of one test split. ``verdict``: "no detectable difference" when the interval
    contains 0, else which side is better.

    Example:
        >>> data = make_moons_dataset(n_samples=60)
        >>> models = ["logistic regression", "Fourier surrogate"]
        >>> results = run_benchmark([data], models, [0, 1], 1, n_jobs=1)
        >>> paired_differences(results, "logistic regression", n_boot=200)[["model", "verdict"]]
                       model                   verdict
        0  Fourier surrogate  no detectable difference
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
    Introduced in notebook 05.

    Example:
        >>> data = make_moons_dataset(n_samples=60)
        >>> models = ["logistic regression", "Fourier surrogate"]
        >>> results = run_benchmark([data], models, [0, 1], 1, n_jobs=1)
        >>> verdict = benchmark_verdict(
        ...     results, hybrid="Fourier surrogate", classical="logistic regression"
        ... )
        >>> verdict["verdict"].tolist()
        ['no detectable difference']

    Notebook 05 keeps the defaults (re-uploading against the tuned MLP); two fast models stand
    in for them here.
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
    Introduced in notebook 05.

    Example:
        >>> data = make_moons_dataset(n_samples=60)
        >>> results = run_benchmark([data], ["logistic regression"], [0, 1], 1, n_jobs=1)
        >>> results_for_csv(results)["test_correct"].iloc[0][:5]  # 1: that test point is right
        '11111'
    """
    return results.assign(
        test_correct=["".join("1" if c else "0" for c in row) for row in results["test_correct"]]
    )
