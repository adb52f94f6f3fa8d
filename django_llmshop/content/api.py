"""The content sub-app's JSON API (staff only): start jobs, follow them, review drafts.

Mounted under ``llmshop/api/content/`` by :mod:`django_llmshop.api.urls`. Authentication is the
session with the CSRF token (:class:`~django_llmshop.api.views.ShopAPIView`), never HTTP Basic.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission, IsAdminUser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from django_llmshop.api.schema import QueryParameter
from django_llmshop.api.views import ShopAPIView
from django_llmshop.content import services
from django_llmshop.content.models import ContentVersion, Draft, GenerationJob, Kind
from django_llmshop.content.permissions import can_review


class CanReviewContent(BasePermission):
    """Staff who may change the shop's products (generating costs money, publishing writes)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return can_review(request.user)


class StaffView(ShopAPIView):
    permission_classes = [IsAdminUser, CanReviewContent]


class JobCreateSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=Kind.choices)
    product_ids = serializers.ListField(
        child=serializers.CharField(max_length=64), allow_empty=False, max_length=10_000
    )
    options = serializers.DictField(required=False, default=dict)


class JobSerializer(serializers.ModelSerializer[GenerationJob]):
    progress = serializers.IntegerField(read_only=True)
    eta_seconds = serializers.SerializerMethodField()

    class Meta:
        model = GenerationJob
        fields = [
            "id", "kind", "status", "total", "done", "failed", "progress", "eta_seconds",
            "options", "error", "created_at", "started_at", "finished_at",
        ]  # fmt: skip

    def get_eta_seconds(self, job: GenerationJob) -> float | None:
        eta = job.eta_seconds()
        return None if eta is None else round(eta, 1)


class DraftSerializer(serializers.ModelSerializer[Draft]):
    job = serializers.PrimaryKeyRelatedField[GenerationJob](read_only=True)
    has_findings = serializers.BooleanField(read_only=True)

    class Meta:
        model = Draft
        fields = [
            "id", "job", "product_id", "kind", "language", "variant", "status", "text", "parts",
            "findings", "has_findings", "source_texts", "note", "error", "created_at",
            "reviewed_at",
        ]  # fmt: skip


class JobListView(StaffView):
    success_status = {"POST": 202}
    request_serializer = JobCreateSerializer
    response_serializer = JobSerializer

    def post(self, request: Request) -> Response:
        serializer = JobCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            with transaction.atomic():
                job: GenerationJob = services.start_job(
                    data["kind"], data["product_ids"], data["options"], request.user
                )
        except ValueError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class JobDetailView(StaffView):
    response_serializer = JobSerializer

    def get(self, request: Request, pk: int) -> Response:
        return Response(JobSerializer(get_object_or_404(GenerationJob, pk=pk)).data)


class DraftListView(StaffView):
    """Drafts, newest first; filter with ``product_id``, ``job``, ``kind`` and ``status``."""

    filters = {"product_id": "product_id", "job": "job_id", "kind": "kind", "status": "status"}
    query_parameters = [
        QueryParameter("product_id", "Only the drafts of this product."),
        QueryParameter("job", "Only the drafts of this job.", {"type": "integer"}),
        QueryParameter("kind", "Only drafts of this kind.", {"enum": Kind.values}),
        QueryParameter("status", "Only drafts in this status.", {"enum": Draft.Status.values}),
    ]
    response_serializer = DraftSerializer(many=True)

    def get(self, request: Request) -> Response:
        queryset = Draft.objects.all()
        for param, field in self.filters.items():
            value = request.query_params.get(param)
            if value:
                if param == "job" and not (value.isascii() and value.isdigit() and len(value) < 19):
                    return Response({"detail": _("job must be a number.")}, status=400)
                queryset = queryset.filter(**{field: value})
        return Response(DraftSerializer(queryset, many=True).data)


class DraftEditSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(max_length=20_000, trim_whitespace=False)
    parts = serializers.DictField(required=False)


class NoteSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ApproveSerializer(serializers.Serializer[Any]):
    confirm_findings = serializers.BooleanField(required=False, default=False)


class VersionSerializer(serializers.ModelSerializer[ContentVersion]):
    class Meta:
        model = ContentVersion
        fields = [
            "id", "draft", "product_id", "previous", "published", "created_at", "reverted_at",
        ]  # fmt: skip


def _refused(exc: services.ContentError) -> Response:
    """409 with the host's current text when it changed, else 400 with the reason."""
    if isinstance(exc, services.ContentConflict):
        return Response({"detail": str(exc), "current": exc.current}, status=409)
    return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)


