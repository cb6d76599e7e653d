"""Unit tests for helpers.plotting: what each figure draws, and clear errors for bad input."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # no display in tests; the helpers never pick a backend themselves

from helpers.plotting import (
    PALETTE,
    plot_bars_with_errors,
    plot_decision_boundary,
    plot_grid,
    plot_spectra,
    plot_training_curves,
    separate_lines,
)

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection, PolyCollection
from matplotlib.colors import to_hex
from matplotlib.container import BarContainer
from matplotlib.figure import Figure


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def make_history() -> pd.DataFrame:
    """Two models: 'hybrid' with 3 seeds, 'classical' with 1 seed; 4 epochs each."""
    rng = np.random.default_rng(0)
    rows = [
        {
            "model": model,
            "seed": seed,
            "epoch": epoch,
            "loss": float(rng.uniform(0.2, 1.0)),
            "val_accuracy": float(rng.uniform(0.5, 1.0)),
        }
        for model, seeds in (("hybrid", [0, 1, 2]), ("classical", [0]))
        for seed in seeds
        for epoch in range(1, 5)
    ]
    return pd.DataFrame(rows)


def make_summary() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "model": ["classical", "hybrid", "hybrid with dropout"],
            "mean": [0.85, 0.88, 0.80],
            "sd": [0.03, 0.02, 0.05],
            "n": [5, 5, 5],
        }
    )


def make_moons_like(n: int = 40) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(n, 2))
    y = (x[:, 0] > 0).astype(int)
    return x, y


def sigmoid_of_first_feature(grid: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-3 * grid[:, 0]))


# --- plot_training_curves -------------------------------------------------------------------


def test_training_curves_median_line_per_model_and_thin_line_per_seed():
    history = make_history()
    fig = plot_training_curves(history, "val_accuracy")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    labelled = {
        line.get_label(): line for line in ax.get_lines() if not line.get_label().startswith("_")
    }
    assert set(labelled) == {"hybrid (3 seeds)", "classical (1 seed)"}
    expected = history.groupby(["model", "epoch"])["val_accuracy"].median()
    for model, label in (("hybrid", "hybrid (3 seeds)"), ("classical", "classical (1 seed)")):
        np.testing.assert_array_equal(labelled[label].get_xdata(), [1, 2, 3, 4])
        np.testing.assert_allclose(labelled[label].get_ydata(), expected[model].to_numpy())
    thin = [line for line in ax.get_lines() if line.get_label().startswith("_")]
    assert len(thin) == 3  # one per hybrid seed; a single-seed model needs none


def test_training_curves_never_draw_bands_that_could_cross_a_bound():
    history = make_history()
    fig = plot_training_curves(history, "loss")
    ax = fig.axes[0]
    assert not [c for c in ax.collections if isinstance(c, PolyCollection)]
    drawn = np.concatenate([line.get_ydata() for line in ax.get_lines()])
    assert drawn.min() >= history["loss"].min()
    assert drawn.max() <= history["loss"].max()


def test_training_curves_labels_title_and_palette():
    fig = plot_training_curves(make_history(), "val_accuracy")
    ax = fig.axes[0]
    assert ax.get_xlabel() == "epoch"
    assert ax.get_ylabel() == "val accuracy"
    assert "val accuracy" in ax.get_title()
    medians = [line for line in ax.get_lines() if not line.get_label().startswith("_")]
    assert [to_hex(line.get_color()) for line in medians] == [c.lower() for c in PALETTE[:2]]
    fig = plot_training_curves(
        make_history(), "val_accuracy", title="Hybrid vs classical", ylabel="accuracy (fraction)"
    )
    assert fig.axes[0].get_title() == "Hybrid vs classical"
    assert fig.axes[0].get_ylabel() == "accuracy (fraction)"


def test_training_curves_custom_group_column():
    history = make_history().rename(columns={"model": "n_layers"})
    fig = plot_training_curves(history, "loss", group="n_layers")
    assert len(fig.axes[0].get_legend().get_texts()) == 2


def test_training_curves_draws_into_given_axes():
    _, ax = plt.subplots()
    before = len(plt.get_fignums())
    returned = plot_training_curves(make_history(), ax=ax)
    assert returned is ax.figure
    assert len(plt.get_fignums()) == before
    assert len(ax.get_lines()) == 5  # 2 medians, 3 hybrid seeds


def test_training_curves_missing_metric_names_the_columns():
    with pytest.raises(ValueError, match=r"missing column\(s\) \['val_acc'\]") as error:
        plot_training_curves(make_history(), "val_acc")
    assert "'val_accuracy'" in str(error.value)  # the columns present are listed
    with pytest.raises(ValueError, match=r"\['seed'\]"):
        plot_training_curves(make_history().drop(columns="seed"))


def test_training_curves_rejects_duplicate_runs_and_empty_history():
    history = make_history()
    with pytest.raises(ValueError, match="repeated"):
        plot_training_curves(pd.concat([history, history]))
    with pytest.raises(ValueError, match="no rows"):
        plot_training_curves(history.iloc[:0])
    with pytest.raises(TypeError, match="DataFrame"):
        plot_training_curves(history.to_dict())


# --- plot_decision_boundary -----------------------------------------------------------------


def test_decision_boundary_calls_predict_once_on_a_float32_grid():
    x, y = make_moons_like()
    calls = []

    def predict(grid):
        calls.append(grid)
        return sigmoid_of_first_feature(grid)

    fig = plot_decision_boundary(predict, x, y, grid_size=25, padding=0.5)
    assert isinstance(fig, Figure)
    assert len(calls) == 1
    grid = calls[0]
    assert grid.shape == (25 * 25, 2)
    assert grid.dtype == np.float32
    np.testing.assert_allclose(grid.min(axis=0), x.min(axis=0) - 0.5, rtol=1e-6)
    np.testing.assert_allclose(grid.max(axis=0), x.max(axis=0) + 0.5, rtol=1e-6)


@pytest.mark.parametrize("as_column", [False, True])
def test_decision_boundary_accepts_n_and_n_by_1_outputs(as_column):
    x, y = make_moons_like()

    def predict(grid):
        p = sigmoid_of_first_feature(grid)
        return p[:, None] if as_column else p

    fig = plot_decision_boundary(predict, x, y, grid_size=10)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "x1"
    assert ax.get_ylabel() == "x2"
    assert ax.get_title() == "Decision boundary"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["class 0", "class 1", "P = 0.5"]


def test_decision_boundary_colourbar_points_and_labels():
    x, y = make_moons_like()
    fig = plot_decision_boundary(
        sigmoid_of_first_feature,
        x,
        y,
        title="Hybrid model",
        feature_names=("feature 1 (a.u.)", "feature 2 (a.u.)"),
        grid_size=10,
    )
    ax, colourbar_ax = fig.axes
    assert colourbar_ax.get_ylabel() == "P(class 1)"
    assert ax.get_title() == "Hybrid model"
    assert ax.get_xlabel() == "feature 1 (a.u.)"
    scatters = [c for c in ax.collections if isinstance(c, PathCollection)]
    counts = sorted(len(c.get_offsets()) for c in scatters)
    assert counts == sorted([int((y == 0).sum()), int((y == 1).sum())])
    facecolours = {to_hex(c.get_facecolor()[0]) for c in scatters}
    assert facecolours == {PALETTE[0].lower(), PALETTE[1].lower()}


def test_decision_boundary_draws_into_given_axes():
    x, y = make_moons_like()
    fig, ax = plt.subplots()
    before = len(plt.get_fignums())
    assert plot_decision_boundary(sigmoid_of_first_feature, x, y, ax=ax, grid_size=10) is fig
    assert len(plt.get_fignums()) == before


def test_decision_boundary_errors_on_three_features():
    x = np.zeros((5, 3))
    with pytest.raises(ValueError, match="need 2 features, got 3; pass two columns or reduce"):
        plot_decision_boundary(sigmoid_of_first_feature, x, np.zeros(5))


def test_decision_boundary_rejects_bad_predictions_and_labels():
    x, y = make_moons_like()
    with pytest.raises(ValueError, match="logits"):
        plot_decision_boundary(lambda g: 5 * g[:, 0], x, y, grid_size=5)
    with pytest.raises(ValueError, match="probability of class 1 only"):
        plot_decision_boundary(lambda g: np.ones((len(g), 2)) / 2, x, y, grid_size=5)
    with pytest.raises(ValueError, match="binary labels 0 and 1"):
        plot_decision_boundary(sigmoid_of_first_feature, x, y + 1, grid_size=5)
    with pytest.raises(ValueError, match="one label per row"):
        plot_decision_boundary(sigmoid_of_first_feature, x, y[:-1], grid_size=5)


# --- plot_bars_with_errors ------------------------------------------------------------------


def test_bars_heights_errors_colours_and_annotations():
    summary = make_summary()
    fig = plot_bars_with_errors(summary, ylabel="test accuracy (fraction)", title="Accuracy")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    (bars,) = [c for c in ax.containers if isinstance(c, BarContainer)]
    assert len(bars.patches) == len(summary)
    np.testing.assert_allclose([p.get_height() for p in bars.patches], summary["mean"])
    assert [to_hex(p.get_facecolor()) for p in bars.patches] == [c.lower() for c in PALETTE[:3]]
    # error bar segments span mean ± sd
    (segments,) = bars.errorbar.lines[2]
    spans = [seg[:, 1] for seg in segments.get_segments()]
    np.testing.assert_allclose([s.min() for s in spans], summary["mean"] - summary["sd"])
    np.testing.assert_allclose([s.max() for s in spans], summary["mean"] + summary["sd"])
    assert [t.get_text() for t in ax.get_xticklabels()] == list(summary["model"])
    assert ax.get_xticklabels()[0].get_rotation() == pytest.approx(30)  # one label is long
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["0.85 ± 0.03", "0.88 ± 0.02", "0.80 ± 0.05"]
    assert ax.get_ylabel() == "test accuracy (fraction)"
    assert ax.get_xlabel() == "model"
    assert ax.get_title() == "Accuracy"


def test_bars_without_annotation_and_short_labels_are_not_rotated():
    summary = make_summary().iloc[:2]
    ax = plot_bars_with_errors(summary, annotate=False).axes[0]
    assert len(ax.texts) == 0
    assert ax.get_xticklabels()[0].get_rotation() == 0
    assert ax.get_title() == "mean ± sd by model"


def test_bars_single_seed_has_no_error_in_annotation():
    summary = pd.DataFrame({"model": ["a"], "mean": [0.5], "sd": [np.nan]})
    ax = plot_bars_with_errors(summary).axes[0]
    assert [t.get_text() for t in ax.texts] == ["0.50"]
    (bars,) = [c for c in ax.containers if isinstance(c, BarContainer)]
    (segments,) = bars.errorbar.lines[2]
    assert [len(seg) for seg in segments.get_segments()] == [0]  # no error bar drawn


def test_bars_draw_into_given_axes():
    fig, ax = plt.subplots()
    before = len(plt.get_fignums())
    assert plot_bars_with_errors(make_summary(), ax=ax) is fig
    assert len(plt.get_fignums()) == before
    assert len(ax.patches) == 3


def test_bars_missing_column_names_the_columns():
    with pytest.raises(ValueError, match=r"missing column\(s\) \['std'\]") as error:
        plot_bars_with_errors(make_summary(), error="std")
    assert "['model', 'mean', 'sd', 'n']" in str(error.value)
    with pytest.raises(ValueError, match="negative"):
        plot_bars_with_errors(make_summary().assign(sd=[-0.1, 0.0, 0.1]))


# --- plot_grid ------------------------------------------------------------------------------


def test_grid_returns_n_panels_and_hides_extras():
    fig, axes = plot_grid(3, ncols=2, panel_size=(4.0, 3.0))
    assert len(axes) == 3
    assert len(fig.axes) == 4
    assert [ax.get_visible() for ax in fig.axes] == [True, True, True, False]
    np.testing.assert_allclose(fig.get_size_inches(), [8.0, 6.0])


def test_grid_panels_take_plots_side_by_side():
    x, y = make_moons_like()
    fig, axes = plot_grid(2)
    assert len(fig.axes) == 2  # ncols=2 and 2 panels: nothing hidden
    for ax in axes:
        assert plot_decision_boundary(sigmoid_of_first_feature, x, y, ax=ax, grid_size=5) is fig
    assert len(plt.get_fignums()) == 1


@pytest.mark.parametrize(("n_panels", "ncols"), [(0, 2), (2, 0), (1.5, 2)])
def test_grid_rejects_bad_sizes(n_panels, ncols):
    with pytest.raises(ValueError, match="positive int"):
        plot_grid(n_panels, ncols=ncols)


def test_spectra_mean_line_band_floor_and_target():
    fig = plot_spectra(
        {"one": np.array([0.0, 0.4, 0.0]), "runs": np.array([[0.2, 0.1, 0.1], [0.4, 0.3, 0.1]])},
        target=np.array([0.1, 0.2, 0.0]),
        floor=1e-4,
    )
    ax = fig.axes[0]
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["one", "runs", "target"]
    np.testing.assert_allclose(lines[0].get_ydata(), [1e-4, 0.4, 1e-4])
    np.testing.assert_allclose(lines[1].get_ydata(), [0.3, 0.2, 0.1])
    assert len([c for c in ax.collections if isinstance(c, PolyCollection)]) == 1
    assert ax.get_yscale() == "log"
    assert ax.get_title()
    assert ax.get_xlabel()
    assert ax.get_ylabel()
    plt.close(fig)


def test_spectra_errors_name_the_problem():
    with pytest.raises(ValueError, match="spectra is empty"):
        plot_spectra({})
    with pytest.raises(ValueError, match="floor must be positive"):
        plot_spectra({"a": np.ones(3)}, floor=0)


def test_censored_strip_marks_never_reached_runs_at_the_censoring_point():
    from helpers.plotting import plot_censored_strip

    table = pd.DataFrame({"setting": ["a", "a", "a", "b"], "epoch": [120.0, np.nan, 40.0, np.nan]})
    fig = plot_censored_strip(table, "epoch", "setting", censored_at=1000)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["a\n(1 of 3 never)", "b\n(1 of 1 never)"]
    xs = np.concatenate([c.get_offsets()[:, 0] for c in ax.collections])
    assert sorted(xs.tolist()) == [40.0, 120.0, 1000.0, 1000.0]
    with pytest.raises(ValueError, match="missing column"):
        plot_censored_strip(table, "epochs", "setting", censored_at=10)


def test_seed_strip_draws_every_seed_and_a_median_tick():
    from helpers.plotting import plot_seed_strip

    table = pd.DataFrame({"model": ["a", "a", "a", "b"], "accuracy": [0.5, 0.9, 0.8, 0.7]})
    fig = plot_seed_strip(table, "accuracy", "model")
    ax = fig.axes[0]
    xs = np.concatenate([c.get_offsets()[:, 0] for c in ax.collections])
    assert sorted(xs.tolist()) == [0.5, 0.7, 0.8, 0.9]
    medians = sorted(line.get_xdata()[0] for line in ax.get_lines())
    assert medians == [0.7, 0.8]
    with pytest.raises(ValueError, match="plot_censored_strip"):
        plot_seed_strip(table.assign(accuracy=np.nan), "accuracy", "model")


# --- separate_lines ----------------------------------------------------------------------------


def two_panels_of_black_bounds():
    """Two panels; each draws two black bounds by position, one unlabelled seed line, crosses."""
    fig, axes = plot_grid(2, ncols=2)
    for ax in axes:
        ax.plot([0, 1, 2], [1.0, 0.5, 0.1], color="black", label="Jacobi-Anger bound")
        ax.plot([0, 1, 2], [1.0, 0.7, 0.4], color="black", label="analytic bound")
        ax.plot([0, 1, 2], [0.2, 0.2, 0.2], color=PALETTE[0], label="seed 0")
        ax.plot([0, 1, 2], [0.3, 0.1, 0.2], color=PALETTE[0])  # another seed, unlabelled
        ax.plot([0, 1, 2], [0.5, 0.2, 0.0], "x", color="black", label="target")
        ax.set_xlabel("x")
        ax.legend()
    return fig, axes


def test_separate_lines_gives_each_label_its_own_style_in_every_panel():
    fig, axes = two_panels_of_black_bounds()
    separate_lines(fig, axes, xlabel="frequency n")
    styles = []
    for ax in axes:
        by_label = {line.get_label(): line for line in ax.get_lines()}
        jacobi, analytic = by_label["Jacobi-Anger bound"], by_label["analytic bound"]
        assert jacobi.get_linestyle() != analytic.get_linestyle()  # both black: style tells
        assert jacobi.get_linewidth() > analytic.get_linewidth()  # the first drawn underneath
        assert jacobi.get_zorder() < analytic.get_zorder()
        assert by_label["target"].get_linestyle() == "None"  # markers only: kept
        assert by_label["target"].get_marker() == "x"
        styles.append([jacobi.get_linestyle(), analytic.get_linestyle()])
        assert ax.get_legend() is None
        assert ax.get_xlabel() == "frequency n"
    assert styles[0] == styles[1]  # the same label looks the same in both panels


def test_separate_lines_styles_follow_the_label_not_the_position():
    fig, axes = plot_grid(2, ncols=2)
    axes[0].plot([0, 1], [0, 1], label="depth 1")
    axes[0].plot([0, 1], [1, 0], label="depth 2")
    axes[1].plot([0, 1], [1, 0], label="depth 2")  # first line of this panel
    separate_lines(fig, axes)
    second = {line.get_label(): line.get_linestyle() for line in axes[1].get_lines()}
    first = {line.get_label(): line.get_linestyle() for line in axes[0].get_lines()}
    assert second["depth 2"] == first["depth 2"] != first["depth 1"]


def test_separate_lines_thins_unlabelled_lines_to_the_style_of_their_colour():
    fig, axes = two_panels_of_black_bounds()
    separate_lines(fig, axes)
    lines = axes[0].get_lines()
    labelled = next(line for line in lines if line.get_label() == "seed 0")
    other = next(line for line in lines if line.get_label().startswith("_"))
    assert other.get_linewidth() < 1 < labelled.get_linewidth()
    assert other.get_alpha() is not None
    assert other.get_alpha() < 0.5
    assert other.get_linestyle() == labelled.get_linestyle()


def test_separate_lines_one_legend_outside_panels_and_labels():
    fig, axes = two_panels_of_black_bounds()
    separate_lines(fig, axes, xlabel="frequency n (cycles per 2π)")
    assert len(fig.legends) == 1
    texts = [t.get_text() for t in fig.legends[0].get_texts()]
    assert texts == ["Jacobi-Anger bound", "analytic bound", "seed 0", "target"]  # once each
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    box = fig.legends[0].get_window_extent(renderer)
    for ax in axes:  # the panel with its tick and axis labels
        assert not box.overlaps(ax.get_tightbbox(renderer))
    fig_box = fig.bbox
    assert box.y0 >= fig_box.y0 - 1  # inside the saved figure
    assert box.x0 >= fig_box.x0 - 1


def test_separate_lines_legend_right_and_error():
    fig, axes = two_panels_of_black_bounds()
    separate_lines(fig, axes, legend="right")
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    box = fig.legends[0].get_window_extent(renderer)
    assert all(box.x0 >= ax.get_tightbbox(renderer).x1 for ax in axes)
    with pytest.raises(ValueError, match="'below' or 'right'"):
        separate_lines(fig, axes, legend="above")


def test_spectra_order_keeps_colours_when_a_panel_skips_a_label():
    order = ["depth 1", "depth 2"]
    fig = plot_spectra({"depth 2": np.array([0.1, 0.2])}, order=order)
    assert to_hex(fig.axes[0].get_lines()[0].get_color()) == PALETTE[1].lower()
    with pytest.raises(ValueError, match="order lacks"):
        plot_spectra({"depth 3": np.array([0.1, 0.2])}, order=order)


def test_plot_paired_differences_draws_one_interval_per_row():
    from helpers.plotting import plot_paired_differences

    table = pd.DataFrame(
        {
            "model": ["a", "b", "c"],
            "family": ["hybrid", "control", "control"],
            "difference": [0.1, -0.02, 0.0],
            "low": [0.05, -0.06, -0.01],
            "high": [0.15, 0.01, 0.02],
        }
    )
    fig = plot_paired_differences(table, scale=50)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["c", "b", "a"]
    lines = [
        line for line in ax.lines if len(line.get_xdata()) == 2 and line.get_linestyle() == "-"
    ]
    assert sorted(tuple(np.round(line.get_xdata(), 6)) for line in lines) == [
        (-3.0, 0.5),
        (-0.5, 1.0),
        (2.5, 7.5),
    ]
    with pytest.raises(ValueError, match="difference"):
        plot_paired_differences(table.drop(columns="difference"))
    plt.close(fig)


def test_strip_labels_name_their_unit():
    from helpers.plotting import plot_seed_strip

    table = pd.DataFrame({"model": ["a", "a", "b"], "accuracy": [0.8, 0.5, 0.9]})
    default = plot_seed_strip(table, "accuracy", "model")
    runs = plot_seed_strip(table, "accuracy", "model", unit="runs")
    assert default.axes[0].get_yticklabels()[0].get_text() == "a\n(2 seeds)"
    assert runs.axes[0].get_yticklabels()[0].get_text() == "a\n(2 runs)"
    plt.close("all")
