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
from .findings import Finding, InputError, Problem, SchemeError
from .money import Rounding, format_amount, round_money, to_decimal
from .parse import canonical_json, parse_scheme, scheme_hash
from .payroll import Employee, Line, Payroll, Payslip
from .report import PayrollReport
from .roster import validate_roster
from .scheme import DepartmentKind, Measure, Scheme
from .version import ENGINE_VERSION

__all__ = [
    "ENGINE_VERSION",
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
    "format_amount",
    "parse_scheme",
    "round_money",
    "scheme_hash",
    "to_decimal",
    "validate_roster",
]
