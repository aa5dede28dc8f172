"""The organisation policy: the article's rules as the company sets them, outside any scheme.

A scheme's own ``policy`` may only **tighten** the organisation's: narrow the base-gap band,
lower the attainment at which sales must out-earn the client department, narrow the
structure advice.  Switching a check off, widening a band or raising that attainment is
``POLICY_WEAKENED`` (an error), unless the organisation policy lists an exception for the
scheme's key with a reason and an expiry date; an expired exception is
``POLICY_EXCEPTION_EXPIRED`` (an error), one that ends within
:data:`EXPIRY_WARNING_DAYS` days ``POLICY_EXCEPTION_EXPIRING`` (a warning).

The checks then run with the *effective* policy: the organisation's, with each value the
scheme sets (and may set) in its place.  With no policy file the article's defaults are the
organisation policy.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Final, Literal

from pydantic import Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from .findings import Finding, Path, SchemeError, format_path
from .memo import memo
from .minwage import higher_floors, order_findings
from .money import format_decimal, format_plain
from .parse import canonical, validation_findings
from .scheme import (
    BaseGapPolicy,
    Day,
    EarningsOrderPolicy,
    Key,
    Label,
    MinimumWage,
    Policy,
    Scheme,
    StructurePolicy,
    _Rules,
)

__all__ = [
    "CHECKS",
    "DEFAULT_POLICY",
    "EXPIRY_WARNING_DAYS",
    "OrganisationPolicy",
    "PolicyContext",
    "PolicyException",
    "apply_policy",
    "effective_policy",
    "parse_policy",
    "policy_hash",
]

#: The checks a policy holds, by their key in a policy document.
CHECKS: Final = ("base_gap", "commission_order", "earnings_order", "structure")
Check = Literal["base_gap", "commission_order", "earnings_order", "structure"]

#: An exception that ends within this many days is reported as a warning.
EXPIRY_WARNING_DAYS: Final = 30

_HINTS: Final = {
    "POLICY_WEAKENED": "tighten the value or remove it to take the organisation's; a scheme that "
    "must differ for a while needs an exception in the organisation policy (scheme, reason, "
    "expires)",
    "POLICY_EXCEPTION_EXPIRED": "remove the weakening from the scheme, or have the exception "
    "renewed with a new expiry date in the organisation policy",
    "POLICY_EXCEPTION_EXPIRING": "bring the scheme in line with the organisation policy before "
    "the exception ends, or have it renewed",
}


class PolicyException(_Rules):
    """A scheme allowed to weaken some checks of the organisation policy, until ``expires``."""

    scheme: Key
    reason: Label
    expires: Day
    allow: tuple[Check, ...] = CHECKS


class OrganisationPolicy(Policy):
    """The company's policy (``compcalc-policy.yaml``): the checks and their exceptions."""

    exceptions: list[PolicyException] = Field(default_factory=list, max_length=1_000)
    #: The organisation's dated minimum wages; where a scheme has its own, the higher of the
    #: two in force applies (a scheme can raise the floor, never lower it).
    minimum_wage: list[MinimumWage] = Field(default_factory=list, max_length=1_000)

    @model_validator(mode="after")
    def _consistent(self) -> OrganisationPolicy:
        if self.base_gap.min > self.base_gap.max:
            raise PydanticCustomError(
                "POLICY_INVALID",
                "base_gap: min {low} is above max {high}",
                {"low": format_plain(self.base_gap.min), "high": format_plain(self.base_gap.max)},
            )
        for name in ("reps", "heads"):
            low, high = getattr(self.structure, name)
            if not 0 <= low <= high:
                raise PydanticCustomError(
                    "POLICY_INVALID",
                    "structure.{name}: [{low}, {high}] is not a range",
                    {"name": name, "low": low, "high": high},
                )
        last: dict[str | None, date] = {}
        for entry in self.minimum_wage:
            before = last.get(entry.jurisdiction)
            if before is not None and entry.from_ <= before:
                raise PydanticCustomError(
                    "POLICY_INVALID",
                    "minimum_wage: from {day} is not after {before}; the dates of each "
                    "jurisdiction must be strictly ascending",
                    {"day": entry.from_.isoformat(), "before": before.isoformat()},
                )
            last[entry.jurisdiction] = entry.from_
        keys = [e.scheme for e in self.exceptions]
        twice = sorted({k for k in keys if keys.count(k) > 1})
        if twice:
            raise PydanticCustomError(
                "POLICY_INVALID",
                "exceptions: scheme {keys} is listed more than once; one exception per scheme",
                {"keys": ", ".join(twice)},
            )
        return self


