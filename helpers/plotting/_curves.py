"""Curves over seeds: one thin line per seed and a thick median line, never a mean ± sd band.

:func:`plot_training_curves` (a metric against epoch) is introduced in notebook 00 (setup check);
:func:`plot_seed_lines` (a result along a setting such as a noise strength) in notebook 06.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from helpers.plotting._style import (
    PALETTE,
    _colour,
    _figure_and_axes,
    _readable,
    _require_columns,
    _require_numeric,
)

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator


def plot_training_curves(
    history: pd.DataFrame,
    metric: str = "val_accuracy",
    *,
    group: str = "model",
    ax: Axes | None = None,
    title: str | None = None,
    ylabel: str | None = None,
    order: Sequence[Any] | None = None,
) -> Figure:
    """Plots one metric against epoch: one thin line per seed and the median over seeds.
    Introduced in notebook 00.

    ``history`` is the course's tidy long format: one row per (group, seed, epoch) with columns
    ``model`` (or whatever ``group`` names), ``seed``, ``epoch`` (from 1) and metric columns such
    as ``loss``, ``accuracy``, ``val_loss``, ``val_accuracy``. Each group gets one colour: a thin
    line per seed and a thick line for the median over its seeds at each epoch. Accuracy and
    loss are bounded, and runs are often bimodal (some seeds stuck, some trained), so the
    course never draws a mean ± sd band, which can cross the bounds and hide both modes. The
    legend reads ``"name (n seeds)"``.

    Args:
        history: long-format training histories.
        metric: the column to plot.
        group: the column whose values get one colour each.
        ax: axes to draw into; a new figure is made when None.
        title: figure title; defaults to ``"<metric> per epoch (thin: seeds, thick: median)"``.
        ylabel: y axis label; defaults to ``metric`` with underscores as spaces.
        order: the groups in drawing order; each keeps the colour of its position, so panels
            that show different subsets of the same groups colour them alike.

    Returns:
        The figure drawn on.

    Example:
        >>> history = pd.DataFrame({
        ...     "model": ["classical"] * 4, "seed": [0, 0, 1, 1], "epoch": [1, 2, 1, 2],
        ...     "val_accuracy": [0.6, 0.8, 0.5, 0.9]})
        >>> fig = plot_training_curves(history, "val_accuracy", ylabel="test accuracy (fraction)")
    """
    _check_history(history, metric, group)
    fig, ax = _figure_and_axes(ax)
    names = list(order) if order is not None else list(pd.unique(history[group]))
    unknown = set(pd.unique(history[group])) - set(names)
    if unknown:
        raise ValueError(f"order lacks the group(s) {sorted(map(str, unknown))}; list every group")
    for i, name in enumerate(names):
        runs = history[history[group] == name]
        if not runs.empty:
            _draw_seeds_and_median(ax, runs, metric, name, _colour(i))

    readable = _readable(metric)
    ax.set_xlabel("epoch")
    ax.set_ylabel(ylabel if ylabel is not None else readable)
    ax.set_title(
        title if title is not None else f"{readable} per epoch (thin: seeds, thick: median)"
    )
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(alpha=0.3)
    ax.legend(title=group, frameon=False)
    return fig


def _check_history(history: Any, metric: str, group: str) -> None:
    """Checks that ``history`` is a non-empty long-format table with one row per
    (group, seed, epoch) and a numeric ``metric`` column."""
    if not isinstance(history, pd.DataFrame):
        raise TypeError(
            f"history must be a pandas DataFrame in long format, got {type(history).__name__}"
        )
    _require_columns(
        history,
        [group, "seed", "epoch", metric],
        "history",
        "Expected one row per (model, seed, epoch) with metric columns; for a single run add "
        "history['seed'] = 0, and pass metric= (or group=) to pick another column.",
    )
    if history.empty:
        raise ValueError("history has no rows; train at least one model for one epoch first")
    _require_numeric(history, metric, "history")
    duplicated = history.duplicated(subset=[group, "seed", "epoch"])
    if duplicated.any():
        example = history.loc[duplicated, [group, "seed", "epoch"]].iloc[0].to_dict()
        raise ValueError(
            f"history has {int(duplicated.sum())} repeated ({group}, seed, epoch) rows, e.g. "
            f"{example}; drop duplicates (was a run concatenated twice?) or pass group= to "
            "separate the runs"
        )


def _draw_seeds_and_median(
    ax: Axes, runs: pd.DataFrame, metric: str, name: Any, colour: str
) -> None:
    """One group's runs: a thin line per seed (when there are two or more) and the labelled
    median over seeds at each epoch."""
    n_seeds = runs["seed"].nunique()
    if n_seeds >= 2:
        for _, run in runs.groupby("seed", sort=False):
            run = run.sort_values("epoch")
            ax.plot(run["epoch"], run[metric], color=colour, linewidth=0.8, alpha=0.35)
    median = runs.groupby("epoch")[metric].median().sort_index()
    label = f"{name} ({n_seeds} seed{'s' if n_seeds != 1 else ''})"
    ax.plot(median.index, median.to_numpy(dtype=float), color=colour, label=label, lw=2.2)


def plot_seed_lines(
    table: pd.DataFrame,
    x: str,
    value: str,
    panel: str,
    *,
    seed: str = "seed",
    xscale: str = "linear",
    ylim: tuple[float, float] | None = (0.0, 1.0),
    title: str | None = None,
) -> Figure:
    """One thin line per seed and a thick median line, one panel per value of ``panel``, with a
    shared y range: for a bounded result (an accuracy) measured along a setting such as a noise
    strength, where a mean ± sd band could cross the bound.
    Introduced in notebook 06.

    Example:
        >>> table = pd.DataFrame({"seed": [0, 0, 1, 1], "p": [0, 0.1, 0, 0.1],
        ...                       "accuracy": [0.9, 0.8, 0.85, 0.7], "channel": ["d"] * 4})
        >>> fig = plot_seed_lines(table, "p", "accuracy", "channel")
    """
    missing = [c for c in (x, value, panel, seed) if c not in table]
    if missing:
        raise ValueError(f"table has no column(s) {missing}; its columns are {list(table)}")
    panels = list(dict.fromkeys(table[panel]))
    fig, axes = plt.subplots(
        1,
        len(panels),
        figsize=(4.2 * len(panels), 3.4),
        sharey=True,
        squeeze=False,
        layout="constrained",
    )
    for ax, name, colour in zip(axes[0], panels, PALETTE, strict=False):
        part = table[table[panel] == name]
        for _, run in part.groupby(seed):
            run = run.sort_values(x)
            ax.plot(run[x], run[value], color=colour, alpha=0.35, linewidth=1)
        median = part.groupby(x)[value].median()
        ax.plot(
            median.index,
            median.to_numpy(),
            color=colour,
            linewidth=2.5,
            marker="o",
            label=f"median of {part[seed].nunique()} seeds",
        )
        ax.set(title=str(name), xlabel=x, xscale=xscale)
        ax.legend(loc="lower left", frameon=False)
    axes[0][0].set_ylabel(value)
    if ylim is not None:
        axes[0][0].set_ylim(*ylim)
    if title:
        fig.suptitle(title)
    return fig
