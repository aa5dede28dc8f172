"""The ``compcalc`` command: validate rule files, compute and explain payrolls.

A thin shell: each command parses its options, calls :mod:`app.io` and the engine, and
prints.  Known problems (unreadable files, invalid schemes, bad rosters, bad options)
are reported on stderr with the file, line and column and exit with status 2 (1 for
rule violations found by ``validate``); anything else is a bug and is not hidden.

The Typer app is assembled in :mod:`app.cli.commands`; the commands live by concern in
:mod:`~app.cli.schemes`, :mod:`~app.cli.payroll`, :mod:`~app.cli.schemetest`,
:mod:`~app.cli.service`, :mod:`~app.cli.db` and :mod:`~app.cli.keys`.
"""

from __future__ import annotations

from app.cli.commands import cli, main

__all__ = ["cli", "main"]
