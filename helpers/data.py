"""Datasets for the course: small binary-classification problems with features scaled to angles.

Every loader returns a :class:`Dataset` whose features are already scaled into
:data:`ANGLE_RANGE`, the rotation angles ``qml.AngleEmbedding`` feeds to its RX gates, and whose
labels are float32 0.0/1.0, ready for ``binary_crossentropy``. The scaler (and, for the
breast-cancer data, the PCA) is fitted on the training split only, so nothing about the test
samples leaks into training.

* :func:`make_moons_dataset`, :func:`make_circles_dataset`: scikit-learn's 2-D toy problems.
* :func:`make_breast_cancer_dataset`: the UCI breast-cancer data bundled with scikit-learn,
  reduced by PCA to one feature per qubit.
* :func:`load_csv_dataset`: your own CSV file (or one of the course's files in ``data/``), checked
  row by row with errors that say what to fix.
* :func:`check_feature_count`: a clear error when the features do not match the qubits.

Introduced in notebook 00 (setup check); used from notebook 01 on.
"""

from __future__ import annotations

import math
import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.datasets import load_breast_cancer, make_circles, make_moons
from sklearn.decomposition import PCA
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from helpers._checks import check_int, check_seed

ANGLE_RANGE: tuple[float, float] = (0.0, float(np.pi))
"""The interval features are scaled into: the RX angles of ``qml.AngleEmbedding``."""

DATA_DIR: Path = Path(__file__).resolve().parents[1] / "data"
"""The repository's ``data/`` folder, searched for relative CSV paths after the working folder."""

_MIN_SAMPLES = 10
_MAX_PCA_COMPONENTS = 30  # the breast-cancer data has 30 features
_ROW_WORDS = "1-based data row, header not counted"
_UNNAMED = re.compile(r"Unnamed: \d+")  # the name pandas gives a header cell left empty
_RESCALE = "rescale the column first, e.g. divide it by a power of ten or take a log"


