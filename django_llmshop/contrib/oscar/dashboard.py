"""The Generate actions in Oscar's dashboard: bulk actions on its product list.

Oscar's product list (``dashboard.catalogue.views.ProductListView``, or the shop's fork of it)
has a "Bulk Actions" menu over its checkboxes. :func:`install_actions` adds one entry per kind
of content. Choosing one starts a generation job for the selected products, with the default
options in the staff member's language, and links to the job's page in Django's admin, where
the drafts are reviewed. Only staff who may change products can start one (generation costs
money); anyone else gets an error message and nothing is queued.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from django_llmshop.conf import llmshop_settings
from django_llmshop.contrib.oscar.prices import oscar_class

logger = logging.getLogger(__name__)

#: Bulk action name → (content kind, label). The names are the admin actions' names.
ACTIONS = {
    "llmshop_generate_description": ("description", gettext_lazy("Generate descriptions")),
    "llmshop_generate_seo": ("seo", gettext_lazy("Generate SEO titles and descriptions")),
    "llmshop_generate_marketing_copy": ("marketing", gettext_lazy("Generate marketing copy")),
    "llmshop_summarize_reviews": ("review_summary", gettext_lazy("Summarize reviews")),
}


def staff_language() -> str:
    """The request's language if generation may use it, else the first of ``LANGUAGES``."""
    allowed = list(llmshop_settings.LANGUAGES)
    current = (get_language() or "").lower()
    for code in (current, current.split("-")[0]):
        if code in allowed:
            return code
    return str(allowed[0])


def make_action(kind: str, label: Any) -> Any:
    """A bulk action of Oscar's dashboard that starts a ``kind`` generation job."""
    from oscar.views.generic import BulkAction

    class GenerateAction(BulkAction):  # type: ignore[misc]
        def __init__(self) -> None:
            self.kind = kind
            self.label = label

        def execute(self, request: HttpRequest, objects: Any) -> None:
            from django_llmshop.content import services
            from django_llmshop.content.permissions import can_review
            from django_llmshop.content.views import admin_url

            if not can_review(request.user):
                messages.error(request, _("You may not generate content for products."))
                return
            ids = [str(pk) for pk in objects.values_list("pk", flat=True)]
            options = {"languages": [staff_language()]}
            try:
                with transaction.atomic():
                    job = services.start_job(self.kind, ids, options, request.user)
            except ValueError as exc:
                messages.error(request, str(exc))
                return
            text = ngettext(
                "%(action)s: a job for %(count)d product was started.",
                "%(action)s: a job for %(count)d products was started.",
                len(ids),
            ) % {"action": self.label, "count": len(ids)}
            url = admin_url(job)
            if url:
                link = format_html('{} <a href="{}">{}</a>', text, url, _("Review the drafts"))
                messages.success(request, link, extra_tags="safe noicon")
            else:
                messages.success(request, text)

    return GenerateAction()


def install_actions() -> bool:
    """Add the Generate actions to the dashboard's product list; False when Oscar's dashboard
    catalogue app is not installed."""
    from oscar.core.exceptions import AppNotFoundError, ClassNotFoundError

    try:
        view = oscar_class("dashboard.catalogue.views", "ProductListView")
    except (AppNotFoundError, ClassNotFoundError, ImportError):
        logger.info("Oscar's dashboard catalogue is not installed: no Generate actions there")
        return False
    actions = dict(view.actions or {})
    for name, (kind, label) in ACTIONS.items():
        actions.setdefault(name, make_action(kind, label))
    view.actions = actions
    return True
