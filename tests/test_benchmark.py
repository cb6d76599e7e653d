"""Unit tests for helpers.benchmark, helpers.benchmark_models and helpers.benchmark_stats
(notebook 05's protocol)."""

from __future__ import annotations

import functools

from helpers.benchmark import run_benchmark, run_one, tune_one
from helpers.benchmark_models import (
    BENCHMARK_MODELS,
    LEARNING_RATES,
    _budget,
    benchmark_model,
    register_model,
    registered_models,
)
from helpers.benchmark_stats import (
    benchmark_verdict,
    paired_differences,
    results_for_csv,
    summarize_benchmark,
)
from helpers.data import make_moons_dataset
from helpers.introspection import count_trainable_params
from helpers.models import build_depth_model

import numpy as np
import pandas as pd
import pytest


@pytest.fixture(scope="module")
def moons():
    return make_moons_dataset(n_samples=60)


@pytest.mark.slow
@pytest.mark.parametrize("model", BENCHMARK_MODELS)
def test_every_model_trains_and_reports_a_row(model, moons):
    row = run_one(
        model, moons, seed=0, epochs=1, hyper=0.05 if benchmark_model(model).grid else None
    )
    assert row["model"] == model
    assert 0.0 <= row["test_accuracy"] <= 1.0
    assert row["test_correct"].shape == moons.y_test.shape
    assert row["test_correct"].mean() == pytest.approx(row["test_accuracy"])
    expected = {
        "logistic regression": 3,
        "re-uploading (04)": 21,
        "re-uploading, no entanglement": 21,
        "MLP, same budget": 21,
        "Fourier surrogate": 49,
    }
    assert row["parameters"] == expected.get(model, row["parameters"])
    assert row["fit_seconds"] > 0


def test_controls_differ_from_the_model_as_described():
    frozen = build_depth_model("reuploading", 2, 3, frozen_random=True)
    assert count_trainable_params(frozen) == 3  # the readout only
    weights = frozen.get_layer("quantum").get_weights()[0]
    assert weights.max() > 1.0  # uniform in [0, 2π), not Glorot's small values
    plain = build_depth_model("reuploading", 2, 3, entangle=False)
    with pytest.raises(ValueError, match="'reuploading' only"):
        build_depth_model("single", 2, 3, entangle=False)
    x = np.array([[0.3, 2.0]], dtype="float32")
    plain.get_layer("quantum").set_weights([np.zeros((3, 2, 3), dtype="float32")])
    # Without CNOTs and with identity rotations, qubit 0 only sees x1: <Z0> = cos(3 x1).
    out = np.asarray(plain.get_layer("quantum")(x))[0, 0]
    assert out == pytest.approx(np.cos(3 * 0.3), abs=1e-5)


@pytest.mark.parametrize("n", [2, 3, 4])
def test_budget_counts_the_reuploading_model_from_its_weight_shapes(n):
    assert _budget(n) == count_trainable_params(build_depth_model("reuploading", n, 3))


@pytest.mark.slow
def test_tuning_reads_only_the_training_split(moons):
    chosen = tune_one("MLP, same budget", moons, epochs=1)
    assert chosen in LEARNING_RATES
    assert tune_one("logistic regression", moons, epochs=1) is None


@pytest.mark.slow
@pytest.mark.backend
def test_same_seed_same_result_serial_and_in_worker_processes(moons):
    args = ([moons], ["re-uploading (04)", "logistic regression"], [0, 1], 1)
    serial = run_benchmark(*args, n_jobs=1)
    parallel = run_benchmark(*args, n_jobs=2)
    assert serial["pid"].nunique() == 1
    assert not set(parallel["pid"]) & set(serial["pid"])  # really ran elsewhere
    columns = ["dataset", "split", "model", "seed", "hyper", "test_accuracy", "parameters"]
    pd.testing.assert_frame_equal(serial[columns], parallel[columns])


@pytest.mark.slow
def test_repeated_splits_and_unseeded_models_are_copied_to_every_seed():
    build = functools.partial(make_moons_dataset, n_samples=60)
    results = run_benchmark([build], ["logistic regression"], [0, 1, 2], 1, n_jobs=1, splits=[3, 4])
    assert sorted(set(results["split"])) == [3, 4]
    assert len(results) == 6
    per_split = results.groupby("split")["test_accuracy"].nunique()
    assert (per_split == 1).all()  # no randomness: one fit per split, copied to each seed
    with pytest.raises(ValueError, match="function seed -> Dataset"):
        run_benchmark([build(seed=0)], ["logistic regression"], [0], 1, splits=[0, 1])


def test_register_model_adds_a_row_that_runs(moons):
    def fit_constant(data, seed, epochs, batch_size, hyper):
        p = float(np.mean(data.y_train))
        return (lambda x: np.full(len(x), p)), 1

    register_model(
        "majority (test)", "classical", fit_constant, "predicts the training mean", replace=True
    )
    assert "majority (test)" in registered_models()["model"].tolist()
    row = run_one("majority (test)", moons, seed=0, epochs=1)
    assert row["parameters"] == 1
    with pytest.raises(ValueError, match="already registered"):
        register_model("majority (test)", "classical", fit_constant)
    with pytest.raises(ValueError, match="family must be one of"):
        register_model("x", "quantum", fit_constant)
    with pytest.raises(TypeError, match="fit must be a function"):
        register_model("y", "classical", "not a function")


def _synthetic(hybrid_rate, classical_rate, splits=5, seeds=3, points=50, seed=0):
    rng = np.random.default_rng(seed)
    rows = []
    for split in range(splits):
        for model, family, rate in (
            ("h", "hybrid", hybrid_rate),
            ("c", "classical", classical_rate),
        ):
            for s in range(seeds):
                correct = rng.random(points) < rate
                rows.append(
                    {
                        "dataset": "d",
                        "split": split,
                        "model": model,
                        "family": family,
                        "seed": s,
                        "test_accuracy": correct.mean(),
                        "train_accuracy": 1.0,
                        "fit_seconds": 1.0,
                        "parameters": 3,
                        "test_correct": correct,
                    }
                )
    return pd.DataFrame(rows)


def test_verdict_detects_a_known_difference_and_not_a_null():
    real = benchmark_verdict(_synthetic(0.95, 0.75), hybrid="h", classical="c")
    assert real["verdict"].tolist() == ["hybrid better"]
    assert real["low"].iloc[0] > 0
    null = benchmark_verdict(_synthetic(0.8, 0.8), hybrid="h", classical="c")
    assert null["verdict"].tolist() == ["no detectable difference"]
    assert null["low"].iloc[0] < 0 < null["high"].iloc[0]
    worse = paired_differences(_synthetic(0.6, 0.9), "c")
    assert worse["verdict"].tolist() == ["c better"]


def test_summaries_count_runs_and_refuse_duplicates():
    results = _synthetic(0.8, 0.7)
    summary = summarize_benchmark(results)
    assert summary["n"].tolist() == [15, 15]
    with pytest.raises(ValueError, match="more than once"):
        summarize_benchmark(pd.concat([results, results]))
    assert set(results_for_csv(results)["test_correct"].iloc[0]) <= {"0", "1"}
    with pytest.raises(ValueError, match="not among"):
        benchmark_verdict(results, hybrid="nope", classical="c")
