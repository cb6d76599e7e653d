"""What training would cost on a quantum processor: circuit executions, shots, QPU time, dollars.

A simulator gets the circuit's gradient by backpropagation through the state vector. Hardware
cannot: under the parameter-shift rule (Mitarai et al. 2018, arXiv:1803.00745; Schuld et al.
2019, arXiv:1811.11184) every trainable gate angle needs runs of the circuit with that angle
shifted, for every sample, on top of the run that gives the sample's output. These helpers
count those runs with PennyLane itself and turn them into shots, billed QPU time and prices.

* :func:`parameter_shift_circuits`: the circuits one gradient of one sample needs;
* :func:`training_executions`: the circuit executions of a training run;
* :func:`qpu_seconds` (IT4I's VLQ billing rule) and :func:`qpu_cost_usd` (Amazon Braket's
  on-demand prices, :data:`BRAKET_PRICES`);
* :class:`Recipe`, :func:`course_recipes` and :func:`cost_table`: the course's training runs.

Introduced in notebook 06.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from helpers._checks import check_int, is_real
from helpers.circuits import forum_circuit, reuploading_circuit
from helpers.data import make_breast_cancer_dataset, make_circles_dataset, make_moons_dataset
from helpers.quantum_layer._saving import device_tape
from helpers.quantum_layer._validate import check_layer_arguments
from helpers.training import validation_split

import numpy as np
import pandas as pd
import pennylane as qml

#: The QNode argument that receives the data, as in :class:`helpers.KerasLayer`.
INPUT_ARGUMENT = "inputs"
BRAKET_PRICING_URL = "https://aws.amazon.com/braket/pricing/"
VLQ_GUIDE_URL = "https://docs.it4i.cz/en/docs/clusters/vlq/vlq-consumption-guide"


@dataclasses.dataclass(frozen=True)
class QPUPrice:
    """The on-demand price of one QPU: a fee per task plus a fee per shot.
    Not used by a notebook; for your own experiments.

    Braket defines a task as repeated shots of the same circuit, so every distinct circuit run
    (another input sample, another shifted angle) is one task. ``source`` is the page the
    prices were read from, ``read_on`` the date (ISO 8601).

    Example:
        >>> forte = BRAKET_PRICES[0]
        >>> forte.device, forte.per_task_usd + 1000 * forte.per_shot_usd  # one task, 1000 shots
        ('Forte', 80.3)
    """

    provider: str
    device: str
    per_task_usd: float
    per_shot_usd: float
    source: str
    read_on: str


@dataclasses.dataclass(frozen=True)
class QPUTiming:
    """How a QPU bills time: ``jobs × max(shots × per_shot_s, min_per_job_s)``.
    Not used by a notebook; for your own experiments.
    """

    name: str
    per_shot_s: float
    min_per_job_s: float
    source: str
    read_on: str


#: Amazon Braket's on-demand QPU prices (the per-task fee is the same on every QPU).
BRAKET_PRICES: tuple[QPUPrice, ...] = tuple(
    QPUPrice(provider, device, 0.30, per_shot, BRAKET_PRICING_URL, "2026-12-01")
    for provider, device, per_shot in [
        ("IonQ", "Forte", 0.08),
        ("IonQ", "Aria", 0.03),
        ("IQM", "Garnet", 0.00145),
        ("Rigetti", "Ankaa", 0.0009),
    ]
)
#: IT4I's VLQ: 400 µs per shot (their worst case, for budgeting), at least 0.9 s per job.
VLQ_TIMING = QPUTiming("IT4I VLQ, worst case", 400e-6, 0.9, VLQ_GUIDE_URL, "2026-12-01")


@dataclasses.dataclass(frozen=True)
class Recipe:
    """One training run of the course: its circuit, its data size and its epochs.
    Not used by a notebook; for your own experiments.

    Attributes:
        name: the row label, starting with the notebook's number.
        notebook: the notebook that trains it, e.g. ``"01"``.
        qnode, weight_shapes, n_features: the circuit and its KerasLayer's arguments.
        n_train: training samples per epoch (the gradient's samples, not validation ones).
        epochs: epochs of one run.
        trainable_inputs: True when a trainable classical layer sits before the circuit, so
            the gradient must also flow into the circuit's input angles.

    Example:
        >>> mine = Recipe("my run", "--", forum_circuit(2), {"weights": (2, 2, 3)}, 2, 100, 10)
        >>> mine.n_train * mine.epochs
        1000
    """

    name: str
    notebook: str
    qnode: qml.QNode
    weight_shapes: Mapping[str, Any]
    n_features: int
    n_train: int
    epochs: int
    trainable_inputs: bool = False


def _check_shapes(qnode: Any, weight_shapes: Any) -> dict[str, tuple[int, ...]]:
    """The KerasLayer's own checks (:mod:`helpers.quantum_layer`), so a circuit this module
    counts is one the layer accepts, with the same shapes."""
    if not isinstance(weight_shapes, Mapping) or not weight_shapes:
        raise ValueError(
            f"weight_shapes must be a non-empty dict of argument name -> shape, got "
            f"{weight_shapes!r}; pass the KerasLayer's, e.g. {{'weights': (2, 2, 3)}}"
        )
    return check_layer_arguments(qnode, weight_shapes, INPUT_ARGUMENT)


def _tape(qnode: qml.QNode, arguments: dict[str, np.ndarray]) -> qml.tape.QuantumScript:
    """The QNode's tape after decomposition to the device's gates (so templates are expanded)."""
    try:
        return device_tape(qnode, arguments)
    except Exception as error:
        shapes = {name: np.shape(value) for name, value in arguments.items()}
        raise ValueError(
            f"could not build the circuit with arguments of shapes {shapes} ({error}); pass "
            "the n_features and weight_shapes of the circuit's KerasLayer"
        ) from error


def _gates(tape: qml.tape.QuantumScript) -> list[tuple[str, int]]:
    return [(op.name, len(op.data)) for op in tape.operations]


def _differentiated_tape(
    qnode: Any, weight_shapes: Any, n_features: Any, trainable_inputs: bool
) -> qml.tape.QuantumScript:
    """The device tape whose ``trainable_params`` are the gate angles the gradient needs.

    A gate angle depends on an argument if it changes when only that argument is redrawn:
    robust to templates, re-uploading and angles such as ``theta + w * x`` that mix arguments.
    """
    shapes = _check_shapes(qnode, weight_shapes)
    shapes[INPUT_ARGUMENT] = (check_int(n_features, "n_features", minimum=1),)
    rng = np.random.default_rng(0)
    base = {name: rng.uniform(0.2, 1.2, shape) for name, shape in shapes.items()}
    tape = _tape(qnode, base)
    values = tape.get_parameters(trainable_only=False)
    varied = [name for name in shapes if name != INPUT_ARGUMENT or trainable_inputs]
    trainable: set[int] = set()
    for name in varied:
        redrawn = _tape(qnode, {**base, name: rng.uniform(1.3, 2.3, shapes[name])})
        new = redrawn.get_parameters(trainable_only=False)
        if _gates(redrawn) != _gates(tape):
            raise ValueError(
                f"the circuit's gates change with the values of {name!r}, so no single count "
                "of shifted circuits holds; count a circuit whose gates are fixed"
            )
        pairs = zip(values, new, strict=True)
        trainable |= {i for i, (a, b) in enumerate(pairs) if not np.allclose(a, b)}
    if not trainable:
        raise ValueError(
            f"no gate angle depends on {varied}: nothing to differentiate; check that the "
            "circuit uses its weights (or pass trainable_inputs=True)"
        )
    tape.trainable_params = sorted(trainable)
    return tape


def _shift_count(
    qnode: Any, weight_shapes: Any, n_features: Any, trainable_inputs: bool
) -> tuple[int, int]:
    """(differentiated gate angles, parameter-shift circuits) of one sample's gradient."""
    tape = _differentiated_tape(qnode, weight_shapes, n_features, trainable_inputs)
    tapes, _ = qml.gradients.param_shift(tape)
    return len(tape.trainable_params), len(tapes)


def parameter_shift_circuits(
    qnode: qml.QNode,
    weight_shapes: Mapping[str, Any],
    n_features: int,
    *,
    trainable_inputs: bool = False,
) -> int:
    """The circuits ONE gradient of ONE sample needs under the parameter-shift rule.
    Introduced in notebook 06.

    Counted by PennyLane: the QNode's tape is built at random nonzero arguments and decomposed
    to the device's gates (so every ``Rot`` inside ``StronglyEntanglingLayers`` counts), its
    trainable parameters are set to the gate angles that depend on the weights (and on the
    inputs with ``trainable_inputs=True``), and ``qml.gradients.param_shift`` makes the
    shifted tapes. Each angle of an ``RX`` or ``Rot`` needs two; an input uploaded three times
    is three angles. The sample's forward run is not included (see
    :func:`training_executions`).

    Args:
        qnode: the circuit; its data argument is named ``inputs``.
        weight_shapes: the KerasLayer's ``{argument: shape}``, e.g. ``{"weights": (2, 2, 3)}``.
        n_features: the number of input angles per sample.
        trainable_inputs: also differentiate the input angles, as when a trainable classical
            layer sits before the circuit.

    Example:
        >>> parameter_shift_circuits(forum_circuit(2), {"weights": (2, 2, 3)}, 2)  # 12 angles
        24
    """
    return _shift_count(qnode, weight_shapes, n_features, bool(trainable_inputs))[1]


def training_executions(
    n_train: int, epochs: int, circuits_per_gradient: int, *, forward: int = 1
) -> int:
    """The circuit executions of a training run: ``epochs × n_train × (forward + gradient)``.
    Not used by a notebook; for your own experiments.

    On hardware each sample's output (needed for the loss and the classical layers' gradients)
    is ``forward`` circuit runs and its gradient ``circuits_per_gradient`` more, every epoch.
    Evaluating validation or test data between epochs is not included.

    Example:
        >>> training_executions(n_train=225, epochs=40, circuits_per_gradient=24)
        225000
    """
    n_train = check_int(n_train, "n_train", minimum=1, fix="count the training samples")
    epochs = check_int(epochs, "epochs", minimum=1, fix="a run trains for at least 1 epoch")
    gradient = check_int(
        circuits_per_gradient,
        "circuits_per_gradient",
        minimum=1,
        fix="count them with parameter_shift_circuits",
    )
    forward = check_int(forward, "forward", minimum=1, fix="one run per sample: forward=1")
    return epochs * n_train * (forward + gradient)


def _check_runs(executions: Any, shots: Any) -> tuple[int, int]:
    fix = "count them with training_executions"
    executions = check_int(executions, "executions", minimum=1, fix=fix)
    return executions, check_int(shots, "shots", minimum=1, fix="e.g. shots=1000")


def _check_seconds(value: Any, name: str, *, allow_zero: bool) -> float:
    if not is_real(value) or value < 0 or (value == 0 and not allow_zero):
        what = "a non-negative" if allow_zero else "a positive"
        raise ValueError(
            f"{name} must be {what} number of seconds, got {value!r}; e.g. the defaults, "
            f"from {VLQ_GUIDE_URL}"
        )
    return float(value)


def qpu_seconds(
    executions: int,
    shots: int,
    *,
    per_shot_s: float = VLQ_TIMING.per_shot_s,
    min_per_job_s: float = VLQ_TIMING.min_per_job_s,
    circuits_per_job: int = 1,
) -> float:
    """Billed QPU seconds: ``jobs × max(shots per job × per_shot_s, min_per_job_s)``.
    Not used by a notebook; for your own experiments.

    IT4I's VLQ rule (:data:`VLQ_TIMING`; queueing latency is not billed). With
    ``circuits_per_job > 1`` several circuits share a job: the jobs hold ``circuits_per_job ×
    shots`` shots each, the last one the remaining circuits.

    Args:
        executions: circuit runs, e.g. from :func:`training_executions`.
        shots: shots per circuit run.
        per_shot_s: billed seconds per shot.
        min_per_job_s: the least a job is billed, however few its shots.
        circuits_per_job: circuits sent together in one job.

    Example:
        >>> qpu_seconds(4, 1000)  # the guide's example: 4 × max(0.4 s, 0.9 s)
        3.6
    """
    executions, shots = _check_runs(executions, shots)
    per_job = check_int(circuits_per_job, "circuits_per_job", minimum=1, fix="1: no batching")
    per_shot_s = _check_seconds(per_shot_s, "per_shot_s", allow_zero=False)
    min_per_job_s = _check_seconds(min_per_job_s, "min_per_job_s", allow_zero=True)
    full_jobs, rest = divmod(executions, per_job)
    seconds = full_jobs * max(per_job * shots * per_shot_s, min_per_job_s)
    if rest:
        seconds += max(rest * shots * per_shot_s, min_per_job_s)
    return round(seconds, 9)


def qpu_cost_usd(executions: int, shots: int, price: QPUPrice) -> float:
    """Price of ``executions`` circuit runs: ``executions × (per_task + shots × per_shot)``.
    Not used by a notebook; for your own experiments.

    Example:
        >>> qpu_cost_usd(10, 1000, BRAKET_PRICES[3])  # Rigetti Ankaa: 10 × (0.30 + 0.90)
        12.0
    """
    executions, shots = _check_runs(executions, shots)
    if not isinstance(price, QPUPrice):
        raise ValueError(f"price must be a QPUPrice, got {price!r}; e.g. BRAKET_PRICES[0]")
    return round(executions * price.per_task_usd + executions * shots * price.per_shot_usd, 6)


def course_recipes() -> list[Recipe]:
    """The course's training runs at their full-mode sizes, one :class:`Recipe` each.
    Introduced in notebook 06.

    Training sizes come from the course's data builders; notebook 02's recipe trains on the
    80% left after its validation split, and stops early, so its 60 epochs are an upper bound.

    Example:
        >>> [r.n_train for r in course_recipes()]
        [225, 225, 180, 426, 426, 150]
    """
    moons = make_moons_dataset(n_samples=300, seed=0)  # notebooks 01 and 02
    fitted = validation_split(moons.x_train, moons.y_train, 0.2)[0]  # 02's recipe
    n_moons, n_fitted = len(moons.x_train), len(fitted)
    n_cancer = len(make_breast_cancer_dataset().x_train)
    n_circles = len(make_circles_dataset(n_samples=200).x_train)
    forum2 = (forum_circuit(2), {"weights": (2, 2, 3)}, 2)  # (qnode, weight_shapes, n_features)
    forum4 = (forum_circuit(4), {"weights": (2, 4, 3)}, 4)
    reupload = (reuploading_circuit(2, 3), {"weights": (3, 2, 3)}, 2)
    runs = [  # name, circuit, n_train, epochs, trainable_inputs
        ("01 baseline", forum2, n_moons, 40, False),
        ("02 forum head, ~1000 epochs", forum2, n_moons, 1000, False),
        ("02 recipe (≤ 60 epochs)", forum2, n_fitted, 60, False),
        ("03 classical→quantum, frozen pretrained extractor", forum4, n_cancer, 30, False),
        ("03 classical→quantum, extractor trained from scratch", forum4, n_cancer, 30, True),
        ("04 re-uploading, 3 blocks", reupload, n_circles, 40, False),
    ]
    return [Recipe(name, name[:2], *circuit, *sizes) for name, circuit, *sizes in runs]


def _list_of(items: Any, kind: type, name: str, example: str) -> list[Any]:
    listed = list(items) if isinstance(items, Sequence) and not isinstance(items, str) else []
    if not listed or not all(isinstance(item, kind) for item in listed):
        raise ValueError(
            f"{name} must be a non-empty list of {kind.__name__}, got {items!r}; e.g. {example}"
        )
    return listed


def cost_table(
    recipes: Sequence[Recipe], shots: int = 1000, prices: Sequence[QPUPrice] = BRAKET_PRICES
) -> pd.DataFrame:
    """One row per training run: circuits, shots, billed QPU hours and price on each QPU.
    Introduced in notebook 06.

    "trainable gate angles" are the angles the gradient differentiates (the weights' and, with
    trainable inputs, the input angles). "QPU hours, one circuit per job" bills every circuit
    run as a job of at least 0.9 s; "perfect batching" bills only the shots (total shots × 400
    µs). A row is one training run of one seed; the notebooks train several seeds.

    Args:
        recipes: the runs, e.g. :func:`course_recipes`.
        shots: shots per circuit run (each expectation value is estimated from them).
        prices: one cost column (``"USD, <provider> <device>"``) per price.

    Example:
        >>> table = cost_table(course_recipes(), shots=1000)
        >>> table[["notebook", "qubits", "circuits per gradient"]].head(2)
          notebook  qubits  circuits per gradient
        0       01       2                     24
        1       02       2                     24
    """
    shots = check_int(shots, "shots", minimum=1, fix="e.g. shots=1000")
    recipes = _list_of(recipes, Recipe, "recipes", "course_recipes()")
    prices = _list_of(prices, QPUPrice, "prices", "BRAKET_PRICES")
    rows = []
    for r in recipes:
        angles, circuits = _shift_count(r.qnode, r.weight_shapes, r.n_features, r.trainable_inputs)
        executions = training_executions(r.n_train, r.epochs, circuits)
        batched = qpu_seconds(executions, shots, circuits_per_job=executions)
        row = {
            "recipe": r.name,
            "notebook": r.notebook,
            "qubits": len(r.qnode.device.wires),
            "trainable gate angles": angles,
            "circuits per gradient": circuits,
            "executions": executions,
            "total shots": executions * shots,
            "QPU hours, one circuit per job": qpu_seconds(executions, shots) / 3600,
            "QPU hours, perfect batching": batched / 3600,
        }
        for p in prices:
            row[f"USD, {p.provider} {p.device}"] = qpu_cost_usd(executions, shots, p)
        rows.append(row)
    return pd.DataFrame(rows)
