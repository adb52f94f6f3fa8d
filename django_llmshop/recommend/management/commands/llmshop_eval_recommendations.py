"""Run the leave-one-out recommendation benchmark on a sequence file and print the figures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from django_llmshop.recommend.engine import load_sequences
from django_llmshop.recommend.engine.data import load_item_attributes
from django_llmshop.recommend.engine.protocol import format_report, run_protocol
from django_llmshop.recommend.engine.tuning import Trial


class Command(BaseCommand):
    help = (
        "Evaluate popularity and the sequence item-kNN on a file of 'user item item ...' lines "
        "(leave-one-out, full ranking, history removed) and print HR@k / NDCG@k. "
        "Does not touch the database."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--sequences",
            required=True,
            help="File with one user a line: user_id item_id item_id ... in time order.",
        )
        parser.add_argument(
            "--attributes",
            help="Optional JSON {item_id: [attribute_id, ...]} (brand, category ids): also "
            "evaluates the model with attribute similarity.",
        )
        parser.add_argument("--k", type=int, default=10, help="Cut-off of HR@k / NDCG@k.")
        parser.add_argument(
            "--tune",
            action="store_true",
            help="Search the hyper-parameters on the validation item first (never the test).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["sequences"])
        if not path.is_file():
            raise CommandError(f"No such sequence file: {path}")
        k = options["k"]
        if k < 1:
            raise CommandError("--k must be at least 1.")
        data = load_sequences(path)
        if data.n_users == 0:
            raise CommandError(f"No sequences in {path}.")

        attributes = None
        if options["attributes"]:
            try:
                attributes = load_item_attributes(options["attributes"], data)
            except (OSError, ValueError) as error:
                raise CommandError(f"Cannot read attributes: {error}") from error

        def log(trial: Trial) -> None:
            self.stdout.write(f"  tried {trial.params}: {trial.result}")

        if options["tune"]:
            self.stdout.write("Tuning on the validation item ...")
        report = run_protocol(
            data, attributes=attributes, k=k, tune_params=options["tune"], log=log
        )
        if options["tune"]:
            for run in report.runs[1:]:
                self.stdout.write(f"Best on validation for {run.name}: {run.params}")
        self.stdout.write(format_report(report))