#: The article's rules: the organisation policy when there is no policy file.
DEFAULT_POLICY: Final = OrganisationPolicy()


def parse_policy(document: object) -> OrganisationPolicy:
    """Validate a decoded policy document; raise :class:`SchemeError` with all findings."""
    if document is None:
        return DEFAULT_POLICY
    if not isinstance(document, Mapping):
        raise SchemeError(
            [Finding("NOT_A_MAPPING", "error", (), "a policy must be a mapping of keys")]
        )
    try:
        return OrganisationPolicy.model_validate(document)
    except ValidationError as exc:
        raise SchemeError(validation_findings(exc)) from None


def policy_hash(policy: OrganisationPolicy) -> str:
    """``sha256:<hex>`` of the policy with its defaults filled in: equal for equal rules."""

    def compute() -> str:
        data = canonical(policy.model_dump())
        if not data["minimum_wage"]:  # a policy without one keeps the hash it had before
            del data["minimum_wage"]
        text = json.dumps(data, sort_keys=True, separators=(",", ":"))
        return "sha256:" + hashlib.sha256(text.encode()).hexdigest()

    return memo(policy, "hash", compute)


@dataclass(frozen=True, slots=True)
class PolicyContext:
    """The organisation policy a scheme is checked against, and how to name its places.

    ``source`` names the policy (``compcalc-policy.yaml``, ``stored policy version 3``), or
    is None when there is none and the article's defaults apply; ``where`` maps a path of
    the policy document (``("base_gap", "min")``) to the place a person finds it
    (``compcalc-policy.yaml:4``).
    """

    policy: OrganisationPolicy
    today: date
    source: str | None = None
    where: Mapping[Path, str] = field(default_factory=dict)

    @property
    def hash(self) -> str:
        return policy_hash(self.policy)

    def place(self, path: Path) -> str:
        """Where ``path`` of the policy is written, or that it is a default."""
        found = self.where.get(path)
        if found is not None:
            return found
        if self.source is None:
            return "the default policy"
        return f"{self.source}, by default,"


@dataclass(frozen=True, slots=True)
class _Weakening:
    check: Check
    path: Path  # in the scheme, under policy; the same path in the organisation policy
    scheme_value: str
    policy_value: str
    how: str


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format_decimal(value)
    if isinstance(value, tuple):
        return "[" + ", ".join(_text(v) for v in value) + "]"
    return str(value)


_Switch = BaseGapPolicy | EarningsOrderPolicy | StructurePolicy


def _set(model: _Rules, name: str) -> bool:
    return name in model.model_fields_set


def _band(check: Check, own: Any, org: Any, name: str, path: Path) -> Iterator[_Weakening]:
    low, high = getattr(own, name)
    org_low, org_high = getattr(org, name)
    if low < org_low or high > org_high:
        yield _Weakening(
            check, path, _text((low, high)), _text((org_low, org_high)), "goes outside the range"
        )


def _weakenings(own: Policy, org: Policy) -> Iterator[_Weakening]:
    def switched_off(check: Check, mine: _Switch, theirs: _Switch) -> Iterator[_Weakening]:
        if _set(mine, "enabled") and not mine.enabled and theirs.enabled:
            yield _Weakening(check, (check, "enabled"), "false", "true", "switches the check off")

    if _set(own, "base_gap") and org.base_gap.enabled:
        gap, theirs = own.base_gap, org.base_gap
        yield from switched_off("base_gap", gap, theirs)
        if _set(gap, "min") and gap.min < theirs.min:
            yield _Weakening(
                "base_gap",
                ("base_gap", "min"),
                _text(gap.min),
                _text(theirs.min),
                "widens the band",
            )
        if _set(gap, "max") and gap.max > theirs.max:
            yield _Weakening(
                "base_gap",
                ("base_gap", "max"),
                _text(gap.max),
                _text(theirs.max),
                "widens the band",
            )
    if (
        _set(own, "commission_order")
        and own.commission_order == "off"
        and org.commission_order == "strict"
    ):
        yield _Weakening(
            "commission_order",
            ("commission_order",),
            "off",
            "strict",
            "switches the check off",
        )
    if _set(own, "earnings_order") and org.earnings_order.enabled:
        order, theirs_order = own.earnings_order, org.earnings_order
        yield from switched_off("earnings_order", order, theirs_order)
        if _set(order, "attainment") and order.attainment > theirs_order.attainment:
            yield _Weakening(
                "earnings_order",
                ("earnings_order", "attainment"),
                _text(order.attainment),
                _text(theirs_order.attainment),
                "raises the attainment at which sales must out-earn the client department",
            )
        if _set(order, "statistic") and order.statistic != theirs_order.statistic:
            yield _Weakening(
                "earnings_order",
                ("earnings_order", "statistic"),
                order.statistic,
                theirs_order.statistic,
                "changes the statistic the organisation compares",
            )
    if _set(own, "structure") and org.structure.enabled:
        mine, theirs_s = own.structure, org.structure
        yield from switched_off("structure", mine, theirs_s)
        for name in ("reps", "heads"):
            if _set(mine, name):
                yield from _band("structure", mine, theirs_s, name, ("structure", name))


