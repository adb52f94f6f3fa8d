"""Cleaning model output: what is removed, what is kept, and strict JSON for tool arguments."""

from __future__ import annotations

import json
import math

import pytest

from django_llmshop.text import clean_json, clean_text, has_unwanted, loads_strict


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("steel\x00 bottle", "steel bottle"),
        ("lone \ud800 high, lone \udfff low", "lone  high, lone  low"),
        ("bell\x07 escape\x1b[31m del\x7f c1\x85", "bell escape[31m del c1"),
        ("line one\r\nline two", "line one\nline two"),
        ("tab\tand\nnewline stay", "tab\tand\nnewline stay"),
        ("emoji 😀 and 中文 stay", "emoji 😀 and 中文 stay"),
    ],
)
def test_clean_text(raw, clean):
    assert clean_text(raw) == clean
    assert has_unwanted(raw) is (raw != clean)
    assert not has_unwanted(clean_text(raw))
    clean_text(raw).encode("utf-8")  # always encodable


def test_a_surrogate_pair_decoded_by_json_is_one_character_and_kept():
    text = json.loads('"\\ud83d\\ude00"')
    assert clean_text(text) == "😀"


def test_clean_json_cleans_keys_and_strings_and_drops_numbers_no_database_stores():
    value = json.loads('{"a\\u0000": ["x\\u0000", 1e400, -1e400, NaN, 2.5, 3], "b": null}')
    assert clean_json(value) == {"a": ["x", None, None, None, 2.5, 3], "b": None}


@pytest.mark.parametrize(
    "raw", ['{"limit": 1e400}', '{"limit": -1e400}', '{"limit": NaN}', '{"x": Infinity}',
            '{"limit": 1234567890123456789}', "[" * 5 + "1e999" + "]" * 5],
)  # fmt: skip
def test_loads_strict_refuses_numbers_out_of_range(raw):
    with pytest.raises(ValueError):
        loads_strict(raw)


def test_loads_strict_takes_ordinary_json():
    value = loads_strict('{"query": "bottle", "limit": 5, "ratio": 0.5, "big": 123456789012345678}')
    assert value == {"query": "bottle", "limit": 5, "ratio": 0.5, "big": 123456789012345678}
    assert all(math.isfinite(v) for v in value.values() if isinstance(v, float))
