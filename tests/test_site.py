"""The course website (README, "Read it as a website") builds and works in a real browser.

The README's build command runs once per session into a temporary folder, with warnings as
errors. The tests then read the built HTML (every page there, in learning-path order, each
notebook with its header; no relative link or anchor that leads nowhere) and load two pages in
headless Chromium from a local server: the index and notebook 01, which must show the
notebook's title and every figure, with no console errors. Screenshots of both go to the
git-ignored ``outputs/site_screenshots/``. Without Debian's ``chromium`` and ``chromium-driver``
the browser test is skipped with the command that installs them.
"""

from __future__ import annotations

import functools
import http.server
import re
import runpy
import shlex
import tempfile
import threading
import warnings
from collections.abc import Iterator
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import unquote, urlsplit

from helpers.reproducibility import run_python

import pytest
from harness import ROOT, read_notebook
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

# Builds the whole website (about 10 s) and starts a browser: not in the fast tier.
pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOTS = ROOT / "outputs" / "site_screenshots"
NOTEBOOK = "notebooks/01_quantum_then_classical_baseline"  # the page the browser loads


def load_conf() -> SimpleNamespace:
    """The site's ``conf.py`` (it parses the README's learning-path table), as a namespace."""
    return SimpleNamespace(**runpy.run_path(str(ROOT / "site" / "conf.py")))


CONF = load_conf()


def readme_build_command() -> list[str]:
    """The README's one-line build command, split into arguments."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = [line for line in readme.splitlines() if line.startswith("sphinx-build ")]
    assert len(lines) == 1, f"expected one 'sphinx-build' line in README.md, found {lines}"
    return shlex.split(lines[0])


class PageParser(HTMLParser):
    """Collects a page's element ids and its relative link targets (``href`` and ``src``)."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"])
        for name in ("href", "src"):
            target = values.get(name)
            if target and not re.match(r"[a-z][a-z0-9+.-]*:|#|//", target):
                self.links.append(target)  # relative: not http(s)://, mailto:, data: or #only


def parse(page: Path) -> PageParser:
    """The parsed HTML page."""
    parser = PageParser()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def site() -> Iterator[Path]:
    """The site built once with the README's command, into a temporary folder."""
    command = readme_build_command()
    assert command[-1] == "outputs/site", command
    with tempfile.TemporaryDirectory(prefix="course_site_") as tmp:
        out = Path(tmp) / "site"
        result = run_python(args=["-m", "sphinx", *command[1:-1], "-q", str(out)], cwd=ROOT)
        assert result.returncode == 0, f"{shlex.join(command)} failed:\n{result.stderr}"
        yield out


def page_of(docname: str) -> str:
    """The HTML file of a Sphinx document, relative to the site's root."""
    return f"{docname}.html"


def test_every_page_is_built(site: Path) -> None:
    pages = {str(p.relative_to(site)) for p in site.rglob("*.html")}
    expected = {"index.html", "README.html", "docs/migration_guide.html", "docs/workshop.html"}
    for nb in CONF.NOTEBOOKS:
        expected |= {page_of(nb.docname), page_of(nb.solutions_docname)}
    assert expected <= pages, f"missing pages: {sorted(expected - pages)}"
    index = (site / "index.html").read_text(encoding="utf-8")
    assert 'http-equiv="refresh" content="0; url=README.html"' in index


def test_navigation_follows_the_learning_path(site: Path) -> None:
    """The sidebar lists notebooks 00-06, their solutions, then the two guides."""
    sidebar = parse(site / "README.html").links
    order = [page_of(nb.docname) for nb in CONF.NOTEBOOKS]
    order += [page_of(nb.solutions_docname) for nb in CONF.NOTEBOOKS]
    order += ["docs/migration_guide.html", "docs/workshop.html"]
    positions = [sidebar.index(page) for page in order]
    assert positions == sorted(positions), "sidebar order differs from the learning path"


@pytest.mark.parametrize("nb", CONF.NOTEBOOKS, ids=lambda nb: nb.number)
def test_notebook_page_has_its_header(site: Path, nb: Any) -> None:
    """Question, prerequisites, both run times and a download link that works, under the title."""
    page = site / page_of(nb.docname)
    html = page.read_text(encoding="utf-8")
    header = html.split("Before you start", 1)[1].split("</div>", 1)[0]
    header = unescape(re.sub(r"<[^>]+>", "", header))  # the text a reader sees
    for value in (nb.full, nb.quick, *nb.needs, nb.question[1:].replace("`", "")):
        assert value in header, f"{page.name}: header lacks {value!r}"
    name = Path(nb.path).name
    downloads = [link for link in parse(page).links if link.endswith(f"/{name}")]
    assert downloads, f"{page.name}: no download link to {name}"
    committed = (ROOT / nb.path).read_bytes()
    assert all((page.parent / link).read_bytes() == committed for link in downloads)


def test_maths_is_marked_up_for_mathjax(site: Path) -> None:
    """Notebook 04's $...$ maths reaches the page as MathJax input, not as dollar signs."""
    html = (site / "notebooks/04_stacked_layers_vs_reuploading.html").read_text(encoding="utf-8")
    assert html.count('class="math notranslate nohighlight"') >= 10
    assert "mathjax" in html


