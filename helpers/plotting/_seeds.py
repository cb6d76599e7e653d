"""Results per seed and summaries of them: strip plots (one point per run, with "never reached"
runs censored), a forest plot of paired differences, and bars with error bars.

:func:`plot_bars_with_errors` and :func:`plot_seed_strip` are introduced in notebook 01,
:func:`plot_censored_strip` in notebook 02, :func:`plot_paired_differences` in notebook 05.
"""

from __future__ import annotations

import math
from typing import Any

from helpers.plotting._style import (
    _LONG_TICK_LABEL,
    _colour,
    _figure_and_axes,
    _format_number,
    _readable,
    _require_columns,
    _require_numeric,
)

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D


def plot_seed_strip(
    table: pd.DataFrame,
    value: str,
    group: str,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    xlabel: str | None = None,
    unit: str = "seeds",
) -> Figure:
    """One point per seed and a vertical tick at each group's median: for bounded results such
    as a final accuracy, where a mean ± sd bar can cross the bound and hide a bimodal spread.
    Introduced in notebook 01.

    Example:
        >>> table = pd.DataFrame({"model": ["a", "a", "b"], "accuracy": [0.8, 0.5, 0.9]})
        >>> fig = plot_seed_strip(table, "accuracy", "model")
    """
    if isinstance(table, pd.DataFrame) and value in table and table[value].isna().any():
        raise ValueError(
            f"table column {value!r} has NaN values; if they mean 'never reached', use "
            "plot_censored_strip(..., censored_at=<last epoch>), else drop them"
        )
    fig = plot_censored_strip(
        table, value, group, censored_at=None, ax=ax, title=title, xlabel=xlabel, unit=unit
    )
    ax = fig.axes[0] if ax is None else ax
    for y, name in enumerate(pd.unique(table[group])):
        median = float(table.loc[table[group] == name, value].median())
        ax.plot([median, median], [y - 0.3, y + 0.3], color="black", lw=2)
    return fig


def plot_censored_strip(
    table: pd.DataFrame,
    value: str,
    group: str,
    censored_at: float | None,
    *,
    hue: str | None = None,
    ax: Axes | None = None,
    title: str | None = None,
    xlabel: str | None = None,
    unit: str = "seeds",
) -> Figure:
    """A strip plot of a quantity with "never reached" runs: one point per run, per group.
    Introduced in notebook 02.

    Rows whose ``value`` is NaN are censored: the run ended (at ``censored_at``) without the
    event. They are drawn as hollow triangles at ``censored_at``, counted in the group's label,
    and never averaged as if they were numbers (with ``censored_at=None`` nothing is censored:
    :func:`plot_seed_strip` draws that way). Points are jittered vertically so that ties stay
    visible. With ``hue``, points are coloured by that column (e.g. an outcome class).

    Example:
        >>> table = pd.DataFrame({"setting": ["a", "a", "b"], "epoch": [120.0, np.nan, 40.0]})
        >>> fig = plot_censored_strip(table, "epoch", "setting", censored_at=1000)
    """
    _check_runs_table(table, value, group, hue)
    fig, ax = _figure_and_axes(ax)
    groups = list(pd.unique(table[group]))
    hues = list(pd.unique(table[hue])) if hue else [None]
    rng = np.random.default_rng(0)
    labels = []
    for y, name in enumerate(groups):
        rows = table[table[group] == name]
        censored = rows[value].isna()
        if censored_at is None:
            labels.append(f"{name}\n({len(rows)} {unit})")
        else:
            labels.append(f"{name}\n({int(censored.sum())} of {len(rows)} never)")
        for i, h in enumerate(hues):
            part = rows if h is None else rows[rows[hue] == h]
            jitter = y + rng.uniform(-0.2, 0.2, len(part))
            _draw_runs(ax, part[value], jitter, censored_at, _colour(i))
    if censored_at is not None:
        ax.axvline(censored_at, color="grey", lw=1, ls=":")
    ax.set_yticks(range(len(groups)), labels)
    ax.set_ylim(len(groups) - 0.5, -0.5)
    ax.set_xlabel(xlabel if xlabel is not None else _readable(value))
    default = f"{_readable(value)} per run" + (
        f" (hollow ▷: never, censored at {censored_at:g})" if censored_at is not None else ""
    )
    ax.set_title(title if title is not None else default)
    if hue:
        handles = [
            Line2D([], [], marker="o", ls="", color=_colour(i), label=str(h))
            for i, h in enumerate(hues)
        ]
        ax.legend(handles=handles, title=hue, frameon=False, loc="best")
    ax.grid(alpha=0.3, axis="x")
    return fig


