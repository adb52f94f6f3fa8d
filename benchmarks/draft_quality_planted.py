"""The planted set of benchmarks/draft_quality.py: real texts with debris, a made-up word or an
invented number planted, checked by the old gate (the fact check alone) and the quality gate."""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django_llmshop.content.factcheck import Facts, Finding, check_text
from django_llmshop.content.factcheck.quality import check_draft, record_numbers
from django_llmshop.content.factcheck.words import english_words, record_words

#: What a small model leaks into copy: JSON, chat markers, markdown, remarks about the task.
DEBRIS = (
    "- ]. The items in this JSON are not the actual item",
    '{"description": "',
    '", "bullets": ["',
    "As an AI language model, I cannot know the price.",
    "```json",
    "assistant: Here is the product description:",
    "<|im_end|>",
    "### Response:",
    "**Key features**",
    "Here is the product description:",
    "}]",
    "The product record does not say more.",
    "<p>",
    "[/INST]",
    "description: ",
)
#: Sentences with an invented number, the {n} replaced by one the record does not hold.
NUMBERS = (
    "Made with {n} exceptional ingredients.",
    "It comes with {n} extra parts.",
    "Rated {n} out of 10 by our testers.",
    "{n}% of buyers recommend it.",
    "Over {n} customers love it.",
    "Backed by a {n}-year guarantee.",
    "It holds up to {n} cups.",
    "It weighs just {n} g.",
    "Ships within {n} days.",
    "Now in its {n}th printing.",
)
_ONSETS = (
    "b",
    "d",
    "f",
    "g",
    "k",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "v",
    "z",
    "br",
    "pl",
    "tr",
    "gr",
    "st",
    "qu",
)
_VOWELS = ("a", "e", "i", "o", "u", "ia", "ou")
_ENDINGS = ("", "", "s", "ados", "ly", "ous", "ing", "ity", "ent")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_PLAIN_WORD = re.compile(r"\b[a-z]{4,}\b")


@dataclass
class RealText:
    source: str
    text: str
    record: dict[str, Any]

    def facts(self, with_text: bool) -> Facts:
        r = self.record
        return Facts.from_product(
            name=r["name"],
            category=r["category"],
            price=r["price"],
            currency="USD",
            attributes=r["attributes"],
            texts=[self.text] if with_text else [],
        )


def shop_texts() -> list[RealText]:
    from shop.demo_data.catalog import CATEGORIES, PRODUCTS

    names = {c.slug: c.name for c in CATEGORIES}
    texts = []
    for slug, specs in PRODUCTS.items():
        for spec in specs:
            record = {
                "name": spec.name,
                "category": names[slug],
                "price": spec.price,
                "attributes": spec.attributes,
            }
            for text in (spec.description, spec.seo_description):
                if text.strip():
                    texts.append(RealText(f"shop {spec.sku}", text, record))
    return texts


def book_texts(folder: Path) -> list[RealText]:
    """The books with a blurb, each once (a few are listed in two of the files)."""
    from benchmarks.factcheck_books import load_books

    books = {b.isbn: b for b in load_books(folder) if b.blurb.strip()}
    return [
        RealText(
            f"book {b.isbn}",
            b.blurb,
            {
                "name": b.title,
                "category": b.category,
                "price": b.price,
                "attributes": {"isbn": b.isbn},
            },
        )
        for b in books.values()
    ]


def made_up_word(rng: random.Random, record: frozenset[str]) -> str:
    while True:
        syllables = rng.randint(2, 4)
        word = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(syllables))
        word += rng.choice(_ENDINGS)
        if word not in english_words() and word not in record:
            return word


def _boundary(text: str, rng: random.Random) -> int:
    """Where a sentence may go: after a sentence, or at the end."""
    points = [m.end() for m in _SENTENCE_END.finditer(text)] + [len(text)]
    return rng.choice(points)


def _insert(text: str, at: int, piece: str) -> tuple[str, int]:
    """The text with the piece inserted at a boundary, and where the piece starts."""
    before, after = text[:at].rstrip(), text[at:].lstrip()
    joined = before + (" " if before else "")
    return joined + piece + (" " + after if after else ""), len(joined)


