"""Import the shop's past orders (and view logs) as shopper events, so recommendations start
from years of history instead of nothing. Running it again adds only what is new."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from django_llmshop.adapters import get_adapter
from django_llmshop.recommend.history import ImportCounts, import_orders, import_views
from django_llmshop.recommend.progress import Progress
from django_llmshop.recommend.viewlog import ViewLogError, as_datetime, check_view_log

MAX_BATCH = 50_000


def since_date(value: str) -> datetime:
    moment = as_datetime(value) if not value.strip().lstrip("-").isdigit() else None
    if moment is None:
        raise CommandError(f"--since {value!r}: give an ISO 8601 date, e.g. 2024-01-31.")
    return moment


class Command(BaseCommand):
    help = (
        "Import past orders (through the shop adapter) and, with --views, a view log (CSV or "
        "JSON Lines) as recommendation events. Idempotent: a second run adds nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", help="only orders and views on or after this date")
        parser.add_argument(
            "--batch-size", type=int, default=1000, help="orders or log rows per batch (1000)"
        )
        parser.add_argument(
            "--views", help="a view log: .csv or .jsonl with product_id, created and user_id "
            "or session (optional: type, id)",
        )  # fmt: skip
        parser.add_argument("--no-orders", action="store_true", help="import only --views")
        parser.add_argument(
            "--train", action="store_true", help="train the recommendations afterwards"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        batch_size = options["batch_size"]
        if not 1 <= batch_size <= MAX_BATCH:
            raise CommandError(f"--batch-size must be between 1 and {MAX_BATCH}.")
        since = since_date(options["since"]) if options["since"] else None
        views = Path(options["views"]) if options["views"] else None
        rows = 0
        if views is not None:
            try:  # the whole log is checked before anything is written
                rows = check_view_log(views)
            except ViewLogError as exc:
                raise CommandError(f"Bad view log {exc}") from exc
        tty = bool(getattr(self.stdout, "isatty", lambda: False)())
        started = time.perf_counter()
        parts = []
        if not options["no_orders"]:
            parts += self._import_orders(since, batch_size, tty)
        if views is not None:
            progress = Progress(self._write, "views", rows, tty)
            try:
                logged = import_views(views, since, batch_size, self._reporter(progress))
            except ViewLogError as exc:  # the file changed since it was checked
                raise CommandError(f"Bad view log {exc}") from exc
            progress.finish(logged.read, self._detail(logged))
            parts.append(
                f"{logged.read:,} log rows gave {logged.events:,} events ({logged.added:,} new)"
            )
        seconds = time.perf_counter() - started
        summary = "; ".join(parts) or "nothing to import"
        self.stdout.write(self.style.SUCCESS(f"Imported history: {summary} in {seconds:.1f} s."))
        if options["train"]:
            from django_llmshop.recommend.training import train

            model = train()
            self.stdout.write(
                f"Trained recommendation model {model.pk}: {model.events:,} events, "
                f"{model.items:,} products, {model.seconds:.1f} s."
            )
        else:
            self.stdout.write(
                "Train the recommendations to use them: manage.py llmshop_train_recommendations"
            )

    def _import_orders(self, since: datetime | None, batch_size: int, tty: bool) -> list[str]:
        adapter = get_adapter()
        try:
            total = adapter.order_history_count(since)
            if total is None:
                self.stdout.write("The shop has no ORDER_MODEL: no orders to import.")
                return []
            progress = Progress(self._write, "orders", total, tty)
            orders = import_orders(adapter, since, batch_size, self._reporter(progress))
        except ImproperlyConfigured as exc:
            raise CommandError(f"Cannot read the order history: {exc}") from exc
        progress.finish(orders.read, self._detail(orders))
        return [
            f"{orders.read:,} orders gave {orders.events:,} purchase events ({orders.added:,} new)"
        ]

    def _write(self, text: str) -> None:
        self.stdout.write(text, ending="")
        self.stdout.flush()

    @staticmethod
    def _detail(counts: ImportCounts) -> str:
        return f"{counts.added:,} new events"

    def _reporter(self, progress: Progress) -> Any:
        return lambda counts: progress.update(counts.read, self._detail(counts))
