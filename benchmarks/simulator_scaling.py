"""Time per training step and peak memory as the circuit grows, for two PennyLane simulators.

The model is the forum's, on the JAX Keras backend:
``Sequential([Input(n), KerasLayer(AngleEmbedding + 2 StronglyEntanglingLayers, n outputs),
Dense(1, sigmoid)])``, Adam 0.05, binary cross-entropy, batch 32, random inputs in [0, pi) and
random 0/1 labels. The circuit runs on

* ``default.qubit`` with ``diff_method="backprop"`` (what the course uses): JAX differentiates
  through the simulation, so it keeps every intermediate state of the batch for the backward
  pass;
* ``lightning.qubit`` with ``diff_method="adjoint"``: a C++ simulator that recomputes states
  backwards instead of storing them, one circuit per sample.

Measured per configuration: one ``fit`` step to trace and compile ("first step", in seconds),
then the best of 3 epochs over a fixed number of steps (fewer at large qubit counts so a
configuration stays near a minute), in milliseconds per step; and the peak resident memory of
the process. Each (simulator, qubits) pair runs in its own process, so peak memory is per
configuration. Next to it, the analytic size of one state vector per sample of the batch,
32 x 2^n x 16 bytes (complex128), shows where the memory goes. A configuration that fails,
exceeds ``--timeout`` seconds or exceeds ``--max-memory-mb`` of resident memory (it is killed,
so it cannot take the machine's memory from other work) gets a row of NaN with a note saying
why, and the run goes on.

Where lightning's memory goes: the layer jit-compiles the QNode, and under ``jax.jit``
PennyLane 0.44's JAX interface runs a non-broadcasting device through a callback and builds
the Jacobian-vector product in the compiled graph from scalar Jacobian entries, one per
(circuit of the batch, output, weight): 32 x n x 6n of them. The first step's compile time and
memory therefore grow with n much faster than the state vector does.

The numbers depend on the machine: they were committed from a 2-core CPU shared with other
work (the ``load_1min`` column is the 1-minute load average when each configuration ended), so
compare the two simulators with each other rather than with your own timings.

Usage::

    python benchmarks/simulator_scaling.py                 # 2 to 16 qubits, both simulators
    python benchmarks/simulator_scaling.py --qubits 4 8 --simulators lightning.qubit
    python benchmarks/simulator_scaling.py --write benchmarks/results/simulator_scaling.csv
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import math
import os
import resource
import subprocess
import sys
import time
from typing import Any

BATCH, N_LAYERS, EPOCHS = 32, 2, 3
DIFF_METHODS = {"default.qubit": "backprop", "lightning.qubit": "adjoint"}
COLUMNS = [
    "simulator",
    "diff_method",
    "qubits",
    "ms_per_step",
    "first_step_s",
    "peak_mb",
    "state_batch_mb",
    "steps_timed",
    "cores",
    "date",
    "note",
    "load_1min",
]


def steps_for(n_qubits: int) -> int:
    """Steps per timed epoch: fewer at large qubit counts, so a configuration stays near 60 s."""
    if n_qubits <= 10:
        return 20
    if n_qubits <= 14:
        return 5
    return 2


def state_batch_mb(n_qubits: int) -> float:
    """One complex128 state vector per sample of the batch, in MB."""
    return BATCH * 2**n_qubits * 16 / 2**20


def scaling_circuit(n_qubits: int, simulator: str) -> Any:
    """The forum circuit on ``simulator``, differentiated by the method in ``DIFF_METHODS``."""
    import pennylane as qml

    dev = qml.device(simulator, wires=n_qubits)

    @qml.qnode(dev, diff_method=DIFF_METHODS[simulator])
    def circuit(inputs, weights):
        qml.AngleEmbedding(inputs, wires=range(n_qubits))
        qml.StronglyEntanglingLayers(weights, wires=range(n_qubits))
        return [qml.expval(qml.PauliZ(w)) for w in range(n_qubits)]

    return circuit


def measure(simulator: str, n_qubits: int) -> dict[str, float]:
    """Runs in a worker process whose KERAS_BACKEND is already set to jax."""
    from helpers import build_forum_model, set_seed

    import numpy as np

    set_seed(0)
    steps = steps_for(n_qubits)
    rng = np.random.default_rng(0)
    x = rng.uniform(0, np.pi, size=(BATCH * steps, n_qubits)).astype("float32")
    y = (rng.random(BATCH * steps) > 0.5).astype("float32")
    qnode = scaling_circuit(n_qubits, simulator)
    model = build_forum_model(
        n_qubits, N_LAYERS, circuit=qnode, output_activation="sigmoid", optimizer="adam", metrics=()
    )

    start = time.perf_counter()
    model.fit(x[:BATCH], y[:BATCH], batch_size=BATCH, epochs=1, verbose=0)
    first_step_s = time.perf_counter() - start  # tracing and compiling
    print(json.dumps({"first_step_s": first_step_s}), flush=True)  # read back if timed out
    best = float("inf")
    for _ in range(EPOCHS):
        start = time.perf_counter()
        model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0)
        best = min(best, (time.perf_counter() - start) / steps * 1e3)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"ms_per_step": best, "first_step_s": first_step_s, "peak_mb": peak_mb}


def rss_mb(pid: int) -> float:
    """The current resident memory of process ``pid`` in MB (0 if it has gone)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run_worker(
    simulator: str, n_qubits: int, timeout: float, max_memory_mb: float
) -> dict[str, Any]:
    """Measures one configuration in a child process; failures become NaN with a note.

    The child is killed when it runs longer than ``timeout`` seconds or its resident memory
    exceeds ``max_memory_mb`` (checked twice a second), so that one configuration cannot take
    the machine's memory from other work.
    """
    env = {**os.environ, "KERAS_BACKEND": "jax", "TF_CPP_MIN_LOG_LEVEL": "3"}
    command = [sys.executable, __file__, "--worker", simulator, str(n_qubits)]
    nan = {"ms_per_step": math.nan, "first_step_s": math.nan, "peak_mb": math.nan}
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    start, stopped = time.perf_counter(), ""
    while True:
        try:
            stdout, stderr = process.communicate(timeout=0.5)
            break
        except subprocess.TimeoutExpired:
            if time.perf_counter() - start > timeout:
                stopped = f"timed out after {timeout:.0f} s"
            elif rss_mb(process.pid) > max_memory_mb:
                stopped = (
                    f"exceeded {max_memory_mb:.0f} MB after {time.perf_counter() - start:.0f} s"
                )
            if stopped:
                process.kill()
                stdout, stderr = process.communicate()
                break
    # The worker prints the first step's time as soon as it has it: say which stage stopped.
    records = [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
    if stopped:
        if not records:
            return {**nan, "note": f"{stopped} before the first step finished compiling"}
        first = records[-1]["first_step_s"]
        return {**nan, "first_step_s": first, "note": f"{stopped} in the timed epochs"}
    if process.returncode != 0:
        lines = stderr.strip().splitlines()
        errors = [line for line in lines if "Error" in line] or lines or [""]
        if process.returncode < 0:
            why = f"killed by signal {-process.returncode} (out of memory?)"
        else:
            why = f"failed (exit {process.returncode}): {errors[-1][:200]}"
        return {**nan, "note": why}
    return {**records[-1], "note": ""}


def fmt(value: float, spec: str) -> str:
    return "NaN" if math.isnan(value) else format(value, spec)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--qubits", type=int, nargs="+", default=[2, 4, 6, 8, 10, 12, 14, 16])
    parser.add_argument(
        "--simulators", nargs="+", choices=list(DIFF_METHODS), default=list(DIFF_METHODS)
    )
    parser.add_argument("--timeout", type=float, default=300, help="seconds per configuration")
    parser.add_argument(
        "--max-memory-mb",
        type=float,
        default=8000,
        help="kill a configuration whose resident memory exceeds this (MB)",
    )
    parser.add_argument("--write", metavar="PATH", help="also write the rows as CSV to PATH")
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker is not None:
        simulator, n_qubits = args.worker
        print(json.dumps(measure(simulator, int(n_qubits))))
        return
    if any(n < 1 for n in args.qubits):
        parser.error(f"--qubits must be positive, got {args.qubits}")

    cores = os.cpu_count()
    date = datetime.date.today().isoformat()
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    print(
        f"JAX backend, batch {BATCH}, {N_LAYERS} StronglyEntanglingLayers, best of {EPOCHS} "
        f"epochs, {cores} CPU cores, load average at start {load}\n"
    )
    print(
        "| simulator | diff_method | qubits | ms/step | first step (s) | peak memory (MB) "
        "| state batch (MB) | steps timed | load (1 min) | note |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---|")
    rows = []
    start = time.perf_counter()
    for simulator in args.simulators:
        for n in args.qubits:
            r = run_worker(simulator, n, args.timeout, args.max_memory_mb)
            row = {
                "simulator": simulator,
                "diff_method": DIFF_METHODS[simulator],
                "qubits": n,
                "ms_per_step": r["ms_per_step"],
                "first_step_s": r["first_step_s"],
                "peak_mb": r["peak_mb"],
                "state_batch_mb": state_batch_mb(n),
                "steps_timed": steps_for(n),
                "cores": cores,
                "date": date,
                "note": r["note"],
                "load_1min": f"{os.getloadavg()[0]:.2f}",
            }
            rows.append(row)
            print(
                f"| {simulator} | {row['diff_method']} | {n} | {fmt(row['ms_per_step'], '.1f')} "
                f"| {fmt(row['first_step_s'], '.1f')} | {fmt(row['peak_mb'], '.0f')} "
                f"| {row['state_batch_mb']:.3g} | {row['steps_timed']} | {row['load_1min']} "
                f"| {row['note']} |",
                flush=True,
            )
    print(f"\ntotal {time.perf_counter() - start:.0f} s")
    if args.write:
        os.makedirs(os.path.dirname(os.path.abspath(args.write)), exist_ok=True)
        with open(args.write, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=COLUMNS)
            writer.writeheader()
            for row in rows:
                writer.writerow(
                    {
                        **row,
                        **{
                            k: f"{row[k]:.4g}"
                            for k in ("ms_per_step", "first_step_s", "peak_mb", "state_batch_mb")
                        },
                    }
                )
        print(f"wrote {args.write}")


if __name__ == "__main__":
    main()