@dataclass(frozen=True, eq=False)
class Dataset:
    """A train/test split of a binary-classification problem, features scaled to angles.

    The fields cannot be reassigned; compare two datasets array by array (``np.array_equal``),
    since ``==`` on datasets compares identity.

    Attributes:
        name: a short name, e.g. ``"moons"`` or the CSV file's stem.
        x_train: float32, shape ``(n_train, n_features)``, scaled into :data:`ANGLE_RANGE`.
        x_test: float32, shape ``(n_test, n_features)``, scaled with the scaler fitted on
            ``x_train`` and clipped into :data:`ANGLE_RANGE`.
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
        for field in ("x_train", "x_test"):
            x = getattr(self, field)
            if not isinstance(x, np.ndarray) or x.ndim != 2:
                raise ValueError(
                    f"Dataset.{field} must be a 2-D array (samples, features), got "
                    f"{_describe_array(x)}; reshape it, e.g. x.reshape(-1, 1) for one feature"
                )
        for field in ("y_train", "y_test"):
            y = getattr(self, field)
            if not isinstance(y, np.ndarray) or y.ndim != 1:
                raise ValueError(
                    f"Dataset.{field} must be a 1-D array of labels, got {_describe_array(y)}; "
                    f"flatten it with y.ravel()"
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


def scale_to_angles(
    x_train: np.ndarray,
    x_test: np.ndarray,
    angle_range: tuple[float, float] = ANGLE_RANGE,
) -> tuple[np.ndarray, np.ndarray]:
    """Scales features into ``angle_range`` with a min-max scaler fitted on ``x_train`` only.

    Each training column's minimum maps to ``angle_range[0]`` and its maximum to
    ``angle_range[1]``; test values outside the training range are clipped to the ends, so every
    returned value is a valid angle. Both arrays come back as float32; where rounding to float32
    would step outside the range (float32 has no exact pi), the end is the nearest float32 inside.
    A constant training column maps to ``angle_range[0]``. A training column whose range
    ``max - min`` overflows to infinity (values near ±1e308) is an error: the scaler would map
    (almost) every value to one angle.

    Args:
        x_train: shape ``(n_train, n_features)``; the scaler is fitted on this.
        x_test: shape ``(n_test, n_features)``; transformed with the training scaler.
        angle_range: ``(low, high)`` with ``low < high``.

    Returns:
        ``(x_train_scaled, x_test_scaled)``, float32.

    Example:
        >>> import numpy as np
        >>> train, test = scale_to_angles(np.array([[0.0], [2.0]]), np.array([[1.0], [5.0]]))
        >>> test.ravel()  # 1.0 is mid-range in training; 5.0 is clipped to the top
        array([1.5707964, 3.1415925], dtype=float32)
    """
    low, high = _check_angle_range(angle_range)
    x_train = _as_feature_matrix(x_train, "x_train")
    x_test = _as_feature_matrix(x_test, "x_test")
    if x_train.shape[0] == 0:
        raise ValueError("x_train has no samples; the scaler needs at least one training sample")
    if x_train.shape[1] != x_test.shape[1]:
        raise ValueError(
            f"x_train has {x_train.shape[1]} features but x_test has {x_test.shape[1]}; "
            f"give both the same feature columns in the same order"
        )
    col = _overflowing_column(x_train)
    if col is not None:
        raise ValueError(
            f"x_train column {col} (0-based) has a range max - min that is not finite "
            f"({x_train[:, col].min():g} to {x_train[:, col].max():g} overflows to inf), so "
            f"min-max scaling would map (almost) every value to one angle; {_RESCALE}"
        )
    scaler = MinMaxScaler(feature_range=(low, high), clip=True).fit(x_train)
    low32, high32 = _float32_bounds(low, high)
    scaled = []
    for x in (x_train, x_test):
        y = scaler.transform(x).astype(np.float32)
        scaled.append(np.clip(y, low32, high32))
    return scaled[0], scaled[1]


def make_moons_dataset(
    n_samples: int = 200,
    noise: float = 0.15,
    test_size: float = 0.25,
    seed: int = 0,
) -> Dataset:
    """Two interleaving half circles (scikit-learn's ``make_moons``), scaled to angles.

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
    _check_non_negative(noise, "noise")
    _check_test_size(test_size)
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
    _check_non_negative(noise, "noise")
    if not _is_real(factor) or not 0.0 < factor < 1.0:
        raise ValueError(
            f"factor must be strictly between 0 and 1 (inner radius / outer radius), got "
            f"{factor!r}; try factor=0.5"
        )
    _check_test_size(test_size)
    seed = check_seed(seed)
    x, y = make_circles(n_samples=n_samples, noise=noise, factor=factor, random_state=seed)
    return _split_and_scale("circles", x, y, ("x1", "x2"), test_size, seed)


def make_breast_cancer_dataset(
    n_components: int = 4,
    test_size: float = 0.25,
    seed: int = 0,
) -> Dataset:
    """The Wisconsin breast-cancer data, reduced by PCA to ``n_components`` angle features.

    The 569 samples with 30 features are bundled with scikit-learn (no download). After the
    stratified split, a ``StandardScaler`` and a ``PCA(n_components)`` are fitted on the training
    split only, then :func:`scale_to_angles` maps the components into :data:`ANGLE_RANGE`.
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
    _check_test_size(test_size)
    seed = check_seed(seed)
    bunch = load_breast_cancer()
    x, y = bunch.data, bunch.target
    x_train, x_test, y_train, y_test = _split(x, y, test_size, seed, "the breast-cancer data")
    reducer = make_pipeline(StandardScaler(), PCA(n_components=n_components))
    pcs_train = reducer.fit_transform(x_train)
    pcs_test = reducer.transform(x_test)
    names = tuple(f"pc{i}" for i in range(1, n_components + 1))
    return _build("breast_cancer", pcs_train, pcs_test, y_train, y_test, names)


def load_csv_dataset(
    path: str | os.PathLike[str],
    label_column: str = "label",
    feature_columns: list[str] | tuple[str, ...] | None = None,
    test_size: float = 0.25,
    seed: int = 0,
) -> Dataset:
    """Loads a CSV file with a header row, checks it, splits it and scales it to angles.

    A relative ``path`` is looked up in the current working folder first, then in the
    repository's ``data/`` folder, so a notebook (whose working folder is ``notebooks/``) can
    write ``load_csv_dataset("moons.csv")``. Every problem is reported as one error naming the
    file, the row where relevant (counted from 1 after the header, as a spreadsheet shows data
    rows below a header) and the fix: a missing file, an empty or malformed file, missing
    columns, empty cells, non-numeric features, labels other than 0 and 1, or a single class.

    The label never reaches the features: a header naming a column twice (the label or a
    feature; pandas would silently load the copy as ``label.1``) is an error, and so is a column
    without a name (``Unnamed: 0``, usually the row index ``df.to_csv(path)`` writes) unless
    ``feature_columns`` leaves it out. A feature column whose range ``max - min`` overflows to
    infinity (values near ±1e308) is an error too, since scaling would collapse it.

    Args:
        path: the CSV file.
        label_column: the column with the 0/1 labels.
        feature_columns: the feature columns, in order; by default every column except the label
            (a column without a name is then an error: leave it out by listing the others).
        test_size: fraction of rows held out for testing, between 0 and 1.
        seed: seeds the stratified split.

    Returns:
        A :class:`Dataset` named after the file's stem.

    Example:
        >>> from helpers.data import load_csv_dataset
        >>> load_csv_dataset("moons.csv").summary()
        'moons: 225 train / 75 test samples, 2 features, 50% positive'
    """
    _check_test_size(test_size)
    seed = check_seed(seed)
    file = _resolve_csv_path(path)
    frame = _read_csv(file)
    features = _select_columns(frame, _raw_header(file), file, label_column, feature_columns)
    used = frame[[*features, label_column]]
    _check_no_missing_values(used, file)
    x = _numeric_features(frame, features, file)
    _check_finite_ranges(x, features, file)
    y = _binary_labels(frame[label_column], label_column, file)
    x_train, x_test, y_train, y_test = _split(x, y, test_size, seed, f"'{file}'")
    return _build(file.stem, x_train, x_test, y_train, y_test, tuple(features))


def check_feature_count(x: np.ndarray, n_qubits: int) -> None:
    """Raises a clear error unless ``x`` has exactly one feature per qubit.

    ``qml.AngleEmbedding`` encodes one feature per wire, so the last axis of ``x`` (samples in
    rows, features in columns; a single sample may be 1-D) must have ``n_qubits`` entries.

    Args:
        x: the inputs, shape ``(n_samples, n_features)`` or ``(n_features,)``.
        n_qubits: the number of wires of the circuit.

    Raises:
        ValueError: when the counts differ, naming both and the fixes.

    Example:
        >>> import numpy as np
        >>> check_feature_count(np.zeros((5, 4)), n_qubits=4)  # fine: returns None
        >>> check_feature_count(np.zeros((5, 3)), n_qubits=4)
        Traceback (most recent call last):
        ...
        ValueError: expected 4 features for 4 qubits, got 3; pad or reduce the inputs (e.g. PCA), or build the circuit with n_qubits=3
    """  # noqa: E501 - a doctest's expected output cannot be wrapped
    check_int(n_qubits, "n_qubits", minimum=1, fix="one feature per qubit, e.g. n_qubits=4")
    shape = np.shape(x)
    if len(shape) == 0:
        raise ValueError(
            f"expected an array of features for {n_qubits} qubits, got a scalar; pass an array "
            f"of shape (n_samples, {n_qubits})"
        )
    k = int(shape[-1])
    if k != n_qubits:
        raise ValueError(
            f"expected {n_qubits} features for {n_qubits} qubits, got {k}; pad or reduce the "
            f"inputs (e.g. PCA), or build the circuit with n_qubits={k}"
        )


# --- argument checks -----------------------------------------------------------------------------


def _is_real(value: Any) -> bool:
    return (
        not isinstance(value, bool)
        and isinstance(value, int | float | np.integer | np.floating)
        and math.isfinite(value)
    )


def _check_n_samples(n_samples: Any) -> int:
    try:
        return check_int(n_samples, "n_samples", minimum=_MIN_SAMPLES)
    except ValueError:
        raise ValueError(
            f"n_samples must be an int of at least {_MIN_SAMPLES}, got {n_samples!r}; "
            f"the default n_samples=200 trains in seconds"
        ) from None


def _check_non_negative(value: Any, name: str) -> None:
    if not _is_real(value) or value < 0:
        raise ValueError(
            f"{name} must be a finite number >= 0, got {value!r}; use 0 for noise-free data"
        )


def _check_test_size(test_size: Any) -> None:
    if not _is_real(test_size) or not 0.0 < test_size < 1.0:
        raise ValueError(
            f"test_size must be a fraction strictly between 0 and 1, got {test_size!r}; "
            f"e.g. test_size=0.25 holds out a quarter of the samples"
        )


def _check_angle_range(angle_range: Any) -> tuple[float, float]:
    try:
        low, high = (float(v) for v in angle_range)
    except (TypeError, ValueError):
        raise ValueError(
            f"angle_range must be a pair (low, high), got {angle_range!r}; e.g. (0.0, np.pi)"
        ) from None
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise ValueError(
            f"angle_range must be finite with low < high, got {angle_range!r}; e.g. (0.0, np.pi)"
        )
    return low, high


def _float32_bounds(low: float, high: float) -> tuple[np.float32, np.float32]:
    """The float32 interval closest to ``[low, high]`` that lies inside it."""
    low32, high32 = np.float32(low), np.float32(high)
    if float(low32) < low:
        low32 = np.nextafter(low32, np.float32(np.inf))
    if float(high32) > high:
        high32 = np.nextafter(high32, np.float32(-np.inf))
    return low32, high32


def _describe_array(x: Any) -> str:
    shape = getattr(x, "shape", None)
    return f"shape {shape}" if shape is not None else type(x).__name__


def _as_feature_matrix(x: Any, name: str) -> np.ndarray:
    try:
        array = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            f"{name} must hold numbers only; convert or drop the non-numeric columns first"
        ) from None
    if array.ndim != 2:
        raise ValueError(
            f"{name} must be 2-D (samples, features), got shape {array.shape}; "
            f"reshape it, e.g. x.reshape(-1, 1) for a single feature"
        )
    if not np.all(np.isfinite(array)):
        row, col = (int(i) for i in np.argwhere(~np.isfinite(array))[0])
        raise ValueError(
            f"{name} has a NaN or infinite value at index [{row}, {col}] (0-based); remove or "
            f"impute missing values (e.g. sklearn.impute.SimpleImputer) before scaling"
        )
    return array


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


# --- CSV checks ----------------------------------------------------------------------------------


def _show(value: Any) -> str:
    """A value as a user typed it: strings quoted, NumPy scalars without their type, 1.0 as 1."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return repr(value) if isinstance(value, str) else str(value)


def _row(position: int) -> str:
    return f"row {position + 1} ({_ROW_WORDS})"


def _csvs_in(folder: Path) -> str:
    names = sorted(p.name for p in folder.glob("*.csv")) if folder.is_dir() else []
    return ", ".join(names) if names else "none"


def _resolve_csv_path(path: str | os.PathLike[str]) -> Path:
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"path must be a str or pathlib.Path, got {type(path).__name__}")
    given = Path(path).expanduser()
    candidates = [given] if given.is_absolute() else [Path.cwd() / given, DATA_DIR / given]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
        if candidate.is_dir():
            raise ValueError(
                f"'{candidate}' is a folder, not a CSV file; pass the path of a .csv file "
                f"inside it (CSV files there: {_csvs_in(candidate)})"
            )
    folders = " and ".join(f"'{c.parent}'" for c in candidates)
    message = f"no CSV file '{path}' found; searched {folders}. "
    if not given.is_absolute() or DATA_DIR in given.parents:
        message += f"CSV files in the course's data folder: {_csvs_in(DATA_DIR)}. "
    elif given.parent.is_dir():
        message += f"CSV files in '{given.parent}': {_csvs_in(given.parent)}. "
    if given.is_absolute():
        message += "Check the spelling and the folder"
    else:
        message += (
            "Check the spelling, or pass an absolute path; relative paths are looked up in the "
            "current working folder, then in data/"
        )
    raise FileNotFoundError(message)


