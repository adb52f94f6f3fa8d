"""Which help-page passages answer a question best: one ranking for the chat's answer plan and
its ``read_policy`` tool, so a model that looks a policy up finds what the plan would quote."""

from __future__ import annotations

import re

from django_llmshop.support import retrieval
from django_llmshop.support.retrieval.text import terms
from django_llmshop.support.wording import question_terms, search_text

#: Passages searched before re-ranking: the re-ranking can lift one from far down the list.
SEARCHED = 12
TIME_QUESTION_RE = re.compile(
    r"\bhow\s+(?:long|soon|fast|quickly|many\s+(?:days|weeks|hours))\b|\bwhen\b|\bafter\s+\d|"
    r"\b(?:\d+|one|two|three|four|five|six|a\s+few|a\s+couple\s+of)\s*(?:days?|weeks?|months?)\b|"
    r"多久|几天|多少天|多长",
    re.IGNORECASE,
)
DURATION_RE = re.compile(
    r"\d[\d,.–-]*\s*(?:working\s+)?(?:days?|weeks?|months?|hours?|years?)\b", re.IGNORECASE
)


def own_heading(hit: retrieval.Hit) -> str:
    """The passage's own heading, without the page and sections above it ("Returns policy ›
    Damaged or wrong items" -> "Damaged or wrong items"): the words of the page's title are in
    every passage of the page and say nothing about which one answers."""
    return (hit.heading or hit.title).rsplit(" › ", 1)[-1]


def best_passages(question: str, hits: list[retrieval.Hit]) -> list[retrieval.Hit]:
    """The hits re-ranked for quoting: a passage whose heading is what the question asks about
    ("return policy" -> "Returns policy") goes before one that only mentions its words, and for
    a question about time, one that states a duration before one that does not."""
    wanted = question_terms(question)
    # "How long ...?", "after 3 weeks": a passage that states a duration can answer it.
    time = bool(TIME_QUESTION_RE.search(question))

    def score(hit: retrieval.Hit) -> float:
        bonus = 0.15 if time and DURATION_RE.search(hit.text) else 0.0
        heading = set(terms(own_heading(hit)))
        if not wanted or not heading:
            return hit.score + bonus
        shared = len(wanted & heading)
        return hit.score + bonus + 0.25 * shared / len(wanted) + 0.25 * shared / len(heading)

    return sorted(hits, key=lambda hit: -score(hit))


def find_passages(question: str, limit: int | None = None) -> list[retrieval.Hit]:
    """The help-page passages for ``question``, best first: the question's search words (small
    talk and bare numbers dropped, Chinese words matched through the glossary), re-ranked."""
    found = best_passages(question, retrieval.search(search_text(question), limit=SEARCHED))
    return found[:limit] if limit else found
