"""django-modeltranslation's registration of the test shop's product texts."""

from modeltranslation.translator import TranslationOptions, register

from tests.multilingual.models import Product


@register(Product)
class ProductTranslationOptions(TranslationOptions):
    fields = ("name", "description", "seo_title", "seo_description")
