"""Where generated files go, and saving and loading models.

* :func:`outputs_dir`: the repository's git-ignored ``outputs/`` folder (or a subfolder), the
  only place the course writes or deletes anything, whatever path a caller passes;
* :func:`save_and_reload`: a model saved both ways Keras 3 offers (``.keras`` and
  ``.weights.h5``) and loaded back.

Introduced in notebook 03 (pretraining, saving and freezing).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import keras

REPO_ROOT: Path = Path(__file__).resolve().parents[1]
"""The repository's root folder (the parent of ``helpers/``)."""


def _outputs_root(root: Path | None) -> Path:
    """The resolved ``<root>/outputs`` path, checked but not created."""
    if root is None and not (REPO_ROOT / "pyproject.toml").is_file():
        raise ValueError(
            f"helpers is not installed from the course repository ({REPO_ROOT} has no "
            "pyproject.toml), so there is no repository outputs/ folder; install it with "
            "`pip install -e .` from the repository, or pass root=<the repository folder>."
        )
    base = Path(root if root is not None else REPO_ROOT).resolve()
    outputs = base / "outputs"
    if outputs.resolve() != outputs:
        raise ValueError(
            f"{outputs} is a symlink to {outputs.resolve()}, so files meant for outputs/ would "
            "land elsewhere; replace the symlink with a plain folder (rm the link, then "
            "mkdir outputs)."
        )
    return outputs


def outputs_dir(*parts: str, clean: bool = False, root: Path | None = None) -> Path:
    """The repository's git-ignored ``outputs/`` folder, or a subfolder of it, created if needed.
    Introduced in notebook 03.

    Nothing outside ``<root>/outputs/`` is ever created or deleted: every argument is checked
    before the first file-system change.

    Args:
        *parts: subfolder names below ``outputs/``, e.g. ``outputs_dir("03_pretraining")``;
            non-empty strings, relative, that stay below ``outputs/`` once resolved (no ``..``
            that leads out, no symlink that leads out).
        clean: delete the subfolder's contents first (only a subfolder, never ``outputs/``
            itself), so a rerun starts from an empty folder.
        root: the repository root (tests pass a temporary folder).

    Returns:
        The absolute path of the folder.

    Raises:
        ValueError: if a part is not a non-empty string, is an absolute path, or the folder would
            resolve outside ``<root>/outputs/`` (``..``, a symlink, or ``outputs/`` itself being a
            symlink); if ``clean=True`` names ``outputs/`` itself; if the path is a file.

    Example:
        >>> folder = outputs_dir("03_pretraining")
        >>> folder.name, folder.parent.name
        ('03_pretraining', 'outputs')
    """
    for part in parts:
        if not isinstance(part, str) or not part:
            raise ValueError(
                f"outputs_dir takes subfolder names as non-empty strings, got {part!r} in "
                f"{parts!r}; pass names such as outputs_dir('03_pretraining', 'models')."
            )
        if Path(part).is_absolute():
            raise ValueError(
                f"outputs_dir got the absolute path {part!r}; it only makes subfolders of "
                "outputs/, so pass a relative name such as outputs_dir('03_pretraining')."
            )
    if not isinstance(clean, bool):
        raise ValueError(f"clean must be True or False, got {clean!r}")
    outputs = _outputs_root(root)
    folder = outputs.joinpath(*parts).resolve()
    if not folder.is_relative_to(outputs):
        raise ValueError(
            f"outputs_dir{parts!r} resolves to {folder}, outside the outputs folder {outputs}; "
            "pass subfolder names that stay below outputs/ (no '..' and no symlink that leads "
            "out), e.g. outputs_dir('03_pretraining')."
        )
    if folder.exists() and not folder.is_dir():
        raise ValueError(
            f"outputs_dir{parts!r} is the file {folder}, not a folder; pick another subfolder "
            "name, or delete that file."
        )
    if clean:
        if folder == outputs:
            raise ValueError(
                "clean=True would delete all of outputs/; name a subfolder to clean, e.g. "
                "outputs_dir('03_pretraining', clean=True)."
            )
        if folder.exists():
            shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _check_file_stem(name: Any) -> None:
    problem = None
    if not isinstance(name, str):
        problem = f"a str, got {type(name).__name__} {name!r}"
    elif name in {"", ".", ".."} or "/" in name or "\\" in name or name.startswith("."):
        problem = f"a plain file stem, got {name!r}"
    elif Path(name).suffix.lower() in {".keras", ".h5"}:
        problem = f"a file stem without a suffix, got {name!r}"
    if problem:
        raise ValueError(
            f"name must be {problem}; use a plain file stem such as 'pretrained' (no folder, no "
            "leading '.', no suffix): the function adds '.keras' and '.weights.h5' itself and "
            "writes into `directory`."
        )