class DraftDetailView(StaffView):
    """A draft; PATCH ``{text, parts}`` replaces its proposed text (the fact check runs again)."""

    request_serializer = DraftEditSerializer
    response_serializer = DraftSerializer
    error_statuses = {"PATCH": (409,)}

    def get(self, request: Request, pk: int) -> Response:
        return Response(DraftSerializer(get_object_or_404(Draft, pk=pk)).data)

    def patch(self, request: Request, pk: int) -> Response:
        draft = get_object_or_404(Draft, pk=pk)
        serializer = DraftEditSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            services.edit_draft(draft, data["text"], request.user, parts=data.get("parts"))
        except services.ContentError as exc:
            return _refused(exc)
        return Response(DraftSerializer(draft).data)


class DraftRegenerateView(StaffView):
    """Generate the draft again in a task, with an optional ``note`` to the model (202)."""

    request_serializer = NoteSerializer
    response_serializer = DraftSerializer
    success_status = {"POST": 202}
    error_statuses = {"POST": (409,)}

    def post(self, request: Request, pk: int) -> Response:
        draft = get_object_or_404(Draft, pk=pk)
        body = request.data if isinstance(request.data, dict) else {}
        serializer = NoteSerializer(data=body)
        serializer.is_valid(raise_exception=True)
        try:
            with transaction.atomic():
                services.regenerate_draft(draft, serializer.validated_data["note"], request.user)
        except services.ContentError as exc:
            return _refused(exc)
        return Response(DraftSerializer(draft).data, status=status.HTTP_202_ACCEPTED)


class VersionListView(StaffView):
    """Publications, newest first; filter with ``product_id`` and ``draft``."""

    query_parameters = [
        QueryParameter("product_id", "Only the publications of this product."),
        QueryParameter("draft", "Only the publication of this draft.", {"type": "integer"}),
    ]
    response_serializer = VersionSerializer(many=True)

    def get(self, request: Request) -> Response:
        versions = ContentVersion.objects.all()
        product_id = request.query_params.get("product_id")
        if product_id:
            versions = versions.filter(product_id=product_id[:64])
        draft = request.query_params.get("draft")
        if draft:
            if not (draft.isascii() and draft.isdigit() and len(draft) < 19):
                return Response({"detail": _("draft must be a number.")}, status=400)
            versions = versions.filter(draft_id=int(draft))
        return Response(VersionSerializer(versions[:500], many=True).data)


class VersionRevertView(StaffView):
    """Put back the text a publication replaced; 409 when the product's text changed since."""

    response_serializer = VersionSerializer
    error_statuses = {"POST": (409,)}

    def post(self, request: Request, pk: int) -> Response:
        version = get_object_or_404(ContentVersion, pk=pk)
        try:
            services.revert_version(version, request.user)
        except services.ContentError as exc:
            return _refused(exc)
        return Response(VersionSerializer(version).data)


class DraftApproveView(StaffView):
    """Publish a draft. 409 with the current host text when the merchant changed it since."""

    request_serializer = ApproveSerializer
    response_serializer = DraftSerializer
    error_statuses = {"POST": (409,)}

    def post(self, request: Request, pk: int) -> Response:
        draft = get_object_or_404(Draft, pk=pk)
        body = request.data if isinstance(request.data, dict) else {}
        serializer = ApproveSerializer(data=body)
        serializer.is_valid(raise_exception=True)
        confirm = serializer.validated_data["confirm_findings"]
        try:
            version = services.publish_draft(draft, request.user, confirm_findings=confirm)
        except services.ContentConflict as exc:
            return Response(
                {"detail": str(exc), "current": exc.current}, status=status.HTTP_409_CONFLICT
            )
        except services.FindingsNotConfirmed as exc:
            return Response(
                {"detail": str(exc), "findings": draft.findings},
                status=status.HTTP_400_BAD_REQUEST,
            )
        except services.ContentError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        draft.refresh_from_db()
        data = DraftSerializer(draft).data
        data["version"] = version.pk if version is not None else None
        return Response(data)


class DraftRejectView(StaffView):
    response_serializer = DraftSerializer

    def post(self, request: Request, pk: int) -> Response:
        draft = get_object_or_404(Draft, pk=pk)
        try:
            services.reject_draft(draft, request.user)
        except services.ContentError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        return Response(DraftSerializer(draft).data)


urlpatterns = [
    path("content/jobs/", JobListView.as_view(), name="content-jobs"),
    path("content/jobs/<int:pk>/", JobDetailView.as_view(), name="content-job"),
    path("content/drafts/", DraftListView.as_view(), name="content-drafts"),
    path("content/drafts/<int:pk>/", DraftDetailView.as_view(), name="content-draft"),
    path("content/drafts/<int:pk>/approve/", DraftApproveView.as_view(), name="content-approve"),
    path("content/drafts/<int:pk>/reject/", DraftRejectView.as_view(), name="content-reject"),
    path(
        "content/drafts/<int:pk>/regenerate/",
        DraftRegenerateView.as_view(),
        name="content-regenerate",
    ),
    path("content/versions/", VersionListView.as_view(), name="content-versions"),
    path("content/versions/<int:pk>/revert/", VersionRevertView.as_view(), name="content-revert"),
]
