"""Figures for the course: training curves, decision boundaries and bar charts with error bars.

Every function returns the matplotlib :class:`~matplotlib.figure.Figure` it drew on and takes an
optional ``ax`` to draw into an existing panel (e.g. one made by :func:`plot_grid`). Colours come
from :data:`PALETTE`, the Okabe-Ito palette, which stays distinguishable with the common forms of
colour blindness. The module never chooses a matplotlib backend: notebooks (and tests) do.

Introduced in notebook 00 (setup check); used from notebook 01 on.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from helpers._checks import check_int

__all__ = [
    "PALETTE",
    "plot_bars_with_errors",
    "plot_censored_strip",
    "plot_decision_boundary",
    "plot_grid",
    "plot_seed_lines",
    "plot_seed_strip",
    "plot_spectra",
    "plot_training_curves",
    "separate_lines",
]

#: Okabe-Ito colours (Okabe & Ito, "Color Universal Design", 2008), cycled in this order.
PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
    "#000000",  # black
)

_DEFAULT_SIZE = (6.4, 4.2)
_LONG_TICK_LABEL = 10  # characters; longer x tick labels are rotated


def _colour(i: int) -> str:
    """The i-th colour of PALETTE, cycling when there are more series than colours."""
    return PALETTE[i % len(PALETTE)]


def _figure_and_axes(
    ax: Axes | None, figsize: tuple[float, float] = _DEFAULT_SIZE
) -> tuple[Figure, Axes]:
    """Returns (figure, axes): ``ax`` and its figure, or a new single-panel figure."""
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize, layout="constrained")
        return fig, ax
    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    return ax.figure, ax


def _require_columns(df: pd.DataFrame, columns: Sequence[str], what: str, hint: str) -> None:
    """Raises a ValueError naming the missing columns and the columns present."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(
            f"{what} is missing column(s) {missing}; columns present: {list(df.columns)}. {hint}"
        )


def _require_numeric(df: pd.DataFrame, column: str, what: str) -> None:
    """Raises a ValueError when a column is not numeric."""
    if not pd.api.types.is_numeric_dtype(df[column]):
        raise ValueError(
            f"{what} column {column!r} must be numeric, got dtype {df[column].dtype}; "
            "convert it with pd.to_numeric or choose a numeric column"
        )


def _readable(name: str) -> str:
    """'val_accuracy' -> 'val accuracy'."""
    return name.replace("_", " ")


