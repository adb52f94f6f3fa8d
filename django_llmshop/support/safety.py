"""Checks on a finished reply: prices the shop did not set, and promises the bot cannot make.

The reply has already streamed to the shopper when it is checked, so a flagged reply is
corrected rather than hidden: the sentences at fault are removed, a note saying that the team
confirms prices, refunds and discounts is appended, and the final text replaces the streamed
one in the widget. The message keeps the findings in ``flags`` for the staff inbox.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils import translation
from django.utils.translation import gettext as _

_NUMBER = r"(\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?)"
_MONEY_RES = [
    re.compile(rf"(?:US\$|\$|USD\s?|€|£|¥|￥|EUR\s?|GBP\s?|CNY\s?|RMB\s?)\s?{_NUMBER}", re.I),
    re.compile(rf"{_NUMBER}\s?(?:USD|EUR|GBP|CNY|RMB|dollars?|euros?|美元|元|块)", re.I),
]
# Bare amounts with cents ("34.00" in a tool result); bare whole numbers are not amounts.
_CENTS_RE = re.compile(r"\b\d{1,3}(?:,\d{3})*\.\d{2}\b|\b\d+\.\d{2}\b")

COMMITMENT_PATTERNS = [
    # English: first-person promises of money, and guarantees.
    r"\bI(?:'ll| will| can| could| am going to|'m going to| have| 've)\s+(?:\w+\s+){0,2}?"
    r"(?:refund|reimburse|compensate|waive|credit)\w*",
    r"\bI(?:'ll| will| can| could| am going to|'m going to)\s+(?:give|offer|apply|get)\s+you\s+"
    r"(?:a\s+|an\s+)?(?:\d+\s?%\s+)?(?:full\s+|partial\s+|special\s+)?"
    r"(?:refund|discount|coupon|voucher|credit|price|deal|free)",
    r"\b(?:guarantee|guaranteed|guarantees)\b",
    r"\bI\s+promise\b",
    r"\byou(?:'ll| will)\s+(?:definitely|certainly)\s+(?:get|receive)\b",
    # Chinese: promises to refund, discount, compensate; "guarantee", "promise".
    r"我(?:们)?(?:会|将|可以|能|马上|立即|现在)?(?:给您|给你|为您|为你|帮您|帮你)?"
    r"(?:全额)?(?:退款|退钱|打折|折扣|优惠|补偿|赔偿|免单|减价|返现)",
    r"保证|担保|承诺|一定(?:会|能)?(?:退|赔|给)",
]
_COMMITMENT_RES = [re.compile(p, re.I) for p in COMMITMENT_PATTERNS]
# A sentence ends at ".", "!" or "?" before a space (not inside "$1.00"), or after "。！？".
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])")


@dataclass(frozen=True)
class Finding:
    kind: str  # "price" or "commitment"
    text: str

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "text": self.text}


def _amount(raw: str) -> Decimal | None:
    try:
        return Decimal(raw.replace(",", "")).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


def money_amounts(text: str) -> list[tuple[str, Decimal]]:
    """Money amounts in ``text`` as (matched text, value)."""
    found = []
    for pattern in _MONEY_RES:
        for match in pattern.finditer(text):
            value = _amount(match.group(1))
            if value is not None:
                found.append((match.group(0), value))
    return found


def known_amounts(texts: Iterable[str]) -> set[Decimal]:
    """The amounts in the texts the model was given: money ("$5.95") and prices ("34.00")."""
    known: set[Decimal] = set()
    for text in texts:
        known.update(value for _raw, value in money_amounts(text))
        for raw in _CENTS_RE.findall(text):
            value = _amount(raw)
            if value is not None:
                known.add(value)
    return known


def check_reply(text: str, allowed_prices: set[Decimal]) -> list[Finding]:
    findings = [
        Finding("price", raw) for raw, value in money_amounts(text) if value not in allowed_prices
    ]
    for pattern in _COMMITMENT_RES:
        findings += [Finding("commitment", m.group(0)) for m in pattern.finditer(text)]
    return findings


def safe_note(language: str) -> str:
    with translation.override(language or None):
        return _(
            "I can't set prices or promise refunds, discounts or exceptions. Prices are the ones "
            "on the product pages, and our team confirms any refund or exception under the shop's "
            "policies. I can hand this conversation to a person if you like."
        )


def correct_reply(text: str, findings: list[Finding], language: str) -> str:
    """The reply without the sentences at fault, followed by the safe note."""
    bad = [f.text for f in findings]
    lines = []
    for line in text.splitlines():
        sentences = [x for x in _SENTENCE_END_RE.split(line) if x]
        kept = [x for x in sentences if not any(b in x for b in bad)]
        if kept or not sentences:
            lines.append(" ".join(kept))
    remaining = "\n".join(lines).strip()
    note = safe_note(language)
    return f"{remaining}\n\n{note}" if remaining else note
