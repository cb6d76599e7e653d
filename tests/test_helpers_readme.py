"""helpers/README.md lists every public name, and every name it lists is importable."""

from __future__ import annotations

import importlib
import re

import helpers

from harness import ROOT

README = ROOT / "helpers" / "README.md"


def table_rows() -> list[tuple[list[str], list[str]]]:
    """Every table row: the names its first cell lists, e.g. `fit_over_seeds(...)`,
    `models.x(...)` or `SETTINGS`, `setting_data(...)` (a backtick opens each name), and the
    row's cells, stripped."""
    rows = []
    for line in README.read_text().splitlines():
        if line.startswith("| `"):
            cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
            rows.append((re.findall(r"`([A-Za-z_][A-Za-z_.]*)", cells[0]), cells))
    return rows


def listed_names() -> set[str]:
    """Every name a table row's first cell lists."""
    return {name for names, _ in table_rows() for name in names}


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
