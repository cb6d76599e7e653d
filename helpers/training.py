"""Training over several seeds, and the tables that summarise it.

Every result in the course is a mean and spread over seeds, never one lucky run. The history of
all runs is one tidy pandas table: a row per (model, seed, epoch), a column per metric.

Introduced in notebook 00 (setup check); used by every later notebook.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol

from helpers._checks import (
    check_batch_size,
    check_epochs,
    check_fraction,
    check_int,
    check_seed,
    check_seeds,
    check_split,
    check_xy,
)
from helpers.reproducibility import set_seed

import keras
import numpy as np
import pandas as pd


class SupervisedData(Protocol):
    """What training needs from a dataset (``helpers.data.Dataset`` has it)."""

    x_train: np.ndarray
    x_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray


def fit_over_seeds(
    build_model: Callable[[], keras.Model],
    data: SupervisedData,
    seeds: Iterable[int],
    epochs: int,
    *,
    name: str = "model",
    batch_size: int = 32,
    callbacks: Callable[[], Sequence[keras.callbacks.Callback]] | None = None,
    y_transform: Callable[[np.ndarray], np.ndarray] | None = None,
    verbose: bool = True,
    trained_models: list[keras.Model] | None = None,
    validation_fraction: float | None = None,
    eval_every: int = 1,
) -> pd.DataFrame:
    """Trains a fresh model per seed and returns every epoch of every run as one table.
    Introduced in notebook 00.

    For each seed: :func:`helpers.set_seed`, ``build_model()``, then ``model.fit`` on the
    training split. By default the test split is the validation data, so ``val_*`` columns are
    test metrics (fine for curves; never select or stop on them). With
    ``validation_fraction``, a stratified validation split is carved from the training split
    (the same split for every seed) and ``val_*`` columns come from it, so callbacks such as
    ``EarlyStopping(monitor="val_loss")`` never see the test split; the test metrics are then
    recorded as ``test_*`` columns. Prints one line per run when ``verbose``.

    Args:
        build_model: returns a new compiled model (called once per seed, after seeding).
        data: training and test arrays (a ``helpers.data.Dataset``).
        seeds: distinct seeds (ints, NumPy ints too), e.g. ``sizes.seeds`` or ``range(3)``.
        epochs: epochs per run (at least 1).
        name: the value of the ``model`` column.
        batch_size: samples per step.
        callbacks: returns fresh Keras callbacks for each run (e.g. EarlyStopping).
        y_transform: applied to both label arrays (e.g. one-hot encoding).
        verbose: print one summary line per run.
        trained_models: if given, each trained model is appended to this list (seed order).
        validation_fraction: carve this fraction of the training split off as validation data
            (between 0 and 1), and record test metrics as ``test_*`` columns.
        eval_every: record metrics (and run callbacks) every this many epochs; ``epochs`` must
            be a multiple of it. Each pass over the data is still one shuffled epoch, but Keras'
            per-epoch overhead is paid once per ``eval_every`` epochs, which makes runs of a
            thousand epochs several times cheaper. Callback patience then counts records.

    Returns:
        Columns ``model, seed, epoch`` (from 1; with ``eval_every`` the epochs recorded), one
        per metric, and ``fit_seconds`` (the run's wall time). Runs stopped early have fewer
        epochs.

    Example:
        >>> data = make_moons_dataset(n_samples=40)
        >>> history = fit_over_seeds(
        ...     lambda: build_forum_model(2), data, seeds=[0, 1], epochs=1, verbose=False
        ... )
        >>> history[["seed", "epoch"]].values.tolist()
        [[0, 1], [1, 1]]

    The notebooks take seeds and epochs from :func:`helpers.course_sizes` (5 seeds and 40
    epochs in full mode).
    """
    seeds = check_seeds(seeds)
    epochs = check_epochs(epochs)
    batch_size = check_batch_size(batch_size)
    eval_every = _check_eval_every(epochs, eval_every)
    transform = y_transform or (lambda y: y)
    check_split(data)
    x_train, y_train_raw = data.x_train, data.y_train
    test = (data.x_test, transform(data.y_test))
    validation = test
    if validation_fraction is not None:
        x_train, x_val, y_train_raw, y_val = validation_split(
            data.x_train, data.y_train, validation_fraction
        )
        validation = (x_val, transform(y_val))
    y_train = transform(y_train_raw)
    frames = []
    for seed in seeds:
        set_seed(seed)
        model = build_model()
        extra = [] if validation_fraction is None else [_TestMetrics(*test)]
        user = list(callbacks()) if callbacks else []
        if eval_every == 1:
            source = {"x": x_train, "y": y_train, "batch_size": batch_size, "epochs": epochs}
        else:
            source = _passes(x_train, y_train, batch_size, seed, epochs, eval_every)
        start = time.perf_counter()
        history = model.fit(**source, validation_data=validation, callbacks=extra + user, verbose=0)
        seconds = time.perf_counter() - start
        if trained_models is not None:
            trained_models.append(model)
        frame = pd.DataFrame(history.history)
        frame.insert(0, "epoch", eval_every * np.arange(1, len(frame) + 1))
        frame.insert(0, "seed", seed)
        frame.insert(0, "model", name)
        frame["fit_seconds"] = seconds
        frames.append(frame)
        if verbose:
            print(_run_line(frame, seconds))
    return pd.concat(frames, ignore_index=True)


def fit_seeds_together(
    build_model: Callable[[], keras.Model],
    data: SupervisedData,
    seeds: Iterable[int],
    epochs: int,
    *,
    name: str = "model",
    eval_every: int = 10,
    batch_size: int = 32,
    y_transform: Callable[[np.ndarray], np.ndarray] | None = None,
    probe: Callable[[keras.Model], Mapping[str, float]] | None = None,
    trained_models: list[keras.Model] | None = None,
    verbose: bool = True,
) -> pd.DataFrame:
    """Trains one model per seed, all side by side in one Keras model: long runs made cheap.
    Not used by a notebook; for your own experiments.

    Each seed's model is built exactly as :func:`fit_over_seeds` builds it (``set_seed(seed)``
    then ``build_model()``, so the same initial weights), then all of them become the branches
    of one multi-output model whose loss is the sum of the branches' losses. The branches share
    no weights, so each one's gradient, and each SGD or Adam update, is the one it would get
    alone; Keras' per-step overhead is paid once for all seeds (about 2.5 times cheaper per
    seed on 10 seeds, measured in notebook 02). What the seeds share is the order of the
    batches: one shuffle (seeded by the first seed), not one per seed. There is no early
    stopping: a run's length is ``epochs``.

    Every ``eval_every`` epochs, and once before training (epoch 0), each branch is scored in
    inference mode (dropout off) on the training and test splits, and ``probe`` is called on
    it, e.g. ``lambda m: dead_relu_units(m, x)`` (one column per key of what it returns).

    Args:
        build_model: returns a new compiled model (called once per seed, after seeding).
        data: training and test arrays (a ``helpers.data.Dataset``).
        seeds: distinct seeds.
        epochs: epochs per run, a multiple of ``eval_every``.
        name: the value of the ``model`` column.
        eval_every: epochs between two records.
        batch_size: samples per step.
        y_transform: applied to both label arrays (e.g. one-hot encoding).
        probe: returns extra per-branch numbers to record, by column name.
        trained_models: if given, each seed's trained model is appended (seed order).
        verbose: print one line when done.

    Returns:
        Columns ``model, seed, epoch`` (0, then every ``eval_every``), ``loss``, ``accuracy``
        (training split), ``test_loss``, ``test_accuracy``, the probe's, and ``fit_seconds``
        (the wall time of the whole joint run).

    Example:
        >>> data = make_moons_dataset(n_samples=40)
        >>> build = lambda: build_classical_model(2, param_budget=21)
        >>> history = fit_seeds_together(build, data, [0, 1], 4, eval_every=2, verbose=False)
        >>> history[["seed", "epoch"]].values.tolist()
        [[0, 0], [1, 0], [0, 2], [1, 2], [0, 4], [1, 4]]

    Notebook 02 (through :func:`helpers.long_run`) trains the hybrid with the forum's head this
    way: 10 seeds for 1000 epochs.
    """
    seeds = check_seeds(seeds)
    epochs = check_epochs(epochs)
    batch_size = check_batch_size(batch_size)
    eval_every = _check_eval_every(epochs, eval_every)
    check_split(data)
    transform = y_transform or (lambda y: y)
    y_train, y_test = transform(data.y_train), transform(data.y_test)
    models = []
    for seed in seeds:
        set_seed(seed)
        model = build_model()
        model.name = f"seed_{seed}"  # unique branch names inside the joint model
        models.append(model)
    first = models[0]
    inputs = keras.Input(first.input_shape[1:])
    joint = keras.Model(inputs, [m(inputs) for m in models], name=f"{len(seeds)}_seeds")
    optimizer = type(first.optimizer).from_config(first.optimizer.get_config())
    joint.compile(optimizer=optimizer, loss=[m.loss for m in models])
    recorder = _SeedRecorder(models, data, y_train, y_test, probe, eval_every)
    targets = tuple(np.asarray(y_train) for _ in models)
    set_seed(seeds[0])  # the batch order depends on the first seed only, not on how many follow
    start = time.perf_counter()
    recorder.record(0)
    source = _passes(data.x_train, targets, batch_size, seeds[0], epochs, eval_every)
    joint.fit(**source, callbacks=[recorder], verbose=0)
    seconds = time.perf_counter() - start
    frame = pd.DataFrame(recorder.rows)
    frame.insert(0, "model", name)
    frame["fit_seconds"] = seconds
    if trained_models is not None:
        trained_models.extend(models)
    if verbose:
        last = frame[frame["epoch"] == epochs]["test_accuracy"]
        print(
            f"{name}: {len(seeds)} seeds x {epochs} epochs in {seconds:.0f} s; final test "
            f"accuracy median {last.median():.3f} (min {last.min():.3f}, max {last.max():.3f})"
        )
    return frame


class _SeedRecorder(keras.callbacks.Callback):
    """Scores every branch of :func:`fit_seeds_together` every ``eval_every`` epochs."""

    def __init__(
        self,
        models: list[keras.Model],
        data: SupervisedData,
        y_train: np.ndarray,
        y_test: np.ndarray,
        probe: Callable[[keras.Model], Mapping[str, float]] | None,
        eval_every: int,
    ) -> None:
        super().__init__()
        self.models, self.probe, self.eval_every = models, probe, eval_every
        self.y = {"": np.asarray(y_train), "test_": np.asarray(y_test)}
        self.x = {"": data.x_train, "test_": data.x_test}
        self.rows: list[dict[str, Any]] = []

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self.record((epoch + 1) * self.eval_every)

    def record(self, epoch: int) -> None:
        scores: list[dict[str, Any]] = [
            {"seed": int(m.name[5:]), "epoch": epoch} for m in self.models
        ]
        for prefix, x in self.x.items():
            y = self.y[prefix]
            for row, model in zip(scores, self.models, strict=True):
                p = keras.ops.convert_to_numpy(model(x, training=False))
                target = y.reshape(p.shape) if y.ndim == 1 and p.shape == (len(y), 1) else y
                loss = keras.losses.get(model.loss)
                row[f"{prefix}loss"] = float(np.mean(keras.ops.convert_to_numpy(loss(target, p))))
                row[f"{prefix}accuracy"] = _accuracy(y, p)
        if self.probe is not None:
            for row, model in zip(scores, self.models, strict=True):
                row.update({column: float(v) for column, v in self.probe(model).items()})
        self.rows.extend(scores)


def accuracy_of(model: keras.Model, x: np.ndarray, y: np.ndarray) -> float:
    """The accuracy of ``model`` on ``(x, y)`` in inference mode (dropout off), as Keras'
    ``"accuracy"`` resolves: arg-max for one-hot labels, a 0.5 threshold for one column.
    Introduced in notebook 02.

    Example:
        >>> model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, "sigmoid")])
        >>> model.set_weights([np.array([[10.0]]), np.array([-5.0])])  # p > 0.5 when x > 0.5
        >>> accuracy_of(model, np.array([[0.0], [1.0], [2.0], [0.2]]), np.array([0, 1, 1, 1]))
        0.75
    """
    check_xy(x, y, "x", "y")
    return _accuracy(np.asarray(y), keras.ops.convert_to_numpy(model(x, training=False)))


def _accuracy(y: np.ndarray, p: np.ndarray) -> float:
    """Keras' ``"accuracy"`` as it resolves here: arg-max for one-hot labels, else 0.5."""
    if y.ndim == 2 and y.shape[1] > 1:
        return float(np.mean(np.argmax(p, axis=1) == np.argmax(y, axis=1)))
    return float(np.mean((p.reshape(len(y), -1)[:, -1] > 0.5) == (y.reshape(-1) > 0.5)))


