"""Unit tests for helpers.models and helpers.circuits."""

from __future__ import annotations

import keras
import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from helpers.circuits import draw_circuit, forum_circuit
from helpers.models import (
    build_classical_model,
    build_forum_model,
    count_trainable_params,
    hidden_units_for_budget,
)


def test_forum_model_is_the_posted_architecture():
    model = build_forum_model(4, n_layers=2)
    assert [type(layer).__name__ for layer in model.layers] == ["KerasLayer", "Dense"]
    assert model.layers[1].activation is keras.activations.linear  # as posted: no activation
    assert isinstance(model.optimizer, keras.optimizers.SGD)
    assert float(model.optimizer.learning_rate) == pytest.approx(0.05)
    assert count_trainable_params(model) == 2 * 4 * 3 + 4 + 1
    assert model.predict(np.zeros((3, 4)), verbose=0).shape == (3, 1)


def test_forum_model_fixes_are_options():
    model = build_forum_model(2, output_activation="sigmoid")
    out = model.predict(np.random.default_rng(0).uniform(-5, 5, (20, 2)), verbose=0)
    assert np.all((out > 0) & (out < 1))
    assert build_forum_model(2, from_logits=True).loss.get_config()["from_logits"] is True


@pytest.mark.parametrize(("n_features", "budget"), [(2, 9), (2, 33), (4, 29), (4, 100)])
def test_classical_model_meets_its_parameter_budget(n_features, budget):
    model = build_classical_model(n_features, budget)
    assert abs(count_trainable_params(model) - budget) <= (n_features + 2) // 2 + 1


def test_too_small_budget_is_a_clear_error():
    with pytest.raises(ValueError, match="below the smallest MLP"):
        hidden_units_for_budget(4, 5)


def test_draw_circuit_returns_a_titled_figure():
    fig = draw_circuit(forum_circuit(2), inputs=np.zeros(2), weights=np.zeros((1, 2, 3)))
    assert fig.axes[0].get_title() == "circuit 'circuit'"
    expanded = draw_circuit(
        forum_circuit(2), expand=True, inputs=np.zeros(2), weights=np.zeros((1, 2, 3))
    )
    texts = [t.get_text() for t in expanded.axes[0].texts]
    assert any("Rot" in t for t in texts)


def test_forum_circuit_rejects_bad_qubit_counts():
    with pytest.raises(ValueError, match="positive int"):
        forum_circuit(0)