def _check_runs_table(table: Any, value: str, group: str, hue: str | None) -> None:
    """Checks that ``table`` is a non-empty DataFrame with a numeric ``value`` column and the
    ``group`` (and ``hue``) columns."""
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"table must be a pandas DataFrame, got {type(table).__name__}")
    _require_columns(
        table,
        [value, group] + ([hue] if hue else []),
        "table",
        "Pass one row per run with the value (NaN when never reached) and the group column.",
    )
    if table.empty:
        raise ValueError("table has no rows; pass one row per run")
    _require_numeric(table, value, "table")


def _draw_runs(
    ax: Axes, values: pd.Series, heights: np.ndarray, censored_at: float | None, colour: str
) -> None:
    """Filled dots for the runs that reached a value; with ``censored_at``, hollow triangles at
    ``censored_at`` for the others (NaN)."""
    done = values.notna().to_numpy()
    ax.scatter(values[done], heights[done], color=colour, s=28, zorder=3)
    if censored_at is None:
        return
    ax.scatter(
        np.full((~done).sum(), censored_at),
        heights[~done],
        facecolors="none",
        edgecolors=colour,
        marker=">",
        s=40,
        zorder=3,
    )


def plot_paired_differences(
    table: pd.DataFrame,
    *,
    label: str = "model",
    hue: str | None = "family",
    ax: Axes | None = None,
    title: str | None = None,
    xlabel: str = "difference (test points)",
    scale: float = 1.0,
) -> Figure:
    """A forest plot: one row per comparison, its estimate as a dot and its 95% interval as a
    line, and a vertical line at 0 (no difference).
    Introduced in notebook 05.

    ``table`` needs ``label``, ``difference``, ``low`` and ``high`` columns, as
    :func:`helpers.paired_differences` returns; ``scale`` converts them (e.g. the
    number of test points). An interval that crosses the line at 0 is "no detectable
    difference". With ``hue``, rows are coloured by that column.

    Example:
        >>> table = pd.DataFrame({"model": ["a", "b"], "difference": [0.1, -0.02],
        ...                       "low": [0.05, -0.06], "high": [0.15, 0.01]})
        >>> fig = plot_paired_differences(table, hue=None)
    """
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"table must be a pandas DataFrame, got {type(table).__name__}")
    _require_columns(
        table,
        [label, "difference", "low", "high"],
        "table",
        "pass what helpers.paired_differences returns",
    )
    fig, ax = _figure_and_axes(ax, (6.4, 0.45 * len(table) + 1.2))
    groups = list(pd.unique(table[hue])) if hue else [None]
    for y, (_, row) in enumerate(table.iloc[::-1].iterrows()):
        colour = _colour(groups.index(row[hue])) if hue else _colour(0)
        ax.plot([row["low"] * scale, row["high"] * scale], [y, y], color=colour, linewidth=2)
        ax.plot(row["difference"] * scale, y, "o", color=colour)
    ax.axvline(0, color="black", linewidth=1, linestyle="--")
    ax.set_yticks(range(len(table)), [_readable(str(v)) for v in table[label].iloc[::-1]])
    ax.set(xlabel=xlabel, title=title or "Paired differences with 95% intervals")
    if hue:
        handles = [
            Line2D([], [], color=_colour(i), marker="o", linewidth=2, label=str(g))
            for i, g in enumerate(groups)
        ]
        ax.legend(
            handles=handles, frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0)
        )
    return fig


