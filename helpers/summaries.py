"""Tables that summarise a tidy training history (a row per model, seed and epoch): the final
value per model, and the epoch each run reached or stayed above a threshold.

Introduced in notebook 00 (:func:`summarize_runs`); notebooks 01-03 count epochs to a threshold.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from helpers._checks import check_unique_rows

import numpy as np
import pandas as pd


def summarize_runs(
    history: pd.DataFrame, metric: str, epoch: int | None = None, group: str = "model"
) -> pd.DataFrame:
    """Mean, standard deviation and count of ``metric`` per model, at the last epoch of each
    run (or at ``epoch``).
    Introduced in notebook 00.

    Each (``group``, seed, epoch) must appear once: a repeated run would count twice in ``n``
    and shrink ``sd``, so it is an error.

    Example:
        >>> history = pd.DataFrame({"model": "hybrid", "seed": [0, 0, 0, 1, 1, 1],
        ...                         "epoch": [1, 2, 3] * 2,
        ...                         "val_accuracy": [0.6, 0.85, 0.8, 0.7, 0.9, 0.95]})
        >>> summarize_runs(history, "val_accuracy")  # at each run's last epoch
            model   mean        sd  n
        0  hybrid  0.875  0.106066  2
    """
    _require_columns(history, [group, "seed", "epoch", metric])
    _require_unique_runs(history, group)
    if epoch is None:
        rows = history.sort_values("epoch").groupby([group, "seed"], sort=False).tail(1)
    else:
        rows = history[history["epoch"] == epoch]
    table = rows.groupby(group, sort=False)[metric].agg(mean="mean", sd="std", n="count")
    order = [g for g in pd.unique(history[group]) if g in table.index]  # as the runs came
    return table.reindex(order).reset_index().fillna({"sd": 0.0})


def epochs_to_threshold(
    history: pd.DataFrame, metric: str, threshold: float, group: str = "model"
) -> pd.DataFrame:
    """First epoch at which ``metric`` reaches ``threshold``, per run (NaN if it never does).
    Introduced in notebook 03.

    Example:
        >>> history = pd.DataFrame({"model": "hybrid", "seed": [0, 0, 0, 1, 1, 1],
        ...                         "epoch": [1, 2, 3] * 2,
        ...                         "val_accuracy": [0.6, 0.85, 0.8, 0.7, 0.9, 0.95]})
        >>> epochs_to_threshold(history, "val_accuracy", 0.8)
            model  seed  epoch
        0  hybrid     0      2
        1  hybrid     1      2
    """
    _require_columns(history, [group, "seed", "epoch", metric])
    _require_unique_runs(history, group)
    reached = history[history[metric] >= threshold]
    first = reached.groupby([group, "seed"], sort=False)["epoch"].min()
    runs = history.groupby([group, "seed"], sort=False).size().index
    return first.reindex(runs).rename("epoch").reset_index()


def epochs_to_stay(
    history: pd.DataFrame, metric: str, target: float, group: str = "model"
) -> pd.DataFrame:
    """The epoch from which ``metric`` stays at or above ``target`` until the run's end.
    Introduced in notebook 02.

    Unlike :func:`epochs_to_threshold`, a transient hit does not count: the epoch returned is
    the first recorded epoch after the last one below ``target``. A run whose last value is
    below ``target`` never got there: its ``epoch`` is NaN and ``censored`` is True (it is
    censored at its last epoch, ``last_epoch``); never average such a run as a number.

    Example:
        >>> history = pd.DataFrame({"model": "hybrid", "seed": [0, 0, 0, 1, 1, 1],
        ...                         "epoch": [1, 2, 3] * 2,
        ...                         "val_accuracy": [0.6, 0.85, 0.8, 0.7, 0.9, 0.95]})
        >>> epochs_to_stay(history, "val_accuracy", 0.85)  # seed 0 dips back below: censored
            model  seed  epoch  last_epoch  censored
        0  hybrid     0    NaN           3      True
        1  hybrid     1    2.0           3     False
    """
    _require_columns(history, [group, "seed", "epoch", metric])
    _require_unique_runs(history, group)
    rows = []
    ordered = history.sort_values("epoch", kind="stable")
    for (name, seed), run in ordered.groupby([group, "seed"], sort=False):
        epochs, values = run["epoch"].to_numpy(), run[metric].to_numpy(dtype=float)
        below = np.flatnonzero(~(values >= target))
        censored = bool(len(below)) and below[-1] == len(values) - 1
        first_above = below[-1] + 1 if len(below) else 0
        epoch = np.nan if censored else float(epochs[first_above])
        rows.append(
            {
                group: name,
                "seed": seed,
                "epoch": epoch,
                "last_epoch": int(epochs[-1]),
                "censored": censored,
            }
        )
    return pd.DataFrame(rows)


def format_mean_sd(mean: float, sd: float, digits: int = 2) -> str:
    """``"0.85 ± 0.03"``.
    Introduced in notebook 01.

    Example:
        >>> format_mean_sd(0.8512, 0.031)
        '0.85 ± 0.03'
    """
    return f"{mean:.{digits}f} ± {sd:.{digits}f}"


def _require_columns(table: pd.DataFrame, columns: Sequence[Any]) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(
            f"the table has no column(s) {missing}; its columns are {list(table.columns)}. "
            "Pass a metric the models were compiled with (validation metrics start with 'val_')."
        )


def _require_unique_runs(history: pd.DataFrame, group: str) -> None:
    check_unique_rows(
        history,
        list(dict.fromkeys([group, "seed", "epoch"])),  # group="seed" names the column once
        "the history",
        "histories were probably concatenated twice or seeds repeated; concatenate each run "
        "once and train with distinct seeds (or give different runs different names, or pass "
        "group=)",
    )
