from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cases.demo.deliveries import seed_deliveries
from cases.demo.manifests import seed_manifests
from cases.demo.operations import seed_operations
from cases.demo.seizures import seed_seizures
from members import demo


class Command(BaseCommand):
    help = "Load the demo users and demo data (DEBUG only; idempotent: a second run changes nothing)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo refuses to run with DEBUG off: demo accounts have a known password.")

        created_users = demo.seed_users()
        # Operations first, so that demo seizures can be linked to the accepted operation.
        created_operations = seed_operations()
        created_seizures = seed_seizures()
        created_deliveries = seed_deliveries()
        created_lines = seed_manifests()
        self.stdout.write(
            f"Demo data: {created_users} users, {created_operations} operations, {created_seizures} seizures, "
            f"{created_deliveries} controlled deliveries and {created_lines} manifest lines created."
        )
        self.stdout.write(f"\nDemo sign-ins (password for all: {settings.DEMO_PASSWORD}):")
        shown = {"KCS", "TCD"}
        for email, label in demo.demo_sign_ins():
            if email.split("@")[1].split(".")[0].upper() in shown or email == demo.PLATFORM_ADMIN_EMAIL:
                self.stdout.write(f"  {email:<34} {label}")
        self.stdout.write("  … and officer@/coordinator@/admin@<code>.example for every agency code.")
