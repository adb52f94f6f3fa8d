"""Description experiments: a ready draft shown to a sticky share of shoppers, then decided.

Instead of publishing a description draft, staff may start an experiment with it: shoppers
are split by :func:`django_llmshop.experiments.assign` over the experiment's name and their
key (the same hashing as the recommendations' experiment), half see the draft and half the
product's current text. Ending it publishes the draft (through :func:`publish_draft`, with its
conflict check and revertible version) or keeps the current text.

The storefront asks :func:`description_for` what to show. The draft's text is handed back in
the form publishing would write to the host's field (:meth:`text_for_field` of the adapter),
so the shop's template renders it exactly as it renders the published description; it is
never marked safe here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from django_llmshop import experiments
from django_llmshop.adapters import get_adapter
from django_llmshop.content.models import DescriptionExperiment, Draft, Kind
from django_llmshop.content.publishing import ContentError, FindingsNotConfirmed, publish_draft
from django_llmshop.shoppers import Shopper, as_shopper

#: Arms, named as in :mod:`django_llmshop.experiments`: the current text is the baseline.
CURRENT = "baseline"
GENERATED = "treatment"


@dataclass(frozen=True)
class Shown:
    """What a shopper is shown: the text (as the host field would hold it) and the arm ("" when
    no experiment runs for the product, or the shopper cannot be told apart)."""

    text: str
    arm: str
    experiment: DescriptionExperiment | None = None


def start_experiment(
    draft: Draft, user: Any, *, confirm_findings: bool = False, share: float = 0.5
) -> DescriptionExperiment:
    """Show ``draft`` to ``share`` of shoppers instead of publishing it."""
    if draft.kind != Kind.DESCRIPTION:
        raise ContentError(_("Only a product description can be tried as an experiment."))
    if draft.status != Draft.Status.READY:
        raise ContentError(
            _("Only a draft ready for review can be tried; this one is %(status)s.")
            % {"status": draft.get_status_display()}
        )
    if draft.has_findings and not confirm_findings:
        raise FindingsNotConfirmed(_("This draft has fact-check findings; confirm to try it."))
    if not 0 < share < 1:
        raise ContentError(_("The share shown the draft must be between 0 and 1."))
    try:
        with transaction.atomic():
            return DescriptionExperiment.objects.create(
                draft=draft,
                product_type=draft.product_type,
                product_id=draft.product_id,
                language=draft.language,
                share=share,
                started_by=user if user is not None and user.pk else None,
            )
    except IntegrityError as exc:
        raise ContentError(
            _("An experiment is already running for this product's description in %(lang)s.")
            % {"lang": draft.language}
        ) from exc


def end_experiment(
    experiment: DescriptionExperiment, user: Any, *, publish: bool
) -> DescriptionExperiment:
    """End the experiment: publish the draft (the winner) or keep the current text.

    Publishing checks, as always, that the product's text is still the one the draft was made
    from; on a conflict nothing changes and the experiment keeps running.
    """
    reviewer = user if user is not None and user.pk else None
    with transaction.atomic():
        locked = DescriptionExperiment.objects.select_for_update().get(pk=experiment.pk)
        if locked.status != DescriptionExperiment.Status.RUNNING:
            raise ContentError(_("This experiment has already ended."))
        if publish:
            publish_draft(locked.draft, user, confirm_findings=True)
        locked.status = DescriptionExperiment.Status.ENDED
        locked.outcome = (
            DescriptionExperiment.Outcome.PUBLISHED
            if publish
            else DescriptionExperiment.Outcome.KEPT
        )
        locked.ended_at = timezone.now()
        locked.ended_by = reviewer
        locked.save(update_fields=["status", "outcome", "ended_at", "ended_by"])
    return locked


def running_for(product: models.Model, language: str) -> DescriptionExperiment | None:
    """The product's running experiment in ``language`` whose draft is still unpublished."""
    return (
        DescriptionExperiment.objects.filter(
            product_type=ContentType.objects.get_for_model(product),
            product_id=str(product.pk),
            language=language,
            status=DescriptionExperiment.Status.RUNNING,
            draft__status=Draft.Status.READY,
        )
        .select_related("draft")
        .first()
    )


def arm_for(experiment: DescriptionExperiment, shopper: Shopper | str) -> str:
    """The arm of a shopper (or of a shopper's ``key``): the same on every request and process
    while the experiment runs."""
    key = shopper if isinstance(shopper, str) else shopper.key
    return experiments.assign(experiment.name, key, 1.0 - experiment.share)


def description_for(who: Any, product: models.Model, language: str, current: str) -> Shown:
    """The description the shopper behind ``who`` (a request, user or ``Shopper``) sees: the
    draft in the generated arm, else ``current``. An anonymous shopper in an experiment gets a
    session token, so that their arm holds on the next request."""
    experiment = running_for(product, language)
    if experiment is None:
        return Shown(current, "")
    shopper = as_shopper(who, create=True)
    if shopper is None:
        return Shown(current, "")
    arm = arm_for(experiment, shopper)
    if arm != GENERATED:
        return Shown(current, arm, experiment)
    text = get_adapter().text_for_field(product, "description", experiment.draft.text, language)
    return Shown(text, arm, experiment)
