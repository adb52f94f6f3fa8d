"""Whether a draft is about its product at all.

A small model sometimes writes about "the product" in general, or about the task ("a brief
description of the product, review summary ..."), without a word of the record: no word of the
product's name and hardly any of the record's words. Such a text has no wrong fact for the fact
check to find, so it is pointed out here, as a warning: a good text may name neither (a book's
blurb tells its story without its title), so the reviewer judges. Only English texts of some
length are judged; a headline or a title is left to the other checks.
"""

from __future__ import annotations

import re

from .facts import Facts
from .findings import Finding

_WORD = re.compile(r"[a-z]+")  # "pre-seasoned" is "pre" and "seasoned"
#: Shorter drafts are not judged.
MIN_WORDS = 12
#: A draft sharing this many distinctive words with the record is about it, name or no name.
SHARED_WORDS = 3
#: Words that say nothing about which product a text is about.
GENERIC = frozenset(
    """
    a an the and or but nor of to in on at by for with from into onto over under about as is
    are was were be been being it its this that these those there here which who whom whose
    what when where why how you your yours we our ours they their them he she his her i me my
    not no yes all any each every some more most other such only own same so than too very can
    will just should would could may might must also new one two set pack kit edition volume vol
    product products item items description descriptions review reviews summary summaries brief
    quality great good best perfect ideal features feature design designed made make makes use
    used uses using everyday daily life style customers customer buy shop store order brand
    """.split()  # noqa: SIM905 - a word list reads best as text
)


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def find_off_topic(text: str, facts: Facts, language: str) -> list[Finding]:
    """A warning for an English draft that names nothing of its product: no word of its name,
    and fewer than :data:`SHARED_WORDS` distinctive words of its record."""
    if language != "en" or not facts.names:
        return []
    words = _words(text)
    if len(words) < MIN_WORDS:
        return []
    found = set(words) - GENERIC
    name = {w for w in _words(facts.names[0]) if len(w) > 2} - GENERIC
    if found & name:
        return []
    record = {w for w in _words(facts.corpus) if len(w) > 2} - GENERIC
    if len(found & record) >= SHARED_WORDS:
        return []
    message = "The draft does not name the product or say anything its record says."
    return [Finding("offtopic", 0, 0, "", message, [], "warning")]
