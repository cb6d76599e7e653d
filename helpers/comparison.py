"""Paired comparisons of models on the same test points, with bootstrap intervals.

"Is A better than B?" is answered on the *same* test points and the *same* seeds, so that the
variation the two share (hard points, lucky seeds) cancels. A contrast is a weighted sum of
model accuracies: ``{"A": 1, "B": -1}`` is the difference A − B; in a 2 × 2 design,
``{"a1 b1": .5, "a1 b2": .5, "a2 b1": -.5, "a2 b2": -.5}`` is the main effect of factor a.
Its 95% interval comes from a two-way bootstrap that resamples seeds and test points
independently (both are samples: of initialisations and of the data), keeping every model's
seed ``i`` and test point ``j`` together. An interval that contains 0 is "no detectable
difference", whatever the sign of the estimate.

Introduced in notebook 03 (order versus pretraining).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from helpers._checks import check_int, check_seed

import keras
import numpy as np
import pandas as pd


def _correct_mask(probabilities: Any, y: Any, threshold: float = 0.5) -> np.ndarray:
    """One bool per sample: is it classified correctly? A sample counts as class 1 when its
    probability exceeds ``threshold``; ``y`` holds 0/1 labels. Shared by
    :func:`correct_per_point` and :mod:`helpers.benchmark`."""
    y = np.asarray(y).reshape(-1)
    predicted = np.asarray(probabilities).reshape(len(y)) > threshold
    return predicted == (y > 0.5)


def correct_per_point(
    models: Sequence[keras.Model], x: np.ndarray, y: np.ndarray, threshold: float = 0.5
) -> np.ndarray:
    """Which test points each model classifies correctly: shape ``(len(models), len(y))``.
    Introduced in notebook 03.

    Each model must output one probability per sample (a sigmoid unit); a sample counts as
    class 1 when that probability exceeds ``threshold``. Pass one trained model per seed, in
    the same seed order for every model you compare.

    Example:
        >>> x, y = np.array([[0.0], [1.0], [2.0]]), np.array([0, 1, 1])
        >>> model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, "sigmoid")])
        >>> model.set_weights([np.array([[10.0]]), np.array([-5.0])])  # p > 0.5 when x > 0.5
        >>> correct_per_point([model, model], x, y)  # two seeds' models
        array([[1., 1., 1.],
               [1., 1., 1.]])
        >>> float(correct_per_point([model], x, 1 - y).mean())  # mean test accuracy over seeds
        0.0
    """
    if not len(models):
        raise ValueError("models is empty; pass the trained models, one per seed")
    y = np.asarray(y).reshape(-1)
    rows = []
    for model in models:
        p = np.asarray(model.predict(x, verbose=0))
        if p.ndim != 2 or p.shape[1] != 1:
            raise ValueError(
                f"{model.name} outputs shape {p.shape}; correct_per_point needs one sigmoid "
                "probability per sample, shape (n, 1)"
            )
        rows.append(_correct_mask(p[:, 0], y, threshold))
    return np.array(rows, dtype=float)


def _stack(correct: Mapping[str, np.ndarray], weights: Mapping[str, float]) -> np.ndarray:
    unknown = sorted(set(weights) - set(correct))
    if unknown:
        raise ValueError(f"the contrast names {unknown}, which are not among {sorted(correct)}")
    shapes = {name: np.shape(correct[name]) for name in weights}
    if len(set(shapes.values())) != 1 or len(next(iter(shapes.values()))) != 2:
        raise ValueError(
            f"every model needs an array of shape (seeds, test points), all alike; got {shapes}"
        )
    return sum(float(w) * np.asarray(correct[name], dtype=float) for name, w in weights.items())


def _check_bootstrap(n_boot: Any, level: Any) -> int:
    n_boot = check_int(n_boot, "n_boot", minimum=100, fix="e.g. n_boot=10_000")
    if not 0 < level < 1:
        raise ValueError(f"level must lie between 0 and 1, got {level!r}; e.g. level=0.95")
    return n_boot


def _two_way_draws(diff: np.ndarray, rng: np.random.Generator, n_boot: int) -> np.ndarray:
    """``n_boot`` bootstrap means of ``diff`` (seeds × points), resampling both axes."""
    n_seeds, n_points = diff.shape
    seeds = rng.multinomial(n_seeds, np.full(n_seeds, 1 / n_seeds), size=n_boot)
    points = rng.multinomial(n_points, np.full(n_points, 1 / n_points), size=n_boot)
    return ((seeds @ diff) * points).sum(axis=1) / (n_seeds * n_points)


def _summary(estimate: float, boot: np.ndarray, level: float) -> dict[str, float]:
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(boot, [tail, 100 - tail])
    return {"estimate": estimate, "low": float(low), "high": float(high)}


def contrast_interval(
    correct: Mapping[str, np.ndarray],
    weights: Mapping[str, float],
    *,
    n_boot: int = 10_000,
    level: float = 0.95,
    seed: int = 0,
) -> dict[str, float]:
    """A contrast of accuracies and its bootstrap interval, resampling seeds and test points.
    Introduced in notebook 02.

    Args:
        correct: per model, an array ``(n_seeds, n_points)`` of 1.0 (correct) and 0.0, as from
            :func:`correct_per_point`; seed ``i`` and point ``j`` must mean the same in all.
            Per-seed accuracies as ``(n_seeds, 1)`` work too (then only seeds are resampled).
        weights: the contrast, ``{model: weight}``; ``{"A": 1, "B": -1}`` is A − B.
        n_boot: bootstrap draws.
        level: the interval's coverage.
        seed: the bootstrap's random seed.

    Returns:
        ``{"estimate", "low", "high"}`` in accuracy units (multiply by the number of test points
        for test points).

    Example:
        >>> correct = {"A": np.ones((3, 10)), "B": np.zeros((3, 10))}
        >>> contrast_interval(correct, {"A": 1, "B": -1})["estimate"]
        1.0
    """
    n_boot = _check_bootstrap(n_boot, level)
    diff = _stack(correct, weights)
    rng = np.random.default_rng(check_seed(seed, "seed"))
    return _summary(float(diff.mean()), _two_way_draws(diff, rng, n_boot), level)


def contrast_table(
    correct: Mapping[str, np.ndarray],
    contrasts: Mapping[str, Mapping[str, float]],
    *,
    n_points: int | None = None,
    n_boot: int = 10_000,
    seed: int = 0,
) -> pd.DataFrame:
    """One row per named contrast: the estimate and its 95% interval, in accuracy and in test
    points, and the verdict ("A > B" style words are left to the reader: the column says
    whether the interval excludes 0).
    Introduced in notebook 03.

    ``n_points`` converts accuracies into test points; by default it is the arrays' second
    dimension (pass the test-set size when the arrays hold per-seed accuracies).

    Example:
        >>> correct = {"A": np.ones((3, 10)), "B": np.zeros((3, 10))}
        >>> table = contrast_table(correct, {"A − B": {"A": 1, "B": -1}})
        >>> list(table.columns)
        ['estimate', 'low', 'high', 'test points', 'interval (test points)', 'verdict']
    """
    if not contrasts:
        raise ValueError("contrasts is empty; pass e.g. {'A − B': {'A': 1, 'B': -1}}")
    rows = {}
    for name, weights in contrasts.items():
        result = contrast_interval(correct, weights, n_boot=n_boot, seed=seed)
        size = np.shape(next(iter(correct.values())))[1] if n_points is None else n_points
        excludes_zero = result["low"] > 0 or result["high"] < 0
        low, high = result["low"] * size, result["high"] * size
        rows[name] = {
            **result,
            "test points": result["estimate"] * size,
            "interval (test points)": f"{low:+.1f} to {high:+.1f}",
            "verdict": "detectable" if excludes_zero else "no detectable difference",
        }
    return pd.DataFrame.from_dict(rows, orient="index").round(
        {"estimate": 3, "low": 3, "high": 3, "test points": 1}
    )


def factorial_contrasts(
    cells: Mapping[tuple[str, str], str], factor_names: tuple[str, str]
) -> dict[str, dict[str, float]]:
    """The main effects and the interaction of a 2 × 2 design, as contrasts.
    Introduced in notebook 03.

    ``cells`` maps ``(level of factor 1, level of factor 2)`` to a model name; the first level
    met of each factor is the one the effect is measured *from*. Main effects average over the
    other factor; the interaction is how much factor 1's effect changes with factor 2.

    Example:
        >>> cells = {("QC", "scratch"): "a", ("QC", "frozen"): "b",
        ...          ("CQ", "scratch"): "c", ("CQ", "frozen"): "d"}
        >>> sorted(factorial_contrasts(cells, ("order", "pretraining"))["order: CQ − QC"].items())
        [('a', -0.5), ('b', -0.5), ('c', 0.5), ('d', 0.5)]
    """
    levels = [list(dict.fromkeys(key[i] for key in cells)) for i in (0, 1)]
    if any(len(lv) != 2 for lv in levels) or len(cells) != 4:
        raise ValueError(
            f"a 2 × 2 design needs 4 cells with two levels per factor; got levels {levels}"
        )
    (a0, a1), (b0, b1) = levels
    first, second = factor_names
    return {
        f"{first}: {a1} − {a0}": {
            cells[(a1, b0)]: 0.5,
            cells[(a1, b1)]: 0.5,
            cells[(a0, b0)]: -0.5,
            cells[(a0, b1)]: -0.5,
        },
        f"{second}: {b1} − {b0}": {
            cells[(a0, b1)]: 0.5,
            cells[(a1, b1)]: 0.5,
            cells[(a0, b0)]: -0.5,
            cells[(a1, b0)]: -0.5,
        },
        "interaction": {
            cells[(a1, b1)]: 1.0,
            cells[(a0, b0)]: 1.0,
            cells[(a1, b0)]: -1.0,
            cells[(a0, b1)]: -1.0,
        },
    }


def split_contrast_interval(
    per_split: Sequence[Mapping[str, np.ndarray]],
    weights: Mapping[str, float],
    *,
    n_boot: int = 10_000,
    level: float = 0.95,
    seed: int = 0,
) -> dict[str, float]:
    """:func:`contrast_interval` over several data splits, each with its own test points.
    Not used by a notebook; for your own experiments.

    ``per_split`` holds, for each split, what :func:`contrast_interval` takes: per model an
    array ``(n_seeds, n_points)``. The estimate is the mean over splits of each split's
    contrast; the bootstrap resamples splits, then, within each drawn split, its seeds and
    test points (a hierarchical bootstrap), so the interval covers the choice of split as
    well as initialisation and test sampling.

    Example:
        >>> split = {"A": np.ones((3, 10)), "B": np.zeros((3, 10))}
        >>> split_contrast_interval([split, split], {"A": 1, "B": -1})["estimate"]
        1.0
    """
    n_boot = _check_bootstrap(n_boot, level)
    if isinstance(per_split, Mapping) or not len(per_split):
        raise ValueError("per_split must be a non-empty list with one mapping per data split")
    rng = np.random.default_rng(check_seed(seed, "seed"))
    diffs = [_stack(split, weights) for split in per_split]
    # each split's own bootstrap draws of its contrast
    inner = np.stack([_two_way_draws(diff, rng, n_boot) for diff in diffs])
    drawn = rng.integers(0, len(diffs), size=(n_boot, len(diffs)))
    columns = (np.arange(n_boot)[:, None] + np.arange(len(diffs))[None, :] * 7919) % n_boot
    boot = inner[drawn, columns].mean(axis=1)
    return _summary(float(np.mean([d.mean() for d in diffs])), boot, level)
