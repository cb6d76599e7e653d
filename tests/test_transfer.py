"""Unit tests for helpers.transfer: files, saving, freezing, builders and summaries."""

from __future__ import annotations

import math

from helpers.circuits import forum_circuit
from helpers.freezing import fit_changes_layer, freeze, prepare_fine_tuning, unfreeze
from helpers.introspection import (
    layer_io,
    linear_probe_accuracy,
    parameter_counts,
    snapshot_weights,
    trainable_table,
    weights_equal,
)
from helpers.reproducibility import set_seed
from helpers.saving import REPO_ROOT, outputs_dir, save_and_reload
from helpers.training import EpochTimer
from helpers.transfer import (
    ANGLE_MAPS,
    angle_bounds,
    build_classical_head,
    build_classical_then_quantum,
    build_feature_extractor,
    build_pretraining_classifier,
    build_quantum_then_classical,
    chain_histories,
    summarize_comparison,
)

import keras
import numpy as np
import pandas as pd
import pytest

# Depends on the Keras backend: .ci/run runs this file again with KERAS_BACKEND=jax.
pytestmark = pytest.mark.backend

RNG = np.random.default_rng(0)
X = RNG.uniform(0, np.pi, (48, 4)).astype("float32")
Y = (X[:, 0] + X[:, 1] > np.pi).astype("float32")


def small_classifier() -> keras.Model:
    set_seed(0)
    return build_pretraining_classifier(build_feature_extractor(4, 4, hidden_units=3))


# ---------------------------------------------------------------- files
def test_outputs_dir_is_inside_the_repository(tmp_path):
    folder = outputs_dir("03", "models", root=tmp_path)
    assert folder == (tmp_path / "outputs" / "03" / "models").resolve()
    assert folder.is_dir()
    assert (REPO_ROOT / "pyproject.toml").is_file()  # the default root is this repository


def test_outputs_dir_clean_empties_only_the_subfolder(tmp_path):
    folder = outputs_dir("03", root=tmp_path)
    (folder / "old.keras").write_text("stale")
    (tmp_path / "outputs" / "keep.txt").write_text("other notebook")
    assert list(outputs_dir("03", clean=True, root=tmp_path).iterdir()) == []
    assert (tmp_path / "outputs" / "keep.txt").exists()
    # refusals (paths outside outputs/, clean=True on outputs/ itself, bad names) are rows of
    # tests/test_bad_inputs_files.py, which also checks that they change no file


# ---------------------------------------------------------------- saving
def test_save_and_reload_round_trips_a_classical_model(tmp_path):
    model = small_classifier()
    model.fit(X, Y, epochs=1, verbose=0)
    from_keras, from_weights = save_and_reload(model, "clf", root=tmp_path)
    assert {p.name for p in (tmp_path / "outputs").iterdir()} == {"clf.keras", "clf.weights.h5"}
    expected = model.predict(X, verbose=0)
    for loaded in (from_keras, from_weights):
        assert loaded is not model
        assert weights_equal(loaded, model)
        np.testing.assert_array_equal(loaded.predict(X, verbose=0), expected)
    assert int(from_keras.optimizer.iterations) == int(model.optimizer.iterations) > 0


def test_hybrid_reload_keeps_frozen_flags_and_finds_the_qnode(tmp_path):
    set_seed(0)
    model = build_classical_then_quantum(build_feature_extractor(2, 2, 3), n_qubits=2, n_layers=1)
    x = X[:8, :2]
    from_keras, from_weights = save_and_reload(
        model,
        "hybrid",
        custom_objects={"circuit": forum_circuit(2)},
        directory=outputs_dir("03", root=tmp_path),
        root=tmp_path,
    )
    counts = parameter_counts(model)
    assert counts == {"trainable": 6 + 3, "non_trainable": 9 + 8, "total": 26}
    for loaded in (from_keras, from_weights):
        assert parameter_counts(loaded) == counts
        np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    # In the process that built the QNode, custom_objects may be left out (a new process needs
    # it: tests/test_layer_compat.py).
    again = keras.models.load_model(tmp_path / "outputs" / "03" / "hybrid.keras")
    np.testing.assert_array_equal(again.predict(x, verbose=0), model.predict(x, verbose=0))


