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

from django_llmshop.api.views import ShopAPIView
from django_llmshop.content import services
from django_llmshop.content.models import Draft, GenerationJob, Kind
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


class DraftDetailView(StaffView):
    response_serializer = DraftSerializer

    def get(self, request: Request, pk: int) -> Response:
        return Response(DraftSerializer(get_object_or_404(Draft, pk=pk)).data)


class DraftApproveView(StaffView):
    """Publish a draft. 409 with the current host text when the merchant changed it since."""

    response_serializer = DraftSerializer

    def post(self, request: Request, pk: int) -> Response:
        draft = get_object_or_404(Draft, pk=pk)
        body = request.data if isinstance(request.data, dict) else {}
        confirm = serializers.BooleanField().to_internal_value(body.get("confirm_findings", False))
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
]
