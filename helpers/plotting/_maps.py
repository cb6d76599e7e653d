"""Figures over a plane or a frequency axis, and panels to hold them: decision boundaries,
Fourier spectra and a grid of panels.

:func:`plot_decision_boundary` and :func:`plot_grid` are introduced in notebook 01,
:func:`plot_spectra` in notebook 04.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from helpers._checks import check_int, check_non_negative
from helpers.plotting._style import _colour, _figure_and_axes

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator


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
    Introduced in notebook 01.

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
    x, y, classes, grid_size, padding = _check_boundary_inputs(
        x, y, grid_size, padding, feature_names
    )
    lows = x.min(axis=0) - padding
    highs = x.max(axis=0) + padding
    highs = np.where(highs > lows, highs, lows + 1.0)  # one point and no padding: widen
    g1 = np.linspace(lows[0], highs[0], grid_size)
    g2 = np.linspace(lows[1], highs[1], grid_size)
    mesh1, mesh2 = np.meshgrid(g1, g2)
    grid = np.column_stack([mesh1.ravel(), mesh2.ravel()]).astype(np.float32)
    probability = _grid_probabilities(predict, grid).reshape(mesh1.shape)
    has_boundary = probability.min() < 0.5 < probability.max()

    fig, ax = _figure_and_axes(ax, figsize=(6.4, 5.0))
    filled = ax.contourf(
        mesh1, mesh2, probability, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.75
    )
    if has_boundary:  # otherwise there is no boundary to draw
        ax.contour(mesh1, mesh2, probability, levels=[0.5], colors="black", linewidths=1.5)
    colourbar = fig.colorbar(filled, ax=ax)
    colourbar.set_label("P(class 1)")
    handles = _draw_classes(ax, x, y, classes)
    if has_boundary:
        handles.append(Line2D([], [], color="black", linewidth=1.5, label="P = 0.5"))
    ax.legend(handles=handles, loc="best", framealpha=0.9)  # "best" avoids the points
    ax.set_xlim(lows[0], highs[0])
    ax.set_ylim(lows[1], highs[1])
    ax.set_xlabel(feature_names[0])
    ax.set_ylabel(feature_names[1])
    ax.set_title(title if title is not None else "Decision boundary")
    return fig


def _check_boundary_inputs(
    x: Any, y: Any, grid_size: Any, padding: Any, feature_names: Sequence[str]
) -> tuple[np.ndarray, np.ndarray, set[int], int, float]:
    """Checks :func:`plot_decision_boundary`'s arguments and returns ``x`` as a float array of
    shape (n, 2), ``y`` of shape (n,) holding 0 and 1, the classes present, ``grid_size`` and
    ``padding``."""
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
    padding = check_non_negative(padding, "padding", fix="e.g. padding=0.3")
    if len(feature_names) != 2:
        raise ValueError(
            f"feature_names must name 2 features, got {len(feature_names)}: {feature_names!r}"
        )
    return x, y, classes, grid_size, padding


def _grid_probabilities(
    predict: Callable[[np.ndarray], np.ndarray], grid: np.ndarray
) -> np.ndarray:
    """``predict(grid)`` as a flat array of probabilities, checked and clipped to [0, 1]."""
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
    return np.clip(scores, 0.0, 1.0)


def _draw_classes(ax: Axes, x: np.ndarray, y: np.ndarray, classes: set[int]) -> list[Line2D]:
    """Scatters the points of each class present (class 0 as dots, class 1 as triangles) and
    returns their legend handles."""
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
    return handles


def plot_grid(
    n_panels: int, *, ncols: int = 2, panel_size: tuple[float, float] = (4.5, 3.5)
) -> tuple[Figure, list[Axes]]:
    """Makes a figure of ``n_panels`` side-by-side panels to pass as ``ax=`` to the plots here.
    Introduced in notebook 01.

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
    Introduced in notebook 04.

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
