"""Fact check: numbers, units, prices, years, counts, terms and claims against a product record."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from django_llmshop.content.factcheck import Facts, Finding, check_text, detect_language


@pytest.fixture
def bottle() -> Facts:
    return Facts.from_product(
        name="Trail Bottle 750",
        category="Drinkware > Bottles",
        price="24.00",
        currency="USD",
        attributes={
            "capacity": "750 ml",
            "material": "stainless steel",
            "colour": "midnight blue",
            "weight": "340 g",
            "dishwasher_safe": True,
            "warranty": "2 years",
            "height": "26 cm",
        },
        texts=["Keeps drinks cold for 24 hours. Leak-proof lid."],
    )


def only(findings: list[Finding]) -> Finding:
    assert len(findings) == 1, findings
    return findings[0]


def test_a_capacity_the_record_contradicts_is_an_error(bottle):
    draft = "The Trail Bottle 750 holds 1000 ml of water."
    finding = only(check_text(draft, bottle))
    assert (finding.kind, finding.text, finding.severity) == ("quantity", "1000 ml", "error")
    assert finding.expected == ["750 ml"]
    assert finding.message == "The product record says 750 ml, not 1000 ml."
    assert draft[finding.start : finding.end] == "1000 ml"


@pytest.mark.parametrize(
    "draft",
    [
        "Holds 750 ml.",
        "Holds 750ml.",
        "Holds 0.75 l.",
        "Holds 0.75 litres.",
        "Holds 75 cl.",
        "Holds 25.4 fl oz.",
        "Holds 25 oz.",
        "Holds about 0.8 litres.",
        "Weighs 0.34 kg.",
        "Weighs just 12 oz.",
        "Weighs 340 grams.",
        "Stands 260 mm tall.",
        "Stands 10.2 in tall.",
        "Keeps drinks cold for 24 hours, or a full day.",
        "Holds over 700 ml.",
        "Comes with a two-year warranty.",
    ],
)
def test_conversions_roundings_and_bounds_that_agree_are_not_flagged(bottle, draft):
    assert check_text(draft, bottle) == []


@pytest.mark.parametrize(
    ("draft", "text"),
    [
        ("Holds 1 l.", "1 l"),  # a whole litre is not 750 ml rounded
        ("Holds 26 fl oz.", "26 fl oz"),
        ("Weighs 0.5 kg.", "0.5 kg"),
        ("Stands 30 cm tall.", "30 cm"),
        ("Backed by a 5-year warranty.", "5-year"),
        ("Holds more than 800 ml.", "800 ml"),
    ],
)
def test_quantities_the_record_contradicts(bottle, draft, text):
    finding = only(check_text(draft, bottle))
    assert (finding.text, finding.severity) == (text, "error")


def test_a_quantity_the_record_is_silent_on_is_a_warning(bottle):
    finding = only(check_text("Its 1200 mAh cell lights the cap.", bottle))
    assert finding.text == "1200 mAh"
    assert finding.severity == "warning"
    assert "does not mention" in finding.message


@pytest.mark.parametrize(
    "draft",
    [
        "Only $24!",
        "Yours for $24.00.",
        "It costs 24 dollars.",
        "Price: USD 24.00.",
        "All for under $30.",
    ],
)
def test_prices_that_agree(bottle, draft):
    assert check_text(draft, bottle) == []


def test_prices(bottle):
    wrong = only(check_text("Yours for $29.99.", bottle))
    assert (wrong.kind, wrong.text, wrong.severity) == ("price", "$29.99", "error")
    assert wrong.expected == ["24.00 USD"]
    discount = only(check_text("Save $5 today.", bottle))
    assert discount.severity == "warning"  # a discount is not the product's price
    other_currency = only(check_text("Only €22.", bottle))
    assert other_currency.severity == "warning"
    assert "EUR" in other_currency.message


def test_percentages():
    facts = Facts.from_product(name="Tee", attributes={"material": "95% cotton, 5% elastane"})
    assert check_text("Made of 95% cotton with 5% elastane for stretch.", facts) == []
    wrong = only(check_text("Made of 100% cotton.", facts))
    assert (wrong.kind, wrong.text, wrong.severity) == ("percentage", "100%", "error")
    assert wrong.expected == ["95%"]
    assert only(check_text("Now 30% off.", facts)).severity == "warning"


def test_years():
    facts = Facts.from_product(name="Snow Crash", attributes={"publication_year": 1992})
    assert check_text("First published in 1992.", facts) == []
    wrong = only(check_text("First published in 1987.", facts))
    assert (wrong.kind, wrong.text, wrong.severity) == ("year", "1987", "error")
    setting = only(check_text("In London of 1855, a paleontologist vanishes.", facts))
    assert setting.severity == "warning"  # a year in the story, not the publication year


def test_counts():
    facts = Facts.from_product(name="Tumbler Set", attributes={"pieces": 4, "material": "glass"})
    assert check_text("A set of 4 glass tumblers; this 4-piece set stacks.", facts) == []
    wrong = only(check_text("A set of 6 tumblers.", facts))
    assert (wrong.kind, wrong.text, wrong.severity) == ("count", "set of 6", "error")
    lids = only(check_text("Includes two lids.", facts))
    assert (lids.text, lids.severity) == ("two lids", "warning")
    luggage = Facts.from_product(name="Carry-on", attributes={"wheels": "4 wheels", "pockets": 8})
    assert check_text("Rolls on 4 spinner wheels.", luggage) == []
    wheels = only(check_text("Rolls on 8 spinner wheels.", luggage))
    assert (wheels.text, wheels.severity) == ("8 spinner wheels", "error")


def test_materials_and_colours(bottle):
    assert (
        check_text("Stainless steel body in midnight blue; a steel bottle in blue.", bottle) == []
    )
    glass = only(check_text("A glass bottle.", bottle))
    assert (glass.kind, glass.severity, glass.expected) == (
        "material",
        "error",
        ["stainless steel"],
    )
    red = only(check_text("Finished in red.", bottle))
    assert (red.kind, red.severity) == ("colour", "error")
    assert only(check_text("Finished in navy.", bottle)).severity == "warning"  # another blue
    plain = Facts.from_product(name="Trail Bottle", attributes={"capacity": "750 ml"})
    assert only(check_text("Finished in red.", plain)).severity == "warning"  # record is silent


def test_record_text_supports_whole_words_only():
    facts = Facts.from_product(name="Mug", texts=["A featured, covered mug in cream."])
    assert only(check_text("A red mug.", facts)).text == "red"
    assert check_text("Finished in cream.", facts) == []


def test_yes_no_claims(bottle):
    assert check_text("Dishwasher-safe and leak-proof.", bottle) == []
    assert only(check_text("Not dishwasher safe.", bottle)).severity == "error"
    hand_wash = Facts.from_product(name="Mug", attributes={"dishwasher_safe": False})
    finding = only(check_text("Fully dishwasher safe.", hand_wash))
    assert (finding.kind, finding.severity) == ("claim", "error")
    assert check_text("Hand wash only; not dishwasher-safe.", hand_wash) == []
    unsupported = only(check_text("Award-winning design.", bottle))
    assert unsupported.severity == "warning"
    lifetime = only(check_text("Backed by a lifetime warranty.", bottle))
    assert lifetime.severity == "error" and lifetime.expected == ["2 years"]
    bpa = Facts.from_product(name="Cup", attributes={"bpa_free": True})
    assert only(check_text("Contains BPA.", bpa)).severity == "error"


@pytest.mark.parametrize(
    "draft",
    [
        "Open 24/7, one of the best bottles we make.",
        "The Trail Bottle 750 fits every cup holder.",
        "1. Fill it. 2. Close it. 3. Go.",
        "Works with version 2.1 of the app, model XR-200.",
        "Order before 3:30 pm.",
        "Made from 18/8 stainless steel.",
        "Rated #3 by our readers in chapter 12.",
    ],
)
def test_labels_names_and_times_are_not_claims(bottle, draft):
    assert check_text(draft, bottle) == []


def test_n_in_one_is_a_count_not_inches():
    facts = Facts.from_product(name="2-in-1 Shaker Bottle", attributes={"height": "9 in"})
    assert check_text("This 2-in-1 shaker stands 9 inches tall.", facts) == []
    finding = only(check_text("A 3-in-1 shaker.", facts))
    assert (finding.kind, finding.text, finding.severity) == ("count", "3-in-1", "error")


def test_identifiers():
    facts = Facts.from_product(name="Snow Crash", attributes={"isbn": "9780553380958"})
    assert check_text("ISBN 978-0-553-38095-8.", facts) == []
    assert only(check_text("ISBN: 9780307887436.", facts)).kind == "identifier"


def test_a_claim_the_record_states_in_a_text_is_supported(bottle):
    assert check_text("Keeps drinks cold for 24 hours.", bottle) == []
    assert only(check_text("Keeps drinks cold for 36 hours.", bottle)).severity == "error"


def test_sizes():
    facts = Facts.from_product(name="Book", attributes={"dimensions": "13.2 x 20.3 x 2.5 cm"})
    assert check_text("It measures 20.3 x 13.2 x 2.5 cm (5.2 x 8 x 1 in).", facts) == []
    draft = "It measures 13.2 x 24.1 x 2.5 cm."
    finding = only(check_text(draft, facts))
    assert (finding.kind, finding.text, finding.severity) == ("dimensions", "24.1", "error")
    assert draft[finding.start : finding.end] == "24.1"


def test_offsets_match_the_draft(bottle):
    drafts = [
        "Holds 1000 ml, weighs 2 kg, costs $99 and comes in red glass. Not dishwasher safe!",
        "容量1000毫升，重2公斤，售价99元，红色玻璃，不可洗碗机清洗。",
        "A 30% discount, set of 6, 10-year warranty, made in 1987 with 12 cm straws, 3×4 in.",
    ]
    for draft in drafts:
        findings = check_text(draft, bottle)
        assert len(findings) >= 5
        for finding in findings:
            assert draft[finding.start : finding.end] == finding.text


def test_findings_round_trip_through_json(bottle):
    findings = check_text("Holds 1000 ml and comes in red.", bottle)
    data = json.loads(json.dumps([f.to_dict() for f in findings]))
    assert [Finding.from_dict(item) for item in data] == findings
    assert set(data[0]) == {"kind", "start", "end", "text", "message", "expected", "severity"}


def test_language_detection():
    assert detect_language("Holds 750 ml.") == "en"
    assert detect_language("容量750毫升，不锈钢。") == "zh"
    assert detect_language("Trail Bottle 750 保温杯：容量750ml，可洗碗机清洗") == "zh"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789 .,-x×/%$€¥元毫升克两十abcinmlgkLsetof\"'()年个件", max_size=80))
def test_any_text_gives_findings_at_their_offsets(draft):
    facts = Facts.from_product(name="Trail Bottle 750", price="24.00", currency="USD",
                               attributes={"capacity": "750 ml", "height": "26 cm"})  # fmt: skip
    for finding in check_text(draft, facts):
        assert draft[finding.start : finding.end] == finding.text
        assert finding.severity in {"error", "warning"}
