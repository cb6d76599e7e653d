"""Reading your own CSV file into a :class:`~helpers.data.Dataset`, with errors saying what to fix.

:func:`load_csv_dataset` checks the file row by row (a missing file, an empty or malformed file,
missing or repeated columns, a column without a name, empty cells, non-numeric features, labels
other than 0 and 1, a single class), then splits it and scales it to angles like the course's
other datasets (:mod:`helpers.data`, :mod:`helpers.scaling`). Relative paths are looked up in the
working folder, then in :data:`DATA_DIR`, the repository's ``data/`` folder.

Introduced in notebook 05 (honest benchmark), where you run the benchmark on your own CSV file.
"""

from __future__ import annotations

import os
import re
import warnings
from pathlib import Path
from typing import Any

from helpers._checks import check_fraction, check_seed
from helpers.data import _TEST_SIZE_FIX, Dataset, _build, _show, _split
from helpers.scaling import _overflowing_column

import numpy as np
import pandas as pd

DATA_DIR: Path = Path(__file__).resolve().parents[1] / "data"
"""The repository's ``data/`` folder, searched for relative CSV paths after the working folder."""

_ROW_WORDS = "1-based data row, header not counted"
_UNNAMED = re.compile(r"Unnamed: \d+")  # the name pandas gives a header cell left empty


def load_csv_dataset(
    path: str | os.PathLike[str],
    label_column: str = "label",
    feature_columns: list[str] | tuple[str, ...] | None = None,
    test_size: float = 0.25,
    seed: int = 0,
) -> Dataset:
    """Loads a CSV file with a header row, checks it, splits it and scales it to angles.
    Introduced in notebook 05.

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
        >>> from helpers.csv_data import load_csv_dataset
        >>> load_csv_dataset("moons.csv").summary()
        'moons: 225 train / 75 test samples, 2 features, 50% positive'
    """
    check_fraction(test_size, "test_size", fix=_TEST_SIZE_FIX)
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


# --- CSV checks ----------------------------------------------------------------------------------


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
