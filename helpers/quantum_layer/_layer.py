"""The backend-independent quantum layer: signature and shape checks, weights, config, cache.

The backend module (``_tensorflow.py`` or ``_jax.py``) is chosen once, at import, from Keras'
backend, as Keras 3 itself does; this file holds no TensorFlow or JAX names.
"""

from __future__ import annotations

import importlib
import weakref
from collections.abc import Iterable, Mapping
from typing import Any

from helpers.quantum_layer import _saving, _validate
from helpers.quantum_layer._spec import CircuitCall

import keras
import numpy as np
import pennylane as qml

BACKEND = keras.backend.backend()
if BACKEND not in ("tensorflow", "jax"):  # pragma: no cover - depends on the environment
    raise ImportError(
        f"helpers.KerasLayer supports the Keras backends 'tensorflow' and 'jax', but "
        f"KERAS_BACKEND is {BACKEND!r}; set KERAS_BACKEND=tensorflow or KERAS_BACKEND=jax."
    )
_backend = importlib.import_module(f"helpers.quantum_layer._{BACKEND}")

#: (id(qnode), CircuitCall.key(), chunk) -> (weak reference to the QNode, compiled function).
#: An entry goes when its QNode is garbage-collected, so a long sweep that builds circuits does
#: not keep every compiled function alive.
_COMPILED: dict[tuple[Any, ...], tuple[weakref.ref[qml.QNode], Any]] = {}
_EXACT_DIFF_METHODS = ("best", "backprop")


def _has_shots(qnode: qml.QNode) -> bool:
    """True when the QNode (or its device) samples a finite number of shots."""
    shots = getattr(qnode, "shots", None) or getattr(qnode.device, "shots", None)
    return bool(getattr(shots, "total_shots", None))