def _read_csv(file: Path) -> pd.DataFrame:
    fix = "save it as comma-separated text with one header row (e.g. x1,x2,label)"
    try:
        with warnings.catch_warnings():
            # index_col=False stops pandas from silently using the first column as an index
            # when rows are longer than the header; it warns instead, and we make that an error.
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(file, index_col=False, skipinitialspace=True)
    except pd.errors.EmptyDataError:
        raise ValueError(f"'{file}' is empty (no header row, no data); {fix}") from None
    except pd.errors.ParserWarning:
        raise ValueError(
            f"'{file}' is malformed: its data rows have more fields than the header row; "
            f"add the missing column names to the header, or delete the extra values"
        ) from None
    except pd.errors.ParserError as error:
        detail = str(error).strip().removeprefix("Error tokenizing data. C error: ")
        raise ValueError(
            f"'{file}' is malformed ({detail}; lines are counted from 1 at the header); "
            f"fix that line, or {fix}"
        ) from None
    except UnicodeDecodeError:
        raise ValueError(
            f"'{file}' is not a UTF-8 text file (a spreadsheet's .xlsx, perhaps?); {fix}"
        ) from None
    if len(frame) == 0:
        raise ValueError(
            f"'{file}' has a header row but no data rows; add the data rows below the header"
        )
    frame.columns = [str(c) for c in frame.columns]
    return frame


