"""The quantum layer's JAX backend (PennyLane's JAX interface, its main one).

Shapes are static under ``jax.jit``, so PennyLane broadcasts over the whole batch: one compiled
function per circuit, for exact simulation and for finite shots with parameter-shift alike.
Importing this module enables JAX's float64 mode, which PennyLane's JAX interface needs for
double precision.
"""

from __future__ import annotations

from typing import Any

from helpers.quantum_layer._spec import CircuitCall
from helpers.quantum_layer._validate import raise_if_not_finite

import jax
import jax.numpy as jnp
import pennylane as qml

INTERFACE = "jax"

jax.config.update("jax_enable_x64", True)


def check_device(qnode: qml.QNode) -> None:
    """Every PennyLane device runs through the JAX interface: nothing to refuse."""


def flatten(results: Any, batch: int) -> Any:
    """Flattens a QNode's (broadcast) results to one array of shape ``(batch, values)``."""
    parts = results if isinstance(results, list | tuple) else [results]
    flat = [jnp.reshape(r, (batch, -1)) for r in parts]
    return flat[0] if len(flat) == 1 else jnp.concatenate(flat, axis=1)


def chunk_size(call: CircuitCall, layer_chunk: int) -> int:
    """JAX evaluates the whole batch at once; there are no chunks."""
    return 0


def make_function(call: CircuitCall, chunk: int) -> Any:
    """Builds a jitted ``evaluate(x_batch, *weights)``."""
    qnode, input_arg, names = call.qnode, call.input_arg, call.weight_names

    def evaluate_batch(x_batch: Any, *values: Any) -> Any:
        results = qnode(**{input_arg: x_batch}, **dict(zip(names, values, strict=True)))
        return flatten(results, x_batch.shape[0])

    return jax.jit(evaluate_batch)


def evaluate(function: Any, call: CircuitCall, chunk: int, x: Any, weights: list[Any]) -> Any:
    """Evaluates the batch ``x`` (shape ``(batch, n_features)``) in one call."""
    finite = jnp.all(jnp.isfinite(x))
    if isinstance(finite, jax.core.Tracer):  # inside jit: raise from the host at run time
        jax.debug.callback(raise_if_not_finite, finite)
    else:
        raise_if_not_finite(finite)
    if x.shape[0] == 1 and not call.exact:
        # PennyLane's host callback (parameter-shift, shots, other devices) returns a batch of
        # one without its batch axis under jit (measured in 0.44.1); evaluate two copies.
        return function(jnp.concatenate([x, x]), *weights)[:1]
    return function(x, *weights)
