"""The test suite's URLs, and product pages under a language prefix (/en/, /zh-hans/)."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path

from tests.multilingual import views
from tests.urls import urlpatterns as suite_urlpatterns

storefront = (
    [
        path("products/<int:pk>/", views.product_page, name="product"),
        path("parler-products/<int:pk>/", views.parler_product_page, name="parler_product"),
    ],
    "multilingual",
)

urlpatterns = [*i18n_patterns(path("", include(storefront))), *suite_urlpatterns]
