"""helpers._quiet: no TensorFlow start-up lines, PennyLane's TF deprecation warning once.

The end-to-end cases run a fresh interpreter (TensorFlow prints its start-up lines once per
process, at import) and read its stderr; the others test the mechanism in this process.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import textwrap
import warnings

from helpers import _quiet

import pytest
from harness import ROOT
from pennylane.exceptions import _TF_DEPRECATION_MSG, PennyLaneDeprecationWarning

START_UP = re.compile(r"absl::|oneDNN|cpu_feature_guard|rebuild TensorFlow|^[IWE]\d{4} ", re.M)

# helpers first: TensorFlow prints its start-up lines at import, so whatever imports it first
# (here helpers, through Keras) is where they are caught.
IMPORTS = """
import sys

import helpers  # noqa: I001

import keras
import numpy as np
import pennylane as qml
"""
FIT_TWICE = """
def fit_twice(seed=0):
    dev = qml.device("default.qubit", wires=2)

    @qml.qnode(dev)
    def circuit(inputs, weights):
        qml.AngleEmbedding(inputs, wires=range(2))
        qml.BasicEntanglerLayers(weights, wires=range(2))
        return [qml.expval(qml.PauliZ(w)) for w in range(2)]

    x = np.random.default_rng(seed).uniform(size=(8, 2))
    y = (x[:, 0] > 0.5).astype("float32")
    for _ in range(2):
        layer = helpers.KerasLayer(circuit, {"weights": (1, 2)}, output_dim=2)
        model = keras.Sequential([keras.Input((2,)), layer, keras.layers.Dense(1)])
        model.compile("sgd", "mse")
        model.fit(x, y, epochs=1, batch_size=4, verbose=0)
    return "tensorflow" in sys.modules
"""


def check_clean(stderr: str, deprecations: int) -> None:
    noise = START_UP.findall(stderr)
    assert not noise, f"TensorFlow start-up lines in stderr ({noise}):\n{stderr}"
    assert stderr.count(_quiet.TF_DEPRECATION) == deprecations, stderr
    assert str(ROOT) not in stderr, f"an absolute path in stderr:\n{stderr}"


@pytest.mark.slow
def test_fitting_twice_prints_only_one_deprecation_warning(fresh_python):
    run = fresh_python(IMPORTS + FIT_TWICE + "\nprint(fit_twice())\n", clean_env=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "True"
    check_clean(run.stderr, deprecations=1)
    assert "helpers/quantum_layer/_tensorflow.py:" in run.stderr  # where, relative


#: The function travels to the workers by value (it is defined in the script), so unpickling it
#: imports its globals in cloudpickle's order, ``keras.random`` before ``helpers``: the case
#: that leaked TensorFlow's start-up lines from every worker on some CPUs. As in a notebook,
#: a worker must not get ``helpers`` from the main module: Dask's workers start by importing
#: the script again, so its imports sit under the ``__main__`` guard.
COURSE_WORKERS = (
    FIT_TWICE
    + """
if __name__ == "__main__":
"""
    + textwrap.indent(IMPORTS, "    ")
    + """
    print(helpers.run_tasks(fit_twice, [(0,), (1,)], n_jobs=2))
    with helpers.local_cluster(2) as client:
        print(helpers.run_tasks(fit_twice, [(0,), (1,)], scheduler=client))
"""
)


@pytest.mark.slow
def test_course_workers_print_nothing(fresh_python):
    # Meaningful only where a bare import prints TensorFlow's lines (the oneDNN notice depends
    # on the CPU): there, a worker that imports Keras before helpers leaks them.
    bare = fresh_python("import tensorflow\n", clean_env=True)
    if not START_UP.search(bare.stderr):
        pytest.skip("a bare `import tensorflow` prints no start-up line on this CPU")
    run = fresh_python(COURSE_WORKERS, clean_env=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["[True,", "True]", "[True,", "True]"]
    check_clean(run.stderr, deprecations=0)  # the workers fit; the main process never did


@pytest.mark.slow
def test_jax_backend_imports_no_tensorflow_and_loky_replacement_warning_is_ignored(fresh_python):
    code = (
        "import sys, warnings\n"
        "import helpers\n"
        "print('tensorflow' in sys.modules)\n"
        f"warnings.warn({_quiet.WORKER_STOPPED!r} + '. This can be caused by ...', UserWarning)\n"
        "warnings.warn('A worker said something else', UserWarning)\n"
    )
    run = fresh_python(code, backend="jax")
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "False"
    assert "something else" in run.stderr
    assert _quiet.WORKER_STOPPED not in run.stderr


def test_import_quietly_drops_start_up_lines_only(tmp_path, monkeypatch, capfd):
    (tmp_path / "noisy_start.py").write_text(
        "import os\n"
        "os.write(2, b'WARNING: All log messages before absl::InitializeLog() is called are "
        "written to STDERR\\n')\n"
        "os.write(2, b'I0000 00:00:1796.5   12 port.cc:153] oneDNN custom operations are on.\\n')\n"
        "os.write(2, b'a C++ error worth reading\\n')\n"
    )
    (tmp_path / "broken_start.py").write_text("raise ImportError('a real problem')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    _quiet.import_quietly("noisy_start")
    with pytest.raises(ImportError, match="a real problem"):
        _quiet.import_quietly("broken_start")
    os.write(2, b"fd 2 restored\n")
    err = capfd.readouterr().err
    assert err == "a C++ error worth reading\nfd 2 restored\n"


def test_other_warnings_pass_through_unchanged():
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("always")
        with _quiet.tf_interface_warning():
            warnings.warn("something else", RuntimeWarning, stacklevel=1)
    assert [(w.category, str(w.message), w.filename) for w in shown] == [
        (RuntimeWarning, "something else", __file__)
    ]


def _deprecations_shown_in_child(_: int) -> int:
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("always")
        with _quiet.tf_interface_warning():
            warnings.warn(_TF_DEPRECATION_MSG, PennyLaneDeprecationWarning, stacklevel=1)
    return len(shown)


def test_worker_processes_drop_the_deprecation_warning():
    with multiprocessing.get_context("fork").Pool(1) as pool:
        assert pool.map(_deprecations_shown_in_child, [0]) == [0]
