"""Unit tests for helpers.training."""

from __future__ import annotations

from types import SimpleNamespace

from helpers.models import build_classical_model
from helpers.summaries import epochs_to_stay, epochs_to_threshold, format_mean_sd, summarize_runs
from helpers.training import fit_over_seeds, fit_sklearn_over_seeds, validation_split

import numpy as np
import pandas as pd
import pytest

# Depends on the Keras backend: .ci/run runs this file again with KERAS_BACKEND=jax.
pytestmark = pytest.mark.backend


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(80, 2)).astype("float32")
    y = (x[:, 0] + x[:, 1] > 0).astype("float32")
    return SimpleNamespace(x_train=x[:60], y_train=y[:60], x_test=x[60:], y_test=y[60:])


def test_fit_over_seeds_returns_one_row_per_epoch_and_run(data, capsys):
    history = fit_over_seeds(
        lambda: build_classical_model(2, 21, optimizer="adam", learning_rate=0.05),
        data,
        seeds=[0, 1],
        epochs=3,
        name="mlp",
    )
    assert len(history) == 6
    assert list(history.columns[:3]) == ["model", "seed", "epoch"]
    assert {"loss", "val_loss", "val_binary_accuracy", "fit_seconds"} <= set(history.columns)
    assert history.groupby("seed")["epoch"].apply(list).tolist() == [[1, 2, 3], [1, 2, 3]]
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("mlp seed 0: 3 epochs")


def test_trained_models_are_kept_when_asked(data):
    models = []
    history = fit_over_seeds(
        lambda: build_classical_model(2, 21), data, [0, 1], 2, verbose=False, trained_models=models
    )
    assert len(models) == 2
    assert models[0] is not models[1]
    last = history[(history.seed == 1) & (history.epoch == 2)]["val_binary_accuracy"].item()
    _, accuracy = models[1].evaluate(data.x_test, data.y_test, verbose=0)
    assert accuracy == pytest.approx(last)


def test_sklearn_runs_summarise_like_keras_runs(data):
    from sklearn.linear_model import LogisticRegression

    rows = fit_sklearn_over_seeds(lambda s: LogisticRegression(random_state=s), data, [0, 1], "lr")
    assert list(rows["epoch"]) == [1, 1]
    expected = LogisticRegression().fit(data.x_train, data.y_train).score(data.x_test, data.y_test)
    summary = summarize_runs(rows, "val_binary_accuracy")
    assert summary.loc[0, "mean"] == pytest.approx(expected)
    assert summary.loc[0, "n"] == 2


def test_same_seed_same_history(data):
    def run():
        return fit_over_seeds(
            lambda: build_classical_model(2, 21), data, seeds=[3], epochs=2, verbose=False
        )

    pd.testing.assert_frame_equal(
        run().drop(columns="fit_seconds"), run().drop(columns="fit_seconds")
    )


def test_summaries_and_thresholds():
    history = pd.DataFrame(
        {
            "model": ["a"] * 6 + ["b"] * 3,
            "seed": [0, 0, 0, 1, 1, 1, 0, 0, 0],
            "epoch": [1, 2, 3] * 3,
            "acc": [0.5, 0.8, 0.9, 0.5, 0.6, 0.7, 0.4, 0.4, 0.4],
        }
    )
    summary = summarize_runs(history, "acc")
    assert summary["mean"].tolist() == pytest.approx([0.8, 0.4])
    assert summary["sd"].tolist() == pytest.approx([np.std([0.9, 0.7], ddof=1), 0.0])
    assert summary["n"].tolist() == [2, 1]
    assert summarize_runs(history, "acc", epoch=1)["mean"].tolist() == pytest.approx([0.5, 0.4])
    single = pd.DataFrame({"model": ["c"], "seed": [0], "epoch": [1], "acc": [0.9]})
    both = pd.concat([history, single])
    assert summarize_runs(both, "acc")["model"].tolist() == ["a", "b", "c"]  # order of runs
    reached = epochs_to_threshold(history, "acc", 0.7)
    assert reached["epoch"].tolist()[:2] == [2, 3]
    assert np.isnan(reached["epoch"].tolist()[2])


