"""Test configuration (repository root, so it applies to `pytest notebooks/...` too): quick mode,
a shared compile cache and the markers of the notebooks.

The kernel that nbmake starts inherits this process's environment, so setting the variable here
makes every notebook run in quick mode. ``COURSE_EXPECTED_MODE`` lets the setup-check notebook
assert that the mode reached its kernel. Run ``COURSE_MODE=full pytest`` to execute the
notebooks at full size.

TensorFlow compiles the quantum layer's circuit with XLA once per process, and the suite starts
dozens of processes (two pytest workers, a kernel per notebook, joblib and Dask workers) that
compile the same circuits. ``--tf_xla_persistent_cache_directory`` keeps each compiled circuit in
the git-ignored ``outputs/xla_cache/``, so a process loads what another one compiled (measured: a
4-qubit model's first ``fit`` 10.4 s without the cache, 5.0 s with it; the same losses). It only
changes where the compiled code comes from, not what runs; delete the folder to start cold.
"""

import json
import os
from functools import cache
from pathlib import Path

os.environ.setdefault("COURSE_MODE", "quick")
os.environ["COURSE_EXPECTED_MODE"] = os.environ["COURSE_MODE"]

# Not helpers.outputs_dir: importing helpers loads TensorFlow, which reads TF_XLA_FLAGS only once.
XLA_CACHE = Path(__file__).resolve().parent / "outputs" / "xla_cache"
# JAX's own persistent compile cache, for the same reason (on JAX every new model and worker
# compiles its circuit again; measured under load: solutions 02 on JAX 77 s with a warm cache,
# 124-147 s without). JAX reads these variables when it is first imported.
os.environ.setdefault("JAX_COMPILATION_CACHE_DIR", str(XLA_CACHE.parent / "jax_cache"))
os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS", "0")
if "tf_xla_persistent_cache_directory" not in os.environ.get("TF_XLA_FLAGS", ""):
    XLA_CACHE.mkdir(parents=True, exist_ok=True)
    flag = f"--tf_xla_persistent_cache_directory={XLA_CACHE}"
    os.environ["TF_XLA_FLAGS"] = f"{os.environ.get('TF_XLA_FLAGS', '')} {flag}".strip()


#: A notebook that sets this in a code cell runs on JAX whatever KERAS_BACKEND says (06).
PINS_JAX = 'os.environ["KERAS_BACKEND"] = "jax"'
#: The one notebook in the fast tier (`pytest -m "not slow"`): the room's install check.
FAST_NOTEBOOK = "00_setup_check.ipynb"


@cache
def pins_jax(path: Path) -> bool:
    """Whether the notebook at ``path`` sets the JAX backend itself."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    sources = ("".join(cell["source"]) for cell in cells if cell["cell_type"] == "code")
    return any(PINS_JAX in source for source in sources)


def pytest_collection_modifyitems(items: list) -> None:
    """Marks every executed notebook ``notebook``; all but notebook 00 ``slow``; and those that
    run on whatever backend Keras has ``backend`` (`.ci/run` runs them again on JAX)."""
    for item in items:
        path = Path(str(item.fspath))
        if path.suffix != ".ipynb":
            continue
        item.add_marker("notebook")
        if path.name != FAST_NOTEBOOK:
            item.add_marker("slow")
        if not pins_jax(path):
            item.add_marker("backend")
