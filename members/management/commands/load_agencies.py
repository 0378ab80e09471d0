from django.core.management.base import BaseCommand

from members.models import Agency
from members.reference import load_agencies


class Command(BaseCommand):
    help = "Create the member agencies of data/agencies.csv that are missing (idempotent)."

    def handle(self, *args, **options):
        created = load_agencies(Agency)
        self.stdout.write(f"{created} agencies created, {Agency.objects.count()} in all")