def test_format_mean_sd():
    assert format_mean_sd(0.8512, 0.031) == "0.85 ± 0.03"
    assert format_mean_sd(12.0, 3.14159, digits=1) == "12.0 ± 3.1"


def test_validation_split_is_carved_from_training_and_test_metrics_are_kept_apart(data):
    import keras

    seen = []

    class Record(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            seen.append(self.model)

    history = fit_over_seeds(
        lambda: build_classical_model(2, 21),
        data,
        [0],
        2,
        verbose=False,
        validation_fraction=0.25,
        callbacks=lambda: [Record()],
    )
    assert {"val_loss", "test_loss", "test_binary_accuracy"} <= set(history.columns)
    x_fit, x_val, _, _ = validation_split(data.x_train, data.y_train, 0.25)
    assert len(x_fit) + len(x_val) == len(data.x_train)
    rows = {tuple(r) for r in np.round(data.x_test, 6)}
    assert not rows & {tuple(r) for r in np.round(x_val, 6)}  # disjoint from the test split
    _, test_accuracy = seen[0].evaluate(data.x_test, data.y_test, verbose=0)
    assert history["test_binary_accuracy"].iloc[-1] == pytest.approx(test_accuracy)


def test_eval_every_records_every_k_epochs_and_is_reproducible(data):
    def run():
        return fit_over_seeds(
            lambda: build_classical_model(2, 21), data, [3], 6, verbose=False, eval_every=3
        )

    first, second = run(), run()
    assert first["epoch"].tolist() == [3, 6]
    pd.testing.assert_frame_equal(
        first.drop(columns="fit_seconds"), second.drop(columns="fit_seconds")
    )
    with pytest.raises(ValueError, match="not a multiple of eval_every=4"):
        fit_over_seeds(lambda: build_classical_model(2, 21), data, [0], 6, eval_every=4)


def test_epochs_to_stay_ignores_transient_hits_and_marks_censored_runs():
    history = pd.DataFrame(
        {
            "model": ["m"] * 8,
            "seed": [0] * 4 + [1] * 4,
            "epoch": [1, 2, 3, 4] * 2,
            "acc": [0.9, 0.5, 0.85, 0.9, 0.9, 0.9, 0.9, 0.5],
        }
    )
    table = epochs_to_stay(history, "acc", 0.8).set_index("seed")
    assert table.loc[0, "epoch"] == 3  # the hit at epoch 1 was transient
    assert not table.loc[0, "censored"]
    assert np.isnan(table.loc[1, "epoch"])  # fell below at the end: never stayed
    assert table.loc[1, "censored"]
    assert table.loc[1, "last_epoch"] == 4


def test_seeds_trained_together_do_not_interact(data):
    from helpers.training import fit_seeds_together

    def build():
        return build_classical_model(2, 21, optimizer="adam", learning_rate=0.05)

    joint = fit_seeds_together(build, data, [0, 1], 4, eval_every=2, verbose=False)
    alone = fit_seeds_together(build, data, [0], 4, eval_every=2, verbose=False)
    assert joint["epoch"].unique().tolist() == [0, 2, 4]
    columns = ["epoch", "loss", "accuracy", "test_loss", "test_accuracy"]
    first = joint[joint["seed"] == 0][columns].reset_index(drop=True)
    np.testing.assert_allclose(first.to_numpy(), alone[columns].to_numpy(), atol=1e-5)
    # the initial weights are the ones fit_over_seeds would build for each seed
    start = joint[joint["epoch"] == 0].set_index("seed")["test_loss"]
    assert start[0] != pytest.approx(start[1])


def test_seeds_trained_together_record_probes_and_keep_models(data):
    from helpers.training import fit_seeds_together

    models = []
    history = fit_seeds_together(
        lambda: build_classical_model(2, 21),
        data,
        [3, 4],
        2,
        eval_every=1,
        probe=lambda m: {"n_params": m.count_params()},
        trained_models=models,
        verbose=False,
    )
    assert len(models) == 2
    assert set(history["n_params"]) == {float(models[0].count_params())}
    assert history.groupby("seed").size().tolist() == [3, 3]