def _format_number(value: float) -> str:
    """Two decimals for everyday magnitudes, two significant digits otherwise."""
    if value == 0 or 0.01 <= abs(value) < 1000:
        return f"{value:.2f}"
    return f"{value:.2g}"


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

    fig, ax = _figure_and_axes(ax)
    names = list(order) if order is not None else list(pd.unique(history[group]))
    unknown = set(pd.unique(history[group])) - set(names)
    if unknown:
        raise ValueError(f"order lacks the group(s) {sorted(map(str, unknown))}; list every group")
    for i, name in enumerate(names):
        runs = history[history[group] == name]
        if runs.empty:
            continue
        colour = _colour(i)
        n_seeds = runs["seed"].nunique()
        if n_seeds >= 2:
            for _, run in runs.groupby("seed", sort=False):
                run = run.sort_values("epoch")
                ax.plot(run["epoch"], run[metric], color=colour, linewidth=0.8, alpha=0.35)
        median = runs.groupby("epoch")[metric].median().sort_index()
        label = f"{name} ({n_seeds} seed{'s' if n_seeds != 1 else ''})"
        ax.plot(median.index, median.to_numpy(dtype=float), color=colour, label=label, lw=2.2)

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

    Rows whose ``value`` is NaN are censored: the run ended (at ``censored_at``) without the
    event. They are drawn as hollow triangles at ``censored_at``, counted in the group's label,
    and never averaged as if they were numbers (with ``censored_at=None`` nothing is censored:
    :func:`plot_seed_strip` draws that way). Points are jittered vertically so that ties stay
    visible. With ``hue``, points are coloured by that column (e.g. an outcome class).

    Example:
        >>> table = pd.DataFrame({"setting": ["a", "a", "b"], "epoch": [120.0, np.nan, 40.0]})
        >>> fig = plot_censored_strip(table, "epoch", "setting", censored_at=1000)
    """
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
            done = part[value].notna().to_numpy()
            colour = _colour(i)
            ax.scatter(part[value][done], jitter[done], color=colour, s=28, zorder=3)
            if censored_at is None:
                continue
            ax.scatter(
                np.full((~done).sum(), censored_at),
                jitter[~done],
                facecolors="none",
                edgecolors=colour,
                marker=">",
                s=40,
                zorder=3,
            )
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


def plot_decision_boundary(
    predict: Callable[[np.ndarray], np.ndarray],
    x: np.ndarray,
    y: np.ndarray,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    grid_size: int = 80,
    padding: float = 0.3,
    feature_names: tuple[str, str] = ("x1", "x2"),
) -> Figure:
    """Plots a binary classifier's probability over the plane, its 0.5 contour and the data.

    ``predict`` is called once, on a ``(grid_size**2, 2)`` float32 array covering the data's
    range plus ``padding`` on every side, and must return the probability of class 1 with shape
    ``(n,)`` or ``(n, 1)``, e.g. ``lambda g: model.predict(g, verbose=0)`` for a Keras model
    ending in a sigmoid. A quantum layer evaluates one circuit per grid point, so lower
    ``grid_size`` (e.g. 30) when that is slow.

    Args:
        predict: maps an (n, 2) float32 array to probabilities of class 1.
        x: inputs, shape (n_samples, 2).
        y: labels 0 or 1, shape (n_samples,) or (n_samples, 1).
        ax: axes to draw into; a new figure is made when None.
        title: figure title; defaults to ``"Decision boundary"``.
        grid_size: grid points per axis (at least 2).
        padding: margin added around the data's range, in the inputs' units.
        feature_names: x and y axis labels.

    Returns:
        The figure drawn on.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> x = rng.normal(size=(100, 2))
        >>> y = (x[:, 0] + x[:, 1] > 0).astype(int)
        >>> fig = plot_decision_boundary(lambda g: 1 / (1 + np.exp(-3 * g.sum(axis=1))), x, y)
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y)
    if x.ndim != 2:
        raise ValueError(
            f"x must be a 2-D array of shape (n_samples, 2), got shape {x.shape}; "
            "reshape it or pass the feature matrix"
        )
    if x.shape[1] != 2:
        raise ValueError(
            f"decision boundaries need 2 features, got {x.shape[1]}; "
            "pass two columns or reduce with PCA"
        )
    if len(x) == 0:
        raise ValueError("x has no rows; pass at least one sample to plot")
    if not np.isfinite(x).all():
        raise ValueError("x contains NaN or infinite values; drop or impute them before plotting")
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.shape != (len(x),):
        raise ValueError(
            f"y must have shape ({len(x)},) to match x, got {y.shape}; pass one label per row of x"
        )
    classes = set(np.unique(y).tolist())
    if not classes <= {0, 1}:
        raise ValueError(
            f"y must hold binary labels 0 and 1, got values {sorted(classes, key=str)}; "
            "encode the two classes as 0 and 1"
        )
    grid_size = check_int(grid_size, "grid_size", minimum=2, fix="e.g. grid_size=80")
    if not np.isfinite(padding) or padding < 0:
        raise ValueError(f"padding must be a non-negative number, got {padding!r}")
    if len(feature_names) != 2:
        raise ValueError(
            f"feature_names must name 2 features, got {len(feature_names)}: {feature_names!r}"
        )

    lows = x.min(axis=0) - padding
    highs = x.max(axis=0) + padding
    highs = np.where(highs > lows, highs, lows + 1.0)  # one point and no padding: widen
    g1 = np.linspace(lows[0], highs[0], grid_size)
    g2 = np.linspace(lows[1], highs[1], grid_size)
    mesh1, mesh2 = np.meshgrid(g1, g2)
    grid = np.column_stack([mesh1.ravel(), mesh2.ravel()]).astype(np.float32)

    scores = np.asarray(predict(grid), dtype=float)
    if scores.ndim == 2 and scores.shape[1] == 1:
        scores = scores[:, 0]
    if scores.shape != (len(grid),):
        raise ValueError(
            f"predict must return shape ({len(grid)},) or ({len(grid)}, 1) for {len(grid)} grid "
            f"points, got {scores.shape}; return the probability of class 1 only (for a 2-column "
            "softmax output use lambda g: model.predict(g)[:, 1])"
        )
    if not np.isfinite(scores).all():
        raise ValueError("predict returned NaN or infinite values; check the model's weights")
    if scores.min() < -1e-6 or scores.max() > 1 + 1e-6:
        raise ValueError(
            f"predict must return probabilities in [0, 1], got values from {scores.min():.3g} to "
            f"{scores.max():.3g}; if these are logits, apply a sigmoid first"
        )
    probability = np.clip(scores, 0.0, 1.0).reshape(mesh1.shape)

    fig, ax = _figure_and_axes(ax, figsize=(6.4, 5.0))
    filled = ax.contourf(
        mesh1, mesh2, probability, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.75
    )
    if probability.min() < 0.5 < probability.max():  # otherwise there is no boundary to draw
        ax.contour(mesh1, mesh2, probability, levels=[0.5], colors="black", linewidths=1.5)
    colourbar = fig.colorbar(filled, ax=ax)
    colourbar.set_label("P(class 1)")

    markers = ("o", "^")
    handles = []
    for label in (0, 1):
        if label not in classes:
            continue
        points = x[y == label]
        ax.scatter(
            points[:, 0],
            points[:, 1],
            c=_colour(label),
            marker=markers[label],
            s=30,
            edgecolors="black",
            linewidths=0.6,
        )
        handles.append(
            Line2D(
                [],
                [],
                linestyle="none",
                marker=markers[label],
                markerfacecolor=_colour(label),
                markeredgecolor="black",
                markersize=7,
                label=f"class {label}",
            )
        )
    if probability.min() < 0.5 < probability.max():
        handles.append(Line2D([], [], color="black", linewidth=1.5, label="P = 0.5"))
    ax.legend(handles=handles, loc="best", framealpha=0.9)  # "best" avoids the points
    ax.set_xlim(lows[0], highs[0])
    ax.set_ylim(lows[1], highs[1])
    ax.set_xlabel(feature_names[0])
    ax.set_ylabel(feature_names[1])
    ax.set_title(title if title is not None else "Decision boundary")
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
    labels = [str(v) for v in summary[label]]

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
    ax.set_xticks(positions, labels)
    if max(len(s) for s in labels) > _LONG_TICK_LABEL:
        ax.tick_params(axis="x", labelrotation=30)
        for tick in ax.get_xticklabels():
            tick.set_horizontalalignment("right")
            tick.set_rotation_mode("anchor")
    if annotate:
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
        ax.margins(y=0.15)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xlabel(label.replace("_", " "))
    default_ylabel = f"{_readable(value)} ± {_readable(error)}"
    ax.set_ylabel(ylabel if ylabel is not None else default_ylabel)
    ax.set_title(title if title is not None else f"{default_ylabel} by {_readable(label)}")
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    return fig


