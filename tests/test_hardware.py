"""Unit tests for helpers.hardware: parameter-shift counts, executions, QPU time, prices, table."""

from __future__ import annotations

import math
import re

from helpers import forum_circuit, reuploading_circuit, trainable_encoding_circuit
from helpers.hardware import (
    BRAKET_PRICES,
    VLQ_TIMING,
    QPUPrice,
    Recipe,
    cost_table,
    course_recipes,
    parameter_shift_circuits,
    qpu_cost_usd,
    qpu_seconds,
    training_executions,
)

import numpy as np
import pennylane as qml
import pytest
from pennylane import numpy as pnp


def _small_circuit():
    """RX(input) on wire 0, RY(w0) on wire 1, CRX(w1) from 0 to 1."""

    @qml.qnode(qml.device("default.qubit", wires=2))
    def circuit(inputs, weights):
        qml.RX(inputs[0], wires=0)
        qml.RY(weights[0], wires=1)
        qml.CRX(weights[1], wires=[0, 1])
        return qml.expval(qml.PauliZ(1))

    return circuit


# ------------------------------------------------------------------ parameter_shift_circuits
@pytest.mark.parametrize(
    ("qnode", "shape", "n_features", "frozen_inputs", "trainable_inputs"),
    [
        # StronglyEntanglingLayers (2, 2, 3): 2 layers x 2 wires x one Rot of 3 angles = 12
        # angles, two shifted circuits each = 24; the 2 AngleEmbedding RX angles add 2 x 2 = 4.
        (forum_circuit(2), (2, 2, 3), 2, 24, 28),
        # 4 qubits: 2 x 4 x 3 = 24 Rot angles -> 48 circuits; 4 RX input angles add 8.
        (forum_circuit(4), (2, 4, 3), 4, 48, 56),
        # re-uploading, 3 blocks: 3 x 2 x 3 = 18 Rot angles -> 36; the inputs enter 3 times,
        # 3 x 2 = 6 separate RX angles, which add 12.
        (reuploading_circuit(2, 3), (3, 2, 3), 2, 36, 48),
        # one block is the forum circuit with one layer: 6 Rot angles -> 12; 2 RX add 4.
        (reuploading_circuit(2, 1), (1, 2, 3), 2, 12, 16),
    ],
)
def test_parameter_shift_circuits_match_hand_counts(
    qnode, shape, n_features, frozen_inputs, trainable_inputs
):
    shapes = {"weights": shape}
    assert parameter_shift_circuits(qnode, shapes, n_features) == frozen_inputs
    assert parameter_shift_circuits(qnode, shapes, n_features, trainable_inputs=True) == (
        trainable_inputs
    )


def test_parameter_shift_circuits_use_each_gate_s_own_rule():
    # RY has a two-term rule (2 circuits), the controlled rotation CRX a four-term rule (4):
    # 2 + 4 = 6, not 2 per angle; the RX input angle adds 2.
    circuit = _small_circuit()
    assert parameter_shift_circuits(circuit, {"weights": 2}, 1) == 6
    assert parameter_shift_circuits(circuit, {"weights": 2}, 1, trainable_inputs=True) == 8


def test_angles_that_mix_inputs_and_weights_count_once():
    # trainable_encoding_circuit(2, 2): each of 2 blocks is one Rot of theta + w * x, so every
    # one of its 6 angles depends on the weights, and the inputs add no new angle: 12 both ways.
    circuit, shapes = trainable_encoding_circuit(2, 2), {"w": (2, 2), "theta": (2, 3)}
    assert parameter_shift_circuits(circuit, shapes, 2) == 12
    assert parameter_shift_circuits(circuit, shapes, 2, trainable_inputs=True) == 12


