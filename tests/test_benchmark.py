"""Unit tests for helpers.benchmark (notebook 05's protocol)."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.benchmark import (
    BENCHMARK_MODELS,
    benchmark_verdict,
    run_benchmark,
    run_one,
    summarize_benchmark,
)
from helpers.data import make_moons_dataset


@pytest.fixture(scope="module")
def moons():
    return make_moons_dataset(n_samples=60)


@pytest.mark.parametrize("model", [m.name for m in BENCHMARK_MODELS])
def test_every_model_trains_and_reports_a_row(model, moons):
    row = run_one(model, moons, seed=0, epochs=1)
    assert row["model"] == model
    assert 0.0 <= row["test_accuracy"] <= 1.0
    expected = {"logistic regression": 3, "re-uploading, 3 blocks (04)": 21, "MLP, same budget": 21}
    assert row["parameters"] == expected.get(model, row["parameters"])
    assert row["parameters"] > 0
    assert row["fit_seconds"] > 0


def test_same_seed_same_result_serial_and_in_worker_processes(moons):
    args = ([moons], ["re-uploading, 3 blocks (04)", "logistic regression"], [0, 1], 2)
    serial = run_benchmark(*args, n_jobs=1)
    parallel = run_benchmark(*args, n_jobs=2)
    assert serial["pid"].nunique() == 1
    assert not set(parallel["pid"]) & set(serial["pid"])  # really ran elsewhere
    columns = ["dataset", "model", "seed", "train_accuracy", "test_accuracy", "parameters"]
    pd.testing.assert_frame_equal(serial[columns], parallel[columns])


def _results(hybrid, classical):
    rows = [
        {
            "dataset": "d",
            "model": "h",
            "family": "hybrid",
            "seed": s,
            "train_accuracy": 1.0,
            "test_accuracy": a,
            "fit_seconds": 1.0,
            "parameters": 10,
        }
        for s, a in enumerate(hybrid)
    ] + [
        {
            "dataset": "d",
            "model": "c",
            "family": "classical",
            "seed": s,
            "train_accuracy": 1.0,
            "test_accuracy": a,
            "fit_seconds": 1.0,
            "parameters": 10,
        }
        for s, a in enumerate(classical)
    ]
    return pd.DataFrame(rows)


@pytest.mark.parametrize(
    ("hybrid", "classical", "verdict"),
    [
        ([0.80, 0.82], [0.90, 0.90], "classical better"),
        ([0.95, 0.95], [0.90, 0.90], "hybrid better"),
        ([0.80, 0.90], [0.86, 0.86], "tie"),  # difference 0.01 < sd 0.07
    ],
)
def test_verdict_rule(hybrid, classical, verdict):
    summary = summarize_benchmark(_results(hybrid, classical))
    assert benchmark_verdict(summary)["verdict"].tolist() == [verdict]


def test_verdict_needs_both_families():
    summary = summarize_benchmark(_results([0.8], []))
    with pytest.raises(ValueError, match="at least one hybrid and one classical"):
        benchmark_verdict(summary)