def plot_grid(
    n_panels: int, *, ncols: int = 2, panel_size: tuple[float, float] = (4.5, 3.5)
) -> tuple[Figure, list[Axes]]:
    """Makes a figure of ``n_panels`` side-by-side panels to pass as ``ax=`` to the plots here.

    Panels fill rows of ``ncols``; panels the last row does not need are hidden.

    Args:
        n_panels: number of panels (at least 1).
        ncols: panels per row (at most ``n_panels`` are used).
        panel_size: (width, height) of one panel, in inches.

    Returns:
        The figure and a flat list of its first ``n_panels`` axes, row by row.

    Example:
        >>> fig, axes = plot_grid(2)
        >>> rng = np.random.default_rng(0)
        >>> x, y = rng.normal(size=(50, 2)), rng.integers(0, 2, size=50)
        >>> for ax, scale in zip(axes, [1.0, 5.0], strict=True):
        ...     _ = plot_decision_boundary(
        ...         lambda g, s=scale: 1 / (1 + np.exp(-s * g[:, 0])), x, y, ax=ax,
        ...         title=f"scale {scale}")
    """
    n_panels = check_int(n_panels, "n_panels", minimum=1)
    ncols = check_int(ncols, "ncols", minimum=1)
    if len(panel_size) != 2 or min(panel_size) <= 0:
        raise ValueError(
            f"panel_size must be (width, height) in inches, both positive, got {panel_size!r}"
        )
    ncols = min(ncols, n_panels)
    nrows = math.ceil(n_panels / ncols)
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(panel_size[0] * ncols, panel_size[1] * nrows),
        squeeze=False,
        layout="constrained",
    )
    flat = list(axes.ravel())
    for extra in flat[n_panels:]:
        extra.set_visible(False)
    return fig, flat[:n_panels]


