"""Every name in helpers/README.md names the notebook that introduces it, in the README and in
its docstring, and both agree with the notebooks themselves.

The rule (helpers/README.md, top): the notebook that introduces a name is the lowest-numbered
main notebook (``notebooks/NN_*.ipynb``; solutions do not count) whose code cells use it, as
``h.name``, ``helpers.name``, an imported name or a call. A dash means no main notebook uses it.
The notebooks are scanned as they are on disk, with ``ast`` (no kernel, no execution).
"""

from __future__ import annotations

import ast
import inspect
import re
from functools import cache

import pytest
from harness import NOTEBOOK_FOLDER, NOTEBOOKS, read_notebook
from test_helpers_readme import resolve, table_rows

NONE = "—"
SENTENCE = re.compile(
    r"Introduced in notebook (?P<number>\d\d)\.|(?P<none>Not used by a notebook; for your own "
    r"experiments\.)"
)


def readme_rows() -> dict[str, str]:
    """Name → notebook column, for every name in a table with a notebook column (three cells:
    name, what it does, notebook; the layout table has two)."""
    return {name: cells[-1] for names, cells in table_rows() if len(cells) == 3 for name in names}


def code_identifiers(source: str) -> set[str]:
    """Every name a code cell reads: loaded names, attribute names (``h.fit_over_seeds``,
    ``layer.circuit_fingerprint``) and imported names. Magic and shell lines are skipped."""
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    found = set()
    for node in ast.walk(ast.parse("\n".join(lines))):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Store):
            found.add(node.id)
        elif isinstance(node, ast.Attribute):
            found.add(node.attr)
        elif isinstance(node, ast.ImportFrom | ast.Import):
            found.update(alias.asname or alias.name.rsplit(".", 1)[-1] for alias in node.names)
            found.update(alias.name for alias in node.names)
    return found


@cache
def notebook_identifiers() -> dict[str, set[str]]:
    """Notebook number ("00" … "06") → every identifier its code cells use."""
    used = {}
    for path in NOTEBOOKS:
        if path.parent != NOTEBOOK_FOLDER:  # solutions and deep dives introduce nothing
            continue
        code = (cell.source for cell in read_notebook(path).cells if cell.cell_type == "code")
        used[path.name[:2]] = set().union(*(code_identifiers(source) for source in code))
    return used


def first_notebook(name: str) -> str:
    """The lowest-numbered main notebook that uses ``name`` (its last dotted part), or a dash."""
    short = name.rsplit(".", 1)[-1]
    for number, identifiers in notebook_identifiers().items():
        if short in identifiers:
            return number
    return NONE


def docstring_notebook(name: str) -> str | None:
    """What ``name``'s docstring says at the end of its summary paragraph (the text up to the
    first blank line): a notebook number, or a dash for "not used". None if the docstring has
    no such sentence, has several, or has it elsewhere than at the end of the summary."""
    doc = inspect.getdoc(resolve(name)) or ""
    found = list(SENTENCE.finditer(doc))
    summary = doc.split("\n\n", 1)[0]
    if len(found) != 1 or found[0].end() != len(summary):
        return None
    return found[0]["number"] or NONE


@pytest.mark.parametrize("name", sorted(readme_rows()))
def test_readme_names_the_first_notebook(name: str) -> None:
    column, first = readme_rows()[name], first_notebook(name)
    assert column == first, (
        f"helpers/README.md says `{name}` is introduced in notebook {column}, but the first main "
        f"notebook whose code uses it is {first}"
    )


@pytest.mark.parametrize("name", sorted(readme_rows()))
def test_docstring_names_the_first_notebook(name: str) -> None:
    owner = resolve(name)
    if not (inspect.isclass(owner) or inspect.isroutine(owner)):
        pytest.skip(
            f"{name} is a constant without a docstring of its own; the README column is checked"
        )
    said, first = docstring_notebook(name), first_notebook(name)
    expected = (
        "Not used by a notebook; for your own experiments."
        if first == NONE
        else f"Introduced in notebook {first}."
    )
    assert said == first, (
        f"the docstring of `{name}` says notebook {said} (None: no such sentence at the end of "
        f"its summary paragraph, or several), but the first main notebook whose code uses it "
        f"is {first}; it should say {expected!r}"
    )
