"""What a number is about, from the words around it: "published in 1992", "2-year warranty"."""

from __future__ import annotations

import re

from .claims import Claim

# fmt: off
# role -> (dimensions it applies to, English cue words, Chinese cue strings)
ROLES: dict[str, tuple[frozenset[str], frozenset[str], tuple[str, ...]]] = {
    "discount": (frozenset({"price", "percent"}),
                 frozenset({"discount", "off", "save", "saving", "savings", "coupon", "rebate",
                            "discounted", "cheaper"}),
                 ("折扣", "优惠", "立减", "打折", "省", "减", "券")),
    "price": (frozenset({"price"}),
              frozenset({"price", "priced", "sells", "sell", "costs", "cost", "retail", "retails",
                         "rrp", "msrp", "pay", "yours"}),
              ("售价", "价格", "定价", "仅售", "只要", "零售价", "到手价", "仅需")),
    "publication": (frozenset({"year"}),
                    frozenset({"published", "publication", "publish", "publishes", "released",
                               "release", "edition", "printed", "printing", "copyright", "©",
                               "issued", "publisher", "reprinted", "launched", "introduced"}),
                    ("出版", "发行", "初版", "首版", "版权", "出品", "发布", "上市", "推出",
                     "印刷")),
    "founded": (frozenset({"year"}),
                frozenset({"since", "founded", "established", "est", "founding"}),
                ("创立", "成立", "创办", "始于", "创建")),
    "harvest": (frozenset({"year"}),
                frozenset({"harvest", "harvested", "picked", "vintage", "crop"}),
                ("采摘", "采收", "收获", "年份")),
    "warranty": (frozenset({"time"}),
                 frozenset({"warranty", "warranted", "guarantee", "guaranteed", "guarantees"}),
                 ("保修", "质保", "保固", "包换", "保用", "联保")),
    "battery": (frozenset({"time", "charge"}),
                frozenset({"battery", "charge", "charging", "runtime", "playtime", "playback",
                           "standby", "recharge"}),
                ("续航", "电池", "充电", "待机", "播放")),
    "insulation": (frozenset({"time", "temperature"}),
                   frozenset({"cold", "hot", "warm", "cool", "ice", "iced", "chilled",
                              "insulated", "insulation"}),
                   ("保温", "保冷", "冷饮", "热饮", "冰")),
    "burn": (frozenset({"time"}), frozenset({"burn", "burns", "burning"}), ("燃烧", "可燃")),
    "shipping": (frozenset({"time", "price"}),
                 frozenset({"ship", "ships", "shipping", "delivery", "delivered", "deliver",
                            "dispatch", "dispatched", "arrives", "postage"}),
                 ("发货", "送达", "配送", "运费", "快递")),
    "age": (frozenset({"time"}), frozenset({"ages", "age", "aged", "old", "kids", "children"}),
            ("岁", "儿童", "宝宝", "婴儿", "月龄", "适合", "适用")),
    "water": (frozenset({"length"}),
              frozenset({"water", "waterproof", "water-resistant", "dive", "diving"}),
              ("防水", "潜水")),
    "screen": (frozenset({"length"}),
               frozenset({"laptop", "screen", "display", "monitor", "notebook"}),
               ("笔记本", "电脑", "屏幕", "显示屏")),
    "size": (frozenset({"length"}),
             frozenset({"measures", "measuring", "measure", "dimensions", "dimension", "size",
                        "tall", "high", "height", "wide", "width", "long", "length", "deep",
                        "depth", "thick", "thickness", "diameter", "across", "trim"}),
             ("尺寸", "高度", "宽度", "长度", "厚度", "直径", "规格", "表径", "刃长", "径", "高",
              "宽", "长", "厚")),
    "weight": (frozenset({"mass"}),
               frozenset({"weighs", "weight", "weighing", "heavy", "light", "lightweight"}),
               ("重量", "净重", "毛重", "重")),
    "capacity": (frozenset({"volume", "charge", "data"}),
                 frozenset({"holds", "capacity", "volume", "fits", "hold", "storage"}),
                 ("容量", "容积", "存储")),
    "load": (frozenset({"mass"}), frozenset({"load", "supports", "carries", "bears"}),
             ("承重", "载重")),
}
# fmt: on
_WORD = re.compile(r"[a-z©#']+")
_CLAUSE_END = re.compile(r"[!?;。！？；\n]|\.(?!\d)")  # "17.99" does not end a sentence
_KEY_WORD = re.compile(r"[a-z]{3,}|[\u3400-\u9fff]+")
_WEAK_KEY_WORDS = {
    "the",
    "and",
    "for",
    "with",
    "max",
    "min",
    "total",
    "number",
    "time",
    "size",
    "year",
    "date",
    "count",
    "value",
    "amount",
    "type",
}


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    left = 0
    for match in _CLAUSE_END.finditer(text, 0, start):
        left = match.end()
    after = _CLAUSE_END.search(text, end)
    return left, after.start() if after else len(text)


