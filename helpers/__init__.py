"""Shared code for the hybrid quantum-classical neural network course.

Import what a notebook needs from here, e.g. ``from helpers import KerasLayer, set_seed``.
"""

from helpers.circuits import forum_circuit
from helpers.quantum_layer import BACKEND, KerasLayer
from helpers.reproducibility import set_seed

__all__ = ["BACKEND", "KerasLayer", "forum_circuit", "set_seed"]
