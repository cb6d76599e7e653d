"""Argument checks shared by every helper module (private: import the public functions instead).

One policy, in the spirit of scikit-learn's ``check_scalar``: any integral type is an int
(Python ``int`` and NumPy integers such as ``np.int64``), ``bool`` is not, and a check returns
the value as a plain Python ``int`` so the caller can use it. Every message has one format:
``"<name> must be <what>, got <value>; <fix>"``.

Introduced with the bad-input tables (``tests/test_bad_inputs_*.py``).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from typing import Any

import numpy as np

#: Seeds are what NumPy's legacy seeding accepts: 0 <= seed < 2**32.
SEED_LIMIT = 2**32


def is_int(value: Any) -> bool:
    """True for any integral number (``int``, NumPy integers), False for ``bool``."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool | np.bool_)


def check_int(
    value: Any, name: str, *, minimum: int | None = None, maximum: int | None = None, fix: str = ""
) -> int:
    """Returns ``value`` as an ``int`` if it is an integral number in ``[minimum, maximum]``.

    Example:
        >>> check_int(np.int64(3), "epochs", minimum=1)
        3
    """
    ok = is_int(value)
    if ok and minimum is not None and value < minimum:
        ok = False
    if ok and maximum is not None and value > maximum:
        ok = False
    if not ok:
        if minimum == 1 and maximum is None:
            what = "a positive int"
        elif minimum == 0 and maximum is None:
            what = "a non-negative int"
        elif maximum is None:
            what = f"an int >= {minimum}" if minimum is not None else "an int"
        else:
            what = f"an int from {minimum} to {maximum}"
        raise ValueError(f"{name} must be {what}, got {value!r}" + (f"; {fix}" if fix else ""))
    return int(value)


def is_real(value: Any) -> bool:
    """True for a finite real number (``int``, ``float``, NumPy numbers), False for ``bool``."""
    return (
        isinstance(value, numbers.Real)
        and not isinstance(value, bool | np.bool_)
        and math.isfinite(value)
    )


def check_fraction(value: Any, name: str, *, fix: str, zero_allowed: bool = False) -> float:
    """Returns ``value`` as a ``float`` if it lies strictly between 0 and 1 (or in ``[0, 1)`` with
    ``zero_allowed=True``, e.g. a dropout rate).

    Example:
        >>> check_fraction(0.25, "test_size", fix="e.g. test_size=0.25")
        0.25
    """
    low_ok = is_real(value) and (value >= 0 if zero_allowed else value > 0)
    if not (low_ok and value < 1):
        what = "from 0 up to (not including) 1" if zero_allowed else "strictly between 0 and 1"
        raise ValueError(f"{name} must be a number {what}, got {value!r}; {fix}")
    return float(value)


def check_non_negative(value: Any, name: str, *, fix: str) -> float:
    """Returns ``value`` as a ``float`` if it is a finite number >= 0.

    Example:
        >>> check_non_negative(np.float64(0.1), "noise", fix="use 0 for noise-free data")
        0.1
    """
    if not is_real(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}; {fix}")
    return float(value)


def check_choice(value: Any, name: str, choices: Iterable[Any]) -> Any:
    """Returns ``value`` if it is one of ``choices``.

    Example:
        >>> check_choice("adam", "optimizer", ("sgd", "adam"))
        'adam'
    """
    options = list(choices)
    if not isinstance(value, str | int | float) or value not in options:
        raise ValueError(f"{name} must be one of {options}, got {value!r}")
    return value


def check_epochs(epochs: Any) -> int:
    """``epochs`` as a positive int; 0 epochs would score an untrained model.

    Example:
        >>> check_epochs(5)
        5
    """
    return check_int(
        epochs, "epochs", minimum=1, fix="a model must train for at least 1 epoch, e.g. epochs=20"
    )


def check_seed(seed: Any, name: str = "seed") -> int:
    """``seed`` as an int in ``[0, 2**32)``.

    Example:
        >>> check_seed(np.int64(0))
        0
    """
    if not is_int(seed) or not 0 <= seed < SEED_LIMIT:
        raise ValueError(
            f"{name} must be a non-negative int below 2**32, got {seed!r}; e.g. {name}=0"
        )
    return int(seed)


def check_batch_size(batch_size: Any) -> int:
    """``batch_size`` as a positive int.

    Example:
        >>> check_batch_size(np.int64(32))
        32
    """
    return check_int(batch_size, "batch_size", minimum=1, fix="e.g. batch_size=32")


