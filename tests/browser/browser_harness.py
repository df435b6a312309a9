"""A real Chromium driving the console against a real server on loopback.

Playwright drives the system's Chromium (Debian's package; Playwright never downloads a
browser here). Without Chromium or without a console build the browser tests skip, unless
``OIAP_TEST_REQUIRE_BROWSER=1`` (set by ``.ci/run``) makes that a failure.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from harness import REPO

CONSOLE_DIST = REPO / "src" / "oiap" / "api" / "console" / "dist"
AXE = REPO / "console" / "node_modules" / "axe-core" / "axe.min.js"
# Tests write only into temporary folders; `make console-screenshots` points this at
# docs/console/ to refresh the guide's pictures.
SCREENSHOTS = Path(
    os.environ.get("OIAP_TEST_SCREENSHOTS") or tempfile.mkdtemp(prefix="oiap-shots-")
)

# Chromium reaches for Google's services at start unless told not to; the machine's closed
# network then refuses them, which would also show up as requests leaving loopback.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
]


def _unavailable(why: str) -> None:
    if os.environ.get("OIAP_TEST_REQUIRE_BROWSER") == "1":
        pytest.fail(why)
    pytest.skip(why)


def chromium_path() -> str:
    found = os.environ.get("OIAP_TEST_CHROMIUM") or shutil.which("chromium")
    if not found:
        _unavailable("no Chromium on this machine (Debian package 'chromium')")
    if not (CONSOLE_DIST / "index.html").is_file():
        _unavailable("the console is not built (run `make console`)")
    return str(found)


@dataclass
class NetworkLog:
    """Every request the page made, to prove that none left the loopback address."""

    urls: list[str] = field(default_factory=list)

    def record(self, request: Any) -> None:
        self.urls.append(str(request.url))

    def leaving_loopback(self) -> list[str]:
        outside = []
        for url in self.urls:
            parts = urlsplit(url)
            if parts.scheme in ("data", "blob", "about"):
                continue
            if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
                outside.append(url)
        return outside


@contextmanager
def chromium() -> Iterator[Any]:
    """One browser for a test module; each test opens its own context (its own cookies)."""
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def console_page(browser: Any, base_url: str, network: NetworkLog) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=base_url)
    context.set_default_timeout(15_000)
    # On the context, not the page: requests of pop-ups and workers count too.
    context.on("request", network.record)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def sign_in(page: Any, name: str, password: str) -> None:
    page.goto("/console/sign-in")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def axe_violations(page: Any, *, impacts: tuple[str, ...] = ("serious", "critical")) -> list[Any]:
    """axe-core's violations of the page as it is now, of the given impacts."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    return [v for v in result["violations"] if v.get("impact") in impacts]


def assert_accessible(page: Any, what: str) -> None:
    """No serious or critical axe-core violation on the page as it is now."""
    found = axe_violations(page)
    summary = [
        (v["id"], v["impact"], v["help"], [n["target"] for n in v["nodes"][:3]]) for v in found
    ]
    assert found == [], f"axe-core on {what}: {summary}"


def screenshot(page: Any, name: str) -> Path:
    """A picture of a main page, for docs/console.md."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path
