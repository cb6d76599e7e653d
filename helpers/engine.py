"""One entry point for independent runs: serially, on this machine's cores, or on a Dask cluster.

The seeds and data splits of a benchmark are independent runs. :func:`run_tasks` runs
``function(*task)`` for every task and returns the results in task order, wherever the runs go:

- ``scheduler=None``: ``joblib.Parallel(n_jobs)`` on this machine (``n_jobs=1`` runs in this
  process). See https://joblib.readthedocs.io/en/stable/parallel.html.
- ``scheduler="tcp://host:8786"`` (or ``"dask://tcp://host:8786"``): a Dask ``distributed``
  scheduler. :func:`run_tasks` connects a ``distributed.Client``, submits one task per run and
  gathers the results in order, then closes the client it opened. See
  https://distributed.dask.org/en/stable/client.html.
- ``scheduler=client``: a ``distributed.Client`` you opened, used as is and left open, e.g. the
  one :func:`local_cluster` returns (a ``LocalCluster`` of one-thread worker processes, see
  https://distributed.dask.org/en/stable/api.html#distributed.LocalCluster).

On a shared machine, dask-jobqueue (https://jobqueue.dask.org) starts the scheduler and the
workers as Slurm, PBS, SGE or LSF jobs (``SLURMCluster(...).scheduler_address``), and
dask-kubernetes (https://kubernetes.dask.org) does the same on Kubernetes; pass that address,
or ``distributed.Client(cluster)``, as ``scheduler``.

Keras and TensorFlow keep their seed and op determinism per process, so a worker should run one
task at a time: one thread per worker (``LocalCluster(threads_per_worker=1)``, ``dask worker
--nthreads 1``). Workers started by :func:`local_cluster` inherit this process's environment
(``KERAS_BACKEND``, ``COURSE_MODE``); workers on another machine need the same environment and
the course installed.

Introduced in notebook 05.
"""

from __future__ import annotations

import asyncio
import logging
import math
import numbers
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from helpers import _quiet
from helpers._checks import check_int, check_n_jobs

from joblib import Parallel, delayed

if TYPE_CHECKING:
    from distributed import Client

T = TypeVar("T")

#: The forms ``scheduler`` accepts, named in every error about it.
SCHEDULER_FORMS = (
    'None (joblib on this machine), "tcp://host:port" or "dask://tcp://host:port" (a Dask '
    "scheduler's address), or a distributed.Client"
)
_PROTOCOLS = ("tcp", "tls")


def scheduler_address(scheduler: str) -> str:
    """The Dask scheduler address in ``scheduler``, checked: ``"tcp://host:port"``.
    Not used by a notebook; for your own experiments.

    Accepts ``"tcp://host:port"`` and ``"dask://tcp://host:port"`` (``tls://`` too, with the
    certificates from Dask's configuration). The host is not contacted.

    Example:
        >>> scheduler_address("dask://tcp://10.0.0.5:8786")
        'tcp://10.0.0.5:8786'
    """
    text = scheduler.strip()
    if text.startswith("dask://"):
        text = text[len("dask://") :]
    parts = urlsplit(text)
    try:
        port = parts.port
    except ValueError:
        port = -1
    problem = ""
    if parts.scheme not in _PROTOCOLS or "://" not in text:
        problem = f"the protocol must be one of {[p + '://' for p in _PROTOCOLS]}"
    elif not parts.hostname or parts.username or parts.password:
        problem = "it names no host"
    elif parts.path or parts.query or parts.fragment:
        problem = "a scheduler address has no path, query or fragment"
    elif port is None:
        problem = "it names no port (a Dask scheduler listens on 8786 unless told otherwise)"
    elif port == -1 or not 0 < port < 65536:
        problem = "its port must be a number from 1 to 65535"
    if problem:
        raise ValueError(
            f"scheduler {scheduler!r} is not a Dask scheduler address: {problem}; pass "
            f'{SCHEDULER_FORMS}, e.g. scheduler="tcp://127.0.0.1:8786"'
        )
    return f"{parts.scheme}://{parts.netloc}"


def _check_tasks(function: Any, tasks: Any) -> list[tuple]:
    if not callable(function):
        raise TypeError(
            f"function must be callable, got {type(function).__name__}; pass the function "
            "itself, e.g. run_tasks(run_one, tasks), not its result run_one(...)"
        )
    if isinstance(tasks, str | bytes) or not isinstance(tasks, Sequence):
        raise TypeError(
            f"tasks must be a list of argument tuples, got {type(tasks).__name__}; e.g. "
            "tasks=[(0,), (1,)] runs function(0) and function(1)"
        )
    checked = []
    for i, task in enumerate(tasks):
        if not isinstance(task, tuple | list):
            raise TypeError(
                f"each task must be a tuple of arguments, but task {i} is {task!r}; wrap a "
                f"single argument in a tuple, e.g. ({task!r},)"
            )
        checked.append(tuple(task))
    return checked


