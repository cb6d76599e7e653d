"""A Keras 3 quantum layer: the course's replacement for ``qml.qnn.KerasLayer``.

PennyLane removed ``qml.qnn.KerasLayer`` in version 0.42, and it never supported Keras 3.
:class:`KerasLayer` keeps its name and signature,
``KerasLayer(qnode, weight_shapes, output_dim, weight_specs=None, **kwargs)``, so code written
for the old layer runs with one changed import::

    from helpers import KerasLayer          # was: qml.qnn.KerasLayer

The package is split as Keras 3 splits its own code: a backend-independent layer (``_layer``:
signature and shape checks, weights, config, the compiled-function cache; ``_validate`` and
``_saving`` hold its checks and its save/reload logic) and one module per Keras backend, chosen
once at import:

* ``_tensorflow`` (``KERAS_BACKEND=tensorflow``, the default): PennyLane's TensorFlow interface;
  the batch is padded to fixed chunks and each chunk's forward pass and gradient are compiled
  with XLA. PennyLane deprecated this interface; retiring it means deleting this one module.
* ``_jax`` (``KERAS_BACKEND=jax``): PennyLane's JAX interface, its main one, which broadcasts
  over the whole batch under ``jax.jit``; the fastest path.

Introduced in the course foundation; used from notebook 00 on.
"""

from helpers.quantum_layer._layer import BACKEND, KerasLayer

__all__ = ["BACKEND", "KerasLayer"]