def context(text: str, start: int, end: int) -> tuple[str, str]:
    """The words just before and after a claim, within its clause."""
    left, right = sentence_bounds(text, start, end)
    # A cue stays within its clause part: "$29.99, 30% off" is not a discount of $29.99.
    before = re.split(r"[,，、(（]", text[max(left, start - 48) : start].lower())[-1]
    after = re.split(r"[,，、)）]", text[end : min(right, end + 24)].lower())[0]
    return before, after


def find_role(text: str, start: int, end: int, dimension: str) -> str:
    """The nearest cue in the claim's clause that fits its dimension, or ''."""
    before, after = context(text, start, end)
    best: tuple[int, str] | None = None
    for role, (dimensions, words, zh_cues) in ROLES.items():
        if dimension not in dimensions:
            continue
        for distance in _distances(before, after, words, zh_cues):
            if best is None or distance < best[0]:
                best = (distance, role)
    return best[1] if best else ""


def _distances(
    before: str, after: str, words: frozenset[str], zh_cues: tuple[str, ...]
) -> list[int]:
    found: list[int] = []
    before_words = [(m.group(), len(before) - m.end()) for m in _WORD.finditer(before)][-6:]
    found.extend(distance for word, distance in before_words if word in words)
    for index, match in enumerate(_WORD.finditer(after)):
        if index < 3 and match.group() in words:
            found.append(match.start() + 1)  # prefer a cue before the number on a tie
    for cue in zh_cues:
        position = before.rfind(cue, max(0, len(before) - 8))
        if position >= 0:
            found.append(len(before) - position - len(cue))
        position = after.find(cue, 0, 6)
        if position >= 0:
            found.append(position + 1)
    return found


def role_of_key(key: str, dimension: str) -> str:
    """The role an attribute name gives its values: "publication_year" -> "publication"."""
    words = set(re.split(r"[^a-z©]+", key.lower()))
    for role, (dimensions, cue_words, zh_cues) in ROLES.items():
        if dimension in dimensions and (words & cue_words or any(c in key for c in zh_cues)):
            return role
    return ""


def mentions(window: str, key: str) -> bool:
    """Whether a claim's surroundings name the attribute: "a 25 cm blade" and "blade_length"."""
    for word in _KEY_WORD.findall(key.lower()):
        if word in _WEAK_KEY_WORDS:
            continue
        if word.isascii() and re.search(r"\b" + word + r"(?:s|es)?\b", window):
            return True
        if not word.isascii() and any(word[i : i + 2] in window for i in range(len(word) - 1)):
            return True
    return False


def assign_roles(text: str, claims: list[Claim]) -> None:
    """Fill in each numeric claim's role and surroundings from its context."""
    for claim in claims:
        if claim.dimension:
            before, after = context(text, claim.start, claim.end)
            claim.context = before + " | " + after
            claim.role = claim.role or find_role(text, claim.start, claim.end, claim.dimension)
