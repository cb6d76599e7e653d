"""Shared code for the hybrid quantum-classical neural network course.

Import what a notebook needs from here, e.g. ``from helpers import KerasLayer, set_seed``.
One module per responsibility: ``quantum_layer`` (KerasLayer), ``circuits``, ``data``,
``models``, ``training``, ``plotting``, ``mode`` (quick/full sizes), ``reproducibility``.
"""

from helpers.circuits import draw_circuit, forum_circuit
from helpers.data import (
    Dataset,
    check_feature_count,
    load_csv_dataset,
    make_breast_cancer_dataset,
    make_circles_dataset,
    make_moons_dataset,
)
from helpers.mode import by_mode, course_mode, course_sizes
from helpers.models import (
    build_classical_model,
    build_forum_model,
    build_hybrid_with_head,
    count_trainable_params,
    dead_relu_units,
    layer_outputs,
    make_optimizer,
)
from helpers.plotting import (
    plot_bars_with_errors,
    plot_decision_boundary,
    plot_grid,
    plot_training_curves,
)
from helpers.quantum_layer import BACKEND, KerasLayer
from helpers.reproducibility import environment_versions, set_seed
from helpers.training import (
    epochs_to_threshold,
    fit_over_seeds,
    fit_sklearn_over_seeds,
    format_mean_sd,
    gradient_norms,
    summarize_runs,
)

__all__ = [
    "BACKEND",
    "Dataset",
    "KerasLayer",
    "build_classical_model",
    "build_forum_model",
    "build_hybrid_with_head",
    "by_mode",
    "check_feature_count",
    "count_trainable_params",
    "course_mode",
    "course_sizes",
    "dead_relu_units",
    "draw_circuit",
    "environment_versions",
    "epochs_to_threshold",
    "fit_over_seeds",
    "fit_sklearn_over_seeds",
    "format_mean_sd",
    "forum_circuit",
    "gradient_norms",
    "layer_outputs",
    "load_csv_dataset",
    "make_breast_cancer_dataset",
    "make_circles_dataset",
    "make_moons_dataset",
    "make_optimizer",
    "plot_bars_with_errors",
    "plot_decision_boundary",
    "plot_grid",
    "plot_training_curves",
    "set_seed",
    "summarize_runs",
]
