"""The console's build at /console and the API docs at /docs, served by a real server from
local files only: cache headers, client-route fallback, and a clear 503 without a build.

The build here is a stand-in folder named by OIAP_CONSOLE_DIST, laid out as Vite and the
console's build script lay it out; the real build is tested by the browser tests."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import harness
import httpx
import pytest

INDEX = (
    "<!DOCTYPE html><html><head><title>OpenOIAP console</title>"
    '<script type="module" src="/console/assets/index-3f9a1c.js"></script></head>'
    '<body><div id="root"></div></body></html>'
)
SCRIPT = "console.log('the console');"
IMMUTABLE = "public, max-age=31536000, immutable"
LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}


def _build(root: Path) -> Path:
    dist = root / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "vendor" / "swagger-ui").mkdir(parents=True)
    (dist / "index.html").write_text(INDEX)
    (dist / "assets" / "index-3f9a1c.js").write_text(SCRIPT)
    (dist / "favicon.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (dist / "vendor" / "swagger-ui" / "swagger-ui-bundle.js").write_text("var SwaggerUIBundle;")
    (dist / "vendor" / "swagger-ui" / "swagger-ui.css").write_text("body { margin: 0 }")
    (root / "secret.txt").write_text("outside the build")
    return dist


def _serve(tmp: Path, dist: Path) -> harness.Server:
    env = harness.oiap_env(database_url=f"sqlite:///{tmp / 'oiap.db'}", console_dist=str(dist))
    harness.run_cli("db", "upgrade", env=env)
    return harness.Server(env, log=tmp / "server.log")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("built")
    with _serve(tmp, _build(tmp)) as server:
        yield server.url


@pytest.fixture(scope="module")
def unbuilt(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("unbuilt")
    with _serve(tmp, tmp / "no-build-here") as server:
        yield server.url


@pytest.mark.parametrize("path", ["/console", "/console/", "/console/flows/hotline/releases"])
def test_the_app_page_and_client_routes_get_index_html(built: str, path: str) -> None:
    reply = httpx.get(built + path, timeout=10)
    assert reply.status_code == 200, reply.text
    assert reply.text == INDEX
    assert reply.headers["content-type"].startswith("text/html")
    assert reply.headers["cache-control"] == "no-cache"


def test_hashed_assets_are_cached_for_a_year(built: str) -> None:
    reply = httpx.get(built + "/console/assets/index-3f9a1c.js", timeout=10)
    assert reply.status_code == 200
    assert reply.text == SCRIPT
    assert reply.headers["cache-control"] == IMMUTABLE
    assert "javascript" in reply.headers["content-type"]
    head = httpx.head(built + "/console/assets/index-3f9a1c.js", timeout=10)
    assert head.status_code == 200 and head.headers["cache-control"] == IMMUTABLE


def test_other_files_are_revalidated(built: str) -> None:
    reply = httpx.get(built + "/console/favicon.svg", timeout=10)
    assert reply.status_code == 200 and reply.headers["cache-control"] == "no-cache"
    page = httpx.get(built + "/console/", timeout=10)
    again = httpx.get(
        built + "/console/", headers={"If-None-Match": page.headers["etag"]}, timeout=10
    )
    assert again.status_code == 304 and again.content == b""


@pytest.mark.parametrize(
    "path", ["/console/assets/index-000000.js", "/console/vendor/swagger-ui/missing.js"]
)
def test_a_missing_asset_is_404_not_the_app_page(built: str, path: str) -> None:
    reply = httpx.get(built + path, timeout=10)
    assert reply.status_code == 404
    assert reply.json()["errorCode"] == 10000003


@pytest.mark.parametrize("path", ["/console/..%2fsecret.txt", "/console/%2e%2e/secret.txt"])
def test_nothing_outside_the_build_is_served(built: str, path: str) -> None:
    reply = httpx.get(built + path, timeout=10)
    assert "outside the build" not in reply.text


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [v for k, v in attrs if k in ("src", "href") and v]


def test_docs_load_nothing_from_the_internet(built: str) -> None:
    page = httpx.get(built + "/docs", timeout=10)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    for url in re.findall(r"https?://[^\s\"'<>)]+", page.text):
        assert urlsplit(url).hostname in LOOPBACK, url
    links = _Links()
    links.feed(page.text)
    scripts = [u for u in links.urls if not u.startswith("data:")]
    assert any(u.endswith("swagger-ui-bundle.js") for u in scripts)
    assert any(u.endswith("swagger-ui.css") for u in scripts)
    for url in scripts:
        asset = httpx.get(urljoin(built + "/docs", url), timeout=10)
        assert asset.status_code == 200, url
    assert "/openapi.json" in page.text and "validatorUrl" in page.text
    assert httpx.get(built + "/openapi.json", timeout=10).status_code == 200
    # FastAPI's own CDN pages are off.
    assert httpx.get(built + "/redoc", timeout=10).status_code == 404


@pytest.mark.parametrize("path", ["/console", "/console/", "/console/flows/hotline"])
def test_without_a_build_the_console_says_to_build_it(unbuilt: str, path: str) -> None:
    reply = httpx.get(unbuilt + path, timeout=10)
    assert reply.status_code == 503
    assert reply.json()["errorCode"] == 10000001
    assert "make console" in reply.json()["errorMsg"]
    page = httpx.get(unbuilt + path, headers={"Accept": "text/html"}, timeout=10)
    assert page.status_code == 503
    assert page.headers["content-type"].startswith("text/html")
    assert "make console" in page.text


def test_without_a_build_docs_say_to_build_it(unbuilt: str) -> None:
    page = httpx.get(unbuilt + "/docs", timeout=10)
    assert page.status_code == 503
    assert "make console" in page.text and "/openapi.json" in page.text
    assert not re.search(r"https?://", page.text)
    assert httpx.get(unbuilt + "/openapi.json", timeout=10).status_code == 200
