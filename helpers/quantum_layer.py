"""A Keras 3 quantum layer: the course's replacement for ``qml.qnn.KerasLayer``.

PennyLane removed ``qml.qnn.KerasLayer`` in version 0.42, and it never supported Keras 3.
:class:`KerasLayer` keeps its name and signature,
``KerasLayer(qnode, weight_shapes, output_dim, weight_specs=None, **kwargs)``, so code written
for the old layer runs with one changed import::

    from helpers import KerasLayer          # was: qml.qnn.KerasLayer

The same layer runs on both Keras backends:

* ``KERAS_BACKEND=tensorflow`` (the default): the QNode runs through PennyLane's TensorFlow
  interface. Keras traces ``model.fit`` with an unknown batch size, which PennyLane cannot
  broadcast over, so the layer pads the batch to a multiple of :attr:`KerasLayer.chunk_size`,
  maps over fixed-size chunks and compiles each chunk's evaluation with XLA.
* ``KERAS_BACKEND=jax``: the QNode runs through PennyLane's JAX interface, which broadcasts
  directly because shapes are static under ``jax.jit``. This is PennyLane's main interface and
  the fastest path; importing this module on the JAX backend enables JAX's float64 mode.

Introduced in the course foundation; used from notebook 00 on.
"""

from __future__ import annotations

import inspect
import logging
import math
from collections.abc import Iterable, Mapping
from typing import Any

import keras
import numpy as np
import pennylane as qml

from helpers._checks import is_int

BACKEND = keras.backend.backend()

if BACKEND == "tensorflow":
    import tensorflow as tf

    class _BenignCastFilter(logging.Filter):
        """Hides TensorFlow's log line for PennyLane's intended complex-to-real cast."""

        def filter(self, record: logging.LogRecord) -> bool:
            return "casting an input of type complex" not in record.getMessage()

    tf.get_logger().addFilter(_BenignCastFilter())
elif BACKEND == "jax":
    import jax
    import jax.numpy as jnp

    # PennyLane's JAX interface computes in the precision JAX allows; float64 needs this flag.
    jax.config.update("jax_enable_x64", True)
else:  # pragma: no cover - depends on the environment
    raise ImportError(
        f"helpers.KerasLayer supports the Keras backends 'tensorflow' and 'jax', but "
        f"KERAS_BACKEND is {BACKEND!r}; set KERAS_BACKEND=tensorflow or KERAS_BACKEND=jax."
    )

_INTERFACE = {"tensorflow": "tf", "jax": "jax"}[BACKEND]
# (id(qnode), ...) -> (qnode, compiled function); the qnode is kept so its id stays unique.
_COMPILED: dict[tuple[Any, ...], tuple[qml.QNode, Any]] = {}
_TF_DEVICES = ("default.qubit",)  # others fail in PennyLane's TF graph mode (measured)
_XLA_DEVICES = ("default.qubit",)
_XLA_DIFF_METHODS = ("best", "backprop")
#: Measurements a layer cannot differentiate: refused with a clear error.
_NON_DIFFERENTIABLE = (qml.measurements.SampleMP, qml.measurements.CountsMP)
_NONFINITE_MESSAGE = (
    "KerasLayer received NaN or infinite inputs; the circuit needs finite angles. "
    "Remove or impute the missing values in your data (for example with "
    "sklearn.impute.SimpleImputer) before training."
)


