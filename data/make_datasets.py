"""Writes the course's CSV files into data/, deterministically.

Run from the repository root:

    python data/make_datasets.py

Each file is rebuilt from fixed seeds and rounded to 6 decimals, so running the script again
gives byte-identical files (tests/test_data.py checks this). The datasheets are in data/README.md.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.datasets import make_moons

DATA_DIR = Path(__file__).resolve().parent
DECIMALS = 6

MOONS_ROWS = 300
MOONS_NOISE = 0.2
MOONS_SEED = 7

XOR_ROWS_PER_BLOB = 100
XOR_SD = 0.4
XOR_SEED = 11


def moons_frame() -> pd.DataFrame:
    """300 rows of scikit-learn's two moons, raw (unscaled) coordinates x1, x2 and a 0/1 label."""
    x, y = make_moons(n_samples=MOONS_ROWS, noise=MOONS_NOISE, random_state=MOONS_SEED)
    return pd.DataFrame({"x1": x[:, 0], "x2": x[:, 1], "label": y.astype(int)})


def xor_blobs_frame() -> pd.DataFrame:
    """400 rows: four Gaussian blobs at (±1, ±1), XOR labels, plus two pure-noise features.

    Each blob has 100 points with standard deviation 0.4 in x1 and x2. The label is 1 when the
    signs of the blob's centre differ (centres (1, -1) and (-1, 1)) and 0 otherwise. x3 and x4
    are independent N(0, 1) noise that carries no information about the label. Rows are shuffled.
    """
    rng = np.random.default_rng(XOR_SEED)
    centres = np.array([[1.0, 1.0], [1.0, -1.0], [-1.0, 1.0], [-1.0, -1.0]])
    blob = np.repeat(np.arange(len(centres)), XOR_ROWS_PER_BLOB)
    n_rows = len(blob)
    x12 = centres[blob] + rng.normal(0.0, XOR_SD, size=(n_rows, 2))
    labels = (np.sign(centres[blob, 0]) != np.sign(centres[blob, 1])).astype(int)
    noise = rng.normal(0.0, 1.0, size=(n_rows, 2))
    order = rng.permutation(n_rows)
    return pd.DataFrame(
        {
            "x1": x12[order, 0],
            "x2": x12[order, 1],
            "x3": noise[order, 0],
            "x4": noise[order, 1],
            "label": labels[order],
        }
    )


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Writes ``frame`` rounded to 6 decimals, without an index, with Unix line endings."""
    frame.round(DECIMALS).to_csv(
        path, index=False, float_format=f"%.{DECIMALS}f", lineterminator="\n"
    )


def main(out_dir: Path = DATA_DIR) -> dict[str, pd.DataFrame]:
    """Writes moons.csv and xor_blobs.csv into ``out_dir`` and returns the frames by file name."""
    frames = {"moons.csv": moons_frame(), "xor_blobs.csv": xor_blobs_frame()}
    for name, frame in frames.items():
        write_csv(frame, out_dir / name)
    return frames


if __name__ == "__main__":
    for name, frame in main().items():
        share = frame["label"].mean()
        print(f"wrote data/{name}: {len(frame)} rows, {share:.0%} label 1")
