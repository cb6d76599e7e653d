"""Saving and reloading quantum layers: configs, circuit fingerprints and the QNode lookup.

A ``.keras`` file stores a layer's config and weights, not its QNode (Python code). Reloading
needs the QNode back: from ``custom_objects``, or, in the process that built the model, from the
QNodes this process has given to a ``KerasLayer`` (found by function name and by fingerprint).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping
from typing import Any

import keras
import numpy as np
import pennylane as qml

_SPEC_MODULES = {
    "initializer": keras.initializers,
    "regularizer": keras.regularizers,
    "constraint": keras.constraints,
}

#: Function name -> weak references to the QNodes given to a KerasLayer in this process.
_BUILT: dict[str, list[weakref.ref[qml.QNode]]] = {}


def serialize_spec(key: str, value: Any) -> Any:
    """Serializes one ``weight_specs`` entry (initializers, regularizers, constraints)."""
    module = _SPEC_MODULES.get(key)
    return value if module is None or value is None else module.serialize(module.get(value))


def deserialize_spec(key: str, value: Any) -> Any:
    """Inverse of :func:`serialize_spec`."""
    module = _SPEC_MODULES.get(key)
    return value if module is None or value is None else module.deserialize(value)


def zero_arguments(
    shapes: Mapping[str, tuple[int, ...]], input_arg: str, n_features: int
) -> dict[str, np.ndarray]:
    """Zero inputs and zero weights: the arguments of a layer's NumPy dry runs."""
    return {input_arg: np.zeros(n_features), **{k: np.zeros(s) for k, s in shapes.items()}}


def circuit_record(
    qnode: qml.QNode, shapes: Mapping[str, tuple[int, ...]], input_arg: str, n_features: int
) -> dict[str, Any]:
    """What a saved model stores about its circuit, to recognise it when reloading: the
    fingerprint, the outputs at a fixed probe point and where the function was defined."""
    try:
        outputs = probe(qnode, shapes, input_arg, n_features)
    except Exception:  # a circuit that cannot run exactly is compared by its gates only
        outputs = None
    return {
        "n_features": n_features,
        "fingerprint": fingerprint(qnode, zero_arguments(shapes, input_arg, n_features)),
        "probe": outputs,
        "source": source(qnode),
    }


def device_tape(qnode: qml.QNode, arguments: Mapping[str, Any]) -> qml.tape.QuantumScript:
    """The tape a QNode runs on NumPy ``arguments``, after PennyLane's decomposition to the
    device's gates (templates expanded). :func:`helpers.parameter_shift_circuits` counts its
    gates too."""
    dry = qnode.update(interface="numpy")
    return qml.workflow.construct_tape(dry, level="device")(**arguments)


def fingerprint(qnode: qml.QNode, arguments: Mapping[str, Any]) -> list[str]:
    """The gates (with their wires) and measurements a QNode runs on ``arguments``, one string
    each, after PennyLane's decomposition to the device's gates."""
    tape = device_tape(qnode, arguments)
    ops = [f"{op.name}({','.join(str(w) for w in op.wires)})" for op in tape.operations]
    return ops + [str(m) for m in tape.measurements]


def source(qnode: qml.QNode) -> str:
    """Where the QNode's function was defined, ``module:qualified name``."""
    return f"{qnode.func.__module__}:{qnode.func.__qualname__}"


def probe(
    qnode: qml.QNode, shapes: Mapping[str, tuple[int, ...]], input_arg: str, n_features: int
) -> list[float]:
    """The QNode's outputs (real and imaginary parts) at fixed pseudo-random arguments.

    Two QNodes with the same gates can still compute different things (``RX(2 * x)`` for
    ``RX(x)``); their outputs at the same random point tell them apart. Exact simulation, even
    for a QNode with shots, so the probe repeats.
    """
    rng = np.random.default_rng(20_240_613)
    arguments = {k: rng.uniform(-np.pi, np.pi, size=s) for k, s in shapes.items()}
    arguments[input_arg] = rng.uniform(0, np.pi, size=n_features)
    exact = qml.set_shots(qnode.update(interface="numpy"), shots=None)
    results = exact(**arguments)
    parts = results if isinstance(results, list | tuple) else [results]
    flat = np.concatenate([np.ravel(np.asarray(p)) for p in parts])
    return [round(float(v), 10) for v in np.concatenate([flat.real, flat.imag])]


