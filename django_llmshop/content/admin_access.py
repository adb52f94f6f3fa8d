"""Who may see and review generated content in the admin: the base of the content admins."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from django_llmshop.adminquery import RefuseUnstorableQuery
from django_llmshop.content.permissions import can_review


class ContentAdmin(RefuseUnstorableQuery):
    """Jobs, drafts, versions and experiments are made by actions, never added by hand; staff
    who may change products may see and review them (or anyone with the model's own view
    permission)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(super().has_view_permission(request, obj)) or can_review(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_review(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(super().has_module_permission(request)) or can_review(request.user)
