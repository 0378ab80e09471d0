"""Bulk-create realistic seizures for load tests: `manage.py generate_seizures --count 1000000`."""

from __future__ import annotations

import datetime as dt
import time
from concurrent.futures import ThreadPoolExecutor

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cases.demo.generator import bulk_write
from cases.demo.seizures import maker_for
from members.models import Agency


class Command(BaseCommand):
    help = (
        "Bulk-create N realistic seizures (items, identifiers, persons, transits, history) across "
        "all agencies over the last 8 years, oldest first, in batches (COPY on PostgreSQL); not for production."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True, help="How many seizures to create.")
        parser.add_argument("--batch", type=int, default=5000, help="Seizures per transaction (default 5000).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (same seed, same data).")
        parser.add_argument("--years", type=int, default=8, help="Spread over this many years up to now.")

    def handle(self, *args, count: int, batch: int, seed: int, years: int, **options):

        if count < 1:
            raise CommandError("--count must be at least 1.")
        if not 1 <= batch <= 50000:
            raise CommandError("--batch must be between 1 and 50000.")
        agencies = list(Agency.objects.active().order_by("code"))
        if not agencies:
            raise CommandError("No active agency: run migrations first.")
        now = timezone.now() - dt.timedelta(minutes=5)
        maker = maker_for(agencies, seed=seed, start=dt.datetime(now.year - years + 1, 1, 1, tzinfo=dt.UTC), end=now)
        parts = -(-count // batch)
        sizes = [min(batch, count - part * batch) for part in range(parts)]
        done = 0
        began = time.monotonic()
        # One thread draws the next batch while PostgreSQL writes this one (the wait on the
        # database releases the GIL); one drawer keeps the same seed giving the same seizures.
        with ThreadPoolExecutor(max_workers=1) as drawer:
            upcoming = drawer.submit(maker.make_slice, sizes[0], part=0, parts=parts)
            for part in range(parts):
                specs = upcoming.result()
                if part + 1 < parts:
                    upcoming = drawer.submit(maker.make_slice, sizes[part + 1], part=part + 1, parts=parts)
                done += bulk_write(specs, now=now)
                self._progress(done, count, began)
        self.stderr.write("")
        elapsed = time.monotonic() - began
        self.stdout.write(f"Created {done} seizures in {elapsed:.1f} s ({done / max(elapsed, 1e-9):,.0f}/s).")

    def _progress(self, done: int, total: int, began: float) -> None:
        elapsed = max(time.monotonic() - began, 1e-9)
        rate = done / elapsed
        width = 30
        filled = int(width * done / total)
        eta = (total - done) / rate if rate else 0
        self.stderr.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} "
            f"{100 * done / total:5.1f}%  {rate:,.0f} rows/s  ETA {eta:,.0f} s ",
            ending="",
        )
        self.stderr.flush()
