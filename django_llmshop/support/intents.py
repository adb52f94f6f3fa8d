"""What a shopper's message asks for, decided by rules before any model is called.

Order numbers, keyword sets in English and Simplified Chinese, and how well the message matches
the shop's help pages and catalog decide the intent; a small model is never trusted with this.
Shops extend the keyword sets through ``LLMSHOP["CHAT_INTENT_KEYWORDS"]``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from django_llmshop.conf import llmshop_settings


class Intent(StrEnum):
    HANDOFF = "handoff"
    ORDER = "order"
    POLICY = "policy"
    PRODUCT = "product"
    OTHER = "other"


# An order number: letters, a dash, digits (LS-100231), or a long run of digits after "#".
ORDER_NUMBER_RE = re.compile(r"(?<![\w-])([A-Za-z]{1,5}-\d{3,12}|#\d{5,12})(?![\w-])")

_HANDOFF_EN = re.compile(
    r"\b(?:talk|speak|chat|write)\s+(?:to|with)\s+(?:a\s+|an\s+|some\s+|your\s+)?"
    r"(?:real\s+|live\s+|actual\s+)?(?:person|human|agent|someone|somebody|representative|rep|"
    r"operator|staff|people|man|woman)\b"
    r"|\b(?:real|live|actual)\s+(?:person|human|agent|people)\b"
    r"|\b(?:human|live)\s+(?:agent|support|help|being)\b"
    r"|\b(?:connect|transfer|put)\s+me\s+(?:to|through|with)\b"
    r"|\bcustomer\s+(?:service|support)\s+(?:agent|rep|representative|team)\b"
    r"|^\W*(?:a\s+)?(?:human|agent|person|representative|operator)\W*(?:please)?\W*$",
    re.IGNORECASE,
)
_HANDOFF_ZH = ("人工", "真人", "客服人员", "找客服", "转客服", "联系客服", "客服代表", "接线员")

# The shopper asks where an order is or what state it is in.
_ORDER_STATUS_EN = re.compile(
    r"\bwhere(?:'s|\s+is|\s+are)\s+my\b"
    r"|\b(?:status|tracking)\b"
    r"|\btrack\b.*\b(?:order|package|parcel)\b"
    r"|\bhas\s+(?:it|my(?:\s+\w+){1,2})\s+(?:shipped|been\s+\w+|arrived)\b"
    r"|\bwhen\s+will\s+my\b"
    r"|\bmy\s+(?:last|latest|recent|newest)\s+(?:order|orders|package|parcel)\b"
    r"|\bmy\s+orders\b",
    re.IGNORECASE,
)
# The shopper mentions their own order: a status question unless it asks about a policy
# ("Can I cancel my order?").
_ORDER_MINE_EN = re.compile(
    r"\b(?:my|our)\s+(?:order|package|parcel|shipment|delivery|purchase)\b", re.IGNORECASE
)
_ORDER_ZH = (
    "我的订单",
    "我的包裹",
    "我的快递",
    "订单状态",
    "物流",
    "到哪",
    "发货了吗",
    "单号",
    "查订单",
)

_PRODUCT_EN = re.compile(
    r"\b(?:how\s+much|price|cost|costs|heavy|weigh|weight|in\s+stock|available|availability|"
    r"size|sizes|dimensions?|capacity|made\s+of|material|colou?rs?|volume|how\s+big|"
    r"how\s+long\s+is|how\s+tall|watts?|battery)\b",
    re.IGNORECASE,
)
_PRODUCT_ZH = (
    "多少钱",
    "价格",
    "价钱",
    "多重",
    "重量",
    "库存",
    "有货",
    "尺寸",
    "大小",
    "容量",
    "材质",
    "颜色",
)

_POLICY_EN = re.compile(
    r"\b(?:return|returns|refund|refunds|exchange|shipping|ship|deliver|delivery\s+time|warranty|"
    r"guarantee|payment|pay|invoice|privacy|gift\s+wrap\w*|gift\s+card|cancel|policy|policies|"
    r"international|customs|duties|address|discount\s+code|vat|tax|lost|damaged|broken)\b",
    re.IGNORECASE,
)
_POLICY_ZH = (
    "退货",
    "退款",
    "换货",
    "运费",
    "配送",
    "发货",
    "保修",
    "质保",
    "付款",
    "支付",
    "发票",
    "隐私",
    "礼品",
    "包装",
    "取消",
    "政策",
    "海外",
    "关税",
)


@dataclass(frozen=True)
class Classification:
    intent: Intent
    order_number: str | None = None


def order_number_in(text: str) -> str | None:
    match = ORDER_NUMBER_RE.search(text)
    return match.group(1).lstrip("#").upper() if match else None


def _extra(intent: Intent) -> tuple[str, ...]:
    extra = llmshop_settings.CHAT_INTENT_KEYWORDS or {}
    return tuple(str(word).lower() for word in extra.get(intent.value, ()))


def _has(text: str, pattern: re.Pattern[str], words: tuple[str, ...], intent: Intent) -> bool:
    lowered = text.lower()
    return bool(pattern.search(text)) or any(w in lowered for w in words + _extra(intent))


def asks_for_person(text: str) -> bool:
    """The shopper asks for a person, in any supported language."""
    return _has(text, _HANDOFF_EN, _HANDOFF_ZH, Intent.HANDOFF)


def classify(
    text: str, *, policy_score: float = 0.0, product_match: bool = False
) -> Classification:
    """The intent of ``text``.

    ``policy_score`` is how well the best help passage matches (0..1, see
    :func:`django_llmshop.support.answering.plan`), ``product_match`` whether a product's name
    matches the message.
    """
    if asks_for_person(text):
        return Classification(Intent.HANDOFF)
    number = order_number_in(text)
    policy_words = _has(text, _POLICY_EN, _POLICY_ZH, Intent.POLICY)
    mine = bool(_ORDER_MINE_EN.search(text)) and not policy_words
    if number or mine or _has(text, _ORDER_STATUS_EN, _ORDER_ZH, Intent.ORDER):
        return Classification(Intent.ORDER, number)
    product_words = _has(text, _PRODUCT_EN, _PRODUCT_ZH, Intent.PRODUCT)
    if product_match and product_words:
        return Classification(Intent.PRODUCT)
    if policy_words or policy_score >= float(llmshop_settings.CHAT_POLICY_MIN_SCORE):
        return Classification(Intent.POLICY)
    if product_match:
        return Classification(Intent.PRODUCT)
    return Classification(Intent.OTHER)


def has_policy_words(text: str) -> bool:
    return _has(text, _POLICY_EN, _POLICY_ZH, Intent.POLICY)
