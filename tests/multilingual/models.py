"""Products of three multilingual shops: django-modeltranslation, django-parler, own fields."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from parler.models import TranslatableModel, TranslatedFields


class Product(models.Model):
    """Translated by django-modeltranslation (``translation.py``): ``description_zh_hans``..."""

    name = models.CharField(max_length=200)
    price = models.DecimalField(max_digits=8, decimal_places=2)
    description = models.TextField(blank=True)
    seo_title = models.CharField(max_length=200, blank=True)
    seo_description = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("multilingual:product", args=[self.pk])


class ParlerProduct(TranslatableModel):
    """Translated by django-parler: the texts live in one translation row per language."""

    price = models.DecimalField(max_digits=8, decimal_places=2)
    translations = TranslatedFields(
        name=models.CharField(max_length=200),
        description=models.TextField(blank=True),
        seo_title=models.CharField(max_length=200, blank=True),
        seo_description=models.CharField(max_length=300, blank=True),
    )

    def __str__(self) -> str:
        return str(self.safe_translation_getter("name", any_language=True) or self.pk)

    def get_absolute_url(self) -> str:
        return reverse("multilingual:parler_product", args=[self.pk])


class OwnFieldsProduct(models.Model):
    """A shop with its own translation fields, mapped by ``LLMSHOP["TRANSLATED_FIELDS"]``."""

    name = models.CharField(max_length=200)
    price = models.DecimalField(max_digits=8, decimal_places=2)
    description = models.TextField(blank=True)
    description_zh = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.name
