"""``compcalc runs list|show|approve|discard|period``: payroll runs of a running service.

For an operator without curl: the commands talk to the HTTP API (``--api``, default
``COMPCALC_API_URL`` or http://127.0.0.1:8000) with the key in ``COMPCALC_API_KEY`` (never an
option: a secret on the command line shows in ``ps`` and in the shell's history). What they
print is the service's answer, as a table or (``--format json``) as the JSON it sent.

Exit status: 0 done; 1 the service refused (a problem document: its status, code and detail
on stderr, e.g. ``409 PERIOD_APPROVED``); 2 the request could not be made (no key, a bad
argument, the service unreachable or answering something other than the API).
"""

from __future__ import annotations

import json
import os
import sys
import uuid
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from decimal import Decimal
from typing import Annotated, Any, Literal, NoReturn

import httpx
import typer

from app.engine import format_amount
from app.io.output.tables import Column, plain_table

__all__ = ["API_KEY_ENV", "API_URL_ENV", "connect", "runs_cli"]

API_URL_ENV = "COMPCALC_API_URL"
API_KEY_ENV = "COMPCALC_API_KEY"
DEFAULT_API = "http://127.0.0.1:8000"

runs_cli = typer.Typer(
    help="Payroll runs of a running service (COMPCALC_API_URL; key in COMPCALC_API_KEY).",
    no_args_is_help=True,
)

ApiOption = Annotated[
    str | None,
    typer.Option("--api", help=f"The service's URL; default: {API_URL_ENV} or {DEFAULT_API}"),
]
FormatOption = Annotated[
    Literal["table", "json"], typer.Option("--format", help="table, or the service's JSON")
]
RunArgument = Annotated[str, typer.Argument(help="the run's id (see `compcalc runs list`)")]
IdempotencyOption = Annotated[
    str | None,
    typer.Option(
        "--idempotency-key",
        help="sent as Idempotency-Key: a retry with the same key is answered, not repeated",
    ),
]


def _client(base: str, key: str) -> httpx.Client:
    return httpx.Client(
        base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=60, trust_env=False
    )


#: Makes the HTTP client from the service's URL and the key: an httpx client, or anything with
#: its ``request`` (tests put an in-process client of the app here).
connect: Callable[[str, str], AbstractContextManager[Any]] = _client


def _fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(f"compcalc runs: {message}", err=True)
    raise typer.Exit(code)


