"""The usual fix of each finding code, in plain words: a finding's ``hint`` unless it has its own.

Each hint is a whole sentence without the values of one finding, so that it can be translated
as it is; a finding that knows better (the rate it would be as a fraction, the key that was
probably meant) gives its own hint.
"""

from __future__ import annotations

from typing import Final

__all__ = ["HINTS", "default_hint"]

HINTS: Final[dict[str, str]] = {
    "UNKNOWN_KEY": "check the spelling and the indentation; docs/rules.md lists the keys",
    "MISSING_KEY": "add the key; docs/rules.md says what it holds",
    "INVALID_TYPE": "write the kind of value this key takes; docs/rules.md has an example",
    "INVALID_VALUE": "write one of the values docs/rules.md lists for this key",
    "INVALID_NAME": "write names in lower case, with digits and '_' only: sales_rep",
    "INVALID_LENGTH": "give at least one item, and no more than docs/rules.md allows",
    "INVALID_NUMBER": "write the number with digits only and '.' for decimals: 45000 or 0.15",
    "DECIMAL_COMMA": "write '.' as the decimal mark: 0.15",
    "PERCENT_STRING": "write the percentage as a fraction: 15% is written 0.15",
    "DATE_FORMAT": "write dates as YYYY-MM-DD: 2027-03-01",
    "NEGATIVE_MONEY": "amounts in a scheme are 0 or more: remove the minus sign",
    "AMOUNT_TOO_LARGE": "check for extra zeros: an amount is at most 10 000 000 000 000",
    "PRECISION": "round the amount to the currency's smallest unit: 45000.00 in RUB",
    "RATE_RANGE": "rates are fractions: 15% is written 0.15",
    "THRESHOLD_RANGE": "a threshold is a fraction of the target: 50% is written 0.5",
    "ATTAINMENT_RANGE": "attainment is a fraction: 120% is written 1.2",
    "CAP_RANGE": "a cap multiple counts the commission at target: 2 means twice as much",
    "UNKNOWN_CURRENCY": "write the currency's three-letter ISO 4217 code: RUB, EUR or USD",
    "CONTROL_CHARACTER": "delete the invisible character, or retype the text",
    "TIER_BOUND": "give each tier one of 'from' or 'from_attainment', the same one in a rule",
    "TIER_ORDER": "list the tiers from the lowest start to the highest, no start twice",
    "MISSING_TARGET": "add a target for this measure to the role: target: {new_revenue: 600000}",
    "CAP_CONFLICT": "keep either 'cap' or 'cap_multiple', not both",
    "COMPARE_WITH_MISSING": "name a role of the client department, or write compare: false",
    "OVERRIDE_MEASURE": "use a measure the department is credited with: new_revenue for sales",
    "EFFECTIVE_DATES": "make effective_to, the last day the rules apply, not before effective_from",
    "POLICY_INVALID": "write the band's smaller number as min and the larger as max",
    "NOT_A_MAPPING": "start the file with the scheme's keys (key:, name:, currency:), not '- '",
    "BASE_GAP": "change the sales base or the client base until the gap is within the band",
    "COMMISSION_ORDER": "raise the sales rates or lower the client rates",
    "EARNINGS_ORDER": "raise the sales pay at target (base or rates) or lower the client pay",
    "STRUCTURE": "plan 4-5 reps and 1-2 heads in the sales department, or change the policy",
    "NO_COUNTERPART": "add the client role to compare with, or write compare: false",
    "MINIMUM_WAGE_ORDER": "list each jurisdiction's minimum wages oldest first, one per date",
    "BELOW_MINIMUM_WAGE": "raise the base to the minimum wage, or accept the top-up in weak months",
}


def default_hint(code: str) -> str | None:
    """The usual fix of ``code``; None for a code without one."""
    return HINTS.get(code)