@keras.saving.register_keras_serializable(package="helpers")
class KerasLayer(keras.layers.Layer):
    """Converts a PennyLane QNode into a Keras 3 layer (drop-in for ``qml.qnn.KerasLayer``).
    Introduced in notebook 01.

    Args:
        qnode: the QNode. Its signature must contain an argument named ``inputs`` (any
            position; see :meth:`set_input_argument`) for the data; every other argument is a
            trainable weight.
        weight_shapes: maps each non-input argument to its shape: a tuple, or an int ``n``
            (a vector of length ``n``; ``1`` and ``0`` mean a scalar).
        output_dim: the number of values the QNode returns per sample (int), or their shape
            (tuple or list). ``None`` takes whatever the QNode returns.
        weight_specs: optional ``{argument: {add_weight keyword: value}}``, e.g.
            ``{"weights": {"initializer": "zeros"}}``; keys such as ``initializer``,
            ``regularizer``, ``constraint`` and ``trainable`` go to ``Layer.add_weight``.
            Without it, weights get Keras' default initializer (Glorot uniform), as before.
        **kwargs: passed to ``keras.layers.Layer`` (``name``, ``dtype``, ``trainable``...).

    What differs from the old layer, on purpose:

    * **Interfaces.** The QNode runs through the interface of Keras' backend (``"tf"`` or
      ``"jax"``), whatever interface it was declared with; the old layer refused any interface
      but TensorFlow's. ``layer.qnode`` stays the QNode you passed, unchanged.
    * **Dtypes.** The QNode runs in float64; real outputs are cast to the layer's compute dtype
      (float32 in a float32 model), complex outputs (a state, a density matrix) to the complex
      dtype of the same precision (complex64), never to a real one.
    * **Checks.** The feature count, the weight shapes and ``output_dim`` are checked against
      the circuit on a dry run when the layer first sees its inputs, with errors that name the
      fix (the old layer failed deep inside TensorFlow or returned another shape).

    Finite shots: give the QNode shots and a hardware-compatible gradient, e.g.
    ``@qml.qnode(dev, shots=1000, diff_method="parameter-shift")``; both backends train it (on
    TensorFlow one sample per PennyLane call, so it is slower). A seeded device,
    ``qml.device("default.qubit", wires=n, seed=7)``, repeats the same draws.

    Example:
        >>> import pennylane as qml
        >>> from helpers import KerasLayer
        >>> dev = qml.device("default.qubit", wires=2)
        >>> @qml.qnode(dev)
        ... def circuit(inputs, weights):
        ...     qml.AngleEmbedding(inputs, wires=range(2))
        ...     qml.StronglyEntanglingLayers(weights, wires=range(2))
        ...     return [qml.expval(qml.PauliZ(w)) for w in range(2)]
        >>> qlayer = KerasLayer(circuit, {"weights": (1, 2, 3)}, output_dim=2)
        >>> tuple(qlayer(np.zeros((5, 2))).shape)
        (5, 2)
    """

    #: Samples per PennyLane call on the TensorFlow backend (the batch is padded to a multiple).
    chunk_size: int = 32
    _input_arg: str = "inputs"

    def __init__(
        self,
        qnode: qml.QNode,
        weight_shapes: Mapping[str, int | Iterable[int]],
        output_dim: int | Iterable[int] | None,
        weight_specs: Mapping[str, Mapping[str, Any]] | None = None,
        **kwargs: Any,
    ) -> None:
        self.weight_shapes = _validate.check_layer_arguments(qnode, weight_shapes, self.input_arg)
        weight_specs = dict(weight_specs or {})
        unknown = set(weight_specs) - set(self.weight_shapes)
        if unknown:
            raise ValueError(
                f"weight_specs names {sorted(unknown)}, which are not in weight_shapes "
                f"{sorted(self.weight_shapes)}; use the QNode's weight argument names as keys."
            )
        _backend.check_device(qnode)
        super().__init__(**kwargs)
        self.qnode = qnode
        self.output_dim = _validate.normalise_output_dim(output_dim)
        self.weight_specs = weight_specs
        self._qnode = qnode.update(interface=_backend.INTERFACE)
        self._input_name = self.input_arg  # fixed for this layer at construction
        self._calls: dict[int, CircuitCall] = {}
        self._records: dict[int, dict[str, Any]] = {}
        #: How many times ``call`` has run in Python: once per eager forward pass (inside a
        #: compiled function, once per trace); :func:`helpers.quantum_calls_per_sample` reads it.
        self.call_count = 0
        _saving.remember(qnode)
        # Weights are created now, as in the old layer: their shapes do not depend on the input.
        self.qnode_weights = {
            name: self.add_weight(name=name, shape=shape, **self.weight_specs.get(name, {}))
            for name, shape in self.weight_shapes.items()
        }

    # ------------------------------------------------------------------ the input argument
    @property
    def input_arg(self) -> str:
        """Name of the QNode argument that receives the data (``"inputs"`` by default)."""
        return getattr(self, "_input_name", None) or type(self)._input_arg

    @staticmethod
    def set_input_argument(input_name: str = "inputs") -> None:
        """Sets the name of the QNode argument that receives the data, for layers built after.
        Not used by a notebook; for your own experiments.

        As in ``qml.qnn.KerasLayer``; reset it with ``KerasLayer.set_input_argument()``.

        Example:
            >>> KerasLayer.set_input_argument("x")
            >>> KerasLayer.set_input_argument()  # back to "inputs"
        """
        if not isinstance(input_name, str) or not input_name.isidentifier():
            raise ValueError(
                f"set_input_argument needs the name of a QNode argument, got {input_name!r}; "
                "e.g. KerasLayer.set_input_argument('x') for def circuit(x, weights)"
            )
        KerasLayer._input_arg = input_name

    # ------------------------------------------------------------------ the circuit
    def _circuit_call(self, n_features: int) -> CircuitCall:
        """Runs the QNode once on a zero sample (NumPy, no gradients) to check the feature
        count, the weight shapes and the measurements, and to find the per-sample output."""
        if n_features in self._calls:
            return self._calls[n_features]
        name = self.qnode.func.__name__
        dry = self.qnode.update(interface="numpy")
        arguments = _saving.zero_arguments(self.weight_shapes, self.input_arg, n_features)
        try:
            tape = qml.workflow.construct_tape(dry, level="top")(**arguments)
        except Exception:  # the dry run below reports what is wrong, with its fix
            tape = None
        if tape is not None:
            _validate.check_measurements(tape, name)
        try:
            result = dry(**arguments)
        except Exception as exc:  # the circuit rejected this input: say why, and the fix
            raise self._dry_run_error(n_features, exc) from exc
        shape, is_complex = _validate.output_shape(result, self.output_dim, name)
        self._calls[n_features] = CircuitCall(
            qnode=self._qnode,
            input_arg=self.input_arg,
            weight_names=tuple(self.weight_shapes),
            weight_shapes=tuple(self.weight_shapes.values()),
            n_features=n_features,
            output_shape=shape,
            dtype="complex128" if is_complex else "float64",
            exact=(
                self.qnode.device.name == "default.qubit"
                and self.qnode.diff_method in _EXACT_DIFF_METHODS
                and not _has_shots(self.qnode)
            ),
        )
        return self._calls[n_features]

    def _dry_run_error(self, n_features: int, exc: Exception) -> ValueError:
        """The course's error for a dry run the circuit rejected: weights or features."""
        name = self.qnode.func.__name__
        reason = str(exc).rstrip(".")
        if "weight" in reason.lower():
            return ValueError(
                f"the QNode '{name}' rejected the weight shapes {self.weight_shapes}: {reason}. "
                "Give each weight argument the shape its template expects, e.g. "
                "qml.StronglyEntanglingLayers.shape(n_layers, n_wires) = (n_layers, n_wires, 3)."
            )
        wires = len(self.qnode.device.wires) if self.qnode.device.wires is not None else "?"
        return ValueError(
            f"the QNode '{name}' cannot take inputs with {n_features} features (its device has "
            f"{wires} wires): {reason}. Give the layer as many features as the circuit encodes "
            "(reduce them with PCA or a Dense layer before the quantum layer, or pad them), or "
            "build the circuit with more qubits."
        )

    @property
    def _n_features(self) -> int | None:
        """The feature count the layer was last built or called with (None before)."""
        return next(reversed(self._calls), None)

    def _resolve_output_shape(self, n_features: int) -> tuple[int, ...]:
        return self._circuit_call(n_features).output_shape

    def circuit_fingerprint(self, n_features: int | None = None) -> list[str]:
        """The gates (with their wires) and measurements the QNode runs, one string each.
        Not used by a notebook; for your own experiments.

        Computed on a dry run at zero inputs and weights, after PennyLane's decomposition to
        the device's gates, so two QNodes with the same name but other gates, wires or
        measurements differ. A saved model stores it; loading refuses a QNode that differs.

        Example:
            >>> KerasLayer(forum_circuit(2), {"weights": (1, 2, 3)}, 2).circuit_fingerprint(2)[:2]
            ['RX(0)', 'RX(1)']
        """
        n_features = self._n_features if n_features is None else n_features
        if n_features is None:
            raise ValueError(
                "the layer has not seen its inputs yet, so its circuit is unknown; call it on "
                "data (or build the model) first, or pass n_features"
            )
        return list(self._circuit_record(n_features)["fingerprint"])

    def _circuit_record(self, n_features: int) -> dict[str, Any]:
        """The circuit record a saved model stores (:func:`_saving.circuit_record`), computed
        once per feature count."""
        if n_features not in self._records:
            self._records[n_features] = _saving.circuit_record(
                self.qnode, self.weight_shapes, self.input_arg, n_features
            )
        return self._records[n_features]

    # ------------------------------------------------------------------ Keras API
    def build(self, input_shape: Any) -> None:
        """Checks the input's feature count against the circuit (weights exist already)."""
        if input_shape is not None:
            n_features = tuple(input_shape)[-1] if len(tuple(input_shape)) else None
            if n_features is None:
                raise ValueError(
                    "KerasLayer needs a known number of input features (the last axis); "
                    "give the model an input shape, e.g. keras.Input(shape=(n_qubits,))."
                )
            self._circuit_call(int(n_features))
        self.built = True

    def compute_output_shape(self, input_shape: Any) -> tuple[int | None, ...]:
        """``input_shape[:-1] + output shape``, e.g. ``(None, 4) -> (None, 4)``."""
        shape = tuple(input_shape)
        return shape[:-1] + self._resolve_output_shape(int(shape[-1]))

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Checks that the inputs are numbers before Keras converts them (JAX fails there).

        Inside a PennyLane recording (``qml.draw(layer)(x)``, ``qml.draw_mpl(layer)(x)``) it
        queues the circuit's gates with the layer's current weights instead of running it.
        """
        if qml.QueuingManager.recording():
            return self._queue_circuit(*args, **kwargs)
        if args:
            _validate.check_numeric(args[0])
        return super().__call__(*args, **kwargs)

    def _queue_circuit(self, inputs: Any) -> Any:
        """Runs the QNode's function, so its gates go to PennyLane's active recording."""
        weights = {k: keras.ops.convert_to_numpy(v) for k, v in self.qnode_weights.items()}
        return self.qnode.func(**{self.input_arg: np.asarray(inputs)}, **weights)

    def call(self, inputs: Any) -> Any:
        """Evaluates the QNode on every sample of ``inputs`` (shape ``(..., n_features)``)."""
        self.call_count += 1
        x = keras.ops.convert_to_tensor(inputs)
        if x.shape[-1] is None:
            raise ValueError("KerasLayer needs a known number of input features (last axis).")
        if len(x.shape) >= 2 and any(d == 0 for d in x.shape[:-1]):
            raise ValueError(
                f"KerasLayer received 0 samples (input shape {tuple(x.shape)}); pass at least "
                "one sample. An empty array usually means a filter or a split removed every row."
            )
        call = self._circuit_call(int(x.shape[-1]))
        leading = keras.ops.shape(x)[:-1]
        x = keras.ops.cast(keras.ops.reshape(x, (-1, call.n_features)), "float64")
        weights = [
            keras.ops.cast(keras.ops.convert_to_tensor(self.qnode_weights[k]), "float64")
            for k in call.weight_names
        ]
        chunk = _backend.chunk_size(call, self.chunk_size)
        function = self._compiled(call, chunk)
        y = _backend.evaluate(function, call, chunk, x, weights)
        y = keras.ops.reshape(y, tuple(leading) + call.output_shape)
        return keras.ops.cast(y, self._output_dtype(call))

    def _output_dtype(self, call: CircuitCall) -> str:
        """The compute dtype, or its complex counterpart for complex outputs."""
        if call.dtype != "complex128":
            return self.compute_dtype
        return "complex128" if self.compute_dtype == "float64" else "complex64"

    def _compiled(self, call: CircuitCall, chunk: int) -> Any:
        """The compiled evaluation function for this QNode, built once per process.

        Layers built on the same QNode object (e.g. one model per seed from the same
        ``forum_circuit(n)``) share one traced and compiled function: PennyLane's tracing and
        XLA's compilation then happen once, not once per model. The functions take the weights
        as arguments, so sharing them shares no state.
        """
        key = (id(self.qnode), call.key(), chunk)
        hit = _COMPILED.get(key)
        if hit is None or hit[0]() is not self.qnode:
            hit = _COMPILED[key] = (weakref.ref(self.qnode), _backend.make_function(call, chunk))
            weakref.finalize(self.qnode, _COMPILED.pop, key, None)
        return hit[1]

    # ------------------------------------------------------------------ saving and display
    def get_config(self) -> dict[str, Any]:
        """Layer config. The QNode is Python code, so only its function's name is stored."""
        config = super().get_config()
        config.update(
            {
                "qnode": self.qnode.func.__name__,
                "output_dim": self.output_dim,
                "weight_shapes": {k: list(v) for k, v in self.weight_shapes.items()},
                "weight_specs": {
                    k: {s: _saving.serialize_spec(s, v) for s, v in spec.items()}
                    for k, spec in self.weight_specs.items()
                },
            }
        )
        if self._n_features is not None:
            config["circuit"] = dict(self._circuit_record(self._n_features))
        if self.input_arg != "inputs":
            config["input_arg"] = self.input_arg
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> KerasLayer:
        """Rebuilds the layer from its config and the QNode.

        The QNode comes from ``custom_objects`` or, in the process that built the model, from
        the QNodes given to a KerasLayer here (same function name and same circuit). A QNode
        whose gates differ from the saved fingerprint is refused.

        Example:
            ``keras.models.load_model("model.keras", custom_objects={"circuit": circuit})``
        """
        config = dict(config)
        name = config.pop("qnode")
        saved_circuit = config.pop("circuit", None)
        input_arg = config.pop("input_arg", "inputs")
        config["weight_shapes"] = {k: tuple(v) for k, v in config["weight_shapes"].items()}
        config["weight_specs"] = {
            k: {s: _saving.deserialize_spec(s, v) for s, v in spec.items()}
            for k, spec in config.get("weight_specs", {}).items()
        }
        qnode = keras.saving.get_registered_object(name)
        if not isinstance(qnode, qml.QNode):
            n_features = int(saved_circuit["n_features"]) if saved_circuit else 0
            shapes = config["weight_shapes"]

            def describe(candidate: qml.QNode) -> dict[str, Any]:
                return _saving.circuit_record(candidate, shapes, input_arg, n_features)

            qnode = _saving.find_qnode(name, saved_circuit, describe)
        previous, KerasLayer._input_arg = KerasLayer._input_arg, input_arg
        try:
            layer = cls(qnode, **config)
        finally:
            KerasLayer._input_arg = previous
        if saved_circuit is not None:  # files saved before fingerprints load unchecked
            try:
                found = layer._circuit_record(int(saved_circuit["n_features"]))
            except Exception as exc:
                failure = f"(the QNode fails on {saved_circuit['n_features']} features: {exc})"
                found = {"fingerprint": [failure], "probe": None}
            _saving.check_same_circuit(name, saved_circuit, found)
        return layer

    def __repr__(self) -> str:
        return (
            f"<Quantum Keras Layer: func={self.qnode.func.__name__}, "
            f"weights={self.weight_shapes}, "
            f"output_dim={self.output_dim}, backend={BACKEND}>"
        )

    __str__ = __repr__
