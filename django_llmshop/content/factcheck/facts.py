"""What the product record supports: its numbers, terms and yes/no flags, built once per product."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from . import vocab_en, vocab_zh
from .claims import Claim
from .extract import extract_claims
from .roles import role_of_key
from .terms import country_key, normalise
from .units import resolve_unit

_TRUE = {"true", "yes", "y", "是", "有", "支持", "可以"}
_FALSE = {"false", "no", "n", "否", "无", "不", "不支持", "不可以"}
_YEAR_KEY = re.compile(r"year|publi|release|copyright|founded|since|established|年份|出版|发布")
_PRICE_KEY = re.compile(r"price|cost|售价|价格")
_COUNT_KEY = re.compile(
    r"(?<![a-z])(?:pieces|piece|count|quantity|qty|pack|set|pcs|number_of)(?![a-z])|件数|数量"
)
_CJK = re.compile(r"[\u3400-\u9fff]")
_ID_KEY = re.compile(r"isbn|upc|ean|gtin|sku|mpn|model|asin|barcode|型号|货号")
_DECLARING = {
    "material": re.compile(r"material|fabric|made_of|材质|材料|面料"),
    "colour": re.compile(r"colou?r|shade|finish|颜色|色"),
    "origin": re.compile(r"origin|country|made_in|产地|原产"),
    "format": re.compile(r"format|binding|cover|装帧|版本"),
}


def _flag_keys() -> dict[str, str]:
    keys = {normalise(k): k for k in vocab_en.CLAIMS}
    for table in (vocab_en.CLAIMS, vocab_zh.CLAIMS):
        for key, spellings in table.items():
            keys.update({normalise(s): key for s in spellings})
    keys.update(
        {
            "dishwasher": "dishwasher_safe",
            "microwave": "microwave_safe",
            "bpa": "bpa_free",
            "lifetimewarranty": "lifetime_warranty",
        }
    )
    return keys


FLAG_KEYS = _flag_keys()


@dataclass
class Facts:
    """Everything a product record says, in the form the checker compares drafts with."""

    claims: list[Claim] = field(default_factory=list)
    flags: dict[str, bool] = field(default_factory=dict)  # "dishwasher_safe" -> True
    numbers: list[tuple[float, str]] = field(default_factory=list)  # bare values and keys
    identifiers: set[str] = field(default_factory=set)
    names: list[str] = field(default_factory=list)  # texts whose numbers are names, not claims
    declared: set[str] = field(default_factory=set)  # kinds the record states outright
    corpus: str = ""  # all record text, lower case, for words the vocabularies lack
    currency: str = ""

    @classmethod
    def from_product(
        cls,
        name: str = "",
        category: str = "",
        price: Any = None,
        currency: str | None = None,
        attributes: Mapping[str, Any] | None = None,
        texts: Iterable[str] = (),
        extra: Mapping[str, Any] | Iterable[str] | None = None,
    ) -> Facts:
        """Facts from a product record: name, category path, price, attributes and texts
        (such as the current description). `extra` holds further fields (brand, SKU, ...) as a
        mapping, or more texts."""
        facts = cls(currency=(currency or "").upper())
        facts.names = [name, *_numbered_pairs(name)] if name else []
        facts.numbers = [(float(n), "name") for n in re.findall(r"(?<![\d.])\d+(?:\.\d+)?", name)]
        for text in (name, category):
            facts.add_text(text, source="record")
        if price not in (None, ""):
            facts.add_price(price)
        for key, value in (attributes or {}).items():
            facts.add_attribute(str(key), value)
        if isinstance(extra, Mapping):
            for key, value in extra.items():
                facts.add_attribute(str(key), value)
        else:
            for text in extra or ():
                facts.add_text(text)
        for text in texts:
            facts.add_text(text)
        return facts

    def add_text(self, text: str, key: str = "", source: str = "text") -> None:
        """Claims of a free text (source "text") or of a record field (source "record")."""
        if not text:
            return
        self.corpus += " " + _plain(text)
        self.identifiers.update(
            re.sub(r"[-\s]", "", m) for m in re.findall(r"\d[\d-]{5,}[\dX]", text)
        )
        for claim in extract_claims(text, key=key, loose=source == "record"):
            if claim.kind in {"material", "colour", "format", "claim", "origin"}:
                claim.role = source
            claim.source = key
            self.claims.append(claim)

    def add_price(self, price: Any, currency: str | None = None) -> None:
        try:
            value = float(Decimal(str(price).replace(",", "")))
        except InvalidOperation:
            self.add_text(str(price), key="price", source="record")
            return
        code = (currency or self.currency).upper()
        text = f"{value:.2f} {code}".strip()
        self.claims.append(
            Claim(
                "price", 0, 0, text, dimension="price", values=(value,), units=(code,), role="price"
            )
        )

    def add_attribute(self, key: str, value: Any) -> None:
        """One attribute: booleans become flags, numbers take their unit from the key."""
        lowered = key.lower()
        self.corpus += " " + _plain(key)
        if isinstance(value, Mapping):
            for sub_key, sub_value in value.items():
                self.add_attribute(f"{key} {sub_key}", sub_value)
            return
        if isinstance(value, list | tuple | set):
            for item in value:
                self.add_attribute(key, item)
            return
        if value is None or value == "":
            return
        text = str(value).strip()
        if isinstance(value, bool) or (isinstance(value, str) and text.lower() in _TRUE | _FALSE):
            self._add_flag(key, value if isinstance(value, bool) else text.lower() in _TRUE)
            return
        if _ID_KEY.search(lowered):
            self.identifiers.add(re.sub(r"[-\s]", "", text).upper())
            self.names.append(text)
        for kind, pattern in _DECLARING.items():
            if pattern.search(lowered):
                self.declared.add(kind)
                if kind == "origin":
                    self.claims.append(
                        Claim("origin", 0, 0, text, key=country_key(text), role="record")
                    )
        if re.fullmatch(r"-?\d+(?:\.\d+)?", text.replace(",", "")):
            self._add_number(key, float(text.replace(",", "")))
        else:
            self.add_text(text, key=key, source="record")

    def _add_flag(self, key: str, value: bool) -> None:
        flag = FLAG_KEYS.get(normalise(key)) or next(
            (flag for spelling, flag in FLAG_KEYS.items() if spelling in normalise(key)), None
        )
        if flag:
            self.flags[flag] = value
        elif value:
            self.add_text(key.replace("_", " "), source="record")

    def _add_number(self, key: str, value: float) -> None:
        """A bare number: its unit, if any, comes from the key ("capacity_ml", "pages")."""
        lowered = key.lower()
        words = [w for w in re.split(r"[^a-z\u3400-\u9fff]+", lowered) if w]
        units = [(w, u) for w, u in zip(words, map(resolve_unit, words), strict=True) if u]
        units = [(w, u) for w, u in units if u.id != "in"]
        if _PRICE_KEY.search(lowered):
            self.add_price(value)
            return
        if _YEAR_KEY.search(lowered) and 1000 <= value <= 2099:
            kind, dimension, unit, text = "year", "year", "", f"{value:.0f}"
        elif units:
            kind, dimension, unit = "quantity", units[-1][1].dimension, units[-1][1].id
            text = f"{value:g} {units[-1][0]}"
        elif _COUNT_KEY.search(lowered):
            kind, dimension, unit, text = "count", "count", "", f"{value:g} ({key})"
        else:
            self.numbers.append((value, key))
            return
        self.claims.append(
            Claim(
                kind,
                0,
                0,
                text,
                dimension=dimension,
                values=(value,),
                units=(unit,),
                key="piece" if kind == "count" else "",
                role=role_of_key(key, dimension),
                source=key,
            )
        )

    def says(self, phrase: str) -> bool:
        """Whether the record's text contains the phrase, as whole words ("red", not "covered")."""
        phrase = _plain(phrase)
        if not phrase:
            return False
        if _CJK.search(phrase):
            return phrase in self.corpus
        return (
            re.search(r"(?<![a-z0-9])" + re.escape(phrase) + r"(?![a-z0-9])", self.corpus)
            is not None
        )

    def of_kind(self, *kinds: str) -> list[Claim]:
        return [claim for claim in self.claims if claim.kind in kinds]


def _plain(text: str) -> str:
    """Lower case, with runs of spaces, hyphens and underscores as one space."""
    return re.sub(r"[\s\-_]+", " ", text.lower()).strip()


def _numbered_pairs(name: str) -> list[str]:
    """ "Trail Bottle 750" -> ["Bottle 750"]: a name's numbers with the word before them."""
    return [m.group(0) for m in re.finditer(r"[A-Za-z]+[\s-]+\d[\w.-]*", name)]
