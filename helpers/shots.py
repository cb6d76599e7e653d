"""Finite shots and noise: gradients that scatter, and trained weights on a noisy device.

On a quantum processor every expectation value is a mean over ``shots`` measurements, and every
gate is a little noisy. These helpers measure what that does to the course's models on a
simulator: the spread of a shot-based gradient, and the accuracy of trained weights evaluated
under noise. Circuits come from :func:`helpers.sampled_forum_circuit` and
:func:`helpers.noisy_forum_circuit`.

Introduced in notebook 06.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from helpers._checks import check_int, check_seeds
from helpers.introspection import loss_gradients
from helpers.training import accuracy_of

import keras
import numpy as np
import pandas as pd


def with_weights(build_model: Callable[[], keras.Model], model: keras.Model) -> keras.Model:
    """A model from ``build_model()`` holding ``model``'s weights (same architecture), e.g. the
    trained forum model rebuilt on a noisy or sampled circuit.
    Introduced in notebook 06.

    Example:
        >>> trained = build_forum_model(2)  # in notebook 06, trained on the exact circuit
        >>> sampled_qnode = sampled_forum_circuit(2, shots=100, seed=0)
        >>> sampled = with_weights(lambda: build_forum_model(2, circuit=sampled_qnode), trained)
        >>> weights_equal(sampled, trained)
        True

    Notebook 06 also rebuilds it on :func:`helpers.noisy_forum_circuit` (JAX backend).
    """
    other = build_model()
    other.set_weights(model.get_weights())
    return other


def gradient_spread(
    build_model: Callable[[int | None, int], keras.Model],
    weights_from: keras.Model,
    x: np.ndarray,
    y: np.ndarray,
    shots: Sequence[int],
    repeats: int,
) -> pd.DataFrame:
    """How far shot-based gradients of the circuit's weights scatter around the exact one.
    Introduced in notebook 06.

    For each shot count ``S`` and each of ``repeats`` device seeds, builds
    ``build_model(S, seed)``, loads ``weights_from``'s weights and takes the loss gradient on
    ``(x, y)``; ``build_model(None, 0)`` gives the exact gradient. The first trainable variable
    is taken as the circuit's weights.

    Returns:
        One row per shot count: ``shots``, ``variance`` (the variance over repeats of each
        gradient component, averaged over components), ``mean_squared_error`` (from the exact
        gradient, averaged over repeats and components) and ``exact_mean_square`` (the exact
        gradient's own mean square, the scale to compare with).

    Example:
        >>> data = make_moons_dataset(n_samples=40)
        >>> def build(shots, seed):
        ...     return build_forum_model(2, circuit=sampled_forum_circuit(2, shots, seed))
        >>> trained = build(None, 0)  # in notebook 06, a trained model
        >>> x, y = data.x_train[:4], data.y_train[:4]
        >>> spread = gradient_spread(build, trained, x, y, shots=(100,), repeats=2)
        >>> spread.columns.tolist()
        ['shots', 'variance', 'mean_squared_error', 'exact_mean_square']

    Notebook 06 uses 32 samples, more shot counts and 20 repeats.
    """
    repeats = check_int(repeats, "repeats", minimum=2)
    counts = [check_int(s, "shots", minimum=1) for s in shots]
    if len(set(counts)) != len(counts):
        raise ValueError(f"shots must be distinct, got {list(shots)}; each count is one row")

    def circuit_gradient(n_shots: int | None, seed: int) -> np.ndarray:
        model = with_weights(lambda: build_model(n_shots, seed), weights_from)
        return loss_gradients(model, x, y)[0].ravel()

    exact = circuit_gradient(None, 0)
    rows = []
    for n_shots in counts:
        draws = np.array([circuit_gradient(n_shots, seed) for seed in range(repeats)])
        rows.append(
            {
                "shots": n_shots,
                "variance": float(draws.var(axis=0, ddof=1).mean()),
                "mean_squared_error": float(((draws - exact) ** 2).mean()),
                "exact_mean_square": float((exact**2).mean()),
            }
        )
    return pd.DataFrame(rows)


def noise_sweep(
    models: Sequence[keras.Model],
    build_noisy: Callable[[str, float], keras.Model],
    x: np.ndarray,
    y: np.ndarray,
    channels: Iterable[str],
    strengths: Sequence[float],
    seeds: Sequence[int],
) -> pd.DataFrame:
    """Test accuracy of trained models evaluated on noisy circuits of growing strength.
    Introduced in notebook 06.

    Each trained model's weights go in turn into ``build_noisy(channel, strength)``, a model of
    the same architecture whose circuit has that noise (e.g. built on
    :func:`helpers.noisy_forum_circuit`), built once per circuit; the weights are not retrained.

    Returns:
        One row per (seed, channel, strength): ``seed``, ``channel``, ``strength``,
        ``accuracy``.

    Example:
        >>> data = make_moons_dataset(n_samples=40)
        >>> trained = [build_forum_model(2), build_forum_model(2)]  # in notebook 06, trained
        >>> def build_noisy(channel, strength):
        ...     return build_forum_model(2, circuit=noisy_forum_circuit(2, 2, channel, strength))

        ``default.mixed`` runs only on the JAX backend, so on TensorFlow (the test suite's
        backend) the sweep cannot run and is skipped here:

        >>> sweep = noise_sweep(trained, build_noisy, data.x_test, data.y_test,
        ...                     ["depolarizing"], [0.0, 0.05], seeds=(0, 1))  # doctest: +SKIP
        >>> sweep.columns.tolist()  # doctest: +SKIP
        ['seed', 'channel', 'strength', 'accuracy']
    """
    seeds = check_seeds(seeds)
    if len(seeds) != len(models):
        raise ValueError(
            f"got {len(models)} models but {len(seeds)} seeds; give one seed per trained model"
        )
    rows = []
    for channel in channels:
        for strength in strengths:
            noisy = build_noisy(channel, strength)  # one model (and compilation) per circuit
            for seed, model in zip(seeds, models, strict=True):
                noisy.set_weights(model.get_weights())
                accuracy = accuracy_of(noisy, x, y)
                rows.append(
                    {
                        "seed": seed,
                        "channel": channel,
                        "strength": float(strength),
                        "accuracy": accuracy,
                    }
                )
    return pd.DataFrame(rows)
