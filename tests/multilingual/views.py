"""A storefront's product page, as a shop writes it: the translated fields, in the request's
language (the library picks the field; the page knows nothing of django-llmshop)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template import engines

from tests.multilingual.models import ParlerProduct, Product

PAGE = engines["django"].from_string(
    '<html lang="{{ LANGUAGE_CODE }}"><h1>{{ product.name }}</h1>'
    '<div class="description">{{ product.description|linebreaks }}</div></html>'
)


def product_page(request: HttpRequest, pk: int) -> HttpResponse:
    product = get_object_or_404(Product, pk=pk)
    return HttpResponse(PAGE.render({"product": product, "LANGUAGE_CODE": request.LANGUAGE_CODE}))


def parler_product_page(request: HttpRequest, pk: int) -> HttpResponse:
    product = get_object_or_404(ParlerProduct, pk=pk)
    product.set_current_language(request.LANGUAGE_CODE)
    return HttpResponse(PAGE.render({"product": product, "LANGUAGE_CODE": request.LANGUAGE_CODE}))
