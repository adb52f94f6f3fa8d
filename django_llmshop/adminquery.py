"""Admin lists refuse query strings that no database column can hold, as any bad lookup.

The admin turns every field of a model into a filter (``?product_id=...``), and PostgreSQL
refuses text with NUL characters with an error at query time, a 500. With this mixin such a
query goes the way of an unknown lookup: the admin's redirect to ``?e=1``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.http import HttpRequest

if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _ModelAdmin = object


class RefuseUnstorableQuery(_ModelAdmin):
    """Put before ``admin.ModelAdmin`` in the bases of a model admin."""

    def get_changelist_instance(self, request: HttpRequest) -> Any:
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                raise IncorrectLookupParameters("The query holds a NUL character.")
        return super().get_changelist_instance(request)
