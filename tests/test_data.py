"""Unit tests for helpers.data, helpers.scaling and helpers.csv_data: splits, angle scaling, the
shipped CSVs and every CSV error."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from helpers.csv_data import DATA_DIR, load_csv_dataset
from helpers.data import (
    Dataset,
    make_breast_cancer_dataset,
    make_circles_dataset,
    make_moons_dataset,
)
from helpers.scaling import ANGLE_RANGE, check_feature_count, scale_to_angles

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_breast_cancer
from sklearn.decomposition import PCA
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler

LOW, HIGH = ANGLE_RANGE
F32_ATOL = 1e-6  # float32 has no exact pi: the top end is the largest float32 below pi


def all_datasets() -> list[Dataset]:
    return [
        make_moons_dataset(),
        make_circles_dataset(),
        make_breast_cancer_dataset(),
        load_csv_dataset("moons.csv"),
        load_csv_dataset("xor_blobs.csv"),
    ]


def assert_in_angle_range(x: np.ndarray) -> None:
    assert float(x.min()) >= LOW
    assert float(x.max()) <= HIGH  # compared in float64, so float32(pi) > pi would fail


def write_csv(folder: Path, text: str, name: str = "bad.csv") -> Path:
    path = folder / name
    path.write_text(text)
    return path


def good_rows(n: int = 12) -> str:
    """``n`` valid rows for columns x1,x2,label, alternating the label."""
    return "".join(f"{i * 0.5},{i % 3},{i % 2}\n" for i in range(n))


# --- shapes, dtypes, ranges ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dataset", "n_train", "n_test", "n_features"),
    [
        (make_moons_dataset(n_samples=200), 150, 50, 2),
        (make_circles_dataset(n_samples=120, test_size=0.5), 60, 60, 2),
        (make_breast_cancer_dataset(n_components=3), 426, 143, 3),
    ],
    ids=["moons", "circles", "breast_cancer"],
)
def test_shapes_dtypes_and_labels(dataset, n_train, n_test, n_features):
    assert dataset.x_train.shape == (n_train, n_features)
    assert dataset.x_test.shape == (n_test, n_features)
    assert dataset.y_train.shape == (n_train,)
    assert dataset.y_test.shape == (n_test,)
    assert dataset.n_features == n_features == len(dataset.feature_names)
    for array in (dataset.x_train, dataset.x_test, dataset.y_train, dataset.y_test):
        assert array.dtype == np.float32
    assert set(np.unique(dataset.y_train)) == {0.0, 1.0}
    assert set(np.unique(dataset.y_test)) == {0.0, 1.0}


def test_every_dataset_is_inside_the_angle_range_and_train_hits_both_ends():
    for dataset in all_datasets():
        assert_in_angle_range(dataset.x_train)
        assert_in_angle_range(dataset.x_test)
        # the scaler was fitted on x_train: every training column spans the whole range
        np.testing.assert_array_equal(dataset.x_train.min(axis=0), LOW)
        np.testing.assert_allclose(dataset.x_train.max(axis=0), HIGH, rtol=0, atol=F32_ATOL)


def test_summary_and_feature_names():
    assert make_moons_dataset().summary() == (
        "moons: 150 train / 50 test samples, 2 features, 50% positive"
    )
    assert make_breast_cancer_dataset(n_components=4).feature_names == ("pc1", "pc2", "pc3", "pc4")
    assert load_csv_dataset("xor_blobs.csv").feature_names == ("x1", "x2", "x3", "x4")


def test_breast_cancer_labels_keep_sklearn_coding_1_is_benign():
    dataset = make_breast_cancer_dataset()
    n_benign = int(dataset.y_train.sum() + dataset.y_test.sum())
    assert n_benign == int((load_breast_cancer().target == 1).sum()) == 357


# --- splits and seeds ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: make_moons_dataset(n_samples=101, test_size=0.3),
        lambda: make_circles_dataset(n_samples=99, test_size=0.2),
        lambda: make_breast_cancer_dataset(test_size=0.3, seed=2),
        lambda: load_csv_dataset("xor_blobs.csv", test_size=0.1, seed=1),
    ],
    ids=["moons", "circles", "breast_cancer", "xor_blobs_csv"],
)
def test_split_is_stratified(make):
    # the seeds are ones where an unstratified split would fail the stricter check (measured)
    dataset = make()
    assert abs(dataset.y_train.mean() - dataset.y_test.mean()) < 0.05
    # stricter: the test split holds the overall share of positives, up to rounding
    y_all = np.concatenate([dataset.y_train, dataset.y_test])
    assert abs(dataset.y_test.sum() - y_all.mean() * len(dataset.y_test)) <= 1


def test_same_seed_gives_identical_arrays_and_another_seed_differs():
    for make in (make_moons_dataset, make_circles_dataset, make_breast_cancer_dataset):
        first, again, other = make(seed=3), make(seed=3), make(seed=4)
        for field in ("x_train", "x_test", "y_train", "y_test"):
            np.testing.assert_array_equal(getattr(first, field), getattr(again, field))
        assert not np.array_equal(first.x_train, other.x_train)
    first, other = load_csv_dataset("moons.csv", seed=0), load_csv_dataset("moons.csv", seed=1)
    assert not np.array_equal(first.x_train, other.x_train)


# --- scaling and PCA fitted on the training split only -------------------------------------------


def test_scale_to_angles_fits_on_train_and_clips_test():
    x_train = np.array([[0.0, 10.0], [2.0, 20.0], [4.0, 30.0]])
    x_test = np.array([[1.0, 40.0], [-3.0, 15.0]])
    train, test = scale_to_angles(x_train, x_test)
    assert train.dtype == test.dtype == np.float32
    np.testing.assert_allclose(train[:, 0], [0.0, np.pi / 2, np.pi], atol=F32_ATOL)
    # 1.0 maps to pi/4 with the train scaler (a scaler fitted on test too would not give this);
    # 40 and -3 lie outside the training range and are clipped to the ends
    np.testing.assert_allclose(test, [[np.pi / 4, np.pi], [0.0, np.pi / 4]], atol=F32_ATOL)
    assert_in_angle_range(train)
    assert_in_angle_range(test)


def test_scale_to_angles_matches_sklearn_minmax_fitted_on_train():
    rng = np.random.default_rng(5)
    x_train, x_test = rng.normal(size=(40, 3)), rng.normal(scale=3.0, size=(20, 3))
    train, test = scale_to_angles(x_train, x_test, angle_range=(-1.0, 1.0))
    scaler = MinMaxScaler(feature_range=(-1.0, 1.0), clip=True).fit(x_train)
    np.testing.assert_allclose(train, scaler.transform(x_train), atol=F32_ATOL)
    np.testing.assert_allclose(test, scaler.transform(x_test), atol=F32_ATOL)
    assert (np.abs(test) == 1.0).any()  # some test values needed clipping


def test_breast_cancer_pca_is_fitted_on_the_training_split_only():
    dataset = make_breast_cancer_dataset(n_components=4, test_size=0.25, seed=2)
    bunch = load_breast_cancer()
    x_train, x_test, _, _ = train_test_split(
        bunch.data, bunch.target, test_size=0.25, stratify=bunch.target, random_state=2
    )
    pipeline = make_pipeline(StandardScaler(), PCA(n_components=4)).fit(x_train)
    scaler = MinMaxScaler(feature_range=ANGLE_RANGE, clip=True)
    expected_train = scaler.fit_transform(pipeline.transform(x_train))
    expected_test = scaler.transform(pipeline.transform(x_test))
    np.testing.assert_allclose(dataset.x_train, expected_train, atol=1e-5)
    np.testing.assert_allclose(dataset.x_test, expected_test, atol=1e-5)
    # the check can fail: fitting the PCA on all 569 samples gives different training features
    leaky = make_pipeline(StandardScaler(), PCA(n_components=4)).fit(bunch.data)
    leaky_train = MinMaxScaler(feature_range=ANGLE_RANGE).fit_transform(leaky.transform(x_train))
    assert not np.allclose(dataset.x_train, leaky_train, atol=1e-5)


# --- shipped CSVs --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "n_rows", "columns"),
    [
        ("moons.csv", 300, ["x1", "x2", "label"]),
        ("xor_blobs.csv", 400, ["x1", "x2", "x3", "x4", "label"]),
    ],
)
def test_shipped_csvs_have_the_documented_rows_and_columns(name, n_rows, columns):
    frame = pd.read_csv(DATA_DIR / name)
    assert list(frame.columns) == columns
    assert len(frame) == n_rows
    assert frame["label"].value_counts().to_dict() == {0: n_rows // 2, 1: n_rows // 2}
    dataset = load_csv_dataset(name)
    assert len(dataset.y_train) + len(dataset.y_test) == n_rows


def test_make_datasets_script_reproduces_the_shipped_csvs(tmp_path):
    spec = importlib.util.spec_from_file_location("make_datasets", DATA_DIR / "make_datasets.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(tmp_path)
    for name in ("moons.csv", "xor_blobs.csv"):
        assert (tmp_path / name).read_bytes() == (DATA_DIR / name).read_bytes()


def test_relative_path_prefers_the_working_folder_then_data(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert len(load_csv_dataset("moons.csv").y_test) == 75  # found in data/
    write_csv(tmp_path, "x1,x2,label\n" + good_rows(20), name="moons.csv")
    assert len(load_csv_dataset("moons.csv").y_test) == 5  # the working folder's file wins


def test_feature_columns_selects_and_orders_columns():
    dataset = load_csv_dataset("xor_blobs.csv", feature_columns=["x2", "x1"])
    assert dataset.feature_names == ("x2", "x1")
    assert dataset.n_features == 2


def test_label_column_names_the_label(tmp_path):
    path = write_csv(tmp_path, "x1,x2,target\n" + good_rows())
    assert load_csv_dataset(path, label_column="target").feature_names == ("x1", "x2")


# --- one clear error per problem -----------------------------------------------------------------
# The CSV file errors (missing file, malformed, duplicated or unnamed header cells, ...) are rows
# of the table in tests/test_bad_inputs_files.py.


def test_a_trailing_comma_on_every_line_still_loads(tmp_path):
    text = "x1,x2,label\n" + "".join(f"{i},{i % 3},{i % 2},\n" for i in range(12))
    dataset = load_csv_dataset(write_csv(tmp_path, text))
    assert dataset.feature_names == ("x1", "x2")
    assert set(np.unique(dataset.y_train)) == {0.0, 1.0}


def test_wrong_feature_count_names_both_counts_and_the_fix():
    check_feature_count(np.zeros((5, 4)), n_qubits=4)
    check_feature_count(np.zeros(4), n_qubits=4)
    expected = (
        r"expected 4 features for 4 qubits, got 3; pad or reduce the inputs \(e\.g\. PCA\), "
        r"or build the circuit with n_qubits=3"
    )
    with pytest.raises(ValueError, match=expected):
        check_feature_count(np.zeros((5, 3)), n_qubits=4)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: make_moons_dataset(n_samples=9), "n_samples must be an int of at least 10"),
        (lambda: make_moons_dataset(test_size=1.0), "strictly between 0 and 1"),
        (lambda: make_moons_dataset(test_size=0), "strictly between 0 and 1"),
        (lambda: make_moons_dataset(noise=-0.1), "noise must be a finite number >= 0"),
        (
            lambda: make_circles_dataset(factor=1.0),
            "factor must be a number strictly between 0 and 1",
        ),
        (lambda: make_breast_cancer_dataset(n_components=0), "n_components must be an int"),
        (lambda: make_breast_cancer_dataset(n_components=31), "from 1 to 30"),
        (lambda: make_moons_dataset(n_samples=10, test_size=0.05), "each part needs at least"),
        (lambda: make_moons_dataset(seed=-1), "seed must be a non-negative int"),
        (lambda: make_moons_dataset(seed=True), "seed must be a non-negative int"),
        (lambda: make_moons_dataset(seed=2**32), "seed must be a non-negative int below 2"),
        (lambda: load_csv_dataset("moons.csv", seed=1.0), "seed must be a non-negative int"),
        (lambda: make_circles_dataset(n_samples=50.0), "n_samples must be an int of at least"),
        (lambda: make_breast_cancer_dataset(n_components=True), "n_components must be an int"),
        (lambda: check_feature_count(np.zeros((2, 1)), n_qubits=True), "n_qubits must be a"),
        (lambda: scale_to_angles(np.zeros((3, 2)), np.zeros((3, 3))), "2 features but x_test"),
        (lambda: scale_to_angles(np.zeros((3, 2)), np.zeros((3, 2)), (1.0, 0.0)), "low < high"),
    ],
)
def test_bad_arguments_are_clear_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_numpy_integers_are_accepted_as_ints():
    plain = make_moons_dataset(n_samples=40, seed=1)
    numpy = make_moons_dataset(n_samples=np.int64(40), seed=np.uint32(1))
    np.testing.assert_array_equal(plain.x_train, numpy.x_train)
    assert make_breast_cancer_dataset(n_components=np.int8(2)).feature_names == ("pc1", "pc2")
    check_feature_count(np.zeros((2, 3)), n_qubits=np.int64(3))
