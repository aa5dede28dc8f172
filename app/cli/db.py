"""``compcalc db upgrade|downgrade|current``: the service's database migrations."""

from __future__ import annotations

from typing import Annotated

import typer

from app.cli.options import DatabaseUrlOption

__all__ = ["db_cli"]

db_cli = typer.Typer(
    help="Migrate the service's database (COMPCALC_DATABASE_URL, or --url).",
    no_args_is_help=True,
)


@db_cli.command()
def upgrade(
    revision: Annotated[str, typer.Argument(help="target revision")] = "head",
    url: DatabaseUrlOption = None,
) -> None:
    """Apply migrations up to REVISION (default: the latest)."""
    from app.services.migrations import current
    from app.services.migrations import upgrade as run

    run(url, revision)
    typer.echo(f"database at {current(url) or 'base'}")


@db_cli.command()
def downgrade(
    revision: Annotated[str, typer.Argument(help="target revision; base removes all")] = "-1",
    url: DatabaseUrlOption = None,
) -> None:
    """Revert migrations down to REVISION (default: one step)."""
    from app.services.migrations import current
    from app.services.migrations import downgrade as run

    run(url, revision)
    typer.echo(f"database at {current(url) or 'base'}")


@db_cli.command("current")
def show_current(url: DatabaseUrlOption = None) -> None:
    """Print the revision the database is at ('base' when never migrated)."""
    from app.services.migrations import current, heads

    revision = current(url)
    latest = heads()
    state = "up to date" if revision in latest else f"behind: latest is {', '.join(latest)}"
    typer.echo(f"{revision or 'base'} ({state})")