def _normalise_weight_shape(name: str, size: Any) -> tuple[int, ...]:
    """Turns a ``weight_shapes`` value into a shape, as ``qml.qnn.KerasLayer`` did.

    An int ``n > 1`` means a vector of length ``n``, the ints 1 and 0 mean a scalar, and a tuple
    or list of positive ints is the shape itself. Anything else (a float, a string, a 0 or a
    negative number inside a tuple) is an error: it used to be coerced silently.

    >>> _normalise_weight_shape("w", 3), _normalise_weight_shape("w", 1)
    ((3,), ())
    >>> _normalise_weight_shape("w", (2, 4, 3))
    (2, 4, 3)
    """
    where = f"weight_shapes[{name!r}]"
    if isinstance(size, str | bytes):
        raise ValueError(
            f"{where} must be an int or a tuple of ints, got the string {size!r}; write the "
            "shape as numbers, e.g. {'weights': (2, 4, 3)}"
        )
    if isinstance(size, Iterable):
        shape = tuple(size)
        if not all(is_int(s) and s >= 1 for s in shape):
            bad = next(s for s in shape if not (is_int(s) and s >= 1))
            why = (
                "gives a weight with no parameters"
                if is_int(bad) and bad == 0
                else "is not a positive int"
            )
            raise ValueError(
                f"{where} = {size!r}: the dimension {bad!r} {why}; every dimension must be a "
                "positive int, e.g. qml.StronglyEntanglingLayers.shape(n_layers=2, n_wires=4) "
                "= (2, 4, 3)"
            )
        return tuple(int(s) for s in shape)
    if not is_int(size) or size < 0:
        raise ValueError(
            f"{where} must be a non-negative int or a tuple of positive ints, got {size!r}; "
            "e.g. 3 for a vector of 3 weights, 1 for a scalar, (2, 4, 3) for an array"
        )
    return (int(size),) if size > 1 else ()


def _normalise_output_dim(output_dim: Any) -> int | tuple[int, ...] | None:
    """Turns ``output_dim`` into an int, a tuple or None, as ``qml.qnn.KerasLayer`` did.

    >>> _normalise_output_dim([4]), _normalise_output_dim((2, 2)), _normalise_output_dim(3)
    (4, (2, 2), 3)
    """
    if output_dim is None:
        return None
    dims = (
        tuple(output_dim)
        if isinstance(output_dim, Iterable) and not isinstance(output_dim, str | bytes)
        else (output_dim,)
    )
    if not dims or not all(is_int(d) and d >= 1 for d in dims):
        raise ValueError(
            f"output_dim must be a positive int, a tuple of positive ints or None, got "
            f"{output_dim!r}; give the number of values the QNode returns per sample, e.g. "
            "output_dim=4 for four expectation values"
        )
    return int(dims[0]) if len(dims) == 1 else tuple(int(d) for d in dims)


_GRAPH_MODE_MESSAGE = (
    "the QNode '{name}' iterates over a tensor (for example qml.Rot(*weights)), which "
    "TensorFlow does not allow inside model.fit/predict (graph mode). Index the tensor instead, "
    "qml.Rot(weights[0], weights[1], weights[2], wires=0), or compile the model with "
    "model.compile(..., run_eagerly=True) (much slower)."
)


def _check_numeric(inputs: Any) -> None:
    """Refuses text (and other non-numeric) inputs before a backend tries to cast them."""
    dtype = getattr(inputs, "dtype", None)
    if dtype is None:
        try:
            dtype = np.asarray(inputs).dtype
        except Exception:  # ragged or exotic input: let Keras report it
            return
    dtype = getattr(dtype, "as_numpy_dtype", dtype)  # tf.DType -> NumPy type
    try:
        kind = np.dtype(dtype).kind
    except TypeError:
        return
    if kind not in "biuf":
        raise TypeError(
            f"KerasLayer needs numeric inputs (angles), got an array of dtype {np.dtype(dtype)}"
            f"{' (text)' if kind in 'USO' else ''}; convert the features to numbers first, "
            "e.g. x.astype('float32'), and encode text columns with "
            "sklearn.preprocessing.OrdinalEncoder."
        )


def _raise_if_not_finite(all_finite: Any) -> None:
    """Raises the course's error for NaN or infinite inputs."""
    if not bool(all_finite):
        raise ValueError(_NONFINITE_MESSAGE)


def _flatten_results(results: Any, batch: int, xp: Any) -> Any:
    """Flattens a QNode's (broadcast) results to one array of shape ``(batch, values)``."""
    parts = results if isinstance(results, (list, tuple)) else [results]
    flat = [xp.reshape(r, (batch, -1)) for r in parts]
    return flat[0] if len(flat) == 1 else xp.concatenate(flat, axis=1)


