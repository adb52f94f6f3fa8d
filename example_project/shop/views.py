"""Storefront views: home, catalog search, product pages, the shopper's orders, help pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Avg, Count, F, OrderBy, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from django_llmshop.recommend.services import record_event
from shop.models import Category, Order, OrderItem, Page, Product
from shop.rendering import render_markdown

CATALOG_PAGE_SIZE = 12
FEATURED_COUNT = 8

#: Catalog orderings a shopper may pick, by the value of ``?sort=``.
SORTS: dict[str, tuple[str | OrderBy, ...]] = {
    "name": ("name",),
    "price": ("price", "name"),
    "-price": ("-price", "name"),
    "newest": ("-created", "name"),
    "rating": (F("avg_rating").desc(nulls_last=True), "name"),
}


def _with_ratings(products: QuerySet[Product]) -> QuerySet[Product]:
    return products.annotate(avg_rating=Avg("reviews__rating"), review_count=Count("reviews"))


def home(request: HttpRequest) -> HttpResponse:
    categories = Category.objects.filter(parent=None).annotate(
        product_count=Count("products", filter=Q(products__is_active=True), distinct=True)
        + Count("children__products", filter=Q(children__products__is_active=True), distinct=True)
    )
    featured = (
        Product.objects.active()
        .filter(stock__gt=0)
        .annotate(avg_rating=Avg("reviews__rating"), review_count=Count("reviews"))
        .filter(review_count__gte=3)
        .order_by("-avg_rating", "-review_count", "name")[:FEATURED_COUNT]
    )
    return render(request, "shop/home.html", {"categories": categories, "featured": featured})


def catalog(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    category_slug = request.GET.get("category", "")
    sort = request.GET.get("sort", "name")
    if sort not in SORTS:
        sort = "name"

    products = _with_ratings(Product.objects.active().select_related("category"))
    if query:
        products = products.filter(
            Q(name__icontains=query) | Q(description__icontains=query) | Q(sku__icontains=query)
        )
    category = None
    if category_slug:
        category = get_object_or_404(Category, slug=category_slug)
        products = products.filter(Q(category=category) | Q(category__parent=category))
    products = products.order_by(*SORTS[sort])

    page = Paginator(products, CATALOG_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "query": query,
        "category": category,
        "categories": Category.objects.filter(parent=None).prefetch_related("children"),
        "sort": sort,
    }
    # Searching from the catalog page swaps only the results (htmx); links still work without it.
    partial = request.headers.get("HX-Target") == "catalog-results"
    template = "shop/_catalog_results.html" if partial else "shop/catalog.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Target"])
    return response


def product_detail(request: HttpRequest, slug: str) -> HttpResponse:
    product = get_object_or_404(
        Product.objects.active().select_related("category", "category__parent"), slug=slug
    )
    reviews = product.reviews.all()
    summary = reviews.aggregate(average=Avg("rating"), count=Count("id"))
    counts = dict(reviews.values_list("rating").annotate(n=Count("id")).order_by())
    distribution = [
        {
            "stars": stars,
            "count": counts.get(stars, 0),
            "percent": round(100 * counts.get(stars, 0) / summary["count"])
            if summary["count"]
            else 0,
        }
        for stars in range(5, 0, -1)
    ]
    context = {
        "product": product,
        "attributes": sorted(product.attributes.items()) if product.attributes else [],
        "reviews": reviews,
        "rating_average": summary["average"],
        "rating_count": summary["count"],
        "rating_distribution": distribution,
    }
    return render(request, "shop/product_detail.html", context)


@require_POST
def add_to_cart(request: HttpRequest, slug: str) -> HttpResponse:
    """Put one of the product in the session's cart, and tell the recommendations."""
    product = get_object_or_404(Product.objects.active(), slug=slug)
    cart = request.session.get("cart", {})
    cart[str(product.pk)] = int(cart.get(str(product.pk), 0)) + 1
    request.session["cart"] = cart
    record_event(request, product, "cart")
    messages.success(request, _("%(name)s is in your cart.") % {"name": product.name})
    return redirect(product.get_absolute_url())


def _my_orders(request: HttpRequest) -> QuerySet[Order]:
    # Every order lookup starts here, so a shopper can never reach another shopper's order.
    if not request.user.is_authenticated:
        return Order.objects.none()
    items = OrderItem.objects.select_related("product")
    return Order.objects.filter(user=request.user).prefetch_related(Prefetch("items", items))


@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    return render(request, "shop/order_list.html", {"orders": _my_orders(request)})


@login_required
def order_detail(request: HttpRequest, number: str) -> HttpResponse:
    order = get_object_or_404(_my_orders(request), number=number)
    return render(request, "shop/order_detail.html", {"order": order})


def page_list(request: HttpRequest) -> HttpResponse:
    return render(request, "shop/page_list.html", {"pages": Page.objects.all()})


def page_detail(request: HttpRequest, slug: str) -> HttpResponse:
    page = get_object_or_404(Page, slug=slug)
    return render(request, "shop/page.html", {"page": page, "body": render_markdown(page.body)})
