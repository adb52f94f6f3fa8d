"""What a text asserts: one number, quantity, price, term or claim, with where it is written."""

from __future__ import annotations

from dataclasses import dataclass

from .units import UNITS, Unit


@dataclass
class Claim:
    """One assertion found in a text. Quantities keep the values and units as written."""

    kind: str  # quantity, dimensions, price, percentage, year, count, material, colour, ...
    start: int
    end: int
    text: str
    dimension: str = ""  # volume, mass, length, time, pages, percent, price, year, count
    values: tuple[float, ...] = ()  # as written; a range has two, a size two or three
    units: tuple[str, ...] = ()  # unit id per value; the currency code for a price
    spans: tuple[tuple[int, int], ...] = ()  # where each value is written
    decimals: int = 0
    trailing_zeros: int = 0
    approx: bool = False  # "about 750 ml"
    comparator: str = ""  # ">" for "over 300 pages", "<" for "up to 24 hours"
    ranged: bool = False  # "2-3 days"
    key: str = ""  # vocabulary key: "stainless steel", "dishwasher_safe"; a count's noun
    role: str = ""  # what the number is about: "warranty", "publication", "price", ...
    negated: bool = False  # "not dishwasher-safe"
    word: bool = False  # the number is written as a word
    context: str = ""  # the words around a number in a draft
    source: str = ""  # the attribute a record value comes from ("blade_length")

    def unit_objects(self) -> list[Unit | None]:
        return [UNITS.get(unit) for unit in self.units]

    def base_values(self) -> list[float]:
        """The values in the dimension's base unit (ml, g, mm, hours, ...)."""
        out = []
        for value, unit in zip(self.values, self.unit_objects(), strict=True):
            out.append(unit.to_base(value) if unit else value)
        return out
