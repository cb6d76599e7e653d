"""helpers/README.md lists every public name, and every name it lists is importable."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import helpers

README = Path(__file__).resolve().parents[1] / "helpers" / "README.md"


def listed_names() -> set[str]:
    """Every name a table row's first cell lists, e.g. `fit_over_seeds(...)`, `models.x(...)`
    or `SETTINGS`, `setting_data(...)` (a backtick opens each name)."""
    names = set()
    for line in README.read_text().splitlines():
        if line.startswith("| `"):
            first_cell = line.split(" | ")[0]
            names.update(re.findall(r"`([A-Za-z_][A-Za-z_.]*)", first_cell))
    return names


def resolve(name: str) -> object:
    """``helpers.<name>``, or ``helpers.<module>.<name>`` for a dotted name not re-exported."""
    first, *rest = name.split(".")
    owner = (
        getattr(helpers, first)
        if hasattr(helpers, first)
        else importlib.import_module(f"helpers.{first}")
    )
    for attribute in rest:
        owner = getattr(owner, attribute)
    return owner


def test_every_listed_name_is_importable():
    missing = []
    for name in sorted(listed_names()):
        try:
            resolve(name)
        except (AttributeError, ModuleNotFoundError):
            missing.append(name)
    assert not missing, f"helpers/README.md lists names that do not import: {missing}"


def test_every_public_name_is_listed():
    listed = {name.rsplit(".", 1)[-1] for name in listed_names()}
    unlisted = sorted(set(helpers.__all__) - listed)
    assert not unlisted, f"helpers.__all__ names missing from helpers/README.md: {unlisted}"