#: The longest ``connect_timeout`` accepted, in seconds: every network wait is bounded by it.
MAX_CONNECT_TIMEOUT = 300.0


def _check_timeout(connect_timeout: Any) -> float:
    ok = isinstance(connect_timeout, numbers.Real) and not isinstance(connect_timeout, bool)
    if not ok or not (math.isfinite(connect_timeout) and connect_timeout > 0):
        raise ValueError(
            f"connect_timeout must be a positive number of seconds, got {connect_timeout!r}; "
            "e.g. connect_timeout=5.0"
        )
    if connect_timeout > MAX_CONNECT_TIMEOUT:
        raise ValueError(
            f"connect_timeout must be at most {MAX_CONNECT_TIMEOUT:g} s, got {connect_timeout!r}; "
            "a scheduler that has not answered by then will not: check its address and that it runs"
        )
    return float(connect_timeout)


async def _identity(address: str, timeout: float) -> Any:
    from distributed.comm import connect

    async def ask() -> Any:
        comm = await connect(address, timeout=timeout)
        try:
            await comm.write({"op": "identity", "reply": True})
            return await comm.read()
        finally:
            comm.abort()

    # One bound on the whole exchange: TCP connect, Dask's handshake and the reply. A peer that
    # accepts the connection and never answers (a stuck or paused scheduler) would otherwise
    # hold Dask's handshake forever.
    return await asyncio.wait_for(ask(), timeout)


def _scheduler_problem(address: str, timeout: float) -> str:
    """Why ``address`` is not a reachable Dask scheduler ("" if it is), asked on a private loop.

    Asking first keeps a failed ``Client`` out of the way: one that half-connected to something
    else would block for seconds when garbage-collected. The question runs in its own thread, so
    it also works inside a notebook's running event loop.
    """
    try:
        with ThreadPoolExecutor(1) as pool:
            reply = pool.submit(asyncio.run, _identity(address, timeout)).result()
    except OSError as error:  # refused, unknown host, or no answer within the timeout
        detail = str(error) or "something may accept connections there but never answers"
        return f"no Dask scheduler answered within {timeout:g} s ({detail})"
    except Exception as error:  # something answered, but not in Dask's protocol
        return f"what answered is not a Dask scheduler ({type(error).__name__})"
    kind = reply.get("type") if isinstance(reply, dict) else None
    if kind != "Scheduler":
        return f"what answered is not a Dask scheduler (it says it is a {kind or 'stranger'})"
    return ""


def _connect(address: str, timeout: float) -> Client:
    from distributed import Client

    problem = _scheduler_problem(address, timeout)
    if not problem:
        try:
            return Client(address, timeout=timeout, set_as_default=False)
        except OSError as error:  # the scheduler went away since it answered
            problem = f"the scheduler stopped answering ({error})"
    # Raised outside the except blocks: the caller sees one message, not the client's internals.
    raise ConnectionError(
        f"cannot connect to the Dask scheduler at {address}: {problem}. Start a scheduler there "
        f"(`dask scheduler`, then `dask worker {address} --nthreads 1`, or a dask-jobqueue or "
        f"dask-kubernetes cluster), check the host and port it prints, or pass scheduler=None "
        f"to run on this machine with joblib"
    )


def _client_for(scheduler: Any, timeout: float) -> tuple[Client, bool]:
    """The client to use and whether :func:`run_tasks` opened it (and so must close it)."""
    if isinstance(scheduler, str):
        return _connect(scheduler_address(scheduler), timeout), True
    from distributed import Client

    if isinstance(scheduler, Client):
        if scheduler.status in ("closing", "closed"):
            raise ValueError(
                "scheduler is a closed distributed.Client; open a new one (e.g. "
                "`with local_cluster(2) as client:`) and run inside its block"
            )
        return scheduler, False
    hint = ""
    if hasattr(scheduler, "scheduler_address"):
        hint = "; for a cluster object pass distributed.Client(cluster) or its scheduler_address"
    raise TypeError(f"scheduler must be {SCHEDULER_FORMS}, got {type(scheduler).__name__}{hint}")


def _run_on_dask(client: Client, function: Callable[..., T], tasks: list[tuple]) -> list[T]:
    # pure=False: every task gets its own key, so two equal tasks both run (Dask would otherwise
    # hash them to one key and run it once). Submission order is Dask's priority order.
    from helpers._dask_worker import NAME, QuietStart

    # Every worker imports helpers (Keras, quietly) before a task's function arrives: a function
    # defined in a notebook travels by value and would import Keras first (_quiet.start_worker).
    client.register_plugin(QuietStart(), name=NAME)
    futures = [client.submit(function, *task, pure=False) for task in tasks]
    try:
        return client.gather(futures)  # in task order; a failed task re-raises its exception
    except BaseException:
        client.cancel(futures)  # on a shared client, do not leave the other runs going
        raise


