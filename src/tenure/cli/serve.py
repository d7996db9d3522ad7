"""``tenure serve``, ``tenure db upgrade``, ``tenure tenants ...``, ``keys ...``, ``users ...``.

All of them work on a deployment folder (``-w``, default: the current folder), which
holds the operational store and one workspace per tenant under ``workspaces/<slug>``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from tenure.cli._common import JsonOpt, fail
from tenure.cli.console import console, err_console
from tenure.errors import TenureError

if TYPE_CHECKING:
    from tenure.store.operational import ApiKey
    from tenure.workspace import Deployment

serve_app = typer.Typer()
db_app = typer.Typer(help="The operational store (tenants, keys, received events).")
tenants_app = typer.Typer(help="Tenants of the deployment: one workspace each.")
keys_app = typer.Typer(help="API keys of a tenant.")
users_app = typer.Typer(help="Dashboard users: e-mail, password and the tenants they may open.")
serve_app.add_typer(db_app, name="db")
serve_app.add_typer(tenants_app, name="tenants")
serve_app.add_typer(keys_app, name="keys")
serve_app.add_typer(users_app, name="users")

DeploymentOpt = Annotated[
    Path,
    typer.Option("--workspace", "-w", help="Deployment folder.", show_default=True),
]


def _open(folder: Path) -> Deployment:
    from tenure.workspace import Deployment

    return Deployment.open(folder)


@serve_app.command()
def serve(
    folder: DeploymentOpt = Path(),
    host: Annotated[Optional[str], typer.Option(help="Interface ([server] host).")] = None,  # noqa: UP045
    port: Annotated[Optional[int], typer.Option(help="Port ([server] port).")] = None,  # noqa: UP045
    worker: Annotated[
        bool, typer.Option("--worker", help="Also run the journey worker (tenure worker).")
    ] = False,
) -> None:
    """Run the API (docs at /docs), the dashboard (at /) and the event mover."""
    import uvicorn

    from tenure.app import create_app
    from tenure.config import Settings

    try:
        settings = Settings.load(folder)
        _open(folder).close()  # fail here, not in the server, when the store is not ready
    except TenureError as exc:
        raise fail(exc) from exc
    uvicorn.run(
        create_app(settings, worker=worker),
        host=host or settings.server.host,
        port=port or settings.server.port,
        log_level="info",
    )


DEMO_EMAIL = "demo@tenure.local"


def demo_login(folder: Path) -> tuple[str, str]:
    """Make the demo workspace ``folder`` a deployment of itself, with one user.

    The tenant ``demo`` serves the workspace in ``folder`` (its own deployment folder);
    the user ``demo@tenure.local`` gets a new random password, returned to be printed.
    """
    import secrets

    from tenure.workspace import Deployment

    Deployment.upgrade(folder)
    toml = folder / "tenure.toml"
    text = toml.read_text(encoding="utf-8")
    if "warm_up" not in text:  # the demo's overview and cohorts are ready when opened
        if "\n[server]\n" in text:
            text = text.replace("\n[server]\n", "\n[server]\nwarm_up = true\n", 1)
        else:
            text = text.rstrip("\n") + "\n\n[server]\nwarm_up = true\n"
        toml.write_text(text, encoding="utf-8")
    password = secrets.token_urlsafe(9)
    with Deployment.open(folder) as deployment:
        if "demo" not in {t.slug for t in deployment.tenants()}:
            deployment.create_tenant("demo", name="Demo SaaS", folder=".")
        deployment.add_user(DEMO_EMAIL, tenant="demo", password=password)
    return DEMO_EMAIL, password


@db_app.command("upgrade")
def db_upgrade(folder: DeploymentOpt = Path()) -> None:
    """Create or migrate the operational store (safe to repeat)."""
    from tenure.workspace import Deployment

    try:
        revision = Deployment.upgrade(folder)
    except TenureError as exc:
        raise fail(exc) from exc
    console.print(f"Operational store at revision {revision}")


@tenants_app.command("create")
def tenants_create(
    slug: Annotated[str, typer.Argument(help="Short name: lowercase letters, digits, '-'.")],
    name: Annotated[Optional[str], typer.Option(help="Display name.")] = None,  # noqa: UP045
    folder: DeploymentOpt = Path(),
) -> None:
    """Add a tenant and create its workspace."""
    try:
        with _open(folder) as deployment:
            tenant = deployment.create_tenant(slug, name=name)
    except TenureError as exc:
        raise fail(exc) from exc
    console.print(f"Tenant [bold]{tenant.slug}[/] ({tenant.id}), workspace {tenant.folder}")


@tenants_app.command("list")
def tenants_list(folder: DeploymentOpt = Path(), as_json: JsonOpt = False) -> None:
    """List the tenants."""
    try:
        with _open(folder) as deployment:
            tenants = deployment.tenants()
    except TenureError as exc:
        raise fail(exc) from exc
    if as_json:
        rows = [{"id": t.id, "slug": t.slug, "name": t.name, "folder": t.folder} for t in tenants]
        console.print_json(json.dumps(rows))
        return
    for t in tenants:
        console.print(f"{t.slug}\t{t.id}\t{t.name}\t{t.folder}")


@tenants_app.command("stripe-secret")
def tenants_stripe_secret(
    slug: Annotated[str, typer.Argument(help="The tenant's slug.")],
    secret: Annotated[
        Optional[str],  # noqa: UP045 (typer needs Optional)
        typer.Argument(help="The endpoint's signing secret (whsec_...); '-' reads stdin."),
    ] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Remove the secret.")] = False,
    folder: DeploymentOpt = Path(),
) -> None:
    """Set the Stripe webhook signing secret of a tenant (shown masked, never in full).

    Stripe then posts to /v1/stripe/webhook/SLUG (docs/api.md).
    """
    import sys

    if secret == "-":
        secret = sys.stdin.readline().strip()
    if (secret is None) == (not clear):
        err_console.print(
            "[bold red]error:[/] give the secret (whsec_..., or '-' to read it from stdin) "
            "or --clear, not both"
        )
        raise typer.Exit(code=2)
    try:
        with _open(folder) as deployment:
            masked = deployment.set_stripe_secret(slug, None if clear else secret)
    except TenureError as exc:
        raise fail(exc) from exc
    if masked is None:
        console.print(f"{slug}: Stripe webhook secret removed; its endpoint answers 404")
    else:
        console.print(
            f"{slug}: Stripe webhook secret set ({masked}); endpoint /v1/stripe/webhook/{slug}",
            highlight=False,
        )


def _key_line(key: ApiKey) -> str:
    state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
    return f"{key.id}\t{key.prefix}...\t{key.kind}\t{key.scope}\t{state}"


@keys_app.command("create")
def keys_create(
    tenant: Annotated[str, typer.Option(help="The tenant's slug.")],
    scope: Annotated[str, typer.Option(help="read, write or admin.")] = "read",
    publishable: Annotated[
        bool, typer.Option("--publishable", help="A write-only key for browsers and apps.")
    ] = False,
    folder: DeploymentOpt = Path(),
) -> None:
    """Create a key and print it once (only its hash is stored)."""
    if scope not in ("read", "write", "admin"):
        err_console.print(
            f"[bold red]error:[/] The '--scope' option must be read, write or admin. "
            f"Got {scope!r} instead."
        )
        raise typer.Exit(code=2)
    try:
        with _open(folder) as deployment:
            new = deployment.create_key(tenant, scope=scope, publishable=publishable)  # type: ignore[arg-type]
    except TenureError as exc:
        raise fail(exc) from exc
    console.print(_key_line(new.key))
    console.print("Copy the key now; it is not shown again:")
    console.print(new.secret, soft_wrap=True, highlight=False)


@keys_app.command("list")
def keys_list(
    tenant: Annotated[str, typer.Option(help="The tenant's slug.")],
    folder: DeploymentOpt = Path(),
) -> None:
    """List a tenant's keys (id, prefix, kind, scope, state)."""
    try:
        with _open(folder) as deployment:
            keys = deployment.keys(tenant)
    except TenureError as exc:
        raise fail(exc) from exc
    for key in keys:
        console.print(_key_line(key))


