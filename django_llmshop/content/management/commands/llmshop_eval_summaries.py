"""Score the content endpoint's review summaries against human ones (ROUGE), to choose a model."""

from __future__ import annotations

import csv
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from django_llmshop.adapters import ProductFacts, ProductReview
from django_llmshop.content.prompts import review_summary_prompt
from django_llmshop.content.rouge import score
from django_llmshop.gateway import llm_for
from django_llmshop.llm import LLMError


def read_products(path: Path) -> list[dict[str, Any]]:
    """FewSum-style rows: ``cat, group_id, rev1..rev8, summ1..summ3, rating1..rating8``."""
    csv.field_size_limit(sys.maxsize)
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    products = []
    for row in rows:
        reviews = [
            ProductReview(rating=_int(row.get(f"rating{i}")), title="", body=row[f"rev{i}"])
            for i in range(1, 9)
            if row.get(f"rev{i}")
        ]
        references = [row[k] for k in ("summ1", "summ2", "summ3") if row.get(k)]
        products.append(
            {
                "id": row.get("group_id", ""),
                "category": row.get("cat", ""),
                "reviews": reviews,
                "references": references,
            }
        )
    return products


def _int(value: str | None) -> int | None:
    try:
        return round(float(value)) if value else None
    except ValueError:
        return None


class Command(BaseCommand):
    help = (
        "Summarise each product's reviews in a FewSum-style TSV with the content endpoint "
        "and print ROUGE-1/2/L F1 against the human summaries."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--data", required=True, type=Path, help="TSV with rev1..rev8 and summ1..summ3 columns."
        )
        parser.add_argument("--limit", type=int, default=None, help="Only the first N products.")
        parser.add_argument("--language", default="en")
        parser.add_argument("--max-tokens", type=int, default=300)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["data"]
        if not path.is_file():
            raise CommandError(f"{path} does not exist.")
        products = read_products(path)[: options["limit"]]
        if not products:
            raise CommandError(f"{path} has no products.")
        llm = llm_for("content")
        self.stdout.write(
            f"{len(products)} products from {path.name}; endpoint "
            f"{llm.endpoint.alias} ({llm.endpoint.model})"
        )
        scores: list[dict[str, float]] = []
        failures = 0
        started = time.perf_counter()
        for product in products:
            facts = ProductFacts(
                product_id=product["id"],
                name=f"{product['category']} product {product['id']}",
                category=product["category"],
                price="",
                currency="",
            )
            prompt = review_summary_prompt(
                facts,
                product["reviews"],
                language=options["language"],
                total_reviews=len(product["reviews"]),
            )
            try:
                result = llm.chat(
                    prompt.messages,
                    max_tokens=options["max_tokens"],
                    response_format=prompt.response_format(llm.endpoint),
                )
            except LLMError as exc:
                failures += 1
                self.stderr.write(f"{product['id']}: {type(exc).__name__}: {exc}")
                scores.append({"rouge1": 0.0, "rouge2": 0.0, "rougeL": 0.0})
                continue
            parsed = result.parsed if isinstance(result.parsed, dict) else {}
            summary = str(parsed.get("summary", "")) or result.text
            scores.append(score(summary, product["references"]))
        elapsed = time.perf_counter() - started
        means = {k: statistics.mean(s[k] for s in scores) for k in ("rouge1", "rouge2", "rougeL")}
        self.stdout.write(
            f"ROUGE-1 {means['rouge1']:.4f}  ROUGE-2 {means['rouge2']:.4f}  "
            f"ROUGE-L {means['rougeL']:.4f}  (F1, best of the human summaries)"
        )
        self.stdout.write(
            f"{failures} failed calls; {elapsed:.1f} s in all, "
            f"{elapsed / len(products):.2f} s per product"
        )
