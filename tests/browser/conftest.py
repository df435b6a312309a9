"""Fixtures of the browser tests: one Chromium and one server per module, a page per user, and
the check, after every test, that no request of any page left the loopback address."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import browser_harness
import pytest
from browser_site import OpenPage, Site, User, start_site
from playwright.sync_api import expect

# The machines that run these share their cores with the rest of the suite: a page may take
# seconds to answer, which is no failure of the console.
expect.set_options(timeout=20_000)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with browser_harness.chromium() as found:
        yield found


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, browser: Any) -> Iterator[Site]:
    # Asks for the browser first, so a machine without Chromium skips before starting a server.
    tmp = tmp_path_factory.mktemp("console")
    found = start_site(tmp)
    try:
        yield found
    finally:
        found.server.stop()


@pytest.fixture
def network() -> browser_harness.NetworkLog:
    return browser_harness.NetworkLog()


@pytest.fixture
def open_page(browser: Any, site: Site, network: browser_harness.NetworkLog) -> Iterator[OpenPage]:
    """``open_page(user)``: a fresh browser context (own cookies) signed in as ``user``;
    ``open_page()`` leaves it signed out. Every request of every page lands in ``network``."""
    with ExitStack() as stack:

        def opener(user: User | None = None) -> Any:
            page = stack.enter_context(browser_harness.console_page(browser, site.url, network))
            if user is not None:
                browser_harness.sign_in(page, user.name, user.password)
                page.get_by_test_id("signed-in-user").wait_for()
            return page

        yield opener
    assert network.urls, "the pages made no request at all"
    assert network.leaving_loopback() == [], "requests left the loopback address"
