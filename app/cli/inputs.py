"""What the ``compcalc`` commands share: reading their input files and options, computing
the payroll, and reporting a known problem (:func:`fail`, exit status 2)."""

from __future__ import annotations

from typing import NoReturn

import typer

from app.engine import Finding, InputError, Payroll, Period, Scheme, SchemeError, calculate
from app.io import (
    DealsError,
    DocumentError,
    LoadedScheme,
    Roster,
    RosterError,
    SchemeFileError,
    load_roster,
    load_scheme,
    roster_error,
)
from app.io.deals.load import deal_finding_line, deals_error, load_deals
from app.io.deals.model import DealsFile
from app.io.output.progress import NO_PROGRESS, Steps, StepsGate
from app.io.roster.load import PERIOD_CODES
from app.io.schemes.formats import finding_line, load_error_line

__all__ = [
    "LIVE",
    "USAGE_ERROR",
    "compute_payroll",
    "fail",
    "file_limits",
    "read_deals",
    "read_period",
    "read_roster",
    "read_scheme",
]

USAGE_ERROR = 2


#: Progress bars being drawn: stopped before a message is printed, so that it does not
#: land in the middle of a bar's line.
LIVE: list[StepsGate] = []


def language(lang: str | None) -> str:
    """The language of ``--lang`` (ru or en), else of LC_ALL / LANG; exit 2 for another."""
    from app.i18n import LANGUAGES, from_environment

    chosen = from_environment() if lang is None else lang
    if chosen not in LANGUAGES:
        fail(f"--lang: {lang!r} is not one of {', '.join(LANGUAGES)}")
    return chosen


def fail(*lines: str) -> NoReturn:
    """Report a problem on stderr and exit with status 2."""
    for gate in LIVE:
        gate.close()
    for line in lines:
        typer.echo(line, err=True)
    raise typer.Exit(USAGE_ERROR)


def file_limits() -> tuple[int, int]:
    """The file size limits (scheme, roster) from the settings."""
    from pydantic import ValidationError

    from app.settings import get_settings

    try:
        settings = get_settings()
    except ValidationError as exc:
        fail(f"invalid configuration in the COMPCALC_* environment variables:\n{exc}")
    return settings.max_scheme_bytes, settings.max_roster_bytes


def read_scheme(path: str) -> LoadedScheme:
    try:
        return load_scheme(path, max_bytes=file_limits()[0], setting="COMPCALC_MAX_SCHEME_BYTES")
    except DocumentError as exc:
        fail(load_error_line(exc))
    except SchemeFileError as exc:
        fail(*(finding_line(exc.path, f) for f in exc.findings))


def read_roster(path: str, progress: Steps = NO_PROGRESS) -> Roster:
    try:
        return load_roster(
            path, max_bytes=file_limits()[1], setting="COMPCALC_MAX_ROSTER_BYTES", progress=progress
        )
    except RosterError as exc:
        fail(*exc.lines())


def read_deals(path: str | None, progress: Steps = NO_PROGRESS) -> DealsFile | None:
    if path is None:
        return None
    try:
        loaded = load_deals(
            path, max_bytes=file_limits()[1], setting="COMPCALC_MAX_ROSTER_BYTES", progress=progress
        )
    except DealsError as exc:
        fail(*exc.lines())
    from app.settings import get_settings

    limit = get_settings().max_file_deals
    if len(loaded.deals) > limit:
        fail(
            f"{path}: error TOO_MANY_DEALS: {len(loaded.deals):,} deals; at most {limit:,} in "
            "one file (COMPCALC_MAX_FILE_DEALS)".replace(",", " ")
        )
    return loaded


def read_period(text: str) -> Period:
    try:
        return Period.parse(text)
    except ValueError as exc:
        fail(f"--period: {exc}")


def checked_scheme(loaded: LoadedScheme) -> tuple[Scheme, list[Finding]]:
    """The scheme under the organisation policy of its repository (the nearest
    compcalc-policy.yaml, as ``compcalc validate`` finds it), and what it may not weaken of
    it; a policy file that cannot be used is an error (exit 2)."""
    from datetime import date

    from app.engine.policy import apply_policy
    from app.io.schemes.policyfile import PolicyFileError, PolicyResolver

    policies = PolicyResolver(None, max_bytes=file_limits()[0], today=date.today())
    where = policies.path_for(loaded.path)
    context = policies.context(where)
    if isinstance(context, PolicyFileError):
        if context.load_error is not None:
            fail(load_error_line(context.load_error))
        fail(*(finding_line(context.path, f) for f in context.findings))
    effective, weakened = apply_policy(loaded.scheme, context)
    return effective, loaded.locate(weakened)


def compute_payroll(
    loaded: LoadedScheme,
    roster: Roster,
    deals: DealsFile | None,
    period: Period,
    progress: Steps = NO_PROGRESS,
    warnings: list[str] | None = None,
) -> Payroll:
    """The payroll; its findings are printed as warnings (or added to ``warnings``)."""
    progress.step(f"Calculating {len(roster.employees):,} payslips")
    checked, weakened = checked_scheme(loaded)
    try:
        payroll = calculate(
            loaded.scheme,
            period,
            roster.employees,
            () if deals is None else deals.deals,
            checked=checked,
        )
    except SchemeError as exc:
        fail(*(finding_line(loaded.path, f) for f in loaded.locate(exc.findings)))
    except InputError as exc:
        fail(*_input_problems(exc, loaded, roster, deals))
    for finding in [*weakened, *payroll.findings]:
        line = _payroll_warning(loaded, deals, finding, payroll)
        if warnings is None:
            typer.echo(line, err=True)
        else:
            warnings.append(line)
    return payroll


def _input_problems(
    exc: InputError, loaded: LoadedScheme, roster: Roster, deals: DealsFile | None
) -> list[str]:
    """Every problem of the inputs: the period's, then the roster's and the deals' by row."""
    lines = [
        f"--period: error {p.code}: {p.message} (scheme {loaded.scheme.key}, {loaded.path})"
        for p in exc.problems
        if p.source == "roster" and p.code in PERIOD_CODES
    ]
    lines += roster_error(roster, exc).lines()
    found = None if deals is None else deals_error(deals, exc)
    if found is not None:
        lines += found.lines()
    return lines


def _payroll_warning(
    loaded: LoadedScheme, deals: DealsFile | None, finding: Finding, payroll: Payroll
) -> str:
    """A finding of the scheme at its line, one about a deal at the deal's row; one about
    the payroll itself (who out-earned whom this period) under the period."""
    if finding.path and (finding.path[0],) in loaded.positions.values:
        return finding_line(loaded.path, loaded.locate([finding])[0], "warning")
    line = None if deals is None else deal_finding_line(deals, finding)
    if line is not None:
        return line
    return f"{payroll.period}: warning {finding.code}: {finding.message}"
