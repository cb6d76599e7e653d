"""Unit tests for helpers.models and helpers.circuits."""

from __future__ import annotations

import keras
import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from helpers.circuits import draw_circuit, forum_circuit
from helpers.introspection import (
    count_trainable_params,
    dead_relu_units,
    gradient_norms,
    layer_outputs,
)
from helpers.models import (
    build_classical_model,
    build_forum_model,
    build_hybrid_with_head,
    make_optimizer,
)
from helpers.reproducibility import set_seed

# Depends on the Keras backend: .ci/run runs this file again with KERAS_BACKEND=jax.
pytestmark = pytest.mark.backend


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


def test_draw_circuit_returns_a_titled_figure():
    fig = draw_circuit(forum_circuit(2), inputs=np.zeros(2), weights=np.zeros((1, 2, 3)))
    assert fig.axes[0].get_title() == "circuit 'circuit'"
    expanded = draw_circuit(
        forum_circuit(2), expand=True, inputs=np.zeros(2), weights=np.zeros((1, 2, 3))
    )
    texts = [t.get_text() for t in expanded.axes[0].texts]
    assert any("Rot" in t for t in texts)


def test_hybrid_with_head_defaults_are_the_forum_head():
    model = build_hybrid_with_head(2)
    names = [layer.name for layer in model.layers]
    assert names == ["quantum", "hidden_1", "dropout_1", "hidden_2", "dropout_2", "output"]
    hidden = model.get_layer("hidden_1")
    assert isinstance(hidden.kernel_initializer, keras.initializers.RandomUniform)
    assert model.get_layer("dropout_1").rate == pytest.approx(0.2)
    assert model.get_layer("output").units == 2
    single = build_hybrid_with_head(2, hidden_units=(), dropout=0.0)
    assert [layer.name for layer in single.layers] == ["quantum", "output"]


def test_dead_relu_units_counts_units_that_never_fire():
    model = build_hybrid_with_head(2, dropout=0.0)
    hidden = model.get_layer("hidden_2")
    hidden.kernel.assign(np.zeros(hidden.kernel.shape))
    hidden.bias.assign(np.array([-1.0, 1.0]))  # unit 0 always off, unit 1 always on
    counts = dead_relu_units(model, np.random.default_rng(0).uniform(0, 3, (16, 2)))
    assert counts["hidden_2"] == 1


def test_gradient_norms_are_larger_with_glorot_than_with_uniform():
    x = np.random.default_rng(0).uniform(0, 3, (32, 2)).astype("float32")
    y = keras.utils.to_categorical((x[:, 0] > 1.5).astype(int), 2)
    set_seed(0)  # the course's one seeding helper: also resets the initializers' seeds
    small = gradient_norms(build_hybrid_with_head(2, dropout=0.0), x, y)
    set_seed(0)
    large = gradient_norms(build_hybrid_with_head(2, kernel_initializer="glorot_uniform"), x, y)
    assert set(small) == set(large)
    assert small["quantum/weights"] < large["quantum/weights"]
    assert all(np.isfinite(v) for v in small.values())


def test_make_optimizer_makes_a_fresh_optimizer_by_name():
    assert isinstance(make_optimizer("sgd", 0.1), keras.optimizers.SGD)
    assert make_optimizer("adam", 0.1) is not make_optimizer("adam", 0.1)


def test_layer_outputs_match_the_layers_applied_in_turn():
    model = build_hybrid_with_head(2, dropout=0.0)
    x = np.random.default_rng(1).uniform(0, 3, (5, 2)).astype("float32")
    outs = layer_outputs(model, x)
    assert list(outs) == ["quantum", "hidden_1", "hidden_2", "output"]
    hidden = keras.ops.convert_to_numpy(model.get_layer("hidden_1")(outs["quantum"]))
    np.testing.assert_allclose(outs["hidden_1"], hidden, atol=1e-6)
    np.testing.assert_allclose(outs["output"], model.predict(x, verbose=0), atol=1e-6)
