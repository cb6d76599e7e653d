"""Keeps the course's outputs to what a learner should read (issue 21, "clean outputs").

``helpers/__init__.py`` imports this module first, so every notebook, solution and worker
process gets it without notebook code (joblib/loky and Dask workers import ``helpers`` when they
unpickle a task). It can only act if it runs before TensorFlow loads: a notebook therefore
imports ``helpers`` before Keras, TensorFlow or PennyLane. At import it:

* imports Keras with file descriptor 2 captured, and drops TensorFlow's C++ start-up notices
  from what it captured ("WARNING: All log messages before absl::InitializeLog() ...", the
  oneDNN and cpu_feature_guard INFO lines). TensorFlow writes them from C++ while its libraries
  load, before ``TF_CPP_MIN_LOG_LEVEL`` applies; every other captured line is written back to
  ``sys.stderr`` and an exception raised by the import propagates unchanged. Numerics are
  untouched: ``TF_ENABLE_ONEDNN_OPTS`` is neither read nor set. On ``KERAS_BACKEND=jax`` Keras
  does not import TensorFlow, and neither does this module;
* sets ``TF_CPP_MIN_LOG_LEVEL=3`` unless it is set, for TensorFlow's later C++ log lines
  (worker processes inherit it): INFO lines at the first XLA compile, and an ERROR-level line
  that TensorFlow 2.21 logs at every ``fit`` on a ``tf.data`` pipeline built by Keras 3.15
  ("NodeDef mentions attribute use_unbounded_threadpool which is not in the op definition ...
  Unknown attributes will be ignored"), which is harmless. A real failure still raises a Python
  exception; set ``TF_CPP_MIN_LOG_LEVEL=0`` before starting Python to see every C++ line;
* ignores loky's "A worker stopped while some jobs were given to the executor" warning: loky
  replaces a worker whose memory grew during a task (compiled circuits kept for reuse), and the
  results are unaffected.

:func:`tf_interface_warning` wraps PennyLane calls through its TensorFlow interface: PennyLane's
deprecation warning then appears once per process, in the main process only (not in worker
processes), attributed to a repository-relative file name instead of an absolute path.
"""

from __future__ import annotations

import contextlib
import importlib
import multiprocessing
import os
import re
import sys
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]

#: TensorFlow's C++ start-up notices: absl's preamble, INFO lines in absl's format
#: (``I0000 00:00:1796.1  1234 port.cc:153] oneDNN ...``) and cpu_feature_guard's second line.
STARTUP_LINE = re.compile(
    r"WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR"
    r"|I\d{4} \d\d:\d\d:[\d.]+ +\d+ [\w.]+:\d+\] "
    r"|To enable the following instructions: .*rebuild TensorFlow with the appropriate compiler"
)
#: The start of PennyLane's TF-interface deprecation message (pennylane.exceptions).
TF_DEPRECATION = "Support for the TensorFlow interface is deprecated"
#: loky's warning when it replaces a worker whose memory grew (joblib/externals/loky).
WORKER_STOPPED = "A worker stopped while some jobs were given to the executor"

_deprecation_shown = False
#: Per-file registries for the warnings :func:`tf_interface_warning` passes on, so that a
#: "default" filter still shows each of them once per location.
_registries: dict[str, dict] = {}


def start_worker() -> None:
    """Runs first in every worker process the course starts (joblib and Dask, see
    :mod:`helpers.engine`): a no-op whose only job is to be imported.

    A worker imports what a task needs when it unpickles it, in the task's own order: a
    function defined in a notebook or script travels by value, and its globals (``keras``,
    ``keras.random``, ...) are imported before ``helpers``, so TensorFlow's start-up lines would
    reach the worker's stderr (and the notebook) uncaught. The engine passes this function as
    the workers' initializer (joblib) or registers a worker plugin that calls it (Dask,
    :mod:`helpers._dask_worker`): unpickling either imports ``helpers`` first, which imports
    Keras quietly, before any task's function is unpickled.
    """


def in_worker() -> bool:
    """True in a process started by ``multiprocessing`` (joblib/loky and Dask workers)."""
    return multiprocessing.parent_process() is not None


def relative_path(filename: str) -> str:
    """``filename`` relative to the repository (else its last two parts): no machine's paths."""
    path = Path(filename)
    with contextlib.suppress(ValueError):
        return path.resolve().relative_to(ROOT).as_posix()
    return Path(*path.parts[-2:]).as_posix()


def _flush_stderr() -> None:
    with contextlib.suppress(Exception):
        sys.stderr.flush()


def import_quietly(name: str) -> ModuleType:
    """Imports module ``name`` with fd 2 captured; writes back all but TF's start-up notices.

    A module already imported is returned as is (its start-up lines, if any, are already out).
    """
    if name in sys.modules:
        return sys.modules[name]
    try:
        saved = os.dup(2)
    except OSError:  # no file descriptor 2 (a detached process): nothing to capture
        return importlib.import_module(name)
    with tempfile.TemporaryFile() as capture:
        _flush_stderr()
        os.dup2(capture.fileno(), 2)
        try:
            return importlib.import_module(name)
        finally:
            _flush_stderr()  # Python's own stderr writes during the import (on a terminal)
            os.dup2(saved, 2)
            os.close(saved)
            capture.seek(0)
            lines = capture.read().decode(errors="replace").splitlines(keepends=True)
            kept = "".join(line for line in lines if not STARTUP_LINE.match(line))
            if kept:
                sys.stderr.write(kept)
                _flush_stderr()


def _show_tf_deprecation(caught: warnings.WarningMessage) -> None:
    global _deprecation_shown
    if _deprecation_shown or in_worker():
        return
    _deprecation_shown = True
    warnings.warn_explicit(
        caught.message,
        caught.category,
        relative_path(caught.filename),
        caught.lineno,
        module="helpers.quantum_layer",
        registry={},
    )


@contextlib.contextmanager
def tf_interface_warning() -> Iterator[None]:
    """Shows PennyLane's TF-interface deprecation warning raised inside once per process.

    The warning is shown the first time in the main process, with a repository-relative file
    name, and dropped after that and in worker processes. Every other warning raised inside is
    passed on unchanged (same category, text, file and line, through the current filters).
    """
    with warnings.catch_warnings(record=True) as caught:
        yield
    for item in caught:
        if str(item.message).startswith(TF_DEPRECATION):
            _show_tf_deprecation(item)
        else:
            registry = _registries.setdefault(item.filename, {})
            warnings.warn_explicit(
                item.message,
                item.category,
                item.filename,
                item.lineno,
                registry=registry,
                source=item.source,
            )


os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
warnings.filterwarnings("ignore", message=re.escape(WORKER_STOPPED), category=UserWarning)
import_quietly("keras")
