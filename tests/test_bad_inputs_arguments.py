"""Arguments that would make a result meaningless are refused, with a message that names the fix.

One table (issue 14): each row is a case id, a zero-argument call, the exception it must raise
and a phrase of its message; or, for calls that must be accepted (NumPy integers), ``None`` and
the value the call must return. Every refused call fails before any training, so the table runs
in seconds. The shared checks live in ``helpers/_checks.py``.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

from helpers import (
    build_feature_extractor,
    build_forum_model,
    build_hybrid_with_head,
    fit_changes_layer,
    forum_circuit,
    forum_quantum_layer,
    head_layers,
    make_fourier_dataset,
    make_optimizer,
    model_spectrum,
    plot_decision_boundary,
    plot_grid,
    quantum_layers_for,
    random_weight_spectra,
    reuploading_circuit,
    set_seed,
    spectrum_grid,
    validation_split,
)
from helpers.benchmark import run_benchmark, run_one
from helpers.benchmark_stats import summarize_benchmark
from helpers.data import make_breast_cancer_dataset, make_moons_dataset
from helpers.models import build_classical_model, hidden_units_for_budget
from helpers.summaries import epochs_to_threshold, summarize_runs
from helpers.training import fit_over_seeds, fit_sklearn_over_seeds

import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

# Depends on the Keras backend: .ci/run runs this file again with KERAS_BACKEND=jax.
pytestmark = pytest.mark.backend

RNG = np.random.default_rng(0)
X = RNG.normal(size=(20, 2)).astype("float32")
Y = (X[:, 0] > 0).astype("float32")
DATA = SimpleNamespace(x_train=X[:15], y_train=Y[:15], x_test=X[15:], y_test=Y[15:])
MOONS = make_moons_dataset(n_samples=40)


def with_array(data, field, array, **extra):
    """A copy of ``data`` (any object with the four arrays) with one array replaced."""
    fields = {k: getattr(data, k) for k in ("x_train", "x_test", "y_train", "y_test")}
    return SimpleNamespace(**{**fields, field: array, **extra})


def with_value(array, index, value):
    changed = np.array(array, dtype="float32")
    changed[index] = value
    return changed


def bad_moons(field, array):
    """MOONS with one array replaced, for run_one/run_benchmark (which also read name)."""
    return with_array(MOONS, field, array, name="moons", n_features=2)


def fit(**arguments):
    """fit_over_seeds on 20 samples with a 21-parameter MLP; arguments override the defaults."""
    call = {"data": DATA, "seeds": [0], "epochs": 1, "verbose": False, **arguments}
    return fit_over_seeds(lambda: build_classical_model(2, 21), **call)


def logistic(seeds, data=DATA):
    return fit_sklearn_over_seeds(lambda s: LogisticRegression(random_state=s), data, seeds, "lr")


def bench(**arguments):
    call = {
        "datasets": [MOONS],
        "models": ["logistic regression"],
        "seeds": [0, 1],
        "epochs": 1,
        "n_jobs": 1,
        **arguments,
    }
    return run_benchmark(**call)


HISTORY = pd.DataFrame({"model": ["a"] * 4, "seed": [0, 0, 1, 1], "epoch": [1, 2] * 2})
HISTORY["acc"] = [0.5, 0.8, 0.6, 0.7]
TWICE = pd.concat([HISTORY, HISTORY], ignore_index=True)  # a history concatenated twice
RESULTS = pd.DataFrame(
    {
        "dataset": "d",
        "model": "m",
        "family": "classical",
        "seed": [0, 0, 0],  # one run counted three times
        "train_accuracy": 0.9,
        "test_accuracy": 0.8,
        "fit_seconds": 1.0,
        "parameters": 3,
    }
)
TINY = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
INT64 = np.int64
DUPLICATE = "more than once"
POSITIVE_EPOCHS = "epochs must be a positive int"
FINITE = "NaN or infinite value"

CASES = [
    # --- fit_over_seeds: epochs, seeds, batch size ---
    ("fit/epochs=0", lambda: fit(epochs=0), ValueError, POSITIVE_EPOCHS),
    ("fit/epochs=2.5", lambda: fit(epochs=2.5), ValueError, POSITIVE_EPOCHS),
    ("fit/epochs=None", lambda: fit(epochs=None), ValueError, POSITIVE_EPOCHS),
    ("fit/epochs=True", lambda: fit(epochs=True), ValueError, POSITIVE_EPOCHS),
    ("fit/seeds repeated", lambda: fit(seeds=[0, 0, 0]), ValueError, "seeds must be distinct"),
    ("fit/seeds empty", lambda: fit(seeds=[]), ValueError, "seeds is empty"),
    (
        "fit/seed bool",
        lambda: fit(seeds=[True]),
        ValueError,
        "each seed must be a non-negative int",
    ),
    ("fit/batch_size=0", lambda: fit(batch_size=0), ValueError, "batch_size must be a positive"),
    # --- fit_over_seeds: the data, checked before any training ---
    (
        "fit/NaN in x_train",
        lambda: fit(data=with_array(DATA, "x_train", with_value(X[:15], (3, 1), np.nan))),
        ValueError,
        "x_train holds 1 NaN or infinite value(s), the first at row 3, column 1; impute or drop "
        "them before training, e.g. sklearn.impute.SimpleImputer",
    ),
    (
        "fit/inf in x_test",
        lambda: fit(data=with_array(DATA, "x_test", with_value(X[15:], (2, 0), np.inf))),
        ValueError,
        "x_test holds 1 NaN or infinite value(s), the first at row 2",
    ),
    (
        "fit/NaN in y_train",
        lambda: fit(data=with_array(DATA, "y_train", with_value(Y[:15], 4, np.nan))),
        ValueError,
        "y_train holds 1 NaN or infinite value(s), the first at row 4;",
    ),
    (
        "fit/NaN in y_test",
        lambda: fit(data=with_array(DATA, "y_test", with_value(Y[15:], 0, np.nan))),
        ValueError,
        "y_test holds 1 NaN",
    ),
    (
        "fit/one label short",
        lambda: fit(data=with_array(DATA, "y_train", Y[:14])),
        ValueError,
        "x_train has 15 rows but y_train has 14",
    ),
    (
        "fit/empty x_train",
        lambda: fit(data=with_array(DATA, "x_train", X[:0])),
        ValueError,
        "x_train must hold at least one row",
    ),
    (
        "fit/text labels",
        lambda: fit(data=with_array(DATA, "y_test", np.array(["a"] * 5))),
        ValueError,
        "y_test must be numeric",
    ),
    # --- fit_sklearn_over_seeds ---
    ("sklearn/seeds repeated", lambda: logistic([1, 1]), ValueError, "seeds must be distinct"),
    # --- summaries of a table that holds a run twice ---
    (
        "summarize_runs/history twice",
        lambda: summarize_runs(TWICE, "acc"),
        ValueError,
        "the history holds the same (model, seed, epoch) more than once (8 repeated rows, "
        "e.g. {'model': 'a', 'seed': 0, 'epoch': 1}); histories were probably concatenated "
        "twice or seeds repeated",
    ),
    (
        "epochs_to_threshold/history twice",
        lambda: epochs_to_threshold(TWICE, "acc", 0.7),
        ValueError,
        "concatenated twice or seeds repeated",
    ),
    (
        "summarize_runs/missing metric",
        lambda: summarize_runs(HISTORY, "val_accuracy"),
        ValueError,
        "no column(s) ['val_accuracy']",
    ),
    (
        "summarize_benchmark/seed 0 three times",
        lambda: summarize_benchmark(RESULTS),
        ValueError,
        "the results table holds the same (dataset, model, seed) more than once",
    ),
    # --- run_one (scikit-learn models ignore epochs, which must still be meaningful) ---
    (
        "run_one/epochs=0",
        lambda: run_one("logistic regression", MOONS, 0, epochs=0),
        ValueError,
        POSITIVE_EPOCHS,
    ),
    (
        "run_one/seed=-1",
        lambda: run_one("logistic regression", MOONS, -1, 1),
        ValueError,
        "seed must be a non-negative int below 2**32",
    ),
    (
        "run_one/seed=True",
        lambda: run_one("logistic regression", MOONS, True, 1),
        ValueError,
        "seed must be a non-negative int",
    ),
    (
        "run_one/batch_size=2.0",
        lambda: run_one("MLP, same budget", MOONS, 0, 1, batch_size=2.0),
        ValueError,
        "batch_size must be a positive int",
    ),
    (
        "run_one/NaN in x_train",
        lambda: run_one(
            "logistic regression", bad_moons("x_train", with_value(MOONS.x_train, 0, np.nan)), 0, 1
        ),
        ValueError,
        "x_train holds 2 NaN or infinite value(s), the first at row 0, column 0",
    ),
    (
        "run_one/unknown model",
        lambda: run_one("quantum SVM", MOONS, 0, 1),
        ValueError,
        "unknown benchmark model",
    ),
    # --- run_benchmark ---
    ("bench/epochs=-5", lambda: bench(epochs=-5), ValueError, POSITIVE_EPOCHS),
    ("bench/seeds repeated", lambda: bench(seeds=[0, 0]), ValueError, "seeds must be distinct"),
    ("bench/seeds empty", lambda: bench(seeds=[]), ValueError, "seeds is empty"),
    ("bench/n_jobs=0", lambda: bench(n_jobs=0), ValueError, "n_jobs must be a non-zero int"),
    ("bench/n_jobs=1.5", lambda: bench(n_jobs=1.5), ValueError, "n_jobs must be an int"),
    ("bench/batch_size=0", lambda: bench(batch_size=0), ValueError, "batch_size must be a pos"),
    (
        "bench/model repeated",
        lambda: bench(models=["logistic regression"] * 2),
        ValueError,
        "models must be distinct",
    ),
    (
        "bench/NaN in y_test",
        lambda: bench(datasets=[bad_moons("y_test", with_value(MOONS.y_test, 1, np.nan))]),
        ValueError,
        "y_test holds 1 NaN",
    ),
    (
        "bench/unknown model",
        lambda: bench(models=["quantum SVM"]),
        ValueError,
        "unknown benchmark models",
    ),
    (
        "bench/12 features",
        lambda: bench(datasets=[make_breast_cancer_dataset(n_components=12)]),
        ValueError,
        "12 features, and the hybrid models use one qubit per feature; keep at most 8",
    ),
    # --- set_seed ---
    ("set_seed/-1", lambda: set_seed(-1), ValueError, "seed must be a non-negative int"),
    ("set_seed/1.5", lambda: set_seed(1.5), ValueError, "seed must be a non-negative int"),
    ("set_seed/'0'", lambda: set_seed("0"), ValueError, "seed must be a non-negative int"),
    ("set_seed/True", lambda: set_seed(True), ValueError, "seed must be a non-negative int"),
    ("set_seed/2**32", lambda: set_seed(2**32), ValueError, "non-negative int below 2**32"),
    # --- sizes in circuits, models, fourier and plotting (one policy: check_int) ---
    ("forum_circuit/True", lambda: forum_circuit(True), ValueError, "n_qubits must be a positive"),
    (
        "depth/True",
        lambda: quantum_layers_for("single", 2, True),
        ValueError,
        "depth must be a pos",
    ),
    ("n_layers/0", lambda: build_forum_model(2, n_layers=0), ValueError, "n_layers must be a pos"),
    ("spectrum_grid/3", lambda: spectrum_grid(3), ValueError, "n_points must be an int >= 4"),
    (
        "model_spectrum/max_frequency=2.5",
        lambda: model_spectrum(np.sin, max_frequency=2.5),
        ValueError,
        "max_frequency must be a non-negative int",
    ),
    (
        "fourier dataset/n_train=1",
        lambda: make_fourier_dataset([0.1], n_train=1),
        ValueError,
        "n_train must be an int >= 2",
    ),
    (
        "random_weight_spectra/n_draws=0",
        lambda: random_weight_spectra(TINY, n_draws=0),
        ValueError,
        "n_draws must be a positive int",
    ),
    (
        "decision boundary/grid_size=True",
        lambda: plot_decision_boundary(lambda g: g[:, 0], X, Y, grid_size=True),
        ValueError,
        "grid_size must be an int >= 2",
    ),
    # --- accepted: NumPy integers wherever an int is asked for (expected return value) ---
    (
        "accept/summarize_runs group=seed",  # as notebooks 01 and 02 call it
        lambda: summarize_runs(HISTORY, "acc", group="seed")["n"].tolist(),
        None,
        [1, 1],
    ),
    ("accept/set_seed(np.int64(3))", lambda: set_seed(INT64(3)), None, None),
    (
        "accept/fit np.arange seeds, np.int64 epochs",
        lambda: (
            fit(seeds=np.arange(2), epochs=INT64(1), batch_size=INT64(8))[["seed", "epoch"]]
            .to_numpy()
            .tolist()
        ),
        None,
        [[0, 1], [1, 1]],
    ),
    (
        "accept/sklearn np.arange seeds",
        lambda: logistic(np.arange(2))["seed"].tolist(),
        None,
        [0, 1],
    ),
    (
        "accept/run_one np.int64 seed and epochs",
        lambda: run_one("logistic regression", MOONS, INT64(1), INT64(1))["seed"],
        None,
        1,
    ),
    (
        "accept/run_benchmark np.arange seeds",
        lambda: bench(seeds=np.arange(2), epochs=INT64(1), n_jobs=INT64(1))["seed"].tolist(),
        None,
        [0, 1],
    ),
    (
        "accept/forum_circuit np.int64",
        lambda: forum_circuit(INT64(2)) is forum_circuit(2),
        None,
        True,
    ),
    (
        "accept/reuploading_circuit np.int64",
        lambda: reuploading_circuit(INT64(2), INT64(3)) is reuploading_circuit(2, 3),
        None,
        True,
    ),
    (
        "accept/depth np.int64",
        lambda: len(quantum_layers_for("stacked_shared", 2, INT64(3))),
        None,
        3,
    ),
    ("accept/spectrum_grid np.int64", lambda: spectrum_grid(INT64(8)).shape, None, (8, 1)),
    ("accept/plot_grid np.int64", lambda: len(plot_grid(INT64(3), ncols=INT64(2))[1]), None, 3),
    # --- model builders (issue 20: one validator for sizes, fractions and choices) ---
    (
        "head/dropout=1",
        lambda: build_hybrid_with_head(2, dropout=1.0),
        ValueError,
        "dropout must be a number from 0 up to (not including) 1, got 1.0",
    ),
    ("head/dropout=True", lambda: head_layers(dropout=True), ValueError, "dropout must be a num"),
    ("head/n_outputs=0", lambda: head_layers(n_outputs=0), ValueError, "n_outputs must be a pos"),
    (
        "head/hidden_units=(5, 0)",
        lambda: head_layers((5, 0)),
        ValueError,
        "each of hidden_units must be a positive int, got 0",
    ),
    (
        "forum/n_outputs=1.0",
        lambda: build_forum_model(2, n_outputs=1.0),
        ValueError,
        "n_outputs must be a positive int",
    ),
    (
        "forum_quantum_layer/n_layers=0",
        lambda: forum_quantum_layer(2, 0),
        ValueError,
        "n_layers must be a positive int, got 0; e.g. n_layers=2",
    ),
    (
        "make_optimizer/rmsprop",
        lambda: make_optimizer("rmsprop", 0.1),
        ValueError,
        "optimizer must be one of ['adam', 'sgd'], got 'rmsprop'",
    ),
    (
        "architecture/deep",
        lambda: quantum_layers_for("deep", 2, 2),
        ValueError,
        "architecture must be one of ['single', 'reuploading', 'stacked_distinct'",
    ),
    (
        "extractor/angles=relu",
        lambda: build_feature_extractor(4, 4, angles="relu"),
        ValueError,
        "angles must be one of ['linear', 'sigmoid_pi', 'tanh_half_pi', 'tanh_pi'], got 'relu'",
    ),
    (
        "budget/param_budget=0",
        lambda: hidden_units_for_budget(2, 0),
        ValueError,
        "param_budget must be a positive int",
    ),
    (
        "validation_split/fraction=1",
        lambda: validation_split(X, Y, 1),
        ValueError,
        "validation_fraction must be a number strictly between 0 and 1, got 1",
    ),
    (
        "budget/below the smallest MLP",
        lambda: hidden_units_for_budget(4, 5),
        ValueError,
        "a budget of 5 parameters is below the smallest MLP on 4 features (7)",
    ),
    ("forum_circuit/0", lambda: forum_circuit(0), ValueError, "n_qubits must be a positive int"),
    *[
        (
            f"reuploading_circuit/n_blocks={bad!r}",
            lambda bad=bad: reuploading_circuit(2, bad),
            ValueError,
            "n_blocks must be a positive int",
        )
        for bad in (0, -1, 1.5, True)
    ],
    ("depth/0", lambda: quantum_layers_for("single", 2, 0), ValueError, "depth must be a posit"),
    (
        "fit_changes_layer/no compile",
        lambda: fit_changes_layer(["freeze", "fit"], X, Y),
        ValueError,
        "steps must include 'compile'",
    ),
    (
        "fit_changes_layer/unknown step",
        lambda: fit_changes_layer(["compile", "train"], X, Y),
        ValueError,
        "use only ['freeze', 'unfreeze', 'compile', 'fit']; got ['compile', 'train']",
    ),
    ("accept/budget np.int64", lambda: hidden_units_for_budget(INT64(2), INT64(33)), None, 8),
    (
        "accept/head np.int64 sizes",
        lambda: [layer.name for layer in head_layers((INT64(5),), dropout=0, n_outputs=INT64(1))],
        None,
        ["hidden_1", "output"],
    ),
]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize(
    ("call", "error", "expected"),
    [pytest.param(call, error, expected, id=case) for case, call, error, expected in CASES],
)
def test_bad_argument_is_refused_and_good_one_accepted(call, error, expected):
    if error is None:
        assert call() == expected
    else:
        with pytest.raises(error, match=re.escape(expected)):
            call()
