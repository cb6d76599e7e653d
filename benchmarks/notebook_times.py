"""Executes every course notebook in quick and full mode and prints the run-time table.

This is the table the README's learning path shows. Each notebook runs in a fresh kernel whose
working folder is the notebook's own, as in Jupyter and in the test suite. Quick-mode results are
thrown away; full-mode results are thrown away too unless ``--write``, which saves the executed
notebook in place, refreshing the outputs that are committed with the course.

Usage::

    python benchmarks/notebook_times.py                      # every notebook, quick and full
    python benchmarks/notebook_times.py --modes quick        # only quick mode (about 6 minutes)
    python benchmarks/notebook_times.py --modes full --write 04 05   # refresh two notebooks
    python benchmarks/notebook_times.py --solutions          # the solution notebooks too

The times (seconds) are also written to ``outputs/benchmarks/notebook_times.csv``.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
TIMEOUT = 1800  # seconds per cell


def find_notebooks(prefixes: list[str], solutions: bool) -> list[Path]:
    """The numbered notebooks (and their solutions), optionally only those whose name starts
    with one of ``prefixes``."""
    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    if solutions:
        paths += sorted((NOTEBOOKS / "solutions").glob("[0-9][0-9]_*.ipynb"))
    if prefixes:
        paths = [p for p in paths if any(p.name.startswith(x) for x in prefixes)]
    if not paths:
        sys.exit(f"no notebook matches {prefixes} in {NOTEBOOKS}")
    return paths


def execute(path: Path, mode: str, write: bool) -> float:
    """Runs one notebook in a fresh kernel in ``mode``; returns the wall time in seconds."""
    os.environ["COURSE_MODE"] = mode  # the kernel inherits this process's environment
    os.environ["COURSE_EXPECTED_MODE"] = mode
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
    )
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    if write:
        nbformat.write(notebook, path)
    return seconds


def minutes(seconds: float | None) -> str:
    """``187.2`` -> ``'3 min 07 s'``; ``42.0`` -> ``'42 s'``."""
    if seconds is None:
        return "–"
    whole = round(seconds)
    return f"{whole // 60} min {whole % 60:02d} s" if whole >= 60 else f"{whole} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", help="name prefixes, e.g. 01 04 (default: all)")
    parser.add_argument("--modes", nargs="+", default=["full", "quick"], choices=["full", "quick"])
    parser.add_argument("--write", action="store_true", help="save full-mode outputs in place")
    parser.add_argument("--solutions", action="store_true", help="include notebooks/solutions")
    args = parser.parse_args()

    times: dict[tuple[str, str], float] = {}
    failed = []
    for path in find_notebooks(args.notebooks, args.solutions):
        name = str(path.relative_to(NOTEBOOKS))
        for mode in args.modes:
            try:
                times[name, mode] = execute(path, mode, write=args.write and mode == "full")
                print(f"{name} ({mode}): {minutes(times[name, mode])}", flush=True)
            except CellExecutionError as error:
                failed.append(name)
                print(f"{name} ({mode}): FAILED\n{str(error)[-2000:]}", flush=True)

    names = list(dict.fromkeys(name for name, _ in times))
    print("\n| notebook | " + " | ".join(f"{m} mode" for m in args.modes) + " |")
    print("|---|" + "---:|" * len(args.modes))
    for name in names:
        cells = " | ".join(minutes(times.get((name, m))) for m in args.modes)
        print(f"| {name} | {cells} |")
    total = {m: sum(t for (_, mode), t in times.items() if mode == m) for m in args.modes}
    print("| total | " + " | ".join(minutes(total[m]) for m in args.modes) + " |")

    out = ROOT / "outputs" / "benchmarks"
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "notebook_times.csv", "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["notebook", "mode", "seconds"])
        for (name, mode), seconds in times.items():
            writer.writerow([name, mode, f"{seconds:.1f}"])
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
