"""The page at ``/``: one HTML file, a stylesheet and a script, served from the package, with a
content security policy that allows nothing from elsewhere and no inline script."""

from __future__ import annotations

from functools import cache
from importlib import resources

from fastapi import FastAPI
from fastapi.responses import Response

FILES = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/static/page.js": ("page.js", "text/javascript; charset=utf-8"),
    "/static/page.css": ("page.css", "text/css; charset=utf-8"),
}
HEADERS = {
    "content-security-policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}


@cache
def _read(name: str) -> bytes:
    return resources.files("cme_policy.service").joinpath("static", name).read_bytes()


def _route(name: str, media: str):  # type: ignore[no-untyped-def]
    async def serve() -> Response:
        return Response(_read(name), media_type=media, headers=HEADERS)

    return serve


def add_page_routes(app: FastAPI) -> None:
    for path, (name, media) in FILES.items():
        app.add_api_route(path, _route(name, media), methods=["GET"], include_in_schema=False)