def _check_eval_every(epochs: int, eval_every: Any) -> int:
    eval_every = check_int(eval_every, "eval_every", minimum=1, fix="e.g. eval_every=10")
    if epochs % eval_every:
        suggestion = epochs - epochs % eval_every or eval_every
        raise ValueError(
            f"epochs={epochs} is not a multiple of eval_every={eval_every}; metrics are recorded "
            f"every {eval_every} epochs, so use e.g. epochs={suggestion}"
        )
    return eval_every


def validation_split(
    x: np.ndarray, y: np.ndarray, fraction: float, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A stratified split of the *training* data into training and validation parts.
    Introduced in notebook 02.

    Early stopping, learning-rate schedules and model selection look at the validation part,
    so the test split is touched only to report. ``y`` holds class labels (0/1).

    Returns:
        ``x_train, x_val, y_train, y_val``.

    Example:
        >>> data = make_moons_dataset(n_samples=40)
        >>> x_fit, x_val, y_fit, y_val = validation_split(data.x_train, data.y_train, 0.2)
        >>> len(x_fit), len(x_val), float(y_val.mean())
        (24, 6, 0.5)
    """
    fraction = check_fraction(
        fraction,
        "validation_fraction",
        fix="e.g. validation_fraction=0.2 keeps a fifth of the training split for validation",
    )
    from sklearn.model_selection import train_test_split

    x_fit, x_val, y_fit, y_val = train_test_split(
        x, y, test_size=fraction, stratify=y, random_state=check_seed(seed)
    )
    return x_fit, x_val, y_fit, y_val


def _passes(
    x: np.ndarray, y: Any, batch_size: int, seed: int, epochs: int, eval_every: int
) -> dict[str, Any]:
    """``model.fit`` arguments for ``epochs`` shuffled passes over ``(x, y)``, batched as
    ``model.fit(x, y)`` batches them (every pass one epoch, reshuffled, with a smaller last
    batch), ``eval_every`` passes per Keras epoch."""
    import tensorflow as tf  # Keras reads tf.data on every backend

    targets = tuple(np.asarray(t) for t in y) if isinstance(y, tuple) else np.asarray(y)
    dataset = tf.data.Dataset.from_tensor_slices((np.asarray(x), targets))
    dataset = dataset.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    return {
        "x": dataset.batch(batch_size).repeat(),
        "steps_per_epoch": eval_every * math.ceil(len(x) / batch_size),
        "epochs": epochs // eval_every,
        "shuffle": False,  # the passes are shuffled already
    }


class _TestMetrics(keras.callbacks.Callback):
    """Evaluates the test split at the end of each recorded epoch, as ``test_*`` log entries."""

    def __init__(self, x: np.ndarray, y: np.ndarray) -> None:
        super().__init__()
        self.x, self.y = x, y

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        scores = self.model.evaluate(self.x, self.y, verbose=0, return_dict=True)
        if logs is not None:
            logs.update({f"test_{k}": float(v) for k, v in scores.items()})


def fit_sklearn_over_seeds(
    make_estimator: Callable[[int], Any],
    data: SupervisedData,
    seeds: Iterable[int],
    name: str,
) -> pd.DataFrame:
    """Fits a scikit-learn classifier per seed, as rows shaped like :func:`fit_over_seeds`.
    Introduced in notebook 01.

    Each run is one row with ``epoch = 1``, ``binary_accuracy`` (training split),
    ``val_binary_accuracy`` (test split) and ``fit_seconds``, so the result can be concatenated
    with Keras histories and summarised by :func:`summarize_runs`.

    Args:
        make_estimator: returns a fresh estimator for a seed, e.g.
            ``lambda seed: LogisticRegression(random_state=seed)``.
        data: training and test arrays (a ``helpers.data.Dataset``).
        seeds: distinct seeds (ints, NumPy ints too).
        name: the value of the ``model`` column.

    The data are not checked here: some estimators handle missing values themselves.

    Example:
        >>> from sklearn.linear_model import LogisticRegression
        >>> data = make_moons_dataset(n_samples=40)
        >>> rows = fit_sklearn_over_seeds(lambda s: LogisticRegression(), data, [0], "logistic")
        >>> rows.columns.tolist()
        ['model', 'seed', 'epoch', 'binary_accuracy', 'val_binary_accuracy', 'fit_seconds']
    """
    rows = []
    for seed in check_seeds(seeds):
        estimator = make_estimator(seed)
        start = time.perf_counter()
        estimator.fit(data.x_train, data.y_train)
        rows.append(
            {
                "model": name,
                "seed": seed,
                "epoch": 1,
                "binary_accuracy": float(estimator.score(data.x_train, data.y_train)),
                "val_binary_accuracy": float(estimator.score(data.x_test, data.y_test)),
                "fit_seconds": time.perf_counter() - start,
            }
        )
    return pd.DataFrame(rows)


def _run_line(frame: pd.DataFrame, seconds: float) -> str:
    """One line per run: model, seed, epochs, time and the last value of the main metrics."""
    last = frame.iloc[-1]
    shown = [c for c in ("loss", "val_loss", "val_accuracy", "val_binary_accuracy") if c in frame]
    metrics = ", ".join(f"{c} {last[c]:.3f}" for c in shown)
    return f"{last['model']} seed {last['seed']}: {len(frame)} epochs in {seconds:.1f} s, {metrics}"


class EpochTimer(keras.callbacks.Callback):
    """Adds each epoch's wall time, in seconds, to the logs as ``epoch_seconds``.
    Introduced in notebook 03.

    Keras' ``History`` records the logs after this callback runs, so ``epoch_seconds`` becomes a
    column of :func:`helpers.fit_over_seeds`' table (pass ``callbacks=lambda: [EpochTimer()]``).
    The first epoch includes tracing and compiling the model; later epochs are the steady cost.

    Example:
        >>> data = make_moons_dataset(n_samples=40)
        >>> build = lambda: build_classical_model(2, param_budget=21)
        >>> history = fit_over_seeds(
        ...     build, data, [0], 2, callbacks=lambda: [EpochTimer()], verbose=False
        ... )
        >>> bool((history["epoch_seconds"] > 0).all())
        True
    """

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if logs is not None:
            logs["epoch_seconds"] = time.perf_counter() - self._start
