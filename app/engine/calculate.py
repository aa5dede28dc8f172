"""calculate(): a scheme, a period and a roster in; payslips with explained lines out."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from decimal import Decimal, localcontext
from typing import Final

from .calendar import Period
from .checks import check_scheme
from .collector import collector_paused
from .commission import FULL, Scale, bonus_measure, commission, reached
from .deals import CreditedDeal, Deal, DealCredits, credit_deals
from .departments import payroll_report
from .findings import Finding, InputError, Problem, SchemeError
from .ledger import settle
from .minwage import minimum_in_force, topup_line
from .money import EXACT, format_amount, format_percent, round_money
from .parse import scheme_hash
from .results import Line, Payroll, Payslip
from .roster import Employee, validate_roster, work_calendar
from .scheme import CommissionRule, Measure, Role, Scheme
from .version import ENGINE_VERSION

__all__ = [
    "COLUMNAR_FROM",
    "calculate",
    "calculate_decimal",
    "check_inputs",
    "payslip_maker",
    "prepare",
]

#: From this many employees :func:`calculate` uses the columnar engine.  bench/columnar.py
#: (the issue's rules, best of 5-7 on a shared 2-core machine), the columnar engine's
#: payslips/s over the Decimal engine's, calculate followed by the payroll's JSON (its
#: payslips written from the columns): 0.2-0.6x at 1-10 employees, 0.8x at 50, 0.7-1.2x at
#: 100, 1.9-4x at 150-500 and 2-5x at 1 000-10 000; calculate alone 0.3-0.6x at 1-10,
#: 0.5-1.9x at 20-100 and 1.6-5x at 1 000-10 000.
COLUMNAR_FROM: Final = 100
_ZERO: Final = Decimal(0)
_ONE: Final = Decimal(1)
_NONE: Final[dict[Measure, Decimal]] = {}


class _Calculator:
    """Holds what is shared by all payslips of one run."""

    def __init__(
        self, scheme: Scheme, period: Period, roster: Sequence[Employee], deals: DealCredits
    ) -> None:
        self.scheme = scheme
        self.floors = scheme  # whose minimum_wage applies: the checked scheme's (calculate)
        self.deals = deals
        self.period = period
        self.digits = scheme.minor_units
        self.rounding = scheme.rounding
        self.cal = work_calendar(scheme)
        self.working_days = self.cal.working_days(period)
        team: dict[tuple[str, Measure], Decimal] = defaultdict(Decimal)
        sizes: dict[str, int] = defaultdict(int)
        self.credited: dict[str, dict[Measure, Decimal]] = {}
        for emp in roster:
            sizes[emp.department] += 1
            merged = dict(emp.credited)
            for measure, amount in deals.totals.get(emp.id, {}).items():
                merged[measure] = merged.get(measure, _ZERO) + amount
            self.credited[emp.id] = merged
            for measure, amount in merged.items():
                team[emp.department, measure] += amount
        self.team = team
        self.full_base: dict[int, Line] = {}
        self.team_size = sizes

    def fmt(self, value: Decimal, den: int = 1) -> str:
        if den == 1:
            text = f"{value:,.{self.digits}f}"  # = format_amount, inlined
            return text.replace(",", " ") if text[0] != "-" else format_amount(value, self.digits)
        return format_amount(value / den, self.digits)

    def round(self, value: Decimal, den: int = 1) -> Decimal:
        return round_money(value, self.digits, self.rounding, den)

    def scale(self, emp: Employee) -> tuple[Scale, str]:
        if emp.start_date is None and emp.end_date is None and not emp.unpaid_days:
            if emp.fte == _ONE:
                return FULL, "1"
            return Scale(emp.fte, 1), f"{emp.fte:f} fte"  # plain notation, never 1E-7
        paid = self.cal.working_days(self.period, emp.start_date, emp.end_date) - emp.unpaid_days
        num = emp.fte * paid
        fte = "" if emp.fte == _ONE else f"{emp.fte:f} fte × "
        return Scale(num, self.working_days), f"{fte}{paid}/{self.working_days} working days"

    def payslip(self, emp: Employee) -> Payslip:
        role = self.scheme.departments[emp.department].roles[emp.role]
        scale, described = self.scale(emp)
        den = scale.den
        credited = self.credited[emp.id]
        lines = [self.base_line(role, scale, described)]
        for rule in role.commission:
            lines.append(self.commission_line(role, rule, emp, credited, scale, described))
        recovered = self.deals.recovered.get(emp.id)
        if recovered:
            lines.append(self.taken_back_line(recovered))
        if role.override is not None:
            lines.append(self.override_line(role, emp))
        lines.extend(self.bonus_lines(role, credited, scale))
        variable = sum((line.amount for line in lines[1:]), _ZERO)
        balances: dict[str, Decimal] = {}
        if role.draw is not None or emp.balances or variable < 0:
            draw = _ZERO if role.draw is None else self.round(role.draw.amount * scale.num, den)
            settlement = settle(variable, emp.balances, role.draw, draw, self.fmt)
            lines.extend(settlement.lines)
            balances = settlement.balances
        gross = sum((line.amount for line in lines), _ZERO)
        floor = minimum_in_force(self.floors, self.period.last_day, emp.jurisdiction)
        if floor is not None:  # after every other line, prorated like the base
            wage = self.round(floor.amount * scale.num, den)
            top_up = topup_line(floor, wage, gross, described, self.fmt)
            if top_up is not None:
                lines.append(top_up)
                gross = wage
        fte_gross = None
        if not scale.is_full and scale.num:
            # What the same result would pay over a full period at full time.
            fte_gross = self.round(gross * den / scale.num)
        elif scale.is_full:
            fte_gross = gross
        del den
        return Payslip(
            emp.id,
            emp.name,
            emp.department,
            emp.role,
            tuple(lines),
            gross,
            described,
            fte_gross,
            balances,
            credited,
        )

    def base_line(self, role: Role, scale: Scale, described: str) -> Line:
        if scale.is_full:
            cached = self.full_base.get(id(role))
            if cached is None:
                cached = self.full_base[id(role)] = Line(
                    "base",
                    "Base salary",
                    self.round(role.base),
                    f"{self.fmt(role.base)} (full period)",
                    basis=role.base,
                )
            return Line("base", "Base salary", cached.amount, cached.explanation, basis=role.base)
        amount = self.round(role.base * scale.num, scale.den)
        base = self.fmt(role.base)
        text = (
            f"{base} (full period)"
            if scale.is_full
            else f"{base} × {described} = {self.fmt(amount)}"
        )
        return Line("base", "Base salary", amount, text, basis=role.base)

    def commission_line(
        self,
        role: Role,
        rule: CommissionRule,
        emp: Employee,
        credits: dict[Measure, Decimal],
        scale: Scale,
        described: str,
    ) -> Line:
        den = scale.den
        credited = credits.get(rule.measure, _ZERO)
        refunded = self.deals.excluded.get(emp.id, _NONE).get(rule.measure)
        if refunded:  # taken back at the commission paid on those deals, not from this base
            credited -= refunded
        deals = self.deal_lines(emp.id, rule.measure)
        target = role.target.get(rule.measure)
        scaled_target = None if target is None else target * scale.num
        outcome = commission(rule, credited * den, scaled_target, den)
        amount = self.round(outcome.total, den)
        label = rule.label or f"Commission on {rule.measure}"
        head = f"{rule.measure} {self.fmt(credited)}"
        if refunded:
            head += (
                f" (refunds {self.fmt(refunded)} left out: the commission paid on those deals "
                "is taken back below)"
            )
        if outcome.status == "below_threshold":
            assert outcome.threshold is not None and target is not None
            prorated = "" if scale.is_full else f", prorated {described}"
            text = (
                f"{head} is below the threshold {self.fmt(outcome.threshold, den)} "
                f"({format_percent(rule.threshold or _ZERO)} of target {self.fmt(target)}"
                f"{prorated}): no commission = {self.fmt(amount)}"
            )
            return Line("commission", label, amount, text, rule.measure, credited, deals=deals)
        parts = [f"{self.fmt(part, den)} × {format_percent(rate)}" for part, rate in outcome.slices]
        formula = " + ".join(parts) if parts else "nothing in any tier"
        if rule.mode.value == "retroactive" and parts:
            formula += " (whole amount at the reached tier's rate)"
        if outcome.status == "taken_back":
            head += " (refunds above the period's sales)"
            formula = f"takes back {formula.replace('-', '')}"
        if outcome.status == "capped":
            assert outcome.uncapped is not None
            formula += f" = {self.fmt(outcome.uncapped, den)}, capped at {self.fmt(amount)}"
        text = f"{head}: {formula} = {self.fmt(amount)}"
        rate = outcome.slices[0][1] if len(outcome.slices) == 1 else None
        return Line("commission", label, amount, text, rule.measure, credited, rate, deals)

    def taken_back_line(self, recovered: Sequence[tuple[CreditedDeal, Decimal]]) -> Line:
        amount = sum((taken for _, taken in recovered), _ZERO)
        count = len(recovered)
        text = (
            f"the commission paid on refunded deals, in proportion to the part refunded: "
            f"{count} refund{'' if count == 1 else 's'} = {self.fmt(amount)}"
        )
        deals = tuple(deal for deal, _ in recovered)
        paid = tuple(taken for _, taken in recovered)
        return Line(
            "commission_clawback", "Commission taken back", amount, text, deals=deals, paid=paid
        )

    def deal_lines(self, employee_id: str, measure: Measure) -> tuple[CreditedDeal, ...]:
        lines = self.deals.lines.get(employee_id)
        return tuple(lines.get(measure, ())) if lines else ()

    def override_line(self, role: Role, emp: Employee) -> Line:
        override = role.override
        assert override is not None
        team = self.team[emp.department, override.measure]
        amount = self.round(team * override.rate)
        size = self.team_size[emp.department]
        label = override.label or f"Override on team {override.measure}"
        text = (
            f"{format_percent(override.rate)} × team {override.measure} {self.fmt(team)} "
            f"({emp.department}, {size} employees) = {self.fmt(amount)}"
        )
        return Line("override", label, amount, text, override.measure, team, override.rate)

    def bonus_lines(self, role: Role, credits: dict[Measure, Decimal], scale: Scale) -> list[Line]:
        lines = []
        for bonus in role.bonuses:
            measure = bonus_measure(role, bonus)
            if measure is None or measure not in role.target:
                continue
            credited = credits.get(measure, _ZERO)
            target = role.target[measure] * scale.num
            if not target or not reached(credited * scale.den, target, bonus.attainment):
                continue
            amount = self.round(bonus.amount)
            attained = format_percent((credited * scale.den / target).quantize(Decimal("0.0001")))
            label = bonus.label or f"Bonus at {format_percent(bonus.attainment)} of {measure}"
            text = (
                f"{measure} attainment {attained} ≥ {format_percent(bonus.attainment)}: "
                f"{self.fmt(amount)}"
            )
            lines.append(Line("bonus", label, amount, text, measure))
        return lines


def _build(calc: _Calculator, roster: Sequence[Employee]) -> tuple[Payslip, ...]:
    return tuple(calc.payslip(emp) for emp in roster)


def check_inputs(
    scheme: Scheme,
    period: Period,
    roster: Sequence[Employee],
    *,
    with_deals: bool,
    check: bool,
    checked: Scheme | None,
) -> tuple[Scheme, list[Finding], list[Problem]]:
    """What both engines do first: the scheme's checks and the roster's validation.

    Returns the rules of the checks (``checked`` or ``scheme``), the scheme's findings and
    the roster's problems (the caller adds the deals' and raises :class:`InputError`);
    raises :class:`SchemeError` on structural errors."""
    rules = scheme if checked is None else checked
    # apply_policy copies the scheme with another policy, sharing everything else.
    if rules.departments is not scheme.departments:
        raise ValueError("checked must be the scheme itself under another policy")
    findings = check_scheme(rules, roster) if check else []
    structural = [f for f in findings if f.data.get("kind") == "structure"]
    if structural:
        raise SchemeError(structural)
    with localcontext(EXACT), collector_paused():
        problems = validate_roster(scheme, period, roster, with_deals=with_deals)
    return rules, findings, problems


def prepare(
    scheme: Scheme,
    period: Period,
    roster: Sequence[Employee],
    deals: Sequence[Deal],
    *,
    check: bool,
    checked: Scheme | None,
) -> tuple[Scheme, list[Finding], DealCredits]:
    """What the Decimal engine does first: :func:`check_inputs`, then the deals' crediting.
    Returns the rules of the checks (``checked`` or ``scheme``), the scheme's findings and
    the credits; raises :class:`SchemeError` / :class:`InputError`."""
    rules, findings, problems = check_inputs(
        scheme, period, roster, with_deals=bool(deals), check=check, checked=checked
    )
    with localcontext(EXACT), collector_paused():
        employees = {emp.id for emp in roster}
        credits, deal_problems = credit_deals(scheme, period, deals, employees)
        problems.extend(deal_problems)
        if problems:
            raise InputError(problems)
    return rules, findings, credits


def payslip_maker(
    scheme: Scheme,
    rules: Scheme,
    period: Period,
    roster: Sequence[Employee],
    credits: DealCredits,
) -> Callable[[Employee], Payslip]:
    """The Decimal engine's payslip of one employee, lines and explanations, as
    :func:`calculate_decimal` makes it (to be called under :data:`EXACT`)."""
    calc = _Calculator(scheme, period, roster, credits)
    calc.floors = rules  # the organisation's minimum wage, where higher, applies too
    return calc.payslip


def calculate_decimal(
    scheme: Scheme,
    period: Period,
    roster: Sequence[Employee],
    deals: Sequence[Deal] = (),
    *,
    check: bool = True,
    checked: Scheme | None = None,
) -> Payroll:
    """:func:`calculate` on the Decimal engine: one payslip at a time, in Decimals."""
    rules, findings, credits = prepare(scheme, period, roster, deals, check=check, checked=checked)
    with localcontext(EXACT), collector_paused():
        calc = _Calculator(scheme, period, roster, credits)
        calc.floors = rules  # the organisation's minimum wage, where higher, applies too
        slips = _build(calc, roster)
        report = payroll_report(rules, slips)
    findings.extend(credits.findings)
    findings.extend(report.findings)
    return Payroll(
        scheme.key,
        scheme_hash(scheme),
        ENGINE_VERSION,
        period,
        scheme.currency,
        scheme.minor_units,
        slips,
        tuple(findings),
        report,
        credits.credited_deals,
    )


def calculate(
    scheme: Scheme,
    period: Period,
    roster: Sequence[Employee],
    deals: Sequence[Deal] = (),
    *,
    check: bool = True,
    checked: Scheme | None = None,
) -> Payroll:
    """Compute every payslip of ``roster`` for ``period`` under ``scheme``.

    ``deals`` credit employees on top of the roster's own amounts (either or both may
    be used).  Raises :class:`SchemeError` when the scheme has structural errors (the
    rules cannot be applied) and :class:`InputError` with every roster and deal problem
    at once.  The article's checks (BASE_GAP, EARNINGS_ORDER, ...) and the payroll's
    own earnings check do not stop the calculation; they come back as findings.

    ``checked``: the scheme under its effective organisation policy (:mod:`.policy`), for
    the checks, the departments' comparison and the minimum wage (the higher of the
    scheme's and the organisation's); the rest of the pay and the scheme's hash come from
    ``scheme`` itself.

    A roster of :data:`COLUMNAR_FROM` employees or more is computed by the columnar engine
    (:mod:`.columnar`), which hands what it does not support, and a batch that could leave
    int64, to the Decimal engine (:func:`calculate_decimal`); ``Payroll.engine`` says which
    computed it.  Both write the same bytes.
    """
    if len(roster) >= COLUMNAR_FROM:
        from .columnar import calculate as calculate_columnar  # numpy only when it is used

        return calculate_columnar(scheme, period, roster, deals, check=check, checked=checked)
    return calculate_decimal(scheme, period, roster, deals, check=check, checked=checked)