def test_weight_angles_agree_with_autograd_requires_grad():
    # An independent way to find the weights' angles: PennyLane NumPy arrays that carry
    # requires_grad through the templates to each gate parameter.
    circuit, rng = reuploading_circuit(2, 3), np.random.default_rng(1)
    inputs = pnp.array(rng.uniform(0.2, 1.2, 2), requires_grad=False)
    weights = pnp.array(rng.uniform(0.2, 1.2, (3, 2, 3)), requires_grad=True)
    qnode = circuit.update(interface="autograd")
    tape = qml.workflow.construct_tape(qnode, level="device")(inputs=inputs, weights=weights)
    marked = [i for i, p in enumerate(tape.get_parameters(trainable_only=False)) if p.requires_grad]
    tape.trainable_params = marked
    expected = len(qml.gradients.param_shift(tape)[0])
    assert parameter_shift_circuits(circuit, {"weights": (3, 2, 3)}, 2) == expected == 36


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        # the KerasLayer's own checks and messages (helpers/quantum_layer/_validate.py)
        ({"qnode": "circuit"}, TypeError, "KerasLayer expects a PennyLane QNode, got str"),
        ({"weight_shapes": {}}, ValueError, "weight_shapes must be a non-empty dict"),
        ({"weight_shapes": {"theta": (2, 2, 3)}}, ValueError, "unknown: ['theta']"),
        ({"weight_shapes": {"inputs": (2,)}}, ValueError, "should not have its dimension"),
        ({"weight_shapes": {"weights": (2, -1, 3)}}, ValueError, "is not a non-negative int"),
        ({"weight_shapes": {"weights": (2, 3, 3)}}, ValueError, "could not build the circuit"),
        ({"n_features": 3}, ValueError, "could not build the circuit"),
        ({"n_features": 0}, ValueError, "n_features must be a positive int"),
    ],
)
def test_parameter_shift_circuits_bad_arguments(arguments, error, message):
    given = {"qnode": forum_circuit(2), "weight_shapes": {"weights": (2, 2, 3)}, "n_features": 2}
    with pytest.raises(error, match=re.escape(message)):
        parameter_shift_circuits(**{**given, **arguments})


def test_parameter_shift_circuits_read_weight_shapes_as_the_layer_does():
    # an int 1 is a scalar weight, as in KerasLayer (and the old qml.qnn.KerasLayer)
    device = qml.device("default.qubit", wires=1)

    @qml.qnode(device)
    def scalar(inputs, weights):
        qml.RX(inputs[0] * weights, wires=0)
        return qml.expval(qml.PauliZ(0))

    assert parameter_shift_circuits(scalar, {"weights": 1}, 1) == 2


def test_parameter_shift_circuits_refuse_circuits_it_cannot_count():
    device = qml.device("default.qubit", wires=1)

    @qml.qnode(device)
    def no_inputs(x, weights):
        qml.RX(x[0] * weights[0], wires=0)
        return qml.expval(qml.PauliZ(0))

    @qml.qnode(device)
    def weights_unused(inputs, weights):
        qml.RX(inputs[0], wires=0)
        return qml.expval(qml.PauliZ(0))

    @qml.qnode(device)
    def branching(inputs, weights):
        qml.RX(inputs[0], wires=0)
        if weights[0] > 1.25:  # the gates depend on the values of the weights
            qml.RY(weights[0], wires=0)
        return qml.expval(qml.PauliZ(0))

    with pytest.raises(TypeError, match="QNode must include an argument with name inputs"):
        parameter_shift_circuits(no_inputs, {"weights": (1,)}, 1)
    with pytest.raises(ValueError, match="no gate angle depends on"):
        parameter_shift_circuits(weights_unused, {"weights": (1,)}, 1)
    with pytest.raises(ValueError, match="gates change with the values of 'weights'"):
        parameter_shift_circuits(branching, {"weights": (1,)}, 1)


# ------------------------------------------------------------------------ executions
def test_training_executions_arithmetic():
    # 40 epochs x 225 samples x (1 forward + 24 shifted circuits)
    assert training_executions(225, 40, 24) == 40 * 225 * 25 == 225_000
    assert training_executions(np.int64(10), 3, 6, forward=2) == 3 * 10 * 8
    assert isinstance(training_executions(np.int64(10), 3, 6), int)