def plant(kind: str, real: RealText, rng: random.Random) -> tuple[str, tuple[int, int]]:
    """A planted draft and the span of what was planted."""
    text = real.text
    if kind == "debris":
        piece = rng.choice(DEBRIS)
        if rng.random() < 0.3:  # as a bullet, the way drafts join bullets to the description
            start = len(text) + 3
            return f"{text}\n- {piece}", (start, start + len(piece))
        planted, start = _insert(text, _boundary(text, rng), piece)
        return planted, (start, start + len(piece))
    if kind == "nonword":
        words = list(_PLAIN_WORD.finditer(text))
        word = made_up_word(rng, record_words(real.facts(True).corpus))
        if not words:
            planted, start = _insert(text, len(text), f"A {word} choice.")
            return planted, (start + 2, start + 2 + len(word))
        target = rng.choice(words)
        planted = text[: target.start()] + word + text[target.end() :]
        return planted, (target.start(), target.start() + len(word))
    known = record_numbers(real.facts(True))
    number = rng.choice([n for n in range(3, 500) if float(n) not in known])
    sentence = rng.choice(NUMBERS)
    piece = sentence.format(n=number)
    planted, start = _insert(text, _boundary(text, rng), piece)
    offset = piece.index(str(number))
    return planted, (start + offset, start + offset + len(str(number)))


def _covers(findings: list[Finding], span: tuple[int, int]) -> bool:
    start, end = span
    return any(f.severity == "error" and f.start < end and start < f.end for f in findings)


def _rate(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f} % ({part}/{whole})" if whole else "–"


def evaluate_planted(texts: list[RealText], rng: random.Random, show: int = 0) -> None:
    kinds = ("debris", "nonword", "number")
    found: dict[str, Counter[str]] = {"old": Counter(), "new": Counter()}
    missed: list[tuple[str, str, str]] = []
    for real in texts:
        facts = real.facts(True)
        for kind in kinds:
            draft, span = plant(kind, real, rng)
            found["old"][kind] += _covers(check_text(draft, facts, "en"), span)
            hit = _covers(check_draft(draft, facts, "en"), span)
            found["new"][kind] += hit
            if not hit:
                missed.append((kind, real.source, draft[span[0] : span[1]]))
    total = len(texts)
    print(
        f"planted set: {total} real texts ({sum(t.source.startswith('book') for t in texts)} "
        f"book blurbs), one plant of each kind in each"
    )
    print(f"  {'recall (an error covers the plant)':<38}{'old gate':>22}{'new gate':>22}")
    for kind in kinds:
        print(
            f"  {kind:<38}{_rate(found['old'][kind], total):>22}"
            f"{_rate(found['new'][kind], total):>22}"
        )
    old_all, new_all = sum(found["old"].values()), sum(found["new"].values())
    print(f"  {'all':<38}{_rate(old_all, 3 * total):>22}{_rate(new_all, 3 * total):>22}")
    for kind, source, text in missed[:show]:
        print(f"  missed {kind} in {source}: {text!r}")
    _false_findings(texts)


def _false_findings(texts: list[RealText]) -> None:
    print("  untouched texts with an error finding (false findings):")
    for with_text, label in (
        (True, "record holds the text (a rewrite)"),
        (False, "record without the text (a new text)"),
    ):
        old = new = 0
        by_kind: Counter[str] = Counter()
        for real in texts:
            facts = real.facts(with_text)
            old += any(f.severity == "error" for f in check_text(real.text, facts, "en"))
            errors = [f for f in check_draft(real.text, facts, "en") if f.severity == "error"]
            new += bool(errors)
            by_kind.update({f.kind for f in errors})
        kinds = ", ".join(f"{k} {n}" for k, n in by_kind.most_common())
        print(
            f"  {label:<38}{_rate(old, len(texts)):>22}{_rate(new, len(texts)):>22}"
            f"   texts by kind: {kinds or 'none'}"
        )
