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
from .money import Rounding, decimal_places, format_amount, format_percent, round_money, to_decimal
from .parse import canonical_json, parse_scheme, scheme_hash
from .results import BALANCE_KINDS, LINE_CODES, Line, Payroll, PayrollReport, Payslip
from .roster import Employee, validate_roster, work_calendar
from .scheme import DepartmentKind, Measure, Scheme
from .version import ENGINE_VERSION

__all__ = [
    "BALANCE_KINDS",
    "ENGINE_VERSION",
    "LINE_CODES",
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
    "commission_by_deal",
    "decimal_places",
    "format_amount",
    "format_path",
    "format_percent",
    "json_pointer",
    "parse_scheme",
    "round_money",
    "scheme_hash",
    "to_decimal",
    "validate_roster",
    "work_calendar",
]
