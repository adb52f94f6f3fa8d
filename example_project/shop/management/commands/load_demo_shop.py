"""``manage.py load_demo_shop``: fill the example shop with its demo catalog, people and pages.

Running it again only adds what is missing, so edits made in the admin (or descriptions
published from generated drafts) survive. ``--reset`` deletes the shop's data and the demo
shoppers first, then loads everything afresh.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from shop.demo_data import people
from shop.demo_data.catalog import CATEGORIES, PRODUCTS
from shop.demo_data.pages import PAGES, read_page
from shop.demo_data.reviews import reviews_for_product
from shop.demo_data.specs import OrderSpec, ShopperSpec
from shop.models import Category, Order, OrderItem, Page, Product, Review

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class Command(BaseCommand):
    help = "Load the demo catalog, reviews, shoppers with orders and help pages (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the shop's catalog, orders, reviews, pages and demo shoppers first.",
        )

    def handle(self, *args: Any, reset: bool = False, **options: Any) -> None:
        self.now = timezone.now()
        with transaction.atomic():
            if reset:
                self.wipe()
            categories = self.load_categories()
            products = self.load_products(categories)
            new_reviews = self.load_reviews(products)
            self.load_people(products)
            self.load_pages()

        self.stdout.write(
            self.style.SUCCESS(
                f"Demo shop ready: {Category.objects.count()} categories, "
                f"{Product.objects.count()} products, {Review.objects.count()} reviews "
                f"({new_reviews} new), {Order.objects.count()} orders, "
                f"{Page.objects.count()} pages."
            )
        )
        self.stdout.write("Log in with:")
        self.stdout.write(f"  {people.ADMIN_USERNAME} / {people.ADMIN_PASSWORD}   staff: /admin/")
        for shopper in people.SHOPPERS:
            self.stdout.write(
                f"  {shopper.username} / {shopper.password}   shopper with "
                f"{len(shopper.orders)} orders"
            )

    def wipe(self) -> None:
        Review.objects.all().delete()
        OrderItem.objects.all().delete()
        Order.objects.all().delete()
        Product.objects.all().delete()
        # Categories protect their children: delete from the leaves up.
        while Category.objects.exists():
            Category.objects.filter(children=None).delete()
        Page.objects.all().delete()
        usernames = [shopper.username for shopper in people.SHOPPERS]
        get_user_model().objects.filter(username__in=usernames).delete()
        self.stdout.write("Deleted the shop's data and the demo shoppers.")

    def load_categories(self) -> dict[str, Category]:
        categories: dict[str, Category] = {}
        for spec in CATEGORIES:
            categories[spec.slug], _ = Category.objects.get_or_create(
                slug=spec.slug,
                defaults={
                    "name": spec.name,
                    "description": spec.description,
                    "parent": categories[spec.parent] if spec.parent else None,
                },
            )
        return categories

    def load_products(self, categories: dict[str, Category]) -> dict[str, Product]:
        products: dict[str, Product] = {}
        for category_slug, specs in PRODUCTS.items():
            for spec in specs:
                products[spec.sku], _ = Product.objects.get_or_create(
                    sku=spec.sku,
                    defaults={
                        "category": categories[category_slug],
                        "name": spec.name,
                        "slug": slugify(spec.name),
                        "price": spec.unit_price,
                        "attributes": spec.attributes,
                        "description": spec.description,
                        "seo_title": spec.seo_title,
                        "seo_description": spec.seo_description,
                        "stock": spec.stock,
                        "is_active": spec.active,
                    },
                )
        return products

    def load_reviews(self, products: dict[str, Product]) -> int:
        """Give each product without reviews its demo reviews; returns how many were added."""
        reviewed = set(Review.objects.values_list("product_id", flat=True).distinct())
        new_reviews = []
        for product in products.values():
            if product.pk in reviewed:
                continue
            category = product.category.parent or product.category
            specs = reviews_for_product(
                product.sku, product.name, category.slug, product.attributes, product.is_active
            )
            for index, spec in enumerate(specs):
                new_reviews.append(
                    Review(
                        product=product,
                        rating=spec.rating,
                        title=spec.title,
                        body=spec.body,
                        author_name=spec.author_name,
                        verified_purchase=spec.verified_purchase,
                        created_at=self.now
                        - timedelta(days=spec.days_ago, minutes=(index * 137) % 1440),
                    )
                )
        Review.objects.bulk_create(new_reviews)
        return len(new_reviews)

    def load_people(self, products: dict[str, Product]) -> None:
        user_model = get_user_model()
        if not user_model.objects.filter(username=people.ADMIN_USERNAME).exists():
            user_model.objects.create_superuser(
                people.ADMIN_USERNAME, people.ADMIN_EMAIL, people.ADMIN_PASSWORD
            )
        for shopper in people.SHOPPERS:
            user = self.load_shopper(shopper)
            for order in shopper.orders:
                self.load_order(user, shopper, order, products)

    def load_shopper(self, shopper: ShopperSpec) -> User:
        user, created = get_user_model().objects.get_or_create(
            username=shopper.username,
            defaults={
                "first_name": shopper.first_name,
                "last_name": shopper.last_name,
                "email": shopper.email,
            },
        )
        if created:
            user.set_password(shopper.password)
            user.save(update_fields=["password"])
        return user

    def load_order(
        self,
        user: User,
        shopper: ShopperSpec,
        spec: OrderSpec,
        products: dict[str, Product],
    ) -> None:
        def days_ago(days: int | None) -> datetime | None:
            return None if days is None else self.now - timedelta(days=days, hours=2)

        order, created = Order.objects.get_or_create(
            number=spec.number,
            defaults={
                "user": user,
                "status": spec.status,
                "carrier": spec.carrier,
                "tracking_number": spec.tracking_number,
                "placed_at": self.now - timedelta(days=spec.days_ago, hours=5),
                "shipped_at": days_ago(spec.shipped_days_ago),
                "delivered_at": days_ago(spec.delivered_days_ago),
                "shipping_address": shopper.address,
            },
        )
        if not created:
            return
        OrderItem.objects.bulk_create(
            OrderItem(
                order=order,
                product=products[line.sku],
                quantity=line.quantity,
                unit_price=Decimal(line.unit_price)
                if line.unit_price
                else products[line.sku].price,
            )
            for line in spec.lines
        )

    def load_pages(self) -> None:
        for slug, kind in PAGES:
            title, body = read_page(slug)
            Page.objects.get_or_create(
                slug=slug, defaults={"title": title, "kind": kind, "body": body}
            )