@pytest.mark.parametrize("bad", [0, -1, 2.0, True, "3", None])
@pytest.mark.parametrize("name", ["n_train", "epochs", "circuits_per_gradient", "forward"])
def test_training_executions_refuse_bad_counts(name, bad):
    given = {"n_train": 10, "epochs": 2, "circuits_per_gradient": 4, "forward": 1}
    with pytest.raises(ValueError, match=f"{name} must be a positive int, got"):
        training_executions(**{**given, name: bad})


# ---------------------------------------------------------------------- time and prices
def test_qpu_seconds_reproduce_the_it4i_examples():
    # the guide's rows: jobs x max(shots x (350 + circuit µs) x 1e-6, 0.9)
    assert qpu_seconds(4, 1000) == pytest.approx(4 * 0.9) == pytest.approx(3.6)  # 0.4 s < 0.9
    assert qpu_seconds(3, 10_000) == pytest.approx(3 * 4.0) == pytest.approx(12.0)
    assert qpu_seconds(1, 10_000, per_shot_s=370e-6) == pytest.approx(3.7)


def test_qpu_seconds_batching():
    # 10 circuits, 4 per job: jobs of 4, 4 and 2 circuits -> 1.6 + 1.6 + max(0.8, 0.9) s
    assert qpu_seconds(10, 1000, circuits_per_job=4) == pytest.approx(4.1)
    # everything in one job: only the shots count, 225 000 x 1000 x 400 µs = 90 000 s
    assert qpu_seconds(225_000, 1000, circuits_per_job=225_000) == pytest.approx(90_000)
    assert qpu_seconds(2, 100, min_per_job_s=0) == pytest.approx(2 * 100 * 400e-6)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"executions": 0}, "executions must be a positive int"),
        ({"shots": 0}, "shots must be a positive int"),
        ({"shots": 10.5}, "shots must be a positive int"),
        ({"circuits_per_job": 0}, "circuits_per_job must be a positive int"),
        ({"per_shot_s": 0}, "per_shot_s must be a positive number of seconds"),
        ({"per_shot_s": math.nan}, "per_shot_s must be a positive number of seconds"),
        ({"per_shot_s": "400us"}, "per_shot_s must be a positive number of seconds"),
        ({"min_per_job_s": -0.9}, "min_per_job_s must be a non-negative number of seconds"),
        ({"min_per_job_s": True}, "min_per_job_s must be a non-negative number of seconds"),
    ],
)
def test_qpu_seconds_bad_arguments(arguments, message):
    given = {"executions": 4, "shots": 1000}
    with pytest.raises(ValueError, match=message):
        qpu_seconds(**{**given, **arguments})


def test_prices_are_the_braket_page_s():
    table = {(p.provider, p.device): (p.per_task_usd, p.per_shot_usd) for p in BRAKET_PRICES}
    assert table == {
        ("IonQ", "Forte"): (0.30, 0.08),
        ("IonQ", "Aria"): (0.30, 0.03),
        ("IQM", "Garnet"): (0.30, 0.00145),
        ("Rigetti", "Ankaa"): (0.30, 0.0009),
    }
    assert {p.source for p in BRAKET_PRICES} == {"https://aws.amazon.com/braket/pricing/"}
    assert {p.read_on for p in BRAKET_PRICES} == {VLQ_TIMING.read_on} == {"2026-12-01"}
    assert (VLQ_TIMING.per_shot_s, VLQ_TIMING.min_per_job_s) == (400e-6, 0.9)
    assert VLQ_TIMING.source.startswith("https://docs.it4i.cz/")


def test_qpu_cost_usd_one_line():
    forte = next(p for p in BRAKET_PRICES if p.device == "Forte")
    assert qpu_cost_usd(1, 1000, forte) == pytest.approx(0.30 + 1000 * 0.08)  # 80.30 USD
    ankaa = next(p for p in BRAKET_PRICES if p.device == "Ankaa")
    assert qpu_cost_usd(225_000, 1000, ankaa) == pytest.approx(67_500 + 202_500)
    with pytest.raises(ValueError, match="price must be a QPUPrice"):
        qpu_cost_usd(1, 1000, 0.08)
    with pytest.raises(ValueError, match="executions must be a positive int"):
        qpu_cost_usd(-1, 1000, forte)