def plot_spectra(
    spectra: Mapping[str, np.ndarray],
    *,
    target: np.ndarray | None = None,
    ax: Axes | None = None,
    title: str | None = None,
    floor: float = 1e-5,
    order: Sequence[str] | None = None,
) -> Figure:
    """Plots Fourier spectra ``|c_n|`` against frequency ``n``, one line per label, log scale.

    A 1-D array is one spectrum; a 2-D array ``(runs, frequencies)`` is drawn as its mean with
    a band from the smallest to the largest run. Values below ``floor`` are drawn at ``floor``
    (a log axis cannot show 0), so a line lying on the floor means "no such frequency".

    Args:
        spectra: label -> ``|c_n|`` for ``n = 0, 1, ...`` (e.g. from
            :func:`helpers.fourier.model_spectrum` or ``random_weight_spectra``).
        target: the target's ``|c_n|``, drawn as black crosses.
        ax: axes to draw into; a new figure is made when None.
        title: figure title; defaults to ``"Fourier spectrum"``.
        floor: the smallest value drawn, positive.
        order: every label that panels of one figure show, in colour order; a label keeps the
            colour of its position in ``order`` even when a panel leaves earlier labels out
            (by default the colours follow ``spectra``'s order).

    Introduced in notebook 04.

    Example:
        >>> fig = plot_spectra({"depth 1": np.array([0.0, 0.4, 0.0]),
        ...                     "depth 2": np.array([[0.2, 0.2, 0.1], [0.3, 0.1, 0.2]])})
    """
    if not spectra:
        raise ValueError("spectra is empty; pass at least one label -> |c_n| array")
    if floor <= 0:
        raise ValueError(f"floor must be positive for a log axis, got {floor}")
    positions = {label: i for i, label in enumerate(order if order is not None else spectra)}
    unknown = [label for label in spectra if label not in positions]
    if unknown:
        raise ValueError(f"order lacks the label(s) {unknown}; list every label of spectra")
    fig, ax = _figure_and_axes(ax)
    for label, values in spectra.items():
        values = np.atleast_2d(np.asarray(values, dtype=float))
        if values.ndim != 2:
            raise ValueError(f"spectra[{label!r}] must be 1-D or 2-D, got shape {values.shape}")
        n = np.arange(values.shape[1])
        colour = _colour(positions[label])
        ax.plot(n, np.maximum(values.mean(axis=0), floor), "o-", color=colour, label=label)
        if len(values) > 1:
            low, high = np.maximum(values.min(axis=0), floor), np.maximum(values.max(axis=0), floor)
            ax.fill_between(n, low, high, color=colour, alpha=0.15, linewidth=0)
    if target is not None:
        target = np.maximum(np.asarray(target, dtype=float), floor)
        ax.plot(np.arange(len(target)), target, "x", color="black", markersize=9, label="target")
    ax.set_yscale("log")
    ax.set_ylim(bottom=floor / 2)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("frequency n")
    ax.set_ylabel("|c_n| (coefficient size)")
    ax.set_title(title if title is not None else "Fourier spectrum")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")
    return fig


#: Line styles and markers that :func:`separate_lines` gives to successive labels.
LINE_STYLES: tuple[Any, ...] = ("-", "--", ":", "-.", (0, (5, 1, 1, 1)), (0, (3, 1, 1, 1, 1, 1)))
MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P", "X")


def _has(style: Any) -> bool:
    """True when a line style or marker draws something ('None', '' and ' ' draw nothing)."""
    return style not in (None, "None", "none", "", " ")