def _merge(own: _Rules, org: _Rules) -> Any:
    """``org`` with every value ``own`` sets in its place."""
    values = {name: getattr(own, name) for name in own.model_fields_set}
    return org.model_copy(update=values)


def effective_policy(own: Policy, org: Policy, refused: Collection[str] = ()) -> Policy:
    """The organisation policy with every value the scheme sets in its place, except in the
    checks named in ``refused`` (weakened without a valid exception), which keep the
    organisation's rules whole: a refused weakening never softens a check."""
    parts: dict[str, Any] = {}
    for name, kind in (
        ("base_gap", BaseGapPolicy),
        ("earnings_order", EarningsOrderPolicy),
        ("structure", StructurePolicy),
    ):
        mine, theirs = getattr(own, name), getattr(org, name)
        assert isinstance(mine, kind) and isinstance(theirs, kind)
        ours = _set(own, name) and name not in refused
        parts[name] = _merge(mine, theirs) if ours else theirs
    order = org.commission_order
    if _set(own, "commission_order") and "commission_order" not in refused:
        order = own.commission_order
    return Policy(commission_order=order, **parts)


def _exception(policy: OrganisationPolicy, key: str) -> tuple[int, PolicyException] | None:
    for index, exception in enumerate(policy.exceptions):
        if exception.scheme == key:
            return index, exception
    return None


def apply_policy(scheme: Scheme, context: PolicyContext) -> tuple[Scheme, list[Finding]]:
    """``scheme`` with its effective policy, and the findings of what it may not weaken."""
    org = context.policy
    own = scheme.policy
    findings: list[Finding] = []
    granted = _exception(org, scheme.key)
    refused: set[Check] = set()
    for weak in _weakenings(own, org):
        path: Path = ("policy", *weak.path)
        where = context.place(weak.path)
        data = {
            "check": weak.check,
            "scheme_value": weak.scheme_value,
            "policy_value": weak.policy_value,
            "policy_place": where,
            "policy_hash": context.hash,
        }
        stated = (
            f"{format_path(path)} {weak.scheme_value} {weak.how}: {where} sets "
            f"{format_path(weak.path)} {weak.policy_value}"
        )
        if granted is not None and weak.check in granted[1].allow:
            index, exception = granted
            place = context.place(("exceptions", index, "expires"))
            data = {**data, "exception_expires": exception.expires.isoformat()}
            if exception.expires < context.today:
                findings.append(
                    Finding(
                        "POLICY_EXCEPTION_EXPIRED",
                        "error",
                        path,
                        f"{stated}; the exception for {scheme.key} ({exception.reason}) "
                        f"expired on {exception.expires.isoformat()} ({place})",
                        data,
                        hint=_HINTS["POLICY_EXCEPTION_EXPIRED"],
                    )
                )
                refused.add(weak.check)
                continue
            if exception.expires - context.today <= timedelta(days=EXPIRY_WARNING_DAYS):
                findings.append(
                    Finding(
                        "POLICY_EXCEPTION_EXPIRING",
                        "warning",
                        path,
                        f"{stated}; allowed by the exception for {scheme.key} "
                        f"({exception.reason}) until {exception.expires.isoformat()} ({place}), "
                        f"which ends within {EXPIRY_WARNING_DAYS} days",
                        data,
                        hint=_HINTS["POLICY_EXCEPTION_EXPIRING"],
                    )
                )
            continue
        refused.add(weak.check)
        findings.append(
            Finding(
                "POLICY_WEAKENED",
                "error",
                path,
                f"{stated}; a scheme may only tighten the organisation policy",
                data,
                hint=_HINTS["POLICY_WEAKENED"],
            )
        )
    effective = effective_policy(own, org, refused)
    update: dict[str, Any] = {}
    if effective != scheme.policy:
        update["policy"] = effective
    if org.minimum_wage and not any(order_findings(scheme)):  # a misordered list is reported
        update["minimum_wage"] = higher_floors(scheme.minimum_wage, org.minimum_wage)
    if not update:
        return scheme, findings
    return scheme.model_copy(update=update), findings
