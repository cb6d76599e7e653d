"""Unit tests for helpers.comparison: paired contrasts and their bootstrap intervals."""

from __future__ import annotations

from helpers.comparison import (
    contrast_interval,
    contrast_table,
    correct_per_point,
    factorial_contrasts,
    split_contrast_interval,
)

import keras
import numpy as np
import pytest

RNG = np.random.default_rng(0)


def _constant_model(probability: float) -> keras.Model:
    model = keras.Sequential(
        [
            keras.Input((2,)),
            keras.layers.Dense(
                1,
                activation="sigmoid",
                kernel_initializer="zeros",
                bias_initializer=keras.initializers.Constant(
                    float(np.log(probability / (1 - probability)))
                ),
            ),
        ]
    )
    return model


def test_correct_per_point_marks_each_model_and_point():
    x = np.zeros((4, 2), dtype="float32")
    y = np.array([1, 1, 0, 0])
    correct = correct_per_point([_constant_model(0.9), _constant_model(0.1)], x, y)
    np.testing.assert_array_equal(correct, [[1, 1, 0, 0], [0, 0, 1, 1]])


def test_correct_per_point_refuses_two_outputs_and_no_models():
    two = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="one sigmoid probability"):
        correct_per_point([two], np.zeros((3, 2)), np.zeros(3))
    with pytest.raises(ValueError, match="models is empty"):
        correct_per_point([], np.zeros((3, 2)), np.zeros(3))


def test_a_clear_difference_has_an_interval_that_excludes_zero():
    a = (RNG.random((5, 200)) < 0.9).astype(float)
    b = (RNG.random((5, 200)) < 0.6).astype(float)
    result = contrast_interval({"a": a, "b": b}, {"a": 1, "b": -1})
    assert result["estimate"] == pytest.approx(a.mean() - b.mean())
    assert 0 < result["low"] < result["estimate"] < result["high"]


def test_identical_models_give_a_zero_width_interval_at_zero():
    a = (RNG.random((5, 50)) < 0.7).astype(float)
    result = contrast_interval({"a": a, "b": a.copy()}, {"a": 1, "b": -1})
    assert result == {"estimate": 0.0, "low": 0.0, "high": 0.0}


def test_pairing_makes_the_interval_narrower_than_shuffled_points():
    hard = RNG.random(300) < 0.3  # points both models get wrong
    a = np.tile(~hard, (5, 1)).astype(float)
    b = a.copy()
    b[:, :15] = 1 - b[:, :15]  # b differs on 15 points only
    paired = contrast_interval({"a": a, "b": b}, {"a": 1, "b": -1})
    shuffled = contrast_interval({"a": a, "b": b[:, RNG.permutation(300)]}, {"a": 1, "b": -1})
    assert paired["high"] - paired["low"] < (shuffled["high"] - shuffled["low"]) / 2


def test_contrast_interval_rejects_mismatched_shapes_and_unknown_names():
    with pytest.raises(ValueError, match="all alike"):
        contrast_interval({"a": np.ones((3, 4)), "b": np.ones((2, 4))}, {"a": 1, "b": -1})
    with pytest.raises(ValueError, match="not among"):
        contrast_interval({"a": np.ones((3, 4))}, {"a": 1, "c": -1})
    with pytest.raises(ValueError, match="level"):
        contrast_interval({"a": np.ones((3, 4))}, {"a": 1}, level=95)


def test_contrast_table_reports_points_and_verdicts():
    a, b = np.ones((3, 40)), np.zeros((3, 40))
    table = contrast_table({"a": a, "b": b}, {"a − b": {"a": 1, "b": -1}, "a − a": {"a": 0}})
    assert table.loc["a − b", "test points"] == 40
    assert table.loc["a − b", "verdict"] == "detectable"
    assert table.loc["a − a", "verdict"] == "no detectable difference"
    per_seed = contrast_table({"a": a[:, :1], "b": b[:, :1]}, {"d": {"a": 1, "b": -1}}, n_points=40)
    assert per_seed.loc["d", "test points"] == 40


def test_factorial_contrasts_recover_main_effects_and_interaction():
    cells = {("QC", "s"): "qs", ("QC", "f"): "qf", ("CQ", "s"): "cs", ("CQ", "f"): "cf"}
    accuracy = {"qs": 0.70, "qf": 0.80, "cs": 0.90, "cf": 0.90}
    correct = {name: np.full((2, 10), value) for name, value in accuracy.items()}
    table = contrast_table(correct, factorial_contrasts(cells, ("order", "pretraining")))
    assert table.loc["order: CQ − QC", "estimate"] == pytest.approx(0.15)
    assert table.loc["pretraining: f − s", "estimate"] == pytest.approx(0.05)
    assert table.loc["interaction", "estimate"] == pytest.approx(-0.10)
    with pytest.raises(ValueError, match="2 × 2"):
        factorial_contrasts({("a", "b"): "x"}, ("f1", "f2"))


def test_split_contrast_detects_a_real_difference_and_not_a_null():
    rng = np.random.default_rng(1)
    better = [
        {"a": (rng.random((3, 50)) < 0.9).astype(float), "b": (rng.random((3, 50)) < 0.7)}
        for _ in range(5)
    ]
    null = [
        {"a": (rng.random((3, 50)) < 0.8).astype(float), "b": (rng.random((3, 50)) < 0.8)}
        for _ in range(5)
    ]
    real = split_contrast_interval(better, {"a": 1, "b": -1})
    assert real["low"] > 0
    none = split_contrast_interval(null, {"a": 1, "b": -1})
    assert none["low"] < 0 < none["high"]


def test_split_contrast_widens_when_splits_disagree():
    same = {"a": np.ones((2, 20)), "b": np.tile([1.0, 0.0], (2, 10))}
    flipped = {"a": np.tile([1.0, 0.0], (2, 10)), "b": np.ones((2, 20))}
    agree = split_contrast_interval([same, same, same, same], {"a": 1, "b": -1})
    disagree = split_contrast_interval([same, flipped, same, flipped], {"a": 1, "b": -1})
    assert agree["estimate"] == pytest.approx(0.5)
    assert disagree["estimate"] == pytest.approx(0.0)
    assert disagree["high"] - disagree["low"] > agree["high"] - agree["low"]
    with pytest.raises(ValueError, match="one mapping per data split"):
        split_contrast_interval(same, {"a": 1, "b": -1})
