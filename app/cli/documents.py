"""``compcalc payslip``: the printable payslips (расчётный листок) of a period and its
department report, as HTML or PDF files, the documents the API answers."""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from app.cli.inputs import (
    compute_payroll,
    fail,
    language,
    read_deals,
    read_period,
    read_roster,
    read_scheme,
)
from app.cli.options import DealsOption, LangOption, PeriodOption, RosterOption, SchemeOption
from app.io import atomic_write
from app.io.documents import SchemeLabels, html_to_pdf, payslips_html, report_html
from app.io.output.payrolljson import payroll_document, slip_json

__all__ = ["payslip_command"]


class DocumentFormat(StrEnum):
    HTML = "html"
    PDF = "pdf"


def _file_name(employee_id: str) -> str:
    # An employee id is any text: keep the name to letters, digits, '.', '_' and '-'.
    return "payslip-" + re.sub(r"[^\w.-]", "_", employee_id) + ".{}"


def payslip_command(
    scheme: SchemeOption,
    roster: RosterOption,
    period: PeriodOption,
    output: Annotated[
        str, typer.Option("--output", help="Directory to write the files to (made if missing).")
    ],
    deals: DealsOption = None,
    fmt: Annotated[
        DocumentFormat, typer.Option("--format", help="html or pdf (A4, one page per payslip).")
    ] = DocumentFormat.HTML,
    employee: Annotated[
        str | None,
        typer.Option("--employee", help="Only this employee's payslip (an id of the roster)."),
    ] = None,
    lang: LangOption = None,
) -> None:
    """Write the printable payslip of each employee (payslip-<id>.html or .pdf) and the
    department report (report.html or .pdf) into a directory."""
    chosen = language(lang)
    loaded = read_scheme(scheme)
    when = read_period(period)
    people = read_roster(roster)
    if employee is not None and employee not in {e.id for e in people.employees}:
        fail(f"--employee: {employee!r} is not in the roster {roster}")
    payroll = compute_payroll(loaded, people, read_deals(deals), when)
    digits = payroll.minor_units
    slips = [slip_json(slip, digits) for slip in payroll.payslips]
    envelope = payroll_document(payroll, [])
    labels = SchemeLabels.of(loaded.scheme)
    directory = Path(output)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(f"--output {output}: cannot make the directory: {exc.strerror or exc}")

    def write(name: str, html: str) -> None:
        target = directory / name.format(fmt.value)
        try:
            atomic_write(target, html if fmt is DocumentFormat.HTML else html_to_pdf(html))
        except OSError as exc:
            fail(f"--output {output}: cannot write {target.name}: {exc.strerror or exc}")

    chosen_slips = [s for s in slips if employee is None or s["employee_id"] == employee]
    for slip in chosen_slips:
        write(_file_name(slip["employee_id"]), payslips_html(envelope, [slip], labels, chosen))
    if employee is None:
        write("report.{}", report_html(envelope, slips, labels, chosen))
    report = "" if employee is not None else " and the department report"
    typer.echo(f"wrote {len(chosen_slips)} payslips{report} to {output}", err=True)