def remember(qnode: qml.QNode) -> None:
    """Records a QNode given to a KerasLayer, so a reload in this process can find it."""
    refs = _BUILT.setdefault(qnode.func.__name__, [])
    refs[:] = [r for r in refs if r() is not None and r() is not qnode]
    refs.append(weakref.ref(qnode))


def find_qnode(
    name: str, saved_circuit: Mapping[str, Any] | None, describe: Callable[[qml.QNode], Any]
) -> qml.QNode:
    """The QNode to rebuild a saved layer with, when ``custom_objects`` did not give one.

    Looks among the QNodes named ``name`` that this process gave to a KerasLayer (those defined
    where the saved one was first, then the newest) for one that runs the saved circuit:
    ``describe(qnode)`` must equal the saved ``{"fingerprint", "probe"}``. Raises the course's
    error (with the ``custom_objects`` line) when there is none, e.g. in a new process.
    """
    alive = [q for q in (r() for r in reversed(_BUILT.get(name, []))) if q is not None]
    if saved_circuit is not None:
        alive.sort(key=lambda q: source(q) != saved_circuit.get("source"))
        for qnode in alive:
            try:
                if not circuit_difference(saved_circuit, describe(qnode)):
                    return qnode
            except Exception:  # a QNode that fails on the saved shapes is not the one
                continue
    elif len(alive) == 1:  # a file saved before fingerprints: only an unambiguous match
        return alive[0]
    found = (
        f" This process built {len(alive)} QNode(s) named '{name}', but none runs the saved "
        "circuit."
        if alive
        else ""
    )
    raise ValueError(
        f"this model has a quantum layer built on the QNode '{name}', and a .keras file stores "
        f"no Python code; define the QNode again and pass it back in: "
        f"keras.models.load_model(path, custom_objects={{'{name}': {name}}}).{found}"
    )


def circuit_difference(saved: Mapping[str, Any], found: Mapping[str, Any]) -> str:
    """How a QNode's circuit (``found``) differs from the saved one; ``""`` when it does not.

    Compares the gates, wires and measurements first, then the outputs at the probe point
    (files saved before probes existed compare gates only).
    """
    expected, given = list(saved["fingerprint"]), list(found["fingerprint"])
    if given != expected:
        i = next(
            (k for k, (a, b) in enumerate(zip(expected, given, strict=False)) if a != b),
            min(len(expected), len(given)),
        )
        saved_op = expected[i] if i < len(expected) else "(end of circuit)"
        given_op = given[i] if i < len(given) else "(end of circuit)"
        return (
            f"operation {i + 1} was {saved_op} and is now {given_op} ({len(expected)} "
            f"operations and measurements saved, {len(given)} now)"
        )
    if "probe" in saved and found.get("probe") is not None:
        a, b = np.asarray(saved["probe"]), np.asarray(found["probe"])
        gap = float(np.max(np.abs(a - b))) if a.shape == b.shape else float("inf")
        if gap > 1e-6:
            return (
                f"it runs the same gates, but its outputs at a fixed test point differ by up to "
                f"{gap:.3g} (the gates' angles are computed differently)"
            )
    return ""


def check_same_circuit(name: str, saved: Mapping[str, Any], found: Mapping[str, Any]) -> None:
    """Refuses a QNode whose circuit differs from the one the model was saved with."""
    difference = circuit_difference(saved, found)
    if not difference:
        return
    raise ValueError(
        f"the QNode passed as '{name}' is not the circuit this model was saved with: "
        f"{difference}. Its trained weights would compute something else; pass the QNode the "
        f"model was built with, e.g. custom_objects={{'{name}': {name}}} with the same code "
        "(keep it in a module you import)."
    )