def _writable_file(path: Path, outputs: Path) -> Path:
    """``path``, checked before anything is written: not a link that leads out of ``outputs``
    (writing through it would overwrite the link's target), not a folder."""
    if path.resolve() != path and not path.resolve().is_relative_to(outputs):
        raise ValueError(
            f"{path} is a symlink to {path.resolve()}, outside the outputs folder {outputs}; "
            "saving would overwrite that file. Delete the link (or pick another name) and save "
            "again."
        )
    if path.is_dir():
        raise ValueError(f"{path} is a folder, not a file; pick another name, or delete it.")
    return path


def _write_atomically(path: Path, write: Any) -> None:
    """Calls ``write(temporary)`` for a new file next to ``path``, then renames it to ``path``:
    a failed or interrupted save leaves the old file as it was. Renaming replaces a link
    itself, never the file it points to."""
    suffix = "".join(path.suffixes[-2:]) if path.name.endswith(".weights.h5") else path.suffix
    handle, temporary = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=suffix, dir=path.parent)
    os.close(handle)
    os.unlink(temporary)  # a free name only: Keras creates the file itself
    try:
        write(temporary)
        os.replace(temporary, path)
    finally:
        if os.path.lexists(temporary):
            os.unlink(temporary)


def save_and_reload(
    model: keras.Model,
    name: str,
    custom_objects: Mapping[str, Any] | None = None,
    directory: Path | None = None,
    *,
    root: Path | None = None,
) -> tuple[keras.Model, keras.Model]:
    """Saves ``model`` both ways Keras 3 offers and loads each file back.
    Introduced in notebook 03.

    * ``<name>.keras``: architecture, weights, ``trainable`` flags and (if compiled) the
      optimizer and its state; loaded with ``keras.models.load_model(path, custom_objects=...)``.
    * ``<name>.weights.h5``: the weights (Keras 3 requires this suffix; for a compiled model that
      has trained, the optimizer's state too); loaded with ``load_weights`` into a fresh model
      rebuilt from the architecture (``keras.models.model_from_json(model.to_json())``, compiled
      like the original), as your own builder code would build it.

    A model with a :class:`helpers.KerasLayer` needs its QNode passed back in, under the QNode
    function's name: ``custom_objects={"circuit": circuit}``.

    Both files go inside the outputs folder (:func:`outputs_dir`); ``name``, ``directory`` and
    the two file paths (no symlink that leads out) are checked before anything is written, and
    each file is written to a temporary name and renamed into place, so a failed save leaves
    the previous file intact.

    Args:
        model: a built model.
        name: a plain file stem: no suffix, no folder, not starting with ``.``.
        custom_objects: objects the files cannot store (the QNode).
        directory: an existing folder inside ``outputs_dir(root=root)``, e.g. one returned by
            ``outputs_dir("03_pretraining")``; defaults to ``outputs_dir(root=root)``.
        root: the repository root, as for :func:`outputs_dir` (tests pass a temporary folder).

    Returns:
        ``(model loaded from .keras, fresh model with weights loaded from .weights.h5)``.

    Raises:
        ValueError: if ``name`` is not a plain file stem, or ``directory`` is not an existing
            folder inside the outputs folder.

    Example:
        >>> model = build_classical_model(2, param_budget=21)
        >>> from_keras, from_weights = save_and_reload(model, "doctest_pretrained")
        >>> weights_equal(from_keras, model) and weights_equal(from_weights, model)
        True
    """
    _check_file_stem(name)
    if directory is None:
        folder = outputs_dir(root=root)
    else:
        try:
            folder = Path(directory).resolve()
        except TypeError:
            raise ValueError(
                f"directory must be a folder path (str or pathlib.Path), got "
                f"{type(directory).__name__} {directory!r}; e.g. directory=outputs_dir('03')."
            ) from None
        outputs = _outputs_root(root)
        if not folder.is_relative_to(outputs):
            raise ValueError(
                f"directory {directory!s} resolves to {folder}, outside the outputs folder "
                f"{outputs}; save into a subfolder of outputs/, e.g. "
                "directory=outputs_dir('03_pretraining'), or leave directory out."
            )
        if not folder.is_dir():
            raise ValueError(
                f"directory {folder} is not an existing folder; create it with "
                "outputs_dir('<name>') and pass what it returns."
            )
    outputs = _outputs_root(root)
    keras_path = _writable_file(folder / f"{name}.keras", outputs)
    weights_path = _writable_file(folder / f"{name}.weights.h5", outputs)
    _write_atomically(keras_path, model.save)
    _write_atomically(weights_path, model.save_weights)
    objects = dict(custom_objects or {})
    from_keras = keras.models.load_model(keras_path, custom_objects=objects)
    fresh = keras.models.model_from_json(model.to_json(), custom_objects=objects)
    fresh.load_weights(weights_path)
    return from_keras, fresh