def parallel(n_jobs: int) -> Parallel:
    """``joblib.Parallel(n_jobs)`` whose worker processes import ``helpers`` before any task.

    Each worker runs :func:`helpers._quiet.start_worker` first, so TensorFlow's start-up lines
    are caught however a task's function imports Keras. Used by :func:`run_tasks` and
    :func:`helpers.run_settings`.

    Example:
        >>> from joblib import delayed
        >>> parallel(1)(delayed(abs)(x) for x in (-1, 2))
        [1, 2]
    """
    return Parallel(n_jobs=n_jobs, initializer=_quiet.start_worker)


def run_tasks(
    function: Callable[..., T],
    tasks: Sequence[tuple],
    *,
    n_jobs: int = -1,
    scheduler: str | Client | None = None,
    connect_timeout: float = 5.0,
) -> list[T]:
    """Runs ``function(*task)`` for every task and returns the results in task order.
    Not used by a notebook; for your own experiments.

    Args:
        function: a function of module level or of the notebook (both pickle); it and its
            arguments travel to the workers, its results travel back.
        tasks: one tuple of positional arguments per run, e.g. ``[(model, data, seed, epochs)]``.
        n_jobs: with ``scheduler=None``, joblib's worker count: ``-1`` every core, ``1`` this
            process, ``n > 1`` n worker processes (``0`` is an error). Ignored on Dask.
        scheduler: ``None`` runs with joblib on this machine; ``"tcp://host:port"`` or
            ``"dask://tcp://host:port"`` connects a ``distributed.Client`` to that scheduler and
            closes it afterwards; a ``distributed.Client`` is used as is and left open.
        connect_timeout: seconds to wait for the scheduler at an address before a
            ``ConnectionError``.

    Returns:
        ``[function(*task) for task in tasks]``, equal to the serial run's results, whichever
        engine ran them. A task that raises re-raises its exception (same type and message)
        here, and the tasks not yet run are cancelled.

    Example:
        >>> from operator import pow
        >>> tasks = [(2, 3), (3, 2), (10, 2), (2, 10)]
        >>> run_tasks(pow, tasks, n_jobs=1)  # in this process
        [8, 9, 100, 1024]
        >>> with local_cluster(2) as client:  # on a Dask cluster: the same results, in order
        ...     run_tasks(pow, tasks, scheduler=client)
        [8, 9, 100, 1024]

    Notebook 05 runs :func:`helpers.run_one` on the benchmark's tasks, through
    :func:`helpers.run_benchmark`.
    """
    tasks = _check_tasks(function, tasks)
    n_jobs = check_n_jobs(n_jobs)
    timeout = _check_timeout(connect_timeout)
    if scheduler is None:
        if n_jobs == 1:
            return [function(*task) for task in tasks]
        return parallel(n_jobs)(delayed(function)(*task) for task in tasks)
    if isinstance(scheduler, str):
        scheduler_address(scheduler)  # a malformed address is an error even with no tasks
    if not tasks:
        return []
    client, opened = _client_for(scheduler, timeout)
    try:
        return _run_on_dask(client, function, tasks)
    finally:
        if opened:
            client.close()


def local_cluster(n_workers: int = 2) -> Client:
    """A ``distributed.Client`` on a new ``LocalCluster`` of ``n_workers`` one-thread processes.
    Introduced in notebook 05.

    The cluster belongs to the client: closing the client (at the end of a ``with`` block, or
    ``client.close()``) also stops the cluster and its worker processes. Each worker is a
    separate process with one thread, since Keras/TensorFlow seeding and op determinism are per
    process; its dashboard takes a free port (no collision with another cluster), and worker
    logs below CRITICAL are silenced (a task's exception is raised again in the caller, so the
    worker's own "Compute Failed" report would only repeat it). Starting the workers takes a few
    seconds; each worker then pays the Keras and TensorFlow import once, on its first task.

    Example:
        >>> with local_cluster(1) as client:
        ...     len(client.scheduler_info()["workers"])
        1
        >>> client.status  # closing the client stopped the cluster
        'closed'
    """
    from distributed import Client

    n_workers = check_int(
        n_workers, "n_workers", minimum=1, fix="e.g. n_workers=2, one per core you want to use"
    )
    # A Client given no address starts a LocalCluster with these arguments and closes it on close.
    return Client(
        n_workers=n_workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",  # a free port: two clusters never collide on 8787
        silence_logs=logging.CRITICAL,
    )