@keys_app.command("revoke")
def keys_revoke(
    key_id: Annotated[str, typer.Argument(help="The key's id (key_...).")],
    folder: DeploymentOpt = Path(),
) -> None:
    """Revoke a key: it stops working at once."""
    try:
        with _open(folder) as deployment:
            key = deployment.revoke_key(key_id)
    except TenureError as exc:
        raise fail(exc) from exc
    console.print(_key_line(key))


@users_app.command("add")
def users_add(
    email: Annotated[str, typer.Argument(help="The user's e-mail address (their login).")],
    tenant: Annotated[str, typer.Option(help="The slug of a tenant the user may open.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin.")
    ] = False,
    folder: DeploymentOpt = Path(),
) -> None:
    """Add a dashboard user, or give an existing one another tenant.

    A new user needs a password (at least 10 characters): it is asked for, or read from
    stdin with --password-stdin. For an existing user --password-stdin replaces it.
    """
    import sys

    password: str | None = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        with _open(folder) as deployment:
            known = {u.email for u, _ in deployment.users()}
            if password is None and email.strip().lower() not in known:
                password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
            user = deployment.add_user(email, tenant=tenant, password=password)
            slugs = {u.id: s for u, s in deployment.users()}[user.id]
    except TenureError as exc:
        raise fail(exc) from exc
    console.print(f"{user.email} ({user.id}) may open: {', '.join(slugs)}", highlight=False)


@users_app.command("list")
def users_list(folder: DeploymentOpt = Path(), as_json: JsonOpt = False) -> None:
    """List the dashboard users and their tenants."""
    try:
        with _open(folder) as deployment:
            users = deployment.users()
    except TenureError as exc:
        raise fail(exc) from exc
    if as_json:
        rows = [{"id": u.id, "email": u.email, "tenants": s} for u, s in users]
        console.print_json(json.dumps(rows))
        return
    for user, slugs in users:
        console.print(f"{user.email}\t{user.id}\t{', '.join(slugs)}", highlight=False)
