"""The languages part of the adapter: which field holds a product text in each language.

A shop keeps a text per language in one of three ways, looked up in this order for each role
(``description``, ``seo_title``, ``seo_description``):

1. its own fields, named by ``LLMSHOP["TRANSLATED_FIELDS"]``
   (``{"description": {"en": "description", "zh-hans": "description_zh"}}``);
2. django-modeltranslation: the role's field is registered, so it has one column per language
   (``description_en``, ``description_zh_hans``);
3. django-parler: the role's field is a translated field, held in the product's translation row
   of each language.

A role that none of them translates has one field for every language (``PRODUCT_FIELDS``), read
and written by :meth:`CatalogAdapter.get_text` / :meth:`~CatalogAdapter.set_texts` as before.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.apps import apps
from django.db import models

from django_llmshop.adapters.catalog import CatalogAdapter
from django_llmshop.conf import llmshop_settings


class UnmappedLanguage(ValueError):
    """A text is kept per language, but the shop has no field for this language."""


def _model(product: models.Model | type[models.Model]) -> type[models.Model]:
    return product if isinstance(product, type) else type(product)


def modeltranslation_field(model: type[models.Model], name: str, language: str) -> str | None:
    """``name``'s column for ``language`` if django-modeltranslation translates ``name``."""
    if not apps.is_installed("modeltranslation"):
        return None
    from modeltranslation.settings import AVAILABLE_LANGUAGES
    from modeltranslation.translator import NotRegistered, translator
    from modeltranslation.utils import build_localized_fieldname

    try:
        options = translator.get_options_for_model(model)
    except NotRegistered:
        return None
    if name not in options.all_fields:
        return None
    if language not in AVAILABLE_LANGUAGES:
        raise UnmappedLanguage(
            f"django-modeltranslation keeps {model._meta.label}.{name} in "
            f"{', '.join(AVAILABLE_LANGUAGES)}, not in {language!r}."
        )
    return build_localized_fieldname(name, language)


def parler_translations(model: type[models.Model], name: str) -> type[models.Model] | None:
    """The django-parler translation model holding ``name``, if ``name`` is translated there."""
    meta = getattr(model, "_parler_meta", None)
    if meta is None or name not in meta.get_all_fields():
        return None
    translations: type[models.Model] = meta.get_model_by_field(name)
    return translations


