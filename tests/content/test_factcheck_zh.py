"""Fact check on Chinese drafts, against records written in either language."""

from __future__ import annotations

import pytest

from django_llmshop.content.factcheck import Facts, check_text


@pytest.fixture
def cup() -> Facts:
    return Facts.from_product(
        name="山行保温杯",
        price="129.00",
        currency="CNY",
        attributes={
            "capacity": "750 ml",
            "material": "stainless steel",
            "colour": "midnight blue",
            "dishwasher_safe": True,
            "warranty": "2 years",
            "publication_year": 2019,
        },
    )


def test_a_chinese_draft_that_agrees_has_no_findings(cup):
    draft = (
        "山行保温杯容量750毫升（0.75升），不锈钢材质，午夜蓝配色，"
        "可洗碗机清洗，两年质保，售价129元。"
    )
    assert check_text(draft, cup) == []


@pytest.mark.parametrize("language", [None, "zh", "zh-hans", "en"])
def test_a_capacity_the_record_contradicts(cup, language):
    draft = "容量1000毫升。"
    [finding] = check_text(draft, cup, language=language)
    assert (finding.text, finding.severity, finding.expected) == ("1000毫升", "error", ["750 ml"])
    assert draft[finding.start : finding.end] == "1000毫升"


@pytest.mark.parametrize(
    ("draft", "text", "severity"),
    [
        ("玻璃材质。", "玻璃", "error"),
        ("红色款。", "红色", "error"),
        ("五年质保。", "五年", "error"),
        ("售价99元。", "99元", "error"),
        ("2016年出版。", "2016年", "error"),
        ("不可洗碗机清洗。", "可洗碗机清洗", "error"),
        ("终身保修。", "终身保修", "error"),
        ("不含BPA。", "不含BPA", "warning"),
        ("4件套。", "4件套", "warning"),
        ("百分之三十的折扣。", "百分之三十", "warning"),
    ],
)
def test_chinese_claims(cup, draft, text, severity):
    [finding] = check_text(draft, cup)
    assert (finding.text, finding.severity) == (text, severity)
    assert draft[finding.start : finding.end] == text


def test_a_chinese_record_supports_an_english_draft():
    facts = Facts.from_product(name="竹韵砧板", attributes={"材质": "竹", "重量": "1.2公斤"})
    assert check_text("A bamboo board weighing 1200 g.", facts) == []
    [finding] = check_text("An oak board weighing 1.2 kg.", facts)
    assert (finding.text, finding.severity) == ("oak", "error")


def test_chinese_idioms_are_not_claims(cup):
    assert check_text("一年四季都能用，有机会就带上它。", cup) == []
