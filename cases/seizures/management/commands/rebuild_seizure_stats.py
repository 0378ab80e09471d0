"""Recompute the seizure summary (SeizureStat) from the seizures: `manage.py rebuild_seizure_stats`."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases.seizures.summary import stats_differences, stats_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the dashboard's seizure summary from scratch in one transaction (after a bulk load "
        "or a repair). With --check, only report how many summary rows differ from the seizures."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Compare only; change nothing.")

    def handle(self, *args, check: bool, **options):
        began = time.monotonic()
        if check:
            differences = stats_differences()
            count = len(differences)
            self.stdout.write(
                ngettext(
                    "%(n)d summary row differs from the seizures.",
                    "%(n)d summary rows differ from the seizures.",
                    count,
                )
                % {"n": count}
            )
            if differences:
                raise SystemExit(1)
            return
        rows = stats_rebuild()
        self.stdout.write(
            _("Rebuilt the seizure summary: %(rows)d rows in %(seconds).1f s.")
            % {"rows": rows, "seconds": time.monotonic() - began}
        )
