"""The dashboard's routes: the page for every client-side path (so deep links like /borough/E09000024 can be
sent by e-mail), and its assets under /dashboard-static. The views themselves live in web/src/dashboard/."""

import functools
import hashlib
import html
import json
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).parent / "static"
STATIC_PATH = "/dashboard-static"

# The paths the app routes on the client; the server answers each with the same page.
VIEW_PATHS = (
    "/",
    "/map",
    "/borough/{code}",
    "/supplier/{id}",
    "/system/{id}",
    "/collaborate",
    "/buy-together",
    "/market",
    "/network",
    "/skills",
)

# Scripts only from this origin (no eval, no inline script). Inline styles stay allowed: Observable Plot puts a
# <style> element in each chart and Leaflet positions its layers with style attributes.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'self'; base-uri 'none'; "
    "form-action 'self'"
)


@functools.cache
def asset_version(name: str) -> str:
    """Short content hash, for cache busting: /dashboard-static/dashboard.js?v=…"""
    path = STATIC_DIR / name
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: run `make dashboard` to build the dashboard bundle")
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def render_page(root_path: str = "") -> str:
    """The page; `root_path` is where the app is mounted ("" at the top), so links and the API follow it."""
    config = {"base": root_path, "graphql": f"{root_path}/graphql", "static": f"{root_path}{STATIC_PATH}"}
    static = html.escape(f"{root_path}{STATIC_PATH}")
    data = json.dumps(config).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f"""<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>City Tools for London · CityGraph</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="{static}/dashboard.css?v={asset_version("dashboard.css")}" />
  </head>
  <body>
    <div id="app"><p class="loading">Loading the dashboard…</p></div>
    <noscript>The dashboard needs JavaScript. The same data is in the GraphQL API at /graphql.</noscript>
    <script id="citygraph-dashboard-config" type="application/json">{data}</script>
    <script src="{static}/dashboard.js?v={asset_version("dashboard.js")}"></script>
  </body>
</html>
"""


async def page(request: Request) -> Response:
    return HTMLResponse(
        render_page(request.scope.get("root_path", "")),
        headers={"content-security-policy": CONTENT_SECURITY_POLICY, "cache-control": "no-cache"},
    )


def routes() -> list[BaseRoute]:
    """What create_app adds to its routes."""
    return [
        *(Route(path, page, methods=["GET", "HEAD"]) for path in VIEW_PATHS),
        Mount(STATIC_PATH, StaticFiles(directory=STATIC_DIR), name="dashboard-static"),
    ]
