"""A Dask worker plugin that makes each worker import ``helpers`` before any task.

Kept apart from :mod:`helpers.engine` so that ``distributed`` is imported only when a Dask
scheduler is used. A worker unpickles the plugin when :func:`helpers.run_tasks` registers it,
and unpickling imports ``helpers`` (so Keras, quietly) before any task's function arrives; see
:func:`helpers._quiet.start_worker` for why the order matters.
"""

from __future__ import annotations

from typing import Any

from helpers import _quiet

from distributed.diagnostics.plugin import WorkerPlugin

#: The plugin's name on the cluster: registering it again replaces it (no duplicate).
NAME = "helpers-quiet-start"


class QuietStart(WorkerPlugin):
    """Runs :func:`helpers._quiet.start_worker` on every worker, present and future."""

    def setup(self, worker: Any) -> None:
        _quiet.start_worker()
