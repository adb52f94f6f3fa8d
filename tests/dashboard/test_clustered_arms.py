"""The recommendations experiment counts a shopper's many impressions as less than many trials."""

from datetime import timedelta

import pytest
from django.utils import timezone

from django_llmshop.recommend import metrics
from django_llmshop.recommend.models import TrackingEvent

pytestmark = pytest.mark.django_db


def shown(arm, session, n, clicks):
    rows = []
    for k in range(n):
        fields = {
            "view": f"{session}{k:04d}".ljust(16, "x")[:16],
            "placement": "product",
            "model_version": "m",
            "arm": arm,
            "product_id": "7",
            "session_key": session,
        }
        rows.append(TrackingEvent(kind="impression", **fields))
        if k < clicks:
            rows.append(TrackingEvent(kind="click", **fields))
    return rows


def compare(treatment_sessions):
    rows = [r for s in range(100) for r in shown("baseline", f"b{s:03d}", 2, 0)]
    rows += [r for s in range(99) for r in shown("baseline", f"c{s:03d}", 0, 0)]
    rows += [r for s in range(20) for r in shown("baseline", f"d{s:03d}", 1, 1)]
    rows += treatment_sessions
    TrackingEvent.objects.bulk_create(rows)
    now = timezone.now()
    return metrics.experiment(now - timedelta(hours=1), now + timedelta(hours=1))


def test_the_same_clicks_from_two_shoppers_are_weaker_evidence_than_from_many():
    # 220 impressions in each arm; the treatment gets 60 clicks either way.
    spread = [r for s in range(60) for r in shown("treatment", f"t{s:03d}", 1, 1)]
    spread += [r for s in range(80) for r in shown("treatment", f"u{s:03d}", 2, 0)]
    many = compare(spread)
    TrackingEvent.objects.all().delete()
    few = [r for s in range(2) for r in shown("treatment", f"t{s:03d}", 30, 30)]
    few += [r for s in range(80) for r in shown("treatment", f"u{s:03d}", 2, 0)]
    two = compare(few)
    for found in (many, two):
        assert [(a.impressions, a.clicks) for a in found.arms] == [(220, 20), (220, 60)]
    assert many.arms[1].deff_clicks == pytest.approx(1.0, abs=0.3)
    assert two.arms[1].deff_clicks > 10
    assert many.difference.excludes_zero()
    assert not two.difference.excludes_zero()
    assert two.difference.value == pytest.approx(many.difference.value)