def separate_lines(
    fig: Figure,
    axes: Sequence[Axes] | None = None,
    *,
    xlabel: str | None = None,
    keep: Sequence[str] = (),
    legend: str = "below",
) -> Figure:
    """Makes every labelled curve of a figure distinguishable without colour, and gathers one
    legend outside the panels.

    Each distinct label gets a line style and, if its lines carry markers, a marker of its own
    (:data:`LINE_STYLES`, :data:`MARKERS`), the same in every panel whatever position it was
    drawn in; colours are left as drawn (use :data:`PALETTE`). Labels met first are drawn wider
    and underneath, so that curves lying on top of each other stay visible. An unlabelled line
    (e.g. the other seeds of a labelled one) takes the style of the labelled line of the same
    colour in its panel, thin and transparent, so that the labelled lines stand out. Lines of
    markers only (no line, e.g. a target drawn as crosses) and the labels in ``keep`` stay as
    drawn. The panels' own legends are replaced by one figure legend ``"below"`` or to the
    ``"right"`` of the panels, outside them: under the constrained layout (which
    :func:`plot_grid` uses) it overlaps neither the curves nor the axis labels.

    Args:
        fig: the figure.
        axes: the panels to treat; every panel of ``fig`` by default (colour bars excluded).
        xlabel: when given, set as every panel's x label.
        keep: labels whose lines keep the style they were drawn with.
        legend: ``"below"`` or ``"right"``.

    Returns:
        The figure.

    Introduced in notebook 04.

    Example:
        >>> fig, axes = plot_grid(2, ncols=2)
        >>> for ax in axes:
        ...     ax.plot([0, 1], [0, 1], color="black", label="Jacobi-Anger bound")
        ...     ax.plot([0, 1], [0, 2], color="black", label="analytic bound")
        >>> fig = separate_lines(fig, axes, xlabel="frequency n")  # solid and dashed
    """
    if legend not in ("below", "right"):
        raise ValueError(f"legend must be 'below' or 'right', got {legend!r}")
    if axes is None:
        axes = [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]
    axes = list(axes)
    if not axes:
        raise ValueError("the figure has no panels; draw the curves first, then separate them")
    handles: dict[str, Any] = {}
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            handles.setdefault(label, handle)
    drawn_as_lines = {
        line.get_label() for ax in axes for line in ax.get_lines() if _has(line.get_linestyle())
    }
    styled = [label for label in handles if label in drawn_as_lines and label not in keep]
    index = {label: i for i, label in enumerate(styled)}
    for ax in axes:
        by_colour: dict[str, Any] = {}
        for line in ax.get_lines():
            label = line.get_label()
            if label not in index or not _has(line.get_linestyle()):
                continue
            i = index[label]
            line.set(
                linestyle=LINE_STYLES[i % len(LINE_STYLES)],
                linewidth=max(3.2 - 0.5 * i, 1.2),
                zorder=2.5 + 0.1 * i,
            )
            if _has(line.get_marker()):
                line.set(marker=MARKERS[i % len(MARKERS)], markersize=max(7.0 - 0.6 * i, 4.0))
            by_colour.setdefault(to_hex(line.get_color()), line)
        for line in ax.get_lines():
            if not line.get_label().startswith("_") or not _has(line.get_linestyle()):
                continue
            twin = by_colour.get(to_hex(line.get_color()))
            line.set(linewidth=0.9, alpha=0.4, zorder=2)
            if twin is not None:
                line.set(linestyle=twin.get_linestyle())
        if ax.get_legend() is not None:
            ax.get_legend().remove()
        if xlabel is not None:
            ax.set_xlabel(xlabel)
    if handles:
        if not isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine):
            try:  # the constrained layout makes room for a legend outside the panels
                fig.set_layout_engine("constrained")
            except RuntimeError:  # an engine that cannot be swapped: leave room by hand
                fig.subplots_adjust(**({"bottom": 0.25} if legend == "below" else {"right": 0.75}))
        if legend == "below":
            fig.legend(
                handles.values(),
                handles.keys(),
                loc="outside lower center",
                ncol=min(len(handles), 6),
                frameon=False,
            )
        else:
            fig.legend(handles.values(), handles.keys(), loc="outside right upper", frameon=False)
    return fig


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

    ``table`` needs ``label``, ``difference``, ``low`` and ``high`` columns, as
    :func:`helpers.benchmark.paired_differences` returns; ``scale`` converts them (e.g. the
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
        "pass what helpers.benchmark.paired_differences returns",
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
