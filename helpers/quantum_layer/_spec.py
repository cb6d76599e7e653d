"""What a backend needs to evaluate one quantum layer's circuit: a small, hashable record.

The backend-independent layer (``_layer.py``) fills it in; a backend module (``_tensorflow.py``
or ``_jax.py``) turns it into a compiled function once and evaluates batches with it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pennylane as qml


@dataclass(frozen=True, eq=False)
class CircuitCall:
    """One circuit, seen from a backend.

    Attributes:
        qnode: the QNode, already switched to the backend's interface.
        input_arg: name of the QNode argument that receives the data.
        weight_names: the other arguments, in the order the weights are passed.
        weight_shapes: their shapes, in the same order.
        n_features: values per sample on the last input axis.
        output_shape: the per-sample output shape (``output_dim``, or what the QNode returns);
            :attr:`size` values per sample, all measurements flattened together.
        dtype: ``"float64"``, or ``"complex128"`` when a measurement is complex (a state or a
            density matrix).
        exact: True when the circuit is plain array maths (``default.qubit``, backpropagation,
            no shots): the TensorFlow backend then broadcasts over chunks and compiles with XLA.
    """

    qnode: qml.QNode
    input_arg: str
    weight_names: tuple[str, ...]
    weight_shapes: tuple[tuple[int, ...], ...]
    n_features: int
    output_shape: tuple[int, ...]
    dtype: str
    exact: bool

    @property
    def size(self) -> int:
        """Values the QNode returns per sample."""
        return math.prod(self.output_shape)

    def key(self) -> tuple[object, ...]:
        """Everything but the QNode: with the QNode's identity, the compiled-function cache key."""
        return (
            self.input_arg,
            self.weight_names,
            self.weight_shapes,
            self.n_features,
            self.output_shape,
            self.dtype,
            self.exact,
        )
