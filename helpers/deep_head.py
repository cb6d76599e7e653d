"""Long runs of the forum's deep head, and the per-seed verdicts of notebook 02.

The forum learner's deep head (``Dense(5, "uniform", relu)``, ``Dense(2, "uniform", relu)``,
``Dense(2, sigmoid)``, dropout 0.2, SGD 0.05) "needed about 1000 epochs". To see why, notebook
02 trains it for a thousand epochs on several settings (a dataset and a qubit count), ten seeds
each, records every seed's test accuracy, dead ReLU units and the gradient reaching the circuit,
and sorts the seeds into outcome classes from those numbers.

* :data:`SETTINGS` and :func:`setting_data`: the settings;
* :func:`long_run`: one setting, one head, every seed, side by side
  (:func:`helpers.training.fit_seeds_together`), with the probes;
* :func:`run_settings`: several long runs in parallel worker processes (joblib);
* :func:`classify_seeds`: one row per seed with its outcome class;
* :func:`majority_accuracy`: the accuracy of always predicting the more frequent class.

Introduced in notebook 02.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

from helpers._checks import check_int
from helpers.data import Dataset, make_breast_cancer_dataset, make_moons_dataset
from helpers.engine import parallel
from helpers.introspection import dead_relu_units, gradient_norms
from helpers.models import build_hybrid_with_head
from helpers.summaries import epochs_to_stay
from helpers.training import fit_seeds_together

import keras
import numpy as np
import pandas as pd
from joblib import delayed

#: The settings notebook 02 compares: name -> (dataset, qubits = features = the head's width).
SETTINGS: dict[str, tuple[str, int]] = {
    "moons, 2 qubits": ("moons", 2),
    "breast cancer, 2 qubits": ("breast_cancer", 2),
    "breast cancer, 4 qubits": ("breast_cancer", 4),
}

#: The outcome classes of :func:`classify_seeds`, in the order tables and figures use.
OUTCOMES: tuple[str, ...] = (
    "fast",
    "slow: plateau, then escape",
    "still on the plateau",
    "died during training",
    "dead from the start",
)


def setting_data(setting: str, n_samples: int = 300) -> Dataset:
    """The dataset of a setting of :data:`SETTINGS` (split seed 0, as in notebook 01).
    Introduced in notebook 02.

    Example:
        >>> setting_data("breast cancer, 4 qubits").n_features
        4
    """
    if setting not in SETTINGS:
        raise ValueError(f"setting must be one of {sorted(SETTINGS)}, got {setting!r}")
    name, n_qubits = SETTINGS[setting]
    if name == "moons":
        return make_moons_dataset(n_samples=n_samples, seed=0)
    return make_breast_cancer_dataset(n_components=n_qubits, seed=0)


def majority_accuracy(setting: str, n_samples: int = 300) -> float:
    """Test accuracy of always predicting a setting's more frequent class: the plateau's level.
    Introduced in notebook 02.

    Example:
        >>> round(majority_accuracy("breast cancer, 4 qubits"), 3)
        0.629
    """
    y = setting_data(setting, n_samples).y_test
    return float(max(y.mean(), 1 - y.mean()))


def one_hot(y: np.ndarray) -> np.ndarray:
    """Two-column labels, as the forum's ``Dense(2, sigmoid)`` output needs.
    Introduced in notebook 02.

    Example:
        >>> one_hot(np.array([0, 1])).tolist()
        [[1.0, 0.0], [0.0, 1.0]]
    """
    return keras.utils.to_categorical(y, 2)


def long_run(
    setting: str,
    seeds: Sequence[int],
    epochs: int,
    *,
    name: str = "forum head",
    eval_every: int = 20,
    n_samples: int = 300,
    **head: Any,
) -> pd.DataFrame:
    """Trains ``build_hybrid_with_head(n_qubits, **head)`` for ``epochs`` on every seed.
    Not used by a notebook; for your own experiments.

    The defaults of :func:`helpers.build_hybrid_with_head` are the forum's head, so
    ``long_run(setting, seeds, 1000)`` is the learner's model as posted; ``hidden_units=()``
    and ``dropout=0.0`` give the single-``Dense`` baseline. Besides the accuracies, every
    record holds ``dead_hidden_1`` and ``dead_hidden_2`` (ReLU units that output 0 for every
    training sample) and ``circuit_gradient`` (the norm of the loss gradient reaching the
    circuit's weights).

    Returns:
        The history of :func:`helpers.training.fit_seeds_together` with a ``setting`` column.

    Example:
        >>> history = long_run("moons, 2 qubits", [0, 1], 2, eval_every=2, n_samples=40)
        >>> history[["seed", "epoch"]].values.tolist()  # epoch 0, then every eval_every
        [[0, 0], [1, 0], [0, 2], [1, 2]]
        >>> history.columns[-4:].tolist()
        ['dead_hidden_1', 'dead_hidden_2', 'circuit_gradient', 'fit_seconds']

    Notebook 02 runs it, through :func:`run_settings`, with 10 seeds and 1000 epochs.
    """
    data = setting_data(setting, n_samples)
    n_qubits = SETTINGS[setting][1]
    y_train = one_hot(data.y_train)

    def probe(model: keras.Model) -> dict[str, float]:
        dead = dead_relu_units(model, data.x_train)  # once per record for both layers
        norms = gradient_norms(model, data.x_train, y_train)
        return {
            "dead_hidden_1": dead.get("hidden_1", np.nan),
            "dead_hidden_2": dead.get("hidden_2", np.nan),
            "circuit_gradient": next(v for k, v in norms.items() if k.endswith("quantum/weights")),
        }

    history = fit_seeds_together(
        lambda: build_hybrid_with_head(n_qubits, **head),
        data,
        seeds,
        epochs,
        name=name,
        eval_every=eval_every,
        y_transform=one_hot,
        probe=probe,
        verbose=False,
    )
    history.insert(1, "setting", setting)
    return history


def run_settings(tasks: Sequence[dict[str, Any]], n_jobs: int = -1) -> pd.DataFrame:
    """Runs several :func:`long_run` calls (keyword dicts) in joblib worker processes.
    Introduced in notebook 02.

    Each task runs in one process, so two tasks use two cores; the result is the same as
    running them one after another (each seeds itself).

    Example:
        >>> task = {"setting": "moons, 2 qubits", "seeds": [0], "epochs": 1, "n_samples": 40}
        >>> runs = run_settings([task | {"eval_every": 1}], n_jobs=1)  # n_jobs=1: no workers
        >>> runs[["setting", "seed", "epoch"]].values.tolist()
        [['moons, 2 qubits', 0, 0], ['moons, 2 qubits', 0, 1]]

    Notebook 02 runs every setting of :data:`SETTINGS` with 10 seeds and 1000 epochs, on every
    core (``n_jobs=-1``).
    """
    if not tasks:
        raise ValueError("tasks is empty; pass at least one dict of long_run arguments")
    with warnings.catch_warnings():
        # loky restarts a worker whose memory grew during a task (here: compiled circuits kept
        # for reuse) and warns about it; the results are unaffected.
        warnings.filterwarnings("ignore", message="A worker stopped while some jobs")
        frames = parallel(n_jobs)(delayed(_long_run_quietly)(task) for task in tasks)
    return pd.concat(frames, ignore_index=True)


def _long_run_quietly(task: dict[str, Any]) -> pd.DataFrame:
    with warnings.catch_warnings():
        # PennyLane's TF-interface deprecation warning, once per worker: the notebook explains it.
        warnings.filterwarnings("ignore", message="Support for the TensorFlow interface")
        return long_run(**task)


def classify_seeds(
    history: pd.DataFrame,
    target: float | pd.Series,
    plateau_exit: float | pd.Series,
    *,
    fast_within: int = 100,
    width: int = 2,
) -> pd.DataFrame:
    """One row per (setting, model, seed): its outcome class and the numbers that decide it.
    Introduced in notebook 02.

    Two epochs per seed, both from :func:`helpers.epochs_to_stay` (a transient hit does not
    count; NaN means never, censored at the last epoch):

    * ``escape_epoch``: from when test accuracy stays at or above ``plateau_exit``, a level
      between the majority-class accuracy and the baseline's: the seed has left the plateau;
    * ``epochs_to_target``: from when it stays at or above ``target`` (the baseline's accuracy
      minus 0.02), a stricter test that a late dip of one or two test points resets.

    Classes, in order: ``dead from the start`` (every ``hidden_2`` unit dead at epoch 0, so no
    gradient reaches anything before them, the circuit included); ``fast`` (escaped within
    ``fast_within`` epochs); ``slow: plateau, then escape`` (escaped later); ``died during
    training`` (never escaped, every ``hidden_2`` unit dead at the end); ``still on the plateau``
    (never escaped, a unit still alive: it might escape after the run).

    ``target`` and ``plateau_exit`` may be numbers or Series indexed by setting.

    Example:
        >>> accuracy = {0: [0.5, 0.9, 0.9, 0.9], 1: [0.5, 0.5, 0.9, 0.9], 2: [0.5] * 4,
        ...             3: [0.5] * 4}
        >>> dead = {0: [0] * 4, 1: [0] * 4, 2: [2] * 4, 3: [0, 0, 1, 1]}  # hidden_2 has 2 units
        >>> history = pd.DataFrame(
        ...     {"setting": "moons, 2 qubits", "model": "forum head", "seed": seed, "epoch": epoch,
        ...      "test_accuracy": accuracy[seed][i], "dead_hidden_2": dead[seed][i],
        ...      "circuit_gradient": 0.1}
        ...     for seed in accuracy for i, epoch in enumerate([0, 20, 300, 1000]))
        >>> classify_seeds(history, target=0.85, plateau_exit=0.7)[["seed", "outcome"]]
           seed                     outcome
        0     0                        fast
        1     1  slow: plateau, then escape
        2     2         dead from the start
        3     3        still on the plateau

    Notebook 02 classifies the histories of :func:`run_settings`: 10 seeds of 1000 epochs per
    setting.
    """
    fast_within = check_int(fast_within, "fast_within", minimum=1, fix="e.g. fast_within=100")
    rows = []
    for (setting, model), runs in history.groupby(["setting", "model"], sort=False):
        goal, exit_level = (
            float(v[setting]) if isinstance(v, pd.Series) else float(v)
            for v in (target, plateau_exit)
        )
        reach = epochs_to_stay(runs, "test_accuracy", goal, group="model").set_index("seed")
        escape = epochs_to_stay(runs, "test_accuracy", exit_level, group="model")
        escape = escape.set_index("seed")["epoch"]
        for seed, run in runs.sort_values("epoch", kind="stable").groupby("seed", sort=False):
            start, end = run.iloc[0], run.iloc[-1]
            if start["dead_hidden_2"] >= width:
                outcome = OUTCOMES[4]
            elif np.isnan(escape[seed]):
                outcome = OUTCOMES[3] if end["dead_hidden_2"] >= width else OUTCOMES[2]
            else:
                outcome = OUTCOMES[0] if escape[seed] <= fast_within else OUTCOMES[1]
            rows.append(
                {
                    "setting": setting,
                    "model": model,
                    "seed": seed,
                    "outcome": outcome,
                    "escape_epoch": escape[seed],
                    "epochs_to_target": reach.loc[seed, "epoch"],
                    "final_test_accuracy": end["test_accuracy"],
                    "dead_hidden_2_start": start["dead_hidden_2"],
                    "dead_hidden_2_end": end["dead_hidden_2"],
                    "circuit_gradient_start": start["circuit_gradient"],
                    "circuit_gradient_end": end["circuit_gradient"],
                }
            )
    return pd.DataFrame(rows)
