"""Datasets for the course: small binary-classification problems with features scaled to angles.

Every loader returns a :class:`Dataset` whose features are already scaled into
:data:`~helpers.scaling.ANGLE_RANGE`, the rotation angles ``qml.AngleEmbedding`` feeds to its RX
gates, and whose labels are float32 0.0/1.0, ready for ``binary_crossentropy``. The scaler (and,
for the breast-cancer data, the PCA) is fitted on the training split only, so nothing about the
test samples leaks into training.

* :class:`Dataset`: the train/test split every loader returns.
* :func:`make_moons_dataset`, :func:`make_circles_dataset`: scikit-learn's 2-D toy problems.
* :func:`make_breast_cancer_dataset`: the UCI breast-cancer data bundled with scikit-learn,
  reduced by PCA to one feature per qubit.

Your own CSV file is read by :func:`helpers.csv_data.load_csv_dataset`, and the scaling to angles
lives in :mod:`helpers.scaling`; both return or build the :class:`Dataset` defined here.

Introduced in notebook 00 (setup check); used from notebook 01 on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from helpers._checks import check_fraction, check_int, check_non_negative, check_seed
from helpers.scaling import scale_to_angles

import numpy as np
from sklearn.datasets import load_breast_cancer, make_circles, make_moons
from sklearn.decomposition import PCA
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

_MIN_SAMPLES = 10
_MAX_PCA_COMPONENTS = 30  # the breast-cancer data has 30 features
_TEST_SIZE_FIX = (
    "test_size is the fraction of samples held out for testing, e.g. test_size=0.25 holds out "
    "a quarter of them"
)
_NOISE_FIX = "use 0 for noise-free data"


#: What each array of a :class:`Dataset` must be: (dimensions, description, fix).
_ARRAY_FIELDS: dict[str, tuple[int, str, str]] = {
    **dict.fromkeys(
        ("x_train", "x_test"),
        (2, "2-D array (samples, features)", "reshape it, e.g. x.reshape(-1, 1) for one feature"),
    ),
    **dict.fromkeys(("y_train", "y_test"), (1, "1-D array of labels", "flatten it with y.ravel()")),
}


@dataclass(frozen=True, eq=False)
class Dataset:
    """A train/test split of a binary-classification problem, features scaled to angles.
    Introduced in notebook 04.

    The fields cannot be reassigned; compare two datasets array by array (``np.array_equal``),
    since ``==`` on datasets compares identity.

    Attributes:
        name: a short name, e.g. ``"moons"`` or the CSV file's stem.
        x_train: float32, shape ``(n_train, n_features)``, scaled into
            :data:`~helpers.scaling.ANGLE_RANGE`.
        x_test: float32, shape ``(n_test, n_features)``, scaled with the scaler fitted on
            ``x_train`` and clipped into :data:`~helpers.scaling.ANGLE_RANGE`.
        y_train: float32 labels 0.0/1.0, shape ``(n_train,)``.
        y_test: float32 labels 0.0/1.0, shape ``(n_test,)``.
        feature_names: one name per feature column.

    Example:
        >>> from helpers.data import make_moons_dataset
        >>> data = make_moons_dataset()
        >>> data.x_train.shape, data.n_features
        ((150, 2), 2)
    """

    name: str
    x_train: np.ndarray
    x_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    feature_names: tuple[str, ...]

    def __post_init__(self) -> None:
        for field, (ndim, what, fix) in _ARRAY_FIELDS.items():
            value = getattr(self, field)
            if not isinstance(value, np.ndarray) or value.ndim != ndim:
                raise ValueError(
                    f"Dataset.{field} must be a {what}, got {_describe_array(value)}; {fix}"
                )
        for x_field, y_field in (("x_train", "y_train"), ("x_test", "y_test")):
            n_x, n_y = len(getattr(self, x_field)), len(getattr(self, y_field))
            if n_x != n_y:
                raise ValueError(
                    f"Dataset.{x_field} has {n_x} samples but {y_field} has {n_y}; "
                    f"pass one label per sample"
                )
        n_train, n_test = self.x_train.shape[1], self.x_test.shape[1]
        if n_train != n_test or len(self.feature_names) != n_train:
            raise ValueError(
                f"Dataset features disagree: x_train has {n_train}, x_test has {n_test}, "
                f"feature_names has {len(self.feature_names)}; give all three the same count"
            )

    @property
    def n_features(self) -> int:
        """The number of feature columns, i.e. the qubits ``AngleEmbedding`` needs.

        Example:
            >>> from helpers.data import make_breast_cancer_dataset
            >>> make_breast_cancer_dataset(n_components=4).n_features
            4
        """
        return int(self.x_train.shape[1])

    def summary(self) -> str:
        """One line describing the split, e.g. for a notebook's setup cell.

        The positive share counts label 1.0 over train and test together.

        Example:
            >>> from helpers.data import make_moons_dataset
            >>> make_moons_dataset().summary()
            'moons: 150 train / 50 test samples, 2 features, 50% positive'
        """
        n_train, n_test = len(self.y_train), len(self.y_test)
        n_positive = float(np.sum(self.y_train == 1) + np.sum(self.y_test == 1))
        share = n_positive / max(n_train + n_test, 1)
        return (
            f"{self.name}: {n_train} train / {n_test} test samples, "
            f"{self.n_features} features, {share:.0%} positive"
        )


def make_moons_dataset(
    n_samples: int = 200,
    noise: float = 0.15,
    test_size: float = 0.25,
    seed: int = 0,
) -> Dataset:
    """Two interleaving half circles (scikit-learn's ``make_moons``), scaled to angles.
    Introduced in notebook 00.

    Half of the samples are in each class; the stratified split keeps that balance in train and
    test. The same arguments give identical arrays.

    Args:
        n_samples: total number of samples, at least 10.
        noise: standard deviation of the Gaussian noise added to the points, at least 0.
        test_size: fraction of samples held out for testing, between 0 and 1.
        seed: seeds both the data and the split.

    Example:
        >>> from helpers.data import make_moons_dataset
        >>> make_moons_dataset(n_samples=200, seed=0).summary()
        'moons: 150 train / 50 test samples, 2 features, 50% positive'
    """
    n_samples = _check_n_samples(n_samples)
    check_non_negative(noise, "noise", fix=_NOISE_FIX)
    check_fraction(test_size, "test_size", fix=_TEST_SIZE_FIX)
    seed = check_seed(seed)
    x, y = make_moons(n_samples=n_samples, noise=noise, random_state=seed)
    return _split_and_scale("moons", x, y, ("x1", "x2"), test_size, seed)


def make_circles_dataset(
    n_samples: int = 200,
    noise: float = 0.1,
    factor: float = 0.5,
    test_size: float = 0.25,
    seed: int = 0,
) -> Dataset:
    """A small circle inside a large one (scikit-learn's ``make_circles``), scaled to angles.
    Introduced in notebook 04.

    Label 1 is the inner circle. A linear model cannot separate the classes, which makes this a
    test of what the circuit adds.

    Args:
        n_samples: total number of samples, at least 10.
        noise: standard deviation of the Gaussian noise added to the points, at least 0.
        factor: inner radius over outer radius, strictly between 0 and 1.
        test_size: fraction of samples held out for testing, between 0 and 1.
        seed: seeds both the data and the split.

    Example:
        >>> from helpers.data import make_circles_dataset
        >>> make_circles_dataset(factor=0.3).x_test.shape
        (50, 2)
    """
    n_samples = _check_n_samples(n_samples)
    check_non_negative(noise, "noise", fix=_NOISE_FIX)
    check_fraction(factor, "factor", fix="factor is inner radius / outer radius; try factor=0.5")
    check_fraction(test_size, "test_size", fix=_TEST_SIZE_FIX)
    seed = check_seed(seed)
    x, y = make_circles(n_samples=n_samples, noise=noise, factor=factor, random_state=seed)
    return _split_and_scale("circles", x, y, ("x1", "x2"), test_size, seed)


def make_breast_cancer_dataset(
    n_components: int = 4,
    test_size: float = 0.25,
    seed: int = 0,
) -> Dataset:
    """The Wisconsin breast-cancer data, reduced by PCA to ``n_components`` angle features.
    Introduced in notebook 01.

    The 569 samples with 30 features are bundled with scikit-learn (no download). After the
    stratified split, a ``StandardScaler`` and a ``PCA(n_components)`` are fitted on the training
    split only, then :func:`~helpers.scaling.scale_to_angles` maps the components into
    :data:`~helpers.scaling.ANGLE_RANGE`.
    Features are named ``"pc1"`` to ``"pcN"``.

    Labels keep scikit-learn's coding: **1 = benign, 0 = malignant** (about 63% benign).
    Use ``1 - y`` if you want "malignant" to be the positive class.

    Source: UCI Breast Cancer Wisconsin (Diagnostic), CC BY 4.0,
    https://archive.ics.uci.edu/dataset/17/breast+cancer+wisconsin+diagnostic

    Args:
        n_components: number of principal components kept, i.e. qubits, from 1 to 30.
        test_size: fraction of samples held out for testing, between 0 and 1.
        seed: seeds the split (the data themselves are fixed).

    Example:
        >>> from helpers.data import make_breast_cancer_dataset
        >>> make_breast_cancer_dataset(n_components=4).summary()
        'breast_cancer: 426 train / 143 test samples, 4 features, 63% positive'
    """
    n_components = check_int(
        n_components,
        "n_components",
        minimum=1,
        maximum=_MAX_PCA_COMPONENTS,
        fix=f"the data have {_MAX_PCA_COMPONENTS} features; use one component per qubit, "
        f"e.g. n_components=4",
    )
    check_fraction(test_size, "test_size", fix=_TEST_SIZE_FIX)
    seed = check_seed(seed)
    bunch = load_breast_cancer()
    x, y = bunch.data, bunch.target
    x_train, x_test, y_train, y_test = _split(x, y, test_size, seed, "the breast-cancer data")
    reducer = make_pipeline(StandardScaler(), PCA(n_components=n_components))
    pcs_train = reducer.fit_transform(x_train)
    pcs_test = reducer.transform(x_test)
    names = tuple(f"pc{i}" for i in range(1, n_components + 1))
    return _build("breast_cancer", pcs_train, pcs_test, y_train, y_test, names)


# --- argument checks -----------------------------------------------------------------------------


def _check_n_samples(n_samples: Any) -> int:
    try:
        return check_int(n_samples, "n_samples", minimum=_MIN_SAMPLES)
    except ValueError:
        raise ValueError(
            f"n_samples must be an int of at least {_MIN_SAMPLES}, got {n_samples!r}; "
            f"the default n_samples=200 trains in seconds"
        ) from None


def _describe_array(x: Any) -> str:
    shape = getattr(x, "shape", None)
    return f"shape {shape}" if shape is not None else type(x).__name__


# --- splitting and scaling -----------------------------------------------------------------------


def _split(
    x: np.ndarray, y: np.ndarray, test_size: float, seed: int, source: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A stratified ``train_test_split`` with errors that say how to make the split possible."""
    n = len(y)
    n_test = math.ceil(test_size * n)
    n_train = n - n_test
    classes, counts = np.unique(y, return_counts=True)
    if counts.min() < 2:
        rare = classes[np.argmin(counts)]
        raise ValueError(
            f"{source} has only {counts.min()} sample of class {_show(rare)}; a stratified split "
            f"needs at least 2 per class, so add samples of that class"
        )
    if n_test < len(classes) or n_train < len(classes):
        raise ValueError(
            f"test_size={test_size} on {n} samples of {source} leaves {n_train} for training "
            f"and {n_test} for testing; each part needs at least one sample per class, so "
            f"choose a test_size nearer 0.25 or use more samples"
        )
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=test_size, stratify=y, random_state=int(seed)
    )
    return x_train, x_test, y_train, y_test


def _build(
    name: str,
    x_train: np.ndarray,
    x_test: np.ndarray,
    y_train: np.ndarray,
    y_test: np.ndarray,
    feature_names: tuple[str, ...],
) -> Dataset:
    x_train_scaled, x_test_scaled = scale_to_angles(x_train, x_test)
    return Dataset(
        name=name,
        x_train=x_train_scaled,
        x_test=x_test_scaled,
        y_train=np.asarray(y_train, dtype=np.float32),
        y_test=np.asarray(y_test, dtype=np.float32),
        feature_names=feature_names,
    )


def _split_and_scale(
    name: str,
    x: np.ndarray,
    y: np.ndarray,
    feature_names: tuple[str, ...],
    test_size: float,
    seed: int,
) -> Dataset:
    x_train, x_test, y_train, y_test = _split(x, y, test_size, seed, f"the {name} data")
    return _build(name, x_train, x_test, y_train, y_test, feature_names)


def _show(value: Any) -> str:
    """A value as a user typed it: strings quoted, NumPy scalars without their type, 1.0 as 1."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return repr(value) if isinstance(value, str) else str(value)
