"""The committed notebooks read cleanly (issue 21): short code cells and clean outputs.

These tests read the committed ``.ipynb`` files; they execute nothing. A failure names the
notebook and the cell index (0-based, as ``nbformat`` counts every cell, markdown included).

* No code cell runs past 15 lines, imports included (blank lines count: a reader scrolls them).
* No committed output holds TensorFlow's C++ start-up lines (absl, oneDNN, cpu_feature_guard),
  a joblib/loky worker warning, an absolute path of the machine that ran it, or an error.
* PennyLane's TensorFlow-interface deprecation warning appears at most once per notebook, and
  a notebook that shows it says in its text what it means for the pinned version.
"""

from __future__ import annotations

import re
from pathlib import Path

from helpers._quiet import TF_DEPRECATION

import nbformat
from harness import NOTEBOOKS, read_notebook
from harness import notebook_name as name

MAX_LINES = 15

#: What must never appear in a committed output, with the name a failure reports.
NOISE = {
    "TensorFlow start-up line": re.compile(
        r"All log messages before absl::InitializeLog"
        r"|oneDNN custom operations are on"
        r"|cpu_feature_guard"
        r"|rebuild TensorFlow with the appropriate compiler flags"
        r"|I\d{4} \d\d:\d\d:[\d.]+ +\d+ [\w.]+:\d+\]"
    ),
    "joblib/loky worker warning": re.compile(
        r"A worker stopped while some jobs|(loky|joblib)\S*\.py:\d+|Warning: .*\b(loky|joblib)\b"
    ),
    "absolute path": re.compile(r"(?<![\w.])(/work/|/root/|/home/|/Users/|/tmp/|[A-Z]:\\\\)"),
}


def output_texts(cell: nbformat.NotebookNode) -> list[str]:
    """Every text a code cell's outputs show: streams, plain-text results and error traces."""
    texts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            texts.append(output.text)
        elif output.output_type == "error":
            texts.append("\n".join(output.traceback))
        else:
            data = output.get("data", {})
            texts += [data[kind] for kind in ("text/plain", "text/html") if kind in data]
    return texts


def code_cells(path: Path) -> list[tuple[int, nbformat.NotebookNode]]:
    notebook = read_notebook(path)
    return [(i, cell) for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"]


def test_there_are_notebooks_to_check() -> None:
    assert len(NOTEBOOKS) >= 14, [name(p) for p in NOTEBOOKS]


def test_code_cells_are_short(notebook_path: Path) -> None:
    long = {
        i: len(cell.source.splitlines())
        for i, cell in code_cells(notebook_path)
        if len(cell.source.splitlines()) > MAX_LINES
    }
    assert not long, (
        f"{name(notebook_path)}: code cells over {MAX_LINES} lines (cell index: lines): {long}; "
        "split the cell or move the code into helpers/"
    )


def noise_findings(path: Path) -> list[str]:
    """Error outputs and :data:`NOISE` in a notebook's outputs, one line per finding."""
    found = []
    for i, cell in code_cells(path):
        if any(output.output_type == "error" for output in cell.get("outputs", [])):
            found.append(f"cell {i}: an error output")
        for text in output_texts(cell):
            for what, pattern in NOISE.items():
                match = pattern.search(text)
                if match:
                    line = next(ln for ln in text.splitlines() if match.group(0) in ln)
                    found.append(f"cell {i}: {what}: {line.strip()[:120]!r}")
    return found


def deprecation_findings(path: Path) -> list[str]:
    """PennyLane's TF deprecation warning shown more than once, or shown and never explained."""
    cells = [i for i, cell in code_cells(path) for t in output_texts(cell) if TF_DEPRECATION in t]
    if len(cells) > 1:
        return [f"PennyLane's TF deprecation warning in cells {cells}"]
    notebook = read_notebook(path)
    prose = " ".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    if cells and not re.search(r"deprecat", prose, re.IGNORECASE):
        return [
            f"PennyLane's TF deprecation warning (cell {cells[0]}), but the text never says "
            "what it means for the pinned PennyLane 0.44.1"
        ]
    return []


def test_outputs_hold_no_noise_and_no_errors(notebook_path: Path) -> None:
    found = noise_findings(notebook_path)
    assert not found, f"{name(notebook_path)}:\n" + "\n".join(found)


def test_tf_deprecation_warning_at_most_once_and_explained(notebook_path: Path) -> None:
    found = deprecation_findings(notebook_path)
    assert not found, f"{name(notebook_path)}: " + "; ".join(found)


def test_the_scan_catches_what_it_should() -> None:
    """The patterns match real examples of each kind of noise (so a passing scan means
    something) and do not match ordinary output."""
    samples = {
        "TensorFlow start-up line": "I0000 00:00:1796123.1  1234 port.cc:153] oneDNN custom "
        "operations are on. You may see slightly different numerical results",
        "joblib/loky worker warning": "UserWarning: A worker stopped while some jobs were given",
        "absolute path": "/work/main/helpers/quantum_layer/_tensorflow.py:123: UserWarning",
    }
    for what, text in samples.items():
        assert NOISE[what].search(text), what
    clean = "test accuracy 0.84 over 5 seeds (outputs/05_benchmark/results.csv)"
    assert not any(pattern.search(clean) for pattern in NOISE.values())