def _call(
    api: str | None,
    method: str,
    path: str,
    *,
    params: Mapping[str, str | int] | None = None,
    body: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Any:
    """The JSON of the service's answer; a refusal or a failure ends the command."""
    key = os.environ.get(API_KEY_ENV, "").strip()
    if not key:
        _fail(f"set {API_KEY_ENV} to an API key (`compcalc keys create`)")
    base = (api or os.environ.get(API_URL_ENV) or DEFAULT_API).rstrip("/")
    try:
        with connect(base, key) as client:
            response = client.request(
                method, path, params=params, json=body, headers=dict(headers or {})
            )
    except httpx.HTTPError as exc:
        _fail(f"cannot reach the service at {base}: {exc}")
    try:
        data = response.json()
    except ValueError:
        _fail(f"{base} answered {response.status_code} without JSON: is it compcalc?")
    if response.status_code >= 400:
        if not isinstance(data, dict) or "code" not in data:
            _fail(f"{base} answered {response.status_code}")
        lines = [f"{response.status_code} {data['code']}: {data.get('detail', '')}"]
        lines += [
            f"  {item.get('pointer') or item.get('parameter') or ''}: {item.get('detail', '')}"
            for item in data.get("errors") or ()
        ]
        _fail("\n".join(lines), 1 if response.status_code < 500 else 2)
    return data


def _run_path(run_id: str) -> str:
    try:
        return f"/v1/payroll-runs/{uuid.UUID(run_id)}"
    except ValueError:
        _fail(f"{run_id!r} is not a run id")


def _money(text: str | None) -> str:
    if text is None:
        return ""
    value = Decimal(text)
    digits = max(0, -int(value.as_tuple().exponent))
    return format_amount(value, digits)


def _who(actor: Mapping[str, Any] | None) -> str:
    if not actor:
        return ""
    return actor.get("name") or "command line"


def _echo_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _run_row(run: Mapping[str, Any]) -> list[str]:
    scheme = f"{run['scheme_key']} v{run['scheme_version']}"
    return [run["id"], run["period"], run["group"], scheme, run["kind"], run["status"],
            _money(run["total"]), _who(run.get("created_by"))]  # fmt: skip


def _run_rows(runs: Sequence[Mapping[str, Any]]) -> str:
    columns = [
        Column("id"), Column("period"), Column("group"), Column("scheme"), Column("kind"),
        Column("status"), Column("total", "right"), Column("created by"),
    ]  # fmt: skip
    rows = [
        [
            run["id"],
            run["period"],
            run["group"],
            f"{run['scheme_key']} v{run['scheme_version']}",
            run["kind"],
            run["status"],
            _money(run["total"]),
            _who(run.get("created_by")),
        ]
        for run in runs
    ]
    return plain_table(columns, rows)


@runs_cli.command("list")
def list_command(
    scheme: Annotated[str | None, typer.Option(help="scheme key")] = None,
    group: Annotated[str | None, typer.Option(help="pay group, e.g. main")] = None,
    period: Annotated[str | None, typer.Option(help="YYYY-MM")] = None,
    status: Annotated[
        Literal["draft", "approved", "superseded", "discarded"] | None, typer.Option()
    ] = None,
    kind: Annotated[Literal["regular", "correction"] | None, typer.Option()] = None,
    limit: Annotated[int, typer.Option(min=1, max=500)] = 50,
    offset: Annotated[int, typer.Option(min=0)] = 0,
    output: FormatOption = "table",
    api: ApiOption = None,
) -> None:
    """List runs, newest first (without their results)."""
    filters = {"scheme": scheme, "group": group, "period": period, "status": status, "kind": kind}
    params: dict[str, str | int] = {k: v for k, v in filters.items() if v is not None}
    page = _call(
        api, "GET", "/v1/payroll-runs", params={**params, "limit": limit, "offset": offset}
    )
    if output == "json":
        _echo_json(page)
        return
    sys.stdout.write(_run_rows(page["items"]))
    shown = len(page["items"])
    typer.echo(f"{shown} of {page['total']} run(s)", err=True)


def _facts(run: Mapping[str, Any]) -> list[tuple[str, str]]:
    facts = [
        ("run", run["id"]),
        ("status", run["status"]),
        ("kind", run["kind"] if not run.get("corrects") else f"correction of {run['corrects']}"),
        ("pay group", f"{run['scheme_key']} / {run['group']} / {run['period']}"),
        ("scheme", f"{run['scheme_key']} version {run['scheme_version']} ({run['scheme_hash']})"),
        ("employees", str(run["employees"])),
        ("total", f"{_money(run['total'])} {run['currency']}"),
        ("created", f"{run['created_at']} by {_who(run.get('created_by'))}"),
    ]
    if run.get("approved_at"):
        approved = f"{run['approved_at']} by {_who(run.get('approved_by'))}"
        if run.get("approval_comment"):
            approved += f": {run['approval_comment']}"
        facts.append(("approved", approved))
    if run.get("discarded_at"):
        facts.append(("discarded", f"{run['discarded_at']}: {run.get('discard_reason') or ''}"))
    return facts


def _print_facts(facts: Sequence[tuple[str, str]]) -> None:
    width = max(len(name) for name, _ in facts)
    for name, value in facts:
        sys.stdout.write(f"{name.ljust(width)}  {value}\n")


def _payslip_rows(payslips: Sequence[Mapping[str, Any]]) -> str:
    columns = [Column("employee"), Column("name"), Column("department"), Column("role"),
               Column("gross", "right")]  # fmt: skip
    rows = [
        [s["employee_id"], s["name"], s["department"], s["role"], _money(s["gross"])]
        for s in payslips
    ]
    return plain_table(columns, rows)


def _difference_rows(changes: Sequence[Mapping[str, Any]]) -> str:
    columns = [Column("employee"), Column("line"), Column("original", "right"),
               Column("corrected", "right"), Column("difference", "right")]  # fmt: skip
    rows = [
        [
            change["employee_id"],
            line["code"],
            _money(line["original"]),
            _money(line["corrected"]),
            _money(line["difference"]),
        ]
        for change in changes
        for line in [*change["lines"], change["gross"]]
    ]
    return plain_table(columns, rows)


def _print_notes(run: Mapping[str, Any]) -> None:
    for opening in run.get("openings") or ():
        source = (
            "sent in the request"
            if opening["source"] == "request"
            else f"carried from run {opening['carried_from']}"
        )
        what = opening.get("balances") or opening.get("commission") or {}
        sys.stdout.write(f"opening  {opening['employee_id']}: {_pairs(what)} ({source})\n")
    for warning in run.get("warnings") or ():
        typer.echo(f"warning: {warning['code']}: {warning['message']}", err=True)


def _pairs(values: Mapping[str, str]) -> str:
    return ", ".join(f"{key} {value}" for key, value in values.items())


@runs_cli.command()
def show(run_id: RunArgument, output: FormatOption = "table", api: ApiOption = None) -> None:
    """A run: who created and approved it, its payslips (a correction: its differences)."""
    run = _call(api, "GET", _run_path(run_id))
    if output == "json":
        _echo_json(run)
        return
    _print_facts(_facts(run))
    _print_notes(run)
    sys.stdout.write("\n")
    if run.get("differences") is not None:
        sys.stdout.write(_difference_rows(run["differences"]))
    else:
        sys.stdout.write(_payslip_rows(run["result"]["payslips"]))


def _state_change(
    api: str | None,
    run_id: str,
    action: str,
    body: Mapping[str, Any] | None,
    idempotency_key: str | None,
) -> Mapping[str, Any]:
    headers = {} if idempotency_key is None else {"Idempotency-Key": idempotency_key}
    run: Mapping[str, Any] = _call(
        api, "POST", f"{_run_path(run_id)}/{action}", body=body, headers=headers
    )
    return run


@runs_cli.command()
def approve(
    run_id: RunArgument,
    comment: Annotated[str | None, typer.Option(help="a note kept with the approval")] = None,
    idempotency_key: IdempotencyOption = None,
    output: FormatOption = "table",
    api: ApiOption = None,
) -> None:
    """Approve a draft: the period's other drafts become superseded (once per period)."""
    body = None if comment is None else {"comment": comment}
    run = _state_change(api, run_id, "approve", body, idempotency_key)
    if output == "json":
        _echo_json(run)
        return
    total = f"{_money(run['total'])} {run['currency']}"
    typer.echo(
        f"approved run {run['id']} ({run['scheme_key']} / {run['group']} / {run['period']}, "
        f"{total}) by {_who(run.get('approved_by'))}"
    )


@runs_cli.command()
def discard(
    run_id: RunArgument,
    reason: Annotated[str, typer.Option(help="why it is not paid (kept with the run)")],
    idempotency_key: IdempotencyOption = None,
    output: FormatOption = "table",
    api: ApiOption = None,
) -> None:
    """Discard a draft that should not be paid; it stays readable as discarded."""
    run = _state_change(api, run_id, "discard", {"reason": reason}, idempotency_key)
    if output == "json":
        _echo_json(run)
        return
    typer.echo(f"discarded run {run['id']}: {run['discard_reason']}")


@runs_cli.command()
def period(
    scheme: Annotated[str, typer.Argument(help="scheme key")],
    month: Annotated[str, typer.Argument(metavar="PERIOD", help="YYYY-MM")],
    group: Annotated[str, typer.Option(help="pay group")] = "main",
    output: FormatOption = "table",
    api: ApiOption = None,
) -> None:
    """A period of a pay group: its runs, what is approved, the effective payslips."""
    view = _call(api, "GET", f"/v1/pay-groups/{scheme}/{group}/periods/{month}")
    if output == "json":
        _echo_json(view)
        return
    facts = [
        ("pay group", f"{view['scheme_key']} / {view['group']} / {view['period']}"),
        ("status", view["status"]),
        ("effective total", _money(view["total"]) or "nothing approved"),
    ]
    _print_facts(facts)
    sys.stdout.write("\n" + _run_rows(view["runs"]))
    if view["payslips"]:
        sys.stdout.write("\n" + _payslip_rows(view["payslips"]))
