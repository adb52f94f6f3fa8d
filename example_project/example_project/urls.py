"""URLs of the example shop: admin, accounts, django-llmshop and the storefront."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("llmshop/", include("django_llmshop.urls")),
    path("", include("shop.urls")),
]
