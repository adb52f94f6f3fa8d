"""The fact check's planted-error benchmark: real book blurbs, and the Chinese set."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data" / "catalog_books"


def load_benchmark() -> ModuleType:
    path = ROOT / "benchmarks" / "factcheck_books.py"
    spec = importlib.util.spec_from_file_location("factcheck_books", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("factcheck_books", module)
    spec.loader.exec_module(module)
    return module


def test_books_recall_and_false_findings():
    if not DATA.is_dir():
        pytest.skip(f"the real book catalog is absent ({DATA}); it lives outside the repository")
    score = load_benchmark().evaluate_books(DATA)
    assert score.planted.total() >= 600
    assert score.found.total() / score.planted.total() >= 0.95
    untouched = score.untouched
    assert untouched["texts with an error"] <= 0.02 * untouched["texts"]
    assert score.raw["error"] <= 0.02 * score.raw["texts"]


def test_chinese_set_recall_and_false_findings():
    score = load_benchmark().evaluate_chinese()
    assert score.planted.total() >= 60
    assert score.found.total() / score.planted.total() >= 0.95
    assert score.untouched["error"] == 0
