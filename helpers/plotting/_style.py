"""What every figure of the course shares: the colour-blind-safe palette, the figure and axes
helpers, number formatting and column checks, and :func:`separate_lines`, which gives curves line
styles and markers so that they stay distinguishable without colour.

:data:`PALETTE` is introduced in notebook 00 (setup check); :func:`separate_lines`,
:data:`LINE_STYLES` and :data:`MARKERS` in notebook 04.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.lines import Line2D

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

#: Line styles and markers that :func:`separate_lines` gives to successive labels.
LINE_STYLES: tuple[Any, ...] = ("-", "--", ":", "-.", (0, (5, 1, 1, 1)), (0, (3, 1, 1, 1, 1, 1)))
MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P", "X")

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
    Introduced in notebook 04.

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

    Example:
        >>> fig, axes = plot_grid(2, ncols=2)
        >>> for ax in axes:
        ...     _ = ax.plot([0, 1], [0, 1], color="black", label="Jacobi-Anger bound")
        ...     _ = ax.plot([0, 1], [0, 2], color="black", label="analytic bound")
        >>> fig = separate_lines(fig, axes, xlabel="frequency n")  # solid and dashed
    """
    if legend not in ("below", "right"):
        raise ValueError(f"legend must be 'below' or 'right', got {legend!r}")
    if axes is None:
        axes = [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]
    axes = list(axes)
    if not axes:
        raise ValueError("the figure has no panels; draw the curves first, then separate them")
    handles, index = _legend_handles_and_style_index(axes, keep)
    for ax in axes:
        by_colour = _style_labelled_lines(ax, index)
        _thin_unlabelled_lines(ax, by_colour)
        if ax.get_legend() is not None:
            ax.get_legend().remove()
        if xlabel is not None:
            ax.set_xlabel(xlabel)
    if handles:
        _figure_legend(fig, handles, legend)
    return fig


def _legend_handles_and_style_index(
    axes: Sequence[Axes], keep: Sequence[str]
) -> tuple[dict[str, Any], dict[str, int]]:
    """The first legend handle of each label over ``axes`` (in the order met), and the position
    of each label to restyle: labels drawn as lines somewhere and not in ``keep``."""
    handles: dict[str, Any] = {}
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            handles.setdefault(label, handle)
    drawn_as_lines = {
        line.get_label() for ax in axes for line in ax.get_lines() if _has(line.get_linestyle())
    }
    styled = [label for label in handles if label in drawn_as_lines and label not in keep]
    return handles, {label: i for i, label in enumerate(styled)}


def _style_labelled_lines(ax: Axes, index: Mapping[str, int]) -> dict[str, Line2D]:
    """Gives each line of a label in ``index`` the style of its position, wider and lower the
    earlier the label; returns the first such line of each colour."""
    by_colour: dict[str, Line2D] = {}
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
    return by_colour


def _thin_unlabelled_lines(ax: Axes, by_colour: Mapping[str, Line2D]) -> None:
    """Draws unlabelled lines thin and transparent, in the style of the labelled line of their
    colour when there is one."""
    for line in ax.get_lines():
        if not line.get_label().startswith("_") or not _has(line.get_linestyle()):
            continue
        twin = by_colour.get(to_hex(line.get_color()))
        line.set(linewidth=0.9, alpha=0.4, zorder=2)
        if twin is not None:
            line.set(linestyle=twin.get_linestyle())


def _figure_legend(fig: Figure, handles: Mapping[str, Any], legend: str) -> None:
    """One legend for the whole figure, ``"below"`` or to the ``"right"`` of the panels."""
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
