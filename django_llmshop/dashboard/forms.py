"""The dashboard's date range: GET ``start`` and ``end`` (days, both included); the last 7 days
by default."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DEFAULT_DAYS = 7
MAX_DAYS = 366
EARLIEST, LATEST = date(2000, 1, 1), date(9998, 12, 31)


class DateRangeForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, input_formats=["%Y-%m-%d"])
    end = forms.DateField(label=_("To"), required=False, input_formats=["%Y-%m-%d"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        today = timezone.localdate()
        end = data.get("end") or today
        start = data.get("start") or end - timedelta(days=DEFAULT_DAYS - 1)
        if start < EARLIEST or end > LATEST:
            raise forms.ValidationError(
                _("Choose dates between %(first)s and %(last)s.")
                % {"first": EARLIEST.isoformat(), "last": LATEST.isoformat()}
            )
        if start > end:
            raise forms.ValidationError(_("The start date must not be after the end date."))
        if (end - start).days + 1 > MAX_DAYS:
            raise forms.ValidationError(
                _("Choose a range of at most %(days)d days.") % {"days": MAX_DAYS}
            )
        data["start"], data["end"] = start, end
        return data


def default_range() -> tuple[date, date]:
    today = timezone.localdate()
    return today - timedelta(days=DEFAULT_DAYS - 1), today


def bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The aware datetimes from the start of ``start`` to the start of the day after ``end``."""
    zone = timezone.get_current_timezone()
    first = datetime.combine(start, time.min, tzinfo=zone)
    after = datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone)
    return first, after
