"""Preparing a draft for the model and checking its text: the prompt, and the fact check.

Kept apart from :mod:`.generation` (which runs the calls and stores the drafts) so that a
reviewer's edit can be checked again without loading the batch machinery.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models
from django.db.models.functions import Length

from django_llmshop.adapters import ProductFacts, get_adapter
from django_llmshop.content.factcheck import Facts
from django_llmshop.content.factcheck.quality import check_draft, retry_note
from django_llmshop.content.factcheck.words import english_words
from django_llmshop.content.models import Draft, Kind
from django_llmshop.content.prompts import (
    Prompt,
    product_prompt,
    target_words,
    text_of,
    translation_prompt,
)


def few_shot_examples(product: models.Model, limit: int = 2) -> list[str]:
    """The shop's longest existing descriptions of other products, as examples of its style."""
    adapter = get_adapter()
    field = adapter.field_name("description")
    if not field:
        return []
    queryset = (
        adapter.product_model()
        ._default_manager.exclude(pk=product.pk)
        .annotate(_length=Length(field))
        .filter(_length__gte=200)
        .order_by("-_length")
        .values_list(field, flat=True)[:limit]
    )
    return [str(text)[:1200] for text in queryset]


def _facts_for_check(facts: ProductFacts, extra_texts: list[str]) -> Facts:
    return Facts.from_product(
        name=facts.name,
        category=facts.category,
        price=facts.price,
        currency=facts.currency,
        attributes=facts.attributes,
        texts=[t for t in [facts.description, *extra_texts] if t],
    )


def source_texts(draft: Draft, product: models.Model, options: dict[str, Any]) -> dict[str, str]:
    """The texts a translation draft translates: the product's, in ``translate_from``."""
    source = str(options.get("translate_from") or "")
    if not source:
        return {}
    adapter = get_adapter()
    return {role: adapter.get_text_in(product, role, source) for role in draft.target_roles}


def build_prompt(draft: Draft, product: models.Model, options: dict[str, Any]) -> Prompt:
    adapter = get_adapter()
    facts = adapter.product_facts(product)
    source = source_texts(draft, product, options)
    if options.get("translate_from"):
        if not any(text.strip() for text in source.values()):
            raise ValueError(f"The product has no {options['translate_from']} text to translate.")
        return translation_prompt(
            draft.kind,
            facts,
            source,
            source_language=str(options["translate_from"]),
            language=draft.language,
            note=draft.note,
        )
    examples = few_shot_examples(product) if options.get("few_shot") else []
    current = (
        adapter.get_text_in(product, "description", draft.language)
        if draft.kind == Kind.DESCRIPTION
        else ""
    )
    return product_prompt(
        draft.kind,
        facts,
        language=draft.language,
        options=options,
        variant=draft.variant,
        note=draft.note,
        current=current,
        examples=examples,
    )


def recheck_findings(
    draft: Draft, options: dict[str, Any] | None = None, product: models.Model | None = None
) -> None:
    """Run the fact check and the quality gate on the draft's text (again, after an edit)."""
    if draft.kind == Kind.REVIEW_SUMMARY:
        return
    product = product if product is not None else draft.product
    if product is None:
        return
    options = options if options is not None else (draft.job.options if draft.job else {})
    facts, words = _check_facts(draft, product, options), target_words(draft.kind, options)
    found = check_draft(draft.text, facts, draft.language, words)
    draft.findings = [f.to_dict() for f in found]


def _check_facts(draft: Draft, product: models.Model, options: dict[str, Any]) -> Facts:
    # What the merchant wrote is a fact: a translation may say what its source says.
    promotion = str(options.get("promotion", "")).strip()
    extra = [promotion, *source_texts(draft, product, options).values()]
    return _facts_for_check(get_adapter().product_facts(product), [t for t in extra if t])


def quality_gate(
    draft: Draft, product: models.Model, options: dict[str, Any]
) -> Callable[[dict[str, Any]], str]:
    """What to tell the model when a reply fails the quality gate ("" when it passes).

    The record is read now, in a database thread; the returned check runs in the event loop.
    """
    facts, words = _check_facts(draft, product, options), target_words(draft.kind, options)
    english_words()  # the vocabulary loads once per process (~1 s): here, not in the loop

    def note(parsed: dict[str, Any]) -> str:
        text = text_of(draft.kind, parsed, options)
        return retry_note(check_draft(text, facts, draft.language, words))

    return note