def plot_bars_with_errors(
    summary: pd.DataFrame,
    *,
    value: str = "mean",
    error: str = "sd",
    label: str = "model",
    ax: Axes | None = None,
    title: str | None = None,
    ylabel: str | None = None,
    annotate: bool = True,
) -> Figure:
    """Plots one bar per row of a summary table, with error bars.
    Not used by a notebook; for your own experiments.

    Each bar has its own :data:`PALETTE` colour, its height from the ``value`` column and an
    error bar of ± the ``error`` column (a missing error, e.g. the sd of a single seed, draws
    no error bar). With ``annotate``, each bar is labelled like ``"0.85 ± 0.03"``.

    Args:
        summary: one row per bar, e.g. columns ``model``, ``mean``, ``sd``, ``n``.
        value: column with the bar heights.
        error: column with the half-lengths of the error bars (non-negative).
        label: column with the x tick labels; long labels are rotated.
        ax: axes to draw into; a new figure is made when None.
        title: figure title; defaults to ``"<value> ± <error> by <label>"``.
        ylabel: y axis label; defaults to ``"<value> ± <error>"``. Pass the quantity and its
            unit, e.g. ``"test accuracy (fraction)"``.
        annotate: write the value and error on each bar.

    Returns:
        The figure drawn on.

    Example:
        >>> summary = pd.DataFrame({"model": ["classical", "hybrid"], "mean": [0.85, 0.88],
        ...                         "sd": [0.03, 0.02], "n": [5, 5]})
        >>> fig = plot_bars_with_errors(summary, ylabel="test accuracy (fraction)")
    """
    heights, errors, labels = _check_summary(summary, value, error, label)
    fig, ax = _figure_and_axes(ax, figsize=(max(4.0, 1.1 * len(labels) + 2.0), 4.2))
    positions = np.arange(len(labels))
    colours = [_colour(i) for i in range(len(labels))]
    ax.bar(
        positions,
        heights,
        yerr=errors,  # NaN draws no error bar
        capsize=6,
        color=colours,
        edgecolor="black",
        linewidth=0.6,
        error_kw={"elinewidth": 1.2, "ecolor": "black"},
    )
    _set_bar_labels(ax, positions, labels)
    if annotate:
        _annotate_bars(ax, positions, heights, errors)
        ax.margins(y=0.15)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xlabel(label.replace("_", " "))
    default_ylabel = f"{_readable(value)} ± {_readable(error)}"
    ax.set_ylabel(ylabel if ylabel is not None else default_ylabel)
    ax.set_title(title if title is not None else f"{default_ylabel} by {_readable(label)}")
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    return fig


def _check_summary(
    summary: Any, value: str, error: str, label: str
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Checks a summary table and returns its bar heights, error half-lengths and labels."""
    if not isinstance(summary, pd.DataFrame):
        raise TypeError(
            f"summary must be a pandas DataFrame with one row per bar, got {type(summary).__name__}"
        )
    _require_columns(
        summary,
        [label, value, error],
        "summary",
        "Pass value=, error= and label= to name the columns to use.",
    )
    if summary.empty:
        raise ValueError("summary has no rows; pass one row per bar")
    _require_numeric(summary, value, "summary")
    _require_numeric(summary, error, "summary")
    heights = summary[value].to_numpy(dtype=float)
    errors = summary[error].to_numpy(dtype=float)
    if (errors < 0).any():
        raise ValueError(
            f"summary column {error!r} has negative values; error bars need a spread such as "
            "the standard deviation (>= 0)"
        )
    return heights, errors, [str(v) for v in summary[label]]


def _set_bar_labels(ax: Axes, positions: np.ndarray, labels: list[str]) -> None:
    """Writes the x tick labels, rotated when one of them is long."""
    ax.set_xticks(positions, labels)
    if max(len(s) for s in labels) > _LONG_TICK_LABEL:
        ax.tick_params(axis="x", labelrotation=30)
        for tick in ax.get_xticklabels():
            tick.set_horizontalalignment("right")
            tick.set_rotation_mode("anchor")


def _annotate_bars(
    ax: Axes, positions: np.ndarray, heights: np.ndarray, errors: np.ndarray
) -> None:
    """Writes ``"value ± error"`` (or the value alone when the error is NaN) past each bar's
    error bar."""
    for pos, height, err in zip(positions, heights, errors, strict=True):
        text = _format_number(height)
        if np.isfinite(err):  # the error with the mean's decimals: "0.94 ± 0.01"
            everyday = height == 0 or 0.01 <= abs(height) < 1000
            text += f" ± {err:.2f}" if everyday else f" ± {_format_number(err)}"
        reach = height + (0.0 if not np.isfinite(err) else math.copysign(err, height))
        ax.annotate(
            text,
            xy=(pos, reach),
            xytext=(0, 4 if height >= 0 else -4),
            textcoords="offset points",
            ha="center",
            va="bottom" if height >= 0 else "top",
            fontsize=9,
        )
