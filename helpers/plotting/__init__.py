"""Figures for the course: training curves, decision boundaries and bar charts with error bars.

Every function returns the matplotlib :class:`~matplotlib.figure.Figure` it drew on and takes an
optional ``ax`` to draw into an existing panel (e.g. one made by :func:`plot_grid`). Colours come
from :data:`PALETTE`, the Okabe-Ito palette, which stays distinguishable with the common forms of
colour blindness. The package never chooses a matplotlib backend: notebooks (and tests) do.

Introduced in notebook 00 (setup check); used from notebook 01 on. Import from here
(``from helpers.plotting import PALETTE, separate_lines``); the code lives in one private module
per concern, each saying which notebook introduces what:

- ``_style``: :data:`PALETTE` (notebook 00), :data:`LINE_STYLES`, :data:`MARKERS` and
  :func:`separate_lines` (notebook 04), and the figure, axes, number and column helpers the
  other modules share.
- ``_curves``: :func:`plot_training_curves` (notebook 00), :func:`plot_seed_lines` (notebook 06).
- ``_seeds``: :func:`plot_seed_strip` and :func:`plot_bars_with_errors` (notebook 01),
  :func:`plot_censored_strip` (notebook 02), :func:`plot_paired_differences` (notebook 05).
- ``_maps``: :func:`plot_decision_boundary` and :func:`plot_grid` (notebook 01),
  :func:`plot_spectra` (notebook 04).
"""

# Names outside __all__ (which is unchanged from the single-module days, so `import *` gives
# what it gave) are re-exported as "name as name".
from helpers.plotting._curves import plot_seed_lines, plot_training_curves
from helpers.plotting._maps import plot_decision_boundary, plot_grid, plot_spectra
from helpers.plotting._seeds import (
    plot_bars_with_errors,
    plot_censored_strip,
    plot_seed_strip,
)
from helpers.plotting._seeds import plot_paired_differences as plot_paired_differences
from helpers.plotting._style import LINE_STYLES as LINE_STYLES
from helpers.plotting._style import MARKERS as MARKERS
from helpers.plotting._style import PALETTE, separate_lines

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
