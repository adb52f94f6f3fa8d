"""Reviewing drafts: edit, approve and publish, reject, revert. The merchant's own edit wins.

Publishing writes the host's fields for the draft's language through the adapter, inside one
transaction that locks the product row, and only if the host text in that language is still
what the draft was generated from; otherwise it raises :class:`ContentConflict` (HTTP 409 in
the API) and writes nothing. An English and a Chinese draft of one product so publish side by
side where the shop keeps a text per language. Each publication stores the replaced text in a
:class:`ContentVersion`, so revert restores it byte for byte, in the same language.
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from django_llmshop.adapters import UnmappedLanguage, get_adapter
from django_llmshop.content.models import ContentVersion, Draft
from django_llmshop.content.signals import draft_published, version_reverted


class ContentError(Exception):
    """A review action that cannot be done in the draft's current state."""


class ContentConflict(ContentError):
    """The host text changed since the draft was generated (or since it was published)."""

    def __init__(self, message: str, current: dict[str, str]) -> None:
        super().__init__(message)
        self.current = current


class FindingsNotConfirmed(ContentError):
    """The draft has fact-check findings and the reviewer did not confirm publishing anyway."""


def _locked_product(draft: Draft | ContentVersion) -> models.Model:
    model = draft.product_type.model_class()
    if model is None:
        raise ContentError(_("The product model is no longer installed."))
    return model._default_manager.select_for_update().get(pk=draft.product_id)


def texts_in(product: models.Model | None, roles: list[str], language: str) -> dict[str, str]:
    """The product's current texts of ``roles`` in ``language``, for the review pages ("" for a
    language the shop has no field for: publishing then says why)."""
    if product is None:
        return {}
    adapter = get_adapter()
    try:
        return {role: adapter.get_text_in(product, role, language) for role in roles}
    except UnmappedLanguage:
        return dict.fromkeys(roles, "")


def edit_draft(draft: Draft, text: str, user: Any, parts: dict[str, Any] | None = None) -> Draft:
    """Replace the proposed text with a reviewer's edit; the fact check runs again."""
    from django_llmshop.content.drafting import recheck_findings

    if draft.status not in (Draft.Status.READY, Draft.Status.REJECTED):
        raise ContentError(
            _("This draft cannot be edited: it is %(status)s.")
            % {"status": draft.get_status_display()}
        )
    draft.text = text
    if parts is not None:
        draft.parts = parts
    draft.edited_by = user if user is not None and user.pk else None
    draft.edited_at = timezone.now()
    recheck_findings(draft)
    draft.save()
    return draft


def publish_draft(
    draft: Draft, user: Any, *, confirm_findings: bool = False
) -> ContentVersion | None:
    """Approve a ready draft: write its text to the shop (if it has a host field) and keep the
    replaced text as a version. Marketing copy and review summaries are published in place."""
    if draft.status != Draft.Status.READY:
        raise ContentError(
            _("Only a draft ready for review can be published; this one is %(status)s.")
            % {"status": draft.get_status_display()}
        )
    if draft.has_findings and not confirm_findings:
        raise FindingsNotConfirmed(_("This draft has fact-check findings; confirm to publish it."))
    adapter = get_adapter()
    reviewer = user if user is not None and user.pk else None
    with transaction.atomic():
        locked = Draft.objects.select_for_update().get(pk=draft.pk)
        if locked.status != Draft.Status.READY:
            raise ContentError(_("The draft was reviewed by someone else meanwhile."))
        version = None
        texts = draft.proposed_texts()
        if texts:
            product = _locked_product(draft)
            roles, language = list(texts), draft.language
            try:
                fingerprint = adapter.texts_fingerprint_in(product, roles, language)
            except UnmappedLanguage as exc:
                raise ContentError(
                    _("The product has no field for this draft's language: %(reason)s")
                    % {"reason": exc}
                ) from exc
            if fingerprint != draft.source_fingerprint:
                current = {role: adapter.get_text_in(product, role, language) for role in roles}
                raise ContentConflict(
                    _(
                        "The product's text was changed after this draft was generated; "
                        "compare with the current text before publishing."
                    ),
                    current,
                )
            previous = {role: adapter.get_text_in(product, role, language) for role in roles}
            added = not adapter.has_translation_in(product, roles, language)
            adapter.set_texts_in(product, texts, language)
            version = ContentVersion.objects.create(
                draft=draft,
                product_type=draft.product_type,
                product_id=draft.product_id,
                previous=previous,
                published=texts,
                added_translation=added,
                created_by=reviewer,
            )
        else:
            # In-place kinds: only one published draft per product, kind and language.
            Draft.objects.filter(
                product_type=draft.product_type,
                product_id=draft.product_id,
                kind=draft.kind,
                language=draft.language,
                status=Draft.Status.PUBLISHED,
            ).exclude(pk=draft.pk).update(status=Draft.Status.REJECTED)
        draft.status = Draft.Status.PUBLISHED
        draft.reviewed_by = reviewer
        draft.reviewed_at = timezone.now()
        draft.save(update_fields=["status", "reviewed_by", "reviewed_at", "updated_at"])
    draft_published.send(sender=Draft, draft=draft, version=version, user=reviewer)
    return version


def reject_draft(draft: Draft, user: Any) -> Draft:
    if draft.status not in (Draft.Status.READY, Draft.Status.FAILED, Draft.Status.PENDING):
        raise ContentError(
            _("This draft cannot be rejected: it is %(status)s.")
            % {"status": draft.get_status_display()}
        )
    draft.status = Draft.Status.REJECTED
    draft.reviewed_by = user if user is not None and user.pk else None
    draft.reviewed_at = timezone.now()
    draft.save(update_fields=["status", "reviewed_by", "reviewed_at", "updated_at"])
    return draft


def revert_version(version: ContentVersion, user: Any) -> None:
    """Put back exactly the text a publication replaced, in the draft's language, unless the
    text changed since."""
    adapter = get_adapter()
    with transaction.atomic():
        locked = ContentVersion.objects.select_for_update().get(pk=version.pk)
        if locked.reverted_at is not None:
            raise ContentError(_("This version was already reverted."))
        product = _locked_product(version)
        language = version.draft.language
        try:
            current = {
                role: adapter.get_text_in(product, role, language) for role in version.published
            }
        except UnmappedLanguage as exc:
            raise ContentError(str(exc)) from exc
        if current != version.published:
            raise ContentConflict(
                _(
                    "The product's text was changed after publishing; "
                    "reverting would overwrite that change."
                ),
                current,
            )
        roles = list(version.published)
        if not (
            version.added_translation and adapter.remove_translation_in(product, roles, language)
        ):
            adapter.set_texts_in(product, dict(version.previous), language)
        locked.reverted_at = timezone.now()
        locked.reverted_by = user if user is not None and user.pk else None
        locked.save(update_fields=["reverted_at", "reverted_by"])
        # The draft can be published again: the host text is back to what it was made from.
        Draft.objects.filter(pk=version.draft_id).update(status=Draft.Status.READY)
    version.refresh_from_db()
    version_reverted.send(sender=ContentVersion, version=version, user=user)
