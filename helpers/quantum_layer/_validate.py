"""Argument checks of the quantum layer, backend-independent.

Every error names the problem and the fix. Where ``qml.qnn.KerasLayer`` (PennyLane 0.41) raised an
error for the same case, the message starts with the old layer's words, so code that matched
those messages keeps working, and the course's explanation follows after a colon.
"""

from __future__ import annotations

import inspect
import math
import warnings
from collections.abc import Iterable, Mapping
from typing import Any

from helpers._checks import is_int

import numpy as np
import pennylane as qml

#: Measurements a layer cannot differentiate: refused with a clear error.
NON_DIFFERENTIABLE = (qml.measurements.SampleMP, qml.measurements.CountsMP)

NONFINITE_MESSAGE = (
    "KerasLayer received NaN or infinite inputs; the circuit needs finite angles. "
    "Remove or impute the missing values in your data (for example with "
    "sklearn.impute.SimpleImputer) before training."
)

GRAPH_MODE_MESSAGE = (
    "the QNode '{name}' iterates over a tensor (for example qml.Rot(*weights)), which "
    "TensorFlow does not allow inside model.fit/predict (graph mode). Index the tensor instead, "
    "qml.Rot(weights[0], weights[1], weights[2], wires=0), or compile the model with "
    "model.compile(..., run_eagerly=True) (much slower)."
)

# The old layer's messages (PennyLane 0.41.1, pennylane/qnn/keras.py), kept as prefixes.
OLD_NO_INPUT = "QNode must include an argument with name {input_arg} for inputting data"
OLD_INPUT_IN_SHAPES = (
    "{input_arg} argument should not have its dimension specified in weight_shapes"
)
OLD_VAR_POSITIONAL = "Cannot have a variable number of positional arguments"
OLD_MISSING_SHAPE = "Must specify a shape for every non-input parameter in the QNode"


def normalise_weight_shape(name: str, size: Any) -> tuple[int, ...]:
    """Turns a ``weight_shapes`` value into a shape, as ``qml.qnn.KerasLayer`` did.

    An int ``n > 1`` means a vector of length ``n``, the ints 1 and 0 mean a scalar, and a tuple
    or list of non-negative ints is the shape itself. A 0 inside a tuple gives an empty weight,
    as in the old layer, with a warning (such a weight has no parameters to train). Anything else
    (a float, a string, a negative number) is an error: it used to be coerced silently.

    >>> [normalise_weight_shape("w", size) for size in (3, 1, 0)]
    [(3,), (), ()]
    >>> normalise_weight_shape("w", (2, 4, 3))
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
        bad = next((s for s in shape if not (is_int(s) and s >= 0)), None)
        if bad is not None:
            raise ValueError(
                f"{where} = {size!r}: the dimension {bad!r} is not a non-negative int; every "
                "dimension must be an int, e.g. qml.StronglyEntanglingLayers.shape(n_layers=2, "
                "n_wires=4) = (2, 4, 3)"
            )
        if 0 in shape:
            warnings.warn(
                f"{where} = {size!r} has a dimension 0, so the weight '{name}' has no "
                "parameters (the old layer accepted this too); check the shape if you meant "
                "it to train.",
                UserWarning,
                stacklevel=4,
            )
        return tuple(int(s) for s in shape)
    if not is_int(size) or size < 0:
        raise ValueError(
            f"{where} must be a non-negative int or a tuple of non-negative ints, got "
            f"{size!r}; e.g. 3 for a vector of 3 weights, 1 for a scalar, (2, 4, 3) for an array"
        )
    return (int(size),) if size > 1 else ()


def check_layer_arguments(
    qnode: Any, weight_shapes: Any, input_arg: str
) -> dict[str, tuple[int, ...]]:
    """The checks ``KerasLayer(qnode, weight_shapes, ...)`` makes, with the shapes it uses:
    ``qnode`` is a QNode taking ``input_arg`` and one argument per entry of ``weight_shapes``,
    whose shapes are normalised as the old layer did (:func:`normalise_weight_shape`).
    :func:`helpers.parameter_shift_circuits` checks its arguments with it too.
    """
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
    shapes = {k: normalise_weight_shape(k, v) for k, v in weight_shapes.items()}
    validate_signature(qnode, shapes, input_arg)
    return shapes


def normalise_output_dim(output_dim: Any) -> int | tuple[int, ...] | None:
    """Turns ``output_dim`` into an int, a tuple or None, as ``qml.qnn.KerasLayer`` did.

    >>> normalise_output_dim([4]), normalise_output_dim((2, 2)), normalise_output_dim(3)
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


