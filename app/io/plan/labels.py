"""The words and numbers of the pay curves, in the reader's language (app.i18n).

Numbers are formatted with Babel's CLDR data: ``45 000 ₽`` and ``15 %`` in Russian,
``45,000 RUB`` and ``15%`` in English.  Amounts are Decimals; nothing here rounds money
except for display (a whole amount is shown without decimals).
"""

from __future__ import annotations

from decimal import Decimal, localcontext

from app.engine.money import EXACT
from app.engine.plan.curves import Curve, Curves, PairCurves
from app.i18n import translation

__all__ = ["CurveTexts", "currency_name", "money", "percent"]

_SHARE = Decimal("0.01")  # the pay mix is shown to whole percent
_ATTAINMENT = Decimal("0.0001")  # attainments to a hundredth of a percent


def money(amount: Decimal, currency: str, lang: str) -> str:
    """``45 000 ₽`` (ru), ``45,000 RUB`` (en); two decimals only when there are kopecks."""
    from babel.numbers import format_currency

    digits = "#,##0" if amount == amount.to_integral_value() else "#,##0.00"
    pattern = f"{digits}\u00a0¤" if lang == "ru" else f"{digits} ¤¤"
    return format_currency(amount, currency, format=pattern, locale=lang, currency_digits=False)


def percent(value: Decimal, lang: str, quantum: Decimal = _ATTAINMENT) -> str:
    """``Decimal('0.8611')`` → ``86,11 %`` (ru), ``86.11%`` (en)."""
    from babel.numbers import format_percent

    with localcontext(EXACT):
        shown = value.quantize(quantum).normalize()
    return format_percent(shown, locale=lang, decimal_quantization=False)


def currency_name(currency: str, lang: str) -> str:
    """The currency as the axis names it: ``₽`` (ru), ``RUB`` (en)."""
    from babel.numbers import get_currency_symbol

    return get_currency_symbol(currency, locale=lang) if lang == "ru" else currency


class CurveTexts:
    """Every text of one language's chart and report."""

    def __init__(self, curves: Curves, lang: str) -> None:
        self.curves, self.lang = curves, lang
        _ = translation(lang).gettext
        self.gettext = _
        self.title = _("Pay curves: {scheme}").format(scheme=curves.name)
        self.x_label = _("Attainment of target, %")
        self.y_label = _("Pay per month, {currency}").format(
            currency=currency_name(curves.currency, lang)
        )
        self.attainment = _("Attainment")
        self.no_pairs = _("The scheme has no sales and client roles to compare.")
        self.policy = _("Policy attainment: {attainment}").format(
            attainment=percent(curves.policy_attainment, lang)
        )

    def money(self, amount: Decimal) -> str:
        return money(amount, self.curves.currency, self.lang)

    def percent(self, value: Decimal) -> str:
        return percent(value, self.lang)

    def pair_title(self, pair: PairCurves) -> str:
        _ = self.gettext
        return _("{sales} and {client}").format(sales=pair.sales.label, client=pair.client.label)

    def break_even(self, pair: PairCurves) -> str:
        _, even = self.gettext, pair.break_even
        if even.attainment is None:
            return _("No break-even: {sales} never earns {pay}").format(
                sales=pair.sales.label, pay=self.money(even.client_pay)
            )
        return _("Break-even: {attainment} ({pay})").format(
            attainment=self.percent(even.attainment), pay=self.money(even.client_pay)
        )

    def mix(self, curve: Curve) -> str:
        """The pay mix at 100% of target: base and variable, in money and shares."""
        point = curve.at_target
        with localcontext(EXACT):
            share = point.base / point.gross if point.gross else Decimal(0)
        base_share = percent(share, self.lang, _SHARE)
        variable_share = percent(1 - share.quantize(_SHARE), self.lang, _SHARE)
        _ = self.gettext
        return _(
            "at {target}: base {base} ({base_share}), variable {variable} ({variable_share})"
        ).format(
            target=percent(Decimal(1), self.lang),
            base=self.money(point.base),
            base_share=base_share,
            variable=self.money(point.variable),
            variable_share=variable_share,
        )
