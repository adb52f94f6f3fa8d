"""The example shop's own app: catalog, orders, reviews, help pages and the storefront."""
