"""`manage.py healthz`: /healthz's checks from the command line (docker healthchecks of the
worker and beat containers, which serve no HTTP); exit status 1 when a check fails."""

import json

from django.core.management.base import BaseCommand, CommandError

from crackdown import health


class Command(BaseCommand):
    help = "Check the database, cache, broker and worker heartbeat, as /healthz does."

    def handle(self, *args, **options) -> None:
        healthy, checks = health.run_checks()
        self.stdout.write(json.dumps({"status": "ok" if healthy else "error", "checks": checks}))
        if not healthy:
            raise CommandError("a health check failed")