def _raw_header(file: Path) -> list[str]:
    """The header cells as written, before pandas renames a repeated name (``label`` becomes
    ``label.1``) or names an empty cell (``Unnamed: 0``)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pd.errors.ParserWarning)
        first = pd.read_csv(
            file,
            header=None,
            nrows=1,
            index_col=False,
            skipinitialspace=True,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
        )
    return [str(cell) for cell in first.iloc[0]]


def _check_repeated_names(header: list[str], columns: list[str], file: Path, label: str) -> None:
    positions: dict[str, list[int]] = {}
    for i, cell in enumerate(header):
        if cell.strip():
            positions.setdefault(cell.strip(), []).append(i)
    repeated = {name: where for name, where in positions.items() if len(where) > 1}
    if not repeated:
        return
    name = label.strip() if label.strip() in repeated else next(iter(repeated))
    where = repeated[name]
    numbers = ", ".join(str(i + 1) for i in where)
    copy = columns[where[1]]
    if name == label.strip():
        raise ValueError(
            f"'{file}' has the label column '{name}' {len(where)} times in its header (columns "
            f"{numbers}); pandas would load the extra copy as a feature named '{copy}', handing "
            f"the model its own labels. Delete the extra column from the file, or give it "
            f"another name and leave it out with feature_columns=[...]"
        )
    raise ValueError(
        f"'{file}' has the column name '{name}' {len(where)} times in its header (columns "
        f"{numbers}); pandas would silently rename the copy '{copy}', so it is unclear which "
        f"column is which. Give each column its own name in the header, or delete the duplicate"
    )


def _select_columns(
    frame: pd.DataFrame,
    header: list[str],
    file: Path,
    label_column: str,
    feature_columns: list[str] | tuple[str, ...] | None,
) -> list[str]:
    columns = list(frame.columns)
    if len(header) != len(columns):  # cannot happen once pandas has read the file
        header = columns
    _check_repeated_names(header, columns, file, str(label_column))
    has = f"the file has columns {columns}"
    if len(columns) == 1 and ";" in columns[0]:
        has += " (one column with ';' in its name: save the file comma-separated)"
    if label_column not in columns:
        raise ValueError(
            f"'{file}' has no label column '{label_column}'; {has}. Pass "
            f"label_column='<name>' for the column with the 0/1 labels, or rename it in the file"
        )
    if feature_columns is None:
        features = [c for c in columns if c != label_column]
        if not features:
            raise ValueError(
                f"'{file}' has only the label column '{label_column}' and no feature columns; "
                f"add at least one numeric feature column"
            )
    else:
        features = _listed_features(feature_columns, columns, file, label_column, has)
    _check_unnamed(features, header, columns, file, listed=feature_columns is not None)
    return features


def _listed_features(
    feature_columns: Any, columns: list[str], file: Path, label_column: str, has: str
) -> list[str]:
    if isinstance(feature_columns, str):
        raise ValueError(
            f"feature_columns must be a list of column names, got the string "
            f"{feature_columns!r}; write feature_columns=[{feature_columns!r}]"
        )
    features = [str(c) for c in feature_columns]
    if not features:
        raise ValueError("feature_columns is empty; list at least one column, or pass None")
    missing = [c for c in features if c not in columns]
    if missing:
        raise ValueError(
            f"'{file}' has no feature column(s) {missing}; {has}. Fix feature_columns, or pass "
            f"feature_columns=None to use every column except '{label_column}'"
        )
    if label_column in features:
        raise ValueError(
            f"feature_columns includes the label column '{label_column}'; remove it, "
            f"the model must not see its own labels"
        )
    duplicates = sorted({c for c in features if features.count(c) > 1})
    if duplicates:
        raise ValueError(f"feature_columns lists {duplicates} more than once; list each once")
    return features


def _check_unnamed(
    features: list[str], header: list[str], columns: list[str], file: Path, listed: bool
) -> None:
    """A column without a name (an empty header cell, or pandas' ``Unnamed: N`` written back
    out) is refused as a feature: it is most often a saved row index, which can leak the order."""
    unnamed = {
        columns[i] for i, cell in enumerate(header) if not cell.strip() or _UNNAMED.fullmatch(cell)
    }
    bad = [c for c in features if c in unnamed]
    if not bad:
        return
    i = columns.index(bad[0])
    if header[i].strip():
        what = f"column {i + 1} is named '{bad[0]}', the name pandas gives a column without one"
    else:
        what = f"column {i + 1} has no name in the header (pandas calls it '{bad[0]}')"
    named = [c for c in features if c not in unnamed]
    keep = f"feature_columns={named!r}" if named else "feature_columns=[...]"
    if listed:
        fix = f"leave it out of feature_columns, e.g. {keep}"
    else:
        fix = f"re-save the file with df.to_csv(path, index=False), or pass {keep} without it"
    raise ValueError(
        f"'{file}': {what}. It is most likely the row index that df.to_csv(path) writes, and as "
        f"a feature it would let the model read the row order instead of the data. Fix: {fix}"
    )


def _check_no_missing_values(used: pd.DataFrame, file: Path) -> None:
    missing = used.isna().to_numpy()
    if missing.any():
        position, col = (int(i) for i in np.argwhere(missing)[0])
        n_rows = int(missing.any(axis=1).sum())
        raise ValueError(
            f"'{file}' has an empty or missing value in {_row(position)}, column "
            f"'{used.columns[col]}' ({n_rows} row(s) affected in all); fill it in, or drop "
            f"incomplete rows first (pandas: df.dropna())"
        )


def _numeric_features(frame: pd.DataFrame, features: list[str], file: Path) -> np.ndarray:
    bad_position, bad_column, bad_is_number = None, None, False
    columns = []
    for name in features:
        values = pd.to_numeric(frame[name], errors="coerce").astype("float64")
        not_numbers = values.isna().to_numpy()
        not_finite = ~np.isfinite(values.to_numpy()) & ~not_numbers
        bad = not_numbers | not_finite
        if bad.any():
            position = int(np.argmax(bad))
            if bad_position is None or position < bad_position:
                bad_position, bad_column = position, name
                bad_is_number = bool(not_finite[position])
        columns.append(values.to_numpy())
    if bad_position is not None:
        value = _show(frame[bad_column].iloc[bad_position])
        where = f"{_row(bad_position)}, column '{bad_column}'"
        if bad_is_number:
            raise ValueError(
                f"'{file}' has an infinite feature value {value} in {where}; angles must be "
                f"finite, so replace it with a finite number or drop the row"
            )
        raise ValueError(
            f"'{file}' has a non-numeric feature value {value} in {where}; features must be "
            f"numbers. Fix the value (write decimals with a point, not a comma), or leave the "
            f"column out with feature_columns=[...]"
        )
    return np.column_stack(columns)


def _overflowing_column(x: np.ndarray) -> int | None:
    """The first column whose range ``max - min`` overflows to infinity, or None."""
    with np.errstate(over="ignore"):
        spans = x.max(axis=0) - x.min(axis=0)
    bad = np.flatnonzero(~np.isfinite(spans))
    return int(bad[0]) if len(bad) else None


def _check_finite_ranges(x: np.ndarray, features: list[str], file: Path) -> None:
    col = _overflowing_column(x)
    if col is None:
        return
    name = features[col]
    raise ValueError(
        f"'{file}' column '{name}' runs from {x[:, col].min():g} to {x[:, col].max():g}: its "
        f"range max - min overflows to infinity, so scaling it to angles would map (almost) "
        f"every row to one angle; rescale the column first, e.g. divide it by a power of ten "
        f"(df['{name}'] / 1e300) or take a log"
    )


def _binary_labels(labels: pd.Series, label_column: str, file: Path) -> np.ndarray:
    numeric = pd.to_numeric(labels, errors="coerce").astype("float64")
    bad = ~numeric.isin([0.0, 1.0]).to_numpy()
    if bad.any():
        position = int(np.argmax(bad))
        found = sorted({_show(v) for v in labels.unique()})
        shown = ", ".join(found[:6]) + (", ..." if len(found) > 6 else "")
        raise ValueError(
            f"'{file}': label column '{label_column}' must hold only 0 and 1, but "
            f"{_row(position)} has {_show(labels.iloc[position])} (values found: {shown}); "
            f"map your classes to 0 and 1, e.g. df['{label_column}'] = "
            f"(df['{label_column}'] == <positive class>).astype(int)"
        )
    y = numeric.to_numpy()
    classes = np.unique(y)
    if len(classes) < 2:
        raise ValueError(
            f"'{file}' has only class {int(classes[0])} in label column '{label_column}' "
            f"({len(y)} rows); a classifier needs both classes, so add rows labelled "
            f"{1 - int(classes[0])}"
        )
    return y
