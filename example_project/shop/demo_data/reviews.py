"""Builds the demo reviews from the phrase banks: varied, mixed in sentiment, and deterministic.

Each product gets its own random generator seeded from its SKU, so a product's reviews do not
change when other products are added or reordered.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

from shop.demo_data import review_phrases as phrases
from shop.demo_data.specs import ReviewSpec

SEED = "fernhill-reviews-v1"

#: How a product tends to be rated; picked once per product so some products are loved and a
#: few are clearly disliked, which gives review summaries something to say.
RATING_PROFILES: list[tuple[int, ...]] = [
    (5, 5, 5, 4, 4, 3),  # loved
    (5, 4, 4, 4, 3, 2),  # liked
    (4, 4, 3, 3, 2, 5),  # mixed
    (3, 2, 2, 1, 4, 1),  # disliked
]
PROFILE_WEIGHTS = [4, 4, 2, 1]

#: "Colours" no one would praise or blame.
COLOURLESS = {"clear", "natural"}


def _attribute_sentence(
    rng: random.Random, attributes: Mapping[str, Any], bank: Mapping[str, str]
) -> str | None:
    usable = [
        (key, value)
        for key, value in sorted(attributes.items())
        if key in bank
        and isinstance(value, str | int)
        and not isinstance(value, bool)
        and value not in COLOURLESS
    ]
    if not usable:
        return None
    key, value = rng.choice(usable)
    sentence = bank[key].format(value=value)
    return sentence[0].upper() + sentence[1:]


def applicable(bank: list[phrases.Phrase], product_name: str) -> list[str]:
    """The sentences of a bank that fit a product, by the words of its name."""
    name_words = set(re.findall(r"[a-z0-9]+", product_name.lower()))
    return [
        sentence for words, sentence in bank if not words or name_words.intersection(words.split())
    ]


def _least_used_first(rng: random.Random, sentences: list[str], used: Counter[str]) -> list[str]:
    rng.shuffle(sentences)
    return sorted(sentences, key=lambda sentence: used[sentence])  # stable: shuffled among ties


def _opinions(
    rng: random.Random,
    rating: int,
    category: str,
    name: str,
    attributes: Mapping[str, Any],
    used: Counter[str],
) -> list[str]:
    # Sentences this product's earlier reviews used go last, so its reviews differ.
    praise = _least_used_first(rng, applicable(phrases.PRAISE[category], name), used)
    complaints = _least_used_first(rng, applicable(phrases.COMPLAINTS[category], name), used)
    good_count, bad_count = {5: (2, 0), 4: (2, 1), 3: (1, 1), 2: (1, 2), 1: (0, 2)}[rating]
    if rating == 4 and rng.random() < 0.5:
        bad_count = 0  # not every four-star review names a flaw
    chosen = praise[:good_count] + complaints[:bad_count]

    if rating >= 4 and rng.random() < 0.45:
        sentence = _attribute_sentence(rng, attributes, phrases.ATTRIBUTE_PRAISE)
        if sentence:
            chosen.insert(1, sentence)
    if rating <= 3 and rng.random() < 0.45:
        sentence = _attribute_sentence(rng, attributes, phrases.ATTRIBUTE_COMPLAINTS)
        if sentence:
            chosen.append(sentence)
    if rng.random() < 0.25:
        general = phrases.GENERAL_PRAISE if rating >= 4 else phrases.GENERAL_COMPLAINTS
        chosen.append(rng.choice(general))
    used.update(chosen)
    return chosen


def _author(rng: random.Random) -> str:
    return f"{rng.choice(phrases.FIRST_NAMES)} {rng.choice(phrases.LAST_INITIALS)}."


def reviews_for_product(
    sku: str, name: str, category: str, attributes: Mapping[str, Any], active: bool = True
) -> list[ReviewSpec]:
    """The demo reviews of one product. ``category`` is a key of the phrase banks."""
    rng = random.Random(f"{SEED}:{sku}")
    profile = rng.choices(RATING_PROFILES, weights=PROFILE_WEIGHTS)[0]
    # Discontinued products keep the few reviews they gathered while on sale.
    count = rng.randint(1, 3) if not active else rng.randint(3, 9)
    reviews = []
    authors: set[str] = set()
    used: Counter[str] = Counter()
    for _ in range(count):
        rating = rng.choice(profile)
        author = _author(rng)
        while author in authors:
            author = _author(rng)
        authors.add(author)
        sentences = [
            rng.choice(phrases.OPENERS),
            *_opinions(rng, rating, category, name, attributes, used),
            rng.choice(phrases.CLOSERS[rating]),
        ]
        reviews.append(
            ReviewSpec(
                rating=rating,
                title=rng.choice(phrases.TITLES[rating]),
                body=" ".join(sentence for sentence in sentences if sentence),
                author_name=author,
                days_ago=rng.randint(3, 540),
                verified_purchase=rng.random() < 0.75,
            )
        )
    return reviews
