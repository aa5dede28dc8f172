"""The columnar batch engine: exact pay in integer minor units on numpy arrays, beside the
Decimal engine, with the same contract.

Public entry, as :func:`app.engine.calculate`::

    from app.engine.columnar import calculate

    payroll = calculate(scheme, period, roster, deals=(), check=True, checked=None)
    payroll.engine  # "columnar", or "decimal" when the Decimal engine computed it
    supports(scheme, roster, deals)  # None, or why the Decimal engine computes the batch

Lower level, for benchmarks and analytics (no payslip objects at all)::

    from app.engine.columnar import RosterColumns, compute_columns, role_keys, roster_columns
    columns = roster_columns(scheme, period, roster)          # from Employee rows, or built:
    columns = RosterColumns(role=int32 positions in role_keys(scheme),
                            credited={Measure.NEW_REVENUE: int64 minor units, ...})
    out = compute_columns(scheme, period, columns)            # raises Overflow
    out.gross               # int64 minor units per employee, roster order
    out.fte_gross, out.has_fte_gross, out.clawback_out, out.draw_out, out.lines

Optional columns of :class:`RosterColumns`: ``fte_num`` over ``fte_scale`` (a power of ten),
``prorated`` with ``paid`` working days, the balances in (``clawback``/``draw`` with their
``has_`` flags) and ``floor`` (the minimum wage in force, minor units, -1 for none).
Every value must be valid as :func:`app.engine.validate_roster` would accept it.
"""

from .columns import MEASURES, RosterColumns, role_keys, roster_columns
from .compute import Columns, Overflow, compute_columns
from .engine import calculate, supports
from .rounding import round_div

__all__ = [
    "MEASURES",
    "Columns",
    "Overflow",
    "RosterColumns",
    "calculate",
    "compute_columns",
    "role_keys",
    "roster_columns",
    "round_div",
    "supports",
]
