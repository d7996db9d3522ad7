"""The dashboard: server-rendered pages (Jinja2, htmx, plotly.js) over the Workspace.

``tenure serve`` mounts it at ``/`` beside the API at ``/v1``; users log in with an e-mail
and password (``tenure users add``) and see only their tenants' workspaces. See
``docs/dashboard.md``.
"""

from __future__ import annotations

from tenure.web.routes import web_router

__all__ = ["web_router"]
