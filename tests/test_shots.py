"""Tests for finite shots and noise: helpers.shots, the sampled and noisy forum circuits."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from helpers import (
    BACKEND,
    accuracy_of,
    build_forum_model,
    forum_circuit,
    gradient_norms,
    gradient_spread,
    loss_gradients,
    noise_sweep,
    noisy_forum_circuit,
    plot_seed_lines,
    sampled_forum_circuit,
    set_seed,
    with_weights,
)

import numpy as np
import pandas as pd
import pytest

# Depends on the Keras backend: .ci/run runs this file again with KERAS_BACKEND=jax.
pytestmark = pytest.mark.backend

RNG = np.random.default_rng(5)
JAX_ONLY = pytest.mark.skipif(
    BACKEND != "jax",
    reason="default.mixed runs in a Keras model on JAX only (on TensorFlow the layer refuses it "
    "with an error naming KERAS_BACKEND=jax); tests/test_backends.py runs this file on JAX",
)
X = RNG.uniform(0, np.pi, size=(12, 2))
Y = (X[:, 0] > X[:, 1]).astype("float32")


def model_on(circuit=None):
    return build_forum_model(
        2, 1, output_activation="sigmoid", optimizer="adam", metrics=["accuracy"], circuit=circuit
    )


def outputs(qnode, weights):
    return np.array([np.hstack(qnode(inputs=s, weights=weights)) for s in X])


def test_noisy_circuit_at_strength_zero_is_the_forum_circuit_and_noise_shrinks_outputs():
    weights = RNG.uniform(-np.pi, np.pi, size=(3, 4, 3))
    x4 = RNG.uniform(0, np.pi, size=(3, 4))
    exact = np.array([np.hstack(forum_circuit(4)(inputs=s, weights=weights)) for s in x4])
    clean = noisy_forum_circuit(4, 3, "depolarizing", 0.0)
    np.testing.assert_allclose(
        np.array([np.hstack(clean(inputs=s, weights=weights)) for s in x4]), exact, atol=1e-10
    )
    noisy = noisy_forum_circuit(4, 3, "amplitude damping", 0.2)
    moved = np.array([np.hstack(noisy(inputs=s, weights=weights)) for s in x4])
    assert np.abs(moved - exact).max() > 1e-2


@pytest.mark.parametrize(
    ("call", "phrase"),
    [
        (lambda: noisy_forum_circuit(2, 2, "bit flip", 0.1), "channel must be one of"),
        (lambda: noisy_forum_circuit(2, 2, "depolarizing", 1.5), "probability in [0, 1]"),
        (lambda: noisy_forum_circuit(2, 2, "depolarizing", True), "probability in [0, 1]"),
        (lambda: sampled_forum_circuit(2, 0), "shots"),
        (lambda: sampled_forum_circuit(2, 2.5), "shots"),
    ],
)
def test_bad_noise_and_shot_arguments_are_clear_errors(call, phrase):
    with pytest.raises(ValueError, match=r".") as info:
        call()
    assert phrase in str(info.value)


def test_sampled_circuit_repeats_with_its_seed_and_approaches_the_exact_one():
    weights = RNG.uniform(-np.pi, np.pi, size=(1, 2, 3))
    exact = outputs(forum_circuit(2), weights)
    first, again = (outputs(sampled_forum_circuit(2, 200, seed=3), weights) for _ in range(2))
    np.testing.assert_array_equal(first, again)
    assert 0 < np.abs(first - exact).max() < 5 / np.sqrt(200)
    np.testing.assert_allclose(outputs(sampled_forum_circuit(2, None), weights), exact, atol=1e-12)


def test_loss_gradients_agree_with_gradient_norms():
    set_seed(0)
    model = model_on()
    grads = loss_gradients(model, X, Y)
    norms = gradient_norms(model, X, Y)
    assert [g.shape for g in grads] == [tuple(v.shape) for v in model.trainable_variables]
    np.testing.assert_allclose([np.linalg.norm(g) for g in grads], list(norms.values()))


@JAX_ONLY
def test_with_weights_copies_the_trained_weights_into_another_circuit():
    set_seed(1)
    trained = model_on()
    copy = with_weights(lambda: model_on(noisy_forum_circuit(2, 1, "depolarizing", 0.0)), trained)
    np.testing.assert_allclose(
        np.asarray(copy(X)), np.asarray(trained(X)), atol=1e-6
    )  # strength 0: the same function of the same weights


@pytest.mark.slow
def test_gradient_spread_shrinks_with_shots():
    set_seed(2)
    reference = model_on()

    def build(shots, seed):
        return model_on(sampled_forum_circuit(2, shots, seed=seed))

    spread = gradient_spread(build, reference, X[:6], Y[:6], shots=(20, 2000), repeats=6)
    assert list(spread["shots"]) == [20, 2000]
    assert spread["variance"].iloc[0] > 10 * spread["variance"].iloc[1]  # about 100x expected
    with pytest.raises(ValueError, match="distinct"):
        gradient_spread(build, reference, X, Y, shots=(10, 10), repeats=3)
    with pytest.raises(ValueError, match="repeats"):
        gradient_spread(build, reference, X, Y, shots=(10,), repeats=1)


@JAX_ONLY
def test_noise_sweep_has_one_row_per_seed_channel_and_strength():
    set_seed(3)
    models = [model_on(), model_on()]

    def build_noisy(channel, strength):
        return model_on(noisy_forum_circuit(2, 1, channel, strength))

    sweep = noise_sweep(models, build_noisy, X, Y, ["depolarizing"], [0.0, 1.0], seeds=(0, 1))
    assert len(sweep) == 4
    assert set(sweep.columns) == {"seed", "channel", "strength", "accuracy"}
    clean = sweep[sweep.strength == 0.0].accuracy.to_numpy()
    np.testing.assert_allclose(clean, [accuracy_of(m, X, Y) for m in models])
    with pytest.raises(ValueError, match="one seed per trained model"):
        noise_sweep(models, build_noisy, X, Y, ["depolarizing"], [0.0], seeds=(0,))


def test_noisy_circuits_on_tensorflow_are_refused_with_the_fix():
    if BACKEND != "tensorflow":
        pytest.skip("the JAX backend runs default.mixed")
    with pytest.raises(ValueError, match="KERAS_BACKEND=jax"):
        model_on(noisy_forum_circuit(2, 1, "depolarizing", 0.1))


def test_plot_seed_lines_draws_one_panel_per_value_and_refuses_missing_columns():
    table = pd.DataFrame(
        {
            "seed": [0, 0, 1, 1] * 2,
            "p": [0.0, 0.1] * 4,
            "accuracy": [0.9, 0.8, 0.85, 0.7, 0.9, 0.6, 0.8, 0.5],
            "channel": ["a"] * 4 + ["b"] * 4,
        }
    )
    fig = plot_seed_lines(table, "p", "accuracy", "channel")
    assert len(fig.axes) == 2
    assert all(len(ax.lines) == 3 for ax in fig.axes)  # two seeds and the median
    assert fig.axes[0].get_ylim() == (0.0, 1.0)
    with pytest.raises(ValueError, match="no column"):
        plot_seed_lines(table, "strength", "accuracy", "channel")
