"""The review rule (content.permissions) and the storefront read (content.selectors)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from django_llmshop.content import api, permissions, selectors, views
from django_llmshop.content.models import Draft, Kind


def user(username, *codenames, **flags):
    account = User.objects.create_user(username, password="pw", **flags)
    account.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return User.objects.get(pk=account.pk)  # fresh: no cached permissions


@pytest.mark.django_db
def test_only_active_staff_who_may_change_products_can_review():
    assert permissions.can_review(AnonymousUser()) is False
    assert permissions.can_review(user("shopper", "change_product")) is False
    assert permissions.can_review(user("viewer", "view_product", is_staff=True)) is False
    gone = user("gone", "change_product", is_staff=True, is_active=False)
    assert permissions.can_review(gone) is False
    assert permissions.can_review(user("editor", "change_product", is_staff=True)) is True


def test_the_old_names_are_the_moved_ones():
    assert views.can_review is permissions.can_review
    assert api.can_review is permissions.can_review
    assert views.published_review_summary is selectors.published_review_summary


def publish(product, language, summary, reviewed_at=None, status=Draft.Status.PUBLISHED):
    return Draft.objects.create(
        product_type=ContentType.objects.get_for_model(product),
        product_id=str(product.pk),
        kind=Kind.REVIEW_SUMMARY,
        language=language,
        status=status,
        reviewed_at=reviewed_at or timezone.now(),
        parts={"summary": summary},
    )


def test_published_summary_in_the_language_or_its_base_newest_first(catalog):
    product, other = catalog[0], catalog[1]
    now = timezone.now()
    publish(product, "en", "older", now - timedelta(days=1))
    newest = publish(product, "en", "newer", now)
    chinese = publish(product, "zh-hans", "结实耐用。")
    publish(product, "de", "draft only", status=Draft.Status.READY)
    assert selectors.published_review_summary(product, "en-GB") == newest
    assert selectors.published_review_summary(product, "zh-Hans") == chinese
    assert selectors.published_review_summary(product, "de") is None
    assert selectors.published_review_summary(other, "en") is None
    assert selectors.published_review_summary(None, "en") is None
