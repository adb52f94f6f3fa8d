"""load_demo_shop: the counts the demo promises, idempotence, --reset, deterministic reviews."""

from __future__ import annotations

from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command

from shop.demo_data import review_phrases
from shop.demo_data.catalog import CATEGORIES, PRODUCTS
from shop.demo_data.reviews import applicable, reviews_for_product
from shop.models import Category, Order, OrderItem, Page, Product, Review


def counts() -> dict[str, int]:
    return {
        "categories": Category.objects.count(),
        "products": Product.objects.count(),
        "reviews": Review.objects.count(),
        "orders": Order.objects.count(),
        "items": OrderItem.objects.count(),
        "pages": Page.objects.count(),
        "users": get_user_model().objects.count(),
    }


def test_demo_shop_meets_the_promised_counts(demo_shop: StringIO) -> None:
    assert Product.objects.count() >= 60
    assert Category.objects.filter(parent=None).count() >= 6
    assert Review.objects.count() >= 300
    assert Order.objects.values("status").distinct().count() >= 5
    assert set(Order.objects.values_list("status", flat=True)) == set(Order.Status.values)
    assert not Order.objects.filter(items=None).exists()
    assert Product.objects.filter(is_active=False).exists()
    assert Product.objects.filter(stock=0, is_active=True).exists()
    assert Product.objects.filter(description="").count() >= 10
    assert not Product.objects.filter(attributes={}).exists()
    assert set(Review.objects.values_list("rating", flat=True)) == {1, 2, 3, 4, 5}
    assert set(Page.objects.values_list("kind", flat=True)) == {"policy", "faq"}
    shipped = Order.objects.filter(status="shipped")
    assert shipped.exists()
    assert not shipped.filter(tracking_number="").exists()
    assert not shipped.filter(carrier="").exists()


def test_demo_shop_prints_the_logins(demo_shop: StringIO) -> None:
    printed = demo_shop.getvalue()
    for login in ("admin / admin", "alice / alice", "bob / bob"):
        assert login in printed


def test_demo_users(demo_shop: StringIO) -> None:
    users = get_user_model().objects
    admin = users.get(username="admin")
    assert admin.is_superuser and admin.is_staff and admin.check_password("admin")
    for name in ("alice", "bob"):
        shopper = users.get(username=name)
        assert shopper.check_password(name)
        assert not shopper.is_staff
        assert shopper.orders.count() >= 3


def test_loading_twice_changes_nothing(demo_shop: StringIO) -> None:
    before = counts()
    reviews_before = list(Review.objects.order_by("pk").values_list("body", flat=True))

    call_command("load_demo_shop", stdout=StringIO())

    assert counts() == before
    assert list(Review.objects.order_by("pk").values_list("body", flat=True)) == reviews_before


def test_loading_again_keeps_edits(demo_shop: StringIO) -> None:
    Product.objects.filter(sku="FH-DW-003").update(description="Edited in the admin.")

    call_command("load_demo_shop", stdout=StringIO())

    assert Product.objects.get(sku="FH-DW-003").description == "Edited in the admin."


def test_reset_reloads_from_scratch(demo_shop: StringIO) -> None:
    before = counts()
    Product.objects.filter(sku="FH-DW-003").update(description="Edited in the admin.")
    Review.objects.filter(product__sku="FH-KT-001").delete()
    get_user_model().objects.get(username="alice").set_password("changed")

    call_command("load_demo_shop", "--reset", stdout=StringIO())

    assert counts() == before
    assert Product.objects.get(sku="FH-DW-003").description == ""
    assert Review.objects.filter(product__sku="FH-KT-001").exists()
    assert get_user_model().objects.get(username="alice").check_password("alice")


def test_reviews_are_deterministic_and_varied() -> None:
    first = reviews_for_product("FH-DW-001", "Summit Insulated Bottle 750 ml", "drinkware", {})
    again = reviews_for_product("FH-DW-001", "Summit Insulated Bottle 750 ml", "drinkware", {})
    assert first == again
    assert len({review.body for review in first}) == len(first)


def test_every_product_has_enough_fitting_phrases() -> None:
    top_level = {category.slug: category.parent or category.slug for category in CATEGORIES}
    for category, products in PRODUCTS.items():
        bank = top_level[category]
        for product in products:
            assert len(applicable(review_phrases.PRAISE[bank], product.name)) >= 3, product.name
            assert len(applicable(review_phrases.COMPLAINTS[bank], product.name)) >= 3


def test_phrases_fit_only_their_products() -> None:
    praise = applicable(review_phrases.PRAISE["outdoor"], "Merino Beanie")
    assert not any("battery" in sentence for sentence in praise)
    # Whole words: "pen" phrases are not for pencils.
    pencil = applicable(review_phrases.COMPLAINTS["stationery"], "Pencil Set, Set of 6")
    assert "Skips unless I press quite hard." not in pencil
