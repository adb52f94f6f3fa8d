"""URLs of django-llmshop, mounted by the host at ``path("llmshop/", include(...))``."""

from django.apps import apps
from django.urls import URLPattern, URLResolver, include, path

app_name = "llmshop"

urlpatterns: list[URLPattern | URLResolver] = [
    path("api/", include("django_llmshop.api.urls")),
]
if apps.is_installed("django_llmshop.content"):
    urlpatterns.append(path("content/", include("django_llmshop.content.urls")))