def validate_signature(qnode: qml.QNode, weight_shapes: Mapping[str, Any], input_arg: str) -> None:
    """Checks that the QNode takes ``input_arg`` and one named argument per weight shape."""
    params = inspect.signature(qnode.func).parameters
    name = qnode.func.__name__
    if input_arg not in params:
        raise TypeError(
            f"{OLD_NO_INPUT.format(input_arg=input_arg)}: the QNode '{name}' has no argument "
            f"named '{input_arg}' (its arguments are {list(params)}); KerasLayer passes the data "
            f"through '{input_arg}', so rename the data argument, e.g. "
            f"def {name}({input_arg}, weights), or call "
            "KerasLayer.set_input_argument('<your name>') first."
        )
    if input_arg in weight_shapes:
        raise ValueError(
            f"{OLD_INPUT_IN_SHAPES.format(input_arg=input_arg)}: that argument holds the data, "
            f"not weights; remove '{input_arg}' from weight_shapes."
        )
    kinds = [p.kind for p in params.values()]
    if inspect.Parameter.VAR_POSITIONAL in kinds:
        raise TypeError(
            f"{OLD_VAR_POSITIONAL}: the QNode '{name}' takes *args; KerasLayer needs named "
            "weight arguments, one per entry of weight_shapes."
        )
    if inspect.Parameter.VAR_KEYWORD not in kinds:
        expected = set(params) - {input_arg}
        missing, extra = expected - set(weight_shapes), set(weight_shapes) - expected
        if missing or extra:
            raise ValueError(
                f"{OLD_MISSING_SHAPE}: weight_shapes keys {sorted(weight_shapes)} do not match "
                f"the QNode '{name}' weight arguments {sorted(expected)} (missing: "
                f"{sorted(missing)}, unknown: {sorted(extra)}); give one shape per QNode "
                f"argument other than '{input_arg}'."
            )


def check_numeric(inputs: Any) -> None:
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


def raise_if_not_finite(all_finite: Any) -> None:
    """Raises the course's error for NaN or infinite inputs."""
    if not bool(all_finite):
        raise ValueError(NONFINITE_MESSAGE)


def check_measurements(tape: qml.tape.QuantumScript, name: str) -> None:
    """Refuses measurements that have no gradient (samples, counts), before running them."""
    for measurement in tape.measurements:
        if isinstance(measurement, NON_DIFFERENTIABLE):
            raise ValueError(
                f"the QNode '{name}' returns {measurement}, which KerasLayer cannot train "
                "through: samples and counts are random bit strings with no gradient. Return "
                "qml.expval(...) or qml.probs(...) instead; to model a finite number of shots, "
                "keep them and give the QNode shots, e.g. @qml.qnode(dev, shots=1000, "
                "diff_method='parameter-shift')."
            )


def output_shape(
    results: Any, output_dim: int | tuple[int, ...] | None, name: str
) -> tuple[tuple[int, ...], bool]:
    """The per-sample output shape and whether it is complex, from one sample's results."""
    parts = results if isinstance(results, list | tuple) else [results]
    size = int(sum(np.size(p) for p in parts))
    is_complex = any(np.iscomplexobj(p) for p in parts)
    if output_dim is None:
        shape = np.shape(parts[0]) if len(parts) == 1 else (size,)
        return tuple(shape) or (1,), is_complex
    shape = output_dim if isinstance(output_dim, tuple) else (output_dim,)
    if math.prod(shape) != size:
        raise ValueError(
            f"output_dim={output_dim} but the QNode '{name}' returns {size} value(s) per "
            f"sample; set output_dim={size}."
        )
    return tuple(shape), is_complex
