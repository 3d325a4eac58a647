"""Index every public initiative, offer, question, thread and article from scratch.

    manage.py rebuild_search_index

Safe to run at any time (one transaction); signals keep the index current afterwards.
"""

import time
from typing import Any

from django.core.management.base import BaseCommand

from veerkracht.search.services import search_index_rebuild


class Command(BaseCommand):
    help = "Rebuild the search index from every public item."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()

        def progress(kind: str, count: int) -> None:
            self.stdout.write(f"  {kind}: {count} indexed")

        self.stdout.write("Rebuilding the search index …")
        counts = search_index_rebuild(progress=progress)
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Search index rebuilt: {sum(counts.values())} documents in {seconds:.1f} s."
            )
        )
