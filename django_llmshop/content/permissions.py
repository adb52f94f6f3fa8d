"""Who may generate and review content: one rule for the admin, the staff pages and the API.

The API's DRF permission class (:class:`~django_llmshop.content.api.CanReviewContent`) asks
:func:`can_review`; it stays in :mod:`.api`, the only place a sub-app imports DRF.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_permission_codename

from django_llmshop.adapters import get_adapter


def can_review(user: Any) -> bool:
    """Active staff who may change the shop's products: generating costs money and publishing
    writes product texts, so both need the product model's change permission."""
    if not (getattr(user, "is_active", False) and getattr(user, "is_staff", False)):
        return False
    opts = get_adapter().product_model()._meta
    return bool(user.has_perm(f"{opts.app_label}.{get_permission_codename('change', opts)}"))
