"""The system check of ``TRANSLATED_FIELDS``: the shop's own per-language text fields (E011)."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.checks import CheckMessage, Error

#: The product text roles that publishing writes, and so may be kept per language.
TEXT_ROLES = ("description", "seo_title", "seo_description")


def check_translated_fields(merged: dict[str, Any]) -> list[CheckMessage]:
    """``TRANSLATED_FIELDS`` maps text roles to ``{language: field}`` of ``PRODUCT_MODEL``."""
    raw = merged.get("TRANSLATED_FIELDS")
    shape = Error(
        "LLMSHOP['TRANSLATED_FIELDS'] must map text roles to {language code: field name}, e.g. "
        "{'description': {'en': 'description', 'zh-hans': 'description_zh'}}.",
        id="llmshop.E011",
    )
    if not isinstance(raw, dict):
        return [shape]
    messages: list[CheckMessage] = []
    try:
        model = apps.get_model(merged["PRODUCT_MODEL"], require_ready=False)
    except (LookupError, ValueError, TypeError, AttributeError):
        model = None  # reported by E006
    own = {f.name for f in model._meta.get_fields() if f.concrete} if model is not None else set()
    languages = [str(code) for code in merged.get("LANGUAGES") or []]
    for role, fields in raw.items():
        if role not in TEXT_ROLES:
            messages.append(
                Error(
                    f"LLMSHOP['TRANSLATED_FIELDS'] has the unknown text role {role!r}.",
                    hint=f"Text roles: {', '.join(TEXT_ROLES)}.",
                    id="llmshop.E011",
                )
            )
            continue
        if not isinstance(fields, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and k and v for k, v in fields.items()
        ):
            messages.append(shape)
            continue
        missing = [code for code in languages if code not in fields]
        if missing:
            messages.append(
                Error(
                    f"LLMSHOP['TRANSLATED_FIELDS'][{role!r}] has no field for "
                    f"{', '.join(missing)} (in LLMSHOP['LANGUAGES']).",
                    hint="Name a field for every language drafts are written in.",
                    id="llmshop.E011",
                )
            )
        for code, name in fields.items():
            if model is not None and name not in own:
                messages.append(
                    Error(
                        f"LLMSHOP['TRANSLATED_FIELDS'][{role!r}][{code!r}] = {name!r}: "
                        f"{model._meta.label} has no field {name!r}.",
                        id="llmshop.E011",
                    )
                )
    return messages
