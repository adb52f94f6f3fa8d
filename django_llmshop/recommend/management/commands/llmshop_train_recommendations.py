"""Train the recommendation model now (the periodic task does the same), and serve it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from django_llmshop.recommend.training import train


class Command(BaseCommand):
    help = (
        "Train the recommendation model from the recorded shopper events and the catalog, "
        "and make it the one served."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        model = train()
        self.stdout.write(
            f"Recommendation model {model.pk}: {model.events} events from {model.shoppers} "
            f"shoppers, {model.items} products, {model.neighbours} neighbour rows, "
            f"{model.seconds:.1f} s."
        )
