"""The compcalc engine: pay-scheme rules, exact payroll, the article's checks.

Pure core: standard library and Pydantic only.  It takes plain values and returns
result objects; the web API, the database and the CLI are shells around it.
"""

from .attribution import commission_by_deal
from .breakeven import BreakEven
from .calculate import calculate
from .calendar import Period, WorkCalendar
from .checks import break_even, check_scheme
from .deals import Credit, CreditedDeal, Deal, allocate
from .findings import Finding, InputError, Path, Problem, SchemeError, format_path, json_pointer
from .money import (
    MAX_FRACTION_DIGITS,
    MAX_INTEGER_DIGITS,
    NumberRefused,
    Rounding,
    checked_decimal,
    decimal_places,
    format_amount,
    format_decimal,
    format_fixed,
    format_percent,
    format_plain,
    round_money,
    to_decimal,
)
from .parse import canonical_json, parse_scheme, scheme_hash
from .results import BALANCE_KINDS, LINE_CODES, Line, Payroll, PayrollReport, Payslip
from .roster import Employee, validate_roster, work_calendar
from .scheme import DepartmentKind, Measure, Scheme
from .text import check_text, control_character, control_message
from .version import ENGINE_VERSION

__all__ = [
    "BALANCE_KINDS",
    "ENGINE_VERSION",
    "LINE_CODES",
    "MAX_FRACTION_DIGITS",
    "MAX_INTEGER_DIGITS",
    "BreakEven",
    "Credit",
    "CreditedDeal",
    "Deal",
    "DepartmentKind",
    "Employee",
    "Finding",
    "InputError",
    "Line",
    "Measure",
    "NumberRefused",
    "Path",
    "Payroll",
    "PayrollReport",
    "Payslip",
    "Period",
    "Problem",
    "Rounding",
    "Scheme",
    "SchemeError",
    "WorkCalendar",
    "allocate",
    "break_even",
    "calculate",
    "canonical_json",
    "check_scheme",
    "check_text",
    "checked_decimal",
    "commission_by_deal",
    "control_character",
    "control_message",
    "decimal_places",
    "format_amount",
    "format_decimal",
    "format_fixed",
    "format_path",
    "format_percent",
    "format_plain",
    "json_pointer",
    "parse_scheme",
    "round_money",
    "scheme_hash",
    "to_decimal",
    "validate_roster",
    "work_calendar",
]
