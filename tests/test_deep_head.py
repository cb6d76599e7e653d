"""Unit tests for helpers.deep_head (notebook 02's long runs and seed classes)."""

from __future__ import annotations

from helpers.deep_head import (
    OUTCOMES,
    classify_seeds,
    long_run,
    majority_accuracy,
    setting_data,
)

import numpy as np
import pandas as pd
import pytest

# Depends on the Keras backend: .ci/run runs this file again with KERAS_BACKEND=jax.
pytestmark = pytest.mark.backend


def run(seed, accs, dead, grads, setting="s", model="forum head"):
    epochs = [0, 10, 20, 30][: len(accs)]
    return pd.DataFrame(
        {
            "model": model,
            "setting": setting,
            "seed": seed,
            "epoch": epochs,
            "test_accuracy": accs,
            "dead_hidden_2": dead,
            "circuit_gradient": grads,
        }
    )


def test_classify_seeds_applies_the_rules_in_order():
    history = pd.concat(
        [
            run(0, [0.5, 0.9, 0.9, 0.9], [0, 0, 0, 0], [1e-5, 0.1, 0.1, 0.1]),  # fast
            run(1, [0.5, 0.5, 0.5, 0.9], [0, 0, 0, 0], [1e-5, 1e-5, 0.1, 0.1]),  # slow
            run(2, [0.5, 0.5, 0.5, 0.5], [0, 1, 1, 1], [1e-5, 1e-5, 1e-5, 1e-5]),  # plateau
            run(3, [0.5, 0.5, 0.5, 0.5], [1, 2, 2, 2], [1e-5, 0, 0, 0]),  # died
            run(4, [0.5, 0.5, 0.5, 0.5], [2, 2, 2, 2], [0, 0, 0, 0]),  # dead from the start
        ]
    )
    table = classify_seeds(history, 0.85, 0.7, fast_within=10).set_index("seed")
    assert table["outcome"].tolist() == [OUTCOMES[i] for i in (0, 1, 2, 3, 4)]
    assert table.loc[1, "escape_epoch"] == 30
    assert np.isnan(table.loc[2, "escape_epoch"])
    # a late dip below the target resets the stricter measure, not the escape
    dip = run(5, [0.5, 0.9, 0.9, 0.84], [0, 0, 0, 0], [1e-5, 0.1, 0.1, 0.1])
    row = classify_seeds(dip, 0.85, 0.7, fast_within=10).iloc[0]
    assert row["outcome"] == OUTCOMES[0]
    assert row["escape_epoch"] == 10
    assert np.isnan(row["epochs_to_target"])
    levels = pd.Series({"s": 0.95})
    assert (classify_seeds(history, levels, levels)["outcome"] != OUTCOMES[0]).all()


def test_majority_accuracy_is_the_share_of_the_larger_class():
    assert majority_accuracy("breast cancer, 4 qubits") == pytest.approx(90 / 143)


def test_setting_data_widths_and_unknown_settings():
    assert setting_data("breast cancer, 2 qubits").n_features == 2
    assert setting_data("moons, 2 qubits", n_samples=40).x_train.shape == (30, 2)
    with pytest.raises(ValueError, match="setting must be one of"):
        setting_data("moons, 4 qubits")


def test_long_run_records_probes_for_every_seed():
    history = long_run("moons, 2 qubits", [0, 1], 2, eval_every=1, n_samples=40)
    assert history.groupby("seed")["epoch"].apply(list).tolist() == [[0, 1, 2], [0, 1, 2]]
    assert {"dead_hidden_1", "dead_hidden_2", "circuit_gradient", "setting"} <= set(history)
    assert (history["circuit_gradient"] >= 0).all()
    assert history["dead_hidden_2"].between(0, 2).all()
