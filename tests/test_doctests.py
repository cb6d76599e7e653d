"""Every ``>>>`` example in the ``helpers`` package runs as a doctest, one test per module.

An example that fails shows doctest's own report (expected and got). Examples share the
module's globals (``helpers`` and its public names are importable in them), start from
``set_seed(0)`` and quick mode, and write only into the git-ignored ``outputs/`` folder.
"""

from __future__ import annotations

import doctest
import importlib
import os
import pkgutil
from collections.abc import Iterator

import helpers
from helpers import set_seed

import pytest

FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def context() -> dict[str, object]:
    """What every example may use without importing it: NumPy as ``np``, ``keras``,
    ``helpers`` and its public names."""
    import keras
    import numpy as np

    return {"np": np, "keras": keras, "helpers": helpers} | {
        name: getattr(helpers, name) for name in helpers.__all__
    }


def module_names() -> list[str]:
    """Every module of the package, ``helpers`` itself included, in a stable order."""
    found = [info.name for info in pkgutil.walk_packages(helpers.__path__, "helpers.")]
    return ["helpers", *sorted(found)]


def examples(module_name: str) -> list[doctest.DocTest]:
    """The doctests of a module's own objects (not of names it imports), with examples."""
    module = importlib.import_module(module_name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    return sorted(
        (test for test in finder.find(module, module_name) if test.examples),
        key=lambda test: test.name,
    )


@pytest.fixture(autouse=True)
def _restore_process_state() -> Iterator[None]:
    """Examples may set environment variables (``COURSE_MODE``) or register a benchmark model;
    both are undone after each module, so later tests in the same worker see the usual state."""
    from helpers.benchmark_models import _REGISTRY

    environment, registry = dict(os.environ), dict(_REGISTRY)
    yield
    os.environ.clear()
    os.environ.update(environment)
    _REGISTRY.clear()
    _REGISTRY.update(registry)


#: Modules whose examples train a model, run a benchmark or start a Dask cluster (each over 5 s on
#: 2 cores, most of it Keras tracing, circuit compilation or process start-up at any size): full
#: run only, not the fast tier.
TRAINING_EXAMPLES = {
    "helpers.benchmark",
    "helpers.benchmark_models",
    "helpers.benchmark_stats",
    "helpers.deep_head",
    "helpers.engine",
    "helpers.shots",
    "helpers.training",
}


@pytest.mark.parametrize(
    "module_name",
    [
        pytest.param(name, marks=pytest.mark.slow) if name in TRAINING_EXAMPLES else name
        for name in module_names()
    ],
)
def test_docstring_examples(module_name: str) -> None:
    tests = examples(module_name)
    if not tests:
        pytest.skip(f"{module_name} has no >>> examples")
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    reports = []
    for test in tests:
        set_seed(0)
        output: list[str] = []
        test.globs = {**context(), **test.globs}
        result = runner.run(test, out=output.append, clear_globs=True)
        if result.failed:
            reports.append("".join(output))
    assert not reports, "\n".join(reports)