# ---------------------------------------------------------------- freezing
def test_freeze_and_unfreeze_change_the_counts_summary_prints():
    model = small_classifier()
    total = model.count_params()
    extractor = model.get_layer("feature_extractor")
    assert freeze(extractor) is extractor
    counts = parameter_counts(model)
    head = 4 + 1  # Dense(1) on the extractor's 4 angles
    assert counts == {"trainable": head, "non_trainable": total - head, "total": total}
    table = trainable_table(model)
    assert table["trainable"].tolist() == [False, True]
    assert table["non_trainable_params"].tolist() == [total - head, 0]
    unfreeze(model)  # the outer model's own flag is already True: a plain assignment would
    assert parameter_counts(model)["non_trainable"] == 0  # not reach the extractor on TF


def test_weights_equal_is_bit_exact():
    a = [np.array([1.0, 0.0], dtype="float32")]
    assert weights_equal(a, [a[0].copy()])
    one_ulp = np.nextafter(np.float32(1.0), np.float32(2.0))
    assert not weights_equal(a, [np.array([one_ulp, 0.0], dtype="float32")])
    assert not weights_equal(a, [np.array([1.0, -0.0], dtype="float32")])
    assert not weights_equal(a, [np.array([1.0, 0.0], dtype="float64")])
    assert not weights_equal(a, [np.array([1.0, 0.0, 0.0], dtype="float32")])
    assert not weights_equal(a, [])


def test_frozen_before_compile_stays_bit_identical_and_fine_tuning_unfreezes():
    set_seed(1)
    model = build_classical_then_quantum(build_feature_extractor(2, 2, 3), n_qubits=2, n_layers=1)
    extractor, quantum = model.get_layer("feature_extractor"), model.get_layer("quantum")
    frozen, circuit = snapshot_weights(extractor), snapshot_weights(quantum)
    model.fit(X[:, :2], Y, epochs=1, batch_size=16, verbose=0)
    assert weights_equal(extractor, frozen)
    assert not weights_equal(quantum, circuit)
    prepare_fine_tuning(model, learning_rate=0.01)
    assert parameter_counts(model)["non_trainable"] == 0
    assert float(model.optimizer.learning_rate) == pytest.approx(0.01)
    model.fit(X[:, :2], Y, epochs=1, batch_size=16, verbose=0)
    assert not weights_equal(extractor, frozen)


# ---------------------------------------------------------------- builders
@pytest.mark.parametrize("angles", sorted(ANGLE_MAPS))
def test_feature_extractor_outputs_stay_in_their_angle_range(angles):
    set_seed(0)
    extractor = build_feature_extractor(3, 4, hidden_units=5, angles=angles)
    values = keras.ops.convert_to_numpy(extractor(RNG.normal(0, 50, (200, 3))))
    low, high = angle_bounds(angles)
    assert values.shape == (200, 4)
    assert values.min() >= low - 1e-6
    assert values.max() <= high + 1e-6
    if angles != "linear":  # saturated inputs reach the ends of the range
        assert values.max() == pytest.approx(high, abs=1e-3)


def test_angle_bounds():
    assert angle_bounds("tanh_half_pi") == (-math.pi / 2, math.pi / 2)
    assert angle_bounds("linear") == (-math.inf, math.inf)


def test_classical_head_is_the_hybrid_recipe_without_the_circuit():
    set_seed(0)
    head = build_classical_head(
        4, hidden_units=(8,), kernel_initializer="glorot_uniform", dropout=0.0,
        optimizer="adam", learning_rate=0.02, n_outputs=1, metrics=["binary_accuracy"],
    )  # fmt: skip
    assert [layer.name for layer in head.layers] == ["hidden_1", "output"]
    assert isinstance(
        head.get_layer("hidden_1").kernel_initializer, keras.initializers.GlorotUniform
    )
    assert isinstance(head.optimizer, keras.optimizers.Adam)
    assert float(head.optimizer.learning_rate) == pytest.approx(0.02)
    assert head.count_params() == 4 * 8 + 8 + 8 + 1
    with pytest.raises(TypeError):
        build_classical_head(4, hidden_unit=(8,))


def test_builders_check_the_widths_and_freeze_the_pretrained_part():
    set_seed(0)
    with pytest.raises(ValueError, match="outputs 3 values but the circuit has 2 qubits"):
        build_classical_then_quantum(build_feature_extractor(4, 3), n_qubits=2)
    head = build_classical_head(3, hidden_units=(4,), dropout=0.0, n_outputs=1)
    with pytest.raises(ValueError, match="takes 3 inputs but the circuit returns 2"):
        build_quantum_then_classical(head, n_qubits=2)
    head = build_classical_head(2, hidden_units=(4,), dropout=0.0, n_outputs=1)
    model = build_quantum_then_classical(head, n_qubits=2, n_layers=1)
    assert parameter_counts(model) == {"trainable": 6, "non_trainable": 17, "total": 23}


