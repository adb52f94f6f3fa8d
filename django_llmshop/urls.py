"""URLs of django-llmshop, mounted by the host at ``path("llmshop/", include(...))``."""

from django.urls import include, path

app_name = "llmshop"

urlpatterns = [
    path("api/", include("django_llmshop.api.urls")),
]
