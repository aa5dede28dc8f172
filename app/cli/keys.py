"""``compcalc keys create|list|revoke|bootstrap``: the service's API keys.

The secret of a new key is printed once, on stdout alone (so ``KEY=$(compcalc keys create …)``
works); only its hash is stored.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer

from app.cli.options import DatabaseUrlOption

if TYPE_CHECKING:
    from app.services import Database
    from app.services.keys import KeyView

__all__ = ["keys_cli"]

keys_cli = typer.Typer(
    help="Manage the API keys of the HTTP service (COMPCALC_DATABASE_URL, or --url).",
    no_args_is_help=True,
)


@contextmanager
def _database(url: str | None) -> Iterator[Database]:
    from app.services import Database
    from app.settings import get_settings

    database = Database(url or get_settings().database_url)
    try:
        yield database
    finally:
        database.dispose()


def _fail(message: str) -> None:
    typer.echo(f"compcalc keys: {message}", err=True)
    raise typer.Exit(2)


def _described(view: KeyView) -> str:
    """``scope scope`` and, for a limited key, ``on scheme glob``."""
    scopes = " ".join(view.scopes)
    return scopes if view.schemes is None else f"{scopes} on {' '.join(view.schemes)}"


@keys_cli.command()
def create(
    name: Annotated[str, typer.Option("--name", help="who or what holds the key")],
    scope: Annotated[
        list[str], typer.Option("--scope", help="a scope (repeat for several), e.g. admin")
    ],
    expires: Annotated[
        datetime | None,
        typer.Option("--expires", help="expiry, e.g. 2027-12-31T00:00:00 (UTC)"),
    ] = None,
    scheme: Annotated[
        list[str] | None,
        typer.Option(
            "--scheme",
            help="a scheme key or glob the key reaches (repeat for several), e.g. 'acme-*'; "
            "without it, every scheme",
        ),
    ] = None,
    url: DatabaseUrlOption = None,
) -> None:
    """Create a key and print its secret (once: it cannot be shown again)."""
    from datetime import UTC

    from app.services import Invalid
    from app.services.keys import create_key

    expires_at = None if expires is None else expires.replace(tzinfo=expires.tzinfo or UTC)
    with _database(url) as db:
        try:
            view, secret = create_key(db, name, scope, expires_at, schemes=scheme or None)
        except Invalid as exc:
            _fail(exc.detail)
            return
    typer.echo(f"created key {view.id} ({view.name}: {_described(view)})", err=True)
    sys.stdout.write(secret + "\n")


@keys_cli.command("list")
def list_command(url: DatabaseUrlOption = None) -> None:
    """List the keys: id, prefix, name, scopes, state (never a secret)."""
    from app.services.keys import list_keys

    with _database(url) as db:
        found = list_keys(db)
    for view in found:
        state = "revoked" if view.revoked_at else "active"
        if view.expires_at is not None and state == "active":
            state = f"expires {view.expires_at:%Y-%m-%d %H:%M}"
        typer.echo(f"{view.id}  {view.prefix}…  {view.name}  {_described(view)}  {state}")


@keys_cli.command()
def revoke(
    key_id: Annotated[str, typer.Argument(help="the key's id (see `compcalc keys list`)")],
    url: DatabaseUrlOption = None,
) -> None:
    """Revoke a key: from now on it answers 401."""
    from app.services import Conflict, NotFound
    from app.services.keys import revoke_key

    try:
        parsed = uuid.UUID(key_id)
    except ValueError:
        _fail(f"{key_id!r} is not a key id")
        return
    with _database(url) as db:
        try:
            revoke_key(db, parsed)
        except (NotFound, Conflict) as exc:
            _fail(exc.detail)
    typer.echo(f"revoked key {parsed}")


@keys_cli.command()
def bootstrap(url: DatabaseUrlOption = None) -> None:
    """On a database without keys, create an admin key and print it; else do nothing."""
    from app.services.keys import bootstrap_admin_key

    with _database(url) as db:
        secret = bootstrap_admin_key(db)
    if secret is not None:
        typer.echo(
            "\nNo API key existed, so an admin key was created. It is shown only this once:\n\n"
            f"    {secret}\n\n"
            "Open http://127.0.0.1:8000/docs, press Authorize and paste it.\n"
        )