# ---------------------------------------------------------------- analysis
def test_layer_io_returns_what_enters_and_leaves_a_layer():
    set_seed(0)
    model = build_classical_then_quantum(build_feature_extractor(2, 2, 3), n_qubits=2, n_layers=1)
    angles, expectations = layer_io(model, "quantum", X[:5, :2])
    extractor = model.get_layer("feature_extractor")
    np.testing.assert_allclose(angles, keras.ops.convert_to_numpy(extractor(X[:5, :2])), rtol=1e-6)
    assert expectations.shape == (5, 2)
    assert np.all(np.abs(expectations) <= 1 + 1e-6)
    with pytest.raises(ValueError, match="no layer 'dense'"):
        layer_io(model, "dense", X[:5, :2])


def test_linear_probe_accuracy_scores_separable_and_random_features():
    x = np.linspace(0, 1, 40)[:, None]
    y = (x[:, 0] > 0.5).astype(int)
    assert linear_probe_accuracy(x, y, x, y) == 1.0
    assert linear_probe_accuracy(np.zeros((40, 1)), y, np.zeros((40, 1)), y) == 0.5


def history(name: str, epochs: int, values: list[float], seconds: float) -> pd.DataFrame:
    frames = [
        pd.DataFrame(
            {"model": name, "seed": seed, "epoch": np.arange(1, epochs + 1)}
            | {"val_acc": np.array(values) + 0.01 * seed, "fit_seconds": seconds + seed}
        )
        for seed in (0, 1)
    ]
    return pd.concat(frames, ignore_index=True)


def test_chain_histories_continues_epochs_and_adds_times():
    both = chain_histories(
        history("c", 3, [0.5, 0.6, 0.7], 10.0), history("ft", 2, [0.8, 0.9], 1.0), "d"
    )
    seed0 = both[both.seed == 0]
    assert seed0["epoch"].tolist() == [1, 2, 3, 4, 5]
    assert seed0["val_acc"].tolist() == pytest.approx([0.5, 0.6, 0.7, 0.8, 0.9])
    assert set(both["model"]) == {"d"}
    assert both.groupby("seed")["fit_seconds"].first().tolist() == [11.0, 13.0]
    with pytest.raises(ValueError, match="different seeds"):
        chain_histories(
            history("c", 1, [0.5], 1.0), history("x", 1, [0.5], 1.0).query("seed == 0"), "d"
        )


def test_summarize_comparison_counts_runs_that_reach_the_threshold():
    runs = pd.concat(
        [history("fast", 3, [0.8, 0.9, 0.9], 2.0), history("slow", 3, [0.5, 0.6, 0.7], 4.0)]
    )
    table = summarize_comparison(runs, "val_acc", threshold=0.705).set_index("model")
    assert table.loc["fast", "epochs to threshold"] == "1.0 ± 0.0"
    assert table.loc["slow", "epochs to threshold"] == "3.0 ± 0.0"
    assert table.loc["slow", "runs reaching it"] == "1 of 2"
    assert table.loc["fast", "training time (s)"] == "2.5 ± 0.7"
    assert table.loc["slow", "mean"] == pytest.approx(0.705)
    never = summarize_comparison(runs, "val_acc", threshold=0.95).set_index("model")
    assert never.loc["slow", "epochs to threshold"] == "never"
    assert never.loc["slow", "runs reaching it"] == "0 of 2"


def test_epoch_timer_adds_a_column_to_the_history():
    model = small_classifier()
    result = model.fit(X, Y, epochs=2, verbose=0, callbacks=[EpochTimer()])
    seconds = result.history["epoch_seconds"]
    assert len(seconds) == 2
    assert all(s > 0 for s in seconds)


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        (["freeze", "compile"], "unchanged"),
        (["compile", "freeze"], "unchanged"),
        (["compile", "fit", "freeze", "compile"], "unchanged"),
        (["freeze", "compile", "fit", "unfreeze", "compile"], "changed"),
    ],
)
def test_a_change_of_trainable_counts_at_the_next_compile(steps, expected):
    assert fit_changes_layer(steps, X, Y) == expected