_SPEC_MODULES = {
    "initializer": keras.initializers,
    "regularizer": keras.regularizers,
    "constraint": keras.constraints,
}


def _serialize_spec(key: str, value: Any) -> Any:
    """Serializes one ``weight_specs`` entry (initializers, regularizers, constraints)."""
    module = _SPEC_MODULES.get(key)
    return value if module is None or value is None else module.serialize(module.get(value))


def _deserialize_spec(key: str, value: Any) -> Any:
    """Inverse of :func:`_serialize_spec`."""
    module = _SPEC_MODULES.get(key)
    return value if module is None or value is None else module.deserialize(value)


def _check_same_circuit(name: str, saved: Mapping[str, Any], layer: KerasLayer) -> None:
    """Refuses a QNode whose gates or measurements differ from the ones the model was saved with."""
    expected = list(saved["fingerprint"])
    try:
        found = layer.circuit_fingerprint(int(saved["n_features"]))
    except Exception as exc:
        found = [f"(the QNode fails on {saved['n_features']} features: {exc})"]
    if found == expected:
        return
    i = next(
        (k for k, (a, b) in enumerate(zip(expected, found, strict=False)) if a != b),
        min(len(expected), len(found)),
    )
    saved_op = expected[i] if i < len(expected) else "(end of circuit)"
    given_op = found[i] if i < len(found) else "(end of circuit)"
    raise ValueError(
        f"the QNode passed as '{name}' is not the circuit this model was saved with: operation "
        f"{i + 1} was {saved_op} and is now {given_op} ({len(expected)} operations and "
        f"measurements saved, {len(found)} now). Its trained weights would compute something "
        f"else; pass the QNode the model was built with, e.g. custom_objects={{'{name}': "
        f"{name}}} with the same code (keep it in a module you import)."
    )


