"""URLs for the test suite: the example shop, the admin and django-llmshop."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("llmshop/", include("django_llmshop.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("shop.urls")),
]
