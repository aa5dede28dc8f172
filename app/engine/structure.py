"""Structural rules that relate several fields of a scheme, and the pairs of roles
(:func:`comparable_pairs`) that the article's checks and the payroll report compare.

A scheme with any of these errors cannot be applied: ``calculate`` refuses it.
Each finding carries ``data["kind"] = "structure"`` and the exact path of the element.
"""

from __future__ import annotations

from collections.abc import Iterator

from .commission import bonus_measure
from .findings import Finding, Path
from .minwage import order_findings
from .money import format_amount, format_decimal
from .scheme import MEASURE_OF_KIND, DepartmentKind, Measure, Role, Scheme

__all__ = [
    "Pair",
    "comparable_pairs",
    "credited_measures",
    "resolve_counterpart",
    "structural_findings",
]

_KIND = {"kind": "structure"}


def _error(code: str, path: Path, message: str) -> Finding:
    return Finding(code, "error", path, message, _KIND)


def credited_measures(scheme: Scheme, department: str) -> set[Measure]:
    """Measures a department's employees are credited with: its kind's and its rules'."""
    dept = scheme.departments[department]
    measures = {MEASURE_OF_KIND[dept.kind]}
    for role in dept.roles.values():
        measures.update(role.target)
        measures.update(rule.measure for rule in role.commission)
    return measures


def resolve_counterpart(
    scheme: Scheme, role_name: str, role: Role, counterpart_kind: DepartmentKind
) -> list[tuple[str, str]]:
    """``(department, role)`` pairs this role is compared with in ``counterpart_kind`` departments.

    ``compare_with`` may name a role (looked up in every counterpart department) or
    ``department.role``; without it the role is compared by its own name.
    """
    wanted = role.compare_with or role_name
    if "." in wanted:
        dept_name, _, other = wanted.partition(".")
        dept = scheme.departments.get(dept_name)
        if dept is not None and dept.kind is counterpart_kind and other in dept.roles:
            return [(dept_name, other)]
        return []
    return [
        (name, wanted)
        for name, dept in scheme.departments.items()
        if dept.kind is counterpart_kind and wanted in dept.roles
    ]


Pair = tuple[str, str, Role, str, str, Role]  # sales dept, role name, role, client dept, ...


def comparable_pairs(scheme: Scheme) -> list[Pair]:
    """Every (sales role, client role) pair the article's rules compare."""
    pairs = []
    for dept_name, dept in scheme.departments.items():
        if dept.kind is not DepartmentKind.ACQUISITION:
            continue
        for role_name, role in dept.roles.items():
            if not role.compare:
                continue
            for other_dept, other_role in resolve_counterpart(
                scheme, role_name, role, DepartmentKind.RETENTION
            ):
                client = scheme.departments[other_dept].roles[other_role]
                pairs.append((dept_name, role_name, role, other_dept, other_role, client))
    return pairs


def _rule_findings(scheme: Scheme, role_path: Path, role: Role) -> Iterator[Finding]:
    digits = scheme.minor_units
    for index, rule in enumerate(role.commission):
        path = (*role_path, "commission", index)
        kinds = {tier.from_ is None for tier in rule.tiers}
        if len(kinds) > 1:
            yield _error(
                "TIER_BOUND",
                (*path, "tiers"),
                "tiers mix 'from' amounts and 'from_attainment'; use one kind per rule",
            )
        else:
            bounds = [
                tier.from_ if tier.from_ is not None else tier.from_attainment
                for tier in rule.tiers
            ]
            for position in range(1, len(bounds)):
                low, high = bounds[position - 1], bounds[position]
                assert low is not None and high is not None
                if high <= low:
                    shown = (
                        (format_amount(low, digits), format_amount(high, digits))
                        if rule.tiers[0].from_ is not None
                        else (format_decimal(low), format_decimal(high))
                    )
                    yield _error(
                        "TIER_ORDER",
                        (*path, "tiers", position),
                        f"tier {position + 1} starts at {shown[1]}, not above the previous "
                        f"tier's start {shown[0]}; tiers must be strictly ascending",
                    )
        uses_target = (
            rule.threshold is not None
            or rule.cap_multiple is not None
            or any(tier.from_attainment is not None for tier in rule.tiers)
        )
        if uses_target and rule.measure not in role.target:
            yield _error(
                "MISSING_TARGET",
                path,
                f"the rule on {rule.measure} uses a threshold, attainment tiers or cap_multiple "
                f"but the role has no target for {rule.measure}",
            )
        if rule.cap is not None and rule.cap_multiple is not None:
            yield _error("CAP_CONFLICT", path, "give either 'cap' or 'cap_multiple', not both")
    for index, bonus in enumerate(role.bonuses):
        measure = bonus_measure(role, bonus)
        if measure is None or measure not in role.target:
            yield _error(
                "MISSING_TARGET",
                (*role_path, "bonuses", index),
                "a bonus needs a target to measure attainment against: give the role a "
                "target for the bonus's measure (or name 'measure' when it has several)",
            )


def structural_findings(scheme: Scheme) -> list[Finding]:
    findings: list[Finding] = []
    if scheme.effective_to is not None and scheme.effective_to < scheme.effective_from:
        findings.append(
            _error(
                "EFFECTIVE_DATES",
                ("effective_to",),
                f"effective_to {scheme.effective_to} is before effective_from "
                f"{scheme.effective_from}",
            )
        )
    gap = scheme.policy.base_gap
    if gap.min > gap.max:
        findings.append(
            _error(
                "POLICY_INVALID", ("policy", "base_gap"), f"min {gap.min} is above max {gap.max}"
            )
        )
    for name in ("reps", "heads"):
        low, high = getattr(scheme.policy.structure, name)
        if not 0 <= low <= high:
            findings.append(
                _error(
                    "POLICY_INVALID",
                    ("policy", "structure", name),
                    f"[{low}, {high}] is not a range: the first number must not exceed the second",
                )
            )
    findings.extend(order_findings(scheme))
    counterpart = {
        DepartmentKind.ACQUISITION: DepartmentKind.RETENTION,
        DepartmentKind.RETENTION: DepartmentKind.ACQUISITION,
    }
    for dept_name, dept in scheme.departments.items():
        measures = credited_measures(scheme, dept_name)
        for role_name, role in dept.roles.items():
            role_path: Path = ("departments", dept_name, "roles", role_name)
            findings.extend(_rule_findings(scheme, role_path, role))
            if role.override is not None and role.override.measure not in measures:
                findings.append(
                    _error(
                        "OVERRIDE_MEASURE",
                        (*role_path, "override", "measure"),
                        f"the override is on {role.override.measure}, which the {dept_name} "
                        f"department is not credited with ({', '.join(sorted(measures))})",
                    )
                )
            if role.compare_with is not None:
                other = counterpart.get(dept.kind)
                if other is None or not resolve_counterpart(scheme, role_name, role, other):
                    findings.append(
                        _error(
                            "COMPARE_WITH_MISSING",
                            (*role_path, "compare_with"),
                            f"compare_with {role.compare_with!r} names no role of a "
                            f"{other.value if other else 'comparable'} department",
                        )
                    )
    return findings
