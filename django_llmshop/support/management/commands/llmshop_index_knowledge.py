"""Import the shop's help pages into the chat's knowledge base and index every document."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from django_llmshop.support.knowledge import sync_pages
from django_llmshop.support.models import KnowledgeDocument
from django_llmshop.support.retrieval import index_document


class Command(BaseCommand):
    help = "Import help pages (LLMSHOP['PAGE_MODEL']) and (re)index the knowledge base."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--no-pages", action="store_true", help="Only re-index, do not import pages."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_pages"]:
            counts = sync_pages()
            self.stdout.write(
                f"Pages: {counts['pages']} ({counts['created']} new, {counts['updated']} "
                f"changed, {counts['unpublished']} unpublished)"
            )
        passages = 0
        documents = KnowledgeDocument.objects.all()
        for document in documents:
            passages += index_document(document)
        self.stdout.write(f"Indexed {documents.count()} documents, {passages} passages.")
