"""The whole demo catalog: every category and product, gathered from the topic modules."""

from shop.demo_data import catalog_care, catalog_desk, catalog_gear, catalog_kitchen
from shop.demo_data.specs import CategorySpec, ProductSpec

_MODULES = (catalog_kitchen, catalog_care, catalog_gear, catalog_desk)

#: Parents come before their children.
CATEGORIES: list[CategorySpec] = sorted(
    (category for module in _MODULES for category in module.CATEGORIES),
    key=lambda category: category.parent is not None,
)

#: Products by the slug of their category.
PRODUCTS: dict[str, list[ProductSpec]] = {
    slug: products for module in _MODULES for slug, products in module.PRODUCTS.items()
}