# ------------------------------------------------------------------------- the table
@pytest.fixture(scope="module")
def recipes():
    return course_recipes()


@pytest.fixture(scope="module")
def table(recipes):
    return cost_table(recipes, shots=1000)


def test_course_recipes_sizes(recipes):
    # moons 300 -> 225 train (02's recipe: 80% of it, 180), breast cancer 426, circles 150
    assert [r.n_train for r in recipes] == [225, 225, 180, 426, 426, 150]
    assert [r.epochs for r in recipes] == [40, 1000, 60, 30, 30, 40]
    assert [r.trainable_inputs for r in recipes] == [False] * 4 + [True, False]
    assert [r.notebook for r in recipes] == ["01", "02", "02", "03", "03", "04"]


def test_cost_table_has_one_row_per_recipe(recipes, table):
    assert list(table["recipe"]) == [r.name for r in recipes]
    assert list(table.columns[:9]) == [
        "recipe",
        "notebook",
        "qubits",
        "trainable gate angles",
        "circuits per gradient",
        "executions",
        "total shots",
        "QPU hours, one circuit per job",
        "QPU hours, perfect batching",
    ]
    assert list(table.columns[9:]) == [f"USD, {p.provider} {p.device}" for p in BRAKET_PRICES]
    assert list(table["qubits"]) == [2, 2, 2, 4, 4, 2]
    assert list(table["trainable gate angles"]) == [12, 12, 12, 24, 28, 18]
    assert list(table["circuits per gradient"]) == [24, 24, 24, 48, 56, 36]


def test_cost_table_numbers_are_the_functions(recipes, table):
    for recipe, (_, row) in zip(recipes, table.iterrows(), strict=True):
        circuits = parameter_shift_circuits(
            recipe.qnode,
            recipe.weight_shapes,
            recipe.n_features,
            trainable_inputs=recipe.trainable_inputs,
        )
        executions = training_executions(recipe.n_train, recipe.epochs, circuits)
        assert (row["circuits per gradient"], row["executions"]) == (circuits, executions)
        assert row["total shots"] == executions * 1000
        one_per_job = qpu_seconds(executions, 1000) / 3600
        assert row["QPU hours, one circuit per job"] == pytest.approx(one_per_job)
        assert row["QPU hours, one circuit per job"] == pytest.approx(executions * 0.9 / 3600)
        assert row["QPU hours, perfect batching"] == pytest.approx(executions * 1000 * 4e-4 / 3600)
        for price in BRAKET_PRICES:
            column = f"USD, {price.provider} {price.device}"
            assert row[column] == pytest.approx(qpu_cost_usd(executions, 1000, price))
    assert table.loc[0, "executions"] == 225_000  # 01: 225 x 40 x (1 + 24)


def test_cost_table_bad_arguments(recipes):
    with pytest.raises(ValueError, match="shots must be a positive int"):
        cost_table(recipes, shots=0)
    with pytest.raises(ValueError, match="recipes must be a non-empty list of Recipe"):
        cost_table([])
    with pytest.raises(ValueError, match="recipes must be a non-empty list of Recipe"):
        cost_table(recipes[0])
    with pytest.raises(ValueError, match="prices must be a non-empty list of QPUPrice"):
        cost_table(recipes, prices=[0.08])
    custom = QPUPrice("Acme", "Q1", 1.0, 0.0, "https://example.org", "2026-12-01")
    one = cost_table(
        [Recipe("tiny", "--", forum_circuit(2), {"weights": (1, 2, 3)}, 2, 1, 1)],
        shots=10,
        prices=[custom],
    )
    assert one.loc[0, "executions"] == 13  # 1 forward + 6 Rot angles x 2
    assert one.loc[0, "USD, Acme Q1"] == 13.0
