"""ROUGE scores and the summary evaluation command."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from django_llmshop.content.rouge import lcs_length, rouge_l, rouge_n, score, tokens
from django_llmshop.testing import Reply


def test_known_values():
    cand = tokens("The cat was found under the bed")
    ref = tokens("the cat was under the bed")
    assert rouge_n(cand, ref, 1) == pytest.approx(12 / 13)  # P 6/7, R 6/6
    assert rouge_n(cand, ref, 2) == pytest.approx(2 * (4 / 6) * (4 / 5) / (4 / 6 + 4 / 5))
    assert lcs_length(cand, ref) == 6
    assert rouge_l(cand, ref) == pytest.approx(12 / 13)


def test_best_reference_wins_and_empty_is_zero():
    result = score("great sound", ["terrible battery", "great sound quality"])
    assert result["rouge1"] == pytest.approx(0.8)
    assert score("", ["anything"]) == {"rouge1": 0.0, "rouge2": 0.0, "rougeL": 0.0}


def test_chinese_is_scored_by_character():
    assert tokens("音质很好") == ["音", "质", "很", "好"]


def test_command_scores_the_endpoint(tmp_path, llm_settings, db):
    header = [
        "cat",
        "group_id",
        *[f"rev{i}" for i in range(1, 9)],
        "summ1",
        "summ2",
        "summ3",
        *[f"rating{i}" for i in range(1, 9)],
    ]
    rows = []
    for n in range(2):
        rows.append(
            [
                "audio",
                f"B{n}",
                *[f"review {i} the sound is great" for i in range(8)],
                "The sound is great.",
                "Great sound.",
                "Customers love the sound.",
                *["5"] * 8,
            ]
        )
    data = tmp_path / "gold.tsv"
    data.write_text("\n".join("\t".join(r) for r in [header, *rows]) + "\n")
    llm_settings.add(
        Reply.text(json.dumps({"summary": "The sound is great.", "pros": ["sound"], "cons": []})),
        Reply.error(400),
    )
    out, err = StringIO(), StringIO()
    call_command("llmshop_eval_summaries", "--data", str(data), stdout=out, stderr=err)
    text = out.getvalue()
    assert "2 products" in text
    assert "ROUGE-1 0.5000" in text  # one perfect summary, one failed call scored 0
    assert "1 failed calls" in text
    assert "BadRequestError" in err.getvalue()
    prompt = llm_settings.requests[0].json["messages"][-1]["content"]
    assert "review 7 the sound is great" in prompt