@keras.saving.register_keras_serializable(package="helpers")
class KerasLayer(keras.layers.Layer):
    """Converts a PennyLane QNode into a Keras 3 layer (drop-in for ``qml.qnn.KerasLayer``).

    Args:
        qnode: the QNode. Its signature must contain an argument named ``inputs`` (any
            position) for the data; every other argument is a trainable weight.
        weight_shapes: maps each non-input argument to its shape: a tuple, or an int ``n``
            (a vector of length ``n``; ``1`` means a scalar).
        output_dim: the number of values the QNode returns per sample (int), or their shape
            (tuple or list). ``None`` takes whatever the QNode returns.
        weight_specs: optional ``{argument: {add_weight keyword: value}}``, e.g.
            ``{"weights": {"initializer": "zeros"}}``; keys such as ``initializer``,
            ``regularizer``, ``constraint`` and ``trainable`` go to ``Layer.add_weight``.
            Without it, weights get Keras' default initializer (Glorot uniform), as before.
        **kwargs: passed to ``keras.layers.Layer`` (``name``, ``dtype``, ``trainable``...).

    The QNode runs in float64; the output is cast to the layer's compute dtype (float32 in a
    float32 model). Inputs of shape ``(..., n_features)`` give outputs of shape
    ``(..., *output_dim)``; multiple measurements are flattened and concatenated.

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
        if not isinstance(qnode, qml.QNode):
            raise TypeError(
                f"KerasLayer expects a PennyLane QNode, got {type(qnode).__name__}; decorate "
                "your circuit function with @qml.qnode(device)."
            )
        if not isinstance(weight_shapes, Mapping):
            raise TypeError(
                f"weight_shapes must be a dict from the QNode's weight arguments to shapes, got "
                f"{type(weight_shapes).__name__}; e.g. weight_shapes={{'weights': (2, 4, 3)}}"
            )
        self.weight_shapes = {k: _normalise_weight_shape(k, v) for k, v in weight_shapes.items()}
        self._validate_signature(qnode, self.weight_shapes)
        weight_specs = dict(weight_specs or {})
        unknown = set(weight_specs) - set(self.weight_shapes)
        if unknown:
            raise ValueError(
                f"weight_specs names {sorted(unknown)}, which are not in weight_shapes "
                f"{sorted(self.weight_shapes)}; use the QNode's weight argument names as keys."
            )
        if BACKEND == "tensorflow" and qnode.device.name not in _TF_DEVICES:
            raise ValueError(
                f"the QNode '{qnode.func.__name__}' runs on '{qnode.device.name}', which "
                "PennyLane's TensorFlow interface (deprecated, unmaintained since 0.44) cannot "
                "run inside Keras' compiled fit/predict; use qml.device('default.qubit', ...) "
                "on the TensorFlow backend, or set KERAS_BACKEND=jax, where it works."
            )
        super().__init__(**kwargs)
        self.qnode = qnode
        self.output_dim = _normalise_output_dim(output_dim)
        self.weight_specs = weight_specs
        self._qnode = qnode.update(interface=_INTERFACE)
        self._n_features: int | None = None
        self._output_shape: tuple[int, ...] | None = None
        self._fingerprints: dict[int, list[str]] = {}
        # Weights are created now, as in the old layer: their shapes do not depend on the input.
        self.qnode_weights = {
            name: self.add_weight(name=name, shape=shape, **self.weight_specs.get(name, {}))
            for name, shape in self.weight_shapes.items()
        }

    # ------------------------------------------------------------------ validation
    @property
    def input_arg(self) -> str:
        """Name of the QNode argument that receives the data (``"inputs"``)."""
        return self._input_arg

    @staticmethod
    def set_input_argument(input_name: str = "inputs") -> None:
        """Sets the name of the QNode argument that receives the data, for all layers."""
        KerasLayer._input_arg = input_name

    def _validate_signature(self, qnode: qml.QNode, weight_shapes: Mapping[str, Any]) -> None:
        params = inspect.signature(qnode.func).parameters
        name = qnode.func.__name__
        if self.input_arg not in params:
            raise TypeError(
                f"the QNode '{name}' has no argument named '{self.input_arg}' "
                f"(its arguments are {list(params)}); KerasLayer passes the data through "
                f"'{self.input_arg}', so rename the data argument, e.g. "
                f"def {name}({self.input_arg}, weights)."
            )
        if self.input_arg in weight_shapes:
            raise ValueError(
                f"weight_shapes gives a shape for '{self.input_arg}', but that argument holds "
                "the data, not weights; remove it from weight_shapes."
            )
        kinds = [p.kind for p in params.values()]
        if inspect.Parameter.VAR_POSITIONAL in kinds:
            raise TypeError(
                f"the QNode '{name}' takes *args; KerasLayer needs named weight arguments, "
                "one per entry of weight_shapes."
            )
        if inspect.Parameter.VAR_KEYWORD not in kinds:
            expected = set(params) - {self.input_arg}
            missing, extra = expected - set(weight_shapes), set(weight_shapes) - expected
            if missing or extra:
                raise ValueError(
                    f"weight_shapes keys {sorted(weight_shapes)} do not match the QNode "
                    f"'{name}' weight arguments {sorted(expected)} (missing: {sorted(missing)}, "
                    f"unknown: {sorted(extra)}); give one shape per QNode argument other "
                    f"than '{self.input_arg}'."
                )

    def _dry_run_arguments(self, n_features: int) -> dict[str, np.ndarray]:
        """Zero inputs and zero weights: the arguments of the layer's NumPy dry runs."""
        args = {k: np.zeros(s) for k, s in self.weight_shapes.items()}
        return {self.input_arg: np.zeros(n_features), **args}

    def _check_measurements(self, n_features: int) -> None:
        """Refuses measurements that have no gradient (samples, counts), before running them."""
        name = self.qnode.func.__name__
        dry = self.qnode.update(interface="numpy")
        try:
            tape = qml.workflow.construct_tape(dry, level="top")(
                **self._dry_run_arguments(n_features)
            )
        except Exception:  # the dry run itself reports what is wrong, with its fix
            return
        for measurement in tape.measurements:
            if isinstance(measurement, _NON_DIFFERENTIABLE):
                raise ValueError(
                    f"the QNode '{name}' returns {measurement}, which KerasLayer cannot train "
                    "through: samples and counts are random bit strings with no gradient. "
                    "Return qml.expval(...) or qml.probs(...) instead; to model a finite number "
                    "of shots, keep the expectation values and set shots on the device."
                )

    def _resolve_output_shape(self, n_features: int) -> tuple[int, ...]:
        """Runs the QNode once on a zero sample (NumPy, no gradients) to check the feature
        count and the weight shapes, and to find the per-sample output shape."""
        if self._n_features == n_features and self._output_shape is not None:
            return self._output_shape
        name = self.qnode.func.__name__
        wires = len(self.qnode.device.wires) if self.qnode.device.wires is not None else "?"
        self._check_measurements(n_features)
        dry = self.qnode.update(interface="numpy")
        try:
            result = dry(**self._dry_run_arguments(n_features))
        except Exception as exc:  # the circuit rejected this input: say why, and the fix
            reason = str(exc).rstrip(".")
            if "weight" in reason.lower():
                raise ValueError(
                    f"the QNode '{name}' rejected the weight shapes {self.weight_shapes}: "
                    f"{reason}. Give each weight argument the shape its template expects, e.g. "
                    "qml.StronglyEntanglingLayers.shape(n_layers, n_wires) = "
                    "(n_layers, n_wires, 3)."
                ) from exc
            raise ValueError(
                f"the QNode '{name}' cannot take inputs with {n_features} features "
                f"(its device has {wires} wires): {reason}. Give the layer as many features as "
                "the circuit encodes (reduce them with PCA or a Dense layer before the quantum "
                "layer, or pad them), or build the circuit with more qubits."
            ) from exc
        parts = result if isinstance(result, (list, tuple)) else [result]
        size = int(sum(np.size(p) for p in parts))
        if self.output_dim is None:
            shape = np.shape(parts[0]) if len(parts) == 1 else (size,)
            shape = tuple(shape) or (1,)
        else:
            shape = self.output_dim if isinstance(self.output_dim, tuple) else (self.output_dim,)
            if math.prod(shape) != size:
                raise ValueError(
                    f"output_dim={self.output_dim} but the QNode '{name}' returns {size} "
                    f"value(s) per sample; set output_dim={size}."
                )
        self._n_features, self._output_shape = n_features, tuple(shape)
        return self._output_shape

    def circuit_fingerprint(self, n_features: int | None = None) -> list[str]:
        """The gates (with their wires) and measurements the QNode runs, one string each.

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
        if n_features not in self._fingerprints:
            dry = self.qnode.update(interface="numpy")
            tape = qml.workflow.construct_tape(dry, level="device")(
                **self._dry_run_arguments(n_features)
            )
            ops = [f"{op.name}({','.join(str(w) for w in op.wires)})" for op in tape.operations]
            self._fingerprints[n_features] = ops + [str(m) for m in tape.measurements]
        return list(self._fingerprints[n_features])

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
            self._resolve_output_shape(int(n_features))
        self.built = True

    def compute_output_shape(self, input_shape: Any) -> tuple[int | None, ...]:
        """``input_shape[:-1] + output shape``, e.g. ``(None, 4) -> (None, 4)``."""
        shape = tuple(input_shape)
        return shape[:-1] + self._resolve_output_shape(int(shape[-1]))

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Checks that the inputs are numbers before Keras converts them (JAX fails there)."""
        if args:
            _check_numeric(args[0])
        return super().__call__(*args, **kwargs)

    def call(self, inputs: Any) -> Any:
        """Evaluates the QNode on every sample of ``inputs`` (shape ``(..., n_features)``)."""
        x = keras.ops.convert_to_tensor(inputs)
        if x.shape[-1] is None:
            raise ValueError("KerasLayer needs a known number of input features (last axis).")
        if len(x.shape) >= 2 and any(d == 0 for d in x.shape[:-1]):
            raise ValueError(
                f"KerasLayer received 0 samples (input shape {tuple(x.shape)}); pass at least "
                "one sample. An empty array usually means a filter or a split removed every row."
            )
        out_shape = self._resolve_output_shape(int(x.shape[-1]))
        leading = keras.ops.shape(x)[:-1]
        x = keras.ops.cast(keras.ops.reshape(x, (-1, x.shape[-1])), "float64")
        weights = {
            k: keras.ops.cast(keras.ops.convert_to_tensor(v), "float64")
            for k, v in self.qnode_weights.items()
        }
        if BACKEND == "tensorflow":
            y = self._evaluate_tf(x, weights, math.prod(out_shape))
        else:
            y = self._evaluate_jax(x, weights)
        y = keras.ops.reshape(y, tuple(leading) + out_shape)
        return keras.ops.cast(y, self.compute_dtype)

    # ------------------------------------------------------------------ backends
    def _uses_xla(self) -> bool:
        """True where the circuit is plain TensorFlow ops (default.qubit with backprop)."""
        return (
            self.qnode.device.name in _XLA_DEVICES and self.qnode.diff_method in _XLA_DIFF_METHODS
        )

    def _chunk(self) -> int:
        """Samples per QNode call on TensorFlow. Other devices and gradient methods run one
        sample per call: PennyLane's TensorFlow graph mode cannot broadcast them."""
        return self.chunk_size if self._uses_xla() else 1

    def _evaluate_tf(self, x: Any, weights: dict[str, Any], size: int) -> Any:
        """TensorFlow: pad to whole chunks, broadcast PennyLane over each static-size chunk."""
        chunk, names = self._chunk(), list(weights)
        if tf.executing_eagerly():
            _raise_if_not_finite(tf.reduce_all(tf.math.is_finite(x)))
        x = tf.debugging.assert_all_finite(x, _NONFINITE_MESSAGE)
        evaluate = self._compiled(
            ("tf", x.shape[-1], size), lambda: self._make_tf_chunk_function(x.shape[-1], size)
        )
        batch = tf.shape(x)[0]
        n_chunks = (batch + chunk - 1) // chunk
        padded = tf.pad(x, [[0, n_chunks * chunk - batch], [0, 0]])
        chunks = tf.reshape(padded, (n_chunks, chunk, x.shape[-1]))
        values = [weights[n] for n in names]
        try:
            y = tf.map_fn(
                lambda c: evaluate(c, *values),
                chunks,
                fn_output_signature=tf.TensorSpec((chunk, size), tf.float64),
            )
        except tf.errors.OperatorNotAllowedInGraphError as exc:
            if not tf.executing_eagerly():
                raise ValueError(_GRAPH_MODE_MESSAGE.format(name=self.qnode.func.__name__)) from exc
            # Eager call: run the QNode as Python code, as the old (eager-only) layer did.
            results = self._qnode(**{self.input_arg: x}, **weights)
            return tf.reshape(_flatten_results(results, batch, tf.experimental.numpy), (-1, size))
        return tf.reshape(y, (-1, size))[:batch]

    def _make_tf_chunk_function(self, n_features: int, size: int) -> Any:
        """Builds ``evaluate(chunk, *weights)`` with an XLA-compiled forward pass and an
        XLA-compiled vector-Jacobian product (compiling the two together measured 3x faster
        than letting TensorFlow differentiate a compiled forward pass)."""
        chunk, names, jit = self._chunk(), list(self.weight_shapes), self._uses_xla()
        qnode, input_arg = self._qnode, self.input_arg  # no reference to the layer itself

        def forward(x_chunk: Any, *values: Any) -> Any:
            x_chunk = tf.ensure_shape(x_chunk, (chunk, n_features))
            data = x_chunk if jit else x_chunk[0]  # other devices: one sample per call
            results = qnode(**{input_arg: data}, **dict(zip(names, values, strict=True)))
            flat = _flatten_results(results, chunk, tf.experimental.numpy)
            return tf.reshape(flat, (chunk, size))

        def vjp(x_chunk: Any, dy: Any, *values: Any) -> list[Any]:
            with tf.GradientTape() as tape:
                tape.watch([x_chunk, *values])
                y = forward(x_chunk, *values)
            grads = tape.gradient(y, [x_chunk, *values], output_gradients=dy)
            pairs = zip(grads, [x_chunk, *values], strict=True)
            return [tf.zeros_like(v) if g is None else g for g, v in pairs]

        forward_c = tf.function(forward, autograph=False, jit_compile=jit, reduce_retracing=True)
        vjp_c = tf.function(vjp, autograph=False, jit_compile=jit, reduce_retracing=True)

        @tf.custom_gradient
        def evaluate(x_chunk: Any, *values: Any) -> Any:
            return forward_c(x_chunk, *values), lambda dy: vjp_c(x_chunk, dy, *values)

        return evaluate

    def _evaluate_jax(self, x: Any, weights: dict[str, Any]) -> Any:
        """JAX: shapes are static under ``jit``, so PennyLane broadcasts over the batch."""
        finite = jnp.all(jnp.isfinite(x))
        if isinstance(finite, jax.core.Tracer):  # inside jit: raise from the host at run time
            jax.debug.callback(_raise_if_not_finite, finite)
        else:
            _raise_if_not_finite(finite)
        qnode, input_arg = self._qnode, self.input_arg

        def evaluate_batch(x_batch: Any, values: dict[str, Any]) -> Any:
            results = qnode(**{input_arg: x_batch}, **values)
            return _flatten_results(results, x_batch.shape[0], jnp)

        return self._compiled(("jax",), lambda: jax.jit(evaluate_batch))(x, weights)

    def _compiled(self, key: tuple[Any, ...], build: Any) -> Any:
        """The compiled evaluation function for this QNode, built once per process.

        Layers built on the same QNode object (e.g. one model per seed from the same
        ``forum_circuit(n)``) share one traced and XLA-compiled function: PennyLane's tracing
        and XLA's compilation then happen once, not once per model. The functions take the
        weights as arguments, so sharing them shares no state.
        """
        full_key = (id(self.qnode), self.input_arg, tuple(self.weight_shapes.items()), *key)
        hit = _COMPILED.get(full_key)
        if hit is None or hit[0] is not self.qnode:
            hit = _COMPILED[full_key] = (self.qnode, build())
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
                    k: {s: _serialize_spec(s, v) for s, v in spec.items()}
                    for k, spec in self.weight_specs.items()
                },
            }
        )
        if self._n_features is not None:
            config["circuit"] = {
                "n_features": self._n_features,
                "fingerprint": self.circuit_fingerprint(),
            }
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> KerasLayer:
        """Rebuilds the layer; the QNode must be passed back in through ``custom_objects``.

        Example:
            ``keras.models.load_model("model.keras", custom_objects={"circuit": circuit})``
        """
        config = dict(config)
        name = config.pop("qnode")
        qnode = keras.saving.get_registered_object(name)
        if not isinstance(qnode, qml.QNode):
            raise ValueError(
                f"this model has a quantum layer built on the QNode '{name}', and a .keras file "
                "stores no Python code; define the QNode again and pass it back in: "
                f"keras.models.load_model(path, custom_objects={{'{name}': {name}}})."
            )
        saved_circuit = config.pop("circuit", None)
        config["weight_shapes"] = {k: tuple(v) for k, v in config["weight_shapes"].items()}
        config["weight_specs"] = {
            k: {s: _deserialize_spec(s, v) for s, v in spec.items()}
            for k, spec in config.get("weight_specs", {}).items()
        }
        layer = cls(qnode, **config)
        if saved_circuit is not None:  # files saved before fingerprints load unchecked
            _check_same_circuit(name, saved_circuit, layer)
        return layer

    def __repr__(self) -> str:
        return (
            f"<Quantum Keras Layer: func={self.qnode.func.__name__}, "
            f"weights={self.weight_shapes}, "
            f"output_dim={self.output_dim}, backend={BACKEND}>"
        )

    __str__ = __repr__
