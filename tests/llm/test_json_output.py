"""Finding JSON in model replies, and the built-in JSON Schema validator."""

from __future__ import annotations

import pytest

from django_llmshop.llm.json_output import extract_json, validation_errors


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ('{"a": 1}', {"a": 1}),
        ("  [1, 2]\n", [1, 2]),
        ('```json\n{"a": 1}\n```', {"a": 1}),
        ('```\n{"a": 1}\n```', {"a": 1}),
        ('Here you go:\n```json\n{"a": [1, 2]}\n```\nAnything else?', {"a": [1, 2]}),
        ('Sure! {"title": "Red {shoes}"} Hope this helps.', {"title": "Red {shoes}"}),
        ('Use {braces} wisely: {"ok": true}', {"ok": True}),
        ('The list: ["a", "b"].', ["a", "b"]),
    ],
)
def test_extract_json(reply, expected):
    assert extract_json(reply) == expected


@pytest.mark.parametrize("reply", ["", "   ", "no json here", "{broken: json", "```json\n{\n```"])
def test_extract_json_fails_with_a_reason(reply):
    with pytest.raises(ValueError, match="reply"):
        extract_json(reply)


PRODUCT = {
    "type": "object",
    "properties": {
        "title": {"type": "string", "minLength": 3, "maxLength": 20},
        "price": {"type": "number", "minimum": 0, "maximum": 1000},
        "stock": {"type": "integer"},
        "tags": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 3},
        "size": {"enum": ["S", "M", "L"]},
        "kind": {"const": "product"},
        "note": {"type": ["string", "null"]},
        "code": {"anyOf": [{"type": "integer"}, {"type": "string", "maxLength": 4}]},
    },
    "required": ["title", "price"],
    "additionalProperties": False,
}
VALID = {
    "title": "Red shoes",
    "price": 49.5,
    "stock": 3,
    "tags": ["shoes"],
    "size": "M",
    "kind": "product",
    "note": None,
    "code": "AB12",
}


def test_valid_instance_has_no_errors():
    assert validation_errors(VALID, PRODUCT) == []
    assert validation_errors({"title": "Hat", "price": 0, "stock": 2.0, "code": 7}, PRODUCT) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": 5}, "$.title: expected string, got integer"),
        ({"title": "ab"}, "$.title: must have at least 3 characters, has 2"),
        ({"title": "x" * 21}, "$.title: must have at most 20 characters"),
        ({"price": -1}, "$.price: must be >= 0"),
        ({"price": 1001}, "$.price: must be <= 1000"),
        ({"price": True}, "$.price: expected number, got boolean"),
        ({"stock": 1.5}, "$.stock: expected integer, got number"),
        ({"tags": []}, "$.tags: must have at least 1 items"),
        ({"tags": ["a", "b", "c", "d"]}, "$.tags: must have at most 3 items"),
        ({"tags": ["a", 2]}, "$.tags[1]: expected string, got integer"),
        ({"size": "XL"}, '$.size: must be one of "S", "M", "L", got "XL"'),
        ({"kind": "service"}, '$.kind: must be "product"'),
        ({"note": 3}, "$.note: expected string or null, got integer"),
        ({"code": "TOOLONG"}, "$.code: does not match any of the allowed forms"),
        ({"colour": "red"}, "$: property 'colour' is not allowed"),
    ],
)
def test_each_keyword_reports_its_error(change, message):
    errors = validation_errors({**VALID, **change}, PRODUCT)
    assert len(errors) == 1
    assert errors[0].startswith(message)


def test_missing_required_property():
    assert validation_errors({"price": 1}, PRODUCT) == ["$: missing required property 'title'"]


def test_wrong_top_level_type():
    assert validation_errors([VALID], PRODUCT) == ["$: expected object, got array"]


def test_additional_properties_schema_and_nested_paths():
    schema = {
        "type": "object",
        "properties": {"items": {"type": "array", "items": {"$ref": "#/$defs/line"}}},
        "additionalProperties": {"type": "integer"},
        "$defs": {
            "line": {
                "type": "object",
                "properties": {"qty": {"type": "integer", "exclusiveMinimum": 0}},
                "required": ["qty"],
            }
        },
    }
    assert validation_errors({"items": [{"qty": 1}], "n": 2}, schema) == []
    assert validation_errors({"items": [{"qty": 0}, {}], "n": "x"}, schema) == [
        "$.items[0].qty: must be > 0, got 0",
        "$.items[1]: missing required property 'qty'",
        "$.n: expected integer, got string",
    ]


def test_enum_and_const_use_json_equality():
    assert validation_errors(1.0, {"enum": [1]}) == []
    assert validation_errors(True, {"enum": [1]}) != []
    assert validation_errors([1, {"a": True}], {"const": [1, {"a": True}]}) == []
    assert validation_errors([1, {"a": 1}], {"const": [1, {"a": True}]}) != []


def test_boolean_schemas_and_unknown_keywords():
    assert validation_errors(3, True) == []
    assert validation_errors(3, False) == ["$: no value is allowed here"]
    assert validation_errors("x", {"type": "string", "format": "email", "title": "t"}) == []


def test_error_list_is_capped():
    schema = {"type": "array", "items": {"type": "string"}}
    assert len(validation_errors(list(range(50)), schema)) == 5


def test_json_object_with_a_schema_is_validated_too():
    from django_llmshop.llm.structured import check_output
    from django_llmshop.llm.types import ChatResult, Usage

    schema = {
        "type": "object",
        "properties": {"headline": {"type": "string", "maxLength": 30}},
        "required": ["headline"],
    }
    fmt = {"type": "json_object", "schema": schema}
    good = ChatResult(
        text='{"headline": "Cold for 24 hours"}',
        tool_calls=[],
        usage=Usage(),
        finish_reason="stop",
        model="m",
    )
    bad = ChatResult(
        text='{"headline": "' + "x" * 31 + '"}',
        tool_calls=[],
        usage=Usage(),
        finish_reason="stop",
        model="m",
    )
    assert check_output(good, fmt)[1] == []
    assert check_output(bad, fmt)[1]
