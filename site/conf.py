"""Sphinx configuration of the course website (README, "Read it as a website").

Build from the repository root (warnings are errors, output in the git-ignored outputs/):

    sphinx-build -W --keep-going -c site -b html . outputs/site

The source folder is the repository root, so the committed README, notebooks, solutions and docs
are the pages themselves, never copies. Notebooks are not executed: their committed full-mode
outputs are the content. The README's "Learning path" table is the single source of the page
order and of each notebook's header (question, prerequisites, run times, download link).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from sphinx.application import Sphinx

REPO = Path(__file__).resolve().parent.parent

project = "Hybrid quantum-classical neural networks with PennyLane and Keras 3"
author = "the course authors"
html_title = "Hybrid QNNs with PennyLane and Keras 3"

extensions = ["myst_nb"]

# The landing page is the README itself; outputs/site/index.html sends the browser there.
root_doc = "README"
templates_path = ["_templates"]
html_additional_pages = {"index": "redirect.html"}

# Only these files are pages; the folders below are pruned so the build never walks them.
include_patterns = [
    "README.md",
    "notebooks/[0-9]*.ipynb",
    "notebooks/solutions/*.ipynb",
    "docs/*.md",
    "helpers/README.md",
    "data/README.md",
]
exclude_patterns = [
    ".git",
    ".venv",
    ".ci-venv",
    ".ci-venv-313",
    "outputs",
    "site",
    "**/.ipynb_checkpoints",
    "**/__pycache__",
]

# MyST-NB: the committed outputs are shown as they are; nothing runs at build time.
nb_execution_mode = "off"
# $...$ and $$...$$ maths in notebooks and docs; GitHub-style anchors (README#learning-path).
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3

html_theme = "sphinx_book_theme"
html_theme_options = {
    "home_page_in_toc": True,
    "use_download_button": True,  # the page's source: a notebook page offers its .ipynb
    "show_toc_level": 2,
}
# Without a default mode the pydata theme (under the book theme) logs a console error, "Got
# invalid theme mode", on a reader's first visit; "auto" follows the system's light or dark mode.
html_context = {"default_mode": "auto"}
# An icon of its own: otherwise the browser asks the server for /favicon.ico and gets a 404.
html_favicon = "_static/favicon.svg"
html_sourcelink_suffix = ""  # so the download button gives 01_....ipynb, not 01_....ipynb.txt


@dataclass(frozen=True)
class Notebook:
    """One row of the README's learning-path table."""

    number: str  # "01"
    title: str  # "The quantum-then-classical baseline"
    path: str  # "notebooks/01_quantum_then_classical_baseline.ipynb"
    question: str
    needs: tuple[str, ...]  # ("00",); () for none
    full: str  # "3 min 14 s"
    quick: str

    @property
    def docname(self) -> str:
        """Sphinx's name for the notebook's page, e.g. ``notebooks/01_quantum_then_...``."""
        return self.path.removesuffix(".ipynb")

    @property
    def solutions_docname(self) -> str:
        """The page of its worked solutions, e.g. ``notebooks/solutions/01_solutions``."""
        return f"notebooks/solutions/{self.number}_solutions"


def _needs(cell: str) -> tuple[str, ...]:
    """Prerequisites from the table's "needs" cell: "–", "00", "01, 02" or "01-04".

    >>> _needs("01-04")
    ('01', '02', '03', '04')
    """
    numbers: list[str] = []
    for part in re.findall(r"\d+(?:-\d+)?", cell):
        first, _, last = part.partition("-")
        width = len(first)
        numbers += [f"{n:0{width}d}" for n in range(int(first), int(last or first) + 1)]
    return tuple(numbers)


def learning_path(readme: Path = REPO / "README.md") -> list[Notebook]:
    """The notebooks of the README's "Learning path" table, in table order.

    >>> learning_path()[1].number, learning_path()[1].needs
    ('01', ('00',))
    """
    text = readme.read_text(encoding="utf-8")
    section = text.split("\n## Learning path\n", 1)[1].split("\n## ", 1)[0]
    notebooks = []
    for line in section.splitlines():
        if not re.match(r"\|\s*\d", line):
            continue  # header, separator, total and prose lines
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 7:
            raise ValueError(
                f"README learning-path row has {len(cells)} cells, expected 7 "
                f"(#, notebook, question, key skills, needs, full, quick): {line!r}"
            )
        number, link, question, _skills, needs, full, quick = cells
        match = re.fullmatch(r"\[(.+)\]\((notebooks/.+\.ipynb)\)", link)
        if match is None:
            raise ValueError(f"expected [title](notebooks/NN_name.ipynb), got {link!r}")
        notebooks.append(Notebook(number, *match.groups(), question, _needs(needs), full, quick))
    if not notebooks:
        raise ValueError("no notebook rows found under '## Learning path' in README.md")
    return notebooks