def test_no_broken_internal_link(site: Path) -> None:
    # Every page; not the theme's Jinja macro files that Sphinx copies into _static/.
    pages = [page.resolve() for page in site.rglob("*.html") if "_static" not in page.parts]
    parsed = {page: parse(page) for page in pages}
    broken = []
    for page, parser in parsed.items():
        for link in parser.links:
            parts = urlsplit(link)
            path, anchor = unquote(parts.path), unquote(parts.fragment)
            target = (page.parent / path).resolve() if path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(site.resolve())}: {link}")
            elif anchor and target in parsed and anchor not in parsed[target].ids:
                broken.append(f"{page.relative_to(site.resolve())}: {link} (no id {anchor!r})")
    assert not broken, "broken links:\n" + "\n".join(broken)


def image_outputs(notebook: Path) -> int:
    """How many figures a committed notebook's outputs hold."""
    return sum(
        any(kind.startswith("image/") for kind in output.get("data", {}))
        for cell in read_notebook(notebook).cells
        for output in cell.get("outputs", [])
    )


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    """The built site on a local HTTP server (a free port, a background thread)."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass  # no request lines in the test output

    handler = functools.partial(Quiet, directory=str(site))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as httpd:
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
        httpd.shutdown()


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    """Headless Chromium driven by Selenium, with a fresh profile and no network calls."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip(
            "Chromium not installed; to run the browser test: "
            "sudo apt-get install chromium chromium-driver"
        )
    with tempfile.TemporaryDirectory(prefix="course_site_chromium_") as profile:
        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        for flag in (
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1280,1600",
            f"--user-data-dir={profile}",
        ):
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
        driver.set_page_load_timeout(20)
        try:
            yield driver
        finally:
            driver.quit()


def console_errors(driver: WebDriver, server: str) -> tuple[list[str], list[str]]:
    """The page's console errors, split: its own, and files of other hosts that did not load.

    This machine has no network, so a file from another host (MathJax, from its CDN) cannot
    load here: that is reported, not failed. Every other console error fails the test.
    """
    own, offline = [], []
    for entry in driver.get_log("browser"):
        if entry["level"] != "SEVERE":
            continue
        message = entry["message"]
        url = message.split(" ", 1)[0]
        elsewhere = re.match(r"https?://", url) and not url.startswith(server)
        failed_load = "Failed to load resource" in message or "net::ERR_" in message
        (offline if elsewhere and failed_load else own).append(message)
    return own, offline


def settle(driver: WebDriver) -> None:
    """Wait until the page and every image in it have loaded."""
    WebDriverWait(driver, 15).until(
        lambda d: d.execute_script(
            "return document.readyState === 'complete' && "
            "Array.from(document.images).every(img => img.complete)"
        )
    )


def screenshot(driver: WebDriver, name: str) -> Path:
    """Save the visible part of the page (1280 pixels wide) to outputs/site_screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    assert driver.save_screenshot(str(path)), f"could not save {path}"
    return path


def test_browser_shows_index_and_notebook(browser: WebDriver, server: str) -> None:
    driver = browser
    driver.get(f"{server}/")  # index.html sends the browser on to the README's page
    settle(driver)
    assert driver.current_url.endswith("/README.html"), driver.current_url
    h1 = driver.find_element("css selector", "article h1").text
    assert "Hybrid quantum-classical neural networks" in h1, h1
    screenshot(driver, "index.png")
    errors, offline = console_errors(driver, server)

    driver.get(f"{server}/{page_of(NOTEBOOK)}")
    settle(driver)
    h1 = driver.find_element("css selector", "article h1").text
    assert h1.startswith("01 - The quantum-then-classical baseline"), h1
    assert "01 - The quantum-then-classical baseline" in driver.title, driver.title
    figures = driver.find_elements("css selector", "article img")
    shown = [
        img for img in figures if driver.execute_script("return arguments[0].naturalWidth", img)
    ]
    expected = image_outputs(ROOT / f"{NOTEBOOK}.ipynb")
    assert len(shown) >= expected, f"{len(shown)} figures shown, the notebook has {expected}"
    screenshot(driver, "notebook_01.png")  # its title and the header box
    driver.execute_script("arguments[0].scrollIntoView()", shown[0])
    screenshot(driver, "notebook_01_figure.png")  # its first figure
    more_errors, more_offline = console_errors(driver, server)

    errors, offline = errors + more_errors, offline + more_offline
    assert not errors, "console errors:\n" + "\n".join(errors)
    assert all("mathjax" in message.lower() for message in offline), offline
    mathjax_loaded = driver.execute_script(
        "return typeof MathJax === 'object' && !!MathJax.typeset"
    )
    if mathjax_loaded:  # with a network: the page's maths is typeset
        WebDriverWait(driver, 15).until(
            lambda d: d.find_elements("css selector", "article mjx-container")
        )
    else:
        warnings.warn(
            f"MathJax did not load (no network here: {offline}); maths not typeset in this run",
            stacklevel=1,
        )
