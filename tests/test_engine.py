"""Tests for helpers.engine: one entry point for serial, joblib and Dask runs.

One LocalCluster (two one-thread worker processes) serves the whole file: starting it and
importing Keras in its workers is most of the file's time.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from functools import partial

from helpers import build_classical_model, fit_over_seeds, make_moons_dataset, run_one
from helpers.engine import local_cluster, run_tasks, scheduler_address

import numpy as np
import pandas as pd
import pytest
from distributed import Client

SEEDS = (0, 1, 2, 3)
PROCESS_DEPENDENT = ("pid", "fit_seconds")


@pytest.fixture(scope="module")
def client():
    with local_cluster(2) as opened:
        cluster = opened.cluster
        yield opened
    # Closing the client stopped the cluster it started, and with it the worker processes.
    assert cluster.status.name == "closed"


@pytest.fixture(scope="module")
def data():
    return make_moons_dataset(n_samples=60, seed=0)


def comparable(row: dict) -> dict:
    """A result row without the fields that depend on the process, arrays as lists."""
    return {
        key: value.tolist() if isinstance(value, np.ndarray) else value
        for key, value in row.items()
        if key not in PROCESS_DEPENDENT
    }


def benchmark_tasks(data) -> list[tuple]:
    return [("logistic regression", data, seed, 1) for seed in SEEDS]


def keras_tasks(data) -> list[tuple]:
    """fit_over_seeds of a small Keras MLP, one seed per task: a seeded Keras training run."""
    build = partial(build_classical_model, 2, 20, optimizer="adam")
    return [(build, data, [seed], 2) for seed in (0, 1)]


FIT = partial(fit_over_seeds, name="mlp", verbose=False)  # its options are keyword-only


@pytest.mark.slow
def test_engines_give_the_serial_results_in_task_order(client, data):
    serial = run_tasks(run_one, benchmark_tasks(data), n_jobs=1)
    assert [row["seed"] for row in serial] == list(SEEDS)
    assert {row["pid"] for row in serial} == {os.getpid()}
    on_joblib = run_tasks(run_one, benchmark_tasks(data), n_jobs=2)
    on_dask = run_tasks(run_one, benchmark_tasks(data), scheduler=client)
    expected = [comparable(row) for row in serial]
    assert [comparable(row) for row in on_joblib] == expected
    assert [comparable(row) for row in on_dask] == expected
    assert os.getpid() not in {row["pid"] for row in on_joblib}
    worker_pids = set(client.run(os.getpid).values())
    assert {row["pid"] for row in on_dask} <= worker_pids
    assert os.getpid() not in worker_pids


@pytest.mark.slow
@pytest.mark.backend
def test_keras_training_is_bit_identical_in_worker_processes(client, data):
    serial = run_tasks(FIT, keras_tasks(data), n_jobs=1)
    on_joblib = run_tasks(FIT, keras_tasks(data), n_jobs=2)
    on_dask = run_tasks(FIT, keras_tasks(data), scheduler=client)
    assert not serial[0]["loss"].equals(serial[1]["loss"])  # the seeds differ
    for expected, *others in zip(serial, on_joblib, on_dask, strict=True):
        expected = expected.drop(columns="fit_seconds")
        assert expected["loss"].nunique() == 2  # two epochs, each changed the loss
        for other in others:
            pd.testing.assert_frame_equal(other.drop(columns="fit_seconds"), expected)


@pytest.mark.slow
def test_local_cluster_has_one_thread_per_worker_process(client):
    assert sorted(client.nthreads().values()) == [1, 1]


@pytest.mark.slow
def test_repeated_tasks_all_run_on_dask(client):
    # pure=False: equal tasks get their own keys; deduplicated, all three would be one value.
    values = run_tasks(uuid.uuid4, [(), (), ()], scheduler=client)
    assert len(set(values)) == 3


@pytest.mark.slow
def test_scheduler_address_string_connects_and_closes_its_client(client, data):
    address = client.scheduler.address
    rows = run_tasks(run_one, benchmark_tasks(data)[:2], scheduler=f"dask://{address}")
    assert [row["seed"] for row in rows] == [0, 1]
    assert client.status == "running"  # the fixture's client is not the one that was closed


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["serial", "joblib", "dask"])
def test_a_task_error_is_raised_with_its_type_and_message(engine, client):
    scheduler = client if engine == "dask" else None
    n_jobs = 2 if engine == "joblib" else 1
    with pytest.raises(ValueError, match="invalid literal for int"):
        run_tasks(int, [("1",), ("not a number",)], n_jobs=n_jobs, scheduler=scheduler)
    assert run_tasks(int, [("7",)], scheduler=scheduler) == [7]  # still usable afterwards


def test_a_peer_that_accepts_and_never_answers_is_a_connection_error_within_the_timeout():
    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts, never answers
        address = f"tcp://127.0.0.1:{silent.getsockname()[1]}"
        start = time.perf_counter()
        with pytest.raises(ConnectionError, match=r"within 1 s \(something may accept"):
            run_tasks(int, [("1",)], scheduler=address, connect_timeout=1)
        assert time.perf_counter() - start < 4


@pytest.mark.slow
def test_unreachable_scheduler_is_a_connection_error_within_seconds():
    start = time.perf_counter()
    with pytest.raises(ConnectionError, match=r"tcp://127\.0\.0\.1:1\b.*scheduler=None") as info:
        run_tasks(int, [("1",)], scheduler="tcp://127.0.0.1:1")  # port 1: nothing listens
    assert time.perf_counter() - start < 10
    assert "dask scheduler" in str(info.value)
    assert info.value.__cause__ is None
    assert info.value.__context__ is None  # one message, not the client's internals
    start = time.perf_counter()
    with pytest.raises(ConnectionError, match="within 1 s"):
        run_tasks(int, [("1",)], scheduler="dask://tcp://127.0.0.1:1", connect_timeout=1)
    assert time.perf_counter() - start < 5


@pytest.mark.slow
def test_a_worker_address_is_not_taken_for_a_scheduler(client):
    worker = next(iter(client.scheduler_info()["workers"]))
    with pytest.raises(ConnectionError, match=r"not a Dask scheduler.*Worker"):
        run_tasks(int, [("1",)], scheduler=worker)


@pytest.mark.parametrize(
    ("scheduler", "problem"),
    [
        ("dask:/x", "protocol"),
        ("http://127.0.0.1:8786", "protocol"),
        ("127.0.0.1:8786", "protocol"),
        ("dask://127.0.0.1:8786", "protocol"),
        ("", "protocol"),
        ("tcp://", "no host"),
        ("tcp://127.0.0.1", "no port"),
        ("tcp://127.0.0.1:port", "port must be"),
        ("tcp://127.0.0.1:99999", "port must be"),
        ("tcp://127.0.0.1:8786/status", "no path"),
    ],
)
def test_a_malformed_scheduler_address_is_a_value_error(scheduler, problem):
    with pytest.raises(ValueError, match=problem) as info:
        run_tasks(int, [("1",)], scheduler=scheduler)
    assert "tcp://host:port" in str(info.value)
    assert "distributed.Client" in str(info.value)


def test_scheduler_address_normalises_the_accepted_forms():
    assert scheduler_address("tcp://10.0.0.5:8786") == "tcp://10.0.0.5:8786"
    assert scheduler_address(" dask://tcp://node-1:8786 ") == "tcp://node-1:8786"
    assert scheduler_address("tcp://[::1]:8786") == "tcp://[::1]:8786"


@pytest.mark.parametrize("scheduler", [8786, ["tcp://127.0.0.1:8786"], b"tcp://127.0.0.1:8786"])
def test_a_scheduler_of_the_wrong_type_is_a_type_error(scheduler):
    with pytest.raises(TypeError, match=r"tcp://host:port.*distributed\.Client"):
        run_tasks(int, [("1",)], scheduler=scheduler)


@pytest.mark.slow
def test_a_cluster_object_is_a_type_error_naming_the_fix(client):
    with pytest.raises(TypeError, match=r"Client\(cluster\)"):
        run_tasks(int, [("1",)], scheduler=client.cluster)


@pytest.mark.slow
def test_a_closed_client_is_an_error_naming_the_fix(client):
    closed = Client(client.scheduler.address, set_as_default=False)
    closed.close()
    with pytest.raises(ValueError, match=r"closed distributed\.Client"):
        run_tasks(int, [("1",)], scheduler=closed)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"n_jobs": 0}, ValueError, "non-zero"),
        ({"n_jobs": 1.5}, ValueError, "n_jobs must be"),
        ({"connect_timeout": 0}, ValueError, "connect_timeout must be"),
        ({"connect_timeout": float("nan")}, ValueError, "connect_timeout must be"),
        ({"connect_timeout": 301}, ValueError, "connect_timeout must be at most 300 s"),
    ],
)
def test_bad_arguments_name_the_fix(kwargs, error, message):
    with pytest.raises(error, match=message):
        run_tasks(int, [("1",)], **kwargs)


def test_bad_function_and_tasks_name_the_fix():
    with pytest.raises(TypeError, match="function must be callable"):
        run_tasks(3, [("1",)])
    with pytest.raises(TypeError, match=r"wrap a single argument in a tuple, e\.g\. \(1,\)"):
        run_tasks(int, [1, 2])
    with pytest.raises(TypeError, match="tasks must be a list"):
        run_tasks(int, (str(i) for i in range(2)))


def test_no_tasks_give_no_results_without_connecting():
    assert run_tasks(int, []) == []
    assert run_tasks(int, [], scheduler="tcp://127.0.0.1:1") == []


@pytest.mark.slow
def test_local_cluster_rejects_a_bad_worker_count():
    with pytest.raises(ValueError, match="n_workers must be a positive int"):
        local_cluster(0)
