"""The dashboard has no table: an unmanaged model gives it a place in the admin and a
``view_dashboard`` permission to grant."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Dashboard(models.Model):
    class Meta:
        managed = False
        default_permissions = ("view",)
        verbose_name = _("dashboard")
        verbose_name_plural = _("dashboard")
