"""Milliseconds per training step of the forum's model with helpers.KerasLayer, on both backends.

The model is the forum's baseline, compiled as the forum wrote it (plain ``model.compile``):
``Sequential([KerasLayer(AngleEmbedding + 2 StronglyEntanglingLayers), Dense(1)])``, SGD 0.05,
binary cross-entropy, batch 32. Next to it, in the same run, the same training step computed
eagerly one sample at a time (what a naive layer does), and the process's peak memory.

Each (backend, qubits) pair runs in its own process, so peak memory is per configuration.

With ``--shots S`` the circuit samples S shots per expectation value and trains with
parameter-shift gradients (what a quantum processor would need); the eager column is then
skipped.

Usage::

    python benchmarks/step_time.py                 # 2, 4, 8, 10, 12 qubits, both backends
    python benchmarks/step_time.py --qubits 4 8 --backends jax
    python benchmarks/step_time.py --qubits 2 4 --shots 1000
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from typing import Any

BATCH, N_LAYERS, STEPS = 32, 2, 40


def shot_circuit(n_qubits: int, shots: int) -> Any:
    """The forum circuit sampled with ``shots`` shots, differentiated by parameter-shift."""
    import pennylane as qml

    dev = qml.device("default.qubit", wires=n_qubits, seed=0)

    @qml.qnode(dev, shots=shots, diff_method="parameter-shift")
    def circuit(inputs, weights):
        qml.AngleEmbedding(inputs, wires=range(n_qubits))
        qml.StronglyEntanglingLayers(weights, wires=range(n_qubits))
        return [qml.expval(qml.PauliZ(w)) for w in range(n_qubits)]

    return circuit


def measure(n_qubits: int, shots: int | None = None) -> dict[str, float]:
    """Runs in a worker process whose KERAS_BACKEND is already set."""
    from helpers import BACKEND, build_forum_model, forum_circuit, set_seed

    import numpy as np

    set_seed(0)
    rng = np.random.default_rng(0)
    x = rng.uniform(0, np.pi, size=(BATCH * STEPS, n_qubits)).astype("float32")
    y = (rng.random(BATCH * STEPS) > 0.5).astype("float32")
    circuit = shot_circuit(n_qubits, shots) if shots else forum_circuit(n_qubits)
    model = build_forum_model(n_qubits, N_LAYERS, circuit=circuit, metrics=())  # SGD 0.05, BCE

    start = time.perf_counter()
    model.fit(x[:BATCH], y[:BATCH], batch_size=BATCH, epochs=1, verbose=0)
    first_step_s = time.perf_counter() - start  # tracing and compiling
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0)
        best = min(best, (time.perf_counter() - start) / STEPS * 1e3)
    if shots:
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return {
            "step_ms": best,
            "first_step_s": first_step_s,
            "eager_ms": float("nan"),
            "peak_mb": peak_mb,
        }

    qlayer = model.get_layer("quantum")
    weights = qlayer.qnode_weights["weights"].numpy().astype("float64")
    batch = x[:BATCH].astype("float64")
    if BACKEND == "jax":
        import jax

        qnode = circuit.update(interface="jax")

        def sample_loss(w, sample):
            return jax.numpy.sum(jax.numpy.stack(qnode(inputs=sample, weights=w)))

        grad = jax.grad(sample_loss)

        def eager_step() -> None:
            for sample in batch:
                grad(weights, sample).block_until_ready()
    else:
        import tensorflow as tf

        qnode = circuit.update(interface="tf")
        w = tf.Variable(weights)

        def eager_step() -> None:
            for sample in batch:
                with tf.GradientTape() as tape:
                    loss = tf.reduce_sum(tf.stack(qnode(inputs=tf.constant(sample), weights=w)))
                tape.gradient(loss, w)

    eager_step()
    repeats = 3 if n_qubits <= 8 else 1
    start = time.perf_counter()
    for _ in range(repeats):
        eager_step()
    eager_ms = (time.perf_counter() - start) / repeats * 1e3
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"step_ms": best, "first_step_s": first_step_s, "eager_ms": eager_ms, "peak_mb": peak_mb}


def run_worker(backend: str, n_qubits: int, shots: int | None = None) -> dict[str, float]:
    from helpers.reproducibility import run_python  # here: the parent needs no Keras before

    args = [__file__, "--worker", str(n_qubits), *(["--shots", str(shots)] if shots else [])]
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    out = run_python(args=args, backend=backend, env=env, timeout=3600)
    if out.returncode != 0:
        raise RuntimeError(f"{backend} at {n_qubits} qubits failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--qubits", type=int, nargs="+", default=[2, 4, 8, 10, 12])
    parser.add_argument("--backends", nargs="+", default=["tensorflow", "jax"])
    parser.add_argument("--shots", type=int, default=None, help="sample S shots, parameter-shift")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.shots is not None and args.shots < 1:
        parser.error(f"--shots must be a positive number of shots, got {args.shots}")
    if args.worker is not None:
        print(json.dumps(measure(args.worker, args.shots)))
        return
    mode = f"{args.shots} shots, parameter-shift" if args.shots else "exact, backpropagation"
    print(
        f"batch {BATCH}, {N_LAYERS} StronglyEntanglingLayers, {mode}, {os.cpu_count()} CPU cores\n"
    )
    print(
        "| backend | qubits | ms/step (model.fit) | first step (s) | eager per-sample ms/step "
        "| speed-up | peak memory (MB) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for backend in args.backends:
        for n in args.qubits:
            r = run_worker(backend, n, args.shots)
            eager = (
                "— | —"
                if args.shots
                else (f"{r['eager_ms']:.0f} | {r['eager_ms'] / r['step_ms']:.0f}x")
            )
            print(
                f"| {backend} | {n} | {r['step_ms']:.1f} | {r['first_step_s']:.1f} "
                f"| {eager} | {r['peak_mb']:.0f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
