"""The words of a shopper's question as the indexes see them, in English and Chinese.

The help pages and the catalog of a shop are often in one language. A Chinese question is
matched through a small glossary of the topic and product words shoppers use, so "退货政策"
finds the English "Returns policy"; words of small talk are left out of the matching.
"""

from __future__ import annotations

import re

from django_llmshop.support.retrieval.text import terms

# Chinese topic and product words, and the English words help pages and catalogs use for them.
GLOSSARY = {
    "退货": "return", "退款": "refund", "换货": "exchange", "运费": "shipping cost",
    "配送": "shipping delivery", "发货": "ship dispatch", "快递": "shipping carrier",
    "保修": "warranty", "质保": "warranty", "付款": "payment", "支付": "payment pay",
    "发票": "invoice", "隐私": "privacy data", "礼品包装": "gift wrapping", "包装": "wrapping",
    "礼品卡": "gift card", "取消": "cancel", "政策": "policy", "海外": "outside international",
    "国际": "international", "关税": "duties import", "地址": "address", "多少天": "days",
    "几天": "days", "洗碗机": "dishwasher", "动物": "animals tested", "丢失": "lost parcel",
    "丢了": "lost parcel", "损坏": "damaged", "折扣": "discount code", "优惠码": "discount code",
    "保温瓶": "insulated bottle", "水瓶": "bottle", "瓶": "bottle", "背包": "backpack",
    "双肩包": "backpack", "杯": "mug cup", "蜡烛": "candle", "刀": "knife", "锅": "pot pan skillet",
    "笔记本": "notebook", "钢笔": "fountain pen", "头灯": "headlamp", "帽": "beanie hat",
    "雨衣": "rain shell", "炉": "stove", "护手霜": "hand cream", "肥皂": "soap",
}  # fmt: skip

# Words of small talk that say nothing about what a passage or product should contain.
CHAT_TERMS = frozenset(
    terms(
        "tell say know want need please help thank thanks hello hi hey nice good great like get "
        "make give show something anything thing way much many lot ok okay sure yes just also "
        "really very"
    )
)
# Counted like bare numbers: "two weeks" should not favour "burn for two hours".
NUMBER_WORDS = frozenset(
    [
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "couple",
        "few",
        "several",
    ]
)
NUMBER_TERMS = frozenset(terms(" ".join(NUMBER_WORDS)))
_LATIN_WORD_RE = re.compile(r"\b(?:\d+|[^\W\d_]+)\b", re.ASCII)
_CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def english_words(question: str) -> list[str]:
    """The English glossary words for the Chinese words in ``question`` (longest first)."""
    found: list[str] = []
    rest = question
    for word in sorted(GLOSSARY, key=len, reverse=True):
        if word in rest:
            found.append(GLOSSARY[word])
            rest = rest.replace(word, " ")
    return found


def _says_nothing(word: str) -> bool:
    return word.isdigit() or word.lower() in NUMBER_WORDS or set(terms(word)) <= CHAT_TERMS


def search_text(question: str) -> str:
    """The question with the English words of its Chinese words added, for the indexes; words
    of small talk and bare numbers are left out, as in :func:`question_terms` ("something"
    would favour "If something arrives broken", the "3" of "3 weeks" a list item "3.")."""
    kept = _LATIN_WORD_RE.sub(
        lambda word: "" if _says_nothing(word[0]) else word[0],
        question,
    )
    return " ".join([kept, *english_words(question)])


def question_terms(question: str) -> set[str]:
    """The index terms a good passage for ``question`` contains. Chinese words of a question
    that the glossary translated count by their English words alone."""
    english = english_words(question)
    own = terms(question)
    if english:
        own = [t for t in own if not _CJK_RE.match(t)]
    # Numbers are left out: "after 3 weeks" should not favour a passage's list item "3.".
    found = [*own, *terms(" ".join(english))]
    return {t for t in found if t not in CHAT_TERMS and not t.isdigit() and t not in NUMBER_TERMS}
