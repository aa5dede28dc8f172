"""The article's rules as checks a scheme must pass.

Errors: BASE_GAP, COMMISSION_ORDER, EARNINGS_ORDER (and the structural errors of
:mod:`app.engine.structure`).  Warnings: STRUCTURE, NO_COUNTERPART,
BELOW_MINIMUM_WAGE (:mod:`app.engine.minwage`).  Every finding
is reported; nothing stops at the first one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from decimal import Decimal, localcontext

from .breakeven import BreakEven, attainment_for_pay, pay_at, primary_measure, team_revenue_at
from .findings import Finding
from .memo import memo
from .minwage import below_minimum_findings
from .money import EXACT, format_amount, format_decimal, format_percent, format_plain, round_money
from .roster import Employee
from .scheme import DepartmentKind, Role, Scheme
from .structure import Pair, comparable_pairs, resolve_counterpart, structural_findings

__all__ = ["break_even", "check_scheme"]


def _role_path(dept: str, role: str) -> tuple[str, ...]:
    return ("departments", dept, "roles", role)


def _rates(role: Role) -> Iterator[tuple[Decimal, tuple[str | int, ...]]]:
    for index, rule in enumerate(role.commission):
        for position, tier in enumerate(rule.tiers):
            yield tier.rate, ("commission", index, "tiers", position, "rate")
    if role.override is not None:
        yield role.override.rate, ("override", "rate")


def _base_gap(scheme: Scheme, pair: Pair) -> Iterator[Finding]:
    policy = scheme.policy.base_gap
    s_dept, s_name, s_role, c_dept, c_name, c_role = pair
    fmt = scheme.minor_units
    sales, client = f"{s_dept}.{s_name}", f"{c_dept}.{c_name}"
    if c_role.base == 0:
        return
    with localcontext(EXACT):
        gap = 1 - s_role.base / c_role.base
    if policy.min <= gap <= policy.max:
        return
    shown = format_percent(gap.quantize(Decimal("0.001")))
    yield Finding(
        "BASE_GAP",
        "error",
        (*_role_path(s_dept, s_name), "base"),
        f"the {sales} base {format_amount(s_role.base, fmt)} is {shown} below the {client} base "
        f"{format_amount(c_role.base, fmt)}; the policy wants it {format_percent(policy.min)}–"
        f"{format_percent(policy.max)} below, i.e. between "
        f"{format_amount(c_role.base * (1 - policy.max), fmt)} and "
        f"{format_amount(c_role.base * (1 - policy.min), fmt)}",
        {
            "sales_base": format_decimal(s_role.base),
            "client_base": format_decimal(c_role.base),
            "gap": format_plain(gap.quantize(Decimal("0.0001"))),
        },
    )


def _commission_order(scheme: Scheme, pair: Pair) -> Iterator[Finding]:
    s_dept, s_name, s_role, c_dept, c_name, c_role = pair
    client_rates = [rate for rate, _ in _rates(c_role)]
    highest = max(client_rates, default=Decimal(0))
    for rate, path in _rates(s_role):
        if rate != 0 and rate <= highest:
            yield Finding(
                "COMMISSION_ORDER",
                "error",
                (*_role_path(s_dept, s_name), *path),
                f"the {s_dept}.{s_name} rate {format_percent(rate)} is not above the highest "
                f"{c_dept}.{c_name} rate {format_percent(highest)}; the sales department's "
                "percentages must be higher",
                {
                    "sales_rate": format_decimal(rate),
                    "client_highest_rate": format_decimal(highest),
                },
            )


def _break_even(scheme: Scheme, pair: Pair) -> BreakEven:
    s_dept, s_name, s_role, c_dept, c_name, c_role = pair
    a = scheme.policy.earnings_order.attainment
    client = pay_at(scheme, c_dept, c_role, a)
    sales = pay_at(scheme, s_dept, s_role, a)
    hit = attainment_for_pay(scheme, s_dept, s_role, client.exact)
    revenue = None
    if hit is not None:
        measure = primary_measure(scheme, s_dept, s_role)
        with localcontext(EXACT):
            if measure is not None:
                revenue = s_role.target[measure] * hit
            elif s_role.override is not None:
                revenue = team_revenue_at(scheme, s_dept, s_role.override.measure, hit)
        if revenue is not None:
            revenue = round_money(revenue, scheme.minor_units, scheme.rounding)
        with localcontext(EXACT):
            hit = hit.quantize(Decimal("0.0001"))
    return BreakEven(
        f"{s_dept}.{s_name}", f"{c_dept}.{c_name}", a, client.gross, sales.gross, hit, revenue
    )


def break_even(scheme: Scheme) -> list[BreakEven]:
    """For each comparable pair: the sales attainment at which pay equals the client's."""
    return [_break_even(scheme, pair) for pair in comparable_pairs(scheme)]


