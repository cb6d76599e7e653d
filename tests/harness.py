"""What the course's tests share: the repository's paths, the notebooks (read once per process)
and a fresh Python process on a chosen Keras backend.

Import it in a test module (``from harness import ROOT, notebooks``): pytest puts ``tests/`` on
``sys.path``. The fixtures built on it are in ``tests/conftest.py``.
"""

from __future__ import annotations

import os
import subprocess
from functools import cache
from pathlib import Path

from helpers.reproducibility import run_python

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_FOLDER = ROOT / "notebooks"
#: Every course notebook, in learning-path order: the core path, then the deep dives (once
#: they exist), then the solutions.
NOTEBOOKS: list[Path] = [
    *sorted(NOTEBOOK_FOLDER.glob("[0-9][0-9]_*.ipynb")),
    *sorted((NOTEBOOK_FOLDER / "deep_dives").glob("[0-9][0-9]*.ipynb")),
    *sorted((NOTEBOOK_FOLDER / "solutions").glob("[0-9][0-9]_*.ipynb")),
]


def notebook_name(path: Path) -> str:
    """``path`` relative to ``notebooks/``, e.g. ``solutions/02_solutions.ipynb`` (a test id)."""
    return path.relative_to(NOTEBOOK_FOLDER).as_posix()


@cache
def read_notebook(path: Path) -> nbformat.NotebookNode:
    """The committed notebook at ``path``, parsed once per process. Do not modify it."""
    return nbformat.read(path, as_version=4)


def python_in_fresh_process(
    code: str, tmp_path: Path, *, backend: str = "tensorflow", clean_env: bool = False
) -> subprocess.CompletedProcess[str]:
    """Runs ``code`` (written to a script in ``tmp_path``) in a fresh interpreter on
    ``backend``, with ``tmp_path`` as its working folder (so no relative path resolves into
    the repository). ``clean_env`` drops the ``TF_CPP*`` and ``TF_ENABLE*`` variables that
    ``helpers`` sets or honours, so the child starts as a learner's new process would."""
    env = dict(os.environ)
    if clean_env:
        env = {k: v for k, v in env.items() if not k.startswith(("TF_CPP", "TF_ENABLE"))}
    script = tmp_path / "script.py"
    script.write_text(code)
    return run_python(args=[script], backend=backend, cwd=tmp_path, env=env)
