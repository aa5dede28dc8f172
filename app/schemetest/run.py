"""Running scheme test cases: calculate each case's payroll and compare it with what the
case expects, field by field."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from app.engine import (
    InputError,
    Payroll,
    Payslip,
    SchemeError,
    calculate,
    decimal_places,
    format_amount,
)

from .model import Case, CodeSet, EmployeeExpect, Located, TestFile

__all__ = ["CaseResult", "Difference", "run_case", "run_file"]

_ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Difference:
    """One way a case's payroll differs from its expectations, at the line expecting it."""

    line: int | None
    message: str


@dataclass(frozen=True, slots=True)
class CaseResult:
    path: str
    case: Case
    differences: tuple[Difference, ...]

    @property
    def passed(self) -> bool:
        return not self.differences

    @property
    def nodeid(self) -> str:
        return f"{self.path}::{self.case.name}"


def _shown(value: Decimal, digits: int) -> str:
    return format_amount(value, max(digits, decimal_places(value)))


def _amount(field: str, expected: Decimal, actual: Decimal, digits: int) -> str | None:
    if expected == actual:
        return None
    return (
        f"{field}: expected {_shown(expected, digits)}, got {_shown(actual, digits)}, "
        f"difference {_shown(actual - expected, digits)}"
    )


def _amounts(values: Sequence[Decimal], digits: int) -> str:
    return "[" + ", ".join(_shown(v, digits) for v in values) + "]"


class _Comparison:
    def __init__(self, digits: int) -> None:
        self.digits = digits
        self.found: list[Difference] = []

    def amount(self, field: str, expected: Located[Decimal], actual: Decimal) -> None:
        message = _amount(field, expected.value, actual, self.digits)
        if message is not None:
            self.found.append(Difference(expected.line, message))

    def payslip(self, expected: EmployeeExpect, slip: Payslip) -> None:
        who = expected.employee_id
        if expected.gross is not None:
            self.amount(f"{who} gross", expected.gross, slip.gross)
        for code, amounts in expected.lines.items():
            actual = [line.amount for line in slip.lines if line.code == code]
            value = amounts.value
            if isinstance(value, tuple):
                if tuple(actual) != value:
                    self.found.append(
                        Difference(
                            amounts.line,
                            f"{who} lines.{code}: expected {_amounts(value, self.digits)}, "
                            f"got {_amounts(actual, self.digits)}",
                        )
                    )
            else:
                self.amount(
                    f"{who} lines.{code}",
                    Located(value, amounts.line),
                    sum(actual, _ZERO),
                )
        for kind, amount in expected.balances.items():
            self.amount(f"{who} balances.{kind}", amount, slip.balances.get(kind, _ZERO))
        credited = {measure.value: value for measure, value in slip.credited.items()}
        for measure, amount in expected.credited.items():
            self.amount(f"{who} credited.{measure}", amount, credited.get(measure, _ZERO))

    def codes(self, what: str, expected: CodeSet, actual: set[str]) -> None:
        got = ", ".join(sorted(actual)) or "none"
        if expected.exact is not None and expected.exact != actual:
            missing = ", ".join(sorted(expected.exact - actual))
            extra = ", ".join(sorted(actual - expected.exact))
            detail = "; ".join(
                part
                for part in (missing and f"missing {missing}", extra and f"unexpected {extra}")
                if part
            )
            wanted = ", ".join(sorted(expected.exact)) or "none"
            self.found.append(
                Difference(
                    expected.line, f"{what}: expected exactly [{wanted}], got [{got}] ({detail})"
                )
            )
        absent = expected.include - actual
        if absent:
            self.found.append(
                Difference(
                    expected.line,
                    f"{what}: expected to include {', '.join(sorted(absent))}, got [{got}]",
                )
            )
        present = expected.exclude & actual
        if present:
            self.found.append(
                Difference(
                    expected.line,
                    f"{what}: expected not to include {', '.join(sorted(present))}, got [{got}]",
                )
            )


def _refusal(case: Case, exc: InputError | SchemeError) -> tuple[set[str], list[str]]:
    """The codes of a refused input, and a line per problem pointing into the test file."""
    if isinstance(exc, SchemeError):
        return {f.code for f in exc.findings}, [
            f"{case.scheme_path}: {f.code}: {f.message} (at {f.json_path})" for f in exc.findings
        ]
    lines = []
    for problem in exc.problems:
        where = ""
        if problem.index is not None:
            found = case.deal_lines if problem.source == "deals" else case.roster_lines
            kind = "deal" if problem.source == "deals" else "employee"
            line = found[problem.index] if problem.index < len(found) else None
            where = f"{kind} at line {line}: " if line is not None else f"{kind}: "
        lines.append(f"{where}{problem.code}: {problem.message}")
    return {p.code for p in exc.problems}, lines


def run_case(path: str, case: Case) -> CaseResult:
    """Calculate ``case`` and compare; the differences are empty when it passes."""
    payroll: Payroll | None = None
    refused: InputError | SchemeError | None = None
    try:
        payroll = calculate(case.scheme, case.period, case.roster, case.deals)
    except (InputError, SchemeError) as exc:
        refused = exc
    compare = _Comparison(case.scheme.minor_units)
    if refused is not None:
        codes, details = _refusal(case, refused)
        if case.error is None:
            compare.found.append(
                Difference(case.line, "the input was refused: " + "; ".join(details))
            )
        else:
            before = len(compare.found)
            compare.codes("error", case.error, codes)
            if len(compare.found) > before:
                compare.found.append(Difference(case.error.line, "; ".join(details)))
        return CaseResult(path, case, tuple(compare.found))
    assert payroll is not None
    if case.error is not None:
        wanted = sorted(case.error.exact or case.error.include)
        compare.found.append(
            Difference(
                case.error.line,
                f"error: expected the input to be refused with {', '.join(wanted) or 'an error'}"
                ", but the payroll was calculated",
            )
        )
    slips = {slip.employee_id: slip for slip in payroll.payslips}
    for expected in case.expect:
        compare.payslip(expected, slips[expected.employee_id])
    if case.findings is not None:
        compare.codes("findings", case.findings, {f.code for f in payroll.findings})
    ordered = sorted(compare.found, key=lambda d: d.line if d.line is not None else 0)
    return CaseResult(path, case, tuple(ordered))


def run_file(test_file: TestFile) -> list[CaseResult]:
    return [run_case(test_file.path, case) for case in test_file.cases]