class LanguagesAdapter(CatalogAdapter):
    """Reads and writes a product text in a given language: what a draft of that language
    replaces when it is published, and what its conflict check compares."""

    def field_for(
        self, product: models.Model | type[models.Model], role: str, language: str
    ) -> str | None:
        """The field holding ``role`` in ``language``: on the product, or (django-parler) on its
        translation row. None when the shop keeps one text for every language.

        Raises :class:`UnmappedLanguage` when the role is translated, but not into
        ``language``. Override it for a shop whose own fields follow a rule
        (``return f"{role}_{language[:2]}"``); :meth:`get_text_in` and :meth:`set_texts_in`
        then use the field it names.
        """
        own = llmshop_settings.TRANSLATED_FIELDS.get(role)
        if own:
            name = own.get(language)
            if not name:
                raise UnmappedLanguage(
                    f"LLMSHOP['TRANSLATED_FIELDS'][{role!r}] has no field for {language!r}."
                )
            return str(name)
        name = self.field_name(role)
        if not name or "__" in name:
            return None
        model = _model(product)
        localized = modeltranslation_field(model, name, language)
        if localized is not None:
            return localized
        if parler_translations(model, name) is not None:
            return name
        return None

    def get_text_in(self, product: models.Model, role: str, language: str) -> str:
        """The current text of ``role`` in ``language`` ("" when there is none yet), read from
        the database as it is: no fallback to another language."""
        name = self.field_for(product, role, language)
        if name is None:
            return self.get_text(product, role)
        translations = parler_translations(type(product), name)
        if translations is not None and not _is_own_field(type(product), name):
            value = (
                translations._default_manager.filter(master_id=product.pk, language_code=language)
                .values_list(name, flat=True)
                .first()
            )
        else:
            value = getattr(product, name, "")
        return "" if value is None else str(value)

    def set_texts_in(self, product: models.Model, texts: dict[str, str], language: str) -> None:
        """Write texts of one language, by role; a role kept once for every language is
        written by :meth:`set_texts`."""
        shared: dict[str, str] = {}
        columns: dict[str, str] = {}
        rows: dict[type[models.Model], dict[str, str]] = {}
        for role, text in texts.items():
            name = self.field_for(product, role, language)
            if name is None:
                shared[role] = text
                continue
            translations = parler_translations(type(product), name)
            if translations is not None and not _is_own_field(type(product), name):
                rows.setdefault(translations, {})[name] = text
            else:
                columns[name] = text
        if shared:
            self.set_texts(product, shared)
        if columns:
            for name, text in columns.items():
                setattr(product, name, text)
            product.save(update_fields=list(columns))
        for translations, values in rows.items():
            _write_translation(product, translations, language, values)

    def texts_fingerprint_in(self, product: models.Model, roles: list[str], language: str) -> str:
        """A hash of the current texts of ``roles`` in ``language``: whether the merchant
        edited them. The same as :meth:`texts_fingerprint` for texts kept once for all."""
        if all(self.field_for(product, role, language) is None for role in roles):
            return self.texts_fingerprint(product, roles)
        current = {role: self.get_text_in(product, role, language) for role in sorted(roles)}
        return hashlib.sha256(json.dumps(current, sort_keys=True).encode()).hexdigest()

    def has_translation_in(self, product: models.Model, roles: list[str], language: str) -> bool:
        """Whether the product already has its django-parler translation row of ``language``
        for ``roles`` (True when no role is kept in such a row: nothing can be added)."""
        for translations in self._translation_models(product, roles, language):
            if not translations._default_manager.filter(
                master_id=product.pk, language_code=language
            ).exists():
                return False
        return True

    def remove_translation_in(self, product: models.Model, roles: list[str], language: str) -> bool:
        """Delete the product's django-parler row of ``language`` for ``roles`` if every other
        field of it still holds what the row the storefront falls back to holds (what a new row
        is given when publishing adds it). Returns whether a row was deleted; False also when
        the row keeps a text of its own, which then stays."""
        deleted = False
        for translations in self._translation_models(product, roles, language):
            manager: Any = translations._default_manager
            row = manager.filter(master_id=product.pk, language_code=language).first()
            source = _fallback_row(product, translations, exclude=language)
            if row is None or source is None:
                continue
            names = {self.field_for(product, role, language) for role in roles}
            kept = [
                f.attname
                for f in translations._meta.concrete_fields
                if f.name not in ("id", "master", "language_code") and f.name not in names
            ]
            if all(getattr(row, name) == getattr(source, name) for name in kept):
                row.delete()
                deleted = True
        return deleted

    def _translation_models(
        self, product: models.Model, roles: list[str], language: str
    ) -> set[type[models.Model]]:
        found = set()
        for role in roles:
            name = self.field_for(product, role, language)
            if name is None or _is_own_field(type(product), name):
                continue
            translations = parler_translations(type(product), name)
            if translations is not None:
                found.add(translations)
        return found


def _fallback_row(
    product: models.Model, translations: type[models.Model], exclude: str
) -> models.Model | None:
    """The translation row the storefront shows for a language without its own (parler's
    fallback languages first, else the first language the product has)."""
    manager: Any = translations._default_manager
    existing = {
        r.language_code: r
        for r in manager.filter(master_id=product.pk).exclude(language_code=exclude)
    }
    fallbacks: list[str] = getattr(product, "get_fallback_languages", list)()
    source = next((existing[code] for code in fallbacks if code in existing), None)
    if source is None and existing:
        source = existing[min(existing)]
    return source


def _is_own_field(model: type[models.Model], name: str) -> bool:
    return any(f.name == name and f.concrete for f in model._meta.get_fields())


def _write_translation(
    product: models.Model,
    translations: type[models.Model],
    language: str,
    values: dict[str, str],
) -> None:
    """Update the product's translation row of ``language``, or add it.

    A new row starts with the other translated fields of the row the storefront showed until
    now (parler's fallback), so the product's name does not turn empty in that language.
    """
    manager: Any = translations._default_manager
    row = manager.select_for_update().filter(master_id=product.pk, language_code=language).first()
    if row is None:
        row = translations(master=product, language_code=language)
        source = _fallback_row(product, translations, exclude=language)
        for field in translations._meta.concrete_fields:
            if source is not None and field.name not in ("id", "master", "language_code"):
                setattr(row, field.attname, getattr(source, field.attname))
    for name, text in values.items():
        setattr(row, name, text)
    row.save()