def check_seeds(seeds: Any, name: str = "seeds") -> list[int]:
    """``seeds`` as a non-empty list of distinct ints (``name`` says what they seed, e.g.
    ``"splits"``).

    A repeated seed repeats a run: it adds no information, yet counts as another sample in a
    mean and shrinks the spread, so it is an error rather than a silent duplicate.

    Example:
        >>> check_seeds(np.arange(3))
        [0, 1, 2]
    """
    if isinstance(seeds, str | bytes) or not isinstance(seeds, Iterable | np.ndarray):
        raise ValueError(
            f"{name} must be a list of ints, got {seeds!r}; e.g. {name}=[0, 1, 2] or range(5)"
        )
    values = [check_seed(s, f"each of {name}" if name != "seeds" else "each seed") for s in seeds]
    if not values:
        raise ValueError(f"{name} is empty; pass at least one, e.g. {name}=[0, 1, 2]")
    repeated = sorted({s for s in values if values.count(s) > 1})
    if repeated:
        raise ValueError(
            f"{name} must be distinct, but {repeated} appear more than once in {values}; a "
            f"repeated seed repeats the same run and would shrink the spread, so use e.g. "
            f"{name}=range({len(values)})"
        )
    return values


def check_n_jobs(n_jobs: Any) -> int:
    """``n_jobs`` as joblib reads it: a non-zero int (-1 every core, 1 this process, n workers).

    Example:
        >>> check_n_jobs(np.int64(-1))
        -1
    """
    fix = "use -1 for every core, 1 to run in this process, or n > 1 for n workers"
    n_jobs = check_int(n_jobs, "n_jobs", fix=fix)
    if n_jobs == 0:
        raise ValueError(f"n_jobs must be a non-zero int, got 0; {fix}")
    return n_jobs


def check_xy(x: Any, y: Any, x_name: str = "x", y_name: str = "y") -> None:
    """Checks that ``x`` and ``y`` are non-empty, numeric, finite and have as many rows.

    Example:
        >>> check_xy(np.zeros((3, 2)), np.ones(3), "x_train", "y_train")
    """
    arrays = {x_name: np.asarray(x), y_name: np.asarray(y)}
    for name, array in arrays.items():
        if array.ndim == 0 or len(array) == 0:
            raise ValueError(
                f"{name} must hold at least one row, got shape {array.shape}; check the split "
                "(e.g. test_size) and any filtering that removed every sample"
            )
        if not (np.issubdtype(array.dtype, np.number) or array.dtype == np.bool_):
            raise ValueError(
                f"{name} must be numeric, got dtype {array.dtype}; encode text or categories as "
                f"numbers first, e.g. {name}.astype('float32') or sklearn's OrdinalEncoder"
            )
        bad = ~np.isfinite(array)
        if bad.any():
            first = tuple(int(i) for i in np.argwhere(bad)[0])
            where = f"row {first[0]}" if len(first) == 1 else f"index {first}"
            if len(first) == 2:
                where = f"row {first[0]}, column {first[1]}"
            fix = (
                "impute or drop them before training, e.g. sklearn.impute.SimpleImputer fitted "
                f"on the training split, or drop those rows from both {x_name} and {y_name}"
                if name == x_name
                else f"drop those rows from both {x_name} and {y_name} (a label cannot be imputed)"
            )
            raise ValueError(
                f"{name} holds {int(bad.sum())} NaN or infinite value(s), the first at {where}; "
                + fix
            )
    if len(arrays[x_name]) != len(arrays[y_name]):
        raise ValueError(
            f"{x_name} has {len(arrays[x_name])} rows but {y_name} has {len(arrays[y_name])}; "
            "pass one label per sample"
        )


def check_split(data: Any) -> None:
    """:func:`check_xy` on both splits of a dataset: ``x_train``/``y_train``, ``x_test``/``y_test``.

    Example:
        >>> from types import SimpleNamespace
        >>> z, o = np.zeros((3, 2)), np.ones(3)
        >>> check_split(SimpleNamespace(x_train=z, y_train=o, x_test=z, y_test=o))
    """
    check_xy(data.x_train, data.y_train, "x_train", "y_train")
    check_xy(data.x_test, data.y_test, "x_test", "y_test")


def check_unique_rows(table: Any, keys: list[str], name: str, fix: str) -> None:
    """Checks that no two rows of a pandas ``table`` share the same values of ``keys``.

    A repeated run counts twice in a mean and a count, so a summary of such a table is wrong
    without any sign of it; ``fix`` says where the repeat probably came from.

    Example:
        >>> import pandas as pd
        >>> check_unique_rows(pd.DataFrame({"seed": [0, 1]}), ["seed"], "results", "")
    """
    repeated = table.duplicated(subset=keys, keep=False)
    if repeated.any():
        example = table.loc[repeated, keys].iloc[0].to_dict()
        raise ValueError(
            f"{name} holds the same ({', '.join(keys)}) more than once ({int(repeated.sum())} "
            f"repeated rows, e.g. {example}); {fix}"
        )
