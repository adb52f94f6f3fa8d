"""Staff pages of the content sub-app: confirm a job, follow its progress, review a draft.

The admin classes in :mod:`.admin` route their pages here; every change goes through
:mod:`.services`, and model text reaches HTML only through :mod:`.diff` (escaped) or
:func:`~django_llmshop.rendering.render_markdown`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from django_llmshop.adapters import get_adapter
from django_llmshop.conf import llmshop_settings
from django_llmshop.content import services
from django_llmshop.content.diff import diff_stats, highlight_findings, usable_findings, word_diff
from django_llmshop.content.forms import ApproveForm, DraftEditForm, GenerateForm, RegenerateForm
from django_llmshop.content.models import Draft, GenerationJob, Kind

# Both lived here before they got their own modules; they stay importable from here.
from django_llmshop.content.permissions import can_review as can_review
from django_llmshop.content.publishing import texts_in
from django_llmshop.content.selectors import published_review_summary as published_review_summary

TEMPLATES = "django_llmshop/content/"


def admin_url(obj: models.Model, view: str = "change") -> str:
    """The admin URL of ``obj`` ("" when its model is not in the admin)."""
    opts = obj._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk])
    except NoReverseMatch:
        return ""


def object_or_404(queryset: Any, object_id: Any) -> Any:
    """The row whose primary key is ``object_id``; 404 for text that is no key at all (the admin
    hands its URL's text over as it is, NUL bytes and letters included)."""
    model = getattr(queryset, "model", queryset)
    try:
        pk = model._meta.pk.to_python(object_id)
    except ValidationError as exc:
        raise Http404 from exc
    return get_object_or_404(queryset, pk=pk)


def admin_page(
    model_admin: admin.ModelAdmin[Any],
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    status: int = 200,
) -> TemplateResponse:
    request.current_app = model_admin.admin_site.name
    base = {**model_admin.admin_site.each_context(request), "opts": model_admin.model._meta}
    return TemplateResponse(request, TEMPLATES + template, {**base, **context}, status=status)


# --- generation ----------------------------------------------------------------------------


def confirm_generation(
    model_admin: admin.ModelAdmin[Any],
    request: HttpRequest,
    queryset: models.QuerySet[Any],
    kind: str,
    action: str,
    translate: bool = False,
) -> HttpResponse:
    """The intermediate page of a generate (or translate) action; starts the job when confirmed."""
    if not can_review(request.user):
        raise PermissionDenied
    ids = [str(pk) for pk in queryset.values_list("pk", flat=True)]
    bound = "post" in request.POST or "_estimate" in request.POST
    form = GenerateForm(kind, request.POST if bound else None, translate=translate)
    if form.is_bound and form.is_valid() and "post" in request.POST:
        try:
            with transaction.atomic():
                job = services.start_job(kind, ids, form.options(), request.user)
        except ValueError as exc:
            form.add_error(None, str(exc))
        else:
            model_admin.message_user(
                request,
                ngettext(
                    "Generating %(kind)s for %(count)d product.",
                    "Generating %(kind)s for %(count)d products.",
                    len(ids),
                )
                % {"kind": Kind(kind).label.lower(), "count": len(ids)},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(admin_url(job) or reverse("admin:index"))
    options = form.options() if form.is_bound and form.is_valid() else form.initial_options()
    context = {
        "title": (_("Translate: %(kind)s") if translate else _("Generate: %(kind)s"))
        % {"kind": Kind(kind).label},
        "kind": Kind(kind),
        "queryset": queryset,
        "count": len(ids),
        "form": form,
        "estimate": services.estimate_job(kind, len(ids), options),
        "action": action,
        "brand_voice": llmshop_settings.BRAND_VOICE,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "media": model_admin.media + form.media,
    }
    return admin_page(model_admin, request, "generate_confirm.html", context)


def job_context(job: GenerationJob) -> dict[str, Any]:
    drafts = job.drafts.all()
    ready = drafts.filter(status=Draft.Status.READY)
    return {
        "job": job,
        "eta": job.eta_seconds(),
        "ready_count": ready.count(),
        "findings_count": sum(1 for d in ready.only("findings") if d.has_findings),
        "drafts_url": reverse("admin:llmshop_content_draft_changelist")
        + f"?job__id__exact={job.pk}",
        "progress_url": reverse("llmshop:content:job_progress", args=[job.pk]),
    }


def job_page(
    model_admin: admin.ModelAdmin[Any], request: HttpRequest, object_id: str
) -> HttpResponse:
    job = object_or_404(GenerationJob, object_id)
    if not model_admin.has_view_permission(request, job):
        raise PermissionDenied
    context = {**job_context(job), "title": str(job), "original": job}
    return admin_page(model_admin, request, "job.html", context)


def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar alone, polled by the job page every second until the job finishes."""
    user = request.user
    may_view = (
        user.is_active and user.is_staff and user.has_perm("llmshop_content.view_generationjob")
    )
    if not (may_view or can_review(user)):
        raise PermissionDenied
    job = get_object_or_404(GenerationJob, pk=pk)
    return TemplateResponse(request, TEMPLATES + "_job_progress.html", job_context(job))


# --- review ----------------------------------------------------------------------------------


def review_context(
    draft: Draft, conflict: services.ContentConflict | None = None
) -> dict[str, Any]:
    """What the review page shows: current and proposed text, their diff, the findings."""
    product = draft.product
    roles = draft.target_roles
    adapter = get_adapter()
    current = texts_in(product, roles, draft.language)
    if conflict is not None:
        current = dict(conflict.current)
    current_text = "\n".join(current.get(role, "") for role in roles)
    findings = usable_findings(draft.text, draft.findings)
    return {
        "draft": draft,
        "product": product,
        "product_admin_url": admin_url(product) if product is not None else "",
        "product_url": adapter.product_url(product) if product is not None else "",
        "roles": roles,
        "current_text": current_text,
        "changed_since": bool(roles) and product is not None and current != draft.source_texts,
        "proposed_html": highlight_findings(draft.text, findings),
        "diff_html": word_diff(current_text, draft.text) if roles else "",
        "diff_stats": diff_stats(current_text, draft.text) if roles else None,
        "findings": findings,
        "unplaced_findings": [f for f in draft.findings if f not in findings],
        "parts": [
            (name, value, len(value))
            for name, value in draft.parts.items()
            if isinstance(value, str)
        ],
        "conflict": conflict,
        "versions": [(v, admin_url(v)) for v in draft.versions.all()],
        "job_url": admin_url(draft.job) if draft.job else "",
    }


def draft_review(
    model_admin: admin.ModelAdmin[Any], request: HttpRequest, object_id: str
) -> HttpResponse:
    """One draft beside the product's current text: edit, approve and publish, reject, redo."""
    draft = object_or_404(Draft.objects.select_related("job"), object_id)
    if not model_admin.has_view_permission(request, draft):
        raise PermissionDenied
    forms = {
        "edit_form": DraftEditForm(draft),
        "approve_form": ApproveForm(),
        "regenerate_form": RegenerateForm(),
    }
    status, conflict = 200, None
    if request.method == "POST":
        if not can_review(request.user):
            raise PermissionDenied
        result = _review_post(model_admin, request, draft, forms)
        if isinstance(result, HttpResponse):
            return result
        status, conflict = result
    context = {
        **review_context(draft, conflict),
        **forms,
        "title": _("%(kind)s for %(product)s (%(language)s)")
        % {
            "kind": draft.get_kind_display(),
            "product": draft.product or draft.product_id,
            "language": draft.language,
        },
        "original": draft,
        "can_review": can_review(request.user),
    }
    return admin_page(model_admin, request, "draft_review.html", context, status=status)


def _review_post(
    model_admin: admin.ModelAdmin[Any],
    request: HttpRequest,
    draft: Draft,
    forms: dict[str, Any],
) -> HttpResponse | tuple[int, services.ContentConflict | None]:
    """Carry out the button pressed; a redirect on success, else the status to show."""
    done = HttpResponseRedirect(request.path)
    try:
        if "_approve" in request.POST:
            approve = forms["approve_form"] = ApproveForm(request.POST)
            approve.is_valid()
            confirm = bool(approve.cleaned_data.get("confirm_findings"))
            services.publish_draft(draft, request.user, confirm_findings=confirm)
            model_admin.message_user(request, _("The draft was published."), messages.SUCCESS)
            return done
        if "_reject" in request.POST:
            services.reject_draft(draft, request.user)
            model_admin.message_user(request, _("The draft was rejected."), messages.SUCCESS)
            return done
        if "_edit" in request.POST:
            edit = forms["edit_form"] = DraftEditForm(draft, request.POST)
            if not edit.is_valid():
                return 400, None
            text, parts = edit.edited()
            services.edit_draft(draft, text, request.user, parts=parts)
            model_admin.message_user(
                request, _("Your edit was saved and checked again."), messages.SUCCESS
            )
            return done
        if "_regenerate" in request.POST:
            regenerate = forms["regenerate_form"] = RegenerateForm(request.POST)
            if not regenerate.is_valid():
                return 400, None
            with transaction.atomic():
                services.regenerate_draft(draft, regenerate.cleaned_data["note"], request.user)
            model_admin.message_user(
                request, _("The draft is being generated again."), messages.SUCCESS
            )
            return done
    except services.FindingsNotConfirmed:
        forms["approve_form"].add_error(
            "confirm_findings", _("This draft has fact-check findings: confirm them to publish.")
        )
        return 400, None
    except services.ContentConflict as exc:
        model_admin.message_user(
            request,
            _(
                "The product changed since this draft was generated, so nothing was published. "
                "Compare the draft with the product's current text below."
            ),
            messages.ERROR,
        )
        draft.refresh_from_db()
        return 409, exc
    except services.ContentError as exc:
        model_admin.message_user(request, str(exc), messages.ERROR)
        return done
    return 400, None
