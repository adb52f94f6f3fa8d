"""The Generate actions on the product admin the shop already has (Oscar registers its own).

Oscar's ``catalogue`` app registers ``ProductAdmin``; registering another one would raise
``AlreadyRegistered``. This module swaps it for a subclass that adds
:class:`~django_llmshop.content.admin.LLMShopProductAdminMixin`, so whatever the shop's product
admin shows stays, and the actions appear beside its own.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.apps import apps
from django.contrib import admin
from django.utils.module_loading import module_has_submodule

from django_llmshop.adapters import get_adapter


def _load_admin_of(model: Any) -> None:
    """Import the admin module of the product's app, so its registration happened first."""
    config = apps.get_app_config(model._meta.app_label)
    if module_has_submodule(config.module, "admin"):
        import_module(f"{config.name}.admin")


def extend_product_admin(site: admin.AdminSite = admin.site) -> type[admin.ModelAdmin[Any]]:
    """Add the Generate actions to the product's admin on ``site`` (registering one if the
    shop has none); returns the admin class now registered. Calling it again changes nothing."""
    from django_llmshop.content.admin import LLMShopProductAdminMixin

    model = get_adapter().product_model()
    _load_admin_of(model)
    current = site._registry.get(model)
    if isinstance(current, LLMShopProductAdminMixin):
        return type(current)
    base = type(current) if current is not None else admin.ModelAdmin
    extended: type[admin.ModelAdmin[Any]] = type(
        f"LLMShop{base.__name__}",
        (LLMShopProductAdminMixin, base),
        {"__module__": __name__, "__doc__": f"{base.__name__} with the Generate actions."},
    )
    if current is not None:
        site.unregister(model)
    site.register(model, extended)
    return extended


if apps.is_installed("django_llmshop.content"):
    extend_product_admin()
