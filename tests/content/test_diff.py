"""The review page's markup: word diff and finding highlights, always escaped."""

from __future__ import annotations

import re

import pytest

from django_llmshop.content.diff import (
    diff_stats,
    highlight_findings,
    tokenize,
    usable_findings,
    word_diff,
)


def unmark(html: str, keep: str) -> str:
    """The text one side of a diff shows: drop the other side's tags with their content."""
    drop = "ins" if keep == "del" else "del"
    html = re.sub(rf"<{drop}>.*?</{drop}>", "", html, flags=re.S)
    html = re.sub(r"</?(ins|del)>", "", html)
    return html.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


@pytest.mark.parametrize(
    "text", ["", "one", "Holds 750 ml, keeps cold.\n\n- Steel", "  spaced  out  ", "杯子 750ml"]
)
def test_tokens_join_back_to_the_text(text):
    assert "".join(tokenize(text)) == text


def test_changed_word():
    html = word_diff("Holds 750 ml of water.", "Holds 1000 ml of water.")
    assert html == "Holds <del>750</del><ins>1000</ins> ml of water."


def test_changed_phrase_is_one_deletion_and_one_insertion():
    html = word_diff("A red steel cup.", "A blue glass cup.")
    assert html == "A <del>red steel</del><ins>blue glass</ins> cup."


def test_added_and_removed_words():
    assert word_diff("Keeps drinks cold.", "Keeps drinks very cold.") == (
        "Keeps drinks <ins>very </ins>cold."
    )
    assert word_diff("Keeps drinks very cold.", "Keeps drinks cold.") == (
        "Keeps drinks <del>very </del>cold."
    )
    assert word_diff("", "New text") == "<ins>New text</ins>"
    assert word_diff("Old text", "") == "<del>Old text</del>"
    assert word_diff("Same.", "Same.") == "Same."


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Original text of bottle 1.\n", "The bottle holds 1000 ml.\n\n- Stainless steel"),
        ("a b c d e f", "a x c y e z"),
        ("line one\nline two", "line one\nline 2\nline three"),
        ("<b>old</b> & co", "<script>alert(1)</script> & co"),
    ],
)
def test_each_side_of_the_diff_is_its_text(old, new):
    html = word_diff(old, new)
    assert unmark(html, keep="del") == old
    assert unmark(html, keep="ins") == new


def test_diff_escapes_both_texts():
    html = word_diff('<img src=x onerror="a()">', "<script>alert(1)</script>")
    assert "<script" not in html and "<img" not in html
    assert set(re.findall(r"</?(\w+)", html)) <= {"ins", "del"}


def test_diff_stats_count_words():
    assert diff_stats("Holds 750 ml.", "Holds 1000 ml, really.") == {"removed": 1, "added": 2}


def finding(start, end, text, message="Not in the record", severity="error"):
    return {
        "kind": "quantity",
        "start": start,
        "end": end,
        "text": text,
        "message": message,
        "expected": [],
        "severity": severity,
    }


def test_findings_are_marked_with_their_message():
    text = "Holds 1000 ml of water."
    html = highlight_findings(text, [finding(6, 13, "1000 ml", "Record says 750 ml")])
    assert html == (
        'Holds <mark class="llmshop-finding llmshop-error" id="finding-1" '
        'title="Record says 750 ml">1000 ml<sup>1</sup></mark> of water.'
    )


def test_highlight_escapes_text_and_message():
    text = "<b>1000 ml</b>"
    html = highlight_findings(text, [finding(3, 10, "1000 ml", '"><script>x()</script>')])
    assert "<script>" not in html and "<b>" not in html
    assert 'title="&quot;&gt;&lt;script&gt;x()&lt;/script&gt;"' in html
    assert html.startswith("&lt;b&gt;<mark")


def test_overlapping_and_stale_findings_are_skipped():
    text = "Holds 1000 ml, in red."
    findings = [
        finding(6, 13, "1000 ml"),
        finding(6, 10, "1000"),  # inside the first one
        finding(18, 21, "red", severity="warning"),
        finding(40, 45, "gone"),  # beyond the text (it was edited since)
        {"start": "x"},
    ]
    assert [f["text"] for f in usable_findings(text, findings)] == ["1000 ml", "red"]
    html = highlight_findings(text, findings)
    assert html.count("<mark") == 2
    assert 'class="llmshop-finding llmshop-warning" id="finding-2"' in html
    assert re.sub(r"<sup>\d+</sup>|<[^>]+>", "", html) == text


def test_a_stray_short_match_inside_a_rewrite_is_folded_in():
    old = "Original text of bottle 1"
    new = "The Trail Bottle 1 holds 1000 ml and is made of stainless steel, in midnight blue"
    assert word_diff(old + ".", new + ".") == f"<del>{old}</del><ins>{new}</ins>."
    # A short edit keeps its surrounding words as they are.
    assert word_diff("Holds 750 ml.", "Holds 1000 ml, really.") == (
        "Holds <del>750</del><ins>1000</ins> ml<ins>, really</ins>."
    )
