"""URLs of the Oscar test shop: admin, Oscar's shop, and the line docs/oscar.md adds."""

from django.apps import apps
from django.contrib import admin
from django.urls import include, path

from tests.oscar_shop.settings import documented_blocks

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),  # Oscar's language switcher
]
for _block in documented_blocks("urls.py"):
    urlpatterns += eval(f"[{_block.split(chr(10), 1)[1]}]")  # the documented line(s), as written
urlpatterns += [path("", include(apps.get_app_config("oscar").urls[0]))]
