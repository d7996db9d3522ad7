"""Static files: the stylesheet and script of the dashboard, plotly.js and htmx.

Nothing comes from a CDN, so the dashboard works offline. plotly.js is the
``plotly.min.js`` shipped in the ``plotly`` wheel; htmx is the ``htmx-2.min.js`` shipped in
the ``django-htmx`` wheel (a maintained package that vendors each htmx release). Neither
Python package is imported: their folders are found with ``importlib.util.find_spec``.
django-htmx pulls in Django only for that file; no lighter, maintained PyPI package ships
htmx's minified script on its own (checked 2026-11: fastapi-htmx, litestar-htmx and
starlette-htmx ship no JavaScript, plain-htmx needs the Plain framework), so it stays.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from tenure.errors import MissingDependencyError, NotFoundError

__all__ = ["ASSETS", "asset_path", "router"]

STATIC = Path(__file__).parent / "static"
ASSETS: dict[str, tuple[str, str]] = {
    "plotly.min.js": ("plotly", "package_data/plotly.min.js"),
    "htmx.min.js": ("django_htmx", "static/django_htmx/htmx-2.min.js"),
}
"""Files served from other packages: name -> (package, path inside it)."""
_TYPES = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}

router = APIRouter(include_in_schema=False)


@cache
def asset_path(name: str) -> Path:
    """Where the static file ``name`` is on disk."""
    if name in ASSETS:
        package, inside = ASSETS[name]
        spec = importlib.util.find_spec(package)
        folders = list(spec.submodule_search_locations or []) if spec else []
        for folder in folders:
            path = Path(folder) / inside
            if path.is_file():
                return path
        raise MissingDependencyError(
            f"the dashboard needs {inside} from the {package!r} package, which is not "
            "installed; pip install 'tenure' again (it depends on plotly and django-htmx)"
        )
    path = STATIC / name
    if "/" in name or not path.is_file():
        raise NotFoundError(f"there is no static file {name!r}")
    return path


@router.get("/static/{name}")
def static(name: str) -> FileResponse:
    """A static file, cached by the browser for a day."""
    path = asset_path(name)
    return FileResponse(
        path,
        media_type=_TYPES.get(path.suffix, "application/octet-stream"),
        headers={"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"},
    )
