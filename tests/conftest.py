"""Fixtures shared by the course's tests; the functions behind them are in ``harness.py``.

A test that needs the committed notebooks takes ``notebook_path`` (parametrized over every
notebook, with ``solutions/02_solutions.ipynb``-style ids) and reads it with
``harness.read_notebook`` (parsed once per process). A test that needs a new interpreter takes
``fresh_python``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import pytest
from harness import NOTEBOOKS, notebook_name, python_in_fresh_process


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "notebook_path" in metafunc.fixturenames:
        metafunc.parametrize("notebook_path", NOTEBOOKS, ids=notebook_name)


@pytest.fixture
def fresh_python(tmp_path: Path) -> Callable[..., CompletedProcess[str]]:
    """``fresh_python(code, backend="tensorflow", clean_env=False)``: runs ``code`` in a new
    interpreter whose working folder is this test's ``tmp_path``."""

    def run(code: str, **options: object) -> CompletedProcess[str]:
        return python_in_fresh_process(code, tmp_path, **options)

    return run