def _earnings_order(scheme: Scheme, pair: Pair, point: BreakEven) -> Iterator[Finding]:
    if point.sales_pay_at_same > point.client_pay:
        return
    fmt = scheme.minor_units
    at = format_percent(point.client_attainment)
    if point.attainment is None:
        reach = f"no attainment lets {point.sales} reach it"
    else:
        revenue = "" if point.revenue is None else f" ({format_amount(point.revenue, fmt)})"
        reach = f"{point.sales} reaches it only at {format_percent(point.attainment)}{revenue}"
    s_dept, s_name = pair[0], pair[1]
    yield Finding(
        "EARNINGS_ORDER",
        "error",
        _role_path(s_dept, s_name),
        f"at {at} of target {point.sales} earns {format_amount(point.sales_pay_at_same, fmt)}, "
        f"not more than {point.client}'s {format_amount(point.client_pay, fmt)}; {reach}",
        {k: v for k, v in point.as_dict().items() if v is not None},
    )


def _structure(scheme: Scheme, roster: Sequence[Employee] | None) -> Iterator[Finding]:
    policy = scheme.policy.structure
    for dept_name, dept in scheme.departments.items():
        if dept.kind is not DepartmentKind.ACQUISITION:
            continue
        counts: Counter[str] = Counter()
        if roster is not None:
            for emp in roster:
                role = dept.roles.get(emp.role) if emp.department == dept_name else None
                if role is not None:
                    counts[role.resolved_position(emp.role)] += 1
            source = "the roster has"
        else:
            if all(role.headcount is None for role in dept.roles.values()):
                continue
            for name, role in dept.roles.items():
                counts[role.resolved_position(name)] += role.headcount or 0
            source = "the planned headcount is"
        reps, heads = counts["rep"], counts["head"]
        (r_low, r_high), (h_low, h_high) = policy.reps, policy.heads
        if r_low <= reps <= r_high and h_low <= heads <= h_high:
            continue
        yield Finding(
            "STRUCTURE",
            "warning",
            ("departments", dept_name),
            f"{source} {reps} reps and {heads} heads in {dept_name}; a sales department works "
            f"best with {r_low}-{r_high} reps and {h_low}-{h_high} heads (one may be the "
            "head's assistant)",
            {"reps": str(reps), "heads": str(heads)},
        )


def _counterparts(scheme: Scheme) -> Iterator[Finding]:
    kinds = {dept.kind for dept in scheme.departments.values()}
    for kind, other in (
        (DepartmentKind.ACQUISITION, DepartmentKind.RETENTION),
        (DepartmentKind.RETENTION, DepartmentKind.ACQUISITION),
    ):
        if kind in kinds and other not in kinds:
            yield Finding(
                "NO_COUNTERPART",
                "warning",
                ("departments",),
                f"there is {_article(kind.value)} department but no {other.value} department, "
                "so the base gap, commission order and earnings order cannot be checked",
            )
    if DepartmentKind.RETENTION not in kinds:
        return
    for dept_name, dept in scheme.departments.items():
        if dept.kind is not DepartmentKind.ACQUISITION:
            continue
        for role_name, role in dept.roles.items():
            if (
                role.compare
                and role.compare_with is None
                and not resolve_counterpart(scheme, role_name, role, DepartmentKind.RETENTION)
            ):
                yield Finding(
                    "NO_COUNTERPART",
                    "warning",
                    _role_path(dept_name, role_name),
                    f"{dept_name}.{role_name} has no role of the same name in a retention "
                    "department; set compare_with, or compare: false for a role with no "
                    "counterpart",
                )


def _article(word: str) -> str:
    return f"an {word}" if word[0] in "aeiou" else f"a {word}"


def _fixed_findings(scheme: Scheme) -> tuple[tuple[Finding, ...], tuple[Finding, ...], bool]:
    """The findings that depend on the scheme alone: (before the structure advice, after
    it, whether they are structural errors).  Computed once per scheme object."""

    def compute() -> tuple[tuple[Finding, ...], tuple[Finding, ...], bool]:
        structural = structural_findings(scheme)
        if structural:
            return tuple(structural), (), True
        policy = scheme.policy
        pairs: list[Finding] = []
        for pair in comparable_pairs(scheme):
            if policy.base_gap.enabled:
                pairs.extend(_base_gap(scheme, pair))
            if policy.commission_order == "strict":
                pairs.extend(_commission_order(scheme, pair))
            if policy.earnings_order.enabled:
                pairs.extend(_earnings_order(scheme, pair, _break_even(scheme, pair)))
        after = (*_counterparts(scheme), *below_minimum_findings(scheme))
        return tuple(pairs), after, False

    return memo(scheme, "checks", compute)


def check_scheme(scheme: Scheme, roster: Sequence[Employee] | None = None) -> list[Finding]:
    """All findings for ``scheme`` (and the structure advice for ``roster`` if given)."""
    before, after, structural = _fixed_findings(scheme)
    if structural:
        return list(before)  # the article's checks need rules that can be applied
    findings = list(before)
    if scheme.policy.structure.enabled:
        findings.extend(_structure(scheme, roster))
    findings.extend(after)
    return findings