NOTEBOOKS = learning_path()

# A website has no folder listings: a link to a repository folder goes to the page standing for
# it. Keyed by page, then by the link's target as written in that page.
FOLDER_LINKS = {
    "README": {"notebooks/solutions/": "notebooks/solutions/00_solutions.ipynb"},
    "docs/migration_guide": {
        "../helpers/quantum_layer/": "../helpers/README.md#quantum_layer-the-keras-3-quantum-layer"
    },
}


def _toctrees() -> str:
    """Hidden toctrees appended to the README page: the site's navigation, in learning order."""
    notebooks = [f"{nb.number} - {nb.title} <{nb.docname}>" for nb in NOTEBOOKS]
    solutions = [f"{nb.number} - {nb.title} <{nb.solutions_docname}>" for nb in NOTEBOOKS]
    guides = ["docs/migration_guide", "docs/workshop"]
    reference = ["helpers/README", "data/README"]
    parts = []
    for caption, entries in [
        ("Notebooks", notebooks),
        ("Solutions", solutions),
        ("Guides", guides),
        ("Reference", reference),
    ]:
        body = "\n".join(entries)
        parts.append(f"\n\n```{{toctree}}\n:hidden:\n:caption: {caption}\n\n{body}\n```\n")
    return "".join(parts)


def _notebook_header(nb: Notebook) -> str:
    """The box under a notebook's title: question, prerequisites, run times, download link."""
    by_number = {other.number: other for other in NOTEBOOKS}
    needs = ", ".join(
        f"[{n} - {by_number[n].title}]({Path(by_number[n].path).name})" for n in nb.needs
    )
    name = Path(nb.path).name
    question = nb.question[:1].upper() + nb.question[1:]
    return (
        "\n\n```{admonition} Before you start\n:class: tip\n\n"
        f"- **The question:** {question}\n"
        f"- **Prerequisites:** {needs or 'none; start here'}\n"
        f"- **Run time on 2 CPU cores:** {nb.full} in full mode (the outputs on this page), "
        f"{nb.quick} in quick mode ([learning path](../README.md#learning-path))\n"
        f"- **Download:** {{download}}`{name} <{name}>`, then open it with `jupyter lab`\n"
        "```\n"
    )


def _solutions_header(nb: Notebook) -> str:
    """The box under a solutions notebook's title: which notebook it solves, download link."""
    name = f"{nb.number}_solutions.ipynb"
    return (
        "\n\n```{admonition} Solutions\n:class: note\n\n"
        f"- **Solves the exercises of:** [{nb.number} - {nb.title}](../{Path(nb.path).name})\n"
        f"- **Download:** {{download}}`{name} <{name}>`\n"
        "```\n"
    )


def _after_title(notebook_json: str, header: str) -> str:
    """The notebook with ``header`` inserted after the title line of its first cell."""
    notebook = json.loads(notebook_json)
    first = notebook["cells"][0]
    source = "".join(first["source"])
    if first["cell_type"] != "markdown" or not source.startswith("# "):
        raise ValueError("expected the notebook's first cell to start with its '# ' title")
    title, _, rest = source.partition("\n")
    first["source"] = title + header + "\n" + rest
    return json.dumps(notebook)


def add_navigation_and_headers(app: Sphinx, docname: str, source: list[str]) -> None:
    """Sphinx ``source-read`` hook: folder links, the README's navigation, notebook headers.

    Only the text Sphinx reads is changed; the files on disk stay as committed.
    """
    for folder, page in FOLDER_LINKS.get(docname, {}).items():
        if f"]({folder})" not in source[0]:
            raise ValueError(f"{docname} no longer links to {folder}; update FOLDER_LINKS")
        source[0] = source[0].replace(f"]({folder})", f"]({page})")
    if docname == root_doc:
        source[0] += _toctrees()
        return
    for nb in NOTEBOOKS:
        if docname == nb.docname:
            source[0] = _after_title(source[0], _notebook_header(nb))
        elif docname == nb.solutions_docname:
            source[0] = _after_title(source[0], _solutions_header(nb))


def setup(app: Sphinx) -> dict[str, bool]:
    """Connect the hook that adds the navigation and the notebook headers."""
    app.connect("source-read", add_navigation_and_headers)
    return {"parallel_read_safe": True}
