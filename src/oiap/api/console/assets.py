"""The console's built single-page app at /console, and /docs with its assets bundled.

Nothing here loads from the internet: the console's build (``make console``, Vite) holds the
app and a copy of Swagger UI (``vendor/swagger-ui/``), and /docs points at that copy instead
of FastAPI's CDN. The build's folder is the package's ``dist/`` (the wheel ships it) unless
``OIAP_CONSOLE_DIST`` names another. It is looked at on every request, so a build made while
the server runs is served at once.
"""

from __future__ import annotations

import html
import os
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response

from oiap.errors import Err, OiapError

DIST_ENV = "OIAP_CONSOLE_DIST"
PACKAGE_DIST = Path(__file__).parent / "dist"
PREFIX = "/console"
SWAGGER_UI = "vendor/swagger-ui"
SWAGGER_FILES = ("swagger-ui-bundle.js", "swagger-ui.css")

# Vite names every file under assets/ by a digest of its content: a new build is new names.
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"  # kept, but asked again (ETag) before each use
HASHED = "assets/"
# Paths a client route never takes: a missing file there is a 404, not the app's page
# (a browser would otherwise run index.html as a script or a stylesheet).
FILES_ONLY = (HASHED, "vendor/")
NOT_BUILT = "The console is not built: run `make console` (Node.js and npm), then reload."
DOCS_NOT_BUILT = (
    "The API docs page uses the Swagger UI copy in the console's build, which is missing: "
    "run `make console`, then reload. The OpenAPI document itself is at {openapi}."
)


def dist_folder() -> Path:
    configured = os.environ.get(DIST_ENV, "").strip()
    return Path(configured) if configured else PACKAGE_DIST


def _built(dist: Path) -> bool:
    return (dist / "index.html").is_file()


def _page(title: str, message: str, status: int) -> HTMLResponse:
    body = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title></head>"
        f"<body><h1>{html.escape(title)}</h1><p>{html.escape(message)}</p></body></html>"
    )
    return HTMLResponse(body, status_code=status, headers={"Cache-Control": "no-store"})


def _unavailable(request: Request, message: str) -> Response:
    """503 in the catalogue's JSON, or as a page for a browser that asks for HTML."""
    if "text/html" in request.headers.get("accept", ""):
        return _page("OpenOIAP console", message, 503)
    body = OiapError(Err.INTERNAL, message).body()
    return JSONResponse(body, status_code=503, headers={"Cache-Control": "no-store"})


def _file(request: Request, path: Path, cache: str) -> Response:
    response = FileResponse(path, headers={"Cache-Control": cache}, stat_result=path.stat())
    response.headers["X-Content-Type-Options"] = "nosniff"
    etag = response.headers.get("etag")
    if etag and etag in request.headers.get("if-none-match", ""):
        kept = {k: v for k, v in response.headers.items() if k.lower() in ("etag", "cache-control")}
        return Response(status_code=304, headers=kept)
    return response


def _inside(dist: Path, relative: str) -> Path | None:
    """The file ``relative`` names in the build, or None (missing, or outside it)."""
    root = dist.resolve()
    candidate = (root / relative).resolve()
    if candidate != root and root in candidate.parents and candidate.is_file():
        return candidate
    return None


async def console_page(request: Request, path: str = "") -> Response:
    dist = dist_folder()
    if not _built(dist):
        return _unavailable(request, NOT_BUILT)
    found = _inside(dist, path) if path else None
    if found is not None:
        return _file(request, found, IMMUTABLE if path.startswith(HASHED) else REVALIDATE)
    if path.startswith(FILES_ONLY):
        raise OiapError(Err.NOT_FOUND, f"No file '{path}' in the console's build.")
    # A client route (/console/flows/hotline): the app's page, whose router shows it.
    return _file(request, dist / "index.html", REVALIDATE)


async def docs_page(request: Request) -> Response:
    root = str(request.scope.get("root_path", ""))
    app = request.app
    openapi = f"{root}{app.openapi_url}"
    vendor = dist_folder() / SWAGGER_UI
    if not all((vendor / name).is_file() for name in SWAGGER_FILES):
        return _page("OpenOIAP API", DOCS_NOT_BUILT.format(openapi=openapi), 503)
    assets = f"{root}{PREFIX}/{SWAGGER_UI}"
    return get_swagger_ui_html(
        openapi_url=openapi,
        title=f"{app.title} - API",
        swagger_js_url=f"{assets}/swagger-ui-bundle.js",
        swagger_css_url=f"{assets}/swagger-ui.css",
        swagger_favicon_url="data:,",  # no icon fetched from anywhere
        # No online validator: Swagger UI would otherwise send the document to one.
        swagger_ui_parameters={**(app.swagger_ui_parameters or {}), "validatorUrl": None},
    )


def install(app: FastAPI) -> None:
    methods = ["GET", "HEAD"]
    app.add_api_route(PREFIX, console_page, methods=methods, include_in_schema=False)
    app.add_api_route(
        PREFIX + "/{path:path}", console_page, methods=methods, include_in_schema=False
    )
    app.add_api_route("/docs", docs_page, methods=methods, include_in_schema=False)
