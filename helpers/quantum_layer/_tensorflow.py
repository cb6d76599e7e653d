"""The quantum layer's TensorFlow backend (PennyLane's TensorFlow interface).

PennyLane deprecated its TensorFlow interface (PR #7989) and stopped maintaining it from 0.44;
it still works in the pinned 0.44.1. Everything that depends on it is in this file, so retiring
it one day means deleting this module.

Keras traces ``model.fit`` with an unknown batch size, which PennyLane cannot broadcast over, so
the batch is padded to a multiple of the layer's ``chunk_size`` and mapped over fixed-size
chunks. An exact circuit (``default.qubit``, backpropagation, no shots) is plain TensorFlow
maths: each chunk's forward pass and vector-Jacobian product are compiled with XLA. Other
gradient methods (parameter-shift, finite shots) run one sample per PennyLane call.
"""

from __future__ import annotations

import logging
from typing import Any

from helpers._quiet import tf_interface_warning
from helpers.quantum_layer._spec import CircuitCall
from helpers.quantum_layer._validate import (
    GRAPH_MODE_MESSAGE,
    NONFINITE_MESSAGE,
    raise_if_not_finite,
)

import pennylane as qml
import tensorflow as tf

INTERFACE = "tf"
#: Devices that run inside Keras' compiled fit/predict through the TF interface (measured:
#: lightning.qubit fails in graph mode); default.qubit is also the one XLA can compile.
DEVICES = ("default.qubit",)


class _BenignCastFilter(logging.Filter):
    """Hides TensorFlow's log line for PennyLane's intended complex-to-real cast."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "casting an input of type complex" not in record.getMessage()


tf.get_logger().addFilter(_BenignCastFilter())


def check_device(qnode: qml.QNode) -> None:
    """Refuses devices PennyLane's TF interface cannot run inside a compiled Keras step."""
    if qnode.device.name not in DEVICES:
        raise ValueError(
            f"the QNode '{qnode.func.__name__}' runs on '{qnode.device.name}', which "
            "PennyLane's TensorFlow interface (deprecated, unmaintained since 0.44) cannot run "
            "inside Keras' compiled fit/predict; use qml.device('default.qubit', ...) on the "
            "TensorFlow backend, or set KERAS_BACKEND=jax, where it works."
        )


def flatten(results: Any, batch: Any) -> Any:
    """Flattens a QNode's (broadcast) results to one tensor of shape ``(batch, values)``."""
    parts = results if isinstance(results, list | tuple) else [results]
    flat = [tf.reshape(r, (batch, -1)) for r in parts]
    if len(flat) > 1 and any(p.dtype.is_complex for p in flat):
        flat = [tf.cast(p, tf.complex128) for p in flat]
    return flat[0] if len(flat) == 1 else tf.concat(flat, axis=1)


def chunk_size(call: CircuitCall, layer_chunk: int) -> int:
    """Samples per PennyLane call: a whole chunk when the circuit broadcasts, else one."""
    return layer_chunk if call.exact else 1


def make_function(call: CircuitCall, chunk: int) -> Any:
    """Builds ``evaluate(chunk, *weights)`` with a compiled forward pass and a compiled
    vector-Jacobian product (compiling the two together measured 3x faster than letting
    TensorFlow differentiate a compiled forward pass)."""
    qnode, input_arg, names = call.qnode, call.input_arg, call.weight_names
    n_features, size, jit = call.n_features, call.size, call.exact

    def forward(x_chunk: Any, *values: Any) -> Any:
        x_chunk = tf.ensure_shape(x_chunk, (chunk, n_features))
        data = x_chunk if chunk > 1 else x_chunk[0]
        with tf_interface_warning():  # PennyLane's deprecation warning: once, no machine path
            results = qnode(**{input_arg: data}, **dict(zip(names, values, strict=True)))
        return tf.reshape(flatten(results, chunk), (chunk, size))

    def vjp(x_chunk: Any, dy: Any, *values: Any) -> list[Any]:
        with tf.GradientTape() as tape:
            tape.watch([x_chunk, *values])
            y = forward(x_chunk, *values)
        grads = tape.gradient(y, [x_chunk, *values], output_gradients=dy)
        pairs = zip(grads, [x_chunk, *values], strict=True)
        return [tf.zeros_like(v) if g is None else tf.math.real(g) for g, v in pairs]

    forward_c = tf.function(forward, autograph=False, jit_compile=jit, reduce_retracing=True)
    vjp_c = tf.function(vjp, autograph=False, jit_compile=jit, reduce_retracing=True)

    @tf.custom_gradient
    def evaluate(x_chunk: Any, *values: Any) -> Any:
        return forward_c(x_chunk, *values), lambda dy: vjp_c(x_chunk, dy, *values)

    return evaluate


def evaluate(function: Any, call: CircuitCall, chunk: int, x: Any, weights: list[Any]) -> Any:
    """Pads ``x`` (shape ``(batch, n_features)``) to whole chunks, maps ``function`` over them."""
    if tf.executing_eagerly():
        raise_if_not_finite(tf.reduce_all(tf.math.is_finite(x)))
    x = tf.debugging.assert_all_finite(x, NONFINITE_MESSAGE)
    batch = tf.shape(x)[0]
    n_chunks = (batch + chunk - 1) // chunk
    padded = tf.pad(x, [[0, n_chunks * chunk - batch], [0, 0]])
    chunks = tf.reshape(padded, (n_chunks, chunk, call.n_features))
    try:
        y = tf.map_fn(
            lambda c: function(c, *weights),
            chunks,
            fn_output_signature=tf.TensorSpec((chunk, call.size), tf.as_dtype(call.dtype)),
        )
    except tf.errors.OperatorNotAllowedInGraphError as exc:
        if not tf.executing_eagerly():
            raise ValueError(GRAPH_MODE_MESSAGE.format(name=call.qnode.func.__name__)) from exc
        # Eager call: run the QNode as Python code, as the old (eager-only) layer did.
        with tf_interface_warning():
            results = call.qnode(
                **{call.input_arg: x}, **dict(zip(call.weight_names, weights, strict=True))
            )
        return tf.reshape(flatten(results, batch), (-1, call.size))
    return tf.reshape(y, (-1, call.size))[:batch]
