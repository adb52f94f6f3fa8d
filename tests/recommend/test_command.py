"""The llmshop_eval_recommendations management command."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from .synthetic import planted_sequences, write_sequences


def test_command_prints_popularity_and_our_figures(tmp_path):
    path = write_sequences(tmp_path / "seq.txt", planted_sequences(n_users=200))
    out = StringIO()
    call_command("llmshop_eval_recommendations", sequences=str(path), stdout=out)
    text = out.getvalue()
    assert "users 200" in text
    assert "popularity, leak-free (test)" in text
    assert "ours: sequence item-kNN (test)" in text
    assert "ours: sequence item-kNN: training" in text
    assert "+ attributes" not in text
    # Not the Beauty file: no published figures.
    assert "S3-Rec paper" not in text


def test_command_with_attributes(tmp_path):
    path = write_sequences(tmp_path / "seq.txt", planted_sequences(n_users=100))
    attributes = tmp_path / "attributes.json"
    attributes.write_text(json.dumps({str(i): [i % 7, 100 + i % 3] for i in range(1, 61)}))
    out = StringIO()
    call_command(
        "llmshop_eval_recommendations",
        sequences=str(path),
        attributes=str(attributes),
        stdout=out,
    )
    assert "ours: item-kNN + attributes (test)" in out.getvalue()


def test_command_tunes_on_validation(tmp_path):
    path = write_sequences(tmp_path / "seq.txt", planted_sequences(n_users=100))
    out = StringIO()
    call_command(
        "llmshop_eval_recommendations", "--tune", "--k", "5", sequences=str(path), stdout=out
    )
    text = out.getvalue()
    assert "Best on validation for ours: sequence item-kNN:" in text
    assert "HR@5" in text


def test_command_rejects_missing_files(tmp_path):
    with pytest.raises(CommandError, match="No such sequence file"):
        call_command("llmshop_eval_recommendations", sequences=str(tmp_path / "absent.txt"))
    path = write_sequences(tmp_path / "seq.txt", planted_sequences(n_users=20))
    with pytest.raises(CommandError, match="Cannot read attributes"):
        call_command(
            "llmshop_eval_recommendations",
            sequences=str(path),
            attributes=str(tmp_path / "absent.json"),
        )
