from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from members.models import Agency
from members.reference import load_agencies


class Command(BaseCommand):
    help = "Create the member agencies of data/agencies.csv that are missing (idempotent)."

    def handle(self, *args, **options):
        created = load_agencies(Agency)
        self.stdout.write(
            ngettext(
                "%(created)d agency created, %(total)d in all",
                "%(created)d agencies created, %(total)d in all",
                created,
            )
            % {"created": created, "total": Agency.objects.count()}
        )
