"""Fixtures for the content tests: a small catalog and a scripted copywriting model."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from django_llmshop.testing import Reply
from shop.models import Category, Product, Review


@pytest.fixture
def catalog(db):
    drinkware = Category.objects.create(name="Drinkware", slug="drinkware")
    products = [
        Product.objects.create(
            category=drinkware,
            name=f"Trail Bottle {n}",
            slug=f"trail-bottle-{n}",
            sku=f"TB-{n}",
            price=Decimal("24.00"),
            stock=5,
            attributes={
                "capacity": "750 ml",
                "material": "stainless steel",
                "colour": "midnight blue",
            },
            description=f"Original text of bottle {n}.\n",
        )
        for n in range(1, 4)
    ]
    return products


def schema_name(request) -> str:
    fmt = (request.json or {}).get("response_format") or {}
    if fmt.get("type") == "json_schema":
        return fmt["json_schema"]["name"]
    props = (fmt.get("schema") or {}).get("properties", {})
    return ",".join(sorted(props))


def copywriter(request):
    """A model that answers every content prompt, inventing one fact: a 1000 ml capacity."""
    if request.path != "/v1/chat/completions":
        return None
    name = schema_name(request)
    prompt = request.json["messages"][-1]["content"]
    product = prompt.split("- Name: ", 1)[-1].split("\n", 1)[0] if "- Name: " in prompt else "it"
    if name in ("description", "bullets,description"):
        body = {
            "description": f"The {product} holds 1000 ml and is made of stainless steel, "
            "in midnight blue.",
            "bullets": ["Stainless steel"],
        }
    elif name in ("seo", "seo_description,seo_title"):
        body = {
            "seo_title": f"{product} | Fernhill",
            "seo_description": f"Buy the {product}: stainless steel, 750 ml.",
        }
    elif name.startswith("marketing_search_ad") or name == "description,headline":
        body = {"headline": "Cold drinks all day", "description": "Steel bottle, 750 ml."}
    elif name.startswith("review_summary") or name == "cons,pros,summary":
        body = {"summary": "Customers like it.", "pros": ["keeps cold"], "cons": ["heavy"]}
    elif name.startswith("marketing_email") or name == "body,subject":
        body = {"subject": f"Meet the {product}", "body": "Stainless steel, 750 ml."}
    elif name.startswith("marketing_social") or name == "post":
        body = {"post": f"The {product}: stainless steel, 750 ml."}
    else:
        body = {"headline": "Meet your new bottle", "body": "Stainless steel, 750 ml."}
    if "Simplified Chinese" in request.json["messages"][0]["content"]:
        # It writes in the language asked for, as the quality gate fails any other.
        chinese = "不锈钢水杯，容量750毫升。"
        body = {k: chinese if isinstance(v, str) else v for k, v in body.items()}
    return Reply.text(json.dumps(body))


@pytest.fixture
def model(llm_settings):
    llm_settings.responder = copywriter
    return llm_settings


@pytest.fixture
def reviews(catalog):
    product = catalog[0]
    for n in range(60):
        Review.objects.create(
            product=product,
            rating=1 + n % 5,
            title=f"Review {n}",
            body=f"Body {n}: it keeps water cold.",
            author_name=f"A{n}",
        )
    return product
