"""A Chinese draft may keep the product's English name as the record spells it, hyphens too."""

from __future__ import annotations

from django_llmshop.content.factcheck import Facts
from django_llmshop.content.factcheck.quality import check_draft

BOARD = Facts.from_product(
    name="End-Grain Walnut Cutting Board",
    category="Kitchen",
    price="89.00",
    currency="USD",
    attributes={"material": "walnut"},
)


def language_errors(text: str) -> list[str]:
    findings = check_draft(text, BOARD, "zh-hans")
    return [f.text for f in findings if f.kind == "language" and f.severity == "error"]


def test_the_records_hyphenated_name_is_not_a_wrong_language() -> None:
    draft = "End-Grain Walnut Cutting Board是一款做工用心的砧板，日常使用方便。"
    assert language_errors(draft) == []


def test_english_that_is_not_the_records_is_still_flagged() -> None:
    draft = "这款砧板做工用心，适合厨房。This board is great for the office every day."
    found = language_errors(draft)
    assert found == ["This board is great for the office every day"]
