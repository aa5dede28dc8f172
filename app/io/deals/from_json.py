"""JSON deals files: ``{"deals": [...]}`` or a bare list, each deal checked field by field."""

from __future__ import annotations

from app.engine import Credit, Deal
from app.io.output.progress import NO_PROGRESS, Steps
from app.io.read.records import json_date, json_number, json_object, json_records, json_text

from .model import DEAL_COLUMNS, DealReport, DealsError, DealsFile, parse_credit, parse_measure

__all__ = ["deal_from_json", "parse_json_deals"]


def _identifier(item: dict[str, object], key: str, report: DealReport) -> str | None:
    value = item.get(key)
    if value is None:
        if key != "refund_of":
            report(key, "MISSING_VALUE", f"{key} is missing")
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str) or not value.strip():
        report(key, "INVALID_TYPE", f"{key} must be a non-empty string")
        return None
    if not json_text(value, key, report):
        return None
    return value.strip()


def _prefixed(report: DealReport, at: str) -> DealReport:
    def prefixed(column: str | None, code: str, message: str) -> None:
        report(at if column is None else f"{at}.{column}", code, message)

    return prefixed


def _json_credit(value: object, report: DealReport) -> tuple[Credit, ...] | None:
    if value is None:
        report("credit", "MISSING_VALUE", "credit is missing")
        return None
    if isinstance(value, str):
        if not json_text(value, "credit", report):
            return None
        try:
            return parse_credit(value)
        except ValueError as exc:
            report("credit", "INVALID_CREDIT", f"credit: {exc}")
            return None
    if not isinstance(value, list):
        report(
            "credit",
            "INVALID_TYPE",
            'credit must be a list [{"employee_id": ..., "share": ...}] or "E-1:0.5|E-2:0.5"',
        )
        return None
    credits: list[Credit] = []
    ok = True
    for index, entry in enumerate(value):
        at = f"credit[{index}]"
        if not isinstance(entry, dict):
            report(at, "INVALID_TYPE", f'{at} must be an object {{"employee_id", "share"}}')
            ok = False
            continue
        for key in entry:
            if key not in ("employee_id", "share", "commission"):
                report(f"{at}.{key}", "UNKNOWN_KEY", f"unknown key {key!r}; the keys are "
                       "employee_id, share, commission")  # fmt: skip
                ok = False
        who = _identifier(entry, "employee_id", _prefixed(report, at))
        share = None
        if entry.get("share") is None:
            report(f"{at}.share", "MISSING_VALUE", "share is missing")
        else:
            share = json_number(entry["share"], f"{at}.share", report)
        paid = None
        if entry.get("commission") is not None:
            paid = json_number(entry["commission"], f"{at}.commission", report)
            ok = ok and paid is not None
        if who is None or share is None:
            ok = False
            continue
        credits.append(Credit(who, share, paid))
    return tuple(credits) if ok else None


def deal_from_json(item: object, report: DealReport) -> Deal | None:
    """A :class:`Deal` from one JSON (or YAML) object, or None after reporting its problems."""
    found = json_object(item, "deal", DEAL_COLUMNS, report)
    if found is None:
        return None
    item, tracked = found
    deal_id = _identifier(item, "id", tracked)
    client = _identifier(item, "client_id", tracked)
    refund_of = _identifier(item, "refund_of", tracked)
    when = json_date(item, "date", tracked, required=True)
    since = json_date(item, "client_since", tracked, required=True)
    amount = None
    if item.get("amount") is None:
        tracked("amount", "MISSING_VALUE", "amount is missing")
    else:
        amount = json_number(item["amount"], "amount", tracked)
    kind = None
    if item.get("kind") is not None:
        raw = item["kind"]
        if isinstance(raw, str):
            kind = parse_measure(raw, tracked)
        else:
            tracked("kind", "INVALID_TYPE", "kind must be a measure name")
    credit = _json_credit(item.get("credit"), tracked)
    if tracked.codes:
        return None
    assert deal_id and client and when and since and amount is not None and credit is not None
    return Deal(deal_id, when, client, since, amount, credit, refund_of, kind)


def parse_json_deals(text: str, name: str = "<deals>", progress: Steps = NO_PROGRESS) -> DealsFile:
    """Deals from ``{"deals": [...]}`` or a bare list of deal objects."""
    deals, indexes, row = json_records(
        text, name, "deals", "NOT_A_DEALS_FILE", deal_from_json, progress, DealsError
    )
    return DealsFile(name, deals, lambda index: row(indexes[index]), _json_column)


def _json_column(name: str) -> str:
    """``credit.0.commission``, an engine field, as JSON names it: ``credit[0].commission``."""
    head, dot, rest = name.partition(".")
    if not dot:
        return name
    index, _, key = rest.partition(".")
    return f"{head}[{index}].{key}"
